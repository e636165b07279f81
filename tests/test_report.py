"""invoke report: Mailchimp's figures (from a compatible server on 127.0.0.1) and the
repository's, as a page with charts and a CSV; the cache; and what happens without them."""

import csv
import io
import re

import pytest
from bs4 import BeautifulSoup

from tribune import commands

from .conftest import french
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
                           for m, n in (("2026-09", 1204), ("2026-10", 1290), ("2026-11", 1342))]
    server.october, server.november = october, november
    return server


def rows(site):
    return list(csv.DictReader(io.StringIO((site / "reports/indicators.csv").read_text(encoding="utf-8"))))


def test_report_with_figures_charts_csv_and_summary(served, site_copy, capsys):
    assert commands.run_report("pelicanconf.py", refresh=True) == 0
    out = capsys.readouterr().out
    assert out.strip().splitlines()[-1] == french("Édition 2026-11 : taux d'ouverture 41\u202f% (moyenne 37\u202f%, +4 pts), taux de clic "
                                                  "10\u202f% (moyenne 8\u202f%, +2 pts), 1\u202f342 e-mails envoyés.")
    table = rows(site_copy)
    assert [(r["edition"], r["emails_sent"], r["unique_opens"], r["unique_clicks"], r["bounces"], r["abuse_reports"]) for r in table] == [
        ("2026-10", "1290", "477", "103", "7", "0"), ("2026-11", "1342", "550", "134", "4", "1"),
    ]
    assert table[1]["open_rate"] == f"{550 / 1342:.4f}" and table[1]["proxy_excluded_open_rate"] == f"{362 / 1342:.4f}"
    html = (site_copy / "reports/indicators.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find("script") and not soup.find("link") and not re.search(r'(src|href)="https?://', html)
    charts = soup.find_all("svg", class_="pygal-chart")
    rates = next(c for c in charts if "Ouvertures et clics" in c.get_text())
    bars = [len(rates.select(f"g.serie-{index} rect.rect")) for index in range(4)]
    assert bars == [2, 2, 2, 2]  # one bar per edition, for each series (the average is the fourth)
    labels = [t.get_text() for t in rates.select("g.axis.x text")]
    assert "2026-10" in labels and "2026-11" in labels
    audience = next(c for c in charts if "Abonnés" in c.get_text())
    assert len(audience.select("g.series circle.dot")) == 3
    assert "la-guilde-a-presque-un-an" in html and "96 clics" in html
    assert "41,0 %" in html and "nan" not in html.lower()


def test_the_cache_rebuilds_the_report_offline(served, site_copy, capsys, monkeypatch):
    assert commands.run_report("pelicanconf.py", refresh=True) == 0
    first = rows(site_copy)
    calls = len(served.state.requests)
    monkeypatch.delenv("MAILCHIMP_API_KEY")  # offline, no configuration: the cache answers
    assert commands.run_report("pelicanconf.py") == 0
    assert len(served.state.requests) == calls and rows(site_copy) == first
    assert all(r["fetched_at"] for r in first)
    served.state.reports[served.november]["emails_sent"] = 1400
    monkeypatch.setenv("MAILCHIMP_API_KEY", KEY)
    assert commands.run_report("pelicanconf.py") == 0
    assert rows(site_copy)[1]["emails_sent"] == "1342"  # cached until --refresh
    assert commands.run_report("pelicanconf.py", refresh=True) == 0
    assert rows(site_copy)[1]["emails_sent"] == "1400"


def test_without_configuration_the_report_comes_from_the_repository(site_copy, capsys, monkeypatch):
    monkeypatch.chdir(site_copy)
    monkeypatch.delenv("MAILCHIMP_API_KEY", raising=False)
    assert commands.run_report("pelicanconf.py") == 0
    captured = capsys.readouterr()
    assert french("Les chiffres de Mailchimp manquent : MAILCHIMP_API_KEY n'est pas définie") in captured.err
    html = (site_copy / "reports/indicators.html").read_text(encoding="utf-8")
    assert "Le rapport ne montre que les chiffres du dépôt" in html
    soup = BeautifulSoup(html, "html.parser")
    months = {r.find("td").get_text(): [td.get_text() for td in r.find_all("td")] for r in soup.select("table.figures tbody tr")}
    assert months["2026-11"][1] == "1" and months["2026-10"] == ["2026-10", "1", "1", "1"]
    assert rows(site_copy) == []


def test_a_failing_report_marks_its_edition_and_goes_on(served, site_copy, capsys):
    served.inject("500", "GET", rf"/reports/{served.october}$", 20)
    assert commands.run_report("pelicanconf.py", refresh=True) == 0
    table = rows(site_copy)
    assert table[0]["edition"] == "2026-10" and "HTTP 500" in table[0]["missing"] and table[0]["open_rate"] == ""
    assert table[1]["edition"] == "2026-11" and table[1]["missing"] == ""
    assert "Chiffres manquants" in (site_copy / "reports/indicators.html").read_text(encoding="utf-8")


def test_nothing_sent_gives_no_division_by_zero(served, site_copy, capsys):
    served.state.reports[served.november].update(emails_sent=0)
    served.state.reports[served.october].update(emails_sent=0)
    assert commands.run_report("pelicanconf.py", refresh=True) == 0
    assert [r["open_rate"] for r in rows(site_copy)] == ["", ""]
    html = (site_copy / "reports/indicators.html").read_text(encoding="utf-8")
    assert "nan" not in html.lower() and "—" in html
    assert capsys.readouterr().out.strip().splitlines()[-1] == "Aucune édition avec des chiffres de Mailchimp."
