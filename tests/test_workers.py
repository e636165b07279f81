"""Work in forked processes: results come back, and errors are raised in the build's process."""

import os
import subprocess
import sys

import pytest

from tribune import workers

from .conftest import ROOT

forks = pytest.mark.skipif(workers.processes({}, "ANY") < 2 or (os.cpu_count() or 1) < 2, reason="needs fork and two cores")


@forks
def test_a_call_beside_runs_in_another_process():
    assert workers.beside(os.getpid).result() != os.getpid()


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
_CTRL_C_AT_EVERY_FORK = """
import os, signal, sys
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
_CTRL_C_AS_THE_FORK_ENDS = """
import os, signal
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
