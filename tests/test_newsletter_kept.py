"""The site build's e-mails kept between builds (plugins/newsletter/kept.py): used again only
while nothing they are made of changed, and never by `invoke newsletter` or `invoke send`."""

import json
import shutil
from pathlib import Path

from PIL import Image

from tribune.build import load_site
from tribune.caches import load_pickle, save_pickle

from .conftest import build_site

MARK = "<!-- kept -->"
SHOWN = "content/posts/2026-11-09-la-guilde-a-presque-un-an.md"  # in November's e-mail, not October's
NOT_SHOWN = "content/posts/2026-02-09-cinq-conseils-soiree-jeux.md"


def _mark_kept(cache: Path) -> None:
    """Mark every kept e-mail, so that a build that uses one shows it."""
    for kept in (cache / "newsletter-emails").iterdir():
        key, saved = load_pickle(kept)  # as tribune.caches.Kept keeps it
        saved["fields"]["html"] = saved["fields"]["html"].replace("</body>", f"{MARK}</body>")
        save_pickle(kept, (key, saved))


def _email(output: Path, edition: str) -> dict[str, str]:
    folder = output / "newsletter" / edition
    return {name: (folder / name).read_text(encoding="utf-8") for name in ("email.html", "email.txt", "edition.json")}


def _edit(site: Path, relative: str, old: str, new: str) -> None:
    path = site / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _build(site: Path, tmp_path: Path, name: str, cache: Path | None = None) -> Path:
    if cache is None:  # a build from nothing, without any cache
        return build_site(site, "pelicanconf.py", tmp_path / name, search=False, CACHE_PATH=str(tmp_path / f"{name}-cache"),
                          CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False).output
    return build_site(site, "pelicanconf.py", tmp_path / name, search=False, CACHE_PATH=str(cache)).output


def test_an_email_is_kept_until_what_it_shows_changes(site_copy, tmp_path):
    cache = tmp_path / "cache"
    first = _build(site_copy, tmp_path, "first", cache)
    assert sorted(p.name for p in (cache / "newsletter-emails").iterdir()) == ["2026-10.pickle", "2026-11.pickle"]
    _mark_kept(cache)

    _edit(site_copy, NOT_SHOWN, "\n\n", "\n\nUne phrase de plus.\n\n")  # a post neither e-mail shows
    second = _build(site_copy, tmp_path, "second", cache)
    for edition in ("2026-10", "2026-11"):
        kept = _email(second, edition)
        assert MARK in kept["email.html"]
        assert kept["email.html"].replace(MARK, "") == _email(first, edition)["email.html"]
        assert kept["email.txt"] == _email(first, edition)["email.txt"]

    _edit(site_copy, SHOWN, "Summary: Quatre cent douze", "Summary: 412")  # what November's e-mail prints of it
    third = _build(site_copy, tmp_path, "third", cache)
    assert MARK in _email(third, "2026-10")["email.html"]
    november = _email(third, "2026-11")
    assert MARK not in november["email.html"] and "412 réponses à notre enquête" in november["email.txt"]
    assert november == _email(_build(site_copy, tmp_path, "fresh", None), "2026-11")


def test_an_email_is_rendered_again_when_its_choice_or_an_image_changes(site_copy, tmp_path):
    cache = tmp_path / "cache"
    _build(site_copy, tmp_path, "first", cache)
    _mark_kept(cache)
    _edit(site_copy, NOT_SHOWN, "Date: 2026-02-09", "Date: 2026-11-12")  # now in November's period: chosen
    second = _build(site_copy, tmp_path, "second", cache)
    november = _email(second, "2026-11")
    assert MARK not in november["email.html"]
    assert "cinq-conseils-pour-animer-une-soiree-jeux" in [item["slug"] for item in json.loads(november["edition.json"])["items"]]
    assert november == _email(_build(site_copy, tmp_path, "fresh", None), "2026-11")

    _mark_kept(cache)
    image = site_copy / "content/images/guilde.png"  # in the editor's word of November, sized by the e-mail
    Image.open(image).resize((400, 210)).save(image)
    third = _build(site_copy, tmp_path, "third", cache)
    assert MARK not in _email(third, "2026-11")["email.html"] and 'width="400"' in _email(third, "2026-11")["email.html"]


def test_without_the_content_cache_and_for_invoke_newsletter_nothing_kept_is_used(site_copy, tmp_path):
    cache = tmp_path / "cache"
    _build(site_copy, tmp_path, "first", cache)
    _mark_kept(cache)
    unread = build_site(site_copy, "pelicanconf.py", tmp_path / "second", search=False, CACHE_PATH=str(cache), LOAD_CONTENT_CACHE=False)
    assert MARK not in _email(unread.output, "2026-11")["email.html"]

    _mark_kept(cache)
    settings = load_site(site_copy / "pelicanconf.py", OUTPUT_PATH=str(tmp_path / "newsletter"), CACHE_PATH=str(cache)).settings
    from newsletter.build import build_edition  # importable once a site has loaded the plugins

    rendered, folder = build_edition(settings, "2026-11")
    assert MARK not in rendered.html and MARK not in (folder / "email.html").read_text(encoding="utf-8")

    shutil.rmtree(cache / "newsletter-emails")
    build_site(site_copy, "pelicanconf.py", tmp_path / "third", search=False, CACHE_PATH=str(cache), CACHE_CONTENT=False)
    assert not (cache / "newsletter-emails").exists()


def test_a_process_that_builds_again_renders_again_after_an_image_changed(site_copy, tmp_path):
    """As `invoke serve` does: the same site built twice in one process, whose catalogue of
    Markdown files did not change, while an image the e-mail sizes did."""
    from tribune.build import build

    site = load_site(site_copy / "pelicanconf.py", CACHE_PATH=str(tmp_path / "cache"))
    build(site, search=False)
    assert 'width="552"' in _email(site_copy / "output", "2026-11")["email.html"]
    image = site_copy / "content/images/guilde.png"
    Image.open(image).resize((400, 210)).save(image)
    build(site, search=False)
    again = _email(site_copy / "output", "2026-11")
    assert 'width="400"' in again["email.html"]
    assert again == _email(_build(site_copy, tmp_path, "fresh", None), "2026-11")


def test_an_email_follows_its_links_its_events_and_the_settings(site_copy, tmp_path):
    cache = tmp_path / "cache"
    # October's e-mail links, in the Pelican way, to a post it does not show.
    _edit(site_copy, "content/newsletters/2026-10.md", "({filename}../posts/2026-09-07-jeux-courts-pause-midi.md)",
          "(<{filename}../posts/2026-02-09-cinq-conseils-soiree-jeux.md>)")
    _build(site_copy, tmp_path, "first", cache)
    _mark_kept(cache)
    _edit(site_copy, NOT_SHOWN, "Title: ", "Slug: nouvelle-adresse\nTitle: ")
    second = _build(site_copy, tmp_path, "second", cache)
    october = _email(second, "2026-10")
    assert MARK not in october["email.html"] and "billets/nouvelle-adresse/" in october["email.html"]
    assert MARK in _email(second, "2026-11")["email.html"]  # November's does not link to it
    assert october == _email(_build(site_copy, tmp_path, "fresh", None), "2026-10")

    _mark_kept(cache)
    _edit(site_copy, "content/events/rencontre-de-la-guilde-a-lyon.md", "Title: Rencontre de la Guilde à Lyon",
          "Title: Grande rencontre de la Guilde à Lyon")
    third = _build(site_copy, tmp_path, "third", cache)
    assert MARK not in _email(third, "2026-11")["email.html"] and "Grande rencontre" in _email(third, "2026-11")["email.txt"]

    _mark_kept(cache)
    fourth = build_site(site_copy, "pelicanconf.py", tmp_path / "fourth", search=False, CACHE_PATH=str(cache), NEWSLETTER_UTM=False).output
    assert MARK not in _email(fourth, "2026-11")["email.html"] and "utm_source" not in _email(fourth, "2026-11")["email.html"]
