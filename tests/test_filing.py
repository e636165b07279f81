"""The lists Pelican files posts in by tag, category and author answer ``in`` as lists do."""

import copy
import pickle

from pelican import signals

from tribune.filing import FiledPosts

from .conftest import ROOT, build_site


class Post:
    """Equal only to itself, as Pelican's contents are."""


def test_a_filed_list_answers_in_as_a_list_does_however_it_was_changed():
    first, second, third, outsider = Post(), Post(), Post(), Post()
    filed = FiledPosts()
    for post in (first, second, first):
        filed.append(post)
    assert [post in filed for post in (first, second, third, outsider)] == [True, True, False, False]
    filed.remove(first)
    filed.remove(first)
    assert first not in filed and second in filed
    filed[0] = third
    assert second not in filed and third in filed
    filed.extend([outsider])
    assert outsider in filed and filed == [third, outsider]


def test_a_filed_list_is_copied_and_pickled_as_a_plain_list():
    first = Post()
    filed = FiledPosts([first])
    assert type(copy.copy(filed)) is list and copy.copy(filed) == [first]
    assert type(pickle.loads(pickle.dumps(FiledPosts([1, 2])))) is list
    assert first in filed[:1] and type(filed[:1]) is list


def test_pelican_files_the_sites_posts_in_these_lists(tmp_path):
    """Fails when a Pelican release fills its tag, category and author lists another way (the
    build is then as right, and as slow, as vanilla Pelican's): see tribune/pelican_compat.py."""
    filed = []

    def look(generator):
        filed.extend((kind, type(posts), len(posts)) for kind, lists in (("tag", generator.tags.items()), ("category", generator.categories),
                                                                          ("author", generator.authors)) for _, posts in lists)

    signals.article_generator_finalized.connect(look)
    try:
        build_site(ROOT, "pelicanconf.py", tmp_path / "output", search=False)
    finally:
        signals.article_generator_finalized.disconnect(look)
    assert {kind for kind, _, _ in filed} == {"tag", "category", "author"}
    assert all(kind is FiledPosts and count > 0 for _, kind, count in filed), filed
