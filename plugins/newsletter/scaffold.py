"""`invoke new edition`: next month's edition, as a draft."""

from datetime import datetime

from tribune.dates import format_date


def make_edition(title: str, settings: dict, today: datetime) -> tuple[str, str]:
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    title = title or f"La lettre de {format_date(today.replace(year=year, month=month, day=1), settings.get('DEFAULT_LANG', 'fr'), 'month')}"
    folder = settings.get("NEWSLETTER_PATHS", ["newsletters"])[0]
    text = (
        f"Title: {title}\n"
        f"Subject: {title}\n"
        "Preheader: Une phrase qui donne envie d’ouvrir la lettre.\n"
        f"Date: {year}-{month:02d}-01 09:00\n"
        f"Lang: {settings.get('DEFAULT_LANG', 'fr')}\n"
        "Status: draft\n"
        "\n"
        "Le mot de l’équipe, en Markdown. Les billets publiés depuis la lettre précédente, les\n"
        "rendez-vous à venir et le membre à l’honneur du mois s’ajoutent d’eux-mêmes ; pour\n"
        "choisir, ajoutez Posts: slug, slug ou Events: slug dans l’en-tête.\n"
    )
    return f"{folder}/{year}-{month:02d}.md", text
