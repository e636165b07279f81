"""The lint run again in the same process, as `invoke serve` runs it after every save: what
it keeps from the previous run never hides a change that only a fresh check would see (a
linked file deleted, a symbolic link turned to lead out, a tag spelt another way in another
file), and a fix is seen as soon as it is made."""

import shutil
from pathlib import Path

import pytest

from tribune import lint
from tribune.build import load_site

POST = """Title: Le plan du local
Date: 2026-10-02 20:00
Category: Communauté
Tags: {tags}
Author: Yanis Belkacem
Image: images/guilde.png
Image-Alt: La guilde autour d'une table

Le local est au fond de la cour : [voir le plan]({{static}}/images/plan-du-local.png).
"""
LINK_LINE = 9


@pytest.fixture(autouse=True)
def _in_site_folder(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)  # problems name files relative to the site, as a writer runs the tasks


def _said_at(problems: list[lint.Problem], path: str, line: int | None = None) -> list[str]:
    return [str(problem) for problem in problems if problem.path == path and (line is None or problem.line == line)]


def _site_with_plan(site: Path, tags: str = "soirée jeux"):
    """The site with a post linking to an image of its own; the site loaded, and the post's path."""
    shutil.copy(site / "content/images/famille.png", site / "content/images/plan-du-local.png")
    (site / "content/posts/plan-du-local.md").write_text(POST.format(tags=tags), encoding="utf-8")
    return load_site(site / "pelicanconf.py"), "content/posts/plan-du-local.md"


def test_a_linked_file_deleted_then_restored_is_seen_by_the_next_runs(site_copy):
    site, post = _site_with_plan(site_copy)
    registry = lint.registry_for(site.settings)  # one registry for every run, as a long-lived process may keep
    assert _said_at(lint.run(site.settings, registry), post) == []
    image = site_copy / "content/images/plan-du-local.png"
    kept = image.read_bytes()
    image.unlink()  # the post itself does not change

    missing = _said_at(lint.run(site.settings, registry), post, LINK_LINE)
    assert len(missing) == 1 and "{static}/images/plan-du-local.png" in missing[0] and "content/" in missing[0]
    assert _said_at(lint.run(site.settings), post, LINK_LINE) == missing  # a registry made anew says the same

    image.write_bytes(kept)
    assert _said_at(lint.run(site.settings, registry), post) == []


def test_a_symbolic_link_turned_to_lead_out_of_content_is_seen_by_the_next_run(site_copy, tmp_path):
    site, post = _site_with_plan(site_copy)
    image = site_copy / "content/images/plan-du-local.png"
    image.unlink()
    image.symlink_to(site_copy / "content/images/famille.png")  # a link inside content/: fine
    assert _said_at(lint.run(site.settings), post) == []

    outside = tmp_path / "ailleurs.png"
    shutil.copy(site_copy / "content/images/famille.png", outside)
    image.unlink()
    image.symlink_to(outside)  # same name, same post: now it leads out
    problems = lint.run(site.settings)
    assert any("outside the content folder" in text or "hors du dossier" in text for text in _said_at(problems, post, LINK_LINE))
    assert _said_at(problems, "content/images/plan-du-local.png")  # the link itself is named too

    image.unlink()
    image.symlink_to(site_copy / "content/images/famille.png")
    problems = lint.run(site.settings)
    assert _said_at(problems, post) == [] and _said_at(problems, "content/images/plan-du-local.png") == []


def test_a_tag_spelt_another_way_in_another_post_is_seen_in_the_unchanged_post(site_copy):
    site, post = _site_with_plan(site_copy, tags="ludothèque")
    assert _said_at(lint.run(site.settings), post) == []
    other = site_copy / "content/posts/2026-09-07-jeux-courts-pause-midi.md"
    written = other.read_text(encoding="utf-8")
    assert "Tags: jeux courts, pollen" in written
    other.write_text(written.replace("Tags: jeux courts, pollen", "Tags: jeux courts, pollen, Ludothèque"), encoding="utf-8")

    warned = _said_at(lint.run(site.settings), post)  # the post is the same; the other spelling is new
    assert len(warned) == 1 and "Ludothèque" in warned[0] and "ludothèque" in warned[0] and warned[0].startswith(f"{post}:4: Tags:")

    other.write_text(written, encoding="utf-8")
    assert _said_at(lint.run(site.settings), post) == []
