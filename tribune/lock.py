"""One lock per site: what writes output/, a release or a campaign runs alone on a machine.

Two `invoke build` started together used to swap half-built folders into each other, a
publish started during a build deployed the preview, and two sends at once sent an edition
twice. Every command that writes (build, each rebuild of `invoke serve`, publish, rollback,
clean, newsletter test/schedule/send) holds the site's lock while it works; a second one
waits, saying who holds it, or stops at once with ``--no-wait``.

The lock is an ``flock`` on the site's folder itself (the folder of its settings file), not
on a file in it: a lock file can be deleted while it is held (``git clean -X``), after which
a second command locks a new file and runs beside the first, and a lock file committed as a
symbolic link would make the lock write through it. The kernel releases the lock when its
holder dies, whatever the death (kill -9 included), so a dead holder's lock is simply taken
over. Who holds it (task, pid, host, since when) is only a note, ``.tribune.lock``, replaced
whole by each holder (a link there is replaced, never followed) and read by whoever waits.
Within one process the lock is re-entrant: `invoke publish --send` holds it once for the
deploy and the send.

The lock serialises commands on one machine only. Between two machines (a CI job and a
laptop) nothing here is shared: there the newsletter's never-twice rests on Mailchimp
itself (see plugins/newsletter/send.py).
"""

import fcntl
import json
import os
import socket
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timezone
from pathlib import Path

from tribune.dates import format_moment
from tribune.errors import describe_error
from tribune.i18n import _

NOTE_NAME = ".tribune.lock"

_held: dict[Path, int] = {}  # site folders this process holds the lock of, with how many times


class LockBusy(Exception):
    """Another command holds the site's lock, and this one was told not to wait."""


class LockError(Exception):
    """The site's folder cannot be locked at all; the message says why."""


def lock_path(config: str | Path) -> Path:
    """The note of who holds the lock of the site whose settings file is ``config``."""
    return Path(config).resolve().parent / NOTE_NAME


def holder(path: Path) -> str:
    """Who holds the lock, in words (as its holder noted it at ``path``)."""
    try:
        with open(path, "rb") as note:
            about = json.loads(note.read(4096))
        since = format_moment(datetime.fromisoformat(about["since"]))
        return _("{task} (pid {pid} on {host}, since {since})", task=about["task"], pid=about["pid"], host=about["host"], since=since)
    except (OSError, ValueError, KeyError, TypeError):
        return _("another Tribune command")


def _note(path: Path, task: str) -> None:
    """Say who holds the lock: a new file renamed over the note (never written through it)."""
    about = {"task": task, "pid": os.getpid(), "host": socket.gethostname(),
             "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=".tribune.lock.", dir=path.parent)
        with os.fdopen(descriptor, "w", encoding="utf-8") as note:
            json.dump(about, note)
        os.replace(temporary, path)
    except OSError:  # a folder in its place, a read-only folder: the lock holds without its note
        with suppress(OSError, UnboundLocalError):
            os.unlink(temporary)


def _forget(path: Path) -> None:
    if path.is_file() and not path.is_symlink():
        with suppress(OSError):
            path.unlink()


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@contextmanager
def site_lock(config: str | Path, task: str, wait: bool = True, say: Callable[[str], None] = _say) -> Iterator[None]:
    """Hold the site's lock for the block; wait for it (saying who holds it), or raise
    :class:`LockBusy` at once when ``wait`` is false."""
    folder = Path(config).resolve().parent
    if _held.get(folder):
        _held[folder] += 1
        try:
            yield
        finally:
            _held[folder] -= 1
        return
    note = folder / NOTE_NAME
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise LockError(_("{folder} cannot be opened to lock it ({reason})", folder=folder, reason=describe_error(error))) from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise LockBusy(_("{holder} is working on this site; nothing was done (run the command again when it has finished)",
                                 holder=holder(note))) from None
            say(_("Waiting: {holder} is working on this site…", holder=holder(note)))
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        _note(note, task)
        _held[folder] = 1
        try:
            yield
        finally:
            del _held[folder]
            _forget(note)
    finally:
        os.close(descriptor)  # closing the descriptor releases the lock
