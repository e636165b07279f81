"""The Event content type: a Pelican Content with a schedule, a place and a status."""

from decimal import Decimal, InvalidOperation

from pelican.contents import Content

from tribune.slugs import slugify

from .schedule import Schedule, read_schedule

MODES = ("online", "offline", "mixed")
KINDS = ("chat", "interview", "live", "contest", "webinar", "barcamp", "conference", "meetup", "workshop", "other")
STATUSES = ("scheduled", "cancelled", "postponed", "rescheduled", "draft")
FREE_WORDS = ("", "0", "gratuit", "gratuite", "free", "libre")


class Event(Content):
    """One event. ``status`` keeps Pelican's meaning (published or draft) so that Pelican and
    the other plugins treat events like any content; the event's own status, as written in
    ``Status:``, is ``event_status``."""

    mandatory_properties = ("title",)
    text_fields = ("venue", "address", "organizer", "price")  # typeset for French readers (plugins/l10n)
    allowed_statuses = ("published", "draft")
    default_status = "published"
    default_template = "event"

    def __init__(self, content, metadata=None, settings=None, source_path=None, context=None):
        metadata = dict(metadata or {})
        # "URL" is where to join an online event; for Pelican, url would replace the page's URL.
        self.join_url = metadata.pop("url", None)
        self.event_status = (metadata.pop("status", None) or "scheduled").lower()
        if "slug" not in metadata and metadata.get("title"):
            metadata["slug"] = slugify(metadata["title"])
        super().__init__(content, metadata, settings, source_path, context)
        self.status = "draft" if self.event_status == "draft" else "published"
        self.mode = (metadata.get("mode") or "").lower()
        self.kind = (metadata.get("kind") or "other").lower()
        self.schedule: Schedule = read_schedule(
            metadata.get("start"), metadata.get("end"), metadata.get("duration"),
            metadata.get("timezone") or self.settings.get("TIMEZONE", "UTC"),
        )

    # -- Convenience for templates, calendars and JSON-LD -----------------------------
    # (start, end, mode, kind... are also attributes: Pelican sets one per metadata field,
    # as written; the parsed instants are in ``schedule``.)
    @property
    def all_day(self) -> bool:
        return self.schedule.all_day

    @property
    def online(self) -> bool:
        return self.mode in ("online", "mixed")

    @property
    def offline(self) -> bool:
        return self.mode in ("offline", "mixed")

    @property
    def price_text(self) -> str:
        return (self.metadata.get("price") or "").strip()

    @property
    def free(self) -> bool:
        return self.price_text.lower() in FREE_WORDS

    @property
    def price_amount(self) -> Decimal | None:
        """The amount written in Price ("12 €" gives 12), 0 when free, None when unreadable."""
        if self.free:
            return Decimal(0)
        digits = "".join(ch for ch in self.price_text.replace(",", ".") if ch.isdigit() or ch == ".")
        try:
            return Decimal(digits) if digits else None
        except InvalidOperation:
            return None

    def is_upcoming(self, now) -> bool:
        """Not over yet at ``now`` (an event in progress is still upcoming)."""
        return self.schedule.end_instant > now
