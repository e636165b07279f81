"""Removing a retired output folder without making the writer wait.

A full build replaces every file of output/: once the new folder is swapped in, the old one
(4 000 files and 3 000 folders at 1 000 posts) must go, and unlinking them took about a second
on the benchmark's machine, a tenth of the build, while the site was already in place. The old
folder is moved into ``CACHE_PATH/removing/`` (a rename: nothing is left beside output/, and
nothing is copied), then removed by ``rm -rf`` in a process of its own, at the lowest priority,
which the command does not wait for and which outlives it if need be. It holds none of the
command's files (the site's lock included: Popen closes them), only a lock on the folder it
removes, so that no other command starts removing it again meanwhile. A removal cut short (the machine stopped) is taken up
again by the next build. Where the move or the process cannot be made (another disk, no ``rm``),
the folder is removed at once, as before. A publish removes the releases it prunes the same
way (:func:`remove_in_background`, after renaming them out of the releases' names).
"""

import fcntl
import os
import shutil
import subprocess
import threading
from pathlib import Path

FOLDER = "removing"  # in CACHE_PATH

_running: list[subprocess.Popen] = []  # kept until they end, so that each is waited for (no zombie)
_listing = threading.Lock()


def remove_later(folder: Path, cache_path: str) -> None:
    """Move ``folder`` into CACHE_PATH/removing/ and remove it there in the background."""
    trash = Path(cache_path).resolve() / FOLDER
    try:
        trash.mkdir(parents=True, exist_ok=True)
        moved = trash / folder.name
        folder.rename(moved)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    remove_in_background(moved)


def finish_removals(cache_path: str) -> None:
    """Remove, in the background too, what removals cut short left (a build calls this under
    the site's lock); those still under way are left to their ``rm``."""
    trash = Path(cache_path).resolve() / FOLDER
    if trash.is_dir():
        for folder in sorted(trash.iterdir()):
            remove_in_background(folder)


def remove_now(folder: Path) -> None:
    """Remove ``folder`` at once, files that vanish meanwhile included: a removal in the
    background (old outputs, the search index's scratch pages, in CACHE_PATH/removing/) may
    be deleting some of them (`invoke clean` right after a build)."""
    def vanished(function, path, error) -> None:
        if not isinstance(error[1], FileNotFoundError):
            raise error[1]

    shutil.rmtree(folder, onerror=vanished)


def remove_in_background(folder: Path) -> None:
    """``rm -rf folder`` in a process of its own, not waited for (``folder`` must already be
    where nobody looks: the caller moved it there).

    The process holds a lock on the folder for as long as it runs, so that a removal under way
    is not started again (a build run right after another found the previous build's removal
    still going: two ``rm`` then walked the same thousands of files); and it runs at the
    lowest priority, on what the commands after it leave of the cores. Its own process group
    keeps it from Ctrl-C; a session of its own would not do: Linux weighs a session's
    processes against each other's only, and its low priority would count for nothing."""
    with _listing:  # the preview's search thread removes its old indexes too
        _running[:] = [process for process in _running if process.poll() is None]
        try:
            # Not through a symbolic link, nor blocking on what is no folder: those are removed as they are.
            handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except FileNotFoundError:
            return
        except OSError:
            handle = None  # removed without the lock, as it is
        try:
            if handle is not None and not _claimed(handle):
                return  # another process's rm holds it
            process = subprocess.Popen(["rm", "-rf", "--", str(folder)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, process_group=0, pass_fds=() if handle is None else (handle,))
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
            return
        finally:
            if handle is not None:
                # The lock stays with rm's copy of the descriptor until it ends (and with a
                # process forked meanwhile by another thread, until it ends: a delay at worst).
                os.close(handle)
        _running.append(process)
        try:
            os.setpriority(os.PRIO_PROCESS, process.pid, 19)
        except OSError:
            pass  # ended already, or a system that does not allow it: it runs as it is


def _claimed(handle: int) -> bool:
    """Lock the open folder ``handle`` for its removal; False when another process holds it."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:
        pass  # a file system without locks: a removal may run twice, as before
    return True
