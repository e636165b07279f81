from .conversations import interface_strings, register  # noqa: F401  (Pelican calls conversations.register(); its strings)
from .decisions import decide, show_pending  # noqa: F401  (what `invoke conversations --pending/--approve/--reject` calls)
from .fetch import ConversationsError, Fetch, parse_since  # noqa: F401  (what `invoke conversations` calls)
from .figures import ConversationFigure, Liveliest, conversation_figures, liveliest_conversation  # noqa: F401  (the report, the newsletter)
