"""`invoke new member "Prénom Nom"`: a member file with every field, a draft until their consent.

A draft member builds without a Consent date (nothing of them is published); the date of
their written consent is what publishing them requires.
"""

from datetime import datetime

from tribune.i18n import _
from tribune.slugs import slugify


def make_member(name: str, settings: dict, today: datetime) -> tuple[str, str]:
    folder = settings.get("MEMBER_PATHS", ["members"])[0]
    role = _("Member")
    header = (
        f"Name: {name}\n"
        f"Role: {role}\n"
        f"Member-Since: {today:%Y-%m-%d}\n"
        "City:\n"
        "Avatar:\n"
        "Links:\n"
        "Quote:\n"
        "Spotlight:\n"
        "Pseudonym:\n"
        "Consent:\n"
        "Status: draft\n"
    )
    body = _("The portrait or the interview, in Markdown. Nothing is published without the date of the person's written "
             "consent (Consent: YYYY-MM-DD): then set Status to published.")
    return f"{folder}/{slugify(name)}.md", f"{header}\n{body}\n"


def next_steps() -> str:
    """What to fill in, printed after the new file's path."""
    return _("Fill in Role, City, Quote, Links (their https:// pages, separated by commas), Avatar (a photo under "
             "content/images/), Spotlight (the month they are featured, YYYY-MM), Pseudonym if they want one, and their "
             "portrait below the blank line; to publish them, set Consent: to the date of their written consent and "
             "Status: published.")
