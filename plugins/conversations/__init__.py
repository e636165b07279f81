"""The conversations plugin: Pelican calls ``conversations.register()``; `invoke conversations`
calls its fetching and its decisions, the report and the newsletter its figures.

The fetching and the decisions (and through them the Mastodon and Bluesky clients: atproto
alone takes 0.6 s to import) are imported when asked for, not by every build, check or
newsletter that loads the plugin.
"""

from .conversations import interface_strings, register  # noqa: F401  (Pelican calls conversations.register(); its strings)
from .figures import ConversationFigure, Liveliest, conversation_figures, liveliest_conversation  # noqa: F401  (the report, the newsletter)

_ON_DEMAND = {
    "decide": "decisions", "show_pending": "decisions",  # `invoke conversations --pending/--approve/--reject`
    "ConversationsError": "fetch", "Fetch": "fetch", "parse_since": "fetch",  # `invoke conversations`
}


def __getattr__(name: str):
    if name in _ON_DEMAND:
        from importlib import import_module

        return getattr(import_module(f".{_ON_DEMAND[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
