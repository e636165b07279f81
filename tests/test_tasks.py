"""The invoke tasks, run as a writer runs them, in a copy of the sample site."""

import os
import subprocess
import sys
from pathlib import Path

INVOKE = [sys.executable, "-m", "invoke"]


def _invoke(site: Path, *args: str, now: str = "2026-11-24T10:15") -> subprocess.CompletedProcess:
    env = {**os.environ, "TRIBUNE_NOW": now}
    return subprocess.run([*INVOKE, *args], cwd=site, env=env, capture_output=True, text=True, timeout=120)


def test_list_shows_a_one_line_help_for_each_task(site_copy):
    listing = _invoke(site_copy, "--list").stdout
    for task in ("build", "check", "clean", "new", "serve"):
        line = next(line for line in listing.splitlines() if line.strip().startswith(task + " "))
        assert len(line.split(None, 1)[1]) > 10, line


def test_new_post_writes_a_named_file_with_its_metadata_and_refuses_to_overwrite(site_copy):
    created = _invoke(site_copy, "new", "post", "Été à Montréal : l'équipe !")
    assert created.returncode == 0, created.stderr
    path = site_copy / created.stdout.strip()
    assert path == site_copy / "content/posts/2026-11-24-ete-a-montreal-l-equipe.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("Title: Été à Montréal : l'équipe !\nDate: 2026-11-24 10:15\nCategory: Communauté\n")
    assert "Status: draft\n" in text and "Author: Camille Rousseau\n" in text
    again = _invoke(site_copy, "new", "post", "Été à Montréal : l'équipe !")
    assert again.returncode == 1 and "already exists" in again.stderr
    assert path.read_text(encoding="utf-8") == text


def test_a_new_draft_builds_but_is_not_published(site_copy):
    _invoke(site_copy, "new", "post", "Un brouillon tout neuf")
    built = _invoke(site_copy, "build")
    assert built.returncode == 0, built.stderr
    assert not list((site_copy / "output").rglob("*brouillon-tout-neuf*"))


def test_build_and_check_fail_with_file_and_line(site_copy):
    bad = site_copy / "content/posts/bad.md"
    bad.write_text("Title: Mauvaise date\nDate: 2026-02-30\nCategory: Coulisses\n\nTexte.\n", encoding="utf-8")
    for task in ("check", "build"):
        result = _invoke(site_copy, task)
        assert result.returncode == 1
        assert 'content/posts/bad.md:2: Date: "2026-02-30" is not a date' in result.stderr
    assert not (site_copy / "output").exists()


def test_clean_removes_the_output(site_copy):
    assert _invoke(site_copy, "build").returncode == 0
    assert (site_copy / "output/index.html").is_file()
    assert _invoke(site_copy, "clean").returncode == 0
    assert not (site_copy / "output").exists()


def test_new_event_is_a_valid_draft(site_copy):
    created = _invoke(site_copy, "new", "event", "Soirée jeux de Noël")
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip() == "content/events/soiree-jeux-de-noel.md"
    text = (site_copy / "content/events/soiree-jeux-de-noel.md").read_text(encoding="utf-8")
    assert "Start: 2026-12-01 18:30\n" in text and "Status: draft\n" in text
    checked = _invoke(site_copy, "check", "--strict")
    assert checked.returncode == 0, checked.stderr


def test_new_member_is_a_draft_waiting_for_consent(site_copy):
    created = _invoke(site_copy, "new", "member", "Zoé Martin")
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip() == "content/members/zoe-martin.md"
    text = (site_copy / "content/members/zoe-martin.md").read_text(encoding="utf-8")
    assert text.startswith("Name: Zoé Martin\nRole: Membre\nMember-Since: 2026-11-24\n") and "Status: draft\n" in text
    checked = _invoke(site_copy, "check")
    assert checked.returncode == 1  # no consent yet: the lint says so
    assert "content/members/zoe-martin.md:8: Consent: missing" in checked.stderr
