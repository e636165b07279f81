"""Categories and tags written two ways: one category or tag meant, two made.

Pelican makes a category of every spelling: "Comunauté" beside "Communauté" is a second
category page with one post, and "communauté" a second category with the same address as
the first. A spelling that differs from another one in use only by case, accents or a typo
is a warning at its line, suggesting the spelling most posts use. The optional
``CATEGORIES`` setting lists the site's categories: any other is an error, with the closest
one suggested.
"""

from collections import Counter
from collections.abc import Iterable

from pelican.readers import ensure_metadata_list

from tribune.i18n import _
from tribune.lint import ERROR, FIELDS, WARNING, Corpus, Problem, problem, reads
from tribune.source import Source
from tribune.suggest import closest, nearly_same


def _preferred(uses: Counter, favoured: set[str]) -> dict[str, str]:
    """For each spelling in use, the one it most likely meant, when it is another one."""

    def weight(name: str) -> tuple:
        return (uses[name], name in favoured, name[:1].isupper(), sum(not c.isascii() for c in name), name)

    meant = {}
    for value, alike in nearly_same(uses).items():
        best = max(alike, key=weight, default=None)
        if best is not None and weight(best) > weight(value):
            meant[value] = best
    return meant


def _categories(corpus: Corpus, posts: list[Source]) -> Iterable[Problem]:
    allowed = list(corpus.settings.get("CATEGORIES") or [])
    uses = Counter(post.get("Category").strip() for post in posts if post.get("Category"))
    preferred = _preferred(uses, set(allowed) | {corpus.settings.get("DEFAULT_CATEGORY") or ""})
    for post in posts:
        category = (post.get("Category") or "").strip()
        if not category:
            continue
        if allowed and category not in allowed:
            guess = closest(category, allowed)
            message = (_('"{value}" is not one of the site\'s categories; did you mean "{name}"?', value=category, name=guess) if guess
                       else _('"{value}" is not one of the site\'s categories ({categories}): choose one, or add it to CATEGORIES in '
                              "pelicanconf.py", value=category, categories=", ".join(allowed)))
            yield problem(post, "Category", message, ERROR)
            continue
        meant = preferred.get(category)
        if meant:
            yield problem(post, "Category", _('did you mean "{name}"? ("{value}" would be a category of its own)', name=meant,
                                              value=category), WARNING)


def _tags(posts: list[Source]) -> Iterable[Problem]:
    written = {post.path: ensure_metadata_list(post.get("Tags") or "") for post in posts}
    uses = Counter(tag for tags in written.values() for tag in tags)
    preferred = _preferred(uses, set())
    for post in posts:
        for tag in written[post.path]:
            meant = preferred.get(tag)
            if meant:
                yield problem(post, "Tags", _('did you mean "{name}"? ("{value}" would be a tag of its own)', name=meant, value=tag), WARNING)


@reads(FIELDS)
def check_categories_and_tags(corpus: Corpus) -> Iterable[Problem]:
    posts = corpus.of_kind("post")
    yield from _categories(corpus, posts)
    yield from _tags(posts)
