"""Work in forked processes: results come back, and errors are raised in the build's process."""

import os

import pytest

from tribune import workers

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
