"""Spikes: a day with far more mentions than usual.

A day's count is compared with the days of the four weeks before it (from the first day the
veille knows of, at least a week of them): its z-score is how many standard deviations it
stands above their average, the deviation taken as at least one mention a day, so that a
day of three mentions after weeks of silence is not a spike, and a day of five is. A day
whose z-score is above ``VEILLE_SPIKE_Z`` (3) is a spike.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import fmean, pstdev
from zoneinfo import ZoneInfo

WINDOW = 28
MIN_BASELINE = 7


@dataclass
class Spike:
    day: date
    count: int
    usual: float  # the average of the days before
    z: float


def per_day(dates: list[str], zone: str) -> Counter:
    """Mentions per day in the site's time zone, from their ISO 8601 instants."""
    tz = ZoneInfo(zone)
    return Counter(datetime.fromisoformat(moment).astimezone(tz).date() for moment in dates)


def spikes(counts: Counter, threshold: float) -> list[Spike]:
    if not counts:
        return []
    first = min(counts)
    found = []
    for day in sorted(counts):
        days = [day - timedelta(days=back) for back in range(1, WINDOW + 1)]
        baseline = [counts.get(d, 0) for d in days if d >= first]
        if len(baseline) < MIN_BASELINE:
            continue
        usual = fmean(baseline)
        z = (counts[day] - usual) / max(pstdev(baseline), 1.0)
        if z > threshold:
            found.append(Spike(day, counts[day], usual, z))
    return found
