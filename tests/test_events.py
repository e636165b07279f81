"""Events: pages, the upcoming/past split, iCalendar files and Event JSON-LD, and their lint."""

import json
from datetime import datetime, timedelta, timezone

import icalendar
import pytest

from tribune.build import load_site

from .conftest import build_site

SITE = "https://guilde.editions-boussole.fr"
QUEBEC = "evenements/soiree-jeux-quebecoise-en-ligne/"


def graph_node(soup, kind):
    data = json.loads(soup.find("script", type="application/ld+json").string)
    return next(n for n in data["@graph"] if n["@type"] == kind)


def titles(section):
    return [a.get_text() for a in section.select(".event-item__title a")]


def test_events_page_splits_upcoming_and_past_at_tribune_now(production_site):
    page = production_site.html("evenements/")
    upcoming, past = page.select("main section")
    assert upcoming.h2.get_text() == "À venir" and past.h2.get_text() == "Passés"
    assert titles(upcoming) == [
        "Rencontre de la Guilde à Lyon",
        "Soirée jeux québécoise en ligne",
        "Atelier d’illustration avec Nina Morel",
        "Festival du jeu de Lyon\u202f: le stand Boussole",
        "Webinaire\u202f: animer une soirée jeux",
    ]
    assert titles(past) == [
        "Marathon de jeux en ligne\u202f: douze heures pour la médiathèque",
        "Tournoi de printemps de «\u202fMarée haute\u202f»",
    ]


def test_home_page_shows_the_next_three_events(production_site):
    home = production_site.html("")
    assert titles(home.select_one(".home-extras")) == [
        "Rencontre de la Guilde à Lyon",
        "Soirée jeux québécoise en ligne",
        "Atelier d’illustration avec Nina Morel",
    ]
    assert not production_site.html("page/2/").select_one(".home-extras")


def test_a_different_now_moves_events_from_upcoming_to_past(site_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("TRIBUNE_NOW", "2026-12-11T12:00:00+01:00")
    site = build_site(site_copy, "publishconf.py", tmp_path / "out")
    upcoming, past = site.html("evenements/").select("main section")
    assert titles(upcoming)[0] == "Atelier d’illustration avec Nina Morel"
    assert titles(past)[0] == "Soirée jeux québécoise en ligne"


def test_event_page_in_words_with_both_time_zones(production_site):
    page = production_site.html(QUEBEC)
    when = [line.get_text() for line in page.select(".facts dd")[0].select(".facts__line")]
    assert when == [
        "jeudi 10 décembre 2026, de 19:30 à 21:30 (heure de l’Est nord-américain)",
        "soit vendredi 11 décembre 2026, de 01:30 à 03:30, heure d’Europe centrale",
    ]
    assert page.find("a", string="Lien pour participer")["href"] == "https://visio.example/guilde-quebec"
    ics = page.find("a", string="Ajouter à mon agenda")["href"]
    assert ics == f"{SITE}/evenements/soiree-jeux-quebecoise-en-ligne.ics"
    assert (production_site.output / "evenements/soiree-jeux-quebecoise-en-ligne.ics").is_file()


def test_offline_event_links_to_openstreetmap_and_cancelled_shows_a_banner(production_site):
    page = production_site.html("evenements/atelier-d-illustration-avec-nina-morel/")
    osm = page.find("a", string="Voir sur OpenStreetMap")["href"]
    assert osm == "https://www.openstreetmap.org/search?query=12%20mont%C3%A9e%20de%20la%20Grande-C%C3%B4te%2C%2069001%20Lyon"
    assert not page.find("iframe")
    assert "Annulé." in page.select_one(".banner").get_text()
    assert page.select(".facts dd")[-1].get_text() == "15 €"
    meetup = production_site.html("evenements/rencontre-de-la-guilde-a-lyon/")
    assert not meetup.select_one(".banner") and "Gratuit" in meetup.select_one(".facts").get_text()


@pytest.mark.parametrize(
    ("path", "start", "end", "status", "mode", "price"),
    [
        ("evenements/tournoi-de-printemps-de-maree-haute/", "2026-04-25T14:00:00+02:00", "2026-04-25T19:00:00+02:00", "EventScheduled", "Offline", "0"),
        ("evenements/rencontre-de-la-guilde-a-lyon/", "2026-12-05T14:00:00+01:00", "2026-12-05T18:00:00+01:00", "EventScheduled", "Offline", "0"),
        # Twelve hours across the end of summer time: the offset changes, the length does not.
        ("evenements/marathon-de-jeux-en-ligne-douze-heures-pour-la-mediatheque/", "2026-10-24T20:00:00+02:00", "2026-10-25T07:00:00+01:00", "EventScheduled", "Online", "0"),
        (QUEBEC, "2026-12-10T19:30:00-05:00", "2026-12-10T21:30:00-05:00", "EventScheduled", "Online", "0"),
        ("evenements/atelier-d-illustration-avec-nina-morel/", "2026-12-12T10:00:00+01:00", "2026-12-12T13:00:00+01:00", "EventCancelled", "Offline", "15"),
        ("evenements/festival-du-jeu-de-lyon-le-stand-boussole/", "2027-01-16", "2027-01-17", "EventScheduled", "Mixed", "8"),
    ],
)
def test_event_json_ld(production_site, path, start, end, status, mode, price):
    event = graph_node(production_site.html(path), "Event")
    assert (event["startDate"], event["endDate"]) == (start, end)
    assert event["eventStatus"] == f"https://schema.org/{status}"
    assert event["eventAttendanceMode"] == f"https://schema.org/{mode}EventAttendanceMode"
    kinds = [place["@type"] for place in event["location"]]
    assert kinds == {"Offline": ["Place"], "Online": ["VirtualLocation"], "Mixed": ["Place", "VirtualLocation"]}[mode]
    for place in event["location"]:
        if place["@type"] == "Place":
            assert place["name"] and place["address"]["@type"] == "PostalAddress" and place["address"]["streetAddress"]
        else:
            assert place["url"].startswith("https://")
    assert event["offers"]["priceCurrency"] == "EUR" and event["offers"]["url"].startswith("https://")
    assert event["offers"]["price"] == price
    assert event["image"].startswith(SITE + "/images/")
    assert event["organizer"]


def _calendar(path):
    return icalendar.Calendar.from_ical(path.read_bytes())


def test_calendars_parse_back_with_the_right_instants_and_timezones(production_site):
    whole = _calendar(production_site.output / "evenements/calendrier.ics")
    events = whole.walk("VEVENT")
    assert len(events) == 7
    assert {str(tz["TZID"]) for tz in whole.walk("VTIMEZONE")} == {"Europe/Paris", "America/Montreal"}
    by_summary = {str(e["SUMMARY"]): e for e in events}
    marathon = by_summary["Marathon de jeux en ligne\u202f: douze heures pour la médiathèque"]
    start, end = marathon.decoded("DTSTART"), marathon.decoded("DTEND")
    # Python subtracts wall-clock times within one zone; in UTC the night lasts twelve real hours.
    assert end.astimezone(timezone.utc) - start.astimezone(timezone.utc) == timedelta(hours=12)
    assert start.isoformat() == "2026-10-24T20:00:00+02:00"
    quebec = by_summary["Soirée jeux québécoise en ligne"]
    assert quebec["DTSTART"].params["TZID"] == "America/Montreal"
    assert quebec.decoded("DTSTART").astimezone(timezone.utc).isoformat() == "2026-12-11T00:30:00+00:00"
    festival = by_summary["Festival du jeu de Lyon\u202f: le stand Boussole"]
    assert str(festival.decoded("DTSTART")) == "2027-01-16" and str(festival.decoded("DTEND")) == "2027-01-18"
    assert str(by_summary["Annulé\u202f: Atelier d’illustration avec Nina Morel"]["STATUS"]) == "CANCELLED"
    for event in events:
        assert event["UID"] and event["DTSTAMP"] and event["URL"].startswith(SITE + "/evenements/")
        assert "<" not in str(event["DESCRIPTION"])
    meetup = by_summary["Rencontre de la Guilde à Lyon"]
    assert str(meetup["LOCATION"]) == "L’Atelier Boussole, 12 montée de la Grande-Côte, 69001 Lyon"
    for path in (production_site.output / "evenements").glob("*.ics"):
        if path.name != "calendrier.ics":
            assert len(_calendar(path).walk("VEVENT")) == 1


def test_uids_and_bytes_are_stable_across_builds(production_site, tmp_path):
    from .conftest import ROOT

    again = build_site(ROOT, "publishconf.py", tmp_path / "again")
    for path in (production_site.output / "evenements").glob("*.ics"):
        assert (again.output / "evenements" / path.name).read_bytes() == path.read_bytes(), path.name
    uids = [str(e["UID"]) for e in _calendar(again.output / "evenements/calendrier.ics").walk("VEVENT")]
    assert len(set(uids)) == 7 and "soiree-jeux-quebecoise@guilde.editions-boussole.fr" in uids


def test_events_are_in_the_sitemap(production_site):
    sitemap = (production_site.output / "sitemap.xml").read_text()
    assert f"{SITE}/{QUEBEC}" in sitemap and f"{SITE}/evenements/" in sitemap


def test_upcoming_events_api_for_the_newsletter(tmp_path):
    from events import upcoming_events  # the plugin package, as the newsletter imports it
    from events.generator import EventsGenerator

    from .conftest import ROOT

    site = load_site(ROOT / "publishconf.py", OUTPUT_PATH=str(tmp_path))
    context = {**site.settings, "generated_content": {}, "static_links": set(), "static_content": {}}
    generator = EventsGenerator(context=context, settings=site.settings, path=site.settings["PATH"],
                                theme=site.settings["THEME"], output_path=str(tmp_path))
    generator.generate_context()
    when = datetime.fromisoformat("2026-11-24T12:00:00+01:00")
    soon = upcoming_events(generator.events, when, days=20)
    assert [e.slug for e in soon] == ["rencontre-de-la-guilde-a-lyon", "soiree-jeux-quebecoise-en-ligne", "atelier-d-illustration-avec-nina-morel"]
    assert upcoming_events(generator.events, when, days=5) == []
