"""A search index made with the files of the last one (tribune.search_bundle): the bundle is,
file for file, the one Pagefind makes from nothing, whatever the last bundle holds, and only
the files that changed are written."""

import os
import pickle
import shutil
from pathlib import Path

import pytest

from tribune import search, search_bundle
from tribune.trees import files_under

from .conftest import pagefind_fragments
from .test_publish import indexed_titles, write_page


def contents(bundle: Path) -> dict[str, bytes]:
    return {name: Path(path).read_bytes() for name, path in sorted(files_under(bundle).items())}


def fragment_of(bundle: Path, url: str) -> Path:
    """The fragment file holding the page at ``url``."""
    for fragment, data in pagefind_fragments(bundle).items():
        if data["url"] == url:
            return fragment
    raise AssertionError(f"no fragment for {url}")


def from_nothing(site: Path, folder: Path) -> dict[str, bytes]:
    """The bundle Pagefind makes of ``site`` with no cache and no last bundle."""
    return contents(search.build_index(site, folder / "pagefind"))


def words_of(bundle: Path) -> list[tuple]:
    """The range of words of each index chunk, as the bundle's metadata gives them."""
    return sorted(holds for name, holds in search_bundle._named_files(bundle)[1].items() if name.startswith("index/"))


def rewrite_record(cache: Path, change) -> None:
    record_path = cache / "search-bundle.pickle"
    record = pickle.loads(record_path.read_bytes())
    change(record)
    record_path.write_bytes(pickle.dumps(record))


@pytest.fixture
def pagefind_runs(monkeypatch) -> list[Path]:
    """The bundle of each run of Pagefind, in order (one per index, two when lent files are
    given back to Pagefind to write)."""
    runs, real = [], search._run_pagefind

    def counted(site, pages, bundle, background):
        runs.append(bundle)
        return real(site, pages, bundle, background)
    monkeypatch.setattr(search, "_run_pagefind", counted)
    return runs


@pytest.fixture
def indexed_once(tmp_path):
    """A site of four pages indexed once, with a cache: (site, cache, the bundle)."""
    site, cache = tmp_path / "site", tmp_path / "cache"
    for slug, title in [("un", "Premier"), ("deux", "Deuxième"), ("trois", "Troisième"), ("quatre", "Quatrième")]:
        write_page(site, f"billets/{slug}/index.html", title)
    write_page(site, "etiquettes/index.html", "Étiquettes", marked=False)
    bundle = search.build_index(site, tmp_path / "first/pagefind", cache=str(cache))
    return site, cache, bundle


def change_the_site(site: Path) -> None:
    """One page retitled, one removed, one added (a word of its title sorts after every other)."""
    write_page(site, "billets/un/index.html", "Premier, revu et corrigé")
    shutil.rmtree(site / "billets/deux")
    write_page(site, "billets/cinq/index.html", "Zygomatique, un cinquième")


def test_a_new_index_takes_the_unchanged_files_of_the_last_and_is_the_bundle_made_from_nothing(indexed_once, tmp_path, pagefind_runs):
    site, cache, first = indexed_once
    first_as_it_was = contents(first)
    change_the_site(site)
    second = search.build_index(site, tmp_path / "second/pagefind", cache=str(cache), previous=first)
    assert len(pagefind_runs) == 1

    assert contents(second) == from_nothing(site, tmp_path / "nothing")  # not a file more, not a file less, not a byte changed
    for url in ("/billets/trois/", "/billets/quatre/"):  # unchanged: the last bundle's files, not written again
        assert fragment_of(second, url).samefile(fragment_of(first, url))
    for url in ("/billets/un/", "/billets/cinq/"):
        assert not any(fragment_of(second, url).samefile(old) for old in (first / "fragment").iterdir())
    assert indexed_titles(second.parent.parent / "second") == {
        "/billets/un/": "Premier, revu et corrigé", "/billets/trois/": "Troisième", "/billets/quatre/": "Quatrième", "/billets/cinq/": "Zygomatique, un cinquième"}
    assert contents(first) == first_as_it_was  # the last bundle (the live site's) untouched


def test_an_unchanged_site_indexed_again_writes_no_fragment_nor_chunk(indexed_once, tmp_path, pagefind_runs):
    site, cache, first = indexed_once
    second = search.build_index(site, tmp_path / "second/pagefind", cache=str(cache), previous=first)
    assert len(pagefind_runs) == 1
    for folder in ("fragment", "index"):
        names = sorted(path.name for path in (second / folder).iterdir())
        assert names == sorted(path.name for path in (first / folder).iterdir())
        assert all((second / folder / name).samefile(first / folder / name) for name in names)
    assert contents(second) == contents(first)


@pytest.mark.parametrize("collides_with", ["a page still there", "a page removed"])
def test_a_fragment_named_as_the_last_bundle_s_file_of_another_page_is_written_again(indexed_once, tmp_path, collides_with, pagefind_runs):
    """Pagefind names a fragment by seven hex digits of its SHA-1, and keeps a file already
    there under that name: here the last bundle holds, under the name the retitled page's
    fragment gets, another page's text (what a collision would leave). The index is made
    again from nothing, and the page is found with its own title."""
    site, cache, first = indexed_once
    change_the_site(site)
    new_name = fragment_of(search.build_index(site, tmp_path / "peek/pagefind"), "/billets/un/").name
    other = fragment_of(first, "/billets/trois/" if collides_with == "a page still there" else "/billets/deux/")
    other.rename(first / "fragment" / new_name)  # the same file (its identity), under the colliding name

    def move_entry(record):
        record["files"][f"fragment/{new_name}"] = record["files"].pop(f"fragment/{other.name}")
    rewrite_record(cache, move_entry)

    pagefind_runs.clear()
    second = search.build_index(site, tmp_path / "second/pagefind", cache=str(cache), previous=first)
    assert len(pagefind_runs) == 2  # the lent files given back, for Pagefind to write
    assert contents(second) == from_nothing(site, tmp_path / "nothing")
    assert indexed_titles(tmp_path / "second")["/billets/un/"] == "Premier, revu et corrigé"


def test_an_index_chunk_named_as_the_last_bundle_s_chunk_of_other_words_is_written_again(indexed_once, tmp_path, pagefind_runs):
    site, cache, first = indexed_once
    change_the_site(site)
    peek = search.build_index(site, tmp_path / "peek/pagefind")
    [new_name] = [path.name for path in (peek / "index").iterdir()]
    assert words_of(peek) != words_of(first)  # "zygomatique" now ends the chunk's range of words
    [old] = list((first / "index").iterdir())
    old.rename(first / "index" / new_name)

    def move_entry(record):
        record["files"][f"index/{new_name}"] = record["files"].pop(f"index/{old.name}")
    rewrite_record(cache, move_entry)

    pagefind_runs.clear()
    second = search.build_index(site, tmp_path / "second/pagefind", cache=str(cache), previous=first)
    assert len(pagefind_runs) == 2
    assert contents(second) == contents(peek)


@pytest.mark.parametrize("damage", ["another Pagefind version", "a damaged record", "a file edited in place", "a link in the bundle"])
def test_files_the_record_cannot_vouch_for_are_written_again(indexed_once, tmp_path, damage):
    site, cache, first = indexed_once
    change_the_site(site)
    kept = fragment_of(first, "/billets/trois/")
    outside = tmp_path / "outside.pf_fragment"
    if damage == "another Pagefind version":
        rewrite_record(cache, lambda record: record.update(version="0.9.0"))
    elif damage == "a damaged record":
        (cache / "search-bundle.pickle").write_bytes(b"\x80\x05not a pickle")
    elif damage == "a file edited in place":
        with kept.open("ab") as stream:
            stream.write(b"\0")
    else:
        outside.write_bytes(kept.read_bytes())
        kept.unlink()
        kept.symlink_to(outside)
    before = outside.read_bytes() if outside.exists() else None

    second = search.build_index(site, tmp_path / "second/pagefind", cache=str(cache), previous=first)
    assert contents(second) == from_nothing(site, tmp_path / "nothing")
    assert not any(path.is_symlink() for path in (second / "fragment").iterdir())
    assert not fragment_of(second, "/billets/trois/").samefile(kept)
    if before is not None:
        assert outside.read_bytes() == before

    third = search.build_index(site, tmp_path / "third/pagefind", cache=str(cache), previous=second)
    assert fragment_of(third, "/billets/trois/").samefile(fragment_of(second, "/billets/trois/"))  # recorded again: lent next time


def test_no_file_is_lent_across_disks_and_the_index_is_whole(indexed_once, tmp_path, monkeypatch):
    site, cache, first = indexed_once
    change_the_site(site)
    real_link = os.link

    def no_link_into_the_bundle(source, destination, *args, **kwargs):
        if "second" in str(destination):
            raise OSError(18, "Invalid cross-device link")
        return real_link(source, destination, *args, **kwargs)
    monkeypatch.setattr(os, "link", no_link_into_the_bundle)

    second = search.build_index(site, tmp_path / "second/pagefind", cache=str(cache), previous=first)
    monkeypatch.undo()
    assert contents(second) == from_nothing(site, tmp_path / "nothing")


@pytest.mark.parametrize("damage", ["an entry that is None", "an identity cut short", "a list for what it holds", "no version", "another format"])
def test_a_record_of_the_wrong_shape_lends_nothing_it_cannot_vouch_for_and_never_fails_the_index(indexed_once, tmp_path, damage):
    """A record from another Tribune, or edited: the index is made, whole, without an error."""
    site, cache, first = indexed_once
    change_the_site(site)
    name = "fragment/" + fragment_of(first, "/billets/trois/").name

    def spoil(record):
        if damage == "an entry that is None":
            record["files"][name] = None
        elif damage == "an identity cut short":
            record["files"][name] = (record["files"][name][0][:1], record["files"][name][1])
        elif damage == "a list for what it holds":
            record["files"][name] = (record["files"][name][0], ["/billets/trois/"])
        elif damage == "no version":
            del record["version"]
        else:
            record["format"] = 0
    rewrite_record(cache, spoil)

    second = search.build_index(site, tmp_path / "second/pagefind", cache=str(cache), previous=first)
    assert contents(second) == from_nothing(site, tmp_path / "nothing")
    assert not fragment_of(second, "/billets/trois/").samefile(fragment_of(first, "/billets/trois/"))


def test_pagefind_keeping_index_html_in_its_urls_still_takes_the_last_bundle_s_files(indexed_once, tmp_path, monkeypatch, pagefind_runs):
    """Pagefind's own setting (a pagefind.yml, or this variable) keeps "index.html" in URLs:
    the fragments it kept are still those of the pages given, and it runs once."""
    site, cache, _first = indexed_once
    monkeypatch.setenv("PAGEFIND_KEEP_INDEX_URL", "true")
    first = search.build_index(site, tmp_path / "first-kept/pagefind", cache=str(cache))
    change_the_site(site)
    pagefind_runs.clear()
    second = search.build_index(site, tmp_path / "second/pagefind", cache=str(cache), previous=first)
    assert len(pagefind_runs) == 1 and "/billets/trois/index.html" in indexed_titles(tmp_path / "second")
    assert fragment_of(second, "/billets/trois/index.html").samefile(fragment_of(first, "/billets/trois/index.html"))
    assert contents(second) == from_nothing(site, tmp_path / "nothing")


def test_a_page_whose_path_is_not_utf8_has_its_fragment_taken_like_any_other(tmp_path, pagefind_runs):
    site, cache = tmp_path / "site", str(tmp_path / "cache")
    write_page(site, "billets/caf\udce9/index.html", "Un café")  # b"caf\xe9": Pagefind writes its URL with U+FFFD
    write_page(site, "billets/the/index.html", "Un thé")
    first = search.build_index(site, tmp_path / "first/pagefind", cache=cache)
    write_page(site, "billets/the/index.html", "Un thé vert")
    second = search.build_index(site, tmp_path / "second/pagefind", cache=cache, previous=first)
    assert len(pagefind_runs) == 2  # one index each
    assert fragment_of(second, "/billets/caf\ufffd/").samefile(fragment_of(first, "/billets/caf\ufffd/"))


def test_files_the_site_puts_in_the_bundle_s_folder_stay_when_pagefind_writes_the_lent_files_itself(indexed_once, tmp_path, pagefind_runs):
    site, cache, first = indexed_once
    change_the_site(site)
    rewrite_record(cache, lambda record: record.update(version="0.9.0"))
    bundle = tmp_path / "second/pagefind"
    bundle.mkdir(parents=True)
    (bundle / "custom.css").write_text(".pagefind-ui { color: teal; }", encoding="utf-8")
    pagefind_runs.clear()
    search.build_index(site, bundle, cache=str(cache), previous=first)
    assert len(pagefind_runs) == 2
    assert (bundle / "custom.css").read_text(encoding="utf-8") == ".pagefind-ui { color: teal; }"
    assert {name: data for name, data in contents(bundle).items() if name != "custom.css"} == from_nothing(site, tmp_path / "nothing")


def test_a_fragment_pagefind_wrote_that_cannot_be_read_leaves_nothing_kept_unchecked(indexed_once, tmp_path, monkeypatch, pagefind_runs):
    """Its page might be the one a kept fragment also holds: Pagefind writes them all."""
    site, cache, first = indexed_once
    change_the_site(site)
    monkeypatch.setattr(search_bundle, "_fragment_url", lambda path: None)
    pagefind_runs.clear()
    second = search.build_index(site, tmp_path / "second/pagefind", cache=str(cache), previous=first)
    assert len(pagefind_runs) == 2
    assert contents(second) == from_nothing(site, tmp_path / "nothing")
