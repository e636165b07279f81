"""Ctrl-C and SIGTERM in `invoke serve`: held back while an update in memory is under way.

An update in memory (:mod:`tribune.live`) removes the page cache's records before it swaps
its files into output/, and the preview writes them again once the pages have reloaded: in
between, output/ and the records that describe it disagree. A preview stopped then (a writer's
Ctrl-C right after a save, a terminal closed, a process manager's SIGTERM) left no records,
and its next start rendered every page again (40 s instead of 10 at 5 000 posts). While an
update is under way (from :func:`hold` to :func:`release`), a stop asked is kept, and raised as
``KeyboardInterrupt`` once the records are written: a second or two later; a full rebuild
stays stoppable at any moment.

SIGTERM is taken as Ctrl-C, so that the preview stops cleanly either way (its server closed,
its search index stopped). Only the main thread can have signal handlers: :func:`handled`
is for the serve loop.
"""

import signal
import threading
from contextlib import contextmanager

_STOPS = (signal.SIGINT, signal.SIGTERM)
_held = False
_asked = False


def _stop(signum, frame) -> None:
    global _asked
    if _held:
        _asked = True
        return
    raise KeyboardInterrupt


@contextmanager
def handled():
    """Ctrl-C and SIGTERM raise ``KeyboardInterrupt`` here, unless held; as they were after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {stop: signal.signal(stop, _stop) for stop in _STOPS}
    try:
        yield
    finally:
        for stop, handler in before.items():
            signal.signal(stop, handler)


def hold() -> None:
    """From now on, a stop asked waits for :func:`release`."""
    global _held
    _held = True


def release() -> None:
    """Stop holding; raise ``KeyboardInterrupt`` if a stop was asked meanwhile."""
    global _held, _asked
    asked, _held, _asked = _asked, False, False
    if asked:
        raise KeyboardInterrupt
