"""Code blocks highlighted once (tribune.highlighting): kept with Pelican's content cache,
used again for the same block only, and never when the content cache is off."""

from pathlib import Path

from bs4 import BeautifulSoup

from tribune.caches import load_pickle, save_pickle

from .conftest import build_site

POST = "content/posts/2026-03-16-regles-maree-haute.md"


def _code_of(output: Path) -> str:
    """The highlighted block of the rules post, as its page shows it."""
    page = next(p for p in output.rglob("index.html") if "plus_grande_digue" in p.read_text(encoding="utf-8"))
    return str(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("div", class_="highlight"))


def _mark_every_kept_block(folder: Path) -> None:
    for kept in folder.iterdir():
        key, html = load_pickle(kept)  # as tribune.caches.Kept keeps it
        save_pickle(kept, (key, html.replace('class="highlight"', 'class="highlight kept"')))


def _edit(site: Path, old: str, new: str) -> None:
    path = site / POST
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_a_block_kept_is_used_for_the_same_code_only(site_copy, tmp_path):
    cache = tmp_path / "cache"
    build_site(site_copy, "pelicanconf.py", tmp_path / "first", search=False, CACHE_PATH=str(cache))
    fresh = _code_of(tmp_path / "first")
    assert 'class="highlight"' in fresh and '<span class="k">def</span>' in fresh  # highlighted by Pygments
    kept = cache / "highlight"
    assert len(list(kept.iterdir())) == 1  # the sample's one code block
    _mark_every_kept_block(kept)

    _edit(site_copy, "Une autre question ?", "Une autre question encore ?")  # the prose, not the code
    build_site(site_copy, "pelicanconf.py", tmp_path / "second", search=False, CACHE_PATH=str(cache))
    assert _code_of(tmp_path / "second") == fresh.replace('class="highlight"', 'class="highlight kept"')

    _edit(site_copy, "quais * 2", "quais * 4")  # the code: highlighted again, not taken from the cache
    build_site(site_copy, "pelicanconf.py", tmp_path / "third", search=False, CACHE_PATH=str(cache))
    third = _code_of(tmp_path / "third")
    assert "kept" not in third and '<span class="mi">4</span>' in third
    assert len(list(kept.iterdir())) == 2
    uncached = build_site(site_copy, "pelicanconf.py", tmp_path / "uncached", search=False, CACHE_PATH=str(tmp_path / "other"),
                          CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False)
    assert _code_of(uncached.output) == third


def test_without_the_content_cache_blocks_are_neither_read_nor_written(site_copy, tmp_path):
    cache = tmp_path / "cache"
    build_site(site_copy, "pelicanconf.py", tmp_path / "first", search=False, CACHE_PATH=str(cache))
    _mark_every_kept_block(cache / "highlight")
    _edit(site_copy, "Une autre question ?", "Une autre question encore ?")
    build_site(site_copy, "pelicanconf.py", tmp_path / "second", search=False, CACHE_PATH=str(cache), LOAD_CONTENT_CACHE=False)
    assert "kept" not in _code_of(tmp_path / "second")

    elsewhere = tmp_path / "elsewhere"
    build_site(site_copy, "pelicanconf.py", tmp_path / "third", search=False, CACHE_PATH=str(elsewhere), CACHE_CONTENT=False)
    assert not (elsewhere / "highlight").exists()


def test_a_damaged_kept_block_is_highlighted_again(site_copy, tmp_path):
    cache = tmp_path / "cache"
    build_site(site_copy, "pelicanconf.py", tmp_path / "first", search=False, CACHE_PATH=str(cache))
    fresh = _code_of(tmp_path / "first")
    for kept in (cache / "highlight").iterdir():
        kept.write_bytes(b"\x80\x05cut sh")  # a pickle cut short by a full disk
    _edit(site_copy, "Une autre question ?", "Une autre question encore ?")
    build_site(site_copy, "pelicanconf.py", tmp_path / "second", search=False, CACHE_PATH=str(cache))
    assert _code_of(tmp_path / "second") == fresh


def test_a_block_is_kept_by_its_language_and_options_too(tmp_path):
    from types import SimpleNamespace

    from markdown.extensions.codehilite import CodeHilite

    from tribune import highlighting

    highlighting.install()
    highlighting.follow_settings(SimpleNamespace(settings={"CACHE_PATH": str(tmp_path), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}))
    code = "def f():\n    return 1\n"
    plain = CodeHilite(code, lang="python", css_class="highlight").hilite()
    _mark_every_kept_block(tmp_path / "highlight")
    assert "kept" in CodeHilite(code, lang="python", css_class="highlight").hilite()
    variants = [CodeHilite(code, lang="python", css_class="highlight", linenums=True), CodeHilite(code, lang="python3", css_class="highlight"),
                CodeHilite(code, lang="text", css_class="highlight"), CodeHilite(code, lang="python", css_class="highlight", hl_lines=[2])]
    for variant in variants:
        assert "kept" not in variant.hilite()
    assert len(list((tmp_path / "highlight").iterdir())) == 1 + len(variants)
    guessed = CodeHilite(code, css_class="highlight")  # no language: Pygments guesses, not kept
    assert guessed.hilite() and len(list((tmp_path / "highlight").iterdir())) == 1 + len(variants)
    assert plain.replace('class="highlight"', 'class="highlight kept"') == CodeHilite(code, lang="python", css_class="highlight").hilite()
