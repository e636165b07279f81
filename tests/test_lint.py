"""Bad input: one clear line per problem (file, line, field), and output/ left untouched."""

import hashlib
from pathlib import Path

import pytest

from tribune import commands
from tribune.build import BuildError, build, check, load_site

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


@pytest.fixture
def built_copy(site_copy):
    """A copy of the sample site with an output/ already built, to check that it stays as it was."""
    build(load_site(site_copy / "pelicanconf.py"))
    return site_copy


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
        f'{name}:2: Date: "2026-13-01" is not a date (expected YYYY-MM-DD or YYYY-MM-DD HH:MM)'
    ]


def test_missing_title(built_copy):
    name = _write(built_copy, "posts/no-title.md", GOOD_POST.replace("Title: Une soirée réussie\n", ""))
    assert _problems_after_failed_build(built_copy) == [f"{name}:1: Title: missing (every post needs a Title: line)"]


def test_unknown_key_is_reported_as_a_typo_with_a_suggestion(built_copy):
    name = _write(built_copy, "posts/typo.md", GOOD_POST.replace("Title:", "Tittle:").replace("Tags:", "Tagz:"))
    assert _problems_after_failed_build(built_copy) == [
        f"{name}:1: Title: missing (every post needs a Title: line)",
        f"{name}:1: Tittle: unknown field, did you mean Title?",
        f"{name}:4: Tagz: unknown field, did you mean Tags?",
    ]


def test_bad_status(built_copy):
    name = _write(built_copy, "posts/status.md", GOOD_POST.replace("Tags:", "Status: publié\nTags:"))
    assert _problems_after_failed_build(built_copy) == [
        f'{name}:4: Status: "publié" is not a status (expected one of draft, published, hidden)'
    ]


def test_missing_category(built_copy):
    name = _write(built_copy, "posts/no-category.md", GOOD_POST.replace("Category: Communauté\n", ""))
    assert _problems_after_failed_build(built_copy) == [f"{name}:1: Category: missing (every post needs a Category: line)"]


def test_unknown_language(built_copy):
    name = _write(built_copy, "posts/lang.md", GOOD_POST.replace("Tags:", "Lang: de\nTags:"))
    assert _problems_after_failed_build(built_copy) == [f'{name}:4: Lang: "de" is not a language of the site (fr, en)']


def test_translation_without_original(built_copy):
    text = GOOD_POST.replace("Tags:", "Lang: en\nTranslation: true\nTags:").replace("Une soirée réussie", "A great night")
    name = _write(built_copy, "posts/orphan.md", text)
    assert _problems_after_failed_build(built_copy) == [
        f'{name}:5: Translation: no original post with slug "a-great-night" in another language; '
        "give the translation the same Slug: as its original"
    ]


def test_duplicate_slug(built_copy):
    name = _write(built_copy, "posts/again.md", GOOD_POST.replace("Une soirée réussie", "Été à Montréal, l'équipe"))
    assert _problems_after_failed_build(built_copy) == [
        f'{name}:1: Title: duplicate slug "ete-a-montreal-l-equipe" (fr): '
        "content/posts/2026-07-20-ete-a-montreal.md has it too; set a different Slug:"
    ]


def test_empty_file(built_copy):
    name = _write(built_copy, "posts/empty.md", "\n  \n")
    assert _problems_after_failed_build(built_copy) == [
        f"{name}:1: the file is empty (expected metadata such as Title: and Date:, then the text)"
    ]


def test_file_without_metadata(built_copy):
    name = _write(built_copy, "pages/bare.md", "# Un titre\n\nDu texte sans métadonnées.\n")
    assert _problems_after_failed_build(built_copy) == [
        f"{name}:1: the file has no metadata (it must start with lines such as Title: and Date:, then a blank line)"
    ]


def test_file_that_is_not_utf8(built_copy):
    name = _write(built_copy, "posts/latin1.md", GOOD_POST.replace("Un texte.", "Une fête réussie.").encode("latin-1"))
    assert _problems_after_failed_build(built_copy) == [
        f"{name}:1: the file is not UTF-8 text (byte 0xE9); save it as UTF-8 in your editor"
    ]


def test_static_file_name_with_accents(built_copy):
    image = built_copy / "content" / "images" / "Photo été.png"
    image.write_bytes((built_copy / "content" / "images" / "pollen.png").read_bytes())
    assert _problems_after_failed_build(built_copy) == [
        'content/images/Photo été.png:1: file name "Photo été.png" has accents, spaces or signs; rename it "photo-ete.png"'
    ]


def test_every_problem_of_the_run_is_listed(built_copy, capsys):
    _write(built_copy, "posts/a.md", GOOD_POST.replace("2026-10-01 20:00", "hier"))
    _write(built_copy, "posts/b.md", GOOD_POST.replace("Une soirée", "Une autre soirée").replace("Category: Communauté\n", ""))
    _write(built_copy, "pages/c.md", "")
    assert commands.run_build(str(built_copy / "pelicanconf.py")) == 1
    errors = capsys.readouterr().err.splitlines()
    assert errors[:3] == [
        "content/pages/c.md:1: the file is empty (expected metadata such as Title: and Date:, then the text) [error]",
        'content/posts/a.md:2: Date: "hier" is not a date (expected YYYY-MM-DD or YYYY-MM-DD HH:MM) [error]',
        "content/posts/b.md:1: Category: missing (every post needs a Category: line) [error]",
    ]
    assert "output/ is unchanged" in errors[3]


def test_a_failure_inside_pelican_leaves_output_untouched(built_copy):
    template = built_copy / "theme" / "templates" / "article.html"
    template.write_text(template.read_text(encoding="utf-8").replace("{{ article.title }}", "{{ article.title.nope() }}", 1))
    output = built_copy / "output"
    before = _tree_digest(output)
    with pytest.raises(BuildError, match="the build failed: "):
        build(load_site(built_copy / "pelicanconf.py"))
    assert _tree_digest(output) == before
    assert not [p for p in built_copy.iterdir() if p.name.startswith(".output.")]


def test_image_that_does_not_exist(built_copy):
    name = _write(built_copy, "posts/image.md", GOOD_POST.replace("Tags:", "Image: images/absente.png\nTags:"))
    assert _problems_after_failed_build(built_copy) == [f"{name}:4: Image: images/absente.png: no such file under content/"]
