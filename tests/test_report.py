"""invoke report: every plugin's figures (Mailchimp's from a compatible server on 127.0.0.1, the
repository's, the networks' ledger) as a page with charts and a CSV, the objectives first; the
cache; what happens without Mailchimp; and the interface a plugin offers its figures through."""

import csv
import io
import json
import re

import pytest
from bs4 import BeautifulSoup

from tribune import commands
from tribune.figures import Figures
from tribune.signals import indicator_figures

from .mailchimp_server import KEY, sent_campaign


@pytest.fixture
def served(mailchimp):
    """The test server with two editions sent, their reports, clicks and the audience's growth."""
    server = mailchimp
    october = sent_campaign(server, "tribune-2026-10", "Octobre", sent=1290, opens=477, proxy_excluded=310, clicks=103,
                            unsubscribed=4, bounces=(2, 5), send_time="2026-10-01T07:00:00+00:00")
    november = sent_campaign(server, "tribune-2026-11", "Novembre", sent=1342, opens=550, proxy_excluded=362, clicks=134,
                             unsubscribed=3, bounces=(1, 3), abuse=1)
    server.state.clicks[november] = [
        {"url": "https://guilde.editions-boussole.fr/billets/la-guilde-a-presque-un-an-ce-que-vous-nous-avez-dit/", "total_clicks": 96, "unique_clicks": 81},
        {"url": "https://guilde.editions-boussole.fr/membres/lea-fontaine/", "total_clicks": 40, "unique_clicks": 37},
    ]
    server.state.growth = [{"list_id": "aud123", "month": m, "existing": n, "subscribed": n, "unsubscribed": 3}
                           for m, n in (("2026-08", 1180), ("2026-09", 1204), ("2026-10", 1290), ("2026-11", 1342))]
    server.october, server.november = october, november
    return server


def rows(site, section=None):
    table = list(csv.DictReader(io.StringIO((site / "reports/indicators.csv").read_text(encoding="utf-8"))))
    return [row for row in table if section is None or row["section"] == section]


def value(site, indicator, period):
    [row] = [r for r in rows(site) if r["indicator"] == indicator and r["period"] == period and r["section"] != "objectives"]
    return row["value"]


def report(capsys, **flags):
    code = commands.run_report("pelicanconf.py", **flags)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_the_rates_are_mailchimps_own(served, site_copy, capsys):
    code, out, err = report(capsys, refresh=True)
    assert code == 0 and "Mailchimp" not in err
    delivered = 1342 - 4  # sent minus bounces, as Mailchimp's dashboard counts
    assert value(site_copy, "newsletter.open_rate", "2026-11") == f"{550 / delivered:.4f}" != f"{550 / 1342:.4f}"
    assert value(site_copy, "newsletter.click_rate", "2026-11") == f"{134 / delivered:.4f}"
    assert value(site_copy, "newsletter.proxy_excluded_open_rate", "2026-11") == f"{362 / delivered:.4f}"
    assert value(site_copy, "newsletter.delivered", "2026-10") == "1283" and value(site_copy, "newsletter.bounces", "2026-10") == "7"
    assert value(site_copy, "newsletter.new_subscribers", "2026-11") == "52"
    assert "Lettre 2026-11\u202f: taux d’ouverture 41\u202f% (moyenne 37\u202f%, +4\u202fpts), taux de clic 10\u202f% (moyenne 8\u202f%, +2\u202fpts), 1342 e-mails envoyés." in out
    html = (site_copy / "reports/indicators.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find("script") and not soup.find("link") and not re.search(r'(src|href)="https?://(?!guilde\.editions-boussole\.fr)', html)
    assert "41,1\xa0%" in html and "41,0\xa0%" not in html and "nan" not in html.lower()
    charts = soup.find_all("svg", class_="pygal-chart")
    rates = next(c for c in charts if "Ouvertures et clics par lettre" in c.get_text())
    assert [len(rates.select(f"g.serie-{index} rect.rect")) for index in range(3)] == [2, 2, 2]
    assert [t.get_text() for t in rates.select("g.axis.x text")] == ["2026-10", "2026-11"]
    audience = next(c for c in charts if "Abonnés à la lettre" in c.get_text())
    assert len(audience.select("g.series circle.dot")) == 4
    links = soup.find("caption", string="Liens les plus cliqués").find_parent("table")
    assert "la-guilde-a-presque-un-an" in links.get_text() and "96" in links.get_text()


def test_the_cache_rebuilds_the_report_offline(served, site_copy, capsys, monkeypatch):
    report(capsys, refresh=True)
    first = rows(site_copy)
    html = (site_copy / "reports/indicators.html").read_text(encoding="utf-8")
    calls = len(served.state.requests)
    monkeypatch.delenv("MAILCHIMP_API_KEY")  # offline, no configuration: the cache answers
    report(capsys)
    assert len(served.state.requests) == calls and rows(site_copy) == first
    assert (site_copy / "reports/indicators.html").read_text(encoding="utf-8") == html  # the same page, to the byte
    assert all(r["fetched_at"] for r in rows(site_copy, "newsletter"))
    served.state.reports[served.november]["emails_sent"] = 1400
    monkeypatch.setenv("MAILCHIMP_API_KEY", KEY)
    report(capsys)
    assert value(site_copy, "newsletter.emails_sent", "2026-11") == "1342"  # cached until --refresh
    report(capsys, refresh=True)
    assert value(site_copy, "newsletter.emails_sent", "2026-11") == "1400"


def test_without_mailchimp_one_message_and_the_repository_figures(site_copy, capsys, monkeypatch):
    monkeypatch.chdir(site_copy)
    monkeypatch.delenv("MAILCHIMP_API_KEY", raising=False)
    code, out, err = report(capsys)
    assert code == 0
    assert (out + err).count("MAILCHIMP_API_KEY") == 1  # said once, not again in a summary
    assert err.startswith("Les chiffres de Mailchimp n’ont pas pu être relevés\u202f: ") and "Le rapport ne montre que les chiffres du dépôt." in err
    # the sample's objectives on the newsletter's and the veille's figures: named by their label, with no data
    assert ("  – Taux d’ouverture ≥ 40,0\xa0% par lettre\u202f: pas de données (pas de chiffres cette fois\u202f: voir "
            "«\u202fLa lettre\u202f»)") in out.splitlines()
    assert "  – Mentions ≥ 10 par mois\u202f: pas de données" in out and "veille.mentions" not in out
    # the repository's figures are in the CSV, every month from the first, an empty one at zero
    posts = [(r["period"], r["value"]) for r in rows(site_copy, "content") if r["indicator"] == "content.posts"]
    assert posts[0] == ("2026-01", "1") and posts[-1][0] == "2026-11" and ("2026-08", "0") in posts and len(posts) == 11
    html = (site_copy / "reports/indicators.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert html.count("Le rapport ne montre que les chiffres du dépôt") == 1
    chart = next(c for c in soup.find_all("svg", class_="pygal-chart") if "Billets, autrices" in c.get_text())
    assert len(chart.select("g.serie-0 rect.rect")) == 11  # August's zero is a bar of its own
    assert [t.get_text() for t in chart.select("g.axis.x text")][:3] == ["2026-01", "2026-02", "2026-03"]
    figures = chart.find_parent("figure").find_next_sibling("details")
    months = {r.find("td").get_text(): [td.get_text() for td in r.find_all("td")] for r in figures.select("tbody tr")}
    assert months["2026-08"] == ["2026-08", "0", "0", "0"] and months["2026-10"] == ["2026-10", "1", "1", "1"]
    text = soup.get_text()
    assert "membres présentés" not in text and "Nouveaux membres" in text and "Membres à l’honneur" in text
    assert soup.find("html")["lang"] == "fr"


def test_a_failing_report_marks_its_edition_and_goes_on(served, site_copy, capsys):
    served.inject("500", "GET", rf"/reports/{served.october}$", 20)
    code, out, err = report(capsys, refresh=True)
    assert code == 0 and "Lettre 2026-10\u202f: chiffres manquants" in err and "HTTP 500" in err
    assert value(site_copy, "newsletter.open_rate", "2026-10") == "" and value(site_copy, "newsletter.open_rate", "2026-11") != ""
    html = (site_copy / "reports/indicators.html").read_text(encoding="utf-8")
    assert "chiffres manquants" in html


def test_nothing_sent_gives_no_division_by_zero(served, site_copy, capsys):
    served.state.reports[served.november].update(emails_sent=0)
    served.state.reports[served.october].update(emails_sent=0)
    code, out, _err = report(capsys, refresh=True)
    assert [r["value"] for r in rows(site_copy, "newsletter") if r["indicator"] == "newsletter.open_rate"] == ["", ""]
    html = (site_copy / "reports/indicators.html").read_text(encoding="utf-8")
    assert "nan" not in html.lower() and "—" in html
    assert "Aucune lettre avec les chiffres de Mailchimp." in out


OBJECTIVES = """
OBJECTIVES = [
    {"indicator": "newsletter.open_rate", "at_least": "40 %"},
    {"indicator": "newsletter.click_rate", "at_least": 12},
    {"indicator": "content.posts", "at_least": 1, "per": "month"},
    {"indicator": "content.posts", "at_least": 4, "per": "quarter"},
    {"indicator": "forum.replies", "at_least": 2},
    {"indicator": "content.post", "at_least": 2},
]
"""


def test_objectives_met_not_met_and_without_data_come_first(served, site_copy, capsys):
    with (site_copy / "pelicanconf.py").open("a", encoding="utf-8") as conf:
        conf.write(OBJECTIVES)
    code, out, _err = report(capsys, refresh=True)
    assert out.splitlines()[:7] == [
        "Objectifs\u202f:",
        "  ✔ Taux d’ouverture ≥ 40,0\xa0% par lettre\u202f: 41,1\xa0% pour la lettre 2026-11, atteint, en hausse (37,2\xa0% → 41,1\xa0%)",
        "  ✘ Taux de clic ≥ 12,0\xa0% par lettre\u202f: 10,0\xa0% pour la lettre 2026-11, non atteint, en hausse (8,0\xa0% → 10,0\xa0%)",
        "  ✔ Billets publiés ≥ 1 par mois\u202f: 1 en octobre 2026, atteint, en hausse (1 → 0 → 1 → 1)",
        "  ✘ Billets publiés ≥ 4 par trimestre\u202f: 2 en T3 2026, non atteint, en baisse (3 → 4 → 2)",
        "  – forum.replies\u202f: pas de données (aucun plugin ne fournit «\u202fforum.replies\u202f» (son plugin est-il dans PLUGINS\u202f?))",
        "  – content.post\u202f: pas de données (aucun plugin ne fournit «\u202fcontent.post\u202f»\u202f: vouliez-vous dire content.posts\u202f?)",
    ]
    objectives = rows(site_copy, "objectives")
    assert [(r["indicator"], r["period"], r["status"], r["trend"]) for r in objectives] == [
        ("newsletter.open_rate", "2026-11", "met", "up"), ("newsletter.click_rate", "2026-11", "not met", "up"),
        ("content.posts", "2026-10", "met", "up"), ("content.posts", "2026-Q3", "not met", "down"),
        ("forum.replies", "", "no data", ""), ("content.post", "", "no data", ""),
    ]
    assert objectives[0]["value"] == f"{550 / 1338:.4f}" and objectives[0]["target"] == "≥ 40,0\xa0%"
    soup = BeautifulSoup((site_copy / "reports/indicators.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.find("h2").get_text() == "Objectifs"  # first in the page
    statuses = [td.get_text() for td in soup.select("#objectives tbody tr td:nth-of-type(2)")]
    assert statuses == ["atteint", "non atteint", "atteint", "non atteint", "pas de données", "pas de données"]


def test_objectives_written_wrong_are_one_line(site_copy, capsys, monkeypatch):
    monkeypatch.chdir(site_copy)
    with (site_copy / "pelicanconf.py").open("a", encoding="utf-8") as conf:
        conf.write('\nOBJECTIVES = [{"indicator": "content.posts", "at_least": 4}, {"indicator": "content.posts", "at_least": "quatre"}]\n')
    line = (site_copy / "pelicanconf.py").read_text(encoding="utf-8").count("\n")
    code, out, err = report(capsys)
    assert code == 1 and out == ""
    assert err.splitlines() == [f"pelicanconf.py:{line}: OBJECTIVES, objectif 2 (content.posts)\u202f: «\u202fquatre\u202f» n’est "
                                "pas un nombre (écrivez par exemple 4, ou \"40 %\" pour un taux)"]
    assert not (site_copy / "reports/indicators.html").exists()


def test_a_plugin_offers_its_figures_with_one_function_and_one_connection(site_copy, capsys, monkeypatch):
    """The interface plugins/indicators/README.md documents, used as a new plugin would."""
    monkeypatch.chdir(site_copy)

    def offer_replies(figures: Figures) -> None:
        section = figures.section("forum", "Forum", order=45)
        section.add("forum.replies", "Réponses", {"2026-09": 3, "2026-10": 5})
        section.chart("Réponses par mois", ["forum.replies"])

    indicator_figures.connect(offer_replies)
    try:
        with (site_copy / "pelicanconf.py").open("a", encoding="utf-8") as conf:
            conf.write('\nOBJECTIVES = [{"indicator": "forum.replies", "at_least": 4, "per": "month"}]\n')
        code, out, _err = report(capsys)
    finally:
        indicator_figures.disconnect(offer_replies)
    assert code == 0 and "  ✔ Réponses ≥ 4 par mois\u202f: 5 en octobre 2026, atteint, en hausse (3 → 5)" in out
    assert [(r["period"], r["value"]) for r in rows(site_copy, "forum")] == [("2026-09", "3"), ("2026-10", "5"), ("2026-11", "0")]
    soup = BeautifulSoup((site_copy / "reports/indicators.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("#forum h2").get_text() == "Forum" and soup.select_one("#forum svg")


def test_the_networks_posts_are_counted_from_the_ledger(site_copy, capsys, monkeypatch):
    monkeypatch.chdir(site_copy)
    pieces = {f"posts/{n}.md": {"url": f"https://guilde.editions-boussole.fr/billets/{n}/",
                                "mastodon": {"id": str(n), "url": f"https://mastodon.example/@e/{n}", "at": at},
                                **({"bluesky": {"id": f"at://x/{n}", "url": f"https://bsky.app/x/{n}", "at": at}} if n % 2 else {})}
              for n, at in enumerate(["2026-09-03T10:00:00+02:00", "2026-11-02T10:00:00+01:00", "2026-11-09T10:00:00+01:00"])}
    (site_copy / "content/social-ledger.json").write_text(json.dumps({"format": 1, "pieces": pieces}), encoding="utf-8")
    report(capsys)
    social = rows(site_copy, "social")
    assert [(r["indicator"], r["period"], r["value"]) for r in social] == [
        ("social.mastodon", "2026-09", "1"), ("social.mastodon", "2026-10", "0"), ("social.mastodon", "2026-11", "2"),
        ("social.bluesky", "2026-11", "1"),
    ]


def test_the_public_version_has_no_links_nor_audience(served, site_copy, capsys):
    with (site_copy / "pelicanconf.py").open("a", encoding="utf-8") as conf:
        conf.write('\nREPORT_PUBLIC_SAVE_AS = "indicateurs/index.html"\n')
    code, out, _err = report(capsys, refresh=True)
    assert code == 0 and "output/indicateurs/index.html" in out
    public = BeautifulSoup((site_copy / "output/indicateurs/index.html").read_text(encoding="utf-8"), "html.parser")
    text = public.get_text()
    assert "Ouvertures et clics par lettre" in text and "41,1\xa0%" in text
    assert not public.find("a") and "Abonnés à la lettre" not in text and "Liens les plus cliqués" not in text
    assert "la-guilde-a-presque-un-an" not in text and "Document interne" not in text


def test_the_conversations_of_the_sample_are_in_the_report(site_copy, capsys, monkeypatch):
    """The conversations plugin offers its figures through indicator_figures: the sample's
    archived replies are counted by month in the CSV and charted in the page."""
    monkeypatch.chdir(site_copy)
    code, _out, _err = report(capsys)
    counted = {(r["indicator"], r["period"]): int(r["value"]) for r in rows(site_copy, "conversations")}
    assert code == 0 and sum(v for (key, _), v in counted.items() if key == "conversations.replies") > 0
    assert {key for key, _ in counted} == {"conversations.replies", "conversations.reposts", "conversations.likes"}
    soup = BeautifulSoup((site_copy / "reports/indicators.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("#conversations h2").get_text() == "Conversations" and soup.select_one("#conversations svg")
