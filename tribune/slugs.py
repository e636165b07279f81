"""Slugs: the one place where text becomes a URL segment.

Every slug of the site (posts, pages, categories, tags, authors, new files) goes through
python-slugify, so that "Été à Montréal : l'équipe !" always gives
"ete-a-montreal-l-equipe": plain ASCII, no accents, no spaces, in every output path.
"""

from slugify import slugify as _python_slugify


def slugify(text: str) -> str:
    """Return the ASCII, lower-case, hyphenated slug of ``text``."""
    return _python_slugify(text)
