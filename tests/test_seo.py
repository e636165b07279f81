"""SEO: every page type read as a crawler reads it, the sitemap, robots.txt and the SEO lint."""

import importlib
import io
import json
import random
import re
import shutil
import struct
import sys
import zlib
from datetime import datetime
from xml.etree import ElementTree

import pytest
import font_lato
from PIL import Image, ImageChops

from tribune.build import check, load_site
from tribune.lint import WARNING

from .conftest import ROOT, build_site, french

SITE = "https://guilde.editions-boussole.fr"
PAGE_TYPES = {
    "home": "",
    "home page 2": "page/2/",
    "article": "billets/les-regles-de-maree-haute-expliquees-en-dix-minutes/",
    "translation": "en/posts/bienvenue-dans-la-guilde-boussole/",
    "page": "charte/",
    "archives": "archives/",
    "year": "archives/2026/",
    "category": "categories/coulisses/",
    "tag": "etiquettes/pollen/",
    "author": "auteurs/camille-rousseau/",
    "author page 2": "auteurs/camille-rousseau/page/2/",
    "categories": "categories/",
    "tags": "etiquettes/",
    "authors": "auteurs/",
}


def meta(soup, key):
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def graph(soup) -> list[dict]:
    scripts = soup.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    data = json.loads(scripts[0].string)
    assert data["@context"] == "https://schema.org"
    return data["@graph"]


def node(nodes, kind):
    return next(n for n in nodes if n["@type"] == kind)


def image_file(site, url):
    return site.output / url.removeprefix(SITE + "/")


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_every_page_type_carries_the_full_head(production_site, name):
    relative = PAGE_TYPES[name]
    soup = production_site.html(relative)
    head = soup.head
    canonical = head.find("link", rel="canonical")["href"]
    assert canonical == f"{SITE}/{relative}"  # absolute and pagination-aware
    title = head.title.get_text()
    assert title.endswith("La Guilde Boussole")
    description = meta(head, "description")
    assert description and len(description) <= 160
    assert meta(head, "robots").startswith("index")
    assert meta(head, "og:url") == canonical
    assert meta(head, "og:title") and meta(head, "og:description") == description
    assert meta(head, "og:site_name") == "La Guilde Boussole"
    assert meta(head, "og:locale") in ("fr_FR", "en_US")
    image_url = meta(head, "og:image")
    assert image_url.startswith(SITE + "/")
    with Image.open(image_file(production_site, image_url)) as image:
        assert image.size == (int(meta(head, "og:image:width")), int(meta(head, "og:image:height")))
    assert meta(head, "og:image:alt")
    assert meta(head, "twitter:card") == "summary_large_image"
    assert meta(head, "twitter:image") == image_url and meta(head, "twitter:site") == "@editionsboussole"
    nodes = graph(soup)
    organization, website = node(nodes, "Organization"), node(nodes, "WebSite")
    assert organization["url"] == SITE + "/" and organization["sameAs"]
    with Image.open(image_file(production_site, organization["logo"]["url"])) as logo:
        assert logo.size == (organization["logo"]["width"], organization["logo"]["height"])
    assert website["publisher"] == {"@id": organization["@id"]}
    page_node = next(n for n in nodes if n.get("@id") == canonical)
    if relative:
        crumbs = node(nodes, "BreadcrumbList")["itemListElement"]
        assert crumbs[0]["item"] == SITE + "/" and crumbs[-1]["item"] == canonical
        assert [c["position"] for c in crumbs] == list(range(1, len(crumbs) + 1))
        assert page_node["breadcrumb"]["@id"] == node(nodes, "BreadcrumbList")["@id"]
    else:
        assert not [n for n in nodes if n["@type"] == "BreadcrumbList"]


def test_article_open_graph_and_blog_posting(production_site):
    soup = production_site.html(PAGE_TYPES["article"])
    assert meta(soup, "og:type") == "article"
    assert meta(soup, "og:title") == "Les règles de «\u202fMarée haute\u202f» expliquées en dix minutes"
    assert meta(soup, "article:published_time") == "2026-03-16T10:00:00+01:00"
    assert meta(soup, "article:section") == "Conseils de jeu"
    assert [t["content"] for t in soup.find_all("meta", property="article:tag")] == ["marée haute", "règles"]
    assert meta(soup, "article:author") == f"{SITE}/auteurs/camille-rousseau/"
    posting = node(graph(soup), "BlogPosting")
    assert posting["headline"] == meta(soup, "og:title")
    assert posting["description"] == meta(soup, "description")
    for key in ("datePublished", "dateModified"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", posting[key])
        assert datetime.fromisoformat(posting[key]).utcoffset() is not None
    assert posting["author"] == [{"@type": "Person", "name": "Camille Rousseau", "url": f"{SITE}/auteurs/camille-rousseau/"}]
    assert posting["mainEntityOfPage"] == {"@id": f"{SITE}/{PAGE_TYPES['article']}"}
    assert posting["inLanguage"] == "fr" and posting["keywords"] == ["marée haute", "règles"]
    assert 150 < posting["wordCount"] < 400
    assert posting["image"]["url"] == f"{SITE}/images/maree-haute.png"
    assert posting["publisher"]["@id"].endswith("#organization")


def test_every_post_s_word_count_is_the_words_a_reader_reads_in_its_text(production_site):
    """JSON-LD's wordCount counts the post's text as the page shows it: no tag, no code of a
    script, an entity one character, a no-break space a space."""
    counted = 0
    for page in sorted([*production_site.output.glob("billets/*/index.html"), *production_site.output.glob("*/posts/*/index.html")]):
        soup = production_site.html(page.parent.relative_to(production_site.output).as_posix() + "/")
        posting = node(graph(soup), "BlogPosting")
        assert posting["wordCount"] == len(soup.select_one(".prose").get_text(" ").split()), page
        counted += 1
    assert counted >= 11


def test_modified_date_and_description_from_summary(production_site):
    soup = production_site.html("billets/de-l-esquisse-a-la-boite-l-illustration-de-pollen/")
    assert meta(soup, "article:modified_time") == "2026-10-08T17:30:00+02:00"
    assert meta(soup, "description").startswith("Nina Morel, illustratrice de Pollen")


def test_pages_carry_a_web_page_node_and_hreflang_with_x_default(production_site):
    soup = production_site.html("a-propos/")
    assert meta(soup, "og:type") == "website"
    assert node(graph(soup), "WebPage")["url"] == f"{SITE}/a-propos/"
    alternates = {link["hreflang"]: link["href"] for link in soup.find_all("link", rel="alternate", hreflang=True)}
    assert alternates == {"fr": f"{SITE}/a-propos/", "en": f"{SITE}/en/a-propos/", "x-default": f"{SITE}/a-propos/"}
    english = production_site.html("en/posts/bienvenue-dans-la-guilde-boussole/")
    assert meta(english, "og:locale") == "en_US" and meta(english, "og:locale:alternate") == "fr_FR"


def test_404_is_not_indexed(production_site):
    assert meta(production_site.html("404.html"), "robots").startswith("noindex")


def test_sitemap_lists_every_indexable_page_and_nothing_else(production_site):
    tree = ElementTree.parse(production_site.output / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = {u.find("s:loc", ns).text: u for u in tree.getroot().findall("s:url", ns)}
    built = set()
    for page in production_site.pages():
        soup = production_site.html(page.relative_to(production_site.output).as_posix())
        if meta(soup, "robots").startswith("index"):
            built.add(soup.find("link", rel="canonical")["href"])
    assert set(urls) == built
    assert f"{SITE}/404.html" not in urls
    assert not [u for u in urls if "campagne" in u]
    article = urls[f"{SITE}/billets/bienvenue-dans-la-guilde-boussole/"]
    assert article.find("s:lastmod", ns).text == "2026-01-12T09:30:00+01:00"
    links = {link.get("hreflang"): link.get("href") for link in article.findall("x:link", ns)}
    assert links == {"fr": f"{SITE}/billets/bienvenue-dans-la-guilde-boussole/", "en": f"{SITE}/en/posts/bienvenue-dans-la-guilde-boussole/"}
    assert urls[f"{SITE}/charte/"].find("s:lastmod", ns) is None  # a page without date has no lastmod
    # A list of posts changed with its newest post; a page that lists none (tags, members, events) has no date of its own.
    assert urls[f"{SITE}/archives/"].find("s:lastmod", ns).text == urls[f"{SITE}/"].find("s:lastmod", ns).text == "2026-11-09T10:00:00+01:00"
    for listing in ("etiquettes/", "categories/", "evenements/", "membres/"):
        assert urls[f"{SITE}/{listing}"].find("s:lastmod", ns) is None


def test_robots_txt_points_to_the_sitemap(production_site):
    assert (production_site.output / "robots.txt").read_text() == f"User-agent: *\nAllow: /\n\nSitemap: {SITE}/sitemap.xml\n"


def test_share_image_generated_for_a_post_without_image_and_cached(site_copy, tmp_path):
    (site_copy / "content/posts/sans-image.md").write_text(
        "Title: Un billet sans image\nDate: 2026-11-01 10:00\nCategory: Coulisses\nSummary: Un résumé.\n\nTexte.\n",
        encoding="utf-8",
    )
    site = build_site(site_copy, "publishconf.py", tmp_path / "one")
    soup = site.html("billets/un-billet-sans-image/")
    url = meta(soup, "og:image")
    assert url == f"{SITE}/images/partage/un-billet-sans-image-fr.png"
    assert meta(soup, "og:image:alt") == "Un billet sans image"
    with Image.open(image_file(site, url)) as image:
        assert image.size == (1200, 630) and image.format == "PNG"
    cached = list((site_copy / "cache" / "share-images").glob("*.png"))
    stamps = {path: path.stat().st_mtime_ns for path in cached}
    build_site(site_copy, "publishconf.py", tmp_path / "two")
    assert {path: path.stat().st_mtime_ns for path in cached} == stamps  # not redrawn


def test_the_cards_of_an_earlier_drawing_are_removed_at_the_first_build_with_a_new_one(site_copy, tmp_path):
    """A card's key holds the drawing's version: after an upgrade that draws cards anew, the
    old ones would stay in the cache for ever (800 at 1 000 posts). The first build removes
    them, before it draws; the builds after it keep the cards it drew."""
    folder = site_copy / "cache" / "share-images"
    folder.mkdir(parents=True)
    (folder / "0123456789abcdef0123.png").write_bytes(b"an earlier drawing's card")
    (folder / "0123456789abcdef0123.4242.tmp").write_bytes(b"one killed while it was saved")
    (folder / "notes.txt").write_text("not a card", encoding="utf-8")
    build_site(site_copy, "publishconf.py", tmp_path / "one")
    drawn = {path.name: path.stat().st_ino for path in folder.glob("*.png")}
    assert drawn and "0123456789abcdef0123.png" not in drawn and not list(folder.glob("*.tmp"))
    assert (folder / "notes.txt").is_file() and (folder / "drawing-version").read_text(encoding="utf-8") == seo_module()._DRAWING_VERSION
    build_site(site_copy, "publishconf.py", tmp_path / "two")
    assert {path.name: path.stat().st_ino for path in folder.glob("*.png")} == drawn


def seo_module(name: str = "share_image"):
    """A module of the seo plugin, imported as Pelican imports it (from PLUGIN_PATHS)."""
    sys.path.insert(0, str(ROOT / "plugins"))
    try:
        return importlib.import_module(f"seo.{name}")
    finally:
        sys.path.remove(str(ROOT / "plugins"))


def test_a_share_card_is_drawn_again_only_when_what_it_shows_changes(tmp_path):
    """Cards are cached by what is drawn on them, the font file included: the same card is
    copied, not drawn again; a font file replaced under the same name (while a preview runs)
    draws a new card, in the new font."""
    cards = seo_module()
    font = tmp_path / "police.ttf"
    shutil.copyfile(font_lato.LatoBold, font)
    settings = {"CACHE_PATH": str(tmp_path / "cache"), "SEO_SHARE_IMAGE_FONT": str(font)}
    first = cards.share_image("Un billet sans image", "La Guilde", settings, tmp_path / "un.png")
    again = cards.share_image("Un billet sans image", "La Guilde", settings, tmp_path / "deux.png")
    cached = list((tmp_path / "cache" / "share-images").glob("*.png"))
    assert len(cached) == 1 and first.read_bytes() == again.read_bytes() == cached[0].read_bytes()
    shutil.copyfile(font_lato.LatoThin, font)
    thin = cards.share_image("Un billet sans image", "La Guilde", settings, tmp_path / "trois.png")
    assert len(list((tmp_path / "cache" / "share-images").glob("*.png"))) == 2
    with Image.open(first) as bold, Image.open(thin) as light:
        assert bold.size == light.size == (1200, 630)
        assert ImageChops.difference(bold.convert("RGB"), light.convert("RGB")).getbbox() is not None


def test_a_share_card_is_a_palette_png_in_the_site_colours(tmp_path):
    """A palette PNG (fast to encode): its background, accent and fully covered text are the
    colours set, and the text's anti-aliasing blends only those two."""
    cards = seo_module()
    settings = {"CACHE_PATH": str(tmp_path / "cache"), "SEO_SHARE_IMAGE_COLORS": ("#f5efe6", "#1b3a4b", "#e07a5f")}
    card = cards.share_image("Illustration", "La Guilde", settings, tmp_path / "carte.png")
    with Image.open(card) as image:
        assert image.mode == "P" and image.size == (1200, 630)
        rgb = image.convert("RGB")
    colours = {colour for _count, colour in rgb.getcolors(256)}
    assert rgb.getpixel((5, 5)) == (0xF5, 0xEF, 0xE6) and rgb.getpixel((600, 620)) == (0xE0, 0x7A, 0x5F)
    assert (0x1B, 0x3A, 0x4B) in colours  # the middle of the letters
    for colour in colours - {(0xE0, 0x7A, 0x5F)}:  # every other colour lies between text and background
        assert all(min(t, b) <= c <= max(t, b) for c, t, b in zip(colour, (0x1B, 0x3A, 0x4B), (0xF5, 0xEF, 0xE6)))



def _decoded_strictly(png: bytes) -> Image.Image:
    """The PNG read as a strict decoder does: every chunk's CRC checked, the image data's
    zlib stream whole with its checksum (zlib.decompress raises otherwise), then Pillow's
    reading of it."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, data, kinds = 8, b"", []
    while position < len(png):
        (length,), kind = struct.unpack(">I", png[position:position + 4]), png[position + 4:position + 8]
        body, crc = png[position + 8:position + 8 + length], png[position + 8 + length:position + 12 + length]
        assert struct.unpack(">I", crc)[0] == zlib.crc32(kind + body), kind
        data += body if kind == b"IDAT" else b""
        kinds.append(kind)
        position += 12 + length
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and position == len(png)
    width, height = struct.unpack(">II", png[16:24])
    assert len(zlib.decompress(data)) == (width + 1) * height  # one filter byte a row, 8 bits a pixel
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def test_a_share_cards_file_holds_the_card_drawn_for_every_title_and_site(tmp_path):
    """The file is compressed only where the title changed the site's blank card (fast first
    builds): read by a strict decoder, it is the card drawn, pixel for pixel and colour for
    colour, whatever the title, the site's name, the colours or the font."""
    cards = seo_module()
    sites = [("La Guilde", ("#0f5c63", "#ffffff", "#f2b134"), None),
             ("Une association au nom bien plus long\u202f!", ("#f5efe6", "#1b3a4b", "#e07a5f"), font_lato.LatoThin)]
    for index, title in enumerate(_card_titles()):
        name, colours, font = sites[index % 2]  # in turn: each site's blank card kept beside the other's
        expected = cards.draw_card(title, name, colours, font)
        written = _decoded_strictly(cards.card_png(title, name, colours, font))
        assert written.mode == "P" and written.size == expected.size == (1200, 630), title
        assert written.tobytes() == expected.tobytes() and written.getpalette() == expected.getpalette(), title


def test_a_card_file_joins_the_blanks_bands_and_its_own_wherever_they_differ():
    """Differences in the first band, the last (shorter) one, several apart, every band, or
    none: each file decodes to its image."""
    bands = seo_module("card_png")
    noise = random.Random(7)
    width, height = 37, 3 * bands.BAND_ROWS + 5
    blank = Image.frombytes("L", (width, height), bytes(noise.randrange(256) for _ in range(width * height)))
    kept = bands.Blank.of(blank)
    palette = [noise.randrange(256) for _ in range(768)]
    for changed_rows in ([], [0], [height - 1], [3, 2 * bands.BAND_ROWS + 1], list(range(height)), [bands.BAND_ROWS, height - 2]):
        card = blank.copy()
        for row in changed_rows:
            card.paste(noise.randrange(256), (0, row, width, row + 1))
        written = _decoded_strictly(bands.png_bytes(card, kept, palette))
        assert written.tobytes() == card.tobytes() and written.getpalette() == palette, changed_rows


def test_adler32_of_two_strings_joined_is_combined_from_each():
    bands = seo_module("card_png")
    draw = random.Random(3)
    for _ in range(300):
        first, second = (draw.randbytes(draw.choice([0, 1, draw.randrange(200), 65521, 70000 + draw.randrange(90000)])) for _ in range(2))
        assert bands.adler32_combine(zlib.adler32(first), zlib.adler32(second), len(second)) == zlib.adler32(first + second)

def _card_titles() -> list[str]:
    """Titles to draw: the sample site's, some with kerning pairs, ligatures, French spaces,
    Greek and Cyrillic, and 150 made of letters drawn at random (pens landing on every
    fraction of a pixel, half a pixel included)."""
    sample = [line.split(":", 1)[1].strip() for path in sorted((ROOT / "content").rglob("*.md"))
              for line in path.read_text(encoding="utf-8").splitlines()[:12] if line.startswith("Title:")]
    chosen = ["Fière affiche\u202f: «\u202fTout va bien\u202f» — finale d’AVignon, fl ffi ŒUVRE 2026\u202f!",
              "To Te Ta Wa Yo L’été à Genève, 1er prix", "Ελληνικά и кириллица"]
    alphabet = "abcdefghijklmnopqrstuvwxyzéèêàçôœ’«»:;!?—ÉÀÇAVTWYLfi \u202f"
    draw = random.Random(19)
    made = ["".join(draw.choice(alphabet) for _ in range(draw.randint(8, 90))).strip() or "x" for _ in range(150)]
    return [*sample, *chosen, *made]


def test_a_card_put_together_from_letters_drawn_once_is_the_card_pillow_draws(monkeypatch):
    """Cards are assembled from letters rasterised once per process (fast first builds): the
    same pixels as Pillow's layout of the whole line, with its kerning and ligatures."""
    cards = seo_module()
    colours = ("#0f5c63", "#ffffff", "#f2b134")
    titles = _card_titles()
    assembled = [cards.draw_card(title, "La Guilde", colours, None).tobytes() for title in titles]
    monkeypatch.setattr(cards, "_kerned_only", lambda line: False)  # every line laid out by Pillow
    different = [title for title, card in zip(titles, assembled) if cards.draw_card(title, "La Guilde", colours, None).tobytes() != card]
    assert len(titles) > 160 and different == []


def test_a_title_in_a_script_that_needs_shaping_is_laid_out_by_pillow():
    """Arabic joins its letters and runs right to left, a combining accent sits on its letter:
    such lines are not put together letter by letter."""
    cards = seo_module()
    for line in ("مرحبا بالجميع", "Cafe\u0301 de\u0301but", "Soirée jeux 🎲", "f\u200di", "abc\u202eRTL"):
        assert not cards._kerned_only(line)
    assert cards._kerned_only("Soirée «\u202fjeux\u202f» — 2026\u00a0€")


def test_tag_pages_can_be_noindexed_by_setting(site_copy, tmp_path):
    site = build_site(site_copy, "publishconf.py", tmp_path / "out", SEO_NOINDEX_TAGS=True)
    assert meta(site.html("etiquettes/pollen/"), "robots").startswith("noindex")
    assert "etiquettes/pollen" not in (site.output / "sitemap.xml").read_text()


HOSTILE = 'Quotes "x" & <script>alert(1)</script></script> «\u202fok\u202f» 🎲'


def test_hostile_text_is_escaped_in_head_and_json_ld(site_copy, tmp_path):
    (site_copy / "content/posts/hostile.md").write_text(
        f"Title: {HOSTILE}\nDate: 2026-11-01 10:00\nCategory: Coulisses\nSlug: hostile\nSummary: {HOSTILE}\n"
        f"Image: images/pollen.png\nImage-Alt: {HOSTILE}\n\nTexte.\n",
        encoding="utf-8",
    )
    site = build_site(site_copy, "publishconf.py", tmp_path / "out")
    html = (site.output / "billets/hostile/index.html").read_text(encoding="utf-8")
    assert html.count("</script>") == 1  # only the JSON-LD element's own end tag
    soup = site.html("billets/hostile/")
    expected = HOSTILE.replace("«\u202fok\u202f»", "«\u202fok\u202f»")
    assert meta(soup, "og:title") == expected and meta(soup, "og:image:alt") == expected
    assert meta(soup, "description") == expected
    posting = node(graph(soup), "BlogPosting")
    assert posting["headline"] == expected and posting["description"] == expected


def _warnings(site, files: dict[str, str]) -> list[str]:
    for relative, text in files.items():
        (site / "content" / relative).write_text(text, encoding="utf-8")
    _, problems = check(load_site(site / "pelicanconf.py"))
    return [str(p) for p in problems if p.severity == WARNING]


def test_seo_lint_warnings(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)
    long_title = "Un titre beaucoup trop long pour les moteurs de recherche, vraiment beaucoup"
    warnings = _warnings(
        site_copy,
        {"posts/a.md": (f"Title: {long_title}\nDate: 2026-11-01\nCategory: Coulisses\nSummary: {'x' * 170}\n"
                  "Image: images/pollen.png\n\nTexte avec ![](images/x.png) et [un lien]({filename}/posts/absent.md).\n"
                  '<img src="images/y.png">\n'),
         "posts/b.md": "Title: Cinq conseils pour animer une soirée jeux\nDate: 2026-11-01\nCategory: Coulisses\n\nTexte sans image.\n"},
    )
    assert warnings == [
        french(f"content/posts/a.md:1: Title: {len(long_title)} caractères ; les moteurs de recherche en montrent environ 60 : "
               "raccourcissez-le à 60 caractères au plus"),
        french("content/posts/a.md:4: Summary: 170 caractères ; la description est coupée à 160 : raccourcissez-la à 160 caractères au plus"),
        french("content/posts/a.md:5: Image: pas d'Image-Alt: décrivez l'image pour les personnes qui ne la voient pas"),
        "content/posts/a.md:7: l’image images/x.png n’a pas de texte alternatif\u202f: ![décrivez-la](images/x.png)",
        french('content/posts/a.md:8: <img> sans texte alternatif : ajoutez-en un, alt="décrivez-la" ; ou écrivez ![décrivez-la](images/y.png)'),
        french("content/posts/b.md:1: Title: le même titre que content/posts/2026-02-09-cinq-conseils-soiree-jeux.md : donnez-lui un "
               "Title: qui lui soit propre"),
    ]


def test_strict_check_turns_seo_warnings_into_errors(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)
    (site_copy / "content/posts/b.md").write_text("Title: Sans texte alternatif\nDate: 2026-11-01\nCategory: Coulisses\n"
                                                  "Image: images/pollen.png\n\nTexte.\n", encoding="utf-8")
    assert check(load_site(site_copy / "pelicanconf.py"))[0] == []
    blocking, _ = check(load_site(site_copy / "pelicanconf.py"), strict=True)
    assert [str(p) for p in blocking] == [french("content/posts/b.md:4: Image: pas d'Image-Alt: décrivez l'image pour les personnes qui ne "
                                                 "la voient pas")]


def test_hidden_content_is_noindex_and_out_of_the_sitemap(site_copy, tmp_path):
    (site_copy / "content/pages/cachee.md").write_text(
        "Title: Page cachée\nSlug: cachee\nStatus: hidden\nSummary: Une page hors des menus.\n\nTexte.\n", encoding="utf-8"
    )
    site = build_site(site_copy, "publishconf.py", tmp_path / "out")
    assert meta(site.html("cachee/"), "robots") == "noindex, follow"
    assert f"{SITE}/cachee/" not in (site.output / "sitemap.xml").read_text()
