"""The content folder as one lint run sees it: listed once, each path a link names resolved once.

Several rules ask, of every link of every body, whether the file it names is in content/ and
where it really leads (symbolic links followed): thousands of ``realpath`` calls, each a
system call per part of the path, for a few hundred distinct paths. A run lists the folder
once (one ``scandir`` per folder) and resolves each distinct path once.

``invoke serve`` lints again after every save. When the listing is the same as the previous
run's (no file or folder added, removed or renamed, no symbolic link changed, no folder's
permissions changed), no answer can have changed: the run starts with the previous one's.
:attr:`ContentFolder.version` is the same then, and rules keep what they found in each file
for as long as the version and the file stay the same (:class:`tribune.lint.SourceMemo`).
A symbolic link that leads out of content/, or a folder that cannot be listed, makes every
run start afresh: what lies there is not listed, and could change unseen.
"""

import os
import posixpath
from collections import OrderedDict
from functools import cached_property
from pathlib import Path

from tribune.i18n import language
from tribune.paths import OutsideContent, located

_KEPT = 4  # content folders whose last listing is kept: a process lints one site (tests, a few)
_last: OrderedDict[Path, "ContentFolder"] = OrderedDict()


def forget_listings() -> None:
    """Let go of the listings kept (:func:`tribune.lint.forget_memos`)."""
    _last.clear()


class ContentFolder:
    """The files of one content folder at the start of a lint run, and where paths lead."""

    def __init__(self, root: Path, listing: tuple, closed: bool, previous: "ContentFolder | None" = None):
        self.root = root  # resolved
        self.listing = listing
        self.closed = closed  # nothing leads out of it: the listing says everything
        same = previous is not None and closed and previous.closed and previous.listing == listing and previous.language == language()
        self.language = language()  # of the messages kept (OutsideContent's)
        self.version = previous.version if same else object()
        self._known = previous._answers if same else {}
        self._answers: dict[tuple, object] = {}  # only this run's: what the next run may take
        #: Its files (links to files included) but those whose name starts with a dot, sorted:
        #: what a link may name, for suggestions.
        self.files = [entry[0] for entry in listing if _is_file(entry) and not entry[0].rpartition("/")[2].startswith(".")]
        self.markdown = [name for name in self.files if name.endswith(".md")]

    def _answer(self, key: tuple, work):
        if key in self._answers:
            return self._answers[key]
        answer = self._known[key] if key in self._known else work()
        self._answers[key] = answer
        return answer

    def located(self, written: str, folder: str = "") -> tuple[str, Path]:
        """:func:`tribune.paths.located` for this folder, answered once per path a run asks."""

        def work():
            try:
                return located(self.root, written, folder)
            except OutsideContent as error:
                return str(error)  # a new error each time it is raised: one raised twice grows its traceback

        answer = self._answer(("located", written, folder), work)
        if isinstance(answer, str):
            raise OutsideContent(answer)
        return answer

    def content_path(self, written: str, folder: str = "") -> str:
        """:func:`tribune.paths.content_path` for this folder."""
        return self.located(written, folder)[0]

    def files_in(self, folder: str) -> list[str] | None:
        """The files (links to files included) in ``folder`` and below it, relative to the
        content folder, in the order of ``sorted(Path.rglob("*"))`` (path parts compared):
        the walk the rules ask for, taken from the listing instead of the disk. None when the
        listing cannot say, and the folder must be walked: it lies outside, or is not a folder
        of the listing (a symbolic link, or below one: ``rglob`` follows the link it starts
        from; a name the listing spells otherwise, on a file system that ignores case)."""
        folder = posixpath.normpath(folder.replace(os.sep, "/"))
        if folder == ".":
            prefix = ""
        elif folder == ".." or folder.startswith(("../", "/")) or self._entries.get(folder, ("", ""))[1] != "folder":
            return None
        else:
            prefix = folder + "/"
        return sorted((entry[0] for entry in self.listing if entry[0].startswith(prefix) and _is_file(entry)),
                      key=lambda name: name.split("/"))

    @cached_property
    def _entries(self) -> dict[str, tuple]:
        return {entry[0]: entry for entry in self.listing}

    def is_file(self, relative: str) -> bool:
        """Whether ``relative`` (a path :meth:`content_path` gave) is a file of the folder."""
        return self._answer(("file", relative), lambda: (self.root / relative).is_file())


def content_folder(path: str | Path) -> ContentFolder:
    """The folder ``path`` as it is now; with the answers of its previous listing, when nothing changed."""
    root = Path(path).resolve()
    listing, closed = _listing(root)
    folder = ContentFolder(root, listing, closed, _last.pop(root, None))
    _last[root] = folder
    while len(_last) > _KEPT:
        _last.popitem(last=False)
    return folder


def _is_file(entry: tuple) -> bool:
    return entry[1] == "file" or entry[1] == "link" and entry[4]


def _listing(root: Path) -> tuple[tuple, bool]:
    """Every entry under ``root`` (its path relative to it, and what it is), sorted as
    :meth:`Path.rglob` lists them; and whether the listing is closed: every symbolic link
    leads inside ``root`` and every folder could be listed. Links to folders are not
    followed (Path.rglob does not follow them either)."""
    entries: list[tuple] = []
    closed = True
    inside = str(root) + os.sep
    pending = [""]
    while pending:
        relative = pending.pop()
        try:
            with os.scandir(root / relative) as scan:
                found = list(scan)
        except OSError:
            entries.append((relative, "unreadable"))
            closed = False
            continue
        for entry in found:
            name = f"{relative}/{entry.name}" if relative else entry.name
            try:
                if entry.is_symlink():
                    real = os.path.realpath(entry.path)
                    closed = closed and (real == str(root) or real.startswith(inside))
                    entries.append((name, "link", os.readlink(entry.path), real, os.path.isfile(entry.path)))
                elif entry.is_dir():
                    entries.append((name, "folder", entry.stat().st_mode))
                    pending.append(name)
                else:
                    entries.append((name, "file" if entry.is_file() else "other"))
            except OSError:  # gone while listed
                entries.append((name, "unreadable"))
                closed = False
    return tuple(sorted(entries)), closed
