"""When an event happens: its Start, End or Duration, and Timezone, read and checked.

One reading serves the lint (which reports what does not parse) and the build (which
needs the instants). Times are wall-clock times in the event's time zone; durations are
added in absolute time, so that "Duration: 12h" across a daylight-saving change lasts
twelve hours, not eleven or thirteen.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tribune.dates import format_moment
from tribune.i18n import _

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}$")
_DURATION_PART = re.compile(r"(\d+)\s*(d|j|h|min|m)(?![a-z])")
_DURATION = re.compile(r"^(\s*\d+\s*(d|j|h|min|m)(?![a-z]))+\s*$")
_UNITS = {"d": "days", "j": "days", "h": "hours", "min": "minutes", "m": "minutes"}


class ScheduleError(ValueError):
    """A value that does not parse; ``field`` names the metadata field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class ScheduleOrderError(ScheduleError):
    """Fields that parse but do not agree: an end before the start, a date with a date-time."""


def parse_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError("Timezone", _('"{value}" is not a time zone (expected an IANA name such as Europe/Paris)', value=name)) from None


def parse_moment(field: str, value: str) -> date | datetime:
    """A date (all-day) or a naive wall-clock date-time."""
    value = value.strip()
    try:
        if _DATE.match(value):
            return date.fromisoformat(value)
        if _DATETIME.match(value):
            return datetime.fromisoformat(value.replace(" ", "T"))
    except ValueError:
        pass
    raise ScheduleError(field, _('"{value}" is not a date (expected YYYY-MM-DD HH:MM, or YYYY-MM-DD for an all-day event)', value=value))


def parse_duration(value: str) -> timedelta:
    """'2h', '90min', '2d', '1h30min', '1h 30m' (j for jours is accepted)."""
    if not _DURATION.match(value.strip().lower()):
        raise ScheduleError("Duration", _('"{value}" is not a duration (expected e.g. 2h, 90min, 1h30min or 2d)', value=value))
    parts = {}
    for number, unit in _DURATION_PART.findall(value.strip().lower()):
        key = _UNITS[unit]
        parts[key] = parts.get(key, 0) + int(number)
    return timedelta(**parts)


@dataclass(frozen=True)
class Schedule:
    """An event's time span. All-day events have dates; others aware datetimes."""

    start: date | datetime
    end: date | datetime  # for all-day events: the last day, inclusive
    zone: ZoneInfo

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)

    @property
    def start_instant(self) -> datetime:
        """The first instant of the event (midnight in its zone for all-day events)."""
        return self.start if not self.all_day else datetime.combine(self.start, time(), self.zone)

    @property
    def end_instant(self) -> datetime:
        """The instant the event is over (the midnight after the last day for all-day events)."""
        return self.end if not self.all_day else datetime.combine(self.end + timedelta(days=1), time(), self.zone)


def read_schedule(start: str | None, end: str | None, duration: str | None, zone_name: str) -> Schedule:
    """The schedule of an event from its fields, or :class:`ScheduleError` naming the field."""
    zone = parse_zone(zone_name)
    if not start:
        raise ScheduleError("Start", _("missing (every event needs a Start: line)"))
    first = parse_moment("Start", start)
    all_day = not isinstance(first, datetime)
    if end:
        last = parse_moment("End", end)
        if isinstance(last, datetime) == all_day:
            raise ScheduleOrderError("End", _('"{end}" must have the same form as Start ("{start}")', end=end, start=start))
    elif duration:
        length = parse_duration(duration)
        if all_day:
            last = first + timedelta(days=max(length.days, 1) - 1)
        else:
            aware = first.replace(tzinfo=zone)
            last = (aware.astimezone(timezone.utc) + length).astimezone(zone).replace(tzinfo=None)
    else:
        last = first
    if not all_day:
        first, last = first.replace(tzinfo=zone), last.replace(tzinfo=zone)
    if last < first or (not all_day and end and last == first):
        raise ScheduleOrderError("End" if end else "Duration", _("the event ends ({end}) before it starts ({start})",
                                                                 end=format_moment(last, zone.key), start=format_moment(first, zone.key)))
    return Schedule(first, last, zone)
