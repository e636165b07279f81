"""The lists Pelican files posts in by tag, category and author answer ``in`` as lists do."""

import copy
import pickle

from tribune.filing import FiledPosts


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
