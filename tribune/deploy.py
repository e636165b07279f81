"""Deploy a built site to its target, never leaving readers a mix of two versions.

Three kinds of target, named in publishconf.py (PUBLISH_TARGET) or by `invoke publish --target`:

- a local folder (``/var/www/guilde``): the web server's document root is a symbolic link to
  a release folder kept beside it; a new release is written in full next to the live one
  (unchanged files hard-linked from it), then the link is switched with one atomic rename.
  The previous release is kept, and :func:`rollback` switches back to it;
- ``user@host:/path``: rsync over SSH, deleting files that no longer exist after the upload;
- ``github-pages`` (or ``github-pages:branch``): a commit on the GitHub Pages branch with
  ghp-import, with a .nojekyll file and the CNAME from GITHUB_PAGES_CNAME.

Every deployer first lists what it would add, change and remove (the dry run stops there).
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path


class DeployError(Exception):
    """The deploy failed or was refused; the live site is as it was."""


@dataclass
class Plan:
    """What a deploy changes on its target, by path relative to the site."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def listing(self) -> str:
        lines = [f"+ {p}" for p in self.added] + [f"~ {p}" for p in self.changed] + [f"- {p}" for p in self.removed]
        return "\n".join(lines) or "(nothing to change)"

    def counts(self) -> str:
        return f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed"


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path | None) -> dict[str, Path]:
    if root is None or not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}


def compare(site: Path, live: Path | None) -> Plan:
    """Files added, changed (by content) and removed between the live folder and the new site."""
    new, old = _files(site), _files(live)
    plan = Plan()
    for relative, path in sorted(new.items()):
        if relative not in old:
            plan.added.append(relative)
        elif path.stat().st_size != old[relative].stat().st_size or _digest(path) != _digest(old[relative]):
            plan.changed.append(relative)
    plan.removed = sorted(set(old) - set(new))
    return plan


def refuse_dangerous(target: Path, site: Path) -> None:
    """Never deploy over something that is not a site's own folder."""
    resolved = target.expanduser().resolve()
    home = Path.home().resolve()
    forbidden = {Path("/"), home, Path.cwd().resolve()}
    if str(target).strip() in ("", ".") or resolved in forbidden or resolved in home.parents:
        raise DeployError(f'refusing to deploy to "{target}": give the web server’s own folder, e.g. /var/www/guilde')
    if resolved == site.resolve() or site.resolve() in resolved.parents or resolved in site.resolve().parents:
        raise DeployError(f'refusing to deploy to "{target}": it overlaps the built site {site}')


class LocalFolder:
    """Atomic releases on this machine: the target is a symbolic link to the live release."""

    kind = "local folder"

    def __init__(self, target: Path, keep: int = 3, progress=None):
        self.target = target.expanduser().absolute()
        self.releases = self.target.parent / f".{self.target.name}.releases"
        self.history = self.releases / "history.json"
        self.keep = keep
        self.progress = progress or (lambda done, total: None)

    def live(self) -> Path | None:
        if self.target.is_symlink():
            return self.target.resolve()
        return self.target if self.target.is_dir() else None

    def plan(self, site: Path) -> Plan:
        return compare(site, self.live())

    def _history(self) -> list[str]:
        return json.loads(self.history.read_text()) if self.history.is_file() else []

    def _switch(self, release: Path) -> None:
        """Point the target at ``release`` with one rename: readers see one version or the other."""
        temporary = self.target.parent / f".{self.target.name}.switch"
        if temporary.is_symlink() or temporary.exists():
            temporary.unlink()
        temporary.symlink_to(release)
        os.replace(temporary, self.target)

    def deploy(self, site: Path, plan: Plan) -> None:
        refuse_dangerous(self.target, site)
        self.releases.mkdir(parents=True, exist_ok=True)
        live = self.live()
        if live is not None and not self.target.is_symlink():
            # First deploy over a plain folder: it becomes the first release (a brief switch).
            adopted = self.releases / "initial"
            self.target.rename(adopted)
            self._switch(adopted)
            self.history.write_text(json.dumps([adopted.name]))
            live = adopted
        name = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"
        release = self.releases / name
        unchanged = set(_files(site)) - set(plan.added) - set(plan.changed)
        files = sorted(_files(site).items())
        for count, (relative, source) in enumerate(files, start=1):
            destination = release / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            if relative in unchanged and live is not None:
                os.link(live / relative, destination)  # the same file, untouched
            else:
                shutil.copy2(source, destination)
            self.progress(count, len(files))
        self._switch(release)
        history = self._history() + [name]
        self.history.write_text(json.dumps(history))
        for old in history[: -self.keep]:
            shutil.rmtree(self.releases / old, ignore_errors=True)
        self.history.write_text(json.dumps(history[-self.keep:]))

    def rollback(self) -> str:
        history = self._history()
        live = self.live()
        if len(history) < 2 or live is None:
            raise DeployError(f"no previous release of {self.target} to go back to")
        current = history.index(live.name) if live.name in history else len(history) - 1
        if current == 0:
            raise DeployError(f"{self.target} is already at its oldest kept release ({live.name})")
        previous = history[current - 1]
        self._switch(self.releases / previous)
        self.history.write_text(json.dumps(history[: current]))
        return previous


class Rsync:
    """rsync over SSH: upload, then delete what no longer exists (--delete-after)."""

    kind = "rsync"

    def __init__(self, destination: str):
        self.destination = destination.rstrip("/") + "/"

    def command(self, site: Path, dry_run: bool) -> list[str]:
        return ["rsync", "--archive", "--compress", "--checksum", "--delete-after", "--itemize-changes",
                *(["--dry-run"] if dry_run else []), f"{site}/", self.destination]

    def _run(self, site: Path, dry_run: bool) -> str:
        if shutil.which("rsync") is None:
            raise DeployError("rsync is not installed on this machine (apt-get install rsync)")
        result = subprocess.run(self.command(site, dry_run), capture_output=True, text=True, timeout=3600)
        if result.returncode != 0:
            raise DeployError(f"rsync to {self.destination} failed: {result.stderr.strip()[:500]}")
        return result.stdout

    def plan(self, site: Path) -> Plan:
        plan = Plan()
        for line in self._run(site, dry_run=True).splitlines():
            change, _, path = line.partition(" ")
            if change.startswith("*deleting"):
                plan.removed.append(path.strip())
            elif change[:2] in ("<f", ">f"):
                (plan.added if "+++++++" in change else plan.changed).append(path.strip())
        return plan

    def deploy(self, site: Path, plan: Plan) -> None:
        self._run(site, dry_run=False)


class GitHubPages:
    """A commit on the GitHub Pages branch (ghp-import), with .nojekyll and CNAME, pushed."""

    kind = "GitHub Pages"

    def __init__(self, branch: str = "gh-pages", cname: str | None = None, push: bool = True, repository: Path | None = None):
        self.branch, self.cname, self.push = branch, cname, push
        self.repository = repository or Path.cwd()

    def _git(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=self.repository, capture_output=True, text=True)

    def plan(self, site: Path) -> Plan:
        listing = self._git("ls-tree", "-r", "--name-only", self.branch)
        old = set(listing.stdout.split()) if listing.returncode == 0 else set()
        new = set(_files(site)) | {".nojekyll"} | ({"CNAME"} if self.cname else set())
        plan = Plan(added=sorted(new - old), removed=sorted(old - new))
        for relative in sorted(new & old & set(_files(site))):
            blob = self._git("hash-object", str(site / relative)).stdout.strip()
            if blob != self._git("rev-parse", f"{self.branch}:{relative}").stdout.strip():
                plan.changed.append(relative)
        return plan

    def deploy(self, site: Path, plan: Plan) -> None:
        from ghp_import import GhpError, ghp_import

        previous = Path.cwd()
        try:
            os.chdir(self.repository)  # ghp-import works on the repository of the current folder
            ghp_import(str(site.resolve()), mesg="Publish the site", branch=self.branch, nojekyll=True, cname=self.cname, push=self.push)
        except GhpError as error:
            raise DeployError(f"GitHub Pages: {error.message}") from error
        finally:
            os.chdir(previous)


def deployer_for(target: str, settings: dict, progress=None):
    """The deployer a PUBLISH_TARGET names: github-pages[:branch], [user@]host:/path, or a folder."""
    target = (target or "").strip()
    if not target:
        raise DeployError("no target: set PUBLISH_TARGET in publishconf.py or give --target")
    if target == "github-pages" or target.startswith("github-pages:"):
        branch = target.partition(":")[2] or "gh-pages"
        return GitHubPages(branch=branch, cname=settings.get("GITHUB_PAGES_CNAME"))
    if re.match(r"^([\w.-]+@)?[\w.-]+:", target):
        return Rsync(target)
    return LocalFolder(Path(target), keep=int(settings.get("PUBLISH_KEEP_RELEASES", 3)), progress=progress)
