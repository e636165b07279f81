"""Dates in words, in the page's language, without setlocale.

``locale.setlocale`` depends on the locales installed on the machine and is global to the
process; Babel carries its own CLDR data, so "24 novembre 2026" comes out the same on a
laptop, in CI and in a minimal container.
"""

from datetime import date, datetime

from babel.dates import format_date as _babel_format_date

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
    return _babel_format_date(value, format=FORMATS[style], locale=lang)
