"""Hostile text in content fields comes out escaped and intact: in HTML, attributes and feeds."""

import xml.etree.ElementTree as ElementTree

import feedparser

from tribune.typography import french_text

from .conftest import build_site

HOSTILE_TITLE = 'Le "meilleur" jeu & <script>alert(1)</script> </script> 🎲'
HOSTILE_SUMMARY = "Un résumé <img src=x onerror=alert(1)> avec \"guillemets\" & </script> 'apostrophes'"


def test_hostile_title_summary_and_tags_are_escaped_everywhere(site_copy, tmp_path):
    (site_copy / "content/posts/hostile.md").write_text(
        f"Title: {HOSTILE_TITLE}\nDate: 2026-11-23 10:00\nCategory: Coulisses\nTags: <b>gras</b>, normal\n"
        f"Slug: hostile\nSummary: {HOSTILE_SUMMARY}\n\nTexte du billet.\n",
        encoding="utf-8",
    )
    site = build_site(site_copy, "publishconf.py", tmp_path / "output")
    expected_title = french_text(HOSTILE_TITLE)
    expected_summary = french_text(HOSTILE_SUMMARY)

    for relative in ("billets/hostile/", "", "categories/coulisses/", "archives/"):
        page = site.html(relative)
        assert not [s for s in page.find_all("script") if s.get("type") != "application/ld+json"], relative
        assert not page.find("img", onerror=True), relative
        assert not page.find("b"), relative
    article = site.html("billets/hostile/")
    assert article.find("h1").get_text() == expected_title
    assert article.find("title").get_text() == f"{expected_title} — La Guilde Boussole"
    assert article.find("meta", attrs={"name": "description"})["content"] == expected_summary
    assert article.select_one(".post__lead").get_text() == expected_summary
    assert "<b>gras</b>" in [tag.get_text() for tag in article.select(".tags .tag")]
    home_card = site.html("").select_one(".card__title a")
    assert home_card.get_text() == expected_title

    for feed in ("feeds/all.atom.xml", "feeds/all.rss.xml", "feeds/coulisses.atom.xml"):
        path = site.output / feed
        ElementTree.parse(path)
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo
        assert parsed.entries[0].title == expected_title
