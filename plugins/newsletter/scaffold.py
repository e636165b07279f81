"""`invoke new edition [YYYY-MM]`: the edition of this month (or of the month given), as a draft.

An edition is named after its month (``2026-11.md``); a second edition the same month is
``2026-11-2.md``. Its Date is now for this month's edition (the posts published since the
previous edition, up to now, are in it), the first of the month at 09:00 for another month.
"""

import re
from datetime import datetime

from tribune.dates import format_date
from tribune.i18n import _
from tribune.scaffold import ScaffoldError

_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-\d{2})?$")


def make_edition(title: str, settings: dict, today: datetime) -> tuple[str, str]:
    """``title`` may be a month (2027-01) or a date in it: the edition is then that month's."""
    year, month = today.year, today.month
    given = _MONTH.match(title.strip())
    if given:
        year, month = int(given[1]), int(given[2])
        if not 1 <= month <= 12:
            raise ScaffoldError(_('"{value}" is not a month (expected YYYY-MM, e.g. 2026-11)', value=title))
        title = ""
    lang = settings.get("DEFAULT_LANG", "fr")
    first = today.replace(year=year, month=month, day=1, hour=9, minute=0)
    date = today if (year, month) == (today.year, today.month) else first
    title = title or _("The newsletter — {month}", month=format_date(first, lang, "month"))
    folder = settings.get("NEWSLETTER_PATHS", ["newsletters"])[0]
    preheader = _("One sentence that makes people want to open the newsletter.")
    text = (
        f"Title: {title}\n"
        f"Subject: {title}\n"
        f"Preheader: {preheader}\n"
        f"Date: {date:%Y-%m-%d %H:%M}\n"
        f"Lang: {lang}\n"
        "Status: draft\n"
        "\n"
    ) + _("The team's word, in Markdown. The posts published since the previous edition, the upcoming events and the member "
          "in the spotlight this month are added on their own; to choose them, add Posts: slug, slug or Events: slug to the "
          "header.") + "\n"
    return f"{folder}/{year}-{month:02d}.md", text


def next_steps() -> str:
    """What to fill in, printed after the new file's path."""
    return _("Write the team's word below the blank line and check the Subject: and Preheader: lines; invoke newsletter shows "
             "what the edition holds; then set Status: published, and send it with invoke newsletter --send.")
