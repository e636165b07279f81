"""Calendars that apps update: an .ics imported again replaces the event it imported before.

Read back with two iCalendar parsers: icalendar (which writes them) and ical, a strict
RFC 5545 parser of its own (the one Home Assistant uses). Nothing here depends on the sample's
Git history: the copies of the site are made, dated and committed by the tests.
"""

import json
import os
import subprocess
from datetime import datetime, timezone

import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream

from .conftest import build_site

ATELIER = "evenements/atelier-d-illustration-avec-nina-morel.ics"
MEETUP = "evenements/rencontre-de-la-guilde-a-lyon.ics"
MEETUP_SOURCE = "content/events/rencontre-de-la-guilde-a-lyon.md"
QUEBEC_SOURCE = "content/events/soiree-jeux-quebecoise.md"


def vevent(site, path):
    calendar = icalendar.Calendar.from_ical((site.output / path).read_bytes())
    assert str(calendar["METHOD"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    return event


def strict(site, path):
    """The same file through ical, which refuses what RFC 5545 does not allow."""
    return IcsCalendarStream.calendar_from_ics((site.output / path).read_text(encoding="utf-8"))


def edit(site_copy, relative, old, new):
    path = site_copy / relative
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def date_files(site_copy, moment):
    stamp = moment.timestamp()
    for path in (site_copy / "content/events").glob("*.md"):
        os.utime(path, (stamp, stamp))


def test_every_calendar_is_a_publication_with_a_sequence_and_past_stamps(site_copy, tmp_path):
    date_files(site_copy, datetime(2026, 10, 2, 8, 30, 15, 600000, tzinfo=timezone.utc))
    site = build_site(site_copy, "publishconf.py", tmp_path / "out", search=False)
    whole = icalendar.Calendar.from_ical((site.output / "evenements/calendrier.ics").read_bytes())
    assert str(whole["METHOD"]) == "PUBLISH"
    for event in whole.walk("VEVENT"):
        assert event.decoded("SEQUENCE") == 0
        # Not in a Git repository and without Modified: the file's date, to the second.
        assert event.decoded("DTSTAMP") == event.decoded("LAST-MODIFIED") == datetime(2026, 10, 2, 8, 30, 15, tzinfo=timezone.utc)
    parsed = strict(site, "evenements/calendrier.ics")
    assert len(parsed.events) == 7 and {e.sequence for e in parsed.events} == {0}


def test_modified_is_the_stamp_when_given(site_copy, tmp_path):
    edit(site_copy, MEETUP_SOURCE, "Price: gratuit\n", "Price: gratuit\nModified: 2026-11-02 18:05\n")
    site = build_site(site_copy, "publishconf.py", tmp_path / "out", search=False)
    assert vevent(site, MEETUP).decoded("DTSTAMP") == datetime(2026, 11, 2, 17, 5, tzinfo=timezone.utc)  # 18:05 in Paris
    assert strict(site, MEETUP).events[0].last_modified == datetime(2026, 11, 2, 17, 5, tzinfo=timezone.utc)


@pytest.mark.skipif(subprocess.run(["git", "--version"], capture_output=True).returncode != 0, reason="git is not installed")
def test_the_last_commit_is_the_stamp_of_a_file_without_changes_since(site_copy, tmp_path):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_COMMITTER_DATE": "2026-09-14T10:00:00+00:00", "GIT_AUTHOR_DATE": "2026-09-14T10:00:00+00:00"}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "events"]):
        subprocess.run(["git", *command], cwd=site_copy, env=env, check=True)
    date_files(site_copy, datetime(2026, 11, 20, tzinfo=timezone.utc))  # a checkout's date: not a change
    edit(site_copy, QUEBEC_SOURCE, "Price: gratuit", "Price: 5 $")  # changed since the commit
    os.utime(site_copy / QUEBEC_SOURCE, (datetime(2026, 11, 21, tzinfo=timezone.utc).timestamp(),) * 2)
    site = build_site(site_copy, "publishconf.py", tmp_path / "out", search=False)
    assert vevent(site, MEETUP).decoded("DTSTAMP") == datetime(2026, 9, 14, 10, tzinfo=timezone.utc)
    assert vevent(site, "evenements/soiree-jeux-quebecoise-en-ligne.ics").decoded("DTSTAMP") == datetime(2026, 11, 21, tzinfo=timezone.utc)


def test_sequence_grows_when_time_place_or_status_changes_and_rebuilds_are_identical(site_copy, tmp_path):
    ledger = site_copy / "content/events/sequences.json"
    first = build_site(site_copy, "publishconf.py", tmp_path / "one", search=False)
    assert vevent(first, MEETUP).decoded("SEQUENCE") == 0
    written = ledger.read_bytes()

    edit(site_copy, MEETUP_SOURCE, "Summary: Un après-midi", "Summary: Tout un après-midi")  # not what apps must be told
    same = build_site(site_copy, "publishconf.py", tmp_path / "two", search=False)
    assert vevent(same, MEETUP).decoded("SEQUENCE") == 0 and ledger.read_bytes() == written

    edit(site_copy, MEETUP_SOURCE, "Start: 2026-12-05 14:00", "Start: 2026-12-05 15:00")
    later = build_site(site_copy, "publishconf.py", tmp_path / "three", search=False)
    assert vevent(later, MEETUP).decoded("SEQUENCE") == 1
    again = build_site(site_copy, "publishconf.py", tmp_path / "four", search=False)
    for path in (later.output / "evenements").glob("*.ics"):
        assert (again.output / "evenements" / path.name).read_bytes() == path.read_bytes(), path.name

    edit(site_copy, MEETUP_SOURCE, "Venue: L'Atelier Boussole", "Venue: La Boutique Boussole")
    moved = build_site(site_copy, "publishconf.py", tmp_path / "five", search=False)
    edit(site_copy, MEETUP_SOURCE, "Price: gratuit", "Price: gratuit\nStatus: postponed")
    postponed = build_site(site_copy, "publishconf.py", tmp_path / "six", search=False)
    assert vevent(moved, MEETUP).decoded("SEQUENCE") == 2
    assert vevent(postponed, MEETUP).decoded("SEQUENCE") == 3
    assert strict(postponed, MEETUP).events[0].sequence == 3
    assert json.loads(ledger.read_text(encoding="utf-8"))["events"]["rencontre-de-la-guilde-a-lyon"]["sequence"] == 3
    assert str(vevent(postponed, MEETUP)["SUMMARY"]).startswith("Reporté\u202f: ")


def test_a_cancelled_event_shows_as_cancelled(production_site):
    event = vevent(production_site, ATELIER)
    assert str(event["STATUS"]) == "CANCELLED" and str(event["TRANSP"]) == "TRANSPARENT"
    assert str(event["SUMMARY"]) == "Annulé\u202f: Atelier d’illustration avec Nina Morel"
    (parsed,) = strict(production_site, ATELIER).events
    assert parsed.status.value == "CANCELLED" and parsed.summary.startswith("Annulé")


def test_a_damaged_sequence_file_stops_the_build_in_one_line(site_copy, tmp_path):
    from tribune.build import BuildError

    (site_copy / "content/events/sequences.json").write_text("<<<<<<< HEAD\n", encoding="utf-8")
    with pytest.raises(BuildError) as failure:
        build_site(site_copy, "publishconf.py", tmp_path / "out", search=False)
    told = str(failure.value) + "".join(f"\n{problem}" for problem in failure.value.problems)
    assert "content/events/sequences.json" in told and "EVENTS_SEQUENCE_FILE" in told and "Traceback" not in told


def test_a_calendar_is_kept_until_an_event_it_shows_changes(site_copy, tmp_path):
    from tribune.caches import load_pickle, save_pickle

    cache = tmp_path / "cache"

    def mark_kept():
        for kept in (cache / "calendars").iterdir():
            key, ics = load_pickle(kept)  # as tribune.caches.Kept keeps it
            save_pickle(kept, (key, ics.replace(b"PRODID:", b"X-KEPT:oui\r\nPRODID:", 1)))

    build_site(site_copy, "pelicanconf.py", tmp_path / "one", search=False, CACHE_PATH=str(cache))
    assert len(list((cache / "calendars").iterdir())) == len(list((tmp_path / "one/evenements").glob("*.ics")))
    mark_kept()
    edit(site_copy, "content/posts/2026-02-09-cinq-conseils-soiree-jeux.md", "\n\n", "\n\nUne phrase de plus.\n\n")
    two = build_site(site_copy, "pelicanconf.py", tmp_path / "two", search=False, CACHE_PATH=str(cache))
    assert all(b"X-KEPT:oui" in path.read_bytes() for path in (two.output / "evenements").glob("*.ics"))

    edit(site_copy, MEETUP_SOURCE, "Summary: Un après-midi", "Summary: Tout un après-midi")  # its description
    three = build_site(site_copy, "pelicanconf.py", tmp_path / "three", search=False, CACHE_PATH=str(cache))
    remade = {path.name for path in (three.output / "evenements").glob("*.ics") if b"X-KEPT:oui" not in path.read_bytes()}
    assert remade == {"rencontre-de-la-guilde-a-lyon.ics", "calendrier.ics"}
    assert "Tout un après-midi" in str(vevent(three, MEETUP)["DESCRIPTION"])
    fresh = build_site(site_copy, "pelicanconf.py", tmp_path / "fresh", search=False, CACHE_PATH=str(tmp_path / "none"),
                       CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False)
    for name in remade:
        assert (three.output / "evenements" / name).read_bytes() == (fresh.output / "evenements" / name).read_bytes()
    assert not (tmp_path / "none" / "calendars").exists()

    mark_kept()
    renamed = build_site(site_copy, "pelicanconf.py", tmp_path / "four", search=False, CACHE_PATH=str(cache), SITENAME="La Guilde")
    assert not any(b"X-KEPT:oui" in path.read_bytes() for path in (renamed.output / "evenements").glob("*.ics"))
