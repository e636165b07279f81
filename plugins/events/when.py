"""An event's date and time in words, in its time zone and, when it differs, the site's."""

from datetime import datetime

from babel.dates import format_date, format_time, get_timezone_name

from .schedule import Schedule

_WORDS = {
    "fr": {
        "all_day": "{date} (toute la journée)",
        "days": "du {first} au {last}",
        "same_day": "{date}, de {start} à {end}",
        "span": "du {first} à {start} au {last} à {end}",
        "in_site_zone": "soit {when}, {zone}",
    },
    "en": {
        "all_day": "{date} (all day)",
        "days": "from {first} to {last}",
        "same_day": "{date}, from {start} to {end}",
        "span": "from {first} at {start} to {last} at {end}",
        "in_site_zone": "that is {when}, {zone}",
    },
}


def _timed(start: datetime, end: datetime, lang: str, words: dict) -> str:
    date = lambda moment: format_date(moment, "full", locale=lang)  # noqa: E731
    time = lambda moment: format_time(moment, "short", locale=lang)  # noqa: E731
    if start.date() == end.date():
        text = words["same_day"].format(date=date(start), start=time(start), end=time(end))
    else:
        text = words["span"].format(first=date(start), start=time(start), last=date(end), end=time(end))
    return text


def when_in_words(schedule: Schedule, lang: str, site_zone) -> list[str]:
    """One line in the event's zone; a second one in the site's zone when they differ."""
    words = _WORDS.get(lang, _WORDS["en"])
    if schedule.all_day:
        if schedule.start == schedule.end:
            return [words["all_day"].format(date=format_date(schedule.start, "full", locale=lang))]
        return [words["days"].format(first=format_date(schedule.start, "full", locale=lang), last=format_date(schedule.end, "full", locale=lang))]
    # The zone's generic name ("heure d’Europe centrale"): right on both sides of a DST change.
    zone = get_timezone_name(schedule.zone, locale=lang)
    lines = [f"{_timed(schedule.start, schedule.end, lang, words)} ({zone})"]
    if str(schedule.zone) != str(site_zone):
        start, end = schedule.start.astimezone(site_zone), schedule.end.astimezone(site_zone)
        lines.append(words["in_site_zone"].format(when=_timed(start, end, lang, words), zone=get_timezone_name(site_zone, locale=lang)))
    return lines
