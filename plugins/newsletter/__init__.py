from .newsletter import register  # noqa: F401  (Pelican calls newsletter.register())
