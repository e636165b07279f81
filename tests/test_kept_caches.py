"""The caches kept beside Pelican's content cache (code blocks, feed items, calendars, e-mails)
save time only: one that cannot be written keeps nothing, and the build is the same."""

from .conftest import build_site

KEPT = ("highlight", "feed-items", "calendars", "newsletter-emails")


def test_a_cache_that_cannot_be_written_keeps_nothing_and_fails_nothing(site_copy, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    for name in KEPT:  # a file where each folder goes: as a read-only folder, for root too
        (cache / name).write_text("pas un dossier\n", encoding="utf-8")
    built = build_site(site_copy, "pelicanconf.py", tmp_path / "output", search=False, CACHE_PATH=str(cache)).output
    fresh = build_site(site_copy, "pelicanconf.py", tmp_path / "fresh", search=False, CACHE_PATH=str(tmp_path / "none"),
                       CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False).output
    for relative in ("feeds/all.atom.xml", "evenements/calendrier.ics", "newsletter/2026-11/email.html"):
        assert (built / relative).read_bytes() == (fresh / relative).read_bytes(), relative
    assert 'class="highlight"' in (built / "billets/les-regles-de-maree-haute-expliquees-en-dix-minutes/index.html").read_text(encoding="utf-8")
    assert all((cache / name).read_text(encoding="utf-8") == "pas un dossier\n" for name in KEPT)
