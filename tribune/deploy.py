"""Deploy a built site to its target, never leaving readers a mix of two versions, and never
destroying files Tribune did not write.

Three kinds of target, named in publishconf.py (PUBLISH_TARGET) or by `invoke publish --target`:

- a local folder (``/var/www/guilde``): the web server's document root is a symbolic link to
  a release folder kept beside it (``/var/www/.guilde.releases/``, marked as Tribune's by the
  file :data:`MARKER`); a new release is written in full next to the live one (unchanged files
  hard-linked from it), then the link is switched with one atomic rename. The last releases are
  kept, and :meth:`LocalFolder.rollback` switches back to the previous one. Tribune deploys
  only to a folder that is absent, empty or its own; ``adopt`` keeps a folder's existing
  contents as the release :data:`ADOPTED`, never deleted;
- ``user@host:/path``: rsync over SSH, deleting files that no longer exist after the upload;
- ``github-pages`` (or ``github-pages:branch``): a commit on the GitHub Pages branch with
  ghp-import, with a .nojekyll file and the CNAME from GITHUB_PAGES_CNAME.

Every deployer first refuses a target it must not write to (``preflight``, which the dry run
makes too), then lists what it would add, change and remove (the dry run stops there).
"""

import ctypes
import errno
import filecmp
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tribune import removal
from tribune.errors import describe_os_error
from tribune.i18n import _
from tribune.trees import files_under, identity


class DeployError(Exception):
    """The deploy failed or was refused; the live site is as it was."""


@dataclass
class Plan:
    """What a deploy changes on its target, by path relative to the site."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    against: str | None = None  # a local folder's: the name of the live release compared with
    same: dict[str, list] = field(default_factory=dict, repr=False)  # compare(): the identities of the pairs found the same

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def listing(self) -> str:
        lines = [f"+ {p}" for p in self.added] + [f"~ {p}" for p in self.changed] + [f"- {p}" for p in self.removed]
        return "\n".join(lines) or _("(nothing to change)")

    def counts(self) -> str:
        return _("{added} added, {changed} changed, {removed} removed", added=len(self.added), changed=len(self.changed), removed=len(self.removed))


def compare(site: Path, live: Path | None, known: dict[str, list] | None = None) -> Plan:
    """Files added, changed (by content) and removed between the live folder and the new site.

    ``known``: by relative path, the identities (:func:`identity`) of a site file and of a live
    file last found to hold the same bytes; a pair whose two files are still those is not read
    again. A publish's build keeps each page it did not render again as the same file (a hard
    link to the previous build's), so after one post changed only the pages rendered again are
    read here (reading both trees in full: a third of a publish's own work at 1 000 posts)."""
    new, old = files_under(site), files_under(live)
    known = known or {}
    plan = Plan()
    for relative, path in sorted(new.items()):
        if relative not in old:
            plan.added.append(relative)
            continue
        pair = [identity(path), identity(old[relative])]
        if known.get(relative) == pair or filecmp.cmp(path, old[relative], shallow=False):  # sizes, then the bytes side by side
            plan.same[relative] = pair
        else:
            plan.changed.append(relative)
    plan.removed = sorted(set(old) - set(new))
    return plan


MARKER = ".tribune-site"
"""The file that marks a releases folder as Tribune's, written before anything else in it. It
lives in the releases folder, not in a release: the target is a link to a release, and a file
in a release would be served to readers and listed as a change by every publish."""

COMPARED = "compared.json"
"""In the releases folder: the files of the live release and of the site last deployed to it,
found to hold the same bytes, by their identities; the next plan reads only the others."""

ADOPTED = "adopted"
"""The release that holds what a folder held when Tribune took it over (``--adopt``)."""

_NEVER_PRUNED = (ADOPTED, "initial")  # "initial": the name older Tribunes gave a folder they took over
_RELEASE_NAME = re.compile(r"^\d{8}-\d{6}-\w+$")  # what Tribune names a release (prune deletes no other)
_PARTIAL = ".partial-"  # a file being written in place of history.json
_REMOVING = ".removing-"  # a release being deleted
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2  # from <fcntl.h> and <linux/fs.h>


def refuse_dangerous(target: Path, *keep_out: Path) -> None:
    """Never deploy to /, the home folder or its parents, the current folder, nor over or
    inside the folders of ``keep_out`` (the site's sources, its build). Paths are compared once
    ~, .., and symbolic links are resolved, both where the target is and where it leads."""
    if str(target).strip() in ("", "."):
        raise DeployError(_('refusing to deploy to "{target}": give the web server’s own folder, e.g. /var/www/guilde', target=target))
    location = _location(target)
    places = {location, Path(os.path.realpath(location))}
    home = Path.home().resolve()
    if places & {home, Path.cwd().resolve(), *home.parents}:
        raise DeployError(_('refusing to deploy to "{target}": give the web server’s own folder, e.g. /var/www/guilde', target=target))
    for folder in (folder.resolve() for folder in keep_out):
        if any(place == folder or folder in place.parents or place in folder.parents for place in places):
            raise DeployError(_('refusing to deploy to "{target}": it overlaps {folder}, which holds the site’s sources or its build; '
                                'give the web server’s own folder, e.g. /var/www/guilde', target=target, folder=folder))


def _location(target: Path) -> Path:
    """Where ``target`` is, ~ expanded and the folders above it resolved (.., links), but not
    resolved itself: it is the link to the live release."""
    target = Path(target).expanduser()
    if target.name in ("", ".."):
        return target.resolve()
    return target.parent.resolve() / target.name


def few_files_of(folder: Path) -> str:
    """A few of a folder's entries, to name in a message: "notes.txt, photos/, …"."""
    entries = sorted(folder.iterdir())
    names = [entry.name + ("/" if entry.is_dir() else "") for entry in entries[:3]]
    return ", ".join(names + (["…"] if len(entries) > 3 else []))


def _write_synced(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as stream:
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` at once: a temporary file in the same folder, synced to disk,
    then renamed over it, so that a kill or a crash leaves the old file or the new one, whole."""
    partial = path.with_name(f"{_PARTIAL}{path.name}-{secrets.token_hex(4)}")
    try:
        _write_synced(partial, text)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself
    finally:
        os.close(folder)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux's renameat2 with RENAME_EXCHANGE): no instant sees
    either missing. False where the system or the file system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except AttributeError:  # not Linux, or a C library older than glibc 2.28
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


@dataclass
class _State:
    """What a local folder target holds now, once it was found fit to deploy to."""

    live: Path | None  # the folder readers are served (None: nothing yet)
    history: list[str] = field(default_factory=list)  # releases that were live, oldest first, the live one last
    adopting: bool = False  # the target is a plain folder whose contents become the adopted release


class LocalFolder:
    """Atomic releases on this machine: the target is a symbolic link to the live release."""

    @property
    def kind(self) -> str:
        return _("local folder")

    def __init__(self, target: Path, keep: int = 3, progress=None, adopt: bool = False, keep_out: tuple[Path, ...] = ()):
        self.given = Path(target)
        self.target = _location(target)
        self.releases = self.target.parent / f".{self.target.name}.releases"
        self.history = self.releases / "history.json"
        self.compared = self.releases / COMPARED
        self.marker = self.releases / MARKER
        self.keep = max(1, keep)
        self.adopt = adopt
        self.keep_out = tuple(keep_out)
        self.progress = progress or (lambda done, total: None)

    def preflight(self, site: Path) -> None:
        """Refuse a target Tribune must not write to, before anything is built or listed."""
        self._inspect(site)

    def plan(self, site: Path) -> Plan:
        live = self._inspect(site).live
        plan = compare(site, live, self._compared(live))
        plan.against = live.name if live is not None else None
        return plan

    def _compared(self, live: Path | None) -> dict[str, list]:
        """The identities recorded in :data:`COMPARED` for ``live``, if it is the release they
        were recorded for (else nothing: every file is read)."""
        try:
            recorded = json.loads(self.compared.read_text(encoding="utf-8"))
            return recorded["files"] if live is not None and recorded["release"] == live.name and isinstance(recorded["files"], dict) else {}
        except Exception:  # noqa: BLE001 - none yet, or damaged (even too deeply nested to parse): every file is read
            return {}

    def _record_compared(self, site: Path, release: Path, plan: Plan, live: Path | None) -> None:
        """Record, for ``release`` (whose files all hold the bytes of the site's: copied from
        it, or compared with it), the identities of each pair of files, for the next plan; only
        when ``plan`` was made against ``live``, the release the unchanged files come from."""
        if plan.against != (live.name if live is not None else None):
            self.compared.unlink(missing_ok=True)
            return
        files = dict(plan.same)  # a file unchanged is the live one, hard-linked: the same identity
        for relative in (*plan.added, *plan.changed):
            files[relative] = [identity(site / relative), identity(release / relative)]
        write_atomically(self.compared, json.dumps({"release": release.name, "files": files}, separators=(",", ":")))

    def _ours(self) -> bool:
        """The releases folder is Tribune's: marked, or with the history that Tribunes before
        the marker wrote."""
        return self.marker.is_file() or self.history.is_file()

    def _inspect(self, *keep_out: Path) -> _State:
        """Every refusal, then what the target holds. Reads history.json: a damaged one stops
        here, before anything is written."""
        refuse_dangerous(self.given, *keep_out, *self.keep_out)
        if self.releases.exists() and not (self.releases.is_dir() and (self._ours() or not any(self.releases.iterdir()))):
            found = few_files_of(self.releases) if self.releases.is_dir() else _("a file")
            raise DeployError(_("refusing to deploy to {target}: {releases}, where Tribune keeps its releases, holds what Tribune did not put "
                                "there ({found}); move it away", target=self.target, releases=self.releases, found=found))
        if self.target.is_symlink():
            live = Path(os.path.realpath(self.target))
            if live.parent != self.releases.resolve() or not self._ours():
                raise DeployError(_("refusing to deploy to {target}: it is a link to {live}, which Tribune did not make; remove the link, "
                                    "or give an empty folder", target=self.target, live=live))
            return _State(live, self._read_history(live))
        if self.target.exists() and not self.target.is_dir():
            raise DeployError(_("refusing to deploy to {target}: it is a file, not a folder", target=self.target))
        history = self._read_history(None) if self._ours() else []
        if not self.target.is_dir() or not any(self.target.iterdir()):
            return _State(None, history)
        if not self.adopt:
            raise DeployError(_("refusing to deploy to {target}: it holds files Tribune did not put there ({found}); give an empty folder, "
                                "or add --adopt to keep them as a release that is never deleted", target=self.target, found=few_files_of(self.target)))
        if (self.releases / ADOPTED).is_dir():
            raise DeployError(_("refusing to deploy to {target}: {adopted} already holds the files of a folder taken over before; move one "
                                "of them away", target=self.target, adopted=self.releases / ADOPTED))
        self._refuse_to_adopt_what_is_not_a_site()
        return _State(self.target, history, adopting=True)

    def _refuse_to_adopt_what_is_not_a_site(self) -> None:
        """--adopt takes over a web server's folder, never Tribune's own releases (another
        site's live release would vanish under it) nor a working copy of a repository."""
        real = self.target.resolve()
        for folder in (real, *real.parents):
            if (folder / MARKER).is_file():
                raise DeployError(_("refusing to adopt {target}: it is Tribune's releases of another target ({folder}); give that target "
                                    "instead", target=self.target, folder=folder))
        if (real / ".git").exists():
            raise DeployError(_("refusing to adopt {target}: it is a Git working copy, not a web server's folder", target=self.target))

    def _read_history(self, live: Path | None) -> list[str]:
        """The releases that were live, oldest first, ending with ``live``: the adopted one
        first, releases that are gone left out, those after the live one (never switched to,
        or rolled back from) dropped."""
        try:
            names = json.loads(self.history.read_text(encoding="utf-8")) if self.history.is_file() else []
            if not isinstance(names, list) or not all(isinstance(name, str) and name == Path(name).name and name not in ("", ".", "..") for name in names):
                raise ValueError("not a list of release names")
        except (OSError, ValueError) as error:  # a JSON or UTF-8 decoding error is a ValueError
            reason = describe_os_error(error) if isinstance(error, OSError) else _("it is damaged: not a list of release names")
            raise DeployError(_("{history} cannot be read ({reason}): delete it to start a new history (the live release stays online; the older "
                                "ones are deleted at the next publish, so rollback cannot reach them), or restore it from a backup", history=self.history, reason=reason)) from error
        names = [name for name in dict.fromkeys(names) if (self.releases / name).is_dir()]
        names = [name for name in _NEVER_PRUNED if name not in names and (self.releases / name).is_dir()] + names
        if live is None:
            return names
        return names[: names.index(live.name) + 1] if live.name in names else names + [live.name]

    def _kept(self, history: list[str]) -> list[str]:
        """The history trimmed to the last ``keep`` releases, and the adopted one."""
        return [name for name in history if name in _NEVER_PRUNED] + [name for name in history if name not in _NEVER_PRUNED][-self.keep:]

    def _claim(self) -> None:
        """Mark the releases folder as Tribune's, before anything else is written in it. The
        marker is written in place: a kill while writing it still leaves a marker."""
        self.releases.mkdir(parents=True, exist_ok=True)
        if not self.marker.is_file():
            _write_synced(self.marker, f"Tribune's releases of the site at {self.target} (invoke publish).\nOld releases are deleted here: put nothing else in this folder.\n")

    def _adopt(self) -> None:
        """Make the plain folder at the target the release ADOPTED, the target a link to it."""
        adopted = self.releases / ADOPTED
        if adopted.is_symlink():
            adopted.unlink()  # left by a deploy killed before the swap below
        # A link to itself, swapped with the folder: the target becomes a link to the folder,
        # now at the link's place. One step: readers are never without a site.
        adopted.symlink_to(adopted)
        if not _exchange(adopted, self.target):
            adopted.unlink()
            self.target.rename(adopted)
            self._switch(adopted)

    def _switch(self, release: Path) -> None:
        """Point the target at ``release`` with one rename: readers see one version or the other."""
        temporary = self.target.parent / f".{self.target.name}.switch"
        if temporary.is_dir() and not temporary.is_symlink():
            temporary.rmdir()  # the empty folder a deploy killed just after the swap below left
        elif temporary.is_symlink() or temporary.exists():
            temporary.unlink()
        temporary.symlink_to(release)
        if self.target.is_dir() and not self.target.is_symlink():  # an empty folder, at the first deploy
            if _exchange(temporary, self.target):
                temporary.rmdir()
                return
            self.target.rmdir()
        os.replace(temporary, self.target)

    def _write_release(self, site: Path, plan: Plan, live: Path | None) -> Path:
        """A complete new release beside the live one, unchanged files hard-linked from it."""
        release = self.releases / f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}"
        release.mkdir()
        files = sorted(files_under(site).items())
        fresh = {*plan.added, *plan.changed}
        folders = {""}
        # Paths as strings: a Path for each of 5 000 files was half of this loop.
        for count, (relative, source) in enumerate(files, start=1):
            folder, _slash, _name = relative.rpartition("/")
            if folder not in folders:
                os.makedirs(os.path.join(release, folder), exist_ok=True)
                folders.add(folder)
            destination = os.path.join(release, relative)
            if relative not in fresh and live is not None:
                os.link(os.path.join(live, relative), destination)  # the same file, untouched
            else:
                shutil.copy2(source, destination)
            self.progress(count, len(files))
        return release

    def _prune(self, history: list[str], live: Path | None) -> None:
        """Delete the releases neither kept in ``history``, adopted nor live: older ones, those
        rolled back from, and those a killed deploy left half-written. Each is renamed out of
        the releases' names first (one step), then deleted in the background: unlinking a
        release's thousands of files took half a second of every publish."""
        kept = {*history, *_NEVER_PRUNED, *([live.name] if live else [])}
        for entry in self.releases.iterdir():
            if entry.name in kept:
                continue
            if _RELEASE_NAME.match(entry.name) and entry.is_dir() and not entry.is_symlink():
                doomed = self.releases / f"{_REMOVING}{entry.name}"
                try:
                    entry.rename(doomed)
                except OSError:  # the site is switched already: this must not fail the publish
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    removal.remove_in_background(doomed)
            elif entry.name.startswith(_REMOVING) and entry.is_dir() and not entry.is_symlink():
                removal.remove_in_background(entry)  # a removal cut short
            elif entry.name.startswith(_PARTIAL):
                entry.unlink(missing_ok=True)

    def deploy(self, site: Path, plan: Plan) -> None:
        """Write a new release and switch to it; with nothing to change, only prune.

        The order makes a kill at any point harmless: the marker first, the release in full,
        history.json naming it, the switch, then the pruning. Until the switch, readers are
        served the previous release; after it, the new one; whatever a killed deploy left
        (a partial release, a release named in history but never switched to) is pruned by
        the next publish."""
        state = self._inspect(site)
        if not state.adopting and plan.against != (state.live.name if state.live is not None else None):
            raise DeployError(_("the live site at {target} changed since its files were compared (another publish or a rollback): "
                                "nothing was written; publish again", target=self.target))
        try:
            if plan.empty:
                if self._ours():
                    if state.live is not None and not state.adopting:
                        self._record_compared(site, state.live, plan, state.live)  # pages rendered again since: the same bytes
                    self._prune(state.history, state.live)
                return
            self._claim()
            if state.adopting:
                self._adopt()
                state = self._inspect(site)
            release = self._write_release(site, plan, state.live)
            self._record_compared(site, release, plan, state.live)  # for this release only: if never switched to, ignored
            history = self._kept(state.history + [release.name])
            write_atomically(self.history, json.dumps(history))
            self._switch(release)
            self._prune(history, release)
        except OSError as error:
            raise DeployError(_("writing to {folder} failed ({reason})", folder=self.releases, reason=describe_os_error(error))) from error

    def rollback(self) -> str:
        """Switch back to the release before the live one, and prune the one left."""
        state = self._inspect()
        if not self.target.is_symlink() or len(state.history) < 2:
            raise DeployError(_("no previous release of {target} to go back to", target=self.target))
        previous = self.releases / state.history[-2]
        history = state.history[:-1]
        try:
            write_atomically(self.history, json.dumps(history))
            self._switch(previous)
            self._prune(history, previous)
        except OSError as error:
            raise DeployError(_("writing to {folder} failed ({reason})", folder=self.releases, reason=describe_os_error(error))) from error
        return previous.name


class Rsync:
    """rsync over SSH: upload, then delete what no longer exists (--delete-after)."""

    kind = "rsync"

    def __init__(self, destination: str):
        self.destination = destination.rstrip("/") + "/"

    def preflight(self, site: Path) -> None:
        """Refuse a remote path that is plainly not a site's folder. The folder itself cannot be
        inspected from here: rsync deletes whatever it holds that the site does not."""
        host, colon, path = self.destination.partition(":")
        if (path if colon else host).rstrip("/") in ("", ".", "~"):
            raise DeployError(_('refusing to deploy to "{target}": give the web server’s own folder on that host, e.g. '
                                'guilde@web.example:/var/www/guilde', target=self.destination))

    def command(self, site: Path, dry_run: bool) -> list[str]:
        return ["rsync", "--archive", "--compress", "--checksum", "--delete-after", "--itemize-changes",
                *(["--dry-run"] if dry_run else []), f"{site}/", self.destination]

    def _run(self, site: Path, dry_run: bool) -> str:
        if shutil.which("rsync") is None:
            raise DeployError(_("rsync is not installed on this machine (apt-get install rsync)"))
        result = subprocess.run(self.command(site, dry_run), capture_output=True, text=True, timeout=3600)
        if result.returncode != 0:
            raise DeployError(_("rsync to {target} failed: {reason}", target=self.destination, reason=result.stderr.strip()[:500]))
        return result.stdout

    def plan(self, site: Path) -> Plan:
        self.preflight(site)
        plan = Plan()
        for line in self._run(site, dry_run=True).splitlines():
            change, _space, path = line.partition(" ")
            if change.startswith("*deleting"):
                plan.removed.append(path.strip())
            elif change[:2] in ("<f", ">f"):
                (plan.added if "+++++++" in change else plan.changed).append(path.strip())
        return plan

    def deploy(self, site: Path, plan: Plan) -> None:
        self.preflight(site)
        if not plan.empty:
            self._run(site, dry_run=False)


class GitHubPages:
    """A commit on the GitHub Pages branch (ghp-import), with .nojekyll and CNAME, pushed."""

    kind = "GitHub Pages"

    def __init__(self, branch: str = "gh-pages", cname: str | None = None, push: bool = True, repository: Path | None = None):
        self.branch, self.cname, self.push = branch, cname, push
        self.repository = repository or Path.cwd()

    def _git(self, *args: str, text: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=self.repository, capture_output=True, text=text)

    def preflight(self, site: Path) -> None:
        """Refuse the branch checked out here: it holds the site's sources, not its pages."""
        if self._git("symbolic-ref", "--quiet", "--short", "HEAD").stdout.strip() == self.branch:
            raise DeployError(_('refusing to publish on the branch "{branch}": it is the branch checked out here, with the site’s sources; '
                                'name a branch of its own, e.g. github-pages:gh-pages', branch=self.branch))

    def plan(self, site: Path) -> Plan:
        """The branch's files against the site's: names from one ``git ls-tree``, contents by
        their blob ids, computed here (two git commands per file took half a minute at 5 000)."""
        self.preflight(site)
        listing = self._git("ls-tree", "-r", "-z", self.branch, text=False)  # bytes: names as they are
        blobs = dict(_blob_of(entry) for entry in listing.stdout.split(b"\0") if entry) if listing.returncode == 0 else {}
        files = files_under(site)
        new = set(files) | {".nojekyll"} | ({"CNAME"} if self.cname else set())
        plan = Plan(added=sorted(new - blobs.keys()), removed=sorted(blobs.keys() - new))
        plan.changed = [relative for relative in sorted(files.keys() & blobs.keys()) if _blob_id(files[relative], blobs[relative]) != blobs[relative]]
        return plan

    def deploy(self, site: Path, plan: Plan) -> None:
        self.preflight(site)
        if plan.empty:
            return
        from ghp_import import GhpError, ghp_import

        previous = Path.cwd()
        try:
            os.chdir(self.repository)  # ghp-import works on the repository of the current folder
            ghp_import(str(site.resolve()), mesg="Publish the site", branch=self.branch, nojekyll=True, cname=self.cname, push=self.push)
        except GhpError as error:
            raise DeployError(_("GitHub Pages: {reason}", reason=error.message)) from error
        finally:
            os.chdir(previous)


def _blob_of(entry: bytes) -> tuple[str, str]:
    """(path, blob id) of an entry of ``git ls-tree -z``: "<mode> <type> <id>\\t<path>", the
    path decoded as the file system's names are (so that it meets the site's own)."""
    info, path = entry.split(b"\t", 1)
    return os.fsdecode(path), info.split()[2].decode("ascii")


def _blob_id(path: str, like: str) -> str:
    """The id git gives the file's bytes as a blob: SHA-1, or SHA-256 in a repository that
    uses it (``like``, an id of the branch, tells which by its length); read in blocks."""
    digest = hashlib.new("sha1" if len(like) == 40 else "sha256", b"blob %d\0" % os.stat(path).st_size)
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def deployer_for(target: str, settings: dict, progress=None, adopt: bool = False, keep_out: tuple[Path, ...] = ()):
    """The deployer a PUBLISH_TARGET names: github-pages[:branch], [user@]host:/path, or a folder
    (which must not overlap the folders of ``keep_out``; ``adopt``: see :class:`LocalFolder`)."""
    target = (target or "").strip()
    if not target:
        raise DeployError(_("no target: set PUBLISH_TARGET in publishconf.py or give --target"))
    if target == "github-pages" or target.startswith("github-pages:"):
        branch = target.partition(":")[2] or "gh-pages"
        return GitHubPages(branch=branch, cname=settings.get("GITHUB_PAGES_CNAME"))
    if re.match(r"^([\w.-]+@)?[\w.-]+:", target):
        return Rsync(target)
    return LocalFolder(Path(target), keep=int(settings.get("PUBLISH_KEEP_RELEASES", 3)), progress=progress, adopt=adopt, keep_out=keep_out)
