"""Input too large or too deep for a build: refused at its line, fast, before anything is
built, in every place Tribune reads it (the lint, the build's readers, the e-mail)."""

import struct
import zlib

import pytest

from tribune import commands
from tribune.build import BuildError, build, load_site

from .conftest import french
from .test_lint import _problems_after_failed_build, _write

POST = "Title: Profond\nDate: 2026-10-01\nCategory: Coulisses\nImage: images/pollen.png\nImage-Alt: Une abeille\n\nUn texte.\n\n{body}\n"


def png_header(width: int, height: int) -> bytes:
    """A 70-byte PNG that says it is ``width``×``height``: decoding it would take gigabytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b""))


@pytest.fixture
def site(built_copy, monkeypatch):
    """The sample site built (output/ to keep as it is), as the current folder."""
    monkeypatch.chdir(built_copy)
    return built_copy


@pytest.mark.parametrize("body, line, depth", [
    ("- " * 10_000 + "fond", 9, 10_000),  # a list in a list in a list…, on one line
    ("".join("    " * level + "- niveau\n" for level in range(300)), 49, 41),  # by indentation
    ("> " * 5_000 + "citation", 9, 5_000),
    ("[" * 10_000 + "lien" + "](x)" * 10_000, 9, 10_000),  # a minute of Python-Markdown
    ("> - > - " * 30 + "mélange", 9, 120),
    ("\n".join(["[" * 39] * 300) + "x" + "]" * 11_700, 10, 78),  # brackets spread over a paragraph's lines
    ("".join('<div markdown="1">\n' for _ in range(2000)) + "x", 49, 41),
])
def test_content_nested_too_deep_is_refused_at_its_line(site, body, line, depth):
    relative = _write(site, "posts/profond.md", POST.format(body=body))
    assert _problems_after_failed_build(site) == [
        french(f"{relative}:{line}: listes, citations ou crochets imbriqués sur {depth} niveaux, au-delà des 40 permis par page "
               "(MARKDOWN_MAX_NESTING) : mettez-les à plat")
    ]


def test_ordinary_nesting_and_code_are_fine(site):
    code = "```\n" + "[" * 100 + "\n" + " " * 200 + "x\n```\n"
    lists = "".join("    " * level + "- niveau\n" for level in range(6))
    paragraphs = "\n\n".join(["[" * 30 + "x" + "](y)" * 30] * 3)  # deep enough, each in its own paragraph
    html = "<p>un<p>deux<br>" * 50 + "<div><div>" + "</div>" * 2
    _write(site, "posts/profond.md", POST.format(body=code + "\n" + lists + "\n> > citation [[lien](x)](y)\n\n" + paragraphs + "\n\n" + html))
    build(load_site(site / "pelicanconf.py"))


def test_the_limits_are_settings(site):
    _write(site, "posts/profond.md", POST.format(body="".join("    " * level + "- niveau\n" for level in range(6))))
    with open(site / "pelicanconf.py", "a") as settings:
        settings.write("\nMARKDOWN_MAX_NESTING = 4\nMARKDOWN_MAX_BYTES = 100_000\n")
    _write(site, "pages/grande.md", "Title: Grande\n\n" + "Un texte assez long. " * 6000)
    assert _problems_after_failed_build(site) == [
        french("content/pages/grande.md:1: le fichier fait 126 Ko, au-delà des 100 Ko permis pour un fichier de contenu "
               "(MARKDOWN_MAX_BYTES) : découpez-le, et mettez les gros fichiers dans content/images/"),
        french("content/posts/profond.md:13: listes, citations ou crochets imbriqués sur 5 niveaux, au-delà des 4 permis par page "
               "(MARKDOWN_MAX_NESTING) : mettez-les à plat"),
    ]


def test_a_huge_file_is_refused_without_being_read(site):
    relative = _write(site, "posts/enorme.md", POST.format(body="Un texte très long. " * 300_000))
    assert _problems_after_failed_build(site) == [
        french(f"{relative}:1: le fichier fait 6,3 Mo, au-delà des 5 Mo permis pour un fichier de contenu (MARKDOWN_MAX_BYTES) : "
               "découpez-le, et mettez les gros fichiers dans content/images/")
    ]


def test_an_image_bomb_is_refused_at_each_line_that_names_it(site):
    (site / "content/images/guilde.png").write_bytes(png_header(30_000, 30_000))
    (site / "content/images/soiree.png").write_bytes(png_header(12_000, 12_000))
    problems = _problems_after_failed_build(site)
    bomb = french("images/guilde.png dépasse de loin les 40 mégapixels que Tribune ouvre (IMAGE_MAX_PIXELS) : réduisez-la")
    big = french("images/soiree.png mesure 12000×12000 pixels (144 mégapixels), au-delà des 40 mégapixels que Tribune ouvre "
                 "(IMAGE_MAX_PIXELS) : réduisez-la, par exemple à 2400 pixels de large")
    assert f"content/posts/2026-11-09-la-guilde-a-presque-un-an.md:7: Image: {bomb}" in problems
    assert f"content/posts/2026-01-12-welcome-to-the-guild.md:10: Image: {bomb}" in problems
    assert f"content/posts/2026-09-07-jeux-courts-pause-midi.md:7: Image: {big}" in problems
    assert f"content/posts/2026-02-09-cinq-conseils-soiree-jeux.md:7: Image: {big}" in problems


def test_an_avatar_bomb_and_a_file_that_is_no_image_are_refused(site):
    (site / "content/images/avatar-lea-fontaine.jpg").write_bytes(png_header(12_000, 12_000))
    (site / "content/images/avatar-hugo-marchand.jpg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    problems = [p for p in _problems_after_failed_build(site) if "Avatar" in p]
    assert problems == [
        french("content/members/hugo-marchand.md:5: Avatar: images/avatar-hugo-marchand.jpg n'est pas une image que Tribune sait lire "
               "(utilisez un fichier PNG, JPEG, WebP ou GIF)"),
        french("content/members/lea-fontaine.md:5: Avatar: images/avatar-lea-fontaine.jpg mesure 12000×12000 pixels (144 mégapixels), "
               "au-delà des 40 mégapixels que Tribune ouvre (IMAGE_MAX_PIXELS) : réduisez-la, par exemple à 2400 pixels de large"),
    ]


def test_an_image_bomb_in_an_edition_is_one_line_and_nothing_written(site, capsys):
    (site / "content/images/guilde.png").write_bytes(png_header(30_000, 30_000))
    assert commands.run_newsletter("pelicanconf.py", edition="2026-11") == 1
    out, err = capsys.readouterr()
    assert err == french("Rien n'a été écrit : content/newsletters/2026-11.md:16: images/guilde.png dépasse de loin les 40 "
                         "mégapixels que Tribune ouvre (IMAGE_MAX_PIXELS) : réduisez-la\n")  # the line of the editor's word that shows it


def test_a_truncated_avatar_stops_the_build_naming_the_member_file(site):
    photo = site / "content/images/avatar-lea-fontaine.jpg"
    photo.write_bytes(photo.read_bytes()[: photo.stat().st_size // 3])
    with pytest.raises(BuildError) as failure:
        build(load_site(site / "pelicanconf.py"))
    assert str(failure.value).startswith(french("Pelican a signalé des erreurs : content/members/lea-fontaine.md: Avatar: "
                                                "« images/avatar-lea-fontaine.jpg » ne peut pas être lu comme une image (image file is truncated"))


def test_a_logo_bomb_in_an_edition_names_the_setting(site, capsys):
    (site / "content/images/logo.png").write_bytes(png_header(30_000, 30_000))
    assert commands.run_newsletter("pelicanconf.py", edition="2026-11") == 1
    assert capsys.readouterr().err.startswith(french("Rien n'a été écrit : content/newsletters/2026-11.md:1: SEO_LOGO: images/logo.png dépasse de loin"))


def test_a_logo_bomb_stops_the_build_with_one_line(site):
    """The logo is named by a setting, not a content file: the build itself refuses it."""
    (site / "content/images/logo.png").write_bytes(png_header(30_000, 30_000))
    (site / "content/newsletters/2026-10.md").unlink()  # the e-mails show the logo too: the lint would say it first
    (site / "content/newsletters/2026-11.md").unlink()
    with pytest.raises(BuildError) as failure:
        build(load_site(site / "pelicanconf.py"))
    assert str(failure.value) == french("Pelican a signalé des erreurs : Image: images/logo.png dépasse de loin les 40 mégapixels "
                                        "que Tribune ouvre (IMAGE_MAX_PIXELS) : réduisez-la")
