"""Commands started together, and commands killed half-way, as a careless user starts and
kills them: real `invoke` processes on a copy of the sample site."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tribune.lock import lock_path, site_lock

from .conftest import french
from .test_page_cache import built_from_nothing, files

INVOKE = [sys.executable, "-m", "invoke"]
POST = "content/posts/2026-07-20-ete-a-montreal.md"


def start(site: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([*INVOKE, *args], cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, seconds: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting for {what}")
        time.sleep(0.05)


def waiting_line(process: subprocess.Popen) -> str:
    """The first line a command prints on stderr (it prints "En attente : …" when blocked)."""
    return process.stderr.readline()


def leftovers(site: Path) -> list[str]:
    return sorted(path.name for path in site.iterdir() if path.name.startswith(".output."))


def test_three_builds_started_together_wait_for_each_other_and_leave_one_whole_site(many_posts, tmp_path):
    post = many_posts / POST
    post.write_text(post.read_text(encoding="utf-8").replace("Quatre jours", "Cinq jours"), encoding="utf-8")
    with site_lock(many_posts / "pelicanconf.py", "invoke publish"):
        builds = [start(many_posts, "build") for _ in range(3)]
        lines = [waiting_line(build) for build in builds]
    for line in lines:
        assert line.startswith(french(f"En attente : invoke publish (pid {os.getpid()} sur ")), line
        assert " travaille sur ce site…" in line and ", depuis le " in line and "T" not in line.split("depuis le")[1], line
    for build in builds:
        out, err = build.communicate(timeout=300)
        assert build.returncode == 0, err
        assert out.startswith(french("Site construit dans output/ : "))
    assert files(many_posts / "output") == built_from_nothing(many_posts, tmp_path)
    assert leftovers(many_posts) == []


def test_with_no_wait_a_command_says_who_is_working_and_does_nothing(site_copy):
    with site_lock(site_copy / "pelicanconf.py", "invoke newsletter"):
        build = start(site_copy, "build", "--no-wait")
        out, err = build.communicate(timeout=120)
    assert build.returncode == 1 and out == ""
    assert err.startswith(french(f"Rien n'a été lancé : invoke newsletter (pid {os.getpid()} sur "))
    assert french("travaille sur ce site ; rien n'a été fait") in err and "Traceback" not in err
    assert not (site_copy / "output").exists()


def test_the_lock_of_a_killed_command_is_taken_over(site_copy):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from tribune.lock import site_lock\n"
        "with site_lock(sys.argv[1], 'invoke build'):\n    print('held', flush=True); time.sleep(600)"
    ), str(site_copy / "pelicanconf.py")], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    build = start(site_copy, "build", "--no-wait")
    out, err = build.communicate(timeout=120)
    assert build.returncode == 0, err
    assert not lock_path(site_copy / "pelicanconf.py").exists()  # released, nobody named


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command's name (state first), or None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _children(pid: int) -> set[tuple[int, str]]:
    """Every descendant of ``pid`` (Linux's /proc), with its start time: PIDs are reused."""
    found, todo = set(), [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            try:
                children = {int(child) for child in (task / "children").read_text().split()}
            except OSError:
                continue
            for child in children:
                stat = _stat(child)
                if stat and (child, stat[19]) not in found:
                    found.add((child, stat[19]))
                    todo.append(child)
    return found


def _alive(process: tuple[int, str]) -> bool:
    """Whether that very process (same PID, same start time) still runs."""
    stat = _stat(process[0])
    return bool(stat) and stat[19] == process[1] and stat[0] != "Z"


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_a_build_killed_half_way_leaves_no_worker_and_the_next_build_no_leftover(many_posts):
    (many_posts / "pelicanconf.py").open("a").write("\nREADER_PROCESSES = 2\nWRITER_PROCESSES = 2\n")
    build = start(many_posts, "build")
    workers: set[tuple[int, str]] = set()

    def working() -> bool:
        workers.update(_children(build.pid))
        return len(workers) >= 2 and bool(leftovers(many_posts))

    wait_for(working, what="the build's workers")
    build.send_signal(signal.SIGKILL)
    build.wait()
    wait_for(lambda: not any(map(_alive, workers)), seconds=10, what="the workers to die with their parent")
    assert leftovers(many_posts)  # what the killed build left...
    again = start(many_posts, "build")
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert leftovers(many_posts) == []  # ...the next build removed
    assert (many_posts / "output/index.html").is_file()


def test_clean_removes_what_killed_builds_left(site_copy):
    for name in (".output.new-abc123", ".output.old-def456"):
        (site_copy / name / "billets").mkdir(parents=True)
        (site_copy / name / "billets/index.html").write_text("half a site")
    clean = start(site_copy, "clean")
    out, err = clean.communicate(timeout=120)
    assert clean.returncode == 0, err
    assert leftovers(site_copy) == []
    assert french("Supprimé : .output.new-abc123") in out and french("Supprimé : .output.old-def456") in out



def test_the_lock_holds_when_its_note_is_deleted_and_never_writes_through_a_link(site_copy, tmp_path):
    """`git clean -X` deletes the ignored note while a build runs; a note committed as a link
    (to a file of the repository, or of the machine) must not be written through."""
    victim = tmp_path / "victim.txt"
    victim.write_text("IMPORTANT DATA")
    with site_lock(site_copy / "pelicanconf.py", "invoke build"):
        lock_path(site_copy / "pelicanconf.py").unlink()
        build = start(site_copy, "build", "--no-wait")
        out, err = build.communicate(timeout=120)
        assert build.returncode == 1 and err.startswith(french("Rien n'a été lancé : une autre commande de Tribune travaille sur ce site")), err
    lock_path(site_copy / "pelicanconf.py").symlink_to(victim)
    build = start(site_copy, "build")
    out, err = build.communicate(timeout=120)
    assert build.returncode == 0, err
    assert victim.read_text() == "IMPORTANT DATA"
    assert not lock_path(site_copy / "pelicanconf.py").exists()  # the link replaced by the note, the note gone
    (site_copy / ".tribune.lock").mkdir()  # a folder in its place: the lock holds without its note
    build = start(site_copy, "build")
    out, err = build.communicate(timeout=120)
    assert build.returncode == 0 and "Traceback" not in err, err


def test_the_preview_names_itself_in_the_lock_while_it_rebuilds(site_copy, monkeypatch):
    """`invoke serve` rebuilds through the build command: whoever waits meanwhile is told
    "invoke serve", the command the person ran, not "invoke build"."""
    from tribune import commands
    from tribune.lock import holder

    config = site_copy / "pelicanconf.py"
    noted = []

    def build(site, **options):
        noted.append(holder(lock_path(config)))
        return real_build(site, **options)

    real_build = commands.build
    monkeypatch.setattr(commands, "build", build)
    assert commands.run_build(str(config), lock_as="invoke serve") == 0
    assert commands.run_build(str(config)) == 0
    assert noted[0].startswith(f"invoke serve (pid {os.getpid()} sur ") and noted[1].startswith("invoke build (pid "), noted


def test_the_old_site_goes_after_the_swap_in_the_background_and_leaves_nothing_beside_output(built_copy):
    """The command does not wait for the old output's files to be unlinked: the old folder is
    moved into the cache and removed by a process of its own, which outlives the command."""
    old = (built_copy / "output/index.html").stat().st_ino
    post = built_copy / POST
    post.write_text(post.read_text(encoding="utf-8").replace("Quatre jours", "Cinq jours"), encoding="utf-8")
    build = start(built_copy, "build")
    _out, err = build.communicate(timeout=300)
    assert build.returncode == 0, err
    assert leftovers(built_copy) == []
    assert (built_copy / "output/index.html").stat().st_ino != old  # a new site in place (the home page shows the post)
    removing = built_copy / "cache/removing"
    wait_for(lambda: not removing.exists() or not any(removing.iterdir()), what="the old site to be removed")
    # A removal cut short (the machine stopped) is finished by the next build.
    (removing / ".output.old-cut").mkdir(parents=True)
    (removing / ".output.old-cut/index.html").write_text("half removed")
    build = start(built_copy, "build")
    assert build.communicate(timeout=300) and build.returncode == 0
    wait_for(lambda: not any(removing.iterdir()), what="the removal cut short to be finished")


def test_a_removal_under_way_is_not_started_again_and_one_cut_short_is(tmp_path, monkeypatch):
    """A build started right after another finds the previous build's old site still being
    removed: it must not start a second `rm` on the same files (they would compete with the
    build for the cores). The `rm` at work holds the folder's lock until it ends; a removal
    cut short (its `rm` killed) is taken up. The `rm` here waits for the test's word."""
    import fcntl
    import shutil

    from tribune import removal

    real_rm, go = shutil.which("rm"), tmp_path / "go"
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin/rm").write_text(f'#!/bin/sh\nwhile [ ! -e "{go}" ]; do sleep 0.02; done\nexec "{real_rm}" "$@"\n')
    (tmp_path / "bin/rm").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    old = tmp_path / "cache/removing/.output.old-1234"
    (old / "billets/un").mkdir(parents=True)
    (old / "billets/un/index.html").write_text("ancienne page")
    started, popen = [], subprocess.Popen

    def noted(*args, **kwargs):
        started.append(popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(subprocess, "Popen", noted)

    def held() -> bool:
        handle = os.open(old, os.O_RDONLY)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return False
        except BlockingIOError:
            return True
        finally:
            os.close(handle)

    removal.remove_in_background(old)
    assert len(started) == 1 and held()  # by the rm at work, however long it takes
    assert os.getpriority(os.PRIO_PROCESS, started[0].pid) == 19 and os.getpgid(started[0].pid) == started[0].pid
    removal.finish_removals(str(tmp_path / "cache"))  # the next build, meanwhile
    assert len(started) == 1
    os.killpg(started[0].pid, signal.SIGKILL)  # the removal cut short (its process group: the stand-in's sleep too)
    started[0].wait()
    wait_for(lambda: not held(), seconds=5, what="the killed removal's processes to be gone")  # the sleep's, a moment after
    assert old.exists()
    go.touch()
    removal.finish_removals(str(tmp_path / "cache"))
    assert len(started) == 2
    wait_for(lambda: not old.exists(), what="the removal cut short to be finished")
    # A symbolic link left there (by hand) goes as it is: the link, not what it leads to.
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/page.html").write_text("à garder")
    (tmp_path / "cache/removing/lien").symlink_to(tmp_path / "elsewhere")
    removal.finish_removals(str(tmp_path / "cache"))
    wait_for(lambda: not os.path.lexists(tmp_path / "cache/removing/lien"), what="the link to be removed")
    assert (tmp_path / "elsewhere/page.html").read_text() == "à garder"


def test_invoke_clean_while_a_background_removal_deletes_the_same_files(site_copy, monkeypatch):
    """`invoke clean` right after a build: the old output's `rm -rf` may still be deleting files
    of cache/removing/ that clean has just listed; a file gone meanwhile is no error."""
    from tribune import commands

    old = site_copy / "cache/removing/.output.old-1234/billets/un"
    old.mkdir(parents=True)
    for name in ("index.html", "carte.png"):
        (old / name).write_text("ancienne page")
    unlink, raced = os.unlink, []

    def racing(path, *args, dir_fd=None, **kwargs):  # the other one, listed by clean, is taken by the removal first
        if not raced and str(path) in ("index.html", "carte.png"):
            raced.append(path)
            unlink("carte.png" if path == "index.html" else "index.html", dir_fd=dir_fd)
        return unlink(path, *args, dir_fd=dir_fd, **kwargs)

    monkeypatch.chdir(site_copy)
    monkeypatch.setattr(os, "unlink", racing)
    assert commands.run_clean("pelicanconf.py") == 0
    monkeypatch.undo()
    assert raced and not (site_copy / "cache").exists()


def test_a_file_kept_in_the_cache_placed_twice_leaves_one_file(tmp_path):
    """Two rendering processes put the same share card or image copy in the output: the second
    one's temporary link, renamed over a link to the same file (which rename leaves as it is),
    must not stay behind as a stray file of the site."""
    from tribune.trees import place

    kept = tmp_path / "cache/share-images/carte.png"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"\x89PNG carte")
    target = tmp_path / "output/billets/un-billet/carte.png"
    place(kept, target)
    place(kept, target)
    assert [p.name for p in target.parent.iterdir()] == ["carte.png"]
    assert target.read_bytes() == b"\x89PNG carte" and target.samefile(kept)
