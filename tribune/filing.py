"""The lists Pelican files posts in, by tag, category and author, with a membership test in
constant time.

Pelican writes each tag, category and author page with ``dates = [article for article in
self.dates if article in articles]``: for every post of the site, a search through the list
of the tag's posts. That is quadratic: at 5 000 posts it took about a second of every build
(of a rebuild too), for lists that do not change once filled. Pelican fills them, right after
``article_generator_pretaxonomy``, in the dictionaries this module replaces then by ones whose
lists know their posts' identities (a post is equal only to itself: Pelican's ``Content`` has
no ``__eq__``). They are lists all the same: templates, pagination and feeds see no
difference, and a list changed otherwise than by ``append`` falls back to the usual search.
"""

from collections import defaultdict

from pelican import signals


class FiledPosts(list):
    """A list of posts that knows at once whether it holds one."""

    def __init__(self, *posts):
        super().__init__(*posts)
        self._held: set[int] | None = {id(post) for post in self}

    def append(self, post) -> None:
        super().append(post)
        if self._held is not None:
            self._held.add(id(post))

    def __contains__(self, post) -> bool:
        if self._held is None:
            return super().__contains__(post)
        return id(post) in self._held

    def __reduce__(self):
        """Copied or pickled as a plain list: identities are this process's own."""
        return list, (list(self),)


def _forgetting(name: str):
    """``list.<name>``, after which the list no longer trusts the identities it kept."""
    method = getattr(list, name)

    def forgetting(self, *args):
        self._held = None
        return method(self, *args)

    forgetting.__name__ = name
    return forgetting


for _name in ("extend", "insert", "remove", "pop", "clear", "__setitem__", "__delitem__", "__iadd__", "__imul__"):
    setattr(FiledPosts, _name, _forgetting(_name))


def file_posts_in_filed_lists(generator) -> None:
    """Pelican's article_generator_pretaxonomy: its dictionaries are still empty."""
    generator.tags = defaultdict(FiledPosts)
    generator.categories = defaultdict(FiledPosts)
    generator.authors = defaultdict(FiledPosts)


def install() -> None:
    signals.article_generator_pretaxonomy.connect(file_posts_in_filed_lists)
