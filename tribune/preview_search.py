"""The preview's search index, made after each rebuild, outside output/ and off the rebuild's path.

Pagefind indexes the whole site every time (it has no incremental mode): seconds at a
thousand posts. A writer saving a post waits for the page, not for the search, so the preview
shows the rebuilt site first and indexes it afterwards, in a thread, into a folder of its own
that the preview server serves at ``/pagefind/`` (:class:`tribune.preview.Preview`). A search
made meanwhile answers from the previous index. It waits until no rebuild came for
:data:`QUIET_SECONDS` (but for the first index), and Pagefind runs at the lowest CPU
priority: the writer's next update goes first. output/ gets no index, as after ``invoke build``.

Pagefind reads output/ while the next rebuild may swap it: an index made across a swap is
thrown away and made again, and a failure waits for the next rebuild (the terminal says
nothing: the site is fine, its search is a few seconds late).
"""

import shutil
import tempfile
import threading
from pathlib import Path

from tribune.removal import remove_in_background
from tribune.search import SearchIndexError, build_index

QUIET_SECONDS = 2.0  # without a rebuild, before the site is indexed


class BackgroundIndex:
    """The latest search index of ``output``, in ``folder / "pagefind"``."""

    def __init__(self, output: Path):
        self.output = output
        self.folder = Path(tempfile.mkdtemp(prefix="tribune-preview-search-"))
        self._wanted = threading.Condition()
        self._pending = False  # a rebuild ended since the index in the making was started
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="tribune-preview-search", daemon=True)
        self._thread.start()

    def refresh(self) -> None:
        """A rebuild swapped a new site in: index it (again, if an index is in the making)."""
        with self._wanted:
            self._pending = True
            self._wanted.notify()

    def _run(self) -> None:
        while True:
            with self._wanted:
                self._wanted.wait_for(lambda: self._pending or self._closed)
                # Not while the writer is saving again and again: once the site is quiet (at
                # once when there is no index yet: the search page needs one).
                while self._pending and not self._closed and (self.folder / "pagefind").exists():
                    self._pending = False
                    self._wanted.wait(QUIET_SECONDS)
                if self._closed:
                    return
                self._pending = False
            made = self._index()
            with self._wanted:
                if made is not None and not self._pending:
                    self._put_in_place(made)
                elif made is not None:
                    remove_in_background(made)  # made across a swap: made again

    def _index(self) -> Path | None:
        staging = Path(tempfile.mkdtemp(prefix="next-", dir=self.folder))
        try:
            build_index(self.output, staging / "pagefind", background=True)
        except (SearchIndexError, OSError, ValueError):  # output/ swapped under Pagefind, or gone: the next rebuild retries
            shutil.rmtree(staging, ignore_errors=True)
            return None
        return staging

    def _put_in_place(self, staging: Path) -> None:
        """The new bundle takes the old one's place (two renames: for that instant, a request
        for /pagefind/ finds nothing); the old one is removed afterwards, by a process of its
        own (thousands of files, unlinked here, held up the preview's next update)."""
        current = self.folder / "pagefind"
        retired = staging / "old"
        if current.exists():
            current.rename(retired)
        (staging / "pagefind").rename(current)
        remove_in_background(staging)

    def close(self) -> None:
        with self._wanted:
            self._closed = True
            self._wanted.notify_all()
        self._thread.join(timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)
