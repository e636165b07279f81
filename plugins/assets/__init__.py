from .assets import register  # noqa: F401  (Pelican calls assets.register())
