from .events import register  # noqa: F401  (Pelican calls events.register())
from .generator import upcoming_events  # noqa: F401  (the API the newsletter uses)
