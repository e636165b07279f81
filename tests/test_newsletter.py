"""Newsletter editions: the e-mail (HTML and text) parsed as a mail client and a reader would,
the web archive, the selection of items, and bad input."""

import json
import re
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import feedparser
import pytest
from bs4 import BeautifulSoup

from tribune import source as source_module
from tribune.build import check, load_site
from tribune.source import forget_sources, read_source

from .conftest import build_site, chromium_on, french

SITE = "https://guilde.editions-boussole.fr"
MERGE_TAGS = ("*|UNSUB|*", "*|UPDATE_PROFILE|*", "*|HTML:LIST_ADDRESS_HTML|*")


@pytest.fixture(scope="module")
def local_editions(local_site):
    """The editions as the local build (pelicanconf, relative URLs) writes them."""
    return local_site


def email(site, edition):
    folder = site.output / "newsletter" / edition
    html = (folder / "email.html").read_text(encoding="utf-8")
    return html, BeautifulSoup(html, "html.parser"), (folder / "email.txt").read_text(encoding="utf-8"), json.loads((folder / "edition.json").read_text())


@pytest.mark.parametrize("edition", ["2026-10", "2026-11"])
def test_email_html_is_built_for_mail_clients(local_editions, edition):
    html, soup, _, _ = email(local_editions, edition)
    for tag in soup.find_all(href=True) + soup.find_all(src=True):
        url = tag.get("href") or tag.get("src")
        assert url.startswith("https://") or url in MERGE_TAGS, url  # production URLs even under pelicanconf
    for image in soup.find_all("img"):
        assert image.has_attr("alt") and image["width"].isdigit(), image
        # Images of the column shrink with it (no height attribute: Yahoo would stretch them to it).
        fluid = "fluid" in image.get("class", [])
        assert fluid != image.has_attr("height"), image
        if fluid:
            assert "width: 100%" in image["style"] and "max-width: 552px" in image["style"], image
    assert not soup.find("script") and not soup.find("link", rel="stylesheet")
    assert "@import" not in html and "fonts.googleapis" not in html
    styles = soup.find_all("style")
    assert len(styles) == 1 and re.fullmatch(r"\s*(@media[^{]*\{(?:[^{}]*\{[^{}]*\})*\s*\}\s*)+", styles[0].string)
    # Fluid up to 600 px without any media query (Gmail's mobile webmail drops <style>); a
    # 600 px table for Outlook for Windows only, which ignores max-width.
    container = soup.select_one("table.container")
    assert soup.select_one("h1")["style"] and container["width"] == "100%" and "max-width: 600px" in container["style"]
    assert '<!--[if mso]><table role="presentation" width="600"' in html
    assert soup.select_one(".preheader")["style"].startswith("display: none")
    for tag in MERGE_TAGS:
        assert tag in html
    assert len(html.encode()) < 102 * 1024


def test_email_items_with_their_urls_in_html_and_text(local_editions):
    _, soup, text, summary = email(local_editions, "2026-11")
    expected = {
        "post": ["La Guilde a (presque) un an\u202f: ce que vous nous avez dit", "De l’esquisse à la boîte\u202f: l’illustration de «\u202fPollen\u202f»"],
        "event": ["Rencontre de la Guilde à Lyon", "Soirée jeux québécoise en ligne"],
        "member": ["Léa Fontaine"],
    }
    assert {kind: [i["title"] for i in summary["items"] if i["kind"] == kind] for kind in expected} == expected
    urls = {
        "La Guilde a (presque) un an\u202f: ce que vous nous avez dit": "billets/la-guilde-a-presque-un-an-ce-que-vous-nous-avez-dit/",
        "Rencontre de la Guilde à Lyon": "evenements/rencontre-de-la-guilde-a-lyon/",
        "Léa Fontaine": "membres/lea-fontaine/",
    }
    for title, path in urls.items():
        link = soup.find("a", string=title)
        assert link["href"].startswith(f"{SITE}/{path}?"), link
        assert title in text and f"{SITE}/{path}?utm_source=newsletter" in text
    # The cancelled workshop of 12 December is not announced.
    assert "Atelier" not in soup.select_one("body").get_text(" ").split("Les prochains rendez-vous")[1].split("Membre")[0]


def test_utm_parameters_on_site_links_only(local_editions):
    _, soup, _, _ = email(local_editions, "2026-11")
    for link in soup.find_all("a", href=True):
        query = parse_qs(urlsplit(link["href"]).query)
        if link["href"].startswith(SITE + "/"):
            assert query == {"utm_source": ["newsletter"], "utm_medium": ["email"], "utm_campaign": ["2026-11"]}, link["href"]
        else:
            assert "utm_source" not in query, link["href"]


def test_utm_can_be_turned_off(site_copy, tmp_path):
    site = build_site(site_copy, "publishconf.py", tmp_path / "out", NEWSLETTER_UTM=False)
    assert "utm_" not in (site.output / "newsletter/2026-11/email.html").read_text()


def test_plain_text_is_written_for_people(local_editions):
    _, _, text, _ = email(local_editions, "2026-11")
    assert not re.search(r"<[a-zA-Z/][^>]*>|&[a-z]+;|\*\*", text)
    assert "\n\n\n" not in text
    for line in text.splitlines():
        assert len(line) <= 78 or "https://" in line, line
    assert text.startswith("LA LETTRE DE LA GUILDE\u00a0— NOVEMBRE 2026\n\n25 novembre 2026\n")
    assert f"{SITE}/lettre/2026-11/?utm_source=newsletter" in text
    assert "*|UNSUB|*" in text and "*|UPDATE_PROFILE|*" in text
    assert "Vous avez été 412 à répondre" in text


def test_edition_json(local_editions):
    html, _, text, summary = email(local_editions, "2026-11")
    assert summary["edition"] == "2026-11" and summary["subject"] == "La Guilde a (presque) un an\u202f: ce que vous nous avez dit"
    assert summary["html_bytes"] == len(html.encode()) and summary["text_bytes"] == len(text.encode())
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", summary["content_hash"])
    assert summary["web_url"] == f"{SITE}/lettre/2026-11/"


def test_default_selection_of_posts_events_and_member_by_date(local_editions):
    _, _, _, october = email(local_editions, "2026-10")
    # First edition: the posts of the 31 days before it, the events of the 45 days after it, October's member.
    assert [i["slug"] for i in october["items"]] == [
        "trois-jeux-courts-pour-la-pause-de-midi",
        "marathon-de-jeux-en-ligne-douze-heures-pour-la-mediatheque",
        "hugo-marchand",
    ]
    _, _, _, november = email(local_editions, "2026-11")
    # Then: the posts since the previous edition (1 October), not before.
    assert [i["slug"] for i in november["items"] if i["kind"] == "post"] == [
        "la-guilde-a-presque-un-an-ce-que-vous-nous-avez-dit", "de-l-esquisse-a-la-boite-l-illustration-de-pollen",
    ]


def test_web_archive(production_site):
    page = production_site.html("lettre/2026-11/")
    html = (production_site.output / "lettre/2026-11/index.html").read_text()
    assert page.find("h1").get_text() == "La lettre de la Guilde\u00a0— novembre 2026"
    assert "412" in page.select_one(".prose").get_text()
    for tag in MERGE_TAGS:
        assert tag not in html
    form = page.select_one("form.subscribe__form")
    assert form["action"].startswith("https://") and form["method"] == "post" and form.find("input", type="email")["name"] == "EMAIL"
    assert [a.get_text() for a in page.select(".edition__section .archive-list a")][0].startswith("La Guilde a (presque)")
    index = production_site.html("lettre/")
    assert [a.get_text() for a in index.select(".edition-list a")] == ["La lettre de la Guilde\u00a0— novembre 2026", "La lettre de la Guilde\u00a0— octobre 2026"]
    feed_path = production_site.output / "lettre/atom.xml"
    ElementTree.parse(feed_path)
    feed = feedparser.parse(feed_path.read_bytes())
    assert not feed.bozo and [e.link for e in feed.entries] == [f"{SITE}/lettre/2026-11/", f"{SITE}/lettre/2026-10/"]


EDITION = """Title: Édition de test
Date: 2026-12-01 09:00

Le mot de l'équipe.
"""


def _errors(site):
    blocking, _ = check(load_site(site / "pelicanconf.py"))
    return [str(p) for p in blocking]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("Date: 2026-12-01 09:00", "Date: 2026-12-01 09:00\nPosts: n-existe-pas"),
         french("3: Posts: « n-existe-pas » n'est pas un billet publié (vérifiez son slug et son Status)")),
        (("Date: 2026-12-01 09:00", "Date: 2026-12-01 09:00\nPosts: campagne-participative-ce-qui-se-prepare"),
         french("3: Posts: « campagne-participative-ce-qui-se-prepare » n'est pas un billet publié (vérifiez son slug et son Status)")),
        (("Date: 2026-12-01 09:00", "Date: 2026-12-01 09:00\nEvents: rencontre-fantome"),
         french("3: Events: « rencontre-fantome » n'est pas un événement publié (vérifiez son slug et son Status)")),
        (("Date: 2026-12-01 09:00", "Date: 2026-12-01 09:00\nSpotlight: personne"),
         french("3: Spotlight: « personne » n'est pas un membre publié avec son consentement (vérifiez son slug et son Status)")),
        (("Title: Édition de test\n", ""), french("1: Title: manquant : une édition doit avoir une ligne Title: ou Subject:")),
    ],
)
def test_bad_editions(site_copy, monkeypatch, change, expected):
    monkeypatch.chdir(site_copy)
    (site_copy / "content/newsletters/2026-12.md").write_text(EDITION.replace(*change), encoding="utf-8")
    assert _errors(site_copy) == [f"content/newsletters/2026-12.md:{expected}"]


def test_an_empty_edition_is_an_error(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)
    text = "Title: Rien\nDate: 2027-06-01 09:00\nPosts: \n\n"
    (site_copy / "content/newsletters/2027-06.md").write_text(text, encoding="utf-8")
    assert _errors(site_copy) == [french("content/newsletters/2027-06.md:1: Title: l'édition est vide : ni mot de l'équipe, ni billet, "
                                         "ni événement, ni membre")]


def test_duplicate_edition_id_and_bad_file_name(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)
    (site_copy / "content/newsletters/archives").mkdir()
    (site_copy / "content/newsletters/archives/2026-11.md").write_text(EDITION.replace("2026-12-01", "2026-11-02"), encoding="utf-8")
    (site_copy / "content/newsletters/novembre.md").write_text(EDITION, encoding="utf-8")
    assert _errors(site_copy) == [
        french("content/newsletters/archives/2026-11.md:1: identifiant d'édition « 2026-11 » en double : content/newsletters/2026-11.md "
               "a le même"),
        french("content/newsletters/novembre.md:1: « novembre.md » n'est pas un nom d'édition (attendu : AAAA-MM.md ou AAAA-MM-slug.md)"),
    ]


def test_a_too_large_edition_fails_with_a_clear_message(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)
    words = " ".join(f"mot{n}" for n in range(20000))
    (site_copy / "content/newsletters/2026-12.md").write_text(EDITION + "\n" + words + "\n", encoding="utf-8")
    errors = _errors(site_copy)
    assert len(errors) == 1 and re.fullmatch(
        french(r"content/newsletters/2026-12\.md:1: Title: l'e-mail fait \d+ Ko, au-delà des 102 Ko où Gmail le coupe"), errors[0]
    )


def test_hostile_title_is_escaped_in_html_and_intact_in_text(site_copy, tmp_path):
    hostile = 'Le "meilleur" & <script>alert(1)</script></script> <img src=x onerror=alert(1)>'
    (site_copy / "content/newsletters/2026-12.md").write_text(
        f"Title: {hostile}\nSubject: {hostile}\nPreheader: {hostile}\nDate: 2026-12-01 09:00\n\nTexte.\n", encoding="utf-8"
    )
    site = build_site(site_copy, "publishconf.py", tmp_path / "out")
    html, soup, text, summary = email(site, "2026-12")
    assert not soup.find("script") and not soup.find("img", onerror=True)
    assert soup.find("h1").get_text() == hostile and soup.find("title").get_text() == hostile
    assert hostile.upper() in text and summary["subject"] == hostile
    web = site.html("lettre/2026-12/")
    assert web.find("h1").get_text() == hostile and not web.find("img", onerror=True)


def test_invoke_newsletter_prints_a_summary_without_network(site_copy):
    result = subprocess.run([sys.executable, "-m", "invoke", "newsletter", "--edition", "2026-11"], cwd=site_copy,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Édition 2026-11 (Status: published), {SITE}/lettre/2026-11/"
    assert lines[1] == french("Objet : La Guilde a (presque) un an : ce que vous nous avez dit")
    assert lines[3:9] == [french("Contenu :"), french("  billet    La Guilde a (presque) un an : ce que vous nous avez dit"),
                          french("  billet    De l'esquisse à la boîte : l'illustration de « Pollen »"),
                          "  événement Rencontre de la Guilde à Lyon", "  événement Soirée jeux québécoise en ligne",
                          "  membre    Léa Fontaine"]
    assert re.search(french(r"^HTML : \d+,\d Ko sur 102 Ko \(\d+ %\), texte brut : \d+,\d Ko, liens : \d+$").replace(" %", "\u202f%"),
                     result.stdout, re.MULTILINE)
    assert (site_copy / "output/newsletter/2026-11/email.html").is_file()
    missing = subprocess.run([sys.executable, "-m", "invoke", "newsletter", "--edition", "1999-01"], cwd=site_copy, capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1 and missing.stderr == french("Rien n'a été écrit : aucune édition « 1999-01 » (éditions : 2026-10, 2026-11)\n")


def test_post_headers_are_read_again_only_when_their_file_changed(site_copy, monkeypatch):
    settings = load_site(site_copy / "pelicanconf.py").settings
    settings["CACHE_PATH"] = str(site_copy / "cache")
    post_index = sys.modules["newsletter.post_index"]
    catalogue = sys.modules["newsletter.catalogue"]
    described = []
    real_described = post_index._described
    monkeypatch.setattr(post_index, "_described", lambda path, settings: described.append(path) or real_described(path, settings))
    first = catalogue.Catalogue._read(settings, catalogue._stamps(settings)[0])
    assert len(described) == 13 and len(first.post_headers) == 12  # every post file; the draft is not chosen
    post = site_copy / "content/posts/2026-02-09-cinq-conseils-soiree-jeux.md"
    post.write_text(post.read_text(encoding="utf-8").replace("Title: ", "Title: Six conseils, pas cinq : ", 1), encoding="utf-8")
    described.clear()
    again = catalogue.Catalogue._read(settings, catalogue._stamps(settings)[0])
    assert described == [str(post)]
    assert {h.slug for h in again.post_headers} - {h.slug for h in first.post_headers} == {"six-conseils-pas-cinq-cinq-conseils-pour-animer-une-soiree-jeux"}
    (site_copy / "cache/newsletter-posts.pickle").write_bytes(b"damaged")
    described.clear()
    assert catalogue.Catalogue._read(settings, catalogue._stamps(settings)[0]).post_headers == again.post_headers
    assert len(described) == 13


def test_the_index_of_posts_reads_their_headers_without_keeping_their_texts(site_copy):
    """A build makes the index of the posts an edition chooses from: every post's header is
    read, and the texts must not stay in memory until the build ends (50 MB at 5 000 posts)."""
    settings = load_site(site_copy / "pelicanconf.py").settings
    catalogue = sys.modules["newsletter.catalogue"]
    forget_sources()
    headers = catalogue.Catalogue._read(settings, catalogue._stamps(settings)[0]).post_headers
    posts = {str(header.path) for header in headers}
    assert len(posts) == 12 and not posts & {str(path) for path in source_module._READ}
    post = next(iter(headers)).path
    assert read_source(post) is read_source(post)  # every other reader keeps what it read


def test_an_image_is_not_shown_twice(local_site):
    """The editor's word shows guilde.png; the first post's card has the same image: shown once."""
    soup = BeautifulSoup((local_site.output / "newsletter/2026-11/email.html").read_text(encoding="utf-8"), "html.parser")
    sources = [image["src"] for image in soup.find_all("img")]
    assert len(sources) == len(set(sources)) and any(src.endswith("/images/guilde.png") for src in sources)
    assert len(soup.select("td.item")) == 2 and len(soup.select("td.item img")) == 1


def test_the_email_fits_a_phone_without_styles_or_images(local_site):
    """As Gmail's mobile webmail shows it (no <style>, so no media query) with images blocked:
    nothing wider than a 375 px screen."""
    html = (local_site.output / "newsletter/2026-11/email.html").read_text(encoding="utf-8")
    stripped = re.sub(r"<style>.*?</style>", "", html, flags=re.DOTALL)
    with chromium_on(local_site.output, "--blink-settings=imagesEnabled=false") as (browser, _):
        for markup in (html, stripped):
            page = browser.new_page(viewport={"width": 375, "height": 800})
            page.set_content(markup)
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
            widest = page.evaluate("Math.max(...[...document.querySelectorAll('img')].map(i => i.getBoundingClientRect().right))")
            assert widest <= 375
