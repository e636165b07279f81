"""Work shared out to forked processes, for the two halves of a build that use every core:
reading posts (:mod:`tribune.prereading`) and rendering pages (:mod:`tribune.writer`).

What the workers work on (Pelican's readers, the pages to render with their context) cannot
be pickled, and need not be: the workers are forked, so they inherit it. Each task names
its items by what can be pickled (paths, indexes) and returns what it made. Without
``fork`` (not Linux) or for one process, callers do the work themselves.
"""

import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

_inherited = None  # what the forked workers of the running map_forked() work on


def processes(settings: dict, name: str) -> int:
    """How many processes setting ``name`` asks for (default: one per core), 1 without fork."""
    wanted = settings.get(name) or os.cpu_count() or 1
    usable = sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()
    return int(wanted) if usable else 1


def inherited():
    """In a worker: the ``state`` given to map_forked()."""
    return _inherited


def map_forked(task: Callable, chunks: Iterable, count: int, state) -> Iterator:
    """``task(chunk)`` for each chunk in ``count`` forked workers that inherit ``state``;
    the results in the chunks' order."""
    global _inherited
    _inherited = state
    try:
        with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:
            yield from pool.map(task, chunks)
    finally:
        _inherited = None


class _Noticed(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.INFO:
            self.seen = True


@contextmanager
def noticing_logs():
    """In a worker: whether anything was logged (INFO or above) while an item was worked on.

    Such an item is given back to the build process to do again, so that what it logs
    reaches the build's own log (a worker's log would be lost)."""
    noticed = _Noticed()
    logging.getLogger().addHandler(noticed)
    try:
        yield noticed
    finally:
        logging.getLogger().removeHandler(noticed)
