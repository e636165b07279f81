"""Live reload for `invoke serve`: open pages reload themselves after each rebuild.

The preview server sends server-sent events from :data:`EVENTS_PATH` (nothing to install,
every browser speaks them) and adds a small script to each HTML page *as it serves it*: the
files of output/ never hold it, so nothing of it reaches a build or a publish.

Each rebuild, good or failed, makes a new :class:`Builds` generation. A page knows the
generation it was served in (written into its script); the event stream says the current one
as soon as a page connects, then at each rebuild, and the page reloads when they differ. So a
rebuild that ends between the page's load and its connection is not missed, and a page left
open across a restart of the preview reloads too (generations start with the process's own
mark).
"""

import os
import threading
import time

EVENTS_PATH = "/__tribune/events"
_KEEP_ALIVE = 15  # seconds between comments on an idle stream: a closed tab is noticed


class Builds:
    """The generation of the preview's last rebuild, and the streams that wait for the next."""

    def __init__(self):
        self._mark = f"{os.getpid()}-{time.time_ns()}"
        self._count = 0
        self._changed = threading.Condition()
        self.closed = False

    @property
    def generation(self) -> str:
        return f"{self._mark}-{self._count}"

    def rebuilt(self) -> None:
        """A rebuild ended (good or failed): every open page reloads."""
        with self._changed:
            self._count += 1
            self._changed.notify_all()

    def close(self) -> None:
        """The preview stops: every stream ends, so that no server thread is left waiting."""
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def wait(self, seen: str, timeout: float = _KEEP_ALIVE) -> str:
        """The generation once it is not ``seen`` (or after ``timeout``, or at close)."""
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self.generation != seen, timeout)
            return self.generation


def stream(builds: Builds, write) -> None:
    """Write the event stream of ``builds`` with ``write`` (bytes) until the preview stops or
    the browser goes away (``write`` raises ConnectionError)."""
    write(b"retry: 500\n\n")
    sent = None
    while not builds.closed:
        generation = builds.generation if sent is None else builds.wait(sent)
        if generation != sent:
            write(f"event: build\ndata: {generation}\n\n".encode())
            sent = generation
        else:
            write(b": waiting\n\n")


def script(generation: str) -> bytes:
    """The script added to every page the preview serves: reload when the site is rebuilt."""
    return (f'<script data-tribune-preview>new EventSource("{EVENTS_PATH}").addEventListener("build", '
            f'function (event) {{ if (event.data !== "{generation}") location.reload(); }});</script>').encode()


def inject(page: bytes, generation: str, notice: str = "") -> bytes:
    """``page`` with the reload script (and ``notice``, HTML) before its ``</body>`` (at its
    end without one)."""
    added = notice.encode() + script(generation)
    closing = page.lower().rfind(b"</body>")
    if closing < 0:
        return page + added
    return page[:closing] + added + page[closing:]
