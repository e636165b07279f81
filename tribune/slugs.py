"""Slugs: the one place where text becomes a URL segment.

Every slug of the site (posts, pages, categories, tags, authors, new files) goes through
python-slugify, so that "Été à Montréal : l'équipe !" always gives
"ete-a-montreal-l-equipe": plain ASCII, no accents, no spaces, in every output path.
"""

from functools import lru_cache

from slugify import slugify as _python_slugify


# Titles come back in the lint, the newsletter's catalogue and Pelican; taxonomies in every
# file. Bounded, for `invoke serve`, whose process meets a new title at each title edit, but
# large enough for every title and taxonomy of a site of tens of thousands of posts.
@lru_cache(maxsize=65_536)
def slugify(text: str) -> str:
    """Return the ASCII, lower-case, hyphenated slug of ``text``."""
    return _python_slugify(text)


def slugify_metadata(metadata: dict) -> None:
    """Give a content file (Pelican's processed metadata) and its taxonomies our slugs.

    Pelican would compute its own slugs later; setting them first makes every URL agree.
    """
    if "slug" not in metadata and metadata.get("title"):
        metadata["slug"] = slugify(str(metadata["title"]))
    wrappers = [metadata.get("category"), metadata.get("author"), *metadata.get("tags", []), *metadata.get("authors", [])]
    for wrapper in filter(None, wrappers):
        wrapper.slug = slugify(wrapper.name)
