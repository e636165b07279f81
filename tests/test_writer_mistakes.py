"""The mistakes writers really make, each said at its line in French, by check and by every
build (issue 17, §2 and §4): links and images that lead nowhere, categories and tags written
two ways, indented fields, files a content folder does not read, posts dated later, and
what the events, editions and members' plugins see."""

from pathlib import Path

import pytest

from tribune import commands
from tribune.build import check, load_site
from tribune.lint import ERROR, NOTICE, WARNING

from .conftest import french

REFUSED = french(" — invoke publish refuse ceci (--strict)")


@pytest.fixture(autouse=True)
def _in_site_folder(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)  # problems name files relative to the site, as a writer runs the tasks


def _write(site: Path, relative: str, text: str) -> str:
    path = site / "content" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return f"content/{relative}"


def _problems(site: Path, **severity) -> list[str]:
    _blocking, problems = check(load_site(site / "pelicanconf.py"))
    wanted = severity.get("only")
    return [str(p) for p in problems if wanted is None or p.severity == wanted]


def _post(title: str, *, date: str = "2026-11-02 10:00", category: str = "Coulisses", tags: str = "pollen", body: str = "Un texte.",
          extra: str = "") -> str:
    return (f"Title: {title}\nDate: {date}\nCategory: {category}\nTags: {tags}\nImage: images/pollen.png\nImage-Alt: Une boîte de jeu\n"
            f"{extra}\n{body}\n")


def test_links_and_images_that_lead_nowhere_are_errors_with_the_closest_file(site_copy):
    body = ("Lisez [la charte]({filename}/pages/chartre.md), voyez ![la boîte]({static}/images/polen.png),\n"
            "![la boîte](images/pollen.png) et <img src=\"/images/tournoi.jpg\" alt=\"Le tournoi\">.\n"
            "[La vraie charte]({filename}/pages/charte.md) et ![Pollen]({static}/images/pollen.png) mènent quelque part.\n")
    name = _write(site_copy, "posts/liens.md", _post("Des liens cassés", body=body))
    assert [p for p in _problems(site_copy, only=ERROR) if p.startswith(name)] == [
        french(f"{name}:8: {{filename}}/pages/chartre.md : aucun fichier de ce nom dans content/ ; "
               "vouliez-vous dire {filename}/pages/charte.md ?"),
        french(f"{name}:8: {{static}}/images/polen.png : aucun fichier de ce nom dans content/ ; "
               "vouliez-vous dire {static}/images/pollen.png ?"),
        french(f"{name}:9: /images/tournoi.jpg : aucun fichier de ce nom dans content/ ; vouliez-vous dire {{static}}/images/tournoi.png ?"),
        french(f"{name}:9: images/pollen.png : la page ne trouvera pas cette image (Pelican ne réécrit que les chemins {{static}}) ; "
               "vouliez-vous dire {static}/images/pollen.png ?"),
    ]


def test_an_image_from_another_site_is_a_warning_with_where_to_save_it(site_copy):
    """The site loads nothing from other hosts: an image linked from one would be fetched from
    there by every reader's browser. A data: image and a link (not an image) to a site are fine."""
    body = ("![Le tournoi](https://photos.example/albums/tournoi.jpg?size=large)\n"
            "<img src=\"//cdn.example/logo.png\" alt=\"Logo\"> et [un lien](https://photos.example/albums/)\n"
            "![Point](data:image/png;base64,iVBORw0KGgo=)\n")
    name = _write(site_copy, "posts/images-ailleurs.md", _post("Des images d'ailleurs", body=body))
    assert [p for p in _problems(site_copy, only=WARNING) if p.startswith(name) and "autre site" in p] == [
        french(f"{name}:8: https://photos.example/albums/tournoi.jpg?size=large : une image d'un autre site (photos.example) : "
               "le navigateur de chaque lecteur la demanderait à photos.example, et elle peut y disparaître ; enregistrez-la "
               "dans content/images/ et écrivez {static}/images/tournoi.jpg"),
        french(f"{name}:9: //cdn.example/logo.png : une image d'un autre site (cdn.example) : le navigateur de chaque lecteur "
               "la demanderait à cdn.example, et elle peut y disparaître ; enregistrez-la dans content/images/ et écrivez "
               "{static}/images/logo.png"),
    ]


def test_a_draft_is_checked_for_links_once_it_is_no_longer_a_draft(site_copy):
    _write(site_copy, "posts/brouillon.md", _post("Un brouillon", body="[x]({filename}/pages/absente.md)", extra="Status: draft\n"))
    assert not [p for p in _problems(site_copy) if "brouillon.md" in p]


def test_categories_and_tags_written_nearly_as_another_are_warned(site_copy):
    typo = _write(site_copy, "posts/typo.md", _post("Une faute de frappe", category="Comunauté", tags="ilustration, pollen"))
    case = _write(site_copy, "posts/casse.md", _post("Une minuscule", category="communauté", tags="Pollen"))
    assert [p for p in _problems(site_copy, only=WARNING) if p.startswith((typo, case))] == [
        french(f"{case}:3: Category: vouliez-vous dire « Communauté » ? (« communauté » ferait une catégorie à part)"),
        french(f"{case}:4: Tags: vouliez-vous dire « pollen » ? (« Pollen » ferait une étiquette à part)"),
        french(f"{typo}:3: Category: vouliez-vous dire « Communauté » ? (« Comunauté » ferait une catégorie à part)"),
        french(f"{typo}:4: Tags: vouliez-vous dire « illustration » ? (« ilustration » ferait une étiquette à part)"),
    ]


def test_the_categories_setting_refuses_any_other_category(site_copy):
    with (site_copy / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write('\nCATEGORIES = ["Communauté", "Conseils de jeu", "Coulisses"]\n')
    near = _write(site_copy, "posts/proche.md", _post("Une catégorie proche", category="Conseil de jeux"))
    far = _write(site_copy, "posts/loin.md", _post("Une catégorie inconnue", category="Recettes"))
    assert [p for p in _problems(site_copy, only=ERROR) if p.startswith((near, far))] == [
        french(f"{far}:3: Category: « Recettes » n'est pas une catégorie du site (Communauté, Conseils de jeu, Coulisses) : "
               "choisissez-en une, ou ajoutez-la à CATEGORIES dans pelicanconf.py"),
        french(f"{near}:3: Category: « Conseil de jeux » n'est pas une catégorie du site ; vouliez-vous dire « Conseils de jeu » ?"),
    ]


@pytest.mark.parametrize("indent", ["\t", "    "])
def test_an_indented_field_is_an_error_at_its_line(site_copy, indent):
    name = _write(site_copy, "posts/retrait.md", _post("Un champ en retrait").replace("Tags:", f"{indent}Tags:"))
    assert [p for p in _problems(site_copy, only=ERROR) if p.startswith(name)] == [
        french(f"{name}:4: Tags: la ligne est en retrait (une tabulation ou des espaces avant Tags:), Pelican ne la lit donc pas comme "
               "un champ et Tags est perdu : commencez la ligne au bord"),
    ]


def test_files_a_content_folder_does_not_read_are_named(site_copy):
    _write(site_copy, "posts/notes.txt", "Des idées de billets.\n")
    _write(site_copy, "posts/vieux-billet.markdown", _post("Un vieux billet"))
    _write(site_copy, "images/legendes.txt", "Les légendes des images.\n")  # a static folder: published as it is
    assert [p for p in _problems(site_copy, only=WARNING) if "posts/" in p or "images/" in p] == [
        french("content/posts/notes.txt:1: notes.txt n'est pas lu : un dossier de contenu ne prend que des fichiers .md ; "
               "renommez-le notes.md, ou sortez-le de content/"),
        french("content/posts/vieux-billet.markdown:1: vieux-billet.markdown : Pelican publie ce fichier, mais Tribune ne vérifie que "
               "les fichiers .md : renommez-le vieux-billet.md"),
    ]


def test_a_missing_post_image_is_a_notice_publish_does_not_enforce(site_copy):
    name = _write(site_copy, "posts/sans-image.md", "Title: Sans image\nDate: 2026-11-02\nCategory: Coulisses\n\nUn texte.\n")
    blocking, problems = check(load_site(site_copy / "pelicanconf.py"), strict=True)
    assert blocking == []
    assert [(str(p), p.severity) for p in problems] == [
        (french(f"{name}:1: Image: le billet n'a pas d'image : les réseaux sociaux montreront la carte générée"), NOTICE)]


def _build(capsys) -> tuple[int, list[str], str]:
    code = commands.run_build("pelicanconf.py")
    out, err = capsys.readouterr()
    return code, err.splitlines(), out


def test_every_build_says_the_warnings_even_when_it_reuses_every_page(site_copy, capsys):
    name = _write(site_copy, "posts/2026-11-02-avertissements.md",
                  _post("Des avertissements", body="Voir [la charte]({filenme}/pages/charte.md).").replace("Image-Alt: Une boîte de jeu\n", ""))
    said = [
        french(f"{name}:5: Image: pas d'Image-Alt: décrivez l'image pour les personnes qui ne la voient pas [avertissement]") + REFUSED,
        french(f"{name}:7: {{filenme}}/pages/charte.md : {{filenme}} n'est pas un lien que Pelican connaît ({{filename}}, {{static}} "
               "ou {attach}) : le lien serait publié tel quel ; corrigez-le [avertissement]") + REFUSED,
        french("La construction signale : 2 avertissements."),
    ]
    first = _build(capsys)
    assert first[:2] == (0, said), first
    again = _build(capsys)
    assert again[:2] == (0, said), again
    assert "inchangés depuis la dernière construction" in again[2]  # the pages were reused, the warnings said all the same


def test_a_post_dated_later_waits_for_its_day(site_copy, capsys, monkeypatch):
    name = _write(site_copy, "posts/2027-01-05-programme.md", _post("Un billet programmé", date="2027-01-05"))
    scheduled = french(f"{name}:2: Date: programmé pour le 5 janvier 2027 : pas publié avant (le site doit être reconstruit "
                       "après ce moment) [remarque]")
    checked = commands.run_check("pelicanconf.py")
    assert (checked, capsys.readouterr().err.splitlines()) == (0, [scheduled])
    code, said, _out = _build(capsys)
    assert (code, said[0]) == (0, scheduled)
    page = site_copy / "output/billets/un-billet-programme/index.html"
    assert not page.exists() and "Un billet programmé" not in (site_copy / "output/feeds/all.atom.xml").read_text(encoding="utf-8")
    monkeypatch.setenv("TRIBUNE_NOW", "2027-01-05T06:00:00+01:00")  # its day, on Tribune's clock (and with the caches of the day before)
    code, said, _out = _build(capsys)
    assert code == 0 and not [line for line in said if "programmé" in line]
    assert page.exists() and "Un billet programmé" in (site_copy / "output/feeds/all.atom.xml").read_text(encoding="utf-8")


EDITION = "Title: La lettre de la Guilde\nSubject: Des nouvelles\nDate: {date}\nLang: fr\n\nBonjour à toutes et à tous,\n\nÀ bientôt !\n"


def test_an_edition_with_nothing_but_the_editors_word_is_warned(site_copy):
    name = _write(site_copy, "newsletters/2027-06.md", EDITION.format(date="2027-06-01 09:00"))
    assert [p for p in _problems(site_copy) if p.startswith(name)] == [
        french(f"{name}:1: Title: l'édition n'a que le mot de l'équipe : aucun billet, événement ni membre de son mois ; nommez-en dans "
               "Posts:, Events: ou Spotlight:, ou vérifiez leurs dates"),
    ]


def test_an_editions_file_name_agrees_with_its_date(site_copy):
    name = _write(site_copy, "newsletters/2026-09-rentree.md", EDITION.format(date="2026-10-01 09:00"))
    assert [p for p in _problems(site_copy, only=ERROR) if p.startswith(name)] == [
        french(f"{name}:3: Date: le fichier porte le mois de septembre 2026 mais la Date est en octobre 2026 : renommez le fichier "
               "2026-10-rentree.md, ou corrigez la Date"),
    ]


def test_two_members_in_the_spotlight_the_same_month_are_warned(site_copy):
    hugo = site_copy / "content/members/hugo-marchand.md"
    hugo.write_text(hugo.read_text(encoding="utf-8").replace("Spotlight: 2026-10", "Spotlight: 2026-11"), encoding="utf-8")
    assert [p for p in _problems(site_copy) if "members/" in p] == [
        french("content/members/lea-fontaine.md:8: Spotlight: content/members/hugo-marchand.md est à l'honneur le même mois (2026-11) : "
               "un seul membre est présenté par mois ; donnez à l'un des deux un autre mois"),
    ]


def test_publish_says_when_a_scheduled_post_goes_out_and_leaves_it_out(site_copy, tmp_path, capsys):
    name = _write(site_copy, "posts/2027-01-05-programme.md", _post("Un billet programmé", date="2027-01-05 09:30"))
    code = commands.run_publish("publishconf.py", target=str(tmp_path / "www"), dry_run=True)
    err = capsys.readouterr().err
    assert code == 0, err
    assert french(f"{name}:2: Date: programmé pour le 5 janvier 2027 à 9\u00a0h\u00a030 : pas publié avant (le site doit être "
                  "reconstruit après ce moment) [remarque]") in err.splitlines()
    assert not (site_copy / ".publish/site/billets/un-billet-programme").exists()
