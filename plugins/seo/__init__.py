from .seo import register  # noqa: F401  (Pelican calls seo.register())
