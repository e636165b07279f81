"""One lock per site: what writes output/, a release or a campaign runs alone on a machine.

Two `invoke build` started together used to swap half-built folders into each other, a
publish started during a build deployed the preview, and two sends at once sent an edition
twice. Every command that writes (build, each rebuild of `invoke serve`, publish, rollback,
clean, newsletter test/schedule/send) holds the site's lock while it works; a second one
waits, saying who holds it, or stops at once with ``--no-wait``.

The lock is an ``flock`` on ``.tribune.lock`` in the site's folder (the folder of its
settings file). The kernel releases it when its holder dies, whatever the death (kill -9
included), so a dead holder's lock is simply taken over; the file only says who holds it
(task, pid, host, since when) for the message of whoever waits. Within one process the lock
is re-entrant: `invoke publish --send` holds it once for the deploy and the send.

The lock serialises commands on one machine only. Between two machines (a CI job and a
laptop) nothing here is shared: there the newsletter's never-twice rests on Mailchimp
itself (see plugins/newsletter/send.py).
"""

import fcntl
import json
import os
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from tribune.dates import format_moment
from tribune.i18n import _

LOCK_NAME = ".tribune.lock"

_held: dict[Path, int] = {}  # lock files this process holds, with how many times


class LockBusy(Exception):
    """Another command holds the site's lock, and this one was told not to wait."""


def lock_path(config: str | Path) -> Path:
    """The lock file of the site whose settings file is ``config``."""
    return Path(config).resolve().parent / LOCK_NAME


def holder(path: Path) -> str:
    """Who holds the lock at ``path``, in words (as its holder wrote it down)."""
    try:
        about = json.loads(path.read_text(encoding="utf-8"))
        since = format_moment(datetime.fromisoformat(about["since"]))
        return _("{task} (pid {pid} on {host}, since {since})", task=about["task"], pid=about["pid"], host=about["host"], since=since)
    except (OSError, ValueError, KeyError, TypeError):
        return _("another Tribune command")


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@contextmanager
def site_lock(config: str | Path, task: str, wait: bool = True, say: Callable[[str], None] = _say) -> Iterator[None]:
    """Hold the site's lock for the block; wait for it (saying who holds it), or raise
    :class:`LockBusy` at once when ``wait`` is false."""
    path = lock_path(config)
    if _held.get(path):
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise LockBusy(_("{holder} is working on this site; nothing was done (run the command again when it has finished)",
                                 holder=holder(path))) from None
            say(_("Waiting: {holder} is working on this site…", holder=holder(path)))
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        about = {"task": task, "pid": os.getpid(), "host": socket.gethostname(),
                 "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, json.dumps(about).encode(), 0)
        _held[path] = 1
        try:
            yield
        finally:
            del _held[path]
            os.ftruncate(descriptor, 0)
    finally:
        os.close(descriptor)  # closing the descriptor releases the lock
