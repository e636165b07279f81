"""The social plugin: Pelican calls ``social.register()``; `invoke social` calls its syndication.

The syndication (its Mastodon and Bluesky clients: atproto alone takes 0.6 s to import) is
imported when asked for, not by every build, check or newsletter that loads the plugin.
"""

from .ledger import LedgerError  # noqa: F401
from .social import register  # noqa: F401  (Pelican calls social.register())

_SYNDICATION = ("SocialError", "Syndication", "choose_networks", "plan")  # what `invoke social` calls


def __getattr__(name: str):
    if name in _SYNDICATION:
        from . import syndicate

        return getattr(syndicate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
