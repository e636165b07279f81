"""Bad input: one clear line per problem (file, line, field), in the site's language, and output/
left untouched. The sample site is French; an English copy speaks English."""

import hashlib
from pathlib import Path

import pytest

from tribune import commands, lint
from tribune.build import BuildError, build, check, load_site

from .conftest import french

GOOD_POST = """Title: Une soirée réussie
Date: 2026-10-01 20:00
Category: Communauté
Tags: soirée jeux
Author: Yanis Belkacem

Un texte.
"""


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _problems_after_failed_build(site: Path) -> list[str]:
    output = site / "output"
    before = _tree_digest(output)
    with pytest.raises(BuildError) as failure:
        build(load_site(site / "pelicanconf.py"))
    assert _tree_digest(output) == before, "output/ changed although the build failed"
    assert not [p for p in site.iterdir() if p.name.startswith(".output.")], "a temporary folder was left behind"
    return [str(problem) for problem in failure.value.problems]


def _write(site: Path, relative: str, text: str | bytes) -> str:
    path = site / "content" / relative
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return f"content/{relative}"


@pytest.fixture(autouse=True)
def _in_site_folder(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)  # problems name files relative to the site, as a writer runs the tasks


def test_the_sample_content_passes_the_lint_with_no_warning(site_copy):
    assert check(load_site(site_copy / "pelicanconf.py"), strict=True) == ([], [])


def test_bad_date(built_copy):
    name = _write(built_copy, "posts/bad-date.md", GOOD_POST.replace("2026-10-01 20:00", "2026-13-01"))
    assert _problems_after_failed_build(built_copy) == [
        french(f"{name}:2: Date: « 2026-13-01 » n'est pas une date (attendu : AAAA-MM-JJ ou AAAA-MM-JJ HH:MM)")
    ]


def test_an_english_site_says_it_in_english(english_copy, monkeypatch):
    monkeypatch.chdir(english_copy)
    build(load_site(english_copy / "pelicanconf.py"))
    name = _write(english_copy, "posts/bad-date.md", GOOD_POST.replace("2026-10-01 20:00", "2026-13-01").replace("Title:", "Tittle:"))
    assert _problems_after_failed_build(english_copy) == [
        f"{name}:1: Title: missing (a post needs a Title: line)",
        f'{name}:1: Tittle: unknown field, did you mean Title?',
        f'{name}:2: Date: "2026-13-01" is not a date (expected YYYY-MM-DD or YYYY-MM-DD HH:MM)',
    ]


def test_missing_title(built_copy):
    name = _write(built_copy, "posts/no-title.md", GOOD_POST.replace("Title: Une soirée réussie\n", ""))
    assert _problems_after_failed_build(built_copy) == [f"{name}:1: Title: manquant (un billet doit avoir une ligne Title:)"]


def test_unknown_key_is_reported_as_a_typo_with_a_suggestion(built_copy):
    name = _write(built_copy, "posts/typo.md", GOOD_POST.replace("Title:", "Tittle:").replace("Tags:", "Tagz:"))
    assert _problems_after_failed_build(built_copy) == [
        f"{name}:1: Title: manquant (un billet doit avoir une ligne Title:)",
        french(f"{name}:1: Tittle: champ inconnu, vouliez-vous dire Title ?"),
        french(f"{name}:4: Tagz: champ inconnu, vouliez-vous dire Tags ?"),
    ]


def test_bad_status(built_copy):
    name = _write(built_copy, "posts/status.md", GOOD_POST.replace("Tags:", "Status: publié\nTags:"))
    assert _problems_after_failed_build(built_copy) == [
        french(f"{name}:4: Status: « publié » n'est pas un statut (valeurs possibles : draft, published, hidden)")
    ]


def test_missing_category(built_copy):
    name = _write(built_copy, "posts/no-category.md", GOOD_POST.replace("Category: Communauté\n", ""))
    assert _problems_after_failed_build(built_copy) == [f"{name}:1: Category: manquant (un billet doit avoir une ligne Category:)"]


def test_unknown_language(built_copy):
    name = _write(built_copy, "posts/lang.md", GOOD_POST.replace("Tags:", "Lang: de\nTags:"))
    assert _problems_after_failed_build(built_copy) == [french(f"{name}:4: Lang: « de » n'est pas une langue du site (fr, en)")]


def test_translation_without_original(built_copy):
    text = GOOD_POST.replace("Tags:", "Lang: en\nTranslation: true\nTags:").replace("Une soirée réussie", "A great night")
    name = _write(built_copy, "posts/orphan.md", text)
    assert _problems_after_failed_build(built_copy) == [
        french(f"{name}:5: Translation: aucun original au slug « a-great-night » dans une autre langue ; "
               "donnez à la traduction le même Slug: que son original")
    ]


def test_duplicate_slug(built_copy):
    name = _write(built_copy, "posts/again.md", GOOD_POST.replace("Une soirée réussie", "Été à Montréal, l'équipe"))
    assert _problems_after_failed_build(built_copy) == [
        french(f"{name}:1: Title: slug « ete-a-montreal-l-equipe » en double (fr) : "
               "content/posts/2026-07-20-ete-a-montreal.md a le même ; donnez un autre Slug:")
    ]


def test_empty_file(built_copy):
    name = _write(built_copy, "posts/empty.md", "\n  \n")
    assert _problems_after_failed_build(built_copy) == [
        french(f"{name}:1: le fichier est vide (attendu : des métadonnées comme Title: et Date:, puis le texte)")
    ]


def test_file_without_metadata(built_copy):
    name = _write(built_copy, "pages/bare.md", "# Un titre\n\nDu texte sans métadonnées.\n")
    assert _problems_after_failed_build(built_copy) == [
        french(f"{name}:1: le fichier n'a pas de métadonnées (il doit commencer par des lignes comme Title: et Date:, puis une ligne vide)")
    ]


def test_file_that_is_not_utf8(built_copy):
    name = _write(built_copy, "posts/latin1.md", GOOD_POST.replace("Un texte.", "Une fête réussie.").encode("latin-1"))
    assert _problems_after_failed_build(built_copy) == [
        french(f"{name}:1: le fichier n'est pas du texte UTF-8 (octet 0xE9) ; enregistrez-le en UTF-8 dans votre éditeur")
    ]


def test_static_file_name_with_accents(built_copy):
    image = built_copy / "content" / "images" / "Photo été.png"
    image.write_bytes((built_copy / "content" / "images" / "pollen.png").read_bytes())
    assert _problems_after_failed_build(built_copy) == [
        french("content/images/Photo été.png:1: le nom de fichier « Photo été.png » contient des accents, des espaces ou des signes ; "
               "renommez-le « photo-ete.png »")
    ]


def test_every_problem_of_the_run_is_listed(built_copy, capsys):
    _write(built_copy, "posts/a.md", GOOD_POST.replace("2026-10-01 20:00", "hier"))
    _write(built_copy, "posts/b.md", GOOD_POST.replace("Une soirée", "Une autre soirée").replace("Category: Communauté\n", ""))
    _write(built_copy, "pages/c.md", "")
    assert commands.run_build(str(built_copy / "pelicanconf.py")) == 1
    errors = capsys.readouterr().err.splitlines()
    assert errors[:3] == [
        french("content/pages/c.md:1: le fichier est vide (attendu : des métadonnées comme Title: et Date:, puis le texte) [erreur]"),
        french("content/posts/a.md:2: Date: « hier » n'est pas une date (attendu : AAAA-MM-JJ ou AAAA-MM-JJ HH:MM) [erreur]"),
        "content/posts/b.md:1: Category: manquant (un billet doit avoir une ligne Category:) [erreur]",
    ]
    assert errors[3] == french("La construction a échoué : 3 problèmes dans le contenu : rien n'a été construit. output/ n'a pas changé.")


def test_a_failure_inside_pelican_leaves_output_untouched(built_copy):
    template = built_copy / "theme" / "templates" / "article.html"
    template.write_text(template.read_text(encoding="utf-8").replace("{{ article.title }}", "{{ article.title.nope() }}", 1))
    output = built_copy / "output"
    before = _tree_digest(output)
    with pytest.raises(BuildError, match="Pelican s’est arrêté sur une erreur \\(UndefinedError: "):
        build(load_site(built_copy / "pelicanconf.py"))
    assert _tree_digest(output) == before
    assert not [p for p in built_copy.iterdir() if p.name.startswith(".output.")]


def test_image_that_does_not_exist(built_copy):
    name = _write(built_copy, "posts/image.md", GOOD_POST.replace("Tags:", "Image: images/absente.png\nTags:"))
    assert _problems_after_failed_build(built_copy) == [french(f"{name}:4: Image: images/absente.png : aucun fichier de ce nom dans content/")]


def test_the_rules_walk_the_files_a_walk_of_the_folder_finds(tmp_path):
    """A lint run lists the content folder once, and the rules' walks come from that listing
    (`invoke serve` lints after every save): the same files, in the same order, as walking
    the folder. Nested folders whose names sort differently as text and as paths, dot files,
    a folder named x.md, links to a file, a broken link, a linked folder (not entered below
    the folder walked; walked when the rule starts from it or from below it), a folder outside
    content/, a folder that is not there."""
    content = tmp_path / "content"
    for name in ("posts/a/x.md", "posts/a-b/y.md", "posts/a.md", "posts/.brouillon.md", "posts/dossier.md/z.md",
                 "posts/notes.txt", "pages/p.md", "pages/sous dossier/q.md", "../ailleurs/r.md"):
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text("Title: x\n", encoding="utf-8")
    (content / "posts/lien.md").symlink_to("../pages/p.md")
    (content / "posts/mort.md").symlink_to("../pages/absent.md")
    (content / "alias").symlink_to("posts", target_is_directory=True)
    corpus = lint.Corpus({"PATH": str(content)})
    for directory in ("posts", "./posts/", "", ".", "pages", "alias", "alias/a", "absent", "posts/a.md", "../ailleurs"):
        walked = [path for path in sorted((content / directory).rglob("*")) if path.is_file()]
        assert corpus.files_in(directory) == walked, directory
    in_posts = [str(path) for path in corpus.files_in("posts")]
    assert in_posts != sorted(in_posts)  # "a/x.md" before "a-b/y.md": paths compared part by part, not as text
    assert all(corpus.content_folder.files_in(directory) is None for directory in ("alias", "alias/a", "../ailleurs", "absent"))
