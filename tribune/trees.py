"""The files of a tree, listed fast: a deploy compares two trees of 5 000 files, the search
index reads every page after each publish, and what was read from the content is kept while
its files' stamps stay the same.

``os.scandir`` knows an entry's type without a stat; pathlib's ``rglob`` took a fifth of a
second for 5 000 files. Files are put in place as hard links (:func:`place`), a folder of links
is kept in step with the files it mirrors (:func:`link_tree`), and folders are removed without
ever following a link (:func:`remove_tree`).
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from stat import S_ISDIR


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


def link_tree(files: list[tuple[str, str]], mirror: Path) -> None:
    """Make ``mirror`` hold exactly ``files`` (relative path, path), each as the same file (a
    hard link, by :func:`place`; a copy, made again each time, where links cannot be made):
    a link to a file still the same is left, a file written again is linked again, one no
    longer listed is removed. Search's pages to index, kept from one publish to the next. A
    mirror left half made (the command stopped) is put right by the next call; one that holds
    anything but folders and files (a link, which could lead the removals or the links out of
    it), or a folder where a file goes, or that is not a folder, is removed and made again."""
    wanted = dict(files)
    present = _plain_tree(mirror)
    if present is None or any(relative in present[1] for relative in wanted):
        remove_tree(mirror)
        present = ({}, set())
    for relative, path in present[0].items():
        if relative not in wanted:
            os.unlink(path)
            remove_empty_folders(Path(path).parent, mirror)
    for relative, path in files:
        copy = mirror / relative
        if relative in present[0] and os.path.samestat(os.lstat(copy), os.stat(path)):
            continue
        place(Path(path), copy)


def _plain_tree(mirror: Path) -> tuple[dict[str, str], set[str]] | None:
    """The mirror's files and folders (relative paths), none of them followed through a link;
    None when the mirror is not a folder or holds anything else (a link, a pipe)."""
    files, folders = {}, set()

    def walk(folder: str, prefix: str) -> bool:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.add(prefix + entry.name)
                    if not walk(entry.path, f"{prefix}{entry.name}/"):
                        return False
                elif entry.is_file(follow_symlinks=False):
                    files[prefix + entry.name] = entry.path
                else:
                    return False
        return True

    try:
        if not S_ISDIR(os.lstat(mirror).st_mode):
            return None
    except FileNotFoundError:
        return {}, set()
    return (files, folders) if walk(str(mirror), "") else None


def remove_tree(path: Path) -> None:
    """Remove ``path``, never through a link: a link or a file is unlinked, a folder removed
    with what it holds (the links in it, not where they lead); nothing when it is not there."""
    if os.path.islink(path) or (os.path.lexists(path) and not os.path.isdir(path)):
        os.unlink(path)
    elif os.path.isdir(path):
        shutil.rmtree(path)


def remove_empty_folders(folder: Path, top: Path) -> None:
    """Remove ``folder`` if it is empty, then each parent left empty, up to ``top`` (kept):
    the folders a removed or moved file leaves behind."""
    while folder != top and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
