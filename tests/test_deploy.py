"""A local folder deploy killed (SIGKILL) at every step it takes on the file system: readers are
served one complete release, and the next deploy works and cleans up after it."""

import json
import os
import shutil
import signal
from pathlib import Path

import pytest

from tribune import deploy
from tribune.deploy import ADOPTED, COMPARED, MARKER, LocalFolder

from .conftest import removals_finished

# Every call that changes the file system during a deploy (pathlib's mkdir, rename, symlink_to,
# unlink and rmdir go through os).
STEPS = [(os, "mkdir"), (os, "link"), (os, "replace"), (os, "rename"), (os, "symlink"), (os, "unlink"),
         (os, "rmdir"), (os, "fsync"), (shutil, "copy2"), (shutil, "rmtree"), (deploy, "_exchange")]

FOREIGN = {"notes.txt": b"mes notes", "photos/chat.jpg": b"\xff\xd8miaou", ".htaccess": b"Options -Indexes"}


def version(number: int) -> dict[str, bytes]:
    """A small site: a few pages that change from one version to the next, a few that do not."""
    return {"index.html": f"<h1>Version {number}</h1>".encode(), "charte/index.html": b"<p>La charte</p>",
            f"billets/billet-{number}/index.html": f"<p>Billet {number}</p>".encode(), "images/pollen.png": b"\x89PNG pollen"}


def write(folder: Path, files: dict[str, bytes]) -> Path:
    for relative, data in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(data)
    return folder


def served(target: Path) -> dict[str, bytes]:
    """What a web server whose document root is ``target`` serves."""
    if not target.is_dir():
        return {}
    return {p.relative_to(target).as_posix(): p.read_bytes() for p in target.rglob("*") if p.is_file()}


def deployed(target: Path, site: Path, adopt: bool = False) -> None:
    folder = LocalFolder(target, adopt=adopt)
    folder.deploy(site, folder.plan(site))


def killed_at(step: int, action) -> bool:
    """Run ``action`` in a child process killed (SIGKILL) at its ``step``-th change to the file
    system; True if it was killed, False if it finished first."""
    pid = os.fork()
    if pid == 0:  # the child: count the steps, die at the chosen one
        try:
            count = [0]
            for module, name in STEPS:
                def counted(*args, _original=getattr(module, name), **kwargs):
                    count[0] += 1
                    if count[0] == step:
                        os.kill(os.getpid(), signal.SIGKILL)
                    return _original(*args, **kwargs)
                setattr(module, name, counted)
            action()
        except BaseException:
            os._exit(3)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert not os.WIFEXITED(status) or os.WEXITSTATUS(status) == 0, "the deploy failed in the child"
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def clean(target: Path, adopted: bool = False) -> None:
    """Nothing left behind: the releases folder holds its marker, its history and the releases
    it names (and the adopted one), and no switch link is left beside the target."""
    releases = target.parent / f".{target.name}.releases"
    removals_finished(releases)
    history = json.loads((releases / "history.json").read_text())
    assert target.resolve().name == history[-1]
    expected = {MARKER, "history.json", *history} | ({ADOPTED} if adopted else set())
    compared = releases / COMPARED  # what the next plan need not read again: only ever of the live release
    if compared.exists():
        assert json.loads(compared.read_text())["release"] == target.resolve().name
    assert {p.name for p in releases.iterdir()} - {COMPARED} == expected
    assert {p.name for p in target.parent.iterdir()} == {target.name, releases.name}


def prepared(folder: Path, scenario: str) -> Path:
    """A target as each scenario starts: a live release, an empty folder, or someone's files."""
    target = folder / "www" / "guilde"
    target.parent.mkdir(parents=True)
    if scenario == "update":
        deployed(target, write(folder / "v1", version(1)))
    elif scenario == "first deploy into an empty folder":
        target.mkdir()
    else:
        write(target, FOREIGN)
    return target


@pytest.mark.parametrize("scenario", ["update", "first deploy into an empty folder", "adoption"])
def test_a_deploy_killed_at_any_step_leaves_one_complete_release_online(tmp_path, scenario):
    before = {"update": version(1), "first deploy into an empty folder": {}, "adoption": FOREIGN}[scenario]
    adopt = scenario == "adoption"
    v2, v3 = write(tmp_path / "v2", version(2)), write(tmp_path / "v3", version(3))
    step = 0
    while True:
        step += 1
        target = prepared(tmp_path / f"killed-at-{step}", scenario)
        if not killed_at(step, lambda: deployed(target, v2, adopt)):
            break
        assert target.is_dir(), f"killed at step {step}: no site online"
        assert served(target) in (before, version(2)), f"killed at step {step}: a mix of two versions"
        deployed(target, v3, adopt)  # the next deploy works...
        assert served(target) == version(3)
        clean(target, adopted=adopt)  # ...and cleans up
        if adopt:
            assert served(target.parent / f".{target.name}.releases" / ADOPTED) == FOREIGN
    assert step > 10  # the deploy was killed at each of its steps, then finished
    assert served(target) == version(2)


def test_a_plan_reads_again_only_the_files_that_are_not_those_it_compared_last(tmp_path, monkeypatch):
    """After a deploy, the next plan trusts a pair of files that are still the very files it
    copied or compared (compared.json); a file written again in the site, a live file changed
    by hand, or a release that is not the one recorded (after a rollback) are read."""
    read = []
    compare_bytes = deploy.filecmp.cmp
    monkeypatch.setattr(deploy.filecmp, "cmp", lambda first, second, shallow: read.append(Path(first).name) or compare_bytes(first, second, shallow))
    target = tmp_path / "www" / "guilde"
    target.parent.mkdir()
    site = write(tmp_path / "site", version(1))
    deployed(target, site)
    folder = LocalFolder(target)

    assert folder.plan(site).empty and read == []

    (site / "index.html").unlink()  # written again, the same bytes: another file
    write(site, {"index.html": version(1)["index.html"]})
    assert folder.plan(site).empty and read == ["index.html"]

    read.clear()
    live_page = target / "charte/index.html"  # edited by hand on the server, the same size
    live_page.write_bytes(b"<p>La chartE</p>")
    assert folder.plan(site).changed == ["charte/index.html"] and read == ["index.html", "index.html"]

    read.clear()
    folder.deploy(site, folder.plan(site))
    assert served(target) == version(1) and folder.plan(site).empty and read == ["index.html", "index.html"]
    read.clear()
    v2 = write(tmp_path / "v2", version(2))
    deployed(target, v2)
    folder.rollback()
    read.clear()
    assert folder.plan(site).empty and len(read) == len(version(1))  # the release recorded is no longer live: every common file read


def test_a_plan_made_against_another_live_release_writes_nothing(tmp_path):
    """A rollback or another publish to the same target between a plan and its deploy: the
    unchanged files would be taken from a release that was not compared; refused instead."""
    target = tmp_path / "www" / "guilde"
    target.parent.mkdir()
    deployed(target, write(tmp_path / "v1", version(1)))
    folder = LocalFolder(target)
    v3 = write(tmp_path / "v3", version(3))
    plan = folder.plan(v3)
    deployed(target, write(tmp_path / "v2", version(2)))
    live = target.resolve()
    with pytest.raises(deploy.DeployError, match="publiez de nouveau"):
        folder.deploy(v3, plan)
    assert target.resolve() == live and served(target) == version(2)
    folder.deploy(v3, folder.plan(v3))
    assert served(target) == version(3)


def test_a_damaged_compared_json_only_means_every_file_is_read(tmp_path):
    target = tmp_path / "www" / "guilde"
    target.parent.mkdir()
    site = write(tmp_path / "v1", version(1))
    deployed(target, site)
    compared = target.parent / f".{target.name}.releases" / COMPARED
    for damaged in ("[" * 200_000, '{"release": 3, "files": []}', "\udcff".encode("utf-8", "surrogatepass").decode("latin-1")):
        compared.write_text(damaged, encoding="utf-8")
        assert LocalFolder(target).plan(site).empty
    (site / "index.html").write_bytes(b"<h1>Version 1 bis</h1>")
    assert LocalFolder(target).plan(site).changed == ["index.html"]
