"""Sending through Mailchimp: the real task, the real client, a Mailchimp-compatible server
on 127.0.0.1 that checks every request and injects faults. Never twice, never half-ready."""

from pathlib import Path

import pytest

from tribune import commands

from mailchimp_marketing.api_client import ApiClientError

from tribune.build import load_site
from tribune.dates import format_moment

from .conftest import french
from .mailchimp_server import KEY, ticking

TITLE = "tribune-2026-11"


def run(capsys, **flags):
    code = commands.run_newsletter("pelicanconf.py", edition="2026-11", **flags)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def last_line(out: str) -> str:
    return out.strip().splitlines()[-1]


def test_dry_run_makes_no_call(mailchimp, capsys):
    code, out, _ = run(capsys)
    assert code == 0 and french("Objet : ") in out
    assert mailchimp.state.requests == []


def test_test_send(mailchimp, capsys):
    code, out, err = run(capsys, test="camille@exemple.fr, yanis@exemple.fr")
    assert code == 0, err
    (campaign,) = mailchimp.campaigns_titled(TITLE)
    assert mailchimp.state.tests == [(campaign["id"], ["camille@exemple.fr", "yanis@exemple.fr"])]
    assert mailchimp.state.sends == []
    assert "*|UNSUB|*" in campaign["_content"]["html"] and campaign["_content"]["plain_text"].startswith("LA LETTRE")
    assert campaign["settings"]["subject_line"] == "La Guilde a (presque) un an\u202f: ce que vous nous avez dit"
    assert campaign["settings"]["reply_to"] == "guilde@editions-boussole.fr"
    assert last_line(out) == french(
        f"E-mail de test de l'édition 2026-11 envoyé à camille@exemple.fr, yanis@exemple.fr : campagne {campaign['id']}, statut brouillon, "
        f"archive {campaign['long_archive_url']}, administration https://us21.admin.mailchimp.com/campaigns/show/?id={campaign['web_id']}"
    )


def test_schedule_on_a_quarter_hour_in_the_site_time_zone(mailchimp, capsys):
    code, out, err = run(capsys, schedule="2026-12-01 09:00", yes=True)
    assert code == 0, err
    (campaign,) = mailchimp.campaigns_titled(TITLE)
    assert campaign["status"] == "schedule" and campaign["send_time"] == "2026-12-01T08:00:00+00:00"
    assert mailchimp.state.sends == []
    assert last_line(out).startswith(french("Édition 2026-11 programmée pour le 1 décembre 2026 à 9\u00a0h\u00a000 : campagne"))


@pytest.mark.parametrize(("value", "message"), [
    ("2026-12-01 09:10", french("--schedule 09:10 : Mailchimp ne programme qu'au quart d'heure (à 00, 15, 30 ou 45 minutes) ; "
                                "essayez 09:15")),
    ("2026-11-01 09:00", french("--schedule : le 1 novembre 2026 à 9\u00a0h\u00a000 est passé : Mailchimp ne programme que dans le futur")),
    ("demain", french("--schedule « demain » n'est pas une date avec une heure (attendu : « AAAA-MM-JJ HH:MM », heure de Europe/Paris)")),
])
def test_bad_schedule_times_are_refused_before_any_call(mailchimp, capsys, value, message):
    code, _, err = run(capsys, schedule=value, yes=True)
    assert code == 1 and message in err
    assert mailchimp.state.requests == []


def test_send_twice_sends_once(mailchimp, capsys):
    code, out, err = run(capsys, send=True, yes=True)
    assert code == 0, err
    (campaign,) = mailchimp.campaigns_titled(TITLE)
    assert mailchimp.state.sends == [campaign["id"]]
    assert last_line(out).startswith(french(f"Édition 2026-11 envoyée : campagne {campaign['id']}, statut envoyée, archive https://"))
    code, out, err = run(capsys, send=True, yes=True)
    assert code == 0, err
    assert campaign["send_time"] == "2026-11-24T11:00:00+00:00"  # Mailchimp speaks UTC; the writer reads Paris time
    assert last_line(out).startswith(french("Déjà envoyée le 24 novembre 2026 à 12\u00a0h\u00a000 ; rien n'a été renvoyé : campagne"))
    assert mailchimp.state.sends == [campaign["id"]] and len(mailchimp.campaigns_titled(TITLE)) == 1


def test_a_scheduled_campaign_is_sent_by_send_and_only_once(mailchimp, capsys):
    assert run(capsys, schedule="2026-12-01 09:00", yes=True)[0] == 0
    code, out, err = run(capsys, send=True, yes=True)
    assert code == 0, err
    (campaign,) = mailchimp.campaigns_titled(TITLE)
    assert campaign["status"] == "sent" and mailchimp.state.sends == [campaign["id"]]


def test_a_saved_draft_is_updated_not_duplicated(mailchimp, capsys):
    mailchimp.state.campaigns["old"] = {
        "id": "old", "web_id": 7, "type": "regular", "status": "save", "send_time": "", "archive_url": "", "long_archive_url": "",
        "recipients": {"list_id": mailchimp.state.audience_id}, "settings": {"title": TITLE, "subject_line": "Ancien sujet"},
        "_content": {"html": "", "plain_text": ""},
    }
    code, _, err = run(capsys, send=True, yes=True)
    assert code == 0, err
    assert list(mailchimp.state.campaigns) == ["old"] and mailchimp.state.sends == ["old"]
    assert mailchimp.state.campaigns["old"]["settings"]["subject_line"].startswith("La Guilde a (presque)")


def draft(mailchimp, campaign_id: str, created: str, **fields) -> dict:
    """A campaign of this edition left in Mailchimp by an earlier run."""
    campaign = {
        "id": campaign_id, "web_id": 7, "type": "regular", "status": "save", "send_time": "", "create_time": created,
        "archive_url": "", "long_archive_url": "", "recipients": {"list_id": mailchimp.state.audience_id},
        "settings": {"title": TITLE, "subject_line": "Ancien sujet"}, "_content": {"html": "", "plain_text": ""}, **fields,
    }
    mailchimp.state.campaigns[campaign_id] = campaign
    return campaign


def test_a_draft_that_appears_while_creating_is_older_and_wins(mailchimp, capsys):
    """An interrupted run's create lands just before this run's (its answer never came): this
    run gives way and deletes its own draft; the next run sends the older one, and only it."""
    mailchimp.state.clock = ticking(mailchimp.state.now)
    mailchimp.inject("twin", "POST", r"/campaigns$")
    code, _, err = run(capsys, send=True, yes=True)
    (leftover,) = mailchimp.campaigns_titled(TITLE)
    assert code == 1 and mailchimp.state.sends == []
    assert french(f"Rien n'a été envoyé : une autre exécution envoie l'édition 2026-11 (campagne {leftover['id']}, statut brouillon") in err
    assert french("cette exécution a supprimé son propre brouillon") in err
    assert french("relancez la même commande dans une minute pour voir son statut") in err
    code, out, err = run(capsys, send=True, yes=True)
    assert code == 0, err
    assert mailchimp.state.sends == [leftover["id"]] and len(mailchimp.campaigns_titled(TITLE)) == 1
    assert last_line(out).startswith(french(f"Édition 2026-11 envoyée : campagne {leftover['id']}, statut envoyée"))


def test_a_draft_that_cannot_be_deleted_is_named_in_the_one_line(mailchimp, capsys):
    """Deleting a draft may be repeated (bounded); when Mailchimp keeps failing, the line says
    which draft to delete by hand, and nothing is sent."""
    mailchimp.state.clock = ticking(mailchimp.state.now)
    mailchimp.inject("twin", "POST", r"/campaigns$")
    mailchimp.inject("500", "DELETE", r"/campaigns/[^/]+$", times=5)
    code, _, err = run(capsys, send=True, yes=True)
    leftover, own = mailchimp.campaigns_titled(TITLE)
    assert code == 1 and mailchimp.state.sends == [] and [f.times for f in mailchimp.state.faults] == [0, 0]
    assert err.strip().splitlines() == [french(
        f"Rien n'a été envoyé : une autre exécution envoie l'édition 2026-11 (campagne {leftover['id']}, statut brouillon, créée le "
        f"{format_moment(leftover['create_time'])}) ; cette exécution n'a pas pu supprimer son propre brouillon {own['id']} (supprimez-le "
        "dans Mailchimp ; suppression du brouillon : Internal Server Error (HTTP 500) — An unexpected internal error has occurred.) : "
        "relancez la même commande dans une minute pour voir son statut")]


def test_a_campaign_created_elsewhere_in_the_same_second_makes_this_run_give_way(mailchimp, capsys):
    """Another machine created its campaign in the same second, and saw only its own (so it goes
    on): Mailchimp cannot tell which came first, so this run must not send."""
    moment = mailchimp.state.now
    mailchimp.state.clock = lambda: moment
    mailchimp.inject("twin", "POST", r"/campaigns$")
    code, _, err = run(capsys, send=True, yes=True)
    (other,) = mailchimp.campaigns_titled(TITLE)
    assert code == 1 and mailchimp.state.sends == [] and other["status"] == "save"
    assert french(f"Rien n'a été envoyé : une autre exécution a créé une campagne pour l'édition 2026-11 dans la même seconde que celle-ci "
                  f"({other['id']} et ") in err
    assert french("Mailchimp ne peut pas dire laquelle est la première ; cette exécution a supprimé son propre brouillon") in err


def test_a_campaign_sent_elsewhere_just_before_the_send_stops_it(mailchimp, capsys):
    """The winner's last look before sending: another machine (which never saw this run's
    campaign) sent its own copy meanwhile; this run sends nothing and deletes its draft."""
    mailchimp.inject("sent twin", "GET", r"/send-checklist$")
    code, out, err = run(capsys, send=True, yes=True)
    assert code == 0, err
    (sent,) = mailchimp.campaigns_titled(TITLE)
    assert mailchimp.state.sends == [sent["id"]]
    assert last_line(out).startswith(french(f"Déjà envoyée le {format_moment(sent['send_time'])} ; rien n'a été renvoyé : campagne "
                                            f"{sent['id']}, statut envoyée"))


def test_a_scheduled_campaign_wins_over_a_newer_duplicate_draft(mailchimp, capsys):
    """A scheduled campaign and a draft left by a run that stopped: --send sends the scheduled
    one (now), never the draft, which would make two sends."""
    draft(mailchimp, "1sched", "2026-11-20T09:00:00+00:00", status="schedule", send_time="2026-12-01T08:00:00+00:00")
    draft(mailchimp, "0draft", "2026-11-20T09:05:00+00:00")
    code, out, err = run(capsys, send=True, yes=True)
    assert code == 0, err
    assert mailchimp.state.sends == ["1sched"] and mailchimp.state.campaigns["0draft"]["status"] == "save"
    assert last_line(out).startswith(french("Édition 2026-11 envoyée : campagne 1sched, statut envoyée"))


def test_the_stand_in_refuses_what_mailchimp_refuses(mailchimp, site_copy):
    """Deleting a sent campaign, and sorting the list by a field Mailchimp does not sort by."""
    settings = load_site(site_copy / "pelicanconf.py").settings
    from newsletter.mailchimp import Mailchimp, MailchimpConfig, MailchimpError

    api = Mailchimp(MailchimpConfig.load(settings))
    draft(mailchimp, "gone", "2026-11-20T09:00:00+00:00", status="sent", send_time="2026-11-20T10:00:00+00:00")
    with pytest.raises(MailchimpError, match="cannot be deleted because its status is sent"):
        api.delete_campaign("gone")
    with pytest.raises(ApiClientError) as refused:
        api.client.campaigns.list(sort_field="title")
    assert refused.value.status_code == 400 and "Value must be one of: create_time, send_time" in refused.value.text
    draft(mailchimp, "kept", "2026-11-19T09:00:00+00:00")
    assert [c["id"] for c in api.campaigns_titled(TITLE)] == ["kept", "gone"]
    api.delete_campaign("kept")
    assert list(mailchimp.state.campaigns) == ["gone"]


@pytest.mark.parametrize(("kind", "method", "path", "times"), [
    ("429", "POST", r"/campaigns$", 3),
    ("429", "POST", r"/actions/send$", 2),
    ("500", "POST", r"/campaigns$", 1),
    ("500", "POST", r"/actions/send$", 1),
    ("500", "GET", r"/send-checklist$", 2),
    ("drop", "POST", r"/campaigns$", 1),  # created, but the client never heard of it
    ("drop", "POST", r"/actions/send$", 1),  # sent, but the client never heard of it
    ("slow", "POST", r"/campaigns$", 1),
    ("slow", "POST", r"/actions/send$", 1),
])
def test_faults_end_with_one_campaign_and_one_send(mailchimp, capsys, kind, method, path, times):
    mailchimp.inject(kind, method, path, times)
    code, out, err = run(capsys, send=True, yes=True)
    assert code == 0, err
    assert [f.times for f in mailchimp.state.faults] == [0]  # the fault did happen
    campaigns = mailchimp.campaigns_titled(TITLE)
    assert len(campaigns) == 1 and campaigns[0]["status"] == "sent"
    assert mailchimp.state.sends == [campaigns[0]["id"]]
    assert "campagne" in last_line(out) and "statut envoyée" in last_line(out)


def test_an_unready_checklist_refuses_to_send(mailchimp, capsys, site_copy):
    template = site_copy / "theme/templates/email/edition.html"
    template.write_text(template.read_text(encoding="utf-8").replace('<a href="*|UNSUB|*">', '<a href="#">'), encoding="utf-8")
    code, _, err = run(capsys, send=True, yes=True)
    assert code == 1
    assert french("La liste de vérification d'envoi de Mailchimp n'est pas prête") in err
    assert "Unsubscribe link: Your campaign has no *|UNSUB|* link." in err  # Mailchimp's own words, as it gives them
    assert mailchimp.state.sends == []


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("MAILCHIMP_API_KEY", None, french("la variable MAILCHIMP_API_KEY n'est pas définie")),
    ("MAILCHIMP_AUDIENCE_ID", None, french("la variable MAILCHIMP_AUDIENCE_ID n'est pas définie")),
    ("MAILCHIMP_API_KEY", "no-suffix-key", french("la variable MAILCHIMP_SERVER n'est pas définie et MAILCHIMP_API_KEY n'a pas de suffixe")),
])
def test_missing_configuration_is_named_before_any_call(mailchimp, capsys, monkeypatch, variable, value, message):
    if value is None:
        monkeypatch.delenv(variable)
    else:
        monkeypatch.setenv(variable, value)
    code, _, err = run(capsys, send=True, yes=True)
    assert code == 1 and message in err
    assert mailchimp.state.requests == []


def test_a_refused_key_and_a_wrong_audience_are_said_in_plain_words(mailchimp, capsys, monkeypatch):
    monkeypatch.setenv("MAILCHIMP_API_KEY", "ffffffffffffffffffffffffffffffff-us21")
    code, _, err = run(capsys, send=True, yes=True)
    assert code == 1 and french("Mailchimp a refusé la clé d'API (HTTP 401)") in err
    monkeypatch.setenv("MAILCHIMP_API_KEY", KEY)
    monkeypatch.setenv("MAILCHIMP_AUDIENCE_ID", "nope")
    code, _, err = run(capsys, send=True, yes=True)
    assert code == 1 and french("MAILCHIMP_AUDIENCE_ID « nope » n'est pas une audience de ce compte Mailchimp") in err
    assert mailchimp.state.sends == []


def test_sending_without_a_terminal_needs_yes(mailchimp, capsys):
    code, _, err = run(capsys, send=True)
    assert code == 1 and err == french("Rien n'a été envoyé : Envoyer « La Guilde a (presque) un an : ce que vous nous avez dit » "
                                       "à toute l'audience maintenant ? Aucun terminal pour le confirmer : ajoutez --yes (en CI, par exemple)\n")
    assert mailchimp.state.requests == []


def test_a_draft_edition_is_not_sent(mailchimp, capsys, site_copy):
    edition = site_copy / "content/newsletters/2026-11.md"
    edition.write_text(edition.read_text(encoding="utf-8").replace("Lang: fr", "Lang: fr\nStatus: draft"), encoding="utf-8")
    code, _, err = run(capsys, send=True, yes=True)
    assert code == 1 and french("l'édition 2026-11 n'est pas publiée (Status: draft) : passez Status: à published") in err
    assert mailchimp.state.requests == []


def test_the_key_appears_nowhere(mailchimp, capsys, site_copy):
    seen = []
    mailchimp.inject("500", "GET", r"/send-checklist$", 10)
    for flags in ({}, {"test": "a@exemple.fr"}, {"send": True, "yes": True}):
        seen.extend(run(capsys, **flags)[1:])
    assert any(french("Rien n'a été envoyé") in text for text in seen)
    for text in seen:
        assert KEY not in text and KEY.split("-")[0] not in text
    for path in Path(site_copy / "output").rglob("*"):
        if path.is_file():
            assert KEY.split("-")[0].encode() not in path.read_bytes(), path


def test_publish_then_send_in_one_command_and_never_before_the_deploy(mailchimp, capsys, tmp_path, site_copy):
    bad = site_copy / "content/posts/cassé.md"
    bad.write_text("Title: Cassé\nDate: hier\n\nTexte.\n", encoding="utf-8")
    assert commands.run_publish("publishconf.py", target=str(tmp_path / "www"), send=True, yes=True) == 1
    assert mailchimp.state.requests == []  # the deploy failed: no call at all
    bad.unlink()
    capsys.readouterr()
    assert commands.run_publish("publishconf.py", target=str(tmp_path / "www"), send=True, yes=True) == 0
    out = capsys.readouterr().out
    assert "Publié sur" in out and last_line(out).startswith(french("Édition 2026-11 envoyée : campagne"))
    assert len(mailchimp.state.sends) == 1


def test_publish_hands_the_edition_asked_for_to_mailchimp(mailchimp, capsys, tmp_path):
    assert commands.run_publish("publishconf.py", target=str(tmp_path / "www"), edition="2026-10", test="camille@exemple.fr") == 0
    (campaign,) = mailchimp.campaigns_titled("tribune-2026-10")
    assert mailchimp.state.tests == [(campaign["id"], ["camille@exemple.fr"])] and not mailchimp.campaigns_titled(TITLE)
    assert last_line(capsys.readouterr().out).startswith(french("E-mail de test de l'édition 2026-10 envoyé à camille@exemple.fr"))
