"""The veille: what is said about the community elsewhere (see watch.py, and figures.py for
what the report shows of it)."""

from .config import VeilleError  # noqa: F401
from .watch import Run, watch  # noqa: F401
