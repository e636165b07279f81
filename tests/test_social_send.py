"""Posting to the networks: the real task, the real clients (Mastodon.py, the atproto SDK), a
Mastodon-compatible server and a Bluesky-compatible PDS on 127.0.0.1 that check every request
and inject faults. Through every fault: exactly one post per piece per network."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tribune import commands

from .conftest import ROOT, french

from .bluesky_server import APP_PASSWORD
from .mastodon_server import TOKEN

PIECES = 5  # the sample's new pieces on 2026-11-24: a post and four upcoming events
POST = "posts/2026-11-09-la-guilde-a-presque-un-an.md"
# Messages are in the site's language (DEFAULT_LANG = "fr"): the tally that ends every --send.
TALLY = "Mastodon\u202f: {}, {} déjà là\u202f; Bluesky\u202f: {}, {} déjà là\u202f; {}"
PAGE = "https://guilde.editions-boussole.fr/billets/la-guilde-a-presque-un-an-ce-que-vous-nous-avez-dit/"


def run(capsys, **flags):
    code = commands.run_social("pelicanconf.py", **flags)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def ledger() -> dict:
    return json.loads(Path("content/social-ledger.json").read_text(encoding="utf-8"))["pieces"]


def exactly_once(mastodon, bluesky) -> None:
    """One post per piece per network, each recorded in the ledger with its address."""
    assert mastodon.state.posts == PIECES and bluesky.state.posts == PIECES
    pieces = ledger()
    assert len(pieces) == PIECES
    assert sorted(entry["mastodon"]["url"] for entry in pieces.values()) == sorted(s["url"] for s in mastodon.state.statuses)
    assert sorted(entry["bluesky"]["id"] for entry in pieces.values()) == sorted(r["uri"] for r in bluesky.state.records.values())


def test_the_dry_run_shows_every_text_and_makes_no_call(networks, capsys):
    mastodon, bluesky = networks
    code, out, _ = run(capsys)
    assert code == 0 and mastodon.requests == [] and bluesky.requests == []
    assert f"Billet {POST}\u202f: La Guilde a (presque) un an\u202f: ce que vous nous avez dit" in out
    assert "  Mastodon, 248/500 caractères, avec l’image (texte alternatif\u202f: «\u202fUne boussole stylisée entourée de pions colorés\u202f»)\u202f:" in out
    assert "    | 412 réponses à notre enquête\u202f: merci\u202f! Ce que vous aimez dans la Guilde" in out
    assert out.strip().splitlines()[-2] == "Essai à blanc\u202f: 10 publications à faire (Mastodon 5, Bluesky 5)\u202f; rien n’a été publié. invoke social --send les fait."


def test_send_posts_each_new_piece_once_and_a_second_run_nothing(networks, capsys):
    mastodon, bluesky = networks
    code, out, err = run(capsys, send=True)
    assert code == 0, err
    exactly_once(mastodon, bluesky)
    assert out.strip().splitlines()[-1] == TALLY.format("5 nouvelles publications", 0, "5 nouvelles publications", 0, "aucun échec")
    # Mastodon: the image with its alt text, attached; the writer's own text, the link with its UTM tags
    status = next(s for s in mastodon.state.statuses if "412" in s["text"])
    assert status["media_attachments"][0]["description"] == "Une boussole stylisée entourée de pions colorés"
    assert status["language"] == "fr" and f'href="{PAGE}?utm_source=mastodon&amp;utm_medium=social&amp;utm_campaign=syndication"' in status["content"]
    # Bluesky: facets the PDS checked, a link card with the image as its thumbnail
    record = next(r["value"] for r in bluesky.state.records.values() if "412" in r["value"]["text"])
    assert record["embed"]["external"]["uri"].startswith(PAGE + "?utm_source=bluesky") and record["embed"]["external"]["thumb"]
    assert {f["features"][0]["$type"] for f in record["facets"]} == {"app.bsky.richtext.facet#link", "app.bsky.richtext.facet#tag"}
    assert ledger()[POST]["url"] == PAGE and ledger()[POST]["bluesky"]["url"].startswith("https://bsky.app/profile/")
    requests = len(mastodon.requests), len(bluesky.requests)
    code, out, err = run(capsys, send=True)
    assert code == 0 and out.strip() == TALLY.format("0 nouvelle publication", 0, "0 nouvelle publication", 0, "aucun échec")
    assert (len(mastodon.requests), len(bluesky.requests)) == requests  # the ledger says it all: no call
    code, out, _ = run(capsys)
    assert f"  Mastodon\u202f: déjà publié, {ledger()[POST]['mastodon']['url']}" in out and "Essai à blanc\u202f: 0 publication à faire" in out


@pytest.mark.parametrize(("network", "kind", "method", "path"), [
    ("mastodon", "429", "POST", r"/api/v1/statuses$"),
    ("mastodon", "500", "POST", r"/api/v1/statuses$"),
    ("mastodon", "drop", "POST", r"/api/v1/statuses$"),
    ("mastodon", "slow", "POST", r"/api/v1/statuses$"),
    ("mastodon", "drop", "POST", r"/api/v2/media$"),
    ("mastodon", "500", "GET", r"/statuses$"),
    ("bluesky", "429", "POST", r"createRecord$"),
    ("bluesky", "500", "POST", r"createRecord$"),
    ("bluesky", "drop", "POST", r"createRecord$"),
    ("bluesky", "slow", "POST", r"createRecord$"),
    ("bluesky", "drop", "POST", r"uploadBlob$"),
    ("bluesky", "drop", "POST", r"createSession$"),
    ("bluesky", "500", "GET", r"getRecord$"),
])
def test_through_every_fault_each_piece_is_posted_exactly_once(networks, capsys, network, kind, method, path):
    mastodon, bluesky = networks
    server = mastodon if network == "mastodon" else bluesky
    server.inject(kind, method, path, times=2)
    code, out, err = run(capsys, send=True)
    assert code == 0, err
    assert [fault.times for fault in server.faults.faults] == [0]
    exactly_once(mastodon, bluesky)
    if kind in ("drop", "slow") and path.endswith(("statuses$", "createRecord$")):
        assert "s’est perdue" in out and "mais la publication est bien là." in out


def test_a_post_made_but_not_recorded_is_found_on_the_network(networks, capsys):
    """A run killed between posting and writing the ledger (or a ledger not merged from another
    machine): the next run finds the posts on the accounts and records them."""
    mastodon, bluesky = networks
    assert run(capsys, send=True)[0] == 0
    Path("content/social-ledger.json").unlink()
    code, out, err = run(capsys, send=True)
    assert code == 0, err
    exactly_once(mastodon, bluesky)
    assert out.strip().splitlines()[-1] == TALLY.format("0 nouvelle publication", 5, "0 nouvelle publication", 5, "aucun échec")
    assert "Déjà sur Mastodon\u202f: La Guilde a (presque) un an" in out


def test_a_refused_token_is_one_line_and_the_other_network_goes_on(networks, capsys, monkeypatch):
    mastodon, bluesky = networks
    monkeypatch.setenv("MASTODON_ACCESS_TOKEN", "not-the-token")
    code, out, err = run(capsys, send=True)
    assert code == 1 and mastodon.state.posts == 0 and bluesky.state.posts == PIECES
    assert err.strip().splitlines() == [
        "Rien n’a été publié sur Mastodon\u202f: vérification de MASTODON_ACCESS_TOKEN\u202f: Mastodon a refusé MASTODON_ACCESS_TOKEN "
        "(HTTP 401\u202f: The access token is invalid)\u202f: créez un nouveau jeton dans Préférences › Développement et exportez-le "
        "(5 contenus en attente)"]
    assert out.strip().splitlines()[-1] == TALLY.format("0 nouvelle publication", 0, "5 nouvelles publications", 0, "1 échec")
    everything = out + err + Path("content/social-ledger.json").read_text(encoding="utf-8")
    assert "not-the-token" not in everything and TOKEN not in everything and APP_PASSWORD not in everything


def test_a_wrong_app_password_and_an_unknown_instance(networks, capsys, monkeypatch):
    mastodon, bluesky = networks
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "wrong-password")
    monkeypatch.setenv("MASTODON_API_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    code, out, err = run(capsys, send=True)
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 2 and "wrong-password" not in out + err
    assert lines[0] == ("Rien n’a été publié sur Mastodon\u202f: MASTODON_API_BASE_URL http://127.0.0.1:9\u202f: aucune instance Mastodon ne répond à cette "
                        "adresse (lecture de l’instance\u202f: Mastodon n’a pas répondu (la connexion a été refusée))\u202f; vérifiez-la (5 contenus en attente)")
    assert lines[1] == ("Rien n’a été publié sur Bluesky\u202f: connexion\u202f: Bluesky a refusé BLUESKY_HANDLE et BLUESKY_APP_PASSWORD "
                        "(HTTP 401\u202f: AuthenticationRequired: Invalid identifier or password)\u202f: vérifiez l’identifiant et, au besoin, "
                        "créez un nouveau mot de passe d’application (5 contenus en attente)")


def test_missing_configuration_is_said_before_any_call(networks, capsys, monkeypatch):
    mastodon, bluesky = networks
    monkeypatch.delenv("BLUESKY_APP_PASSWORD")
    code, _, err = run(capsys, send=True, only="bluesky")
    assert code == 1 and bluesky.requests == [] and mastodon.requests == []
    assert err.strip().startswith("Rien n’a été publié sur Bluesky\u202f: la variable BLUESKY_APP_PASSWORD n’est pas définie\u202f: créez un mot de passe d’application")


def test_only_one_network_and_the_networks_tribune_does_not_post_to(networks, capsys):
    mastodon, bluesky = networks
    code, out, err = run(capsys, send=True, only="bluesky")
    assert code == 0, err
    assert bluesky.state.posts == PIECES and mastodon.requests == []
    code, _, err = run(capsys, send=True, only="linkedin")
    assert code == 1 and err.strip() == ("Rien n’a été publié\u202f: --only linkedin\u202f: LinkedIn exige un accès partenaire ou payant à "
                                        "son API, Tribune n’y publie donc pas\u202f: son texte est dans le kit relais de chaque contenu, pour "
                                        "que les membres le publient")


def test_one_piece_failing_does_not_stop_the_others(networks, capsys):
    mastodon, bluesky = networks
    event = Path("content/events/soiree-jeux-quebecoise.md")
    event.write_text(event.read_text(encoding="utf-8").replace("Social-Bluesky: Le 10 décembre", "Social-Bluesky: " + "très " * 60 + "Le 10 décembre"),
                     encoding="utf-8")
    code, out, err = run(capsys, send=True)
    assert code == 1 and mastodon.state.posts == PIECES and bluesky.state.posts == PIECES - 1
    assert err.strip().splitlines() == [
        "Non publié sur Bluesky\u202f: content/events/soiree-jeux-quebecoise.md\u202f: le texte fait 536 graphèmes, 236 de plus que "
        "les 300 de Bluesky\u202f: raccourcissez Social-Bluesky"]


def test_mentions_notify_no_one(networks, capsys):
    mastodon, bluesky = networks
    post = Path("content/posts/2026-11-09-la-guilde-a-presque-un-an.md")
    post.write_text(post.read_text(encoding="utf-8").replace("Social-Mastodon: Vous avez été", "Social-Mastodon: Merci @camille et @yanis ! Vous avez été"),
                    encoding="utf-8")
    assert run(capsys, send=True)[0] == 0
    status = next(s for s in mastodon.state.statuses if "412" in s["text"])
    assert "camille" in status["text"] and mastodon.state.notified == []


def test_sending_holds_the_sites_lock(networks, capsys):
    """Another command (here another process) works on the site: --send waits, or with
    --no-wait stops before any call."""
    mastodon, _ = networks
    holder = subprocess.Popen([sys.executable, "-c", "import sys; from tribune.lock import site_lock\n"
                               "with site_lock('pelicanconf.py', 'invoke build'):\n print('held', flush=True); sys.stdin.read()"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout.readline().strip() == "held"
        code, _, err = run(capsys, send=True, wait=False)
    finally:
        holder.communicate("")
    assert code == 1 and err.startswith(french("Rien n'a été lancé : invoke build (pid")) and mastodon.requests == []


def test_a_piece_kept_off_the_networks(networks, capsys):
    mastodon, bluesky = networks
    post = Path("content/" + POST)
    post.write_text(post.read_text(encoding="utf-8").replace("Social-Mastodon:", "Social: no\nSocial-Mastodon:"), encoding="utf-8")
    code, out, _ = run(capsys)
    assert code == 0 and f"Billet {POST}\u202f: La Guilde a (presque) un an" in out and "  Social: no — tenu à l’écart des réseaux" in out
    assert run(capsys, send=True)[0] == 0
    assert mastodon.state.posts == bluesky.state.posts == PIECES - 1 and POST not in ledger()
