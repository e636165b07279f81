"""Publishing: a real build deployed to temporary targets, atomic, idempotent, reversible,
and the search index holding what readers may find, and nothing else."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tribune import commands, removal, trees
from tribune.deploy import DeployError, GitHubPages, Rsync, refuse_dangerous
from tribune.lock import NOTE_NAME
from tribune.trees import files_under

from .conftest import chromium_on

from .conftest import french, pagefind_fragments, removals_finished

SITE = "https://guilde.editions-boussole.fr"


def publish(capsys, target, **flags):
    code = commands.run_publish("publishconf.py", target=str(target), **flags)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def summary(out: str) -> str:
    return out.strip().splitlines()[-1]


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under a folder, byte for byte: a file's bytes, mode and modification time, a
    link's target (Python's own __pycache__, the site's lock file, which every command takes, and
    the old output folders a build's background removal may still be deleting, left out)."""
    entries = {}
    for parent, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if name != "__pycache__" and not being_removed(Path(parent, name))]
        for name in folders + [name for name in files if name != NOTE_NAME]:
            path = Path(parent, name)
            info, key = path.lstat(), path.relative_to(folder).as_posix()
            if path.is_symlink():
                entries[key] = ("link", os.readlink(path))
            elif path.is_dir():
                entries[key] = ("folder", info.st_mode)
            else:
                entries[key] = (path.read_bytes(), info.st_mode, info.st_mtime_ns)
    return dict(sorted(entries.items()))


def being_removed(path: Path) -> bool:
    """Whether ``path`` is a cache's removal folder, whose files vanish on their own."""
    return path.name == removal.FOLDER and path.parent.name == "cache"


def edit(site: Path, number: int) -> None:
    """A change to one post, so that the next publish has something to deploy."""
    post = site / "content/posts/2026-07-20-ete-a-montreal.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("Quatre jours, des", f"Quatre jours ({number}), des", 1) if number == 1 else
                    text.replace(f"Quatre jours ({number - 1}),", f"Quatre jours ({number}),", 1), encoding="utf-8")


def releases_of(target: Path) -> Path:
    return target.parent / f".{target.name}.releases"


def release_names(target: Path) -> set[str]:
    removals_finished(releases_of(target))
    return {p.name for p in releases_of(target).iterdir() if p.is_dir()}


def two_releases(site: Path, target: Path, capsys) -> tuple[Path, Path]:
    """Publish, change a post, publish again: the two releases."""
    assert publish(capsys, target)[0] == 0
    first = target.resolve()
    edit(site, 1)
    assert publish(capsys, target)[0] == 0
    return first, target.resolve()


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file of a folder with its inode and size: what a reader's server would serve."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_size) for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def site(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)
    return site_copy


def test_publish_twice_then_one_change_then_rollback(site, tmp_path, capsys):
    target = tmp_path / "www" / "guilde"
    target.parent.mkdir()
    code, out, err = publish(capsys, target)
    assert code == 0, err
    assert target.is_symlink() and (target / "index.html").is_file()
    assert summary(out).startswith(french(f"Publié sur {target} (dossier local) : 84 pages, 11 flux, 8 calendriers, 2 éditions de la lettre, "))
    # The e-mails (merge tags and all) are material for sending, kept aside, not deployed.
    assert not (target / "newsletter").exists() and not list(target.rglob("email.*")) and not list(target.rglob("edition.json"))
    assert (site / ".publish/newsletter/2026-11/email.html").is_file() and not (site / ".publish/site/newsletter").exists()
    first_release, first = target.resolve(), tree(target)

    code, out, _ = publish(capsys, target)
    assert code == 0 and summary(out).startswith("Rien à publier") and french("fichiers : ajoutés : 0, modifiés : 0, supprimés : 0 ;") in out
    assert target.resolve() == first_release and tree(target) == first

    post = site / "content/posts/2026-07-20-ete-a-montreal.md"
    post.write_text(post.read_text(encoding="utf-8").replace("Quatre jours, des centaines", "Quatre jours, des milliers"), encoding="utf-8")
    code, out, _ = publish(capsys, target, dry_run=True)
    assert code == 0 and "~ billets/ete-a-montreal-l-equipe/index.html" in out and summary(out).startswith("Publierait sur")
    assert target.resolve() == first_release  # the dry run changed nothing

    code, out, _ = publish(capsys, target)
    assert code == 0
    second = tree(target)
    assert target.resolve() != first_release
    changed = {path for path in second if second[path] != first.get(path)}
    assert "billets/ete-a-montreal-l-equipe/index.html" in changed
    assert "des milliers" in (target / "billets/ete-a-montreal-l-equipe/index.html").read_text()
    # Everything the change did not touch is the very same file (hard link), untouched.
    assert second["charte/index.html"] == first["charte/index.html"]
    assert second["images/pollen.png"] == first["images/pollen.png"]
    assert changed <= {"billets/ete-a-montreal-l-equipe/index.html", "feeds/all.atom.xml", "feeds/communaute.atom.xml",
                       "feeds/all-fr.atom.xml"} | {p for p in changed if p.startswith("pagefind/")}

    assert commands.run_rollback("publishconf.py", target=str(target)) == 0
    assert target.resolve() == first_release and tree(target) == first
    assert "des centaines" in (target / "billets/ete-a-montreal-l-equipe/index.html").read_text()


def test_a_release_built_from_the_last_publish_s_caches_is_the_release_built_from_nothing(site, tmp_path, capsys, monkeypatch):
    """publishconf.py reads the caches publish keeps (.publish/cache/): after a body edit and a
    retitled post, then a new post, the release must be, file for file, the one a production
    build from the sources alone makes (pages, feeds, sitemap, share images, search index)."""
    from tribune import publish as publishing
    from tribune.build import build, load_site

    reused, real_build = [], publishing.build

    def noting_build(*args, **kwargs):
        built = real_build(*args, **kwargs)
        reused.append(built.reused)
        return built

    def as_built_from_nothing(round: int) -> None:
        fresh_site = load_site("publishconf.py", OUTPUT_PATH=str(tmp_path / f"fresh-{round}/site"),
                               CACHE_PATH=str(tmp_path / f"fresh-{round}/cache"), LOAD_CONTENT_CACHE=False)
        fresh = build(fresh_site, strict=True, search=True)
        publishing.set_emails_aside(fresh.output, fresh_site.settings)
        deployed = {p.relative_to(target).as_posix(): p.read_bytes() for p in sorted(target.rglob("*")) if p.is_file()}
        made = {p.relative_to(fresh.output).as_posix(): p.read_bytes() for p in sorted(fresh.output.rglob("*")) if p.is_file()}
        assert deployed.keys() == made.keys()
        assert [name for name in deployed if deployed[name] != made[name]] == []

    target = tmp_path / "www"
    assert publish(capsys, target)[0] == 0
    monkeypatch.setattr(publishing, "build", noting_build)
    edit(site, 1)
    post = site / "content/posts/2026-02-09-cinq-conseils-soiree-jeux.md"
    post.write_text(re.sub(r"^Title: .*$", "Title: Six conseils pour une soirée jeux", post.read_text(encoding="utf-8"), count=1, flags=re.M),
                    encoding="utf-8")
    assert publish(capsys, target)[0] == 0
    assert reused[-1] > 40  # from the caches: most pages kept from the last release's build
    as_built_from_nothing(1)
    (site / "content/posts/2026-11-20-nouveau.md").write_text("Title: Un billet tout neuf\nDate: 2026-11-20\nCategory: Communauté\n"
                                                              "Tags: jeux\nSummary: Du neuf.\n\nUn billet tout neuf.\n", encoding="utf-8")
    assert publish(capsys, target)[0] == 0
    as_built_from_nothing(2)


def test_a_failed_build_leaves_the_live_site_untouched(site, tmp_path, capsys):
    target = tmp_path / "www"
    assert publish(capsys, target)[0] == 0
    release, before = target.resolve(), tree(target)
    (site / "content/posts/cassé.md").write_text("Title: Cassé\nDate: hier\n\nTexte.\n", encoding="utf-8")
    code, _, err = publish(capsys, target)
    assert code == 1 and french("Rien n'a été publié : la vérification du contenu a échoué") in err
    assert french("Le site en ligne n'a pas changé.") in err
    assert target.resolve() == release and tree(target) == before


def test_a_warning_stops_publishing(site, tmp_path, capsys):
    (site / "content/posts/coulises.md").write_text("Title: Une catégorie mal écrite\nDate: 2026-11-01\nCategory: Coulises\n\nTexte.\n",
                                                    encoding="utf-8")
    code, _, err = publish(capsys, tmp_path / "www")
    assert code == 1 and french("Category: vouliez-vous dire « Coulisses » ?") in err
    assert not (tmp_path / "www").exists()


def test_a_publish_stopped_after_its_pages_were_moved_in_puts_them_back(site, tmp_path, capsys):
    """A publish moves the pages it keeps from the last one (.publish/site/) into the new site
    before Pagefind indexes it; stopped afterwards (here by the strict check's verdict, which
    comes after the index), it puts every one back: .publish/site/ is the very same files."""
    target = tmp_path / "www"
    assert publish(capsys, target)[0] == 0
    last = site / ".publish/site"
    before = tree(last)
    post = site / "content/posts/2026-07-20-ete-a-montreal.md"
    written = post.read_text(encoding="utf-8")
    post.write_text(written.replace("Quatre jours, des", "Quatre jours *|FNAME|*, des", 1), encoding="utf-8")  # a body edit: other pages kept
    code, _, err = publish(capsys, target)
    assert code == 1 and french("*|FNAME|* est une balise de fusion Mailchimp") in err
    assert tree(last) == before
    assert not list(site.glob(".publish/.site.new-*"))
    post.write_text(written.replace("Quatre jours, des", "Quatre jours (1), des", 1), encoding="utf-8")
    assert publish(capsys, target)[0] == 0 and "Quatre jours (1)" in (target / "billets/ete-a-montreal-l-equipe/index.html").read_text()
    assert tree(last)["charte/index.html"] == before["charte/index.html"]  # kept, the same file


def test_a_publish_stopped_at_the_swap_puts_back_the_last_publish_whole(site, tmp_path, capsys, monkeypatch):
    """Ctrl-C between the last publish's folder renamed aside and the new one renamed in: the
    old one is renamed back, and the pages moved out of it are put back."""
    target = tmp_path / "www"
    assert publish(capsys, target)[0] == 0
    last = site / ".publish/site"
    before = tree(last)
    edit(site, 1)
    rename = Path.rename

    def interrupted(self, destination):
        if self.name.startswith(".site.new-") and Path(destination) == last:
            raise KeyboardInterrupt
        return rename(self, destination)

    monkeypatch.setattr(Path, "rename", interrupted)
    code, _, err = publish(capsys, target)
    monkeypatch.undo()
    assert code != 0 and "Ctrl-C" in err
    assert tree(last) == before and not list(site.glob(".publish/.site.*"))


def test_a_publish_killed_after_its_pages_were_moved_in_is_made_whole_by_the_next(site, tmp_path, capsys):
    """Killed between the moves and the swap, a publish leaves the pages it moved in its new
    folder, never swapped in, and .publish/site/ without them: the next publish renders them
    again (their records no longer find their files) and removes the folder left."""
    target = tmp_path / "www"
    assert publish(capsys, target)[0] == 0
    first = {relative: (target / relative).read_bytes() for relative in tree(target)}
    last = site / ".publish/site"
    left = site / ".publish/.site.new-killed"
    for relative in ("charte/index.html", "billets/des-cartes-lisibles-par-toutes-et-tous"):
        (left / relative).parent.mkdir(parents=True, exist_ok=True)
        (last / relative).rename(left / relative)
    edit(site, 1)
    assert publish(capsys, target)[0] == 0
    assert not left.exists()
    now = {relative: (target / relative).read_bytes() for relative in tree(target)}
    assert now["charte/index.html"] == first["charte/index.html"]
    kept = "billets/des-cartes-lisibles-par-toutes-et-tous/index.html"
    assert now[kept] == first[kept] and (last / kept).is_file()


def test_an_unreachable_target_says_so(site, tmp_path, capsys):
    code, _, err = publish(capsys, "nobody@host.invalid:/var/www")
    assert code == 1 and "la mise en ligne a échoué" in err


FOREIGN = {"notes.txt": b"mes notes", "photos/chat.jpg": b"\xff\xd8miaou", ".htaccess": b"Options -Indexes",
           "index.html": b"<h1>Le site d'avant</h1>"}


def foreign_folder(folder: Path) -> Path:
    """A folder holding someone's files, written an hour ago."""
    for relative, data in FOREIGN.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(data)
        os.utime(folder / relative, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    return folder


@pytest.mark.parametrize("dry_run", [False, True], ids=["publish", "dry run"])
def test_a_folder_holding_other_files_is_refused_and_left_untouched(site, tmp_path, capsys, dry_run):
    target = foreign_folder(tmp_path / "www")
    before = snapshot(target)
    code, out, err = publish(capsys, target, dry_run=dry_run)
    assert code == 1 and out == ""  # nothing listed
    assert err == french(f"Rien n'a été publié : mise en ligne refusée vers {target} : il contient des fichiers que Tribune n'y a pas "
                         "mis (.htaccess, index.html, notes.txt, …) ; donnez un dossier vide, ou ajoutez --adopt pour les garder comme une "
                         "version qui n'est jamais supprimée. Le site en ligne n'a pas changé.\n")
    assert snapshot(target) == before and not releases_of(target).exists()


def test_adopt_keeps_the_folder_as_a_release_that_rollback_reaches_and_pruning_never_deletes(site, tmp_path, capsys):
    target = foreign_folder(tmp_path / "www")
    before = snapshot(target)
    adopted = subprocess.run([sys.executable, "-m", "invoke", "publish", "--target", str(target), "--adopt"],
                             cwd=site, capture_output=True, text=True, timeout=600)
    assert adopted.returncode == 0, adopted.stderr
    assert "Traceback" not in adopted.stdout + adopted.stderr
    kept = releases_of(target) / "adopted"
    assert target.is_symlink() and "Le site d'avant" not in (target / "index.html").read_text()
    assert snapshot(kept) == before  # every file, byte for byte, with its date
    for number in range(1, 5):  # PUBLISH_KEEP_RELEASES is 3
        edit(site, number)
        code, _, err = publish(capsys, target)
        assert code == 0, err
    assert len(release_names(target)) == 4  # the last 3, and the adopted one
    assert snapshot(kept) == before
    for _ in range(3):
        assert commands.run_rollback("publishconf.py", target=str(target)) == 0
    assert target.resolve() == kept and (target / "notes.txt").read_bytes() == b"mes notes"
    assert commands.run_rollback("publishconf.py", target=str(target)) == 1  # nothing before it
    edit(site, 5)
    assert publish(capsys, target)[0] == 0
    assert snapshot(kept) == before


@pytest.mark.parametrize("dry_run", [False, True], ids=["publish", "dry run"])
@pytest.mark.parametrize("target", ["content", "output", "./content/../theme", "www", "..", "{site}", "{link to theme}"])
def test_targets_inside_the_site_are_refused(site, tmp_path, capsys, target, dry_run):
    (tmp_path / "link").symlink_to(site / "theme")
    target = target.format(site=site, **{"link to theme": tmp_path / "link"})
    before = snapshot(tmp_path)
    code, out, err = publish(capsys, target, dry_run=dry_run)
    assert code == 1 and out == "" and "mise en ligne refusée" in err, err
    assert snapshot(tmp_path) == before  # nothing written anywhere, not even a build


def test_a_target_inside_the_git_repository_of_the_site_is_refused(site, tmp_path, capsys):
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)  # the site is a folder of a larger repository
    code, out, err = publish(capsys, tmp_path / "www")
    assert code == 1 and f"il recouvre {tmp_path.resolve()}, qui contient les sources du site" in err
    assert not (tmp_path / "www").exists()


@pytest.mark.parametrize("target", ["~", "/", "~/..", "{home}/../..", "{home}"])
def test_home_and_root_are_refused_before_anything_is_listed(site, tmp_path, capsys, monkeypatch, target):
    home = foreign_folder(tmp_path / "home" / "camille")
    monkeypatch.setenv("HOME", str(home))
    code, out, err = publish(capsys, target.format(home=home), dry_run=True)
    assert code == 1 and out == "" and "mise en ligne refusée" in err


def test_a_killed_deploy_is_cleaned_up_by_the_next_publish(site, tmp_path, capsys):
    target = tmp_path / "www"
    assert publish(capsys, target)[0] == 0
    live, before = target.resolve(), tree(target)
    edit(site, 1)
    child = os.fork()
    if child == 0:  # a publish killed (kill -9) while it writes its release
        copies, copy = [0], shutil.copy2

        def copy_then_die(*args, **kwargs):
            copies[0] += 1
            if copies[0] == 3:
                os.kill(os.getpid(), signal.SIGKILL)
            return copy(*args, **kwargs)

        shutil.copy2 = copy_then_die
        commands.run_publish("publishconf.py", target=str(target))
        os._exit(0)
    assert os.WIFSIGNALED(os.waitpid(child, 0)[1])
    assert target.resolve() == live and tree(target) == before  # readers see the live release, whole
    partial = [p for p in releases_of(target).iterdir() if p.is_dir() and p != live]
    assert len(partial) == 1
    code, _, err = publish(capsys, target)
    assert code == 0, err
    assert release_names(target) == {live.name, target.resolve().name}


def test_a_release_rolled_back_from_is_pruned(site, tmp_path, capsys):
    target = tmp_path / "www"
    first, second = two_releases(site, target, capsys)
    assert commands.run_rollback("publishconf.py", target=str(target)) == 0 and target.resolve() == first
    edit(site, 2)
    assert publish(capsys, target)[0] == 0
    third = target.resolve()
    assert release_names(target) == {first.name, third.name}
    assert not second.exists()
    assert json.loads((releases_of(target) / "history.json").read_text()) == [first.name, third.name]


def test_a_damaged_history_is_reported_before_anything_changes(site, tmp_path, capsys):
    target = tmp_path / "www"
    first, _ = two_releases(site, target, capsys)
    history = releases_of(target) / "history.json"
    history.write_bytes(history.read_bytes()[:12])  # what a full disk, or a kill, leaves of a file written in place
    edit(site, 2)
    link, before = os.readlink(target), snapshot(tmp_path)
    for flags in ({}, {"dry_run": True}):
        code, out, err = publish(capsys, target, **flags)
        assert code == 1 and out == ""
        assert err == french(f"Rien n'a été publié : {history} ne peut pas être lu (il est abîmé : ce n'est pas une liste de noms de "
                             "versions) : supprimez-le pour commencer un nouvel historique (la version en ligne le reste ; les plus "
                             "anciennes sont supprimées à la prochaine mise en ligne, et rollback ne peut plus y revenir), ou "
                             "restaurez-le depuis une sauvegarde. Le site en ligne n'a pas changé.\n")
    assert commands.run_rollback("publishconf.py", target=str(target)) == 1
    _, err = capsys.readouterr()
    assert err.startswith(french(f"Rien n'a été rétabli : {history} ne peut pas être lu (")) and err.count("\n") == 1
    assert os.readlink(target) == link and snapshot(tmp_path) == before
    history.unlink()  # as the message says
    assert publish(capsys, target)[0] == 0
    assert commands.run_rollback("publishconf.py", target=str(target)) == 0
    assert os.readlink(target) == link and target.resolve() != first


def test_publish_never_reads_nor_writes_the_preview_build(site, tmp_path, capsys, monkeypatch):
    from tribune import publish as publishing

    from .conftest import build_site

    build_site(site, "pelicanconf.py", site / "output", search=False)  # `invoke build`: the preview
    assert f'href="{SITE}/' not in (site / "output/index.html").read_text()
    before = snapshot(site / "output"), snapshot(site / "cache")
    seen, real_build = [], publishing.build

    def build_while_invoke_build_runs(*args, **kwargs):
        built = real_build(*args, **kwargs)
        seen.append((snapshot(site / "output"), snapshot(site / "cache")))
        build_site(site, "pelicanconf.py", site / "output", search=False)  # `invoke build` swaps its output in meanwhile
        return built

    monkeypatch.setattr(publishing, "build", build_while_invoke_build_runs)
    target = tmp_path / "www"
    code, _, err = publish(capsys, target)
    assert code == 0, err
    assert seen == [before]  # the production build neither wrote nor read output/ or cache/
    assert f'href="{SITE}/billets/' in (target / "index.html").read_text()  # production URLs
    assert (target / "pagefind/pagefind-entry.json").is_file()  # and the search index


def test_github_pages_refuses_the_branch_checked_out(site, capsys):
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=site, check=True)
    code, out, err = publish(capsys, "github-pages:main", dry_run=True)
    assert code == 1 and out == "" and french("publication refusée sur la branche « main »") in err


@pytest.mark.parametrize("target", ["guilde@web.example:", "guilde@web.example:/", "guilde@web.example:~/"])
def test_rsync_refuses_a_remote_home_or_root(site, capsys, target):
    code, out, err = publish(capsys, target, dry_run=True)
    assert code == 1 and out == "" and french(f'mise en ligne refusée vers « {target.rstrip("/")}/ »') in err


@pytest.mark.parametrize("target", ["/", "", ".", str(Path.home())])
def test_dangerous_targets_are_refused(tmp_path, target):
    with pytest.raises(DeployError, match="mise en ligne refusée"):
        refuse_dangerous(Path(target), tmp_path / "output")


def test_rsync_deletes_after_upload(tmp_path):
    command = Rsync("guilde@web.example:/var/www/guilde").command(tmp_path, dry_run=False)
    assert command[:1] == ["rsync"] and "--delete-after" in command and "--delete" not in command
    assert command[-2:] == [f"{tmp_path}/", "guilde@web.example:/var/www/guilde/"]
    assert "--dry-run" in Rsync("h:/x").command(tmp_path, dry_run=True)


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")
def test_rsync_for_real_to_a_local_folder(tmp_path):
    site, live = tmp_path / "site", tmp_path / "live"
    (site / "a").mkdir(parents=True)
    (site / "a/index.html").write_text("un")
    (site / "b.html").write_text("deux")
    live.mkdir()
    (live / "old.html").write_text("ancien")
    deployer = Rsync(str(live))
    plan = deployer.plan(site)
    assert sorted(plan.added) == ["a/index.html", "b.html"] and plan.removed == ["old.html"]
    deployer.deploy(site, plan)
    assert sorted(p.name for p in live.rglob("*.html")) == ["b.html", "index.html"]
    assert deployer.plan(site).empty


def test_github_pages_branch_with_nojekyll_and_cname(tmp_path):
    repository, site = tmp_path / "repo", tmp_path / "site"
    repository.mkdir()
    site.mkdir()
    (site / "index.html").write_text("<p>Bonjour</p>")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e.x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e.x"}
    os.environ.update({k: v for k, v in env.items() if k.startswith("GIT_")})
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repository, check=True)
    deployer = GitHubPages(branch="gh-pages", cname="guilde.editions-boussole.fr", push=False, repository=repository)
    plan = deployer.plan(site)
    assert plan.added == [".nojekyll", "CNAME", "index.html"]
    deployer.deploy(site, plan)
    files = subprocess.run(["git", "ls-tree", "-r", "--name-only", "gh-pages"], cwd=repository, capture_output=True, text=True).stdout.split()
    assert sorted(files) == [".nojekyll", "CNAME", "index.html"]
    cname = subprocess.run(["git", "show", "gh-pages:CNAME"], cwd=repository, capture_output=True, text=True).stdout
    assert cname.strip() == "guilde.editions-boussole.fr"
    assert deployer.plan(site).empty
    # Names git would quote (a space, accents), in folders: compared by their bytes.
    (site / "docs").mkdir()
    (site / "docs/compte rendu.pdf").write_bytes(b"%PDF-1.4 un")
    (site / "docs/été.html").write_text("<p>Été</p>")
    deployer.deploy(site, deployer.plan(site))
    assert deployer.plan(site).empty
    (site / "index.html").write_text("<p>Bonsoir</p>")
    (site / "docs/compte rendu.pdf").unlink()
    (site / "docs/été.html").write_text("<p>Été</p>")  # the same bytes, written again
    (site / "nouveau.html").write_text("<p>Nouveau</p>")
    plan = deployer.plan(site)
    assert (plan.added, plan.changed, plan.removed) == (["nouveau.html"], ["index.html"], ["docs/compte rendu.pdf"])


def indexed(output: Path) -> dict[str, str]:
    """URL -> language of every page in the Pagefind index (fragments are gzipped JSON)."""
    return {data["url"]: data["meta"].get("type") for data in pagefind_fragments(output / "pagefind").values()}


def test_pagefind_given_only_the_marked_pages_makes_the_bundle_of_the_whole_site(production_site, tmp_path):
    """Pagefind is given the pages that carry data-pagefind-body (hard links, in a scratch
    folder removed afterwards): the bundle is the one it makes of every page, as it is given
    them in the preview's background."""
    from tribune import search

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    marked = search.build_index(production_site.output, tmp_path / "marked/pagefind")
    assert [p.name for p in (tmp_path / "marked").iterdir()] == ["pagefind"]  # the scratch folder is gone
    whole = search.build_index(production_site.output, tmp_path / "whole/pagefind", background=True)
    assert [p.name for p in (tmp_path / "whole").iterdir()] == ["pagefind"]
    assert len(files(marked)) > 20 and files(marked) == files(whole) == files(production_site.output / "pagefind")


def test_a_site_with_no_marked_page_has_every_page_indexed(tmp_path):
    from tribune import search

    site = tmp_path / "site"
    pages = (("index.html", "Accueil", "Un texte à chercher."), ("billets/un/index.html", "Un billet", "Un autre texte."),
             ("billets/theme/index.html", "Le thème", "Il marque le texte : <code>&lt;main data-pagefind-body&gt;</code>"))
    for name, title, text in pages:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(f'<!doctype html><html lang="fr"><head><title>{title}</title></head><body><h1>{title}</h1>'
                                 f"<p>{text}</p></body></html>", encoding="utf-8")
    search.build_index(site)
    assert sorted(indexed(site)) == ["/", "/billets/theme/", "/billets/un/"]  # the words in a text are no mark


def write_page(site: Path, name: str, title: str, marked: bool = True) -> None:
    """A page of a built site, written as a new file as the writer does (never in place)."""
    (site / name).parent.mkdir(parents=True, exist_ok=True)
    (site / name).unlink(missing_ok=True)
    body = f"<main{' data-pagefind-body' if marked else ''}><h1>{title}</h1><p>Un texte à chercher.</p></main>"
    (site / name).write_text(f'<!doctype html><html lang="fr"><head><title>{title}</title></head><body>{body}</body></html>',
                             encoding="utf-8")


def indexed_titles(site: Path) -> dict[str, str]:
    """URL -> title of every page in the site's Pagefind index."""
    return {data["url"]: data["meta"]["title"] for data in pagefind_fragments(site / "pagefind").values()}


def test_a_mark_written_in_capitals_is_a_mark_as_for_pagefind(tmp_path):
    """HTML's attribute names have no case: Pagefind indexes <main DATA-Pagefind-Body>, and so
    is the page given to it; a page that shows the mark as text is not."""
    from tribune import search

    site = tmp_path / "site"
    write_page(site, "billets/un/index.html", "Un")
    (site / "billets/deux").mkdir(parents=True)
    (site / "billets/deux/index.html").write_text('<html lang="fr"><body><main DATA-Pagefind-Body><h1>Deux</h1><p>Texte.</p></main></body></html>',
                                                  encoding="utf-8")
    (site / "billets/trois").mkdir(parents=True)
    (site / "billets/trois/index.html").write_text('<html lang="fr"><body><main><h1>Trois</h1><p>&lt;main DATA-PAGEFIND-BODY&gt;</p></main></body></html>',
                                                   encoding="utf-8")
    search.build_index(site, cache=str(tmp_path / "cache"))
    assert sorted(indexed_titles(site)) == ["/billets/deux/", "/billets/un/"]


def test_the_pages_remembered_as_marked_or_not_are_those_files_only(tmp_path):
    """With a cache, whether each page carries the mark is remembered by file (identity): the
    same files are not read again, a page written again is, whether it lost or gained it."""
    from tribune import search

    site, cache = tmp_path / "site", str(tmp_path / "cache")
    write_page(site, "billets/un/index.html", "Un")
    write_page(site, "billets/deux/index.html", "Deux")
    write_page(site, "etiquettes/index.html", "Étiquettes", marked=False)
    search.build_index(site, cache=cache)
    assert sorted(indexed(site)) == ["/billets/deux/", "/billets/un/"]
    assert not list(site.glob(".pages-to-index-*"))  # the pages Pagefind reads are linked in the cache

    write_page(site, "billets/deux/index.html", "Deux", marked=False)
    write_page(site, "etiquettes/index.html", "Étiquettes")
    shutil.rmtree(site / "pagefind")  # as in a new build's folder
    search.build_index(site, cache=cache)
    assert sorted(indexed(site)) == ["/billets/un/", "/etiquettes/"]


def test_the_pages_given_to_pagefind_stay_linked_in_the_cache_and_are_put_right_each_time(tmp_path):
    """With a cache, the marked pages Pagefind reads are hard links kept in it from one index
    to the next (a publish links only the pages written again): a page kept stays linked, a
    page written again is linked again, a page gone, and a stray file (a mirror left half
    made), are removed with their folders, and the index holds the site's pages as they are."""
    from tribune import search

    site, cache = tmp_path / "site", tmp_path / "cache"
    mirror = cache / "pages-to-index"

    def linked() -> bool:
        return all(os.path.samestat(os.stat(mirror / name), os.stat(site / name)) for name in files_under(mirror))

    write_page(site, "billets/un/index.html", "Un")
    write_page(site, "billets/deux/index.html", "Deux")
    write_page(site, "billets/trois/index.html", "Trois")
    search.build_index(site, cache=str(cache))
    assert sorted(files_under(mirror)) == ["billets/deux/index.html", "billets/trois/index.html", "billets/un/index.html"]
    assert linked()
    kept = os.stat(mirror / "billets/trois/index.html").st_ino

    write_page(site, "billets/un/index.html", "Un, revu")
    shutil.rmtree(site / "billets/deux")
    stray = mirror / "billets/intrus/index.html"
    stray.parent.mkdir()
    stray.write_text('<html lang="fr"><body><main data-pagefind-body><h1>Intrus</h1></main></body></html>', encoding="utf-8")
    shutil.rmtree(site / "pagefind")  # as in a new build's folder
    search.build_index(site, cache=str(cache))
    assert indexed_titles(site) == {"/billets/un/": "Un, revu", "/billets/trois/": "Trois"}
    assert sorted(files_under(mirror)) == ["billets/trois/index.html", "billets/un/index.html"] and linked()
    assert not (mirror / "billets/deux").exists() and not (mirror / "billets/intrus").exists()
    assert os.stat(mirror / "billets/trois/index.html").st_ino == kept


@pytest.mark.parametrize("damage", ["the folder a link", "a folder in it a link", "a link to a file in it", "a folder where a page goes", "a pipe in it"])
def test_a_damaged_folder_of_pages_to_index_is_made_again_and_nothing_outside_it_is_touched(tmp_path, damage):
    """The cache is the user's to break: whatever stands in the folder of pages Pagefind reads
    (links that lead out of it, a folder where a page goes, a pipe), the next index removes
    it without following a link, makes the folder again, and indexes the site's pages."""
    from tribune import search

    site, cache, elsewhere = tmp_path / "site", tmp_path / "cache", tmp_path / "ailleurs"
    mirror = cache / "pages-to-index"
    write_page(site, "billets/un/index.html", "Un")
    write_page(site, "membres/lea/index.html", "Léa")
    (elsewhere / "precieux").mkdir(parents=True)
    (elsewhere / "precieux/notes.txt").write_text("à garder", encoding="utf-8")
    search.build_index(site, cache=str(cache))
    if damage == "the folder a link":
        shutil.rmtree(mirror)
        mirror.symlink_to(elsewhere)
    elif damage == "a folder in it a link":
        shutil.rmtree(mirror / "membres")
        (mirror / "membres").symlink_to(elsewhere)
    elif damage == "a link to a file in it":
        (mirror / "billets/un/index.html").unlink()
        (mirror / "billets/un/index.html").symlink_to(elsewhere / "precieux/notes.txt")
    elif damage == "a folder where a page goes":
        (mirror / "membres/lea/index.html").unlink()
        (mirror / "membres/lea/index.html").mkdir()
    else:
        os.mkfifo(mirror / "billets/tube")
    shutil.rmtree(site / "pagefind")
    search.build_index(site, cache=str(cache))
    assert indexed_titles(site) == {"/billets/un/": "Un", "/membres/lea/": "Léa"}
    assert sorted(str(p.relative_to(elsewhere)) for p in elsewhere.rglob("*")) == ["precieux", "precieux/notes.txt"]
    assert (elsewhere / "precieux/notes.txt").read_text(encoding="utf-8") == "à garder"
    assert not mirror.is_symlink() and sorted(files_under(mirror)) == ["billets/un/index.html", "membres/lea/index.html"]


def test_pages_to_index_are_linked_beside_the_bundle_when_the_cache_is_on_another_disk(tmp_path, monkeypatch):
    """A cache on another file system could only hold copies of every page, made again at
    each publish: the pages are then linked in a temporary folder beside the bundle."""
    from tribune import search

    memory = Path("/dev/shm")
    if not memory.is_dir() or os.stat(memory).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second file system here")
    site, cache = tmp_path / "site", Path(tempfile.mkdtemp(dir=memory))
    try:
        write_page(site, "billets/un/index.html", "Un")
        placed, place = [], trees.place
        monkeypatch.setattr(trees, "place", lambda page, copy: placed.append(copy) or place(page, copy))
        search.build_index(site, cache=str(cache))
        assert indexed_titles(site) == {"/billets/un/": "Un"}
        assert [copy.parent.parent.parent.parent for copy in placed] == [site] and not (cache / "pages-to-index").exists()
        assert sorted(p.name for p in site.iterdir()) == ["billets", "pagefind"]  # the temporary folder is gone
    finally:
        shutil.rmtree(cache)


def test_pagefind_failing_is_a_search_index_error_with_its_reason(tmp_path, monkeypatch):
    """Pagefind (its binary, run as it is) cannot write its bundle where a file stands: the
    build is told why, in one error, without the backtrace Pagefind prints where
    RUST_BACKTRACE is set."""
    from tribune import search

    monkeypatch.setenv("RUST_BACKTRACE", "1")
    site = tmp_path / "site"
    (site / "billets/un").mkdir(parents=True)
    (site / "billets/un/index.html").write_text('<html lang="fr"><body><main data-pagefind-body><h1>Un</h1></main></body></html>',
                                                encoding="utf-8")
    (tmp_path / "occupé").write_text("un fichier", encoding="utf-8")
    with pytest.raises(search.SearchIndexError) as stopped:
        search.build_index(site, tmp_path / "occupé")
    message = str(stopped.value)
    assert str(site) in message and "File exists" in message and "backtrace" not in message.lower()



@pytest.mark.parametrize("cache_in", ["the site", "the folder of pages"])
def test_pages_to_index_are_never_kept_in_the_site_nor_the_site_in_them(tmp_path, cache_in):
    """A cache folder given inside the site (or a site inside the folder of pages): the pages
    are linked in a temporary folder, the site is indexed as it is, and nothing of it goes."""
    from tribune import search

    site = tmp_path / "cache/pages-to-index/site" if cache_in == "the folder of pages" else tmp_path / "site"
    cache = tmp_path / "cache" if cache_in == "the folder of pages" else site
    write_page(site, "billets/un/index.html", "Un")
    write_page(site, "billets/deux/index.html", "Deux")
    for _ in range(2):
        shutil.rmtree(site / "pagefind", ignore_errors=True)
        search.build_index(site, cache=str(cache))
        assert indexed_titles(site) == {"/billets/un/": "Un", "/billets/deux/": "Deux"}
        assert sorted(p.name for p in (site / "billets").iterdir()) == ["deux", "un"]
    assert not (site / "pages-to-index").exists() and not list(site.glob(".pages-to-index-*"))

def test_pagefind_looked_for_where_pagefind_says_and_not_found_is_said(tmp_path, monkeypatch):
    """PAGEFIND_BINARY_PATH comes first, as in pagefind's own lookup; a program that is not
    there stops the index with one line naming it, not an OSError's traceback."""
    from tribune import search

    write_page(tmp_path / "site", "billets/un/index.html", "Un")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "absent" / "pagefind"))
    with pytest.raises(search.SearchIndexError) as stopped:
        search.build_index(tmp_path / "site")
    assert str(tmp_path / "absent" / "pagefind") in str(stopped.value) and len(str(stopped.value).splitlines()) == 1

def test_the_search_index_holds_what_readers_may_find(production_site):
    pages = indexed(production_site.output)
    assert pages["/billets/ete-a-montreal-l-equipe/"] == "Billet"
    assert pages["/charte/"] == "Page"
    assert pages["/membres/lea-fontaine/"] == "Membre"
    assert pages["/evenements/soiree-jeux-quebecoise-en-ligne/"] == "Rendez-vous"
    assert pages["/lettre/2026-11/"] == "Lettre"
    assert pages["/en/posts/bienvenue-dans-la-guilde-boussole/"] == "Post"
    for excluded in ("/", "/page/2/", "/archives/", "/categories/coulisses/", "/etiquettes/pollen/", "/membres/",
                     "/evenements/", "/lettre/", "/recherche/", "/404.html", "/auteurs/camille-rousseau/"):
        assert excluded not in pages, excluded
    assert not [url for url in pages if "campagne" in url]  # the draft
    entry = json.loads((production_site.output / "pagefind/pagefind-entry.json").read_text())
    assert set(entry["languages"]) == {"fr", "en"}  # French stemming for French pages, English for English ones


def test_hidden_pages_and_withdrawn_members_are_not_indexed(site, tmp_path):
    from .conftest import build_site

    (site / "content/pages/cachee.md").write_text("Title: Cachée\nSlug: cachee\nStatus: hidden\nSummary: Rien.\n\nTexte.\n", encoding="utf-8")
    member = site / "content/members/hugo-marchand.md"
    member.write_text(member.read_text(encoding="utf-8").replace("Consent: 2026-02-05", "Consent: 2026-02-05\nConsent-Withdrawn: 2026-11-20"), encoding="utf-8")
    built = build_site(site, "publishconf.py", tmp_path / "out")
    pages = indexed(built.output)
    assert "/cachee/" not in pages and "/membres/hugo-marchand/" not in pages and "/membres/lea-fontaine/" in pages


def test_a_real_query_in_headless_chromium(local_site):
    with chromium_on(local_site.output) as (browser, base):
        page = browser.new_page()
        page.goto(f"{base}recherche/?q=abeilles")
        page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
        titles = [a.inner_text() for a in page.query_selector_all(".pagefind-ui__result-link")]
        shown = page.inner_text("#recherche")
        label = page.get_attribute(".pagefind-ui__search-input", "aria-label")
        page.goto(f"{base}en/search/?q=welcome")  # English, on the English index
        page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
        english = [a.inner_text() for a in page.query_selector_all(".pagefind-ui__result-link")]
    assert "Billet · De l’esquisse à la boîte\u202f: l’illustration de «\u202fPollen\u202f»" in titles  # "abeilles" found by French stemming
    assert any(title.startswith("Rendez-vous · ") for title in titles)
    assert "type" not in shown.lower()  # the type is in the title, not listed again under it
    assert label == "Rechercher sur le site"  # Pagefind's field has a title only (axe: label-title-only)
    assert "Post · Welcome to the Boussole Guild!" in english


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")
def test_a_built_site_deployed_by_rsync_stays_readable_by_the_web_server(site_copy, tmp_path):
    """rsync --archive gives the web root the mode of the built folder: it must not be 0700."""
    from tribune.build import build, load_site

    built = build(load_site(site_copy / "pelicanconf.py", OUTPUT_PATH=str(tmp_path / "built"))).output
    live = tmp_path / "www"
    live.mkdir(mode=0o755)
    deployer = Rsync(str(live))
    deployer.deploy(built, deployer.plan(built))
    assert live.stat().st_mode & 0o777 == 0o777 & ~_umask()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_an_empty_target_is_refused_not_taken_for_publish_target(site, capsys, tmp_path):
    """`invoke publish --target "$DEPLOY_DIR"` with the variable unset must not reach production."""
    production = tmp_path / "prod"
    with (site / "publishconf.py").open("a", encoding="utf-8") as conf:
        conf.write(f'\nPUBLISH_TARGET = "{production}"\n')
    for run in (lambda: publish(capsys, "  "), lambda: publish(capsys, "", dry_run=True)):
        code, out, err = run()
        assert code == 1 and french("--target est vide :") in err, err
    assert commands.run_rollback("publishconf.py", target="") == 1
    assert not production.exists()


def test_adopt_refuses_releases_of_another_target_and_a_working_copy(site, capsys, tmp_path):
    live = tmp_path / "www" / "q"
    live.parent.mkdir()
    assert publish(capsys, live)[0] == 0
    releases = live.parent / ".q.releases"
    for target in (releases, Path(os.path.realpath(live))):
        code, out, err = publish(capsys, target, adopt=True)
        assert code == 1 and "reprise de" in err and french("ce sont les versions Tribune d'une autre cible") in err, err
    assert (live / "index.html").is_file()  # the other site is still online
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    (repository / "notes.txt").write_text("mes notes")
    code, out, err = publish(capsys, repository, adopt=True, dry_run=True)
    assert code == 1 and french("c'est une copie de travail Git") in err
    assert (repository / "notes.txt").read_text() == "mes notes"
