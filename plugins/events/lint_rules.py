"""The events' lint: each field checked, then the fields checked together."""

from collections.abc import Iterable
from datetime import timezone
from urllib.parse import urlsplit

from tribune.dates import format_moment
from tribune.i18n import _
from tribune.lint import WARNING, ContentKind, Corpus, FieldSpec, Problem, display_path, problem
from tribune.rules import check_image, check_slug

from .contents import KINDS, MODES, STATUSES
from .schedule import ScheduleError, ScheduleOrderError, parse_duration, parse_moment, parse_zone, read_schedule


def _one_of(what: str, allowed: tuple[str, ...]):
    """A check that the value is one of ``allowed``; ``what`` names the field in words (a mode)."""

    def check(value: str) -> str | None:
        if value.lower() not in allowed:
            return _('"{value}" is not {what} (expected one of {allowed})', value=value, what=what, allowed=", ".join(allowed))
        return None

    return check


def _parses(function):
    """A field check from a parser of schedule.py: its error message, or None."""

    def check(value: str) -> str | None:
        try:
            function(value)
        except ScheduleError as error:
            return error.message
        return None

    return check


def check_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return _('"{value}" is not a web address (expected https://…)', value=value)
    return None


def event_kind(settings: dict) -> ContentKind:
    return ContentKind(
        "event",
        list(settings.get("EVENT_PATHS", ["events"])),
        [
            FieldSpec("Title", required=True),
            FieldSpec("Start", required=True, check=_parses(lambda value: parse_moment("Start", value))),
            FieldSpec("End", check=_parses(lambda value: parse_moment("End", value))),
            FieldSpec("Duration", check=_parses(parse_duration)),
            FieldSpec("Timezone", check=_parses(parse_zone)),
            FieldSpec("Mode", required=True, check=_one_of(_("a mode"), MODES)),
            FieldSpec("Kind", required=True, check=_one_of(_("a kind of event"), KINDS)),
            FieldSpec("Venue"),
            FieldSpec("Address"),
            FieldSpec("URL", check=check_url),
            FieldSpec("Registration", check=check_url),
            FieldSpec("Price"),
            FieldSpec("Status", check=_one_of(_("a status"), STATUSES)),
            FieldSpec("Organizer"),
            FieldSpec("Organizer-URL", check=check_url),
            FieldSpec("Image", check=check_image),
            FieldSpec("Image-Alt"),
            FieldSpec("Summary"),
            FieldSpec("Lang"),
            FieldSpec("Slug", check=check_slug),
            FieldSpec("Modified"),
        ],
        label=_("an event"),
    )


def check_events(corpus: Corpus) -> Iterable[Problem]:
    """What no single field shows: the end before the start, a place or a link missing."""
    for source in corpus.of_kind("event"):
        zone = source.get("Timezone") or corpus.settings.get("TIMEZONE", "UTC")
        if source.get("End") and source.get("Duration"):
            yield problem(source, "Duration", _("give End or Duration, not both"))
        try:
            schedule = read_schedule(source.get("Start"), source.get("End"), source.get("Duration"), zone)
        except ScheduleOrderError as error:
            yield problem(source, error.field, error.message)
        except ScheduleError:
            pass  # a value that does not parse: reported by its field's own check
        else:
            yield from _odd_times(source, schedule)
        # A missing place or link is reported on the Mode: line, which is what asks for it.
        mode = (source.get("Mode") or "").lower()
        needs = {"offline": ("Venue", "Address"), "online": ("URL",), "mixed": ("Venue", "Address", "URL")}.get(mode, ())
        for field in needs:
            if not source.get(field):
                reason = _("where to join") if field == "URL" else _("where it takes place")
                yield Problem(display_path(source.path), source.line_of("Mode"), field,
                              _("missing: a Mode: {mode} event needs its {field}: line ({reason})", mode=mode, field=field, reason=reason))


def _odd_times(source, schedule) -> Iterable[Problem]:
    """Times that read well but do not mean what the writer thinks: a start in the hour the
    clocks skip in spring (it exists on no clock), an all-day event given a Duration."""
    if schedule.all_day:
        if source.get("Duration") and not source.get("End"):
            yield problem(source, "Duration", _("an all-day event (Start without a time) takes its last day, not a Duration: write "
                                                "End: {end}, or give Start a time", end=schedule.end.isoformat()), WARNING)
        return
    start = schedule.start
    real = start.astimezone(timezone.utc).astimezone(schedule.zone)
    if real.replace(tzinfo=None) != start.replace(tzinfo=None):
        yield problem(source, "Start", _('"{value}" does not exist in {zone}: the clocks go forward that night, and calendars would show '
                                         "{shifted}; choose another time", value=source.get("Start"), zone=schedule.zone.key,
                                         shifted=format_moment(real, schedule.zone.key)), WARNING)


def add_lint_rules(registry) -> None:
    registry.add_kind(event_kind(registry.settings))
    registry.add_rule(check_events)
