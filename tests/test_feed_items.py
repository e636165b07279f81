"""Feed items kept between builds (tribune.feeds.KeptItems): a rebuild writes again the feeds
that hold a changed post, and takes their other items as the last build wrote them, unless
what an item read changed (its post, or a page its text links to)."""

import re
from pathlib import Path

from tribune.caches import load_pickle, save_pickle

from .conftest import build_site

EDITED = "content/posts/2026-02-09-cinq-conseils-soiree-jeux.md"
LINKING = "bienvenue-dans-la-guilde"  # its text links to the charter: {filename}/pages/charte.md


def _mark_kept(cache: Path) -> None:
    """Mark the title of every item kept, so that a feed written with one shows it."""
    for kept in (cache / "feed-items").iterdir():
        key, entry = load_pickle(kept)  # as tribune.caches.Kept keeps it
        entry["xml"] = entry["xml"].replace("</title>", " KEPT</title>", 1)
        save_pickle(kept, (key, entry))


def _entries(feed: str) -> dict[str, str]:
    """Each Atom entry by the address it links to."""
    return {re.search(r'<link href="([^"]+)"', entry)[1]: entry for entry in re.findall(r"<entry>.*?</entry>", feed, re.S)}


def _edit(site: Path, relative: str, old: str, new: str) -> None:
    path = site / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _feeds(output: Path) -> dict[str, bytes]:
    return {path.relative_to(output).as_posix(): path.read_bytes() for path in sorted((output / "feeds").iterdir())}


def test_a_rebuild_takes_the_items_of_unchanged_posts_as_they_were(site_copy, tmp_path):
    cache = tmp_path / "cache"
    output = tmp_path / "output"  # one output folder, as `invoke build` has: the page cache reuses its feeds
    build_site(site_copy, "pelicanconf.py", output, search=False, CACHE_PATH=str(cache))
    _mark_kept(cache)
    _edit(site_copy, EDITED, "\n\n", "\n\nUne phrase ajoutée au billet.\n\n")
    build_site(site_copy, "pelicanconf.py", output, search=False, CACHE_PATH=str(cache))
    entries = _entries((output / "feeds/all.atom.xml").read_text(encoding="utf-8"))
    edited = next(entry for url, entry in entries.items() if "cinq-conseils" in url)
    assert "KEPT" not in edited and "Une phrase ajoutée au billet." in edited
    others = [entry for url, entry in entries.items() if "cinq-conseils" not in url]
    assert others and all("KEPT" in entry for entry in others)

    # The feed written with kept items still knows what they read: a change of one's text
    # (not of its fields) writes it again.
    _edit(site_copy, "content/posts/2026-11-09-la-guilde-a-presque-un-an.md", "Voici ce qui en ressort.", "Voici ce qui en sort.")
    build_site(site_copy, "pelicanconf.py", output, search=False, CACHE_PATH=str(cache))
    entries = _entries((output / "feeds/all.atom.xml").read_text(encoding="utf-8"))
    changed = next(entry for url, entry in entries.items() if "presque-un-an" in url)
    assert "KEPT" not in changed and "Voici ce qui en sort." in changed


def test_feeds_written_with_kept_items_are_those_of_a_build_from_nothing(site_copy, tmp_path):
    cache = tmp_path / "cache"
    build_site(site_copy, "pelicanconf.py", tmp_path / "first", search=False, CACHE_PATH=str(cache))
    _edit(site_copy, EDITED, "\n\n", "\n\nUne phrase ajoutée au billet.\n\n")
    second = build_site(site_copy, "pelicanconf.py", tmp_path / "second", search=False, CACHE_PATH=str(cache)).output
    fresh = build_site(site_copy, "pelicanconf.py", tmp_path / "fresh", search=False, CACHE_PATH=str(tmp_path / "none"),
                       CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False).output
    assert _feeds(second) == _feeds(fresh)
    assert not (tmp_path / "none" / "feed-items").exists()  # nothing kept without the content cache


def test_an_item_is_made_again_when_a_page_its_text_links_to_moves(site_copy, tmp_path):
    cache = tmp_path / "cache"
    build_site(site_copy, "pelicanconf.py", tmp_path / "first", search=False, CACHE_PATH=str(cache))
    _mark_kept(cache)
    _edit(site_copy, "content/pages/charte.md", "Title: ", "Slug: charte-de-la-guilde\nTitle: ")
    second = build_site(site_copy, "pelicanconf.py", tmp_path / "second", search=False, CACHE_PATH=str(cache)).output
    entries = _entries((second / "feeds/all.atom.xml").read_text(encoding="utf-8"))
    linking = next(entry for url, entry in entries.items() if LINKING in url)
    assert "KEPT" not in linking and "charte-de-la-guilde" in linking
    assert any("KEPT" in entry for url, entry in entries.items() if LINKING not in url)


def test_a_link_to_a_post_written_later_is_resolved_in_the_feeds(site_copy, tmp_path):
    """A build the lint stops (a link to a post not written yet) keeps items too: once the post
    is written, the items whose links found nothing are made again."""
    import pytest

    from tribune.build import BuildError

    cache = tmp_path / "cache"
    build_site(site_copy, "pelicanconf.py", tmp_path / "first", search=False, CACHE_PATH=str(cache))
    _edit(site_copy, EDITED, "\n\n", "\n\nVoir [le prochain billet]({filename}/posts/nouveau.md).\n\n")
    with pytest.raises(BuildError):
        build_site(site_copy, "pelicanconf.py", tmp_path / "second", search=False, CACHE_PATH=str(cache))
    source = (site_copy / EDITED).read_text(encoding="utf-8")
    (site_copy / "content/posts/nouveau.md").write_text(source.replace("Title: ", "Title: Le nouveau billet — ", 1), encoding="utf-8")
    third = build_site(site_copy, "pelicanconf.py", tmp_path / "third", search=False, CACHE_PATH=str(cache)).output
    fresh = build_site(site_copy, "pelicanconf.py", tmp_path / "fresh", search=False, CACHE_PATH=str(tmp_path / "none"),
                       CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False).output
    assert "{filename}" not in (third / "feeds/all.atom.xml").read_text(encoding="utf-8")
    assert _feeds(third) == _feeds(fresh)
