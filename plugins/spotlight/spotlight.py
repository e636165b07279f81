"""Member spotlight plugin: member pages, a members directory, and consent before anything.

Consent covers authorship too: the posts of a member who withdrew or is hidden are credited
to their pseudonym or to the organisation as Pelican makes them (:mod:`.authorship`).

The public API for other plugins is :func:`spotlight_member` (re-exported by the package).
Settings are documented in README.md.
"""

from pelican import signals

from tribune.generators import register_defaults
from tribune.signals import (build_failed, contents_reading_finished, contents_reading_started, jsonld_graph, lint_registry,
                             scaffold_registry)

from . import authorship
from .generator import MembersGenerator, drop_avatar_originals
from .jsonld import add_person
from .lint_rules import PHONE_REGIONS, add_lint_rules
from .scaffold import make_member, next_steps

DEFAULTS = {
    "MEMBER_PATHS": ["members"],
    "MEMBER_URL": "membres/{slug}/",
    "MEMBER_SAVE_AS": "membres/{slug}/index.html",
    "MEMBER_LANG_URL": "{lang}/members/{slug}/",
    "MEMBER_LANG_SAVE_AS": "{lang}/members/{slug}/index.html",
    "MEMBER_AVATAR_SAVE_AS": "membres/{slug}/avatar-{size}.jpg",
    "MEMBER_AVATAR_SIZES": (96, 192, 384),
    "MEMBERS_URL": "membres/",
    "MEMBERS_SAVE_AS": "membres/index.html",
    "MEMBERS_ORDER_BY": "name",
    "MEMBERS_WELCOME_DAYS": 90,
    "MEMBER_PHONE_REGIONS": PHONE_REGIONS,
}


def get_generators(pelican):
    return MembersGenerator


def register_scaffold(scaffolds) -> None:
    scaffolds.add("member", make_member, next_steps=next_steps())


def register() -> None:
    register_defaults(DEFAULTS)
    signals.get_generators.connect(get_generators)
    signals.static_generator_finalized.connect(drop_avatar_originals)
    signals.get_generators.connect(authorship.start_build)
    signals.content_object_init.connect(authorship.credit_content)
    signals.finalized.connect(authorship.finish_build)
    build_failed.connect(authorship.finish_build)
    contents_reading_started.connect(authorship.start_reading)
    contents_reading_finished.connect(authorship.finish_reading)
    jsonld_graph.connect(add_person)
    lint_registry.connect(add_lint_rules)
    scaffold_registry.connect(register_scaffold)
