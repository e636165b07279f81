"""The files of a tree, listed fast: a deploy compares two trees of 5 000 files, the search
index reads every page after each publish, and what was read from the content is kept while
its files' stamps stay the same.

``os.scandir`` knows an entry's type without a stat; pathlib's ``rglob`` took a fifth of a
second for 5 000 files.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path


def walk_files(root: Path | str) -> Iterator[tuple[str, str]]:
    """(path relative to ``root`` with ``/``, path) of every file under ``root``, as strings
    (links to folders not followed): the preview's process indexes its site while it runs,
    and 5 000 Path objects held at once raised its peak by a few megabytes."""
    def list_folder(folder: str, prefix: str) -> Iterator[tuple[str, str]]:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    yield from list_folder(entry.path, f"{prefix}{entry.name}/")
                elif entry.is_file():
                    yield prefix + entry.name, entry.path

    return list_folder(str(root), "")


def files_under(root: Path | None) -> dict[str, str]:
    """Every file under ``root``: its path (a string, as :func:`walk_files`'s: a Path for each
    of 10 000 files took two thirds of a deploy's comparison) by its path relative to
    ``root``, with ``/`` (links to folders not followed); nothing when ``root`` is None or
    not a folder."""
    if root is None or not root.is_dir():
        return {}
    return dict(walk_files(root))


def stamps(root: Path | str, suffix: str) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` whose name ends with ``suffix``, by its path (``root``
    joined to its relative path): its size and modification time, which change when it is
    written. Links to folders are not followed; a folder that cannot be read, or a link that
    leads nowhere, is left out (the lint names them)."""
    found = {}
    for folder, _folders, names in os.walk(root):
        for name in names:
            if name.endswith(suffix):
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                found[path] = (stat.st_size, stat.st_mtime_ns)
    return found


def identity(path: Path | str) -> list[int]:
    """Which file ``path`` is, and as it was written: its device, inode, size and modification
    time (rsync's quick check, with the inode: a file written again is a new file, while a page
    a build reuses is the same file, hard-linked or moved). The same identity at two moments
    means the same bytes, unless the file was rewritten in place to its old size and its time
    set back."""
    stat = os.stat(path)
    return [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns]


def place(kept: Path, target: Path) -> None:
    """Put a file kept in the cache (a share card, an image's copy) at ``target`` in the output:
    a hard link, no copy (nothing writes through either file: the cache's are replaced whole,
    and the writer unlinks an output file before writing it), or a copy where links cannot be
    made; under a temporary name first, since pages render in several processes at once."""
    target.parent.mkdir(parents=True, exist_ok=True)
    placing = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        os.link(kept, placing)
    except FileExistsError:  # left by a process killed here, with this one's number
        os.unlink(placing)
        os.link(kept, placing)
    except OSError:  # another file system, or no hard links there
        shutil.copyfile(kept, placing)
    os.replace(placing, target)
    if os.path.lexists(placing):  # another process placed it first: a rename between two links to one file does nothing
        os.unlink(placing)
