"""Work in forked processes: results come back, and errors are raised in the build's process."""

import logging
import os
import signal
import subprocess
import sys
import time

import pytest

from tribune import workers

from .conftest import ROOT

forks = pytest.mark.skipif(workers.processes({}, "ANY") < 2 or (os.cpu_count() or 1) < 2, reason="needs fork and two cores")


@forks
def test_a_call_beside_runs_in_another_process():
    assert workers.beside(os.getpid).result() != os.getpid()


@forks
def test_a_call_behind_runs_at_the_lowest_priority_and_only_it():
    """The build's lint, behind the reading and rendering workers (tribune.build)."""
    here = os.nice(0)
    assert workers.beside(os.nice, 0, behind=True).result() == 19
    assert workers.beside(os.nice, 0).result() == here
    assert os.nice(0) == here


def test_a_call_beside_that_fails_raises_its_error_here():
    calls = []

    def lint_that_fails():
        calls.append(os.getpid())
        raise ValueError("un champ illisible")

    pending = workers.beside(lint_that_fails)
    with pytest.raises(ValueError, match="un champ illisible"):
        pending.result()
    assert os.getpid() in calls  # run again here, where its error can be reported


# A Ctrl-C that reaches a child the moment it is forked (a terminal sends it to every process of
# the command): the child's own fork hooks run before it ignores Ctrl-C, so this one sends it then.
_AS_IN_A_TERMINAL = """
import os, signal, sys
# Ctrl-C as a terminal's command gets it, whatever the test runner's process left to this one
# (Python ignores it for good when its parent did, and a signal blocked stays blocked across exec).
signal.signal(signal.SIGINT, signal.default_int_handler)
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])
"""

_CTRL_C_AT_EVERY_FORK = _AS_IN_A_TERMINAL + """
from tribune import workers
os.register_at_fork(after_in_child=lambda: os.kill(os.getpid(), signal.SIGINT))
{call}
"""


@pytest.mark.parametrize("call", [
    "print(workers.run_captured(['echo', 'fait'], timeout=60).stdout.strip())",
    "print(workers.run_captured(['echo', 'fait'], timeout=60, behind=True).stdout.strip())",
    "print('fait' if workers.beside(os.getpid).result() != os.getpid() else 'ici')",
    "print('fait' if list(workers.map_forked(abs, [-1, -2], 2, None)) == [1, 2] else 'faux')",
])
@forks
def test_a_child_forked_as_ctrl_c_arrives_leaves_it_to_the_command(call):
    result = subprocess.run([sys.executable, "-c", _CTRL_C_AT_EVERY_FORK.format(call=call)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout, result.stderr) == (0, "fait\n", "")


# A Ctrl-C held back while the program is forked is raised as the forking ends: the program,
# started by then, is stopped and waited for, not left running.
_CTRL_C_AS_THE_FORK_ENDS = _AS_IN_A_TERMINAL + """
from tribune import workers
os.register_at_fork(after_in_parent=lambda: os.kill(os.getpid(), signal.SIGINT))
try:
    workers.run_captured(["sleep", "60"], timeout=120)
except KeyboardInterrupt:
    children = [pid for pid in os.listdir("/proc") if pid.isdigit() and os.path.exists(f"/proc/{pid}/stat")
                and open(f"/proc/{pid}/stat").read().rpartition(")")[2].split()[1] == str(os.getpid())]
    print("arrêté", children)
"""


@forks
def test_a_program_started_as_ctrl_c_arrives_is_stopped_with_the_command():
    result = subprocess.run([sys.executable, "-c", _CTRL_C_AS_THE_FORK_ENDS], cwd=ROOT, capture_output=True, text=True, timeout=50)
    assert (result.returncode, result.stdout, result.stderr) == (0, "arrêté []\n", "")


@forks
def test_work_shared_with_a_child_is_done_once_each_by_whichever_is_free():
    def work(index):
        time.sleep(1 if index == 0 else 0.02)  # one long item: the other process takes the rest meanwhile
        return index * 10, os.getpid()

    done, by_child = workers.shared_with_a_child(8, work)
    assert {index: value for index, (value, _pid) in done.items()} == {index: index * 10 for index in range(8)}
    pids = [pid for _value, pid in done.values()]
    assert len(set(pids)) == 2 and by_child == sum(1 for pid in pids if pid != os.getpid())
    assert pids.count(done[0][1]) == 1  # the other process did the seven short items meanwhile


@forks
def test_an_item_that_fails_or_logs_in_the_child_is_left_to_this_process():
    parent = os.getpid()

    def work(index):
        if os.getpid() == parent:
            time.sleep(1)  # the child takes the other items meanwhile
        elif index == 1:
            raise ValueError("illisible")
        elif index % 2:
            logging.getLogger("pelican").warning("un avertissement sur la page %d", index)
        return index, os.getpid()

    done, by_child = workers.shared_with_a_child(10, work)
    by_whom = {index: pid for index, (_value, pid) in done.items()}
    assert all(index % 2 == 0 for index, pid in by_whom.items() if pid != parent)
    missing = set(range(10)) - set(done)  # for the caller to do again, with its error or warning
    assert len(missing) >= 3 and all(index % 2 for index in missing)
    assert by_child == sum(1 for pid in by_whom.values() if pid != parent)


@forks
def test_an_error_here_stops_the_child_and_is_raised():
    parent = os.getpid()
    started = time.perf_counter()

    def work(index):
        if os.getpid() == parent:
            raise OSError(28, "No space left on device")
        time.sleep(0.5)
        return index

    with pytest.raises(OSError, match="No space left"):
        workers.shared_with_a_child(20, work)
    assert time.perf_counter() - started < 5  # not waiting for the child's 20 items


@forks
def test_ctrl_c_while_waiting_for_the_child_stops_it(tmp_path):
    parent = os.getpid()

    def work(index):
        if os.getpid() == parent:
            time.sleep(0.05)
        elif not (tmp_path / "child").exists():
            (tmp_path / "child").write_text(str(os.getpid()))
            time.sleep(30)  # a long page: the child still renders it when Ctrl-C comes
        return index

    def ctrl_c(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, ctrl_c)
    signal.setitimer(signal.ITIMER_REAL, 1.5)  # after this process's items: while it waits for the child
    started = time.perf_counter()
    try:
        with pytest.raises(KeyboardInterrupt):
            workers.shared_with_a_child(10, work)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.perf_counter() - started < 10
    child = int((tmp_path / "child").read_text())
    assert not os.path.exists(f"/proc/{child}")  # stopped and waited for: it writes nothing more


def test_without_a_second_process_nothing_is_shared():
    assert workers.shared_with_a_child(1, lambda index: index) == ({}, 0)
