from .generator import spotlight_member  # noqa: F401  (the API the newsletter uses)
from .spotlight import register  # noqa: F401  (Pelican calls spotlight.register())
