from .newsletter import register  # noqa: F401  (Pelican calls newsletter.register())
from .build import NewsletterError, build_edition  # noqa: F401  (what `invoke newsletter` calls)
