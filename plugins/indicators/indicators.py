"""Indicators plugin: the report of what the community achieved (``invoke report``), the
objectives it checks first, and the veille of what is said about the community elsewhere
(``invoke veille``).

The report gathers the figures every plugin offers through
:data:`tribune.signals.indicator_figures` (see :mod:`tribune.figures`): this plugin offers the
repository's own content (content.py) and the veille's mentions (veille/figures.py); the
newsletter offers Mailchimp's reports, the social plugin its posts. Needs the events,
spotlight and newsletter plugins listed before it in PLUGINS (it reads their content).
Settings are documented in README.md.
"""

from tribune.generators import register_defaults
from tribune.signals import indicator_figures

from .content import offer_content_figures
from .veille.figures import offer_veille_figures

DEFAULTS = {
    "REPORT_PATH": "reports",
    "REPORT_PUBLIC_SAVE_AS": "",
    "OBJECTIVES": [],
    "VEILLE_KEYWORDS": [],
    "VEILLE_EXCLUDE": [],
    "VEILLE_SOURCES": [],
    "VEILLE_LANGUAGES": None,
    "VEILLE_EXCLUDE_ACCOUNTS": [],
    "VEILLE_SIMILARITY": 90,
    "VEILLE_SPIKE_Z": 3.0,
    "VEILLE_TIMEOUT": 20,
    "VEILLE_LATEST": 20,
}


def register() -> None:
    register_defaults(DEFAULTS)
    indicator_figures.connect(offer_content_figures)
    indicator_figures.connect(offer_veille_figures)
