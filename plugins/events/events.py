"""Events plugin: event pages, the events page, iCalendar feeds and Event structured data.

Settings (defaults set here when the site does not set them) are documented in README.md.
The public API for other plugins is :func:`upcoming_events` (re-exported by the package).
"""

from zoneinfo import ZoneInfo

from pelican import signals

from tribune.generators import register_defaults
from tribune.signals import jsonld_graph, lint_registry, scaffold_registry

from .generator import EventsGenerator
from .jsonld import add_event
from .lint_rules import add_lint_rules
from .scaffold import make_event, next_steps
from .when import when_in_words

DEFAULTS = {
    "EVENT_PATHS": ["events"],
    "EVENT_URL": "evenements/{slug}/",
    "EVENT_SAVE_AS": "evenements/{slug}/index.html",
    "EVENT_LANG_URL": "{lang}/events/{slug}/",
    "EVENT_LANG_SAVE_AS": "{lang}/events/{slug}/index.html",
    "EVENT_ICS_SAVE_AS": "evenements/{slug}.ics",
    "EVENTS_URL": "evenements/",
    "EVENTS_SAVE_AS": "evenements/index.html",
    "EVENTS_CALENDAR_SAVE_AS": "evenements/calendrier.ics",
    "EVENTS_SEQUENCE_FILE": "events/sequences.json",  # in PATH, committed with the events
    "EVENTS_ON_HOME": 3,
    "EVENTS_CURRENCY": "EUR",
}


def add_template_helpers(generator) -> None:
    """``event.start | ...``: the filter ``event_when(event, lang)`` gives its date in words."""
    if hasattr(generator, "env"):
        site_zone = ZoneInfo(generator.settings.get("TIMEZONE", "UTC"))
        generator.env.filters["event_when"] = lambda event, lang: when_in_words(event.schedule, lang, site_zone)


def get_generators(pelican):
    return EventsGenerator


def register_scaffold(scaffolds) -> None:
    scaffolds.add("event", make_event, next_steps=next_steps())


def register() -> None:
    register_defaults(DEFAULTS)
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(add_template_helpers)
    jsonld_graph.connect(add_event)
    lint_registry.connect(add_lint_rules)
    scaffold_registry.connect(register_scaffold)
