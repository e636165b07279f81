"""`invoke new event "Titre"`: an event a week from today, as a draft."""

from datetime import datetime, timedelta

from tribune.i18n import _
from tribune.slugs import slugify


def make_event(title: str, settings: dict, today: datetime) -> tuple[str, str]:
    folder = settings.get("EVENT_PATHS", ["events"])[0]
    start = (today + timedelta(days=7)).replace(hour=18, minute=30)
    price, summary = _("free"), _("One sentence that says what happens, and for whom.")
    text = (
        f"Title: {title}\n"
        f"Start: {start:%Y-%m-%d %H:%M}\n"
        "Duration: 2h\n"
        f"Timezone: {settings.get('TIMEZONE', 'Europe/Paris')}\n"
        "Mode: online\n"
        "Kind: chat\n"
        "URL: https://exemple.org/rejoindre\n"
        f"Price: {price}\n"
        f"Summary: {summary}\n"
        "Status: draft\n"
        "\n"
    ) + _("Describe the event here, in Markdown. For an event on site, set Mode to offline and add Venue: and Address:. "
          "Set Status to scheduled to publish it.") + "\n"
    return f"{folder}/{slugify(title)}.md", text


def next_steps() -> str:
    """What to fill in, printed after the new file's path."""
    return _("Set Start: (YYYY-MM-DD HH:MM) and Duration:, Mode: (online with its URL:, offline with Venue: and Address:, or "
             "mixed with all three), Kind: and Price:; describe the event below the blank line; then set Status: scheduled.")
