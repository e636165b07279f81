"""`invoke new member "Prénom Nom"`: a member file, not published until Consent is filled in."""

from datetime import datetime

from tribune.slugs import slugify


def make_member(name: str, settings: dict, today: datetime) -> tuple[str, str]:
    folder = settings.get("MEMBER_PATHS", ["members"])[0]
    text = (
        f"Name: {name}\n"
        "Role: Membre\n"
        f"Member-Since: {today:%Y-%m-%d}\n"
        "City:\n"
        "Avatar:\n"
        "Links:\n"
        "Quote:\n"
        "Consent:\n"
        "Status: draft\n"
        "\n"
        "Le portrait ou l’entretien, en Markdown. Rien n’est publié sans la date du consentement écrit\n"
        "de la personne (Consent: AAAA-MM-JJ) : passez alors Status à published.\n"
    )
    return f"{folder}/{slugify(name)}.md", text
