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

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tribune.caches import Kept
from tribune.fingerprint import Digest, body_digest, package_version, state_digest
from tribune.rendering import cache_for
from tribune.text import plain_text

from .contents import Event

if TYPE_CHECKING:
    import icalendar

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


def component(event: Event, settings: dict) -> "icalendar.Event":
    import icalendar  # here, not above: see build()

    entry = icalendar.Event()
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


def build(events: list[Event], settings: dict) -> "icalendar.Calendar":
    # icalendar is imported when a calendar is made: importing it took 40 ms of every command
    # that loads the site (a third of its plugins' imports), while a rebuild takes its
    # unchanged calendars from the cache and `invoke check` makes none.
    import icalendar

    calendar = icalendar.Calendar()
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


_KEPT_FORMAT = 2


def write(path: Path, events: list[Event], settings: dict, states: dict[str, str] | None = None) -> Path:
    """Write the calendar of ``events`` at ``path``. With ``states`` (each event's fields and
    text, by source path: :func:`event_states`), its bytes are kept in
    ``CACHE_PATH/calendars/`` with Pelican's content cache, and written from there while
    those, the settings, the code and the versions of icalendar and tzdata are the same: an
    unchanged calendar is not made again at each build (icalendar: 2 ms an event)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if states is None:
        path.write_bytes(build(events, settings).to_ical())
        return path
    kept, key = Kept(settings, "calendars"), _key(events, settings, states)
    name = hashlib.blake2b(str(path.relative_to(settings["OUTPUT_PATH"])).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    data = kept.get(name, key)
    if not isinstance(data, bytes):
        data = build(events, settings).to_ical()
        kept.put(name, key, data)
    path.write_bytes(data)
    return path


def event_states(events: list[Event]) -> dict[str, str]:
    """What a calendar shows of each event, by its source path: its fields (its address, its
    DTSTAMP and SEQUENCE among them) and its text (the description)."""
    return {event.source_path: state_digest(event) + body_digest(event) for event in events}


def _key(events: list[Event], settings: dict, states: dict[str, str]) -> str:
    digest = Digest(states=False).add(_KEPT_FORMAT).add(cache_for(settings).code_and_settings())
    digest.add([package_version("icalendar"), package_version("tzdata")])  # the time zones' rules (VTIMEZONE): tzdata's
    return digest.add(sorted(states[event.source_path] for event in events)).hexdigest()
