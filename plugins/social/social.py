"""Social plugin: each post, event and edition carried to the community's networks.

- Each piece's text per network (compose.py), checked by the lint (lint_rules.py).
- A kit page per post and event for members who relay (kit.py).
- ``invoke social [--send]`` posts to the organisation's Mastodon and Bluesky accounts, never
  twice (syndicate.py, with the ledger of ledger.py).
- Pages link to their copies ("Aussi sur Mastodon · Bluesky", ``u-syndication``) and to their
  kit; every page carries the ``fediverse:creator`` meta (templates/social/).

Needs the events and newsletter plugins listed before it in PLUGINS (for their pieces).
Settings are documented in README.md.
"""

import logging
import os
from functools import cache
from pathlib import Path

from pelican import signals

from tribune.generators import register_defaults
from tribune.sanitise import is_safe_url
from tribune.signals import indicator_figures, lint_registry
from tribune.templating import add_template_folder, load_interface_strings

from .compose import NETWORKS
from .figures import offer_social_figures
from .kit import KitGenerator, has_kit, kit_url
from .ledger import LedgerError, read_ledger
from .lint_rules import add_lint_rules

logger = logging.getLogger(__name__)
TEMPLATES = str(Path(__file__).parent / "templates")

DEFAULTS = {
    "SOCIAL_NETWORKS": ["mastodon", "bluesky"],
    "SOCIAL_KIT_NETWORKS": ["mastodon", "bluesky", "linkedin", "x"],
    "SOCIAL_SINCE": None,
    "SOCIAL_LEDGER": "social-ledger.json",
    "SOCIAL_HASHTAGS": [],
    "SOCIAL_HASHTAGS_MAX": 4,
    "SOCIAL_UTM": True,
    "SOCIAL_KIT_URL": "{url}relais/",
    "SOCIAL_KIT_SAVE_AS": "{url}relais/index.html",
    "SOCIAL_MASTODON_INSTANCES": ["mastodon.social", "piaille.fr", "mamot.fr", "framapiaf.org"],
    "SOCIAL_FEDIVERSE_CREATOR": "",
    "SOCIAL_RECENT_POSTS": 40,
    "SOCIAL_TIMEOUT": 20,
    "SOCIAL_RETRIES": 3,
    "SOCIAL_RETRY_BASE": 1.0,
    "SOCIAL_RETRY_BUDGET": 60,
    "SOCIAL_BLUESKY_WEB": "https://bsky.app",
}
_KINDS = ("Article", "Event", "Edition")


@cache
def interface_strings() -> dict[str, dict]:
    """The plugin's own interface strings by language (i18n/<lang>.json beside this file)."""
    return load_interface_strings(Path(__file__).parent)


def add_template_path(pelican) -> None:
    add_template_folder(pelican.settings, TEMPLATES)


def add_template_globals(generator) -> None:
    if hasattr(generator, "env"):
        generator.env.globals["SOCIAL_UI"] = interface_strings()


_said: set[tuple[int, str]] = set()  # (build settings, message): a damaged ledger said once per build


def attach_copies(content) -> None:
    """Give a post, event or edition its copies on the networks (``syndication``: label and
    address, from the ledger) and its kit page's URL (``social_kit_url``), for its template.
    They are the content's own attributes, so the page cache renders the page again when
    they change."""
    if type(content).__name__ not in _KINDS or not getattr(content, "source_path", None):
        return
    settings = content.settings
    try:
        copies = read_ledger(settings)
    except LedgerError as error:
        if (id(settings), str(error)) not in _said:
            _said.add((id(settings), str(error)))
            logger.error("%s", error)  # fails the build; the lint says it at its line too
        copies = {}
    key = Path(os.path.relpath(content.source_path, settings["PATH"])).as_posix()  # as the writer names it, links not followed
    entry = copies.get(key, {})
    content.syndication = [(NETWORKS[name].label, entry[name]["url"]) for name in NETWORKS
                           if isinstance(entry.get(name), dict) and is_safe_url(str(entry[name].get("url", "")), ("https",))
                           and "://" in str(entry[name].get("url", ""))]
    content.social_kit_url = kit_url(content, settings) if has_kit(content) else None


def get_generators(pelican):
    return KitGenerator


def register() -> None:
    register_defaults(DEFAULTS)
    signals.initialized.connect(add_template_path)
    signals.generator_init.connect(add_template_globals)
    signals.content_object_init.connect(attach_copies)
    signals.get_generators.connect(get_generators)
    lint_registry.connect(add_lint_rules)
    indicator_figures.connect(offer_social_figures)
