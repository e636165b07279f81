"""The sample site, built for real and read as a reader (and a feed reader) gets it."""

import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import feedparser
import pytest

from tribune.source import read_source

from .conftest import ROOT

POSTS = sorted((ROOT / "content" / "posts").glob("*.md"))


def _published(path: Path) -> bool:
    return (read_source(path).get("Status") or "published").lower() == "published"


def _slug(path: Path) -> str:
    from tribune.rules import slug_of

    return slug_of(read_source(path))


def test_every_published_post_has_its_page_and_drafts_have_none(local_site):
    french = [p for p in POSTS if _published(p) and not read_source(p).get("Lang")]
    drafts = [p for p in POSTS if not _published(p)]
    assert len(french) >= 10 and drafts
    for post in french:
        page = local_site.html(f"billets/{_slug(post)}/")
        assert page.find("h1").get_text(strip=True), post
    for draft in drafts:
        slug = _slug(draft)
        assert not any(slug in str(path) for path in local_site.output.rglob("*")), draft
        title = read_source(draft).get("Title")
        for page in local_site.pages():
            assert title not in page.read_text(encoding="utf-8"), (draft, page)


def test_every_internal_link_and_image_resolves_to_a_file(local_site):
    broken = []
    for page in local_site.pages():
        soup = local_site.html(page.relative_to(local_site.output).as_posix())
        base = local_site.url_of(page)
        for element, attribute in (("a", "href"), ("img", "src"), ("link", "href")):
            for tag in soup.find_all(element, **{attribute: True}):
                target = local_site.file_for(tag[attribute].split("#")[0], base) if tag[attribute].split("#")[0] else None
                if target is not None and not target.is_file():
                    broken.append(f"{page.relative_to(local_site.output)}: {tag[attribute]}")
    assert not broken, "\n".join(broken)


def test_output_paths_have_no_accents_or_spaces(local_site):
    for path in local_site.output.rglob("*"):
        relative = path.relative_to(local_site.output).as_posix()
        assert re.fullmatch(r"[a-z0-9/._-]+", relative), relative


def test_slugs_come_from_python_slugify(local_site):
    assert (local_site.output / "billets" / "ete-a-montreal-l-equipe" / "index.html").is_file()
    assert (local_site.output / "categories" / "conseils-de-jeu" / "index.html").is_file()
    assert (local_site.output / "etiquettes" / "maree-haute" / "index.html").is_file()


def test_dates_are_french_and_the_translation_gets_english_ones(local_site):
    french = local_site.html("billets/ete-a-montreal-l-equipe/")
    assert french.find("time").get_text() == "20 juillet 2026"
    english = local_site.html("en/posts/bienvenue-dans-la-guilde-boussole/")
    assert english.find("time").get_text() == "January 12, 2026"


def test_the_translation_and_its_original_link_to_each_other(local_site):
    original = local_site.html("billets/bienvenue-dans-la-guilde-boussole/")
    translation = local_site.html("en/posts/bienvenue-dans-la-guilde-boussole/")
    assert original.html["lang"] == "fr" and translation.html["lang"] == "en"
    to_english = original.select_one('.translations a[hreflang="en"]')
    to_french = translation.select_one('.translations a[hreflang="fr"]')
    base_fr = local_site.url_of(local_site.output / "billets/bienvenue-dans-la-guilde-boussole/index.html")
    base_en = local_site.url_of(local_site.output / "en/posts/bienvenue-dans-la-guilde-boussole/index.html")
    assert local_site.file_for(to_english["href"], base_fr) == local_site.output / "en/posts/bienvenue-dans-la-guilde-boussole/index.html"
    assert local_site.file_for(to_french["href"], base_en) == local_site.output / "billets/bienvenue-dans-la-guilde-boussole/index.html"
    # The English page speaks English: interface strings and navigation.
    assert translation.select_one(".skip-link").get_text() == "Skip to content"
    assert "About" in [a.get_text() for a in translation.select(".site-nav a")]
    assert original.select_one(".skip-link").get_text() == "Aller au contenu"


def test_french_typography_in_text_but_not_in_code_or_attributes(local_site):
    page = local_site.html("billets/les-regles-de-maree-haute-expliquees-en-dix-minutes/")
    assert page.find("h1").get_text() == "Les règles de «\u202fMarée haute\u202f» expliquées en dix minutes"
    prose = page.select_one(".prose")
    assert "Peut-on déplacer un phare déjà posé\u202f?" in prose.get_text()
    code = prose.find("pre").get_text()
    assert "# Attention : la digue ne compte qu'une fois !" in code
    montreal = local_site.html("billets/ete-a-montreal-l-equipe/")
    assert montreal.find("h1").get_text() == "Été à Montréal\u202f: l’équipe\u202f!"
    # The English translation keeps English typography.
    english = local_site.html("en/posts/bienvenue-dans-la-guilde-boussole/")
    assert english.find("h1").get_text() == "Welcome to the Boussole Guild!"


def test_pages_are_accessible_landmarks_and_language(local_site):
    for relative in ("", "billets/ete-a-montreal-l-equipe/", "charte/", "archives/", "categories/communaute/", "404.html"):
        page = local_site.html(relative)
        assert page.html["lang"] == "fr", relative
        skip = page.select_one("a.skip-link")
        assert skip["href"] == "#contenu" and page.find("main", id="contenu"), relative
        assert page.find("header") and page.find("footer") and page.find("nav"), relative
        assert len(page.find_all("h1")) == 1, relative
        assert not [s for s in page.find_all("script") if s.get("type") != "application/ld+json"], relative
        for image in page.find_all("img"):
            assert image.has_attr("alt") and image.has_attr("width") and image.has_attr("height"), (relative, image)


def test_nothing_is_loaded_from_another_host(production_site):
    site = production_site.settings["SITEURL"]
    for page in production_site.pages():
        soup = production_site.html(page.relative_to(production_site.output).as_posix())
        for tag in soup.find_all(["link", "img", "script", "iframe", "source"]):
            # rel="alternate" (feeds) and rel="webmention" (where other sites send mentions) are never loaded by browsers
            url = tag.get("src") or (tag.get("href") if tag.name == "link" and tag.get("rel") not in (["alternate"], ["webmention"]) else None)
            if url and url.startswith(("http:", "https:", "//")):
                assert url.startswith(site), (page, url)


def test_home_is_paginated_with_rel_prev_and_next(local_site):
    first, second = local_site.html(""), local_site.html("page/2/")
    assert first.find("link", rel="next") and not first.find("link", rel="prev")
    assert second.find("link", rel="prev")
    assert first.select_one('nav.pagination a[rel="next"]')
    base = local_site.url_of(local_site.output / "index.html")
    assert local_site.file_for(first.find("link", rel="next")["href"], base) == local_site.output / "page/2/index.html"


def test_every_page_type_is_built(local_site):
    for relative in ("index.html", "archives/index.html", "archives/2026/index.html", "categories/index.html",
                     "categories/coulisses/index.html", "etiquettes/index.html", "etiquettes/pollen/index.html",
                     "auteurs/index.html", "auteurs/yanis-belkacem/index.html", "a-propos/index.html",
                     "charte/index.html", "donnees-personnelles/index.html", "mentions-legales/index.html",
                     "404.html", "en/a-propos/index.html"):
        assert (local_site.output / relative).is_file(), relative
    archives = local_site.html("archives/")
    assert archives.find("h2", id="annee-2026")
    assert len(archives.select(".archive-list li")) == 11


@pytest.mark.parametrize("feed", ["feeds/all.atom.xml", "feeds/all.rss.xml", "feeds/coulisses.atom.xml",
                                  "feeds/coulisses.rss.xml", "feeds/communaute.atom.xml", "feeds/conseils-de-jeu.rss.xml"])
def test_feeds_parse_and_hold_absolute_urls_under_publishconf(production_site, feed):
    path = production_site.output / feed
    ElementTree.parse(path)  # well-formed XML
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries
    site = production_site.settings["SITEURL"]
    for entry in parsed.entries:
        assert entry.link.startswith(site + "/"), entry.link
        assert (production_site.output / entry.link.removeprefix(site + "/") / "index.html").is_file()
    if "all" in feed:
        assert "Campagne participative" not in path.read_text(encoding="utf-8")


def test_feed_links_in_the_head(production_site):
    home = production_site.html("")
    atom = home.find("link", type="application/atom+xml")
    assert atom["href"] == production_site.settings["SITEURL"] + "/feeds/all.atom.xml"
    category = production_site.html("categories/coulisses/")
    assert category.find("link", type="application/rss+xml", href=re.compile(r"/feeds/coulisses\.rss\.xml$"))
