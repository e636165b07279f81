"""Work shared out to forked processes, for the parts of a build that use every core:
reading posts (:mod:`tribune.prereading`), rendering pages (:mod:`tribune.writer`), and the
lint, which runs beside Pelican (:mod:`tribune.build`).

What the workers work on (Pelican's readers, the pages to render with their context) cannot
be pickled, and need not be: the workers are forked, so they inherit it. Each task names
its items by what can be pickled (paths, indexes) and returns what it made. Without
``fork`` (not Linux) or for one process, callers do the work themselves.
"""

import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path

_inherited = None  # what the forked workers of the running map_forked() work on


def _can_fork() -> bool:
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


_PR_SET_PDEATHSIG = 1  # prctl(2)
_LIBC = None  # the C library, once found (_libc)


def die_with_parent(parent: int) -> None:
    """In a child process: be killed when the parent dies, whatever kills it (kill -9
    included), instead of living on as an orphan still writing into a build folder. Ctrl-C
    is the parent's to handle: the child ignores it (no traceback of its own), and dies with
    the parent when the command stops. ``parent``: the parent's pid, taken before the fork
    (the child's own view of its parent would miss a parent killed between the fork and
    this): see :func:`dying_with_this_process`.

    The death signal is Linux's (prctl's PR_SET_PDEATHSIG, kept across exec); elsewhere only
    Ctrl-C is ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # held back by _forking(): dropped now
    if sys.platform != "linux":
        return
    _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def dying_with_this_process() -> Callable[[], None]:
    """What a child of this process calls first (a worker's initializer, a subprocess's
    ``preexec_fn``): :func:`die_with_parent` with this process's pid, taken now, before the
    fork, and the C library found now, in the parent."""
    if sys.platform == "linux":
        _libc()
    return partial(die_with_parent, os.getpid())


def run_captured(command: list[str], *, timeout: float, cwd: Path | None = None, behind: bool = False) -> subprocess.CompletedProcess:
    """``subprocess.run(command, capture_output=True, text=True)`` for a program that dies
    with this process and leaves Ctrl-C to it (it ignores it; this process, stopped by it,
    kills the program on its way out). ``behind``: at the lowest CPU priority, so that what
    a person waits for goes first. A timeout raises :class:`subprocess.TimeoutExpired`."""
    first = dying_with_this_process()
    process = None
    try:
        with _forking():  # only while forking: Ctrl-C stops the wait for the program at once
            process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                       preexec_fn=partial(_behind, first) if behind else first)
        stdout, stderr = process.communicate(timeout=timeout)
    except BaseException:  # a Ctrl-C held back while forking is raised as the block ends: the program is started by then
        if process is not None:
            process.kill()
            process.communicate()  # waited for, its pipes closed
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def _behind(first: Callable[[], None]) -> None:
    """``first``, then the lowest CPU priority (19 whatever the parent's: not ``nice``'s +19)."""
    first()
    os.setpriority(os.PRIO_PROCESS, 0, 19)


def _libc():
    """The C library, found once (``find_library`` runs ldconfig: in each child, it widened
    the moment in which a parent's death went unseen)."""
    global _LIBC
    if _LIBC is None:
        _LIBC = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    return _LIBC


@contextmanager
def _forking():
    """Ctrl-C waits while processes are forked (it is delivered right after): a child must not
    get it before it has learnt to ignore it (:func:`die_with_parent`), or it prints a
    traceback of its own (Python's own fork hooks run first in the child: threading's, for
    one). The child inherits the held-back signal, and drops it in :func:`die_with_parent`."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def processes(settings: dict, name: str) -> int:
    """How many processes setting ``name`` asks for (default: one per core), 1 without fork."""
    wanted = settings.get(name) or os.cpu_count() or 1
    return int(wanted) if _can_fork() else 1


def inherited():
    """In a worker: the ``state`` given to map_forked()."""
    return _inherited


def map_forked(task: Callable, chunks: Iterable, count: int, state) -> Iterator:
    """``task(chunk)`` for each chunk in ``count`` forked workers that inherit ``state``;
    the results in the chunks' order."""
    global _inherited
    _inherited = state
    pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"), initializer=dying_with_this_process())
    try:
        with _forking():  # the workers are forked as the chunks are handed out
            results = pool.map(task, chunks)
        yield from results
    except BaseException:  # Ctrl-C included: the chunks not started are dropped, those under way
        pool.shutdown(wait=True, cancel_futures=True)  # end before the caller removes the folder they write in
        raise
    else:
        pool.shutdown()
    finally:
        _inherited = None


class _Forked:
    """A call running in a forked child, which sends its result back through a pipe."""

    def __init__(self, function: Callable, args: tuple, behind: bool = False):
        self.function, self.args = function, args
        reading, writing = os.pipe()
        first = partial(_behind, dying_with_this_process()) if behind else dying_with_this_process()
        with _forking():
            self.pid = os.fork()
            if self.pid == 0:  # the child: never returns into the parent's code, whatever happens
                try:
                    first()
                    os.close(reading)
                    try:
                        data = pickle.dumps(function(*args), protocol=pickle.HIGHEST_PROTOCOL)
                    except BaseException:  # noqa: BLE001 - the parent calls it again, and sees the error
                        data = b""
                    with os.fdopen(writing, "wb") as pipe:
                        pipe.write(data)
                finally:
                    os._exit(0)
        os.close(writing)
        self.reading: int | None = reading
        self._waited = False
        self._outcome: tuple[bool, object] | None = None

    def result(self):
        """The call's result, or its error raised; asked again, the same (the pipe is read,
        and the child waited for, once: its descriptor's number may be another file's by then).
        A child that sent nothing, or was killed (what it sent may be cut short), failed: the
        call is made here."""
        if self._outcome is None:
            with os.fdopen(self._taken(), "rb") as pipe:
                data = pipe.read()
            _pid, status = os.waitpid(self.pid, 0)
            self._waited = True
            try:
                self._outcome = (True, pickle.loads(data) if data and status == 0 else self.function(*self.args))
            except Exception as error:  # noqa: BLE001 - kept, to be raised at every asking
                self._outcome = (False, error)
        done, value = self._outcome
        if not done:
            raise value
        return value

    def close(self) -> None:
        """Stop the child and wait for it, unless it was waited for already: for a caller that
        no longer needs the result, or was stopped (Ctrl-C) while waiting for it."""
        if self.reading is not None:
            os.close(self._taken())
        if not self._waited:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self._waited = True

    def _taken(self) -> int:
        reading, self.reading = self.reading, None
        return reading


class _Here:
    """A call made in this process when its result is asked for."""

    def __init__(self, function: Callable, args: tuple):
        self.function, self.args = function, args

    def result(self):
        return self.function(*self.args)

    def close(self) -> None:
        """Nothing runs until the result is asked for."""


def beside(function: Callable, *args, behind: bool = False):
    """``function(*args)`` in a forked child while this process goes on; ``.result()`` waits
    for it and raises its error, if any; ``.close()`` stops it when the result is no longer
    wanted (the caller calls it in every case). ``behind``: the child at the lowest CPU
    priority, taking the time the other processes leave (see :func:`tribune.build.build`).
    With one core or without fork, or when the child fails, the call is made here when its
    result is asked for (its error raised here)."""
    if not _can_fork() or (os.cpu_count() or 1) < 2:
        return _Here(function, args)
    return _Forked(function, args, behind)


def shared_with_a_child(count: int, work: Callable[[int], object]) -> tuple[dict[int, object], int]:
    """``work(index)`` for each index below ``count``, by this process and one forked child
    at once, each taking the next index not yet taken (a long item does not hold the other
    back: a few pages of very unequal lengths, as an update in memory renders); the results
    by index, and how many the child made. An item that failed or logged in the child is left
    out, for the caller to do again here (see :func:`cleanly`); an error here is raised, the
    child stopped. With one core or without fork, nothing is done: the caller does it all."""
    if count < 2 or not _can_fork() or (os.cpu_count() or 1) < 2:
        return {}, 0
    taken = multiprocessing.Value("i", 0)  # the next index, in memory both processes share

    def indexes() -> Iterator[int]:
        while True:
            with taken.get_lock():
                index, taken.value = taken.value, taken.value + 1
            if index >= count:
                return
            yield index

    child = _Forked(cleanly, (indexes(), work))
    try:
        mine = [(index, work(index)) for index in indexes()]
        theirs = child.result()  # the child failed as a whole: [] (the indexes are all taken by now)
    except BaseException:  # Ctrl-C included: the child stops before the caller removes the folder it writes in
        child.close()
        raise
    return dict(mine + theirs), len(theirs)


class _Noticed(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.INFO:
            self.seen = True


def cleanly(items: Iterable, work: Callable) -> list[tuple]:
    """In a worker: (item, work(item)) for each item worked on without an error and without
    a word logged (INFO or above). The others are left to the build process to do again, so
    that their error is raised, and what they log reaches, the build's own log (a worker's
    would be lost)."""
    done = []
    noticed = _Noticed()
    logging.getLogger().addHandler(noticed)
    try:
        for item in items:
            noticed.seen = False
            try:
                result = work(item)
            except Exception:  # noqa: BLE001, S112 - done again by the build process, which raises it
                continue
            if not noticed.seen:
                done.append((item, result))
    finally:
        logging.getLogger().removeHandler(noticed)
    return done
