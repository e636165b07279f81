"""`invoke new event "Titre"`: an event a week from today, as a draft."""

from datetime import datetime, timedelta

from tribune.slugs import slugify


def make_event(title: str, settings: dict, today: datetime) -> tuple[str, str]:
    folder = settings.get("EVENT_PATHS", ["events"])[0]
    start = (today + timedelta(days=7)).replace(hour=18, minute=30)
    text = (
        f"Title: {title}\n"
        f"Start: {start:%Y-%m-%d %H:%M}\n"
        "Duration: 2h\n"
        f"Timezone: {settings.get('TIMEZONE', 'Europe/Paris')}\n"
        "Mode: online\n"
        "Kind: chat\n"
        "URL: https://exemple.org/rejoindre\n"
        "Price: gratuit\n"
        "Summary: Une phrase qui dit ce qui se passe et pour qui.\n"
        "Status: draft\n"
        "\n"
        "Décrivez l’événement ici, en Markdown. Pour un événement sur place, passez Mode à offline\n"
        "et ajoutez Venue: et Address:. Passez Status à scheduled pour le publier.\n"
    )
    return f"{folder}/{slugify(title)}.md", text
