"""The community's objectives (``OBJECTIVES``) checked against the indicators.

Each objective names an indicator by its key, a bound and a period::

    OBJECTIVES = [
        {"indicator": "newsletter.open_rate", "at_least": "40 %"},
        {"indicator": "content.posts", "at_least": 4, "per": "month"},
    ]

It is judged on the last complete period (the current month is still going on: it is shown
as "in progress", never judged), as met, not met, or without data (the indicator is not
offered, or has no value yet), with its trend: the last value against the average of the
three before it.
"""

from dataclasses import dataclass, field

from tribune.figures import COUNT, EDITION, LEVEL, MONTH, RATE, WEEK, Indicator, show
from tribune.i18n import _
from tribune.suggest import closest

from .periods import axis, current, grouped, values_on

MET, NOT_MET, NO_DATA = "met", "not met", "no data"
UP, DOWN, STEADY = "up", "down", "steady"
_PERIODS = {MONTH: (MONTH, "quarter", "year"), EDITION: (EDITION,), WEEK: (WEEK,)}


class ObjectiveError(ValueError):
    """An objective written so that it cannot be read; the message names it."""


@dataclass
class Objective:
    number: int  # its place in OBJECTIVES, from 1
    indicator: str
    bound: str  # "at_least" or "at_most"
    target: float
    percent: bool  # the target was written as a percentage ("40 %")
    per: str | None


@dataclass
class Outcome:
    objective: Objective
    label: str
    status: str
    target: str = ""
    kind: str = COUNT
    period: str = ""
    per: str = ""  # what a period is: month, quarter, year, week or edition
    value: float | None = None
    history: list = field(default_factory=list)  # (period, value) of the last complete periods, oldest first
    in_progress: tuple | None = None  # (period, value) of the current one
    trend: str = ""
    reason: str = ""


def _number(value, where: str) -> tuple[float, bool]:
    text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    percent = text.endswith("%")
    try:
        return float(text.rstrip("%").replace(",", ".")), percent
    except ValueError:
        raise ObjectiveError(_("{where}: \"{value}\" is not a number (write e.g. 4, or \"40 %\" for a rate)",
                               where=where, value=value)) from None


def read_objectives(settings: dict) -> list[Objective]:
    """The objectives of the settings; a wrongly written one raises ObjectiveError naming it."""
    written = settings.get("OBJECTIVES") or []
    if not isinstance(written, (list, tuple)):
        raise ObjectiveError(_("OBJECTIVES must be a list of objectives, such as [{{\"indicator\": \"content.posts\", \"at_least\": 4}}]"))
    objectives = []
    for number, entry in enumerate(written, 1):
        where = _("OBJECTIVES, objective {number}", number=number)
        if not isinstance(entry, dict) or not isinstance(entry.get("indicator"), str):
            raise ObjectiveError(_("{where}: write it as {{\"indicator\": \"content.posts\", \"at_least\": 4, \"per\": \"month\"}}",
                                   where=where))
        bounds = [key for key in ("at_least", "at_most") if key in entry]
        if len(bounds) != 1:
            raise ObjectiveError(_("{where} ({indicator}): give one of \"at_least\" or \"at_most\"", where=where,
                                   indicator=entry["indicator"]))
        unknown = sorted(set(entry) - {"indicator", "at_least", "at_most", "per"})
        if unknown:
            raise ObjectiveError(_("{where} ({indicator}): unknown key \"{key}\" (expected indicator, at_least or at_most, per)",
                                   where=where, indicator=entry["indicator"], key=unknown[0]))
        per = entry.get("per")
        if per is not None and per not in (MONTH, "quarter", "year", EDITION, WEEK):
            raise ObjectiveError(_("{where} ({indicator}): \"per\" is \"{per}\" (expected month, quarter, year, week or edition)",
                                   where=where, indicator=entry["indicator"], per=per))
        target, percent = _number(entry[bounds[0]], f"{where} ({entry['indicator']})")
        objectives.append(Objective(number, entry["indicator"], bounds[0], target, percent, per))
    return objectives


def _per_words(per: str) -> str:
    return {MONTH: _("a month"), "quarter": _("a quarter"), "year": _("a year"), WEEK: _("a week"),
            EDITION: _("per newsletter")}[per]


def _periods(indicator: Indicator, per: str, moment) -> tuple[list[tuple[str, float]], tuple | None]:
    """(complete periods with a value, oldest first; the period in progress and its value)."""
    periods = axis([indicator], moment)
    values = values_on(indicator, periods)
    if indicator.per == EDITION:
        return [(p, v) for p, v in zip(periods, values) if v is not None], None
    groups: dict[str, list] = {}
    for period, value in zip(periods, values):
        groups.setdefault(grouped(period, per), []).append(value)
    combined = {}
    for group, found in groups.items():
        present = [v for v in found if v is not None]
        if indicator.kind == COUNT:
            combined[group] = sum(present)
        elif present:
            combined[group] = present[-1] if indicator.kind == LEVEL else sum(present) / len(present)
    now_group = grouped(current(indicator.per, moment), per)
    complete = [(g, v) for g, v in combined.items() if g < now_group]
    return complete, ((now_group, combined[now_group]) if now_group in combined else None)


def _trend(values: list[float]) -> str:
    if len(values) < 2:
        return ""
    last, before = values[-1], values[-4:-1]
    average = sum(before) / len(before)
    if abs(last - average) <= 0.02 * abs(average) or last == average:
        return STEADY
    return UP if last > average else DOWN


def judge(objective: Objective, indicators: dict[str, Indicator], moment, sections: dict[str, str]) -> Outcome:
    """Judge one objective; ``sections`` are the titles of the report's sections by key, to say
    where a figure that is missing this time is explained."""
    indicator = indicators.get(objective.indicator)
    if indicator is None:
        close = closest(objective.indicator, indicators, cutoff=80)
        section = sections.get(objective.indicator.split(".")[0])
        if close:
            reason = _("no plugin offers \"{key}\": did you mean {close}?", key=objective.indicator, close=close)
        elif section:
            reason = _("no figures this time: see “{section}”", section=section)
        else:
            reason = _("no plugin offers \"{key}\" (is its plugin in PLUGINS?)", key=objective.indicator)
        return Outcome(objective, objective.indicator, NO_DATA, reason=reason)
    per = objective.per or indicator.per
    target = objective.target / 100 if indicator.kind == RATE and (objective.percent or objective.target > 1) else objective.target
    sign = "≥" if objective.bound == "at_least" else "≤"
    shown_target = show(target, indicator.kind)
    label = _("{indicator} {sign} {target} {per}", indicator=indicator.label, sign=sign, target=shown_target, per=_per_words(per)
              if per in _PERIODS[indicator.per] else per)
    outcome = Outcome(objective, label, NO_DATA, f"{sign} {shown_target}", indicator.kind, per=per)
    if per not in _PERIODS[indicator.per]:
        outcome.reason = _("\"{key}\" is counted {per_indicator}, not {per}: write \"per\": \"{allowed}\"", key=indicator.key,
                           per_indicator=_per_words(indicator.per), per=per, allowed=indicator.per)
        return outcome
    complete, outcome.in_progress = _periods(indicator, per, moment)
    if not complete:
        section = sections.get(objective.indicator.split(".")[0])
        fetched_none = all(value is None for value in indicator.values.values())
        outcome.reason = (_("no figures this time: see “{section}”", section=section) if fetched_none and section
                          else _("no figures yet"))
        return outcome
    outcome.history = complete[-4:]
    outcome.period, outcome.value = complete[-1]
    met = outcome.value >= target if objective.bound == "at_least" else outcome.value <= target
    outcome.status = MET if met else NOT_MET
    outcome.trend = _trend([value for _period, value in complete])
    return outcome


def status_words(status: str) -> str:
    return {MET: _("met"), NOT_MET: _("not met"), NO_DATA: _("no data")}[status]


def trend_words(trend: str) -> str:
    return {UP: _("rising"), DOWN: _("falling"), STEADY: _("steady"), "": ""}[trend]
