"""Newsletter plugin: each edition as an e-mail (HTML and plain text) and as a page of the
site's archive. Needs the events and spotlight plugins, listed before it in PLUGINS.

Settings are documented in README.md.
"""

from pelican import signals

from tribune.generators import register_defaults
from tribune.signals import indicator_figures, jsonld_graph, lint_registry, scaffold_registry

from .figures import offer_newsletter_figures
from .generator import NewsletterGenerator
from .jsonld import add_edition
from .lint_rules import add_lint_rules
from .scaffold import make_edition, next_steps

DEFAULTS = {
    "NEWSLETTER_PATHS": ["newsletters"],
    "NEWSLETTER_URL": "lettre/{slug}/",
    "NEWSLETTER_SAVE_AS": "lettre/{slug}/index.html",
    "NEWSLETTER_LANG_URL": "{lang}/newsletter/{slug}/",
    "NEWSLETTER_LANG_SAVE_AS": "{lang}/newsletter/{slug}/index.html",
    "NEWSLETTER_EMAIL_DIR": "newsletter/{edition}",
    "NEWSLETTERS_URL": "lettre/",
    "NEWSLETTERS_SAVE_AS": "lettre/index.html",
    "NEWSLETTER_FEED_ATOM": "lettre/atom.xml",
    "NEWSLETTER_EVENT_DAYS": 45,
    "NEWSLETTER_MAX_POSTS": 6,
    "NEWSLETTER_FIRST_EDITION_DAYS": 31,
    "NEWSLETTER_UTM": True,
    "NEWSLETTER_SIGNUP_URL": "",
}


def get_generators(pelican):
    return NewsletterGenerator


def register_scaffold(scaffolds) -> None:
    scaffolds.add("edition", make_edition, title_required=False, numbered=True, next_steps=next_steps())


def register() -> None:
    register_defaults(DEFAULTS)
    signals.get_generators.connect(get_generators)
    jsonld_graph.connect(add_edition)
    lint_registry.connect(add_lint_rules)
    scaffold_registry.connect(register_scaffold)
    indicator_figures.connect(offer_newsletter_figures)
