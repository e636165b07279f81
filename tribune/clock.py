"""The one clock of Tribune.

Whatever depends on "today" (upcoming events, the date of a new post, the month in the
spotlight) asks :func:`now`, so that a build or a test can be pinned to an instant with
the ``TRIBUNE_NOW`` environment variable and give the same result on any day.
"""

import os
from datetime import datetime
from zoneinfo import ZoneInfo

from tribune.i18n import _

ENVIRONMENT_VARIABLE = "TRIBUNE_NOW"


class ClockError(ValueError):
    """TRIBUNE_NOW is set but is not an ISO 8601 date or date-time."""


def now(timezone: str = "UTC") -> datetime:
    """Return the current instant as an aware datetime in ``timezone``.

    TRIBUNE_NOW, when set, is read as ISO 8601 ("2026-11-24", "2026-11-24T09:30",
    "2026-11-24T09:30+01:00"); a value without offset is taken in ``timezone``.
    """
    zone = ZoneInfo(timezone)
    pinned = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not pinned:
        return datetime.now(zone)
    try:
        instant = datetime.fromisoformat(pinned)
    except ValueError:
        raise ClockError(_('{variable}="{value}" is not an ISO 8601 date (expected e.g. 2026-11-24 or 2026-11-24T09:30+01:00)',
                           variable=ENVIRONMENT_VARIABLE, value=pinned)) from None
    if instant.tzinfo is None:
        return instant.replace(tzinfo=zone)
    return instant.astimezone(zone)


def site_now(settings: dict) -> datetime:
    """:func:`now` in the site's time zone (``TIMEZONE``; UTC when unset or empty)."""
    return now(settings.get("TIMEZONE") or "UTC")
