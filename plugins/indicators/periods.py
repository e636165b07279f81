"""Periods of the report: months (``YYYY-MM``), ISO weeks (``YYYY-Www``), quarters and years,
and an indicator's values over every period from its first one to "now", none skipped."""

from datetime import date, datetime, timedelta

from tribune.figures import COUNT, EDITION, MONTH, WEEK, Indicator


def month_of(moment: date) -> str:
    return f"{moment:%Y-%m}"


def week_of(moment: date) -> str:
    year, week, _day = moment.isocalendar()
    return f"{year}-W{week:02d}"


def _monday(week: str) -> date:
    return date.fromisocalendar(int(week[:4]), int(week[6:]), 1)


def months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def weeks_between(first: str, last: str) -> list[str]:
    found, day = [], _monday(first)
    while week_of(day) <= last:
        found.append(week_of(day))
        day += timedelta(days=7)
    return found


def current(per: str, moment: datetime) -> str | None:
    return {MONTH: month_of(moment), WEEK: week_of(moment)}.get(per)


def axis(indicators: list[Indicator], moment: datetime) -> list[str]:
    """Every period of ``indicators`` (all with the same ``per``): for months and weeks, each
    one from the first with a value to the current one; for editions, those with a value."""
    known = sorted({period for indicator in indicators for period in indicator.values})
    if not known:
        return []
    per = indicators[0].per
    if per == EDITION:
        return known
    last = max(known[-1], current(per, moment))
    return months_between(known[0], last) if per == MONTH else weeks_between(known[0], last)


def values_on(indicator: Indicator, periods: list[str]) -> list:
    """The indicator's value for each period: a count missing is zero, anything else None."""
    missing = 0 if indicator.kind == COUNT and indicator.per != EDITION else None
    return [indicator.values.get(period, missing) for period in periods]


def grouped(period: str, per: str) -> str:
    """The month ``period`` as the longer period ``per``: "2026-11" is "2026-Q4" or "2026"."""
    if per == "quarter":
        return f"{period[:4]}-Q{(int(period[5:7]) - 1) // 3 + 1}"
    if per == "year":
        return period[:4]
    return period
