"""Removing a retired output folder without making the writer wait.

A full build replaces every file of output/: once the new folder is swapped in, the old one
(4 000 files and 3 000 folders at 1 000 posts) must go, and unlinking them took about a second
on the benchmark's machine, a tenth of the build, while the site was already in place. The old
folder is moved into ``CACHE_PATH/removing/`` (a rename: nothing is left beside output/, and
nothing is copied), then removed by ``rm -rf`` in a process of its own, which the command does
not wait for and which outlives it if need be. It holds none of the command's files (the
site's lock included: Popen closes them). A removal cut short (the machine stopped) is taken up
again by the next build. Where the move or the process cannot be made (another disk, no ``rm``),
the folder is removed at once, as before. A publish removes the releases it prunes the same
way (:func:`remove_in_background`, after renaming them out of the releases' names).
"""

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
    the site's lock; a removal still running does no harm: ``rm -f`` ignores what is gone)."""
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
    where nobody looks: the caller moved it there)."""
    with _listing:  # the preview's search thread removes its old indexes too
        _running[:] = [process for process in _running if process.poll() is None]
        try:
            _running.append(subprocess.Popen(["rm", "-rf", "--", str(folder)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL, start_new_session=True))
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
