"""Dates in words, in the page's language, without setlocale.

``locale.setlocale`` depends on the locales installed on the machine and is global to the
process; Babel carries its own CLDR data, so "24 novembre 2026" comes out the same on a
laptop, in CI and in a minimal container.
"""

from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime

from tribune import i18n

#: Named formats the theme uses, as CLDR patterns or Babel's named widths.
FORMATS = {
    "long": "long",  # 24 novembre 2026 / November 24, 2026
    "full": "full",  # mardi 24 novembre 2026 / Tuesday, November 24, 2026
    "month": "MMMM y",  # novembre 2026 / November 2026
    "short": "d MMM y",  # 24 nov. 2026 / 24 Nov 2026
    "month_short": "MMM",  # nov. / Nov
}


def format_date(value: date | datetime, lang: str = "fr", style: str = "long") -> str:
    """Return ``value`` in words in ``lang`` ("fr", "en", ...) with a style of FORMATS."""
    return _format_day(value.date() if isinstance(value, datetime) else value, lang, style)


@lru_cache(maxsize=4096)
def _format_day(day: date, lang: str, style: str) -> str:
    """Babel's words for a day, once per day: a list page dates each of its posts (a thousand
    on the archives' page), and a site has far fewer days than dated items."""
    return _babel_format_date(day, format=FORMATS[style], locale=lang)


def format_moment(value: datetime | str, zone: str | None = None) -> str:
    """An instant in words for a message, in the site's language and time zone (set by
    :func:`tribune.i18n.set_language`), or in ``zone``: "2 décembre 2026 à 10 h 05",
    "December 2, 2026 at 10:05 AM". ``value`` may be an ISO 8601 string, as Mailchimp gives
    times (one that is not is given back as it is); a naive value is taken in UTC; a date
    without time is written as a date."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return value
    if not isinstance(value, datetime):
        return format_date(value, i18n.language())
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    # The pattern is CLDR's, translated with the messages: French writes 10 h 05.
    pattern = i18n._("MMMM d, y 'at' h:mm a")
    return _babel_format_datetime(value, format=pattern, tzinfo=ZoneInfo(zone or i18n.timezone()), locale=i18n.language())
