"""Content stays inside content/ and output inside output/, whatever a careless or hostile
file names: symbolic links, ``..``, ``./`` and ``//`` spellings, {static} links, Save_as."""

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from tribune import commands
from tribune.build import BuildError, build, check, load_site

from .conftest import french
from .test_lint import _problems_after_failed_build, _tree_digest, _write

POST = """Title: Un billet
Date: 2026-10-01 20:00
Category: Communauté
Image: images/pollen.png
Image-Alt: Une abeille

{body}
"""
MEMBER = """Name: Zoé Martin
Member-Since: 2026-06-01
Avatar: {avatar}
Consent: 2026-06-01

Un portrait.
"""


@pytest.fixture
def site(built_copy, monkeypatch):
    """The sample site built once (output/ to keep as it is), as the current folder."""
    monkeypatch.chdir(built_copy)
    return built_copy


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the site, with a secret and a photo a link could reach."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text("le mot de passe")
    (folder / "notes.md").write_text("Title: Notes\nDate: 2026-10-01\nCategory: Coulisses\n\nPrivées.\n")
    return folder


def everything_but(root: Path, *skipped: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not any(s == p or s in p.parents for s in skipped)}


@pytest.mark.parametrize("link, target", [
    ("images/passwd", "/etc/passwd"),
    ("images/dehors", "outside"),
    ("posts/notes.md", "outside/notes.md"),
    ("images/boucle", "content/images/boucle"),
    ("images/ici", "content/images"),
    ("images/dessus", "content"),
    ("images/absent.png", "content/images/absent-aussi.png"),
])
def test_a_symbolic_link_leading_out_of_content_is_an_error(site, outside, link, target):
    path = site / "content" / link
    path.symlink_to(target if target.startswith("/") else site.parent / target)
    problems = _problems_after_failed_build(site)
    assert [p for p in problems if p.startswith(f"content/{link}:1: un lien symbolique vers ")] == problems != [], problems
    assert not list((site / "output").rglob("passwd")) and not list((site / "output").rglob("secret.txt"))


def test_a_symbolic_link_inside_content_is_fine(site):
    (site / "content/images/abeille.png").symlink_to(site / "content/images/pollen.png")
    result = build(load_site(site / "pelicanconf.py"))
    assert (result.output / "images/abeille.png").read_bytes() == (site / "content/images/pollen.png").read_bytes()


def test_a_static_link_out_of_content_is_an_error_and_nothing_is_copied_out(site, outside):
    tree = everything_but(site.parent, site)
    body = "Voir [le secret]({static}/../../outside/secret.txt) et ![image]({static}../../../outside/secret.txt)."
    relative = _write(site, "posts/fuite.md", POST.format(body=body))
    assert _problems_after_failed_build(site) == [
        french(f"{relative}:7: {{static}}../../../outside/secret.txt sort du dossier content/ : faites un lien vers un fichier de content/ "
               "(par exemple {static}/images/photo.jpg)"),
        french(f"{relative}:7: {{static}}/../../outside/secret.txt sort du dossier content/ : faites un lien vers un fichier de content/ "
               "(par exemple {static}/images/photo.jpg)"),
    ]
    assert everything_but(site.parent, site) == tree  # nothing written beside the site


def test_the_build_itself_copies_nothing_from_outside_content(site, outside, tmp_path):
    """Even with OUTPUT_PATH elsewhere, before the lint's verdict arrives: the build's guard."""
    _write(site, "posts/fuite.md", POST.format(body="[le secret]({static}/../../outside/secret.txt)"))
    output = tmp_path / "deep/er/output"
    with pytest.raises(BuildError):
        build(load_site(site / "pelicanconf.py", OUTPUT_PATH=str(output)))
    assert sorted(p.name for p in tmp_path.rglob("secret.txt")) == ["secret.txt"]  # the original only
    assert not (tmp_path / "deep").exists() or not any(p.is_file() for p in (tmp_path / "deep").rglob("*"))


@pytest.mark.parametrize("avatar", ["images/../../outside/photo.jpg", "/../outside/photo.jpg", "{static}/images/../../../outside/photo.jpg"])
def test_an_avatar_out_of_content_is_an_error_at_its_line(site, outside, avatar):
    Image.new("RGB", (64, 64)).save(outside / "photo.jpg")
    relative = _write(site, "members/zoe.md", MEMBER.format(avatar=avatar))
    assert _problems_after_failed_build(site) == [french(f"{relative}:3: Avatar: « {avatar} » sort du dossier content/ : indiquez un fichier "
                                                         "de content/images/")]


def _photo_with_gps() -> bytes:
    photo = Image.new("RGB", (640, 480), (200, 120, 90))
    exif = Image.Exif()
    exif[0xA431] = "SERIAL-123456"  # BodySerialNumber
    exif.get_ifd(0x8825).update({1: "N", 2: (45.0, 45.0, 0.0), 3: "E", 4: (4.0, 50.0, 0.0)})
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.mark.parametrize("avatar", ["images/./zoe.jpg", "images//zoe.jpg", "/images/zoe.jpg", "{static}images/zoe.jpg",
                                    "images/../images/zoe.jpg", "images/alias.jpg"])
def test_no_spelling_of_an_avatar_publishes_the_original_photo(site, avatar):
    original = _photo_with_gps()
    (site / "content/images/zoe.jpg").write_bytes(original)
    (site / "content/images/alias.jpg").symlink_to("zoe.jpg")
    _write(site, "members/zoe.md", MEMBER.format(avatar=avatar))
    output = build(load_site(site / "pelicanconf.py")).output
    assert sorted(p.name for p in (output / "membres/zoe-martin").glob("avatar-*.jpg")) == ["avatar-192.jpg", "avatar-384.jpg", "avatar-96.jpg"]
    for path in output.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert data != original and b"SERIAL-123456" not in data, path


@pytest.mark.parametrize("field, value, message", [
    ("Save_as", "../../evade.html", french("« ../../evade.html » écrirait hors de output/")),
    ("Save_as", "/etc/cron.d/x", french("« /etc/cron.d/x » écrirait hors de output/")),
    ("Url", "../../ailleurs/", french("« ../../ailleurs/ » écrirait hors de output/")),
    ("Save_as", "index.html", french("« index.html » est déjà pris par le réglage INDEX_SAVE_AS du site (index.html) : cette page le remplacerait")),
    ("Save_as", "./archives/index.html", french("« ./archives/index.html » est déjà pris par le réglage ARCHIVES_SAVE_AS du site (archives/index.html)")),
    ("Save_as", "images/pollen.png", french("« images/pollen.png » n'est pas un fichier HTML")),
    ("Save_as", "billets", french("« billets » n'est pas un fichier HTML")),
    ("Save_as", "sitemap.xml", french("« sitemap.xml » n'est pas un fichier HTML")),
    ("Save_as", "theme/css/index.html", french("« theme/css/index.html » est dans theme/, où le réglage THEME_STATIC_DIR du site (theme) écrit")),
    ("Save_as", "newsletter/2026-11/email.html", french("« newsletter/2026-11/email.html » est dans newsletter/, où le réglage NEWSLETTER_EMAIL_DIR")),
    ("Save_as", "pagefind/x.html", french("« pagefind/x.html » est dans pagefind/, où l'index de recherche écrit")),
    ("Save_as", "404.html", french("« 404.html » est déjà pris par la page 404")),
])
def test_a_save_as_out_of_output_or_over_another_file_is_an_error(site, field, value, message):
    relative = _write(site, "pages/piege.md", f"Title: Piège\n{field}: {value}\n\nTexte.\n")
    problems = _problems_after_failed_build(site)
    assert len(problems) == 1 and problems[0].startswith(f"{relative}:2: {field}: {message}"), problems


def test_a_save_as_over_a_posts_page_stops_the_build_naming_both_files(site):
    _write(site, "pages/piege.md", "Title: Piège\nSave_as: billets/ete-a-montreal-l-equipe/index.html\n\nTexte.\n")
    before = _tree_digest(site / "output")
    with pytest.raises(BuildError) as failure:
        build(load_site(site / "pelicanconf.py"))
    message = str(failure.value)
    assert "content/pages/piege.md" in message and "content/posts/2026-07-20-ete-a-montreal.md" in message, message
    assert "seraient tous deux écrits dans billets/ete-a-montreal-l-equipe/index.html" in message
    assert _tree_digest(site / "output") == before
    assert os.path.exists(site / "output/billets/ete-a-montreal-l-equipe/index.html")


def test_a_members_avatar_used_as_another_image_is_an_error(site):
    relative = _write(site, "posts/lea.md", POST.replace("images/pollen.png", "images/avatar-lea-fontaine.jpg")
                      .format(body="![Léa]({static}/images/avatar-lea-fontaine.jpg)"))
    message = french("images/avatar-lea-fontaine.jpg est le champ Avatar de content/members/lea-fontaine.md, que la construction "
                     "réencode et ne publie jamais tel quel : utilisez une autre image (une copie faite pour cette page)")
    assert _problems_after_failed_build(site) == [f"{relative}:4: Image: {message}", f"{relative}:7: /{message}"]


def test_an_image_that_tells_where_it_was_taken_is_a_warning(site):
    (site / "content/images/plage.jpg").write_bytes(_photo_with_gps())
    (site / "content/images/avatar-lea-fontaine.jpg").write_bytes(_photo_with_gps())  # re-encoded: its metadata never leaves
    problems = [str(p) for p in check(load_site(site / "pelicanconf.py"))[1]]
    assert problems == [french("content/images/plage.jpg:1: l'image porte la position GPS de la prise de vue (dans ses métadonnées "
                               "EXIF), qui serait publiée avec elle : exportez-la de nouveau sans ses métadonnées (la plupart des "
                               "éditeurs d'images le proposent)")]


@pytest.mark.parametrize("setting, value, overlaps", [
    ("OUTPUT_PATH", "content", "content/ (PATH)"),
    ("OUTPUT_PATH", ".", "le dossier du site"),
    ("OUTPUT_PATH", "theme", "le thème (THEME)"),
    ("OUTPUT_PATH", "plugins/seo", french("les extensions (PLUGIN_PATHS : plugins)")),
    ("OUTPUT_PATH", "..", "le dossier du site"),
    ("CACHE_PATH", "content/images", "content/ (PATH)"),
])
def test_a_build_never_replaces_the_sites_own_folders(site_copy, monkeypatch, capsys, setting, value, overlaps):
    monkeypatch.chdir(site_copy)
    before = _tree_digest(site_copy)
    with (site_copy / "pelicanconf.py").open("a", encoding="utf-8") as conf:
        conf.write(f'\n{setting} = "{value}"\n')
    for run in (commands.run_build, commands.run_clean):
        assert run("pelicanconf.py") == 1
        err = capsys.readouterr().err
        assert f"{setting} = " in err and f"chevauche {overlaps}" in err and "Traceback" not in err, err
    (site_copy / "pelicanconf.py").write_text((site_copy / "pelicanconf.py").read_text().rsplit("\n" + setting, 1)[0])
    assert _tree_digest(site_copy) == before


def test_a_build_never_replaces_a_folder_of_someone_elses_files(site_copy, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(site_copy)
    theirs = tmp_path / "important"
    theirs.mkdir()
    (theirs / "these.txt").write_text("ma thèse")
    with (site_copy / "pelicanconf.py").open("a", encoding="utf-8") as conf:
        conf.write(f'\nOUTPUT_PATH = "{theirs}"\n')
    assert commands.run_build("pelicanconf.py") == 1
    assert french(f"OUTPUT_PATH = {theirs} contient des fichiers qu'aucune construction n'y a mis (these.txt)") in capsys.readouterr().err
    assert commands.run_clean("pelicanconf.py") == 1
    assert (theirs / "these.txt").read_text() == "ma thèse" and sorted(p.name for p in theirs.iterdir()) == ["these.txt"]
    (theirs / "these.txt").unlink()  # an empty folder is fine, and then it is the build's
    assert commands.run_build("pelicanconf.py") == 0
    assert commands.run_build("pelicanconf.py") == 0
