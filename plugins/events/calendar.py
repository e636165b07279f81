"""iCalendar files (RFC 5545), written with the icalendar library.

UIDs are made from the event's file name and the site's host, so an event keeps its UID
from one build to the next (and when its title changes). DTSTAMP and LAST-MODIFIED are when
the event last changed and SEQUENCE counts the changes of its time, place or status (see
:mod:`.history`), never the clock, so that building twice gives the same bytes and a
publish of an unchanged site changes nothing, while an updated file imported again replaces
the old event in calendar apps. Files say ``METHOD:PUBLISH`` (a calendar to subscribe to or
import, not an invitation). A cancelled event keeps ``STATUS:CANCELLED`` and says so in its
title too: most apps show the status nowhere, and a cancelled event stays in the feed so
that subscribers see it go.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from icalendar import Calendar, Event as CalendarEvent

from tribune.text import plain_text

from .contents import Event

PRODID = "-//Tribune//Events//FR"
_LABELS = {
    "fr": {"join": "Rejoindre\u202f: ", "registration": "Inscription\u202f: ", "organizer": "Organisé par ",
           "cancelled": "Annulé\u202f: ", "postponed": "Reporté\u202f: "},
    "en": {"join": "Join: ", "registration": "Registration: ", "organizer": "Organised by ",
           "cancelled": "Cancelled: ", "postponed": "Postponed: "},
}
_STATUS = {"scheduled": "CONFIRMED", "rescheduled": "CONFIRMED", "postponed": "TENTATIVE", "cancelled": "CANCELLED"}


def uid_of(event: Event, settings: dict) -> str:
    host = urlsplit(settings["SITEURL"]).hostname or "localhost"
    return f"{Path(event.source_path).stem}@{host}"


def _absolute(settings: dict, path: str) -> str:
    return f"{settings['SITEURL'].rstrip('/')}/{path}"


def location_of(event: Event) -> str:
    place = ", ".join(part for part in (event.metadata.get("venue"), event.metadata.get("address")) if part)
    if event.online and event.join_url:
        return f"{place} / {event.join_url}" if place else event.join_url
    return place


def description_of(event: Event, settings: dict) -> str:
    labels = _LABELS.get(event.lang, _LABELS["en"])
    parts = [plain_text(event.metadata.get("summary") or ""), plain_text(event.content)]
    if event.metadata.get("organizer"):
        parts.append(labels["organizer"] + event.metadata["organizer"])
    if event.online and event.join_url:
        parts.append(labels["join"] + event.join_url)
    if event.metadata.get("registration"):
        parts.append(labels["registration"] + event.metadata["registration"])
    parts.append(_absolute(settings, event.url))
    return "\n\n".join(part for part in parts if part)


def significant_fields(event: Event) -> tuple:
    """What calendar apps must be told changed (a higher SEQUENCE): time, place and status."""
    return (event.schedule.start.isoformat(), event.schedule.end.isoformat(), str(event.schedule.zone), location_of(event), _STATUS[event.event_status])


def component(event: Event, settings: dict) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", uid_of(event, settings))
    entry.add("dtstamp", event.calendar_stamp)
    entry.add("last-modified", event.calendar_stamp)
    entry.add("sequence", event.calendar_sequence)
    labels = _LABELS.get(event.lang, _LABELS["en"])
    entry.add("summary", labels.get(event.event_status, "") + plain_text(event.title))
    if event.all_day:
        entry.add("dtstart", event.schedule.start)
        entry.add("dtend", event.schedule.end + timedelta(days=1))  # DTEND of an all-day event is exclusive
    else:
        entry.add("dtstart", event.schedule.start)
        entry.add("dtend", event.schedule.end)
    entry.add("status", _STATUS[event.event_status])
    if event.event_status == "cancelled":
        entry.add("transp", "TRANSPARENT")  # keeps no time busy
    entry.add("url", _absolute(settings, event.url))
    location = location_of(event)
    if location:
        entry.add("location", location)
    entry.add("description", description_of(event, settings))
    return entry


def build(events: list[Event], settings: dict) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{settings['SITENAME']}")
    calendar.add("x-wr-timezone", settings.get("TIMEZONE", "UTC"))
    events = sorted(events, key=lambda e: e.schedule.start_instant)
    for event in events:
        calendar.add_component(component(event, settings))
    if events:
        # VTIMEZONE rules only for the years the events span, not 1970 to 2038.
        first = events[0].schedule.start_instant.date().replace(month=1, day=1)
        last = max(e.schedule.end_instant for e in events).date().replace(month=12, day=31) + timedelta(days=1)
        calendar.add_missing_timezones(first_date=first, last_date=last)
        # Time zones come out in a set's order: sort them, so that two builds give the same bytes.
        zones = sorted((c for c in calendar.subcomponents if c.name == "VTIMEZONE"), key=lambda c: str(c["TZID"]))
        calendar.subcomponents = zones + [c for c in calendar.subcomponents if c.name != "VTIMEZONE"]
    return calendar


def write(path: Path, events: list[Event], settings: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(build(events, settings).to_ical())
    return path
