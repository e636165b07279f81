"""What independent clients flagged, read as readers get it: pages (BeautifulSoup), feeds
(feedparser), JSON-LD, and a few layouts measured in Debian's chromium (skipped without it)."""

import json
from datetime import datetime, timedelta, timezone
import re
import shutil

import feedparser
from feedgenerator import Atom1Feed, Rss201rev2Feed
from PIL import Image, features

from tribune import feeds as tribune_feeds

from .conftest import ROOT, build_site, chromium_on

SITE = "https://guilde.editions-boussole.fr"
EDITION = "lettre/2026-11/"


def graph(soup) -> list[dict]:
    return json.loads(soup.find("script", type="application/ld+json").string)["@graph"]


def node(soup, kind) -> dict:
    return next(n for n in graph(soup) if n["@type"] == kind)


# -- Theme and typography ---------------------------------------------------------------


def test_bylines_keep_their_spaces_and_lists_start_with_no_separator(local_site):
    home = local_site.html("")
    byline = " ".join(home.select_one(".card .byline").get_text().split())
    assert re.fullmatch(r"Par Camille Rousseau · \d+ \w+ 2026", byline), byline
    for page in ("archives/", EDITION, "membres/yanis-belkacem/"):
        for item in local_site.html(page).select(".archive-list li"):
            lines = [line.strip() for line in item.get_text("\n").splitlines() if line.strip()]
            assert not any(line.startswith("·") for line in lines), (page, lines)


def test_an_edition_title_never_starts_a_line_with_its_dash(local_site):
    titles = [a.get_text() for a in local_site.html("lettre/").select(".edition-list a")]
    assert titles[0] == "La lettre de la Guilde\u00a0— novembre 2026"


def test_french_typography_in_every_text_a_reader_sees(local_site):
    """No typewriter apostrophe, no mark glued to its word or after a plain space, in any text
    of a French page: body, venues, roles, alt texts, descriptions."""
    found = []
    for path in local_site.pages():
        soup = local_site.html(path.relative_to(local_site.output).as_posix())
        if soup.html.get("lang") != "fr":
            continue
        for tag in soup(["script", "style", "code", "pre", "title"]):
            tag.decompose()
        texts = [el.get_text(" ") for el in soup.find_all(["p", "li", "h1", "h2", "h3", "dd", "dt", "a", "blockquote"])]
        texts += [el[a] for a in ("alt", "title", "placeholder", "aria-label") for el in soup.find_all(attrs={a: True})]
        texts += [m["content"] for m in soup.find_all("meta", attrs={"name": "description"})]
        for text in texts:
            if re.search(r"\w'\w", text) or re.search(r"\w[;:!?](?=\s|$)", text) or re.search(r" [;:!?»]", text):
                found.append(f"{path.relative_to(local_site.output)}: {text[:80]!r}")
    assert not found, "\n".join(found)
    assert "L’Atelier Boussole" in local_site.html("evenements/rencontre-de-la-guilde-a-lyon/").select_one(".facts").get_text()


def test_a_category_or_author_page_does_not_repeat_itself_on_every_card(local_site):
    category = local_site.html("categories/coulisses/")
    assert category.select(".card") and not category.select(".card__category")
    author = local_site.html("auteurs/yanis-belkacem/")
    assert author.select(".card") and all("Par " not in card.select_one(".byline").get_text() for card in author.select(".card"))
    assert local_site.html("etiquettes/pollen/").select(".card__category")  # a tag page still says each category


def test_code_blocks_are_reachable_by_keyboard(local_site):
    page = local_site.html("billets/les-regles-de-maree-haute-expliquees-en-dix-minutes/")
    blocks = page.select(".prose pre")
    assert blocks and all(block.get("tabindex") == "0" for block in blocks)


def test_the_charter_says_how_to_reach_the_moderators(local_site):
    section = local_site.html("charte/").find("h2", string="Signaler un problème").find_next("p")
    assert section.find("a", href="mailto:moderation@editions-boussole.fr")


def test_the_home_keeps_the_latest_spotlight_until_the_next(site_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("TRIBUNE_NOW", "2027-01-15T12:00:00+01:00")  # nobody's month: Léa's (2026-11) stays
    site = build_site(site_copy, "publishconf.py", tmp_path / "out", search=False)
    assert site.html("").select_one(".spotlight__name").get_text(strip=True) == "Léa Fontaine"


# -- Images -------------------------------------------------------------------------------


def test_every_image_has_its_size_and_the_main_one_comes_first(local_site):
    for path in local_site.pages():
        soup = local_site.html(path.relative_to(local_site.output).as_posix())
        for image in soup.find_all("img"):
            assert image.get("width", "").isdigit() and image.get("height", "").isdigit(), (path, image)
    edition = local_site.html(EDITION).select_one(".prose img")
    assert (edition["width"], edition["height"]) == ("1200", "630") and edition["loading"] == "lazy"
    hero = local_site.html("billets/les-regles-de-maree-haute-expliquees-en-dix-minutes/").select_one(".post__image img")
    assert hero["fetchpriority"] == "high" and "loading" not in hero.attrs


def test_cards_offer_lighter_files_that_exist(local_site):
    card = local_site.html("").select_one(".card picture")
    source = card.find("source", type="image/webp")
    assert "sizes" not in source.attrs or source["sizes"].startswith("(min-width:75rem) 23rem")
    for candidate in source["srcset"].split(", "):
        url, *width = candidate.split(" ")  # a width, or none for a single file (then no sizes either)
        file = local_site.output / url.removeprefix("./")
        assert file.is_file() and Image.open(file).format == "WEBP" and Image.open(file).width == int((width or ["1200w"])[0][:-1])
        assert bool(width) == source.has_attr("sizes")
    assert card.find("img")["src"] == "./images/guilde.png"  # the original stays for other browsers


def test_responsive_copies_are_made_once_and_only_when_lighter(tmp_path):
    """A photograph gets narrower copies in its format and in WebP; all kept in the cache."""
    import random

    from tribune.responsive_images import ResponsiveImages

    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    rng = random.Random(4)
    photo = Image.new("RGB", (1800, 1200))
    photo.putdata([(rng.randrange(256), rng.randrange(80), 120) for _ in range(1800 * 1200)])
    photo.save(content / "images/photo.jpg", quality=90)
    settings = {"PATH": str(content), "CACHE_PATH": str(tmp_path / "cache"), "OUTPUT_PATH": str(tmp_path / "out")}
    found = ResponsiveImages(settings).image_set("images/photo.jpg")
    assert [v.width for v in found.fallback] == [400, 800, 1200, 1600, 1800] and found.fallback[-1].path == "images/photo.jpg"
    mimes = [mime for mime, _ in found.sources]
    assert "image/webp" in mimes and all(len(variants) == 5 for _, variants in found.sources)
    for _, variants in found.sources:
        assert all(a.bytes < b.bytes for a, b in zip(variants, variants[1:]))  # never a narrower file that weighs more
        assert all((tmp_path / "out" / v.path).is_file() for v in variants)
    cached = {p: p.stat().st_mtime_ns for p in (tmp_path / "cache/images").iterdir()}
    again = ResponsiveImages(settings).image_set("images/photo.jpg")  # another build: from the cache
    assert again == found and cached == {p: p.stat().st_mtime_ns for p in (tmp_path / "cache/images").iterdir()}
    # Opened through tribune.images: over IMAGE_MAX_PIXELS, shown as it is, never decoded.
    assert ResponsiveImages({**settings, "IMAGE_MAX_PIXELS": 1000}).image_set("images/photo.jpg") is None


def test_a_drawing_keeps_its_exact_pixels_in_webp_at_its_own_width_only(tmp_path):
    """A flat PNG illustration weighs least as lossless WebP at its own width (its exact
    pixels); scaled down, its edges smoothed into new shades, as lossy WebP."""
    from tribune.responsive_images import ResponsiveImages

    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    shutil.copy(ROOT / "content/images/guilde.png", content / "images/guilde.png")
    settings = {"PATH": str(content), "CACHE_PATH": str(tmp_path / "cache"), "OUTPUT_PATH": str(tmp_path / "out")}
    found = ResponsiveImages(settings).image_set("images/guilde.png")
    encodings = {int(copy.stem.rsplit("-", 1)[1]): copy.read_bytes()[12:16] for copy in (tmp_path / "cache/images").glob("*.webp")}
    assert encodings == {400: b"VP8 ", 800: b"VP8 ", 1200: b"VP8L"}  # the RIFF chunk: lossy, lossy, lossless
    # Lossless at 1200 px weighs less than lossy at 800: the narrower copies are not offered.
    assert [variant.width for variant in dict(found.sources)["image/webp"]] == [1200]


def test_processes_asking_for_one_image_at_once_share_its_copies_and_survive_one_killed(tmp_path):
    """Pages render in several processes: each copy is encoded by one of them, and a process
    killed while it encodes leaves its copy to the others, not a wait without end."""
    import fcntl
    import multiprocessing
    import os
    import signal
    import time

    from tribune import responsive_images

    (tmp_path / "content/images").mkdir(parents=True)
    Image.new("RGB", (1700, 900), "#336699").save(tmp_path / "content/images/logo.png")
    settings = {"PATH": str(tmp_path / "content"), "CACHE_PATH": str(tmp_path / "cache"), "OUTPUT_PATH": str(tmp_path / "out")}
    journal = tmp_path / "encoded.txt"
    real_encode = responsive_images._encode

    def noted_encode(image, extension, lossless_too):
        time.sleep(0.05)  # slow enough for the processes to overlap
        with open(journal, "a") as note:
            note.write(f"{os.getpid()} {image.width} {extension}\n")
        return real_encode(image, extension, lossless_too)

    def ask(ready):
        responsive_images._encode = noted_encode
        ready.wait()
        responsive_images.ResponsiveImages(settings).image_set("images/logo.png")

    context = multiprocessing.get_context("fork")
    ready = context.Event()
    askers = [context.Process(target=ask, args=(ready,)) for _ in range(3)]
    for process in askers:
        process.start()
    ready.set()
    for process in askers:
        process.join(60)
    lines = journal.read_text().splitlines()
    copies = [line.split(" ", 1)[1] for line in lines]
    assert len(copies) == len(set(copies)) == 4 + 5 * len([ext for ext, _ in responsive_images._MODERN if features.check(ext)])
    assert len({line.split(" ")[0] for line in lines}) > 1  # shared out, not one process doing all
    found = responsive_images.ResponsiveImages(settings).image_set("images/logo.png")

    # A process that claimed the first copy (a byte of the lock file) then was killed.
    shutil.rmtree(tmp_path / "cache"), journal.unlink()
    lock = tmp_path / f"cache/images/{found.fallback[0].cached.name.split('-')[0]}.lock"
    lock.parent.mkdir(parents=True)
    claimed = context.Event()

    def claim_and_hang():
        with open(lock, "a+b") as held:
            fcntl.lockf(held, fcntl.LOCK_EX, 1, 0)
            claimed.set()
            time.sleep(60)

    hanging = context.Process(target=claim_and_hang)
    hanging.start()
    assert claimed.wait(10)
    asker = context.Process(target=ask, args=(ready,))
    asker.start()
    time.sleep(0.5)
    assert asker.is_alive()  # waiting for the copy claimed elsewhere, the others done
    os.kill(hanging.pid, signal.SIGKILL)
    asker.join(30)
    assert asker.exitcode == 0 and len(journal.read_text().splitlines()) == len(copies)
    assert responsive_images.ResponsiveImages(settings).image_set("images/logo.png") == found

# -- Search and 404 -------------------------------------------------------------------------


def test_a_search_page_per_language_not_indexed_and_not_blocking(production_site):
    sitemap = (production_site.output / "sitemap.xml").read_text()
    for path, lang in (("recherche/", "fr"), ("en/search/", "en")):
        page = production_site.html(path)
        assert page.html["lang"] == lang and page.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
        script = page.find("script", src=re.compile("pagefind-ui.js$"))
        assert script.has_attr("defer"), script
        assert f"{SITE}/{path}" not in sitemap
    english = production_site.html("en/posts/bienvenue-dans-la-guilde-boussole/")
    assert english.select_one("form.site-search")["action"] == f"{SITE}/en/search/"
    assert production_site.html("billets/ete-a-montreal-l-equipe/").select_one("form.site-search")["action"] == f"{SITE}/recherche/"


def test_the_404_page_has_no_canonical_and_no_json_ld(production_site):
    page = production_site.html("404.html")
    assert page.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
    assert not page.find("link", rel="canonical") and not page.find("script", type="application/ld+json")
    assert not page.find("meta", property="og:url")


# -- Feeds ----------------------------------------------------------------------------------


def test_feeds_whose_items_are_written_once_are_those_feedgenerator_writes(many_posts, tmp_path, monkeypatch):
    """Each item's XML is kept once written (a post is an item of several feeds, and the
    preview writes them again after each save): the feeds are byte for byte those
    feedgenerator writes item by item, when the items are written and when all are kept."""
    def feeds_of(name: str) -> dict[str, bytes]:
        output = build_site(many_posts, "publishconf.py", tmp_path / name, search=False, WRITER_PROCESSES=1,
                            CACHE_PATH=str(tmp_path / f"{name}-cache")).output
        return {path.relative_to(output).as_posix(): path.read_bytes() for path in [*output.glob("feeds/*.xml"), output / "lettre/atom.xml"]}

    tribune_feeds._written.clear()
    tribune_feeds._kept_characters = 0
    written = feeds_of("written")
    assert len(tribune_feeds._written) > 60  # the posts' items, kept
    items_written = []
    for feed_class in (Atom1Feed, Rss201rev2Feed):
        real = feed_class.add_item_elements
        monkeypatch.setattr(feed_class, "add_item_elements", lambda self, handler, item, real=real: items_written.append(item) or real(self, handler, item))
    kept = feeds_of("kept")
    assert items_written == []  # every item taken from what was kept
    monkeypatch.setattr(tribune_feeds, "_REMEMBERING", {})
    plain = feeds_of("plain")
    assert len(plain) > 10 and len(items_written) > 60 and written == kept == plain


def test_an_item_kept_is_one_with_the_same_date_in_the_same_time_zone():
    """Two items at the same moment written in two time zones are two items: each feed says
    the date as its item gives it (the kept XML is keyed by the zone too)."""
    said = []
    for moment in (datetime(2026, 1, 12, 12, tzinfo=timezone.utc), datetime(2026, 1, 12, 13, tzinfo=timezone(timedelta(hours=1)))):
        feed = tribune_feeds.identify(Atom1Feed(title="Guilde", link="https://exemple.fr/", description="", feed_url="https://exemple.fr/flux.xml"),
                                      None, {"DEFAULT_LANG": "fr", "SITENAME": "Guilde"})
        feed.add_item(title="Bienvenue", link="https://exemple.fr/bienvenue/", description="Un mot.", pubdate=moment)
        said.append(feedparser.parse(feed.writeString("utf-8")).entries[0].published)
    assert said == ["2026-01-12T12:00:00+00:00", "2026-01-12T13:00:00+01:00"]


def test_each_feed_has_its_own_id_language_and_title(production_site):
    feeds = sorted([*production_site.output.glob("feeds/*.xml"), production_site.output / "lettre/atom.xml"])
    ids = {}
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        url = f"{SITE}/{path.relative_to(production_site.output).as_posix()}"
        assert not parsed.bozo, path
        assert next(link.href for link in parsed.feed.links if link.rel == "self") == url
        ids[path.name] = parsed.feed.get("id") or parsed.feed.get("guid")
        if path.suffix == ".xml" and ".rss." in path.name:
            assert parsed.feed.language == "fr", path.name
        else:
            assert ids[path.name] == url and parsed.feed.language == ("en" if path.name == "all-en.atom.xml" else "fr")
    atom_ids = [value for name, value in ids.items() if ".rss." not in name]
    assert len(set(atom_ids)) == len(atom_ids)
    letter = feedparser.parse((production_site.output / "lettre/atom.xml").read_bytes())
    assert letter.feed.title == "La Guilde Boussole — La lettre"
    assert letter.entries[0].summary == "Les résultats de l’enquête, deux rendez-vous en décembre et le portrait de Léa."


# -- Structured data --------------------------------------------------------------------------


def test_an_edition_is_described_by_its_preheader_with_breadcrumbs(production_site):
    page = production_site.html(EDITION)
    preheader = "Les résultats de l’enquête, deux rendez-vous en décembre et le portrait de Léa."
    assert page.find("meta", attrs={"name": "description"})["content"] == preheader
    assert page.find("meta", property="og:description")["content"] == preheader
    assert node(page, "WebPage")["description"] == preheader
    crumbs = node(page, "BreadcrumbList")["itemListElement"]
    assert [c["item"] for c in crumbs] == [f"{SITE}/", f"{SITE}/lettre/", f"{SITE}/{EDITION}"]
    for edition in ("lettre/2026-10/", EDITION):
        assert "Bonjour" not in production_site.html(edition).find("meta", attrs={"name": "description"})["content"]


def test_every_event_organizer_has_a_url(production_site):
    organization = f"{SITE}/#organization"
    for path in sorted(production_site.output.glob("evenements/*/index.html")):
        page = production_site.html(path.relative_to(production_site.output).as_posix())
        organizer = node(page, "Event")["organizer"]
        assert organizer.get("@id") == organization or organizer.get("url", "").startswith("https://"), (path, organizer)
    quebec = production_site.html("evenements/soiree-jeux-quebecoise-en-ligne/")
    assert node(quebec, "Event")["organizer"] == {"@type": "Organization", "name": "Les Dés de Verdun", "url": "https://lesdesdeverdun.example/"}
    assert quebec.select_one(".facts a[href='https://lesdesdeverdun.example/']").get_text() == "Les Dés de Verdun"


def test_a_profile_page_shows_the_member_portrait(production_site):
    page = production_site.html("membres/lea-fontaine/")
    image = node(page, "ProfilePage")["primaryImageOfPage"]
    assert image == {"@type": "ImageObject", "url": f"{SITE}/membres/lea-fontaine/avatar-384.jpg", "width": 384, "height": 384}


# -- Layout, in a browser ----------------------------------------------------------------------


def test_layouts_readers_flagged(local_site):
    """/lettre/ at 1280 px keeps each date on one line; /membres/ at 375 px shows two cards a
    row; the search field's placeholder has a contrast of at least 4.5:1 in both themes."""
    contrast = """() => {
        const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        const lum = (c) => { const [r, g, b] = rgb(c); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        const input = document.querySelector('.site-search input');
        const [a, b] = [lum(getComputedStyle(input, '::placeholder').color), lum(getComputedStyle(input).backgroundColor)];
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }"""
    with chromium_on(local_site.output) as (browser, base):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(base + "lettre/")
        heights = page.eval_on_selector_all(".edition-list time", "times => times.map(t => t.getClientRects().length)")
        assert heights and set(heights) == {1}
        page = browser.new_page(viewport={"width": 375, "height": 900})
        page.goto(base + "membres/")
        tops = page.eval_on_selector_all(".member-card", "cards => cards.map(c => Math.round(c.getBoundingClientRect().top))")
        assert len(tops) == 4 and tops[0] == tops[1] and tops[2] == tops[3]
        for scheme in ("light", "dark"):
            page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
            page.goto(base)
            assert page.evaluate(contrast) >= 4.5, scheme
