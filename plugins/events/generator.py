"""EventsGenerator: reads content/events, writes each event's page and .ics, the events page
and the whole calendar, and puts the events in the shared context for other templates."""

from datetime import timedelta
from pathlib import Path

from pelican.generators import Generator

from tribune.clock import now

from . import calendar
from .contents import Event


def upcoming_events(events: list[Event], when, days: int | None = None) -> list[Event]:
    """Events not over at ``when`` (and starting within ``days`` days of it), soonest first.

    The public API of this plugin: the newsletter asks it for the events of the coming weeks.
    """
    horizon = when + timedelta(days=days) if days is not None else None
    return sorted(
        (e for e in events if e.is_upcoming(when) and (horizon is None or e.schedule.start_instant <= horizon)),
        key=lambda e: e.schedule.start_instant,
    )


class EventsGenerator(Generator):
    """Generate event pages, the events page, and their iCalendar files."""

    def __init__(self, *args, **kwargs):
        self.events: list[Event] = []
        self.draft_events: list[Event] = []
        super().__init__(*args, **kwargs)

    def generate_context(self):
        for path in self.get_files(self.settings["EVENT_PATHS"], exclude=self.settings.get("EVENT_EXCLUDES", [])):
            event = self.readers.read_file(base_path=self.path, path=path, content_class=Event, context=self.context)
            if not event.is_valid():
                self._add_failed_source_path(path)
                continue
            (self.events if event.status == "published" else self.draft_events).append(event)
            self.add_source_path(event)
            self.add_static_links(event)
        moment = now(self.settings.get("TIMEZONE", "UTC"))
        upcoming = upcoming_events(self.events, moment)
        past = sorted((e for e in self.events if not e.is_upcoming(moment)), key=lambda e: e.schedule.start_instant, reverse=True)
        self.context["events"] = self.events
        self.context["upcoming_events"] = upcoming
        self.context["past_events"] = past
        self.context["home_events"] = upcoming[: self.settings.get("EVENTS_ON_HOME", 3)]

    def generate_output(self, writer):
        output = Path(self.output_path)
        for event in self.events:
            writer.write_file(
                event.save_as, self.get_template(event.template), self.context,
                event=event, item=event, relative_urls=self.settings["RELATIVE_URLS"], url=event.url,
            )
            calendar.write(output / self.settings["EVENT_ICS_SAVE_AS"].format(slug=event.slug), [event], self.settings)
        if self.settings.get("EVENTS_SAVE_AS"):
            writer.write_file(
                self.settings["EVENTS_SAVE_AS"], self.get_template("events"), self.context,
                relative_urls=self.settings["RELATIVE_URLS"], url=self.settings["EVENTS_URL"], page_name="events",
            )
        if self.settings.get("EVENTS_CALENDAR_SAVE_AS"):
            calendar.write(output / self.settings["EVENTS_CALENDAR_SAVE_AS"], self.events, self.settings)
