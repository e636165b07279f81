"""Two machines (a CI job and a laptop) hand the same edition to Mailchimp at the same moment.

They share no lock, only Mailchimp: each is a real `invoke newsletter` process in its own copy
of the site, against the stand-in answering every request in one second, both reaching it at
the same instant. Whatever the interleaving, the edition goes out once, and a run that stops
says why in one line."""

import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tribune.dates import format_moment

from .conftest import french
from .mailchimp_server import ticking

TITLE = "tribune-2026-11"
GAVE_WAY = french("Rien n'a été envoyé : une autre exécution envoie l'édition 2026-11 (campagne ")
SAME_SECOND = french("Rien n'a été envoyé : une autre exécution a créé une campagne pour l'édition 2026-11 dans la même seconde que "
                     "celle-ci (")
AGAIN = "relancez la même commande dans une minute pour voir son statut"
SENT = french("Édition 2026-11 envoyée : campagne ")


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def line(self) -> str:
        """The line that ends the run (on stderr when it failed)."""
        return (self.out if self.code == 0 else self.err).strip().splitlines()[-1]


@pytest.fixture
def machines(mailchimp, site_copy, tmp_path) -> list[Path]:
    """Two copies of the site that share nothing but the stand-in, which answers in one second
    and holds each run's first request until the other's arrives."""
    laptop = tmp_path / "laptop"
    shutil.copytree(site_copy, laptop)
    for copy in (site_copy, laptop):
        with (copy / "pelicanconf.py").open("a", encoding="utf-8") as conf:
            conf.write("\nNEWSLETTER_MAILCHIMP_TIMEOUT = 10\n")
    mailchimp.state.latency = 1.0
    mailchimp.state.together = threading.Barrier(2, timeout=120)
    return [site_copy, laptop]


def together(machines: list[Path], *flags: str) -> list[Run]:
    """`invoke newsletter --edition 2026-11 FLAGS` on every machine at once."""
    command = [sys.executable, "-m", "invoke", "newsletter", "--edition", "2026-11", *flags]
    processes = [subprocess.Popen(command, cwd=machine, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for machine in machines]
    runs = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        runs.append(Run(process.returncode, out, err))
    return sorted(runs, key=lambda run: run.code)


def assert_gave_way(run: Run, winner: dict) -> None:
    assert run.code == 1, run.out
    assert run.line.startswith(f"{GAVE_WAY}{winner['id']}, statut ") and AGAIN in run.line
    assert "cette exécution a supprimé son propre brouillon" in run.line


def test_two_machines_sending_together_send_once(mailchimp, machines):
    mailchimp.state.clock = ticking(mailchimp.state.now)  # the two campaigns are created in different seconds
    sent, stopped = together(machines, "--send", "--yes")
    (campaign,) = mailchimp.campaigns_titled(TITLE)  # the other run deleted its draft
    assert campaign["status"] == "sent" and mailchimp.state.sends == [campaign["id"]]
    assert sent.code == 0, sent.err
    assert sent.line.startswith(f"{SENT}{campaign['id']}, statut envoyée")
    assert_gave_way(stopped, campaign)


def test_two_machines_in_the_same_second_never_send_twice(mailchimp, machines):
    """Mailchimp's create_time has one-second resolution: two campaigns created in the same
    second cannot be ordered. Both runs give way, or exactly one sends; never both."""
    moment = mailchimp.state.now
    mailchimp.state.clock = lambda: moment
    runs = together(machines, "--send", "--yes")
    assert len(mailchimp.state.sends) <= 1
    assert [c["id"] for c in mailchimp.campaigns_titled(TITLE)] == mailchimp.state.sends  # no draft left behind
    assert sum(run.line.startswith(SENT) for run in runs) == len(mailchimp.state.sends)
    for run in runs:
        if run.code == 0:
            assert run.line.startswith((f"{SENT}{mailchimp.state.sends[0]}", "Déjà envoyée le ")), run.line
        else:
            assert run.line.startswith(SAME_SECOND) and AGAIN in run.line, run.err


def test_two_machines_scheduling_together_schedule_once(mailchimp, machines):
    mailchimp.state.clock = ticking(mailchimp.state.now)
    scheduled, stopped = together(machines, "--schedule", "2026-12-01 09:00", "--yes")
    (campaign,) = mailchimp.campaigns_titled(TITLE)
    assert campaign["status"] == "schedule" and campaign["send_time"] == "2026-12-01T08:00:00+00:00"
    assert mailchimp.state.sends == []
    assert scheduled.code == 0, scheduled.err
    assert scheduled.line.startswith(french(f"Édition 2026-11 programmée pour le 1 décembre 2026 à 9\u00a0h\u00a000 : campagne {campaign['id']}"))
    assert_gave_way(stopped, campaign)


def test_two_machines_testing_together_make_one_campaign(mailchimp, machines):
    mailchimp.state.clock = ticking(mailchimp.state.now)
    tested, stopped = together(machines, "--test", "camille@exemple.fr")
    (campaign,) = mailchimp.campaigns_titled(TITLE)
    assert campaign["status"] == "save" and mailchimp.state.sends == []
    assert mailchimp.state.tests == [(campaign["id"], ["camille@exemple.fr"])]
    assert tested.code == 0, tested.err
    assert tested.line.startswith(french(f"E-mail de test de l'édition 2026-11 envoyé à camille@exemple.fr : campagne {campaign['id']}"))
    assert_gave_way(stopped, campaign)


def test_two_machines_finding_the_same_draft_send_it_once(mailchimp, machines):
    """A draft left by an interrupted run: both runs take it up; Mailchimp refuses the second
    send, and that run says the edition is already sent."""
    mailchimp.state.campaigns["old"] = {
        "id": "old", "web_id": 7, "type": "regular", "status": "save", "send_time": "", "create_time": "2026-11-20T09:00:00+00:00",
        "archive_url": "", "long_archive_url": "", "recipients": {"list_id": mailchimp.state.audience_id},
        "settings": {"title": TITLE, "subject_line": "Ancien sujet"}, "_content": {"html": "", "plain_text": ""},
    }
    runs = together(machines, "--send", "--yes")
    assert list(mailchimp.state.campaigns) == ["old"] and mailchimp.state.sends == ["old"]
    assert [run.code for run in runs] == [0, 0], [run.err for run in runs]
    already, sent = sorted(run.line for run in runs)
    assert already.startswith(french(f"Déjà envoyée le {format_moment(mailchimp.state.campaigns['old']['send_time'])} ; rien n'a été "
                                     "renvoyé : campagne old"))
    assert sent.startswith(f"{SENT}old, statut envoyée")


def test_two_sends_on_one_machine_wait_for_each_other_and_send_once(mailchimp, site_copy):
    """On one machine the site's lock makes the second command wait; it then finds the
    edition sent. The stand-in answers every request in one second, as in the trial."""
    mailchimp.state.latency = 1.0
    with (site_copy / "pelicanconf.py").open("a", encoding="utf-8") as conf:
        conf.write("\nNEWSLETTER_MAILCHIMP_TIMEOUT = 10\n")
    command = [sys.executable, "-m", "invoke", "newsletter", "--edition", "2026-11", "--send", "--yes"]
    first = subprocess.Popen(command, cwd=site_copy, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while not mailchimp.state.requests:  # the first one is talking to Mailchimp, holding the lock
        assert first.poll() is None, first.stderr.read()
        time.sleep(0.05)
    second = subprocess.Popen(command, cwd=site_copy, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outputs = [process.communicate(timeout=300) for process in (first, second)]
    runs = [Run(process.returncode, out, err) for process, (out, err) in zip((first, second), outputs)]
    (campaign,) = mailchimp.campaigns_titled(TITLE)
    assert mailchimp.state.sends == [campaign["id"]]
    assert [run.code for run in runs] == [0, 0], [run.err for run in runs]
    assert runs[0].line.startswith(f"{SENT}{campaign['id']}, statut envoyée")
    assert runs[1].err.startswith(french(f"En attente : invoke newsletter (pid {first.pid} sur "))
    assert runs[1].line.startswith(french(f"Déjà envoyée le {format_moment(campaign['send_time'])} ; rien n'a été renvoyé : campagne "
                                          f"{campaign['id']}"))
