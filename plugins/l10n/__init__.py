from .l10n import register  # noqa: F401  (Pelican calls l10n.register())
