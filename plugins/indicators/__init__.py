"""The indicators plugin's API: what `invoke report` and `invoke veille` call.

Pelican imports this package for every build: the report's and the veille's modules (pygal,
feedparser, the networks' clients) are imported only when one of these names is used.
"""

from importlib import import_module

from .indicators import register  # noqa: F401  (Pelican calls indicators.register())

_API = {
    "make_report": ".report", "write_report": ".report",  # invoke report
    "watch": ".veille.watch", "VeilleError": ".veille.config",  # invoke veille
    "ObjectiveError": ".objectives",
}


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(name)
    return getattr(import_module(_API[name], __name__), name)
