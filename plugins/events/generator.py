"""EventsGenerator: reads content/events, writes each event's page and .ics, the events page
and the whole calendar, and puts the events in the shared context for other templates."""

import logging
from datetime import timedelta
from pathlib import Path

from tribune.caches import Kept
from tribune.generators import ContentGenerator

from tribune.clock import site_now
from tribune.i18n import _
from tribune.lint import display_path

from . import calendar
from .contents import Event
from .history import SequenceLedger, last_changes, significant

logger = logging.getLogger(__name__)


def upcoming_events(events: list[Event], when, days: int | None = None) -> list[Event]:
    """Events not over at ``when`` (and starting within ``days`` days of it), soonest first.

    The public API of this plugin: the newsletter asks it for the events of the coming weeks.
    """
    horizon = when + timedelta(days=days) if days is not None else None
    return sorted(
        (e for e in events if e.is_upcoming(when) and (horizon is None or e.schedule.start_instant <= horizon)),
        key=lambda e: e.schedule.start_instant,
    )


class EventsGenerator(ContentGenerator):
    """Generate event pages, the events page, and their iCalendar files."""

    def generate_context(self):
        self.events: list[Event] = [e for e in self.read_contents("EVENT_PATHS", Event) if e.status == "published"]
        for event in self.events:
            self.add_source_path(event)
            self.add_static_links(event)
        moment = site_now(self.settings)
        upcoming = upcoming_events(self.events, moment)
        past = sorted((e for e in self.events if not e.is_upcoming(moment)), key=lambda e: e.schedule.start_instant, reverse=True)
        self.context["events"] = self.events
        self.context["upcoming_events"] = upcoming
        self.context["past_events"] = past
        self.context["home_events"] = upcoming[: self.settings.get("EVENTS_ON_HOME", 3)]
        self._date_versions()

    def _date_versions(self) -> None:
        """Each event's DTSTAMP and SEQUENCE (see history.py), here in the build's process,
        before any calendar is written; the ledger is rewritten only when a number changed."""
        changes = last_changes(self.events, self.settings)
        for event in self.events:
            event.calendar_stamp, event.calendar_sequence = changes[event.source_path], 0
        if not self.events or not self.settings.get("EVENTS_SEQUENCE_FILE"):
            return
        path = Path(self.path) / self.settings["EVENTS_SEQUENCE_FILE"]
        try:
            ledger = SequenceLedger(path)
        except ValueError:  # fails the build, in one line
            logger.error(_("{path}: not the file of the events' calendar versions Tribune writes (EVENTS_SEQUENCE_FILE): "
                           "put back the committed one, or delete it to number the versions from 0 again", path=display_path(path)))
            return
        for event in self.events:
            event.calendar_sequence = ledger.sequence(Path(event.source_path).stem, significant(*calendar.significant_fields(event)))
        ledger.save()

    def generate_output(self, writer):
        output = Path(self.output_path)
        states = calendar.event_states(self.events) if Kept(self.settings, "calendars").used else None
        for event in self.events:
            self.write_item(writer, event, "event")
            calendar.write(output / self.settings["EVENT_ICS_SAVE_AS"].format(slug=event.slug), [event], self.settings, states)
        if self.settings.get("EVENTS_SAVE_AS"):
            self.write_index(writer, "events")
        if self.settings.get("EVENTS_CALENDAR_SAVE_AS"):
            calendar.write(output / self.settings["EVENTS_CALENDAR_SAVE_AS"], self.events, self.settings, states)
