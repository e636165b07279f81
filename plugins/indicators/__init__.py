from .indicators import register  # noqa: F401  (Pelican calls indicators.register())
from .objectives import ObjectiveError  # noqa: F401
from .report import make_report, write_report  # noqa: F401  (what `invoke report` calls)
from .veille import VeilleError, watch  # noqa: F401  (what `invoke veille` calls)
