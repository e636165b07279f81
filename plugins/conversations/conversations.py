"""Conversations plugin: the replies from the networks and the web, on each post and event.

- ``invoke conversations`` fetches them into the archive (fetch.py), moderated by the
  community's charter (charter.py, moderation.py); ``--pending``, ``--approve``, ``--reject``
  are the community manager's decisions (decisions.py).
- Each post and event gets its ``conversation`` (thread.py), which its template shows
  (templates/conversations/thread.html); every page advertises the Webmention endpoint
  (templates/conversations/head.html).
- The lint reads the charter and the archive files (lint_rules.py); the newsletter and the
  indicators report ask for figures (figures.py).

Needs the social plugin listed before it in PLUGINS (its ledger says where each post is).
Settings are documented in README.md.
"""

from functools import cache
from pathlib import Path

from pelican import signals

from tribune.generators import register_defaults
from tribune.signals import indicator_figures, lint_registry
from tribune.templating import add_template_folder, load_interface_strings

from .archive import ArchiveError, archive_path, read_archive
from .charter import CharterError, read_charter
from .figures import offer_conversation_figures
from .lint_rules import add_lint_rules
from .thread import conversation_of

TEMPLATES = str(Path(__file__).parent / "templates")

DEFAULTS = {
    "CONVERSATIONS_PATH": "conversations",
    "CONVERSATIONS_CHARTER": "moderation.md",
    "CONVERSATIONS_DAYS": 90,
    "CONVERSATIONS_WEBMENTION_ENDPOINT": "",
}
_KINDS = {"Article": "post", "Event": "event"}


@cache
def interface_strings() -> dict[str, dict]:
    """The plugin's own interface strings by language (i18n/<lang>.json beside this file)."""
    return load_interface_strings(Path(__file__).parent)


def add_template_path(pelican) -> None:
    add_template_folder(pelican.settings, TEMPLATES)


def add_template_globals(generator) -> None:
    if hasattr(generator, "env"):
        generator.env.globals["CONVERSATIONS_UI"] = interface_strings()


def attach_conversation(content) -> None:
    """Give a post or an event (a translation too) its ``conversation``, for its template: a
    content attribute, so the page cache renders the page again when it changes."""
    kind = _KINDS.get(type(content).__name__)
    if kind is None or not getattr(content, "source_path", None):
        return
    settings = content.settings
    content.conversation = None
    try:
        archive = read_archive(archive_path(settings, kind, content.slug))
        charter = read_charter(settings)
    except (ArchiveError, CharterError):
        return  # the lint says it at its line, and stops the build
    content.conversation = conversation_of(archive, charter, getattr(content, "syndication", []), content.lang,
                                           settings.get("TIMEZONE", "UTC"), settings.get("FRENCH_TYPOGRAPHY", True))


def register() -> None:
    register_defaults(DEFAULTS)
    signals.initialized.connect(add_template_path)
    signals.generator_init.connect(add_template_globals)
    signals.content_object_init.connect(attach_conversation)
    lint_registry.connect(add_lint_rules)
    indicator_figures.connect(offer_conversation_figures)
