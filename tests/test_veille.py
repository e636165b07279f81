"""invoke veille: feeds from a web server on 127.0.0.1, Mastodon's hashtag timelines and search
and Bluesky's post search from the stand-ins, through the real clients (feedparser, requests,
Mastodon.py, the atproto SDK). Mentions found, deduplicated, filtered; failures one line each;
hostile text inert; spikes; the cache that makes the report offline."""

import json
import socket
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tribune import commands

from .conftest import ROOT, copy_site
from .feed_server import FakeFeeds, atom, rss

SPEECH = "La Guilde Boussole organise un grand tournoi de Marée haute à Lyon le mois prochain, venez nombreux"


@pytest.fixture
def watched(networks, monkeypatch):
    """The stand-ins and a feed server, and the site's veille pointed at them."""
    mastodon, bluesky = networks
    with FakeFeeds() as feeds:
        alerts = feeds.serve("/alerts.xml", atom([
            {"title": "Les <b>Éditions Boussole</b> annoncent Pollen 2", "date": "2026-11-20T09:00:00Z", "content": "Un jeu coopératif",
             "link": "https://www.google.com/url?rct=j&sa=t&url=https://jeux.example/pollen-2&ct=ga"},
            {"title": "La boussole numérique de l'État", "link": "https://etat.example/boussole", "date": "2026-11-21T09:00:00Z",
             "content": "Rien à voir avec les jeux"},
            {"title": "Guilde Boussole : notre billet", "link": "https://guilde.editions-boussole.fr/billets/un-an/",
             "date": "2026-11-21T10:00:00Z"},
            {"title": "Ein Spiel der Guilde Boussole", "link": "https://spiele.example/boussole", "date": "2026-11-21T08:00:00Z",
             "content": "Auf Deutsch", "lang": "de"},
        ], title="Alerte Google"), kind="application/atom+xml")
        forum = feeds.serve("/forum.rss", rss([
            {"title": "Pollen 2 des Éditions Boussole", "link": "https://jeux.example/pollen-2?utm_source=forum#commentaires",
             "description": "On en parle", "date": "Fri, 20 Nov 2026 11:00:00 +0000", "author": "Ludo"},
            {"title": "Soirée à Lyon", "link": "https://forum.example/soiree", "date": "Sat, 21 Nov 2026 09:00:00 +0000",
             "description": "Rien sur nous"},
            {"title": "Compte rendu de la soirée Guilde Boussole à Lyon, partie 1", "link": "https://forum.example/cr-1",
             "date": "Sat, 21 Nov 2026 10:00:00 +0000"},
            {"title": "Compte rendu de la soirée Guilde Boussole à Lyon, partie 2", "link": "https://forum.example/cr-2",
             "date": "Sat, 21 Nov 2026 11:00:00 +0000"},
        ], lang="fr"))
        mastodon.speak(SPEECH + " #GuildeBoussole", "ludo@jeux.example", "2026-11-22T10:00:00.000Z")
        mastodon.speak("Partie de #SoiréeBoussole hier soir", "camille", "2026-11-22T12:00:00.000Z")
        mastodon.speak("Notre nouveau billet sur la Guilde Boussole", "editionsboussole", "2026-11-22T13:00:00.000Z")
        mastodon.speak("Die Guilde Boussole ist toll #GuildeBoussole", "hans@spiele.example", "2026-11-22T14:00:00.000Z", language="de")
        bluesky.speak(SPEECH + " !", "ludo.bsky.social", "2026-11-22T10:05:00.000Z")
        bluesky.speak("J'ai testé Pollen des Éditions Boussole, superbe", "aicha.bsky.social", "2026-11-23T08:00:00.000Z")
        sources = [{"name": "Alerte Google", "feed": alerts}, {"name": "Forum", "feed": forum},
                   {"name": "Mastodon", "mastodon": mastodon.url, "hashtags": ["GuildeBoussole", "SoiréeBoussole"], "search": True},
                   {"name": "Bluesky", "bluesky": bluesky.url}]
        with Path("pelicanconf.py").open("a", encoding="utf-8") as conf:
            conf.write(f"\nVEILLE_SOURCES = {sources!r}\nVEILLE_TIMEOUT = 1\nVEILLE_RETRY_BASE = 0.01\n"
                       f"SOCIAL = [('Mastodon', '{mastodon.url}/@editionsboussole')]\n")
        yield feeds, mastodon, bluesky


def run(capsys, task=commands.run_veille):
    code = task("pelicanconf.py")
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def cache() -> dict:
    return json.loads(Path("reports/veille.json").read_text(encoding="utf-8"))


def test_mentions_are_found_deduplicated_and_filtered(watched, capsys):
    code, out, err = run(capsys)
    assert code == 0 and err == ""
    mentions = {m["url"]: m for m in cache()["mentions"]}
    # Google's redirect unwrapped; the forum's copy of the same page (utm, fragment) counted once
    pollen = mentions["https://jeux.example/pollen-2"]
    assert pollen["source"] == "Alerte Google" and pollen["also_in"] == ["Forum"] and pollen["keyword"] == "Éditions Boussole"
    assert pollen["title"] == "Les Éditions Boussole annoncent Pollen 2"  # markup in a title is text
    # the same words on Mastodon and Bluesky: once
    assert sum(SPEECH in m["text"] for m in mentions.values()) == 1
    [speech] = [m for m in mentions.values() if SPEECH in m["text"]]
    assert speech["also_in"] == ["Bluesky"] and speech["lang"] == "fr"
    assert any(m["keyword"] == "#SoiréeBoussole" and m["author"] == "camille" for m in mentions.values())  # found by its hashtag alone
    texts = " ".join(m["title"] + m["text"] for m in mentions.values())
    assert "boussole numérique" not in texts  # an excluded phrase
    assert "Notre nouveau billet" not in texts and "notre billet" not in texts  # the community's own account and site
    assert "Deutsch" not in texts and "ist toll" not in texts  # not a language of the site
    assert "Rien sur nous" not in texts  # no keyword
    assert {"https://forum.example/cr-1", "https://forum.example/cr-2"} <= set(mentions)  # one source's two pages, however alike
    assert len(mentions) == 6
    assert out.count("\n+ ") + out.startswith("+ ") == 6
    assert out.strip().splitlines()[-1] == "6 nouvelles mentions depuis la dernière veille, 6 en tout\u202f; 4 sources sur 4 ont répondu."
    assert all(state["fetched_at"] and not state["error"] for state in cache()["sources"].values())


def test_a_second_run_says_only_what_is_new(watched, capsys):
    _feeds, mastodon, _bluesky = watched
    run(capsys)
    mastodon.speak("Qui vient jouer avec la Guilde Boussole samedi ?", "lea@jeux.example", "2026-11-24T09:00:00.000Z")
    code, out, _err = run(capsys)
    assert code == 0 and [line for line in out.splitlines() if line.startswith("+ ")] == [
        f"+ 2026-11-24 Mastodon, lea@jeux.example\u202f: Qui vient jouer avec la Guilde Boussole samedi ? (Guilde Boussole) "
        f"https://jeux.example/@lea/{mastodon.state.public[-1]['id']}"]
    assert "1 nouvelle mention depuis la dernière veille, 7 en tout" in out


def test_a_failing_source_is_one_line_and_the_others_go_on(watched, capsys):
    feeds, mastodon, bluesky = watched
    feeds.serve("/forum.rss", b"<html><body>Maintenance</body></html>", kind="text/html")
    feeds.inject("500", "GET", r"/alerts\.xml$")
    bluesky.inject("429", "GET", r"searchPosts", times=10)
    code, out, err = run(capsys)
    assert code == 0
    lines = err.strip().splitlines()
    assert len(lines) == 3, err
    assert lines[0].startswith("Alerte Google\u202f: le site a répondu HTTP 500")
    assert lines[1].startswith("Forum\u202f: ce n’est pas un flux RSS ou Atom")
    assert lines[2].startswith("Bluesky\u202f: ") and "429" in lines[2]
    assert "1 source sur 4 a répondu." in out
    sources = cache()["sources"]
    assert sources["Forum"]["error"] and "fetched_at" not in sources["Forum"] and sources["Mastodon"]["fetched_at"]


def test_hostile_text_is_inert_in_the_terminal_and_the_report(watched, capsys):
    feeds, mastodon, _bluesky = watched
    feeds.serve("/forum.rss", rss([{
        "title": "Guilde Boussole \x1b[2J\x1b]0;pwned\x07<script>alert(1)</script>\u202egnp.exe",
        "link": "javascript:alert(document.cookie)", "description": "<img src=x onerror=alert(2)> Éditions Boussole",
        "date": "Sun, 22 Nov 2026 08:00:00 +0000", "author": "<b onmouseover=alert(3)>x</b>"}]))
    code, out, err = run(capsys)
    assert code == 0
    assert "\x1b" not in out + err and "\x07" not in out + err and "\u202e" not in out + err
    line = next(line for line in out.splitlines() if "javascript" in line)
    assert "\n" not in line and "<script>" not in line
    assert run(capsys, commands.run_report)[0] == 0
    html = Path("reports/indicators.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find("script") and not soup.find("img") and not soup.find(attrs={"onerror": True})
    assert not soup.select('a[href^="javascript"]') and "\x1b" not in html and "\u202e" not in html
    assert "javascript" not in " ".join(a["href"] for a in soup.find_all("a"))
    assert any("Guilde Boussole" in td.get_text() for td in soup.find_all("td"))


def test_the_report_is_made_again_offline_from_the_cache(watched, capsys, monkeypatch):
    feeds, mastodon, bluesky = watched
    run(capsys)
    assert run(capsys, commands.run_report)[0] == 0
    first = Path("reports/indicators.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(first, "html.parser")
    veille = soup.find(id="veille")
    assert veille is not None and "Mentions par semaine" in first and "https://jeux.example/pollen-2" in first
    for server in (feeds, mastodon, bluesky):
        server.httpd.shutdown()
        server.httpd.server_close()
    requests_before = len(feeds.requests)
    assert run(capsys, commands.run_report)[0] == 0
    assert Path("reports/indicators.html").read_text(encoding="utf-8") == first and len(feeds.requests) == requests_before
    code, out, err = run(capsys)  # every source down: one line each, the mentions kept
    assert code == 1 and len(err.strip().splitlines()) == 4 and "0 source sur 4 a répondu" in out
    assert len(cache()["mentions"]) == 6


def test_a_spike_is_found_against_the_four_weeks_before(watched, capsys):
    feeds, _mastodon, _bluesky = watched
    start = date(2026, 10, 20)
    items = []
    for day in range(30):  # a mention on most days, then eight on one day
        when = start + timedelta(days=day)
        for number in range(8 if day == 29 else (1 if day % 3 else 0)):
            items.append({"title": f"Guilde Boussole, épisode {day}-{number}", "link": f"https://blog.example/{day}/{number}",
                          "date": f"{when:%a, %d %b %Y} 10:{number:02d}:00 +0000"})
    feeds.serve("/forum.rss", rss(items))
    code, out, _err = run(capsys)
    assert code == 0
    assert [line for line in out.splitlines() if line.startswith("Pic")] == [
        "Pic le 2026-11-18\u202f: 8 mentions (d’habitude 0,7 par jour, z-score 7,3)"]
    run(capsys, commands.run_report)
    soup = BeautifulSoup(Path("reports/indicators.html").read_text(encoding="utf-8"), "html.parser")
    assert "2026-11-18" in soup.find(id="veille").get_text()
    chart = next(svg for svg in soup.find_all("svg") if "Mentions par semaine" in svg.get_text())
    assert "Pic" in chart.get_text()


def test_spikes_on_crafted_counts():
    from indicators.veille.spikes import spikes

    quiet = {date(2026, 10, 1) + timedelta(days=d): 1 + d % 2 for d in range(28)}
    assert spikes(Counter(quiet), 3) == []
    loud = Counter({**quiet, date(2026, 10, 29): 9})
    [spike] = spikes(loud, 3)
    assert spike.day == date(2026, 10, 29) and spike.count == 9 and spike.z > 3
    assert spikes(Counter({**quiet, date(2026, 10, 29): 4}), 3) == []  # 4 is not far from 1 or 2
    assert spikes(Counter({date(2026, 10, 1): 50}), 3) == []  # no four weeks to compare with


def test_the_sample_settings_fail_in_one_line_per_source_without_the_internet(tmp_path, monkeypatch, capsys):
    """The sample watches example addresses: with no network (every name but 127.0.0.1 refused
    here, as on a machine offline), each source says so in one line and the run ends."""
    site = copy_site(tmp_path / "site")
    monkeypatch.chdir(site)
    for name in ("MASTODON_API_BASE_URL", "MASTODON_ACCESS_TOKEN", "BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    real = socket.getaddrinfo

    def offline(host, *args, **kwargs):
        if host not in ("127.0.0.1", "localhost"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", offline)
    with (site / "pelicanconf.py").open("a", encoding="utf-8") as conf:
        conf.write("\nVEILLE_RETRY_BASE = 0.01\n")
    code, out, err = run(capsys)
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 6, err
    assert lines[0] == "Alerte Google « Éditions Boussole »\u202f: www.google.example est injoignable\u202f: vérifiez l’adresse, et que cette machine est connectée"
    assert lines[5].startswith("Bluesky\u202f: la variable BLUESKY_HANDLE n’est pas définie\u202f: ")
    assert "0 source sur 6 a répondu" in out
    sample = (ROOT / "pelicanconf.py").read_text(encoding="utf-8")
    assert "VEILLE_SOURCES" in sample and "127.0.0.1" not in sample


def test_settings_written_wrong_are_one_line(site_copy, monkeypatch, capsys):
    monkeypatch.chdir(site_copy)
    with (site_copy / "pelicanconf.py").open("a", encoding="utf-8") as conf:
        conf.write("\nVEILLE_SOURCES = [{'name': 'Blog', 'feed': 'blog.example/feed'}]\n")
    code, _out, err = run(capsys)
    assert code == 1 and err.strip() == (
        "Pas de veille\u202f: VEILLE_SOURCES, source 1 (Blog)\u202f: «\u202fblog.example/feed\u202f» n’est pas une adresse web "
        "(attendu https://…)")
