"""What a plugin offers the indicators report: its figures, through one signal.

The report (plugins/indicators) sends :data:`tribune.signals.indicator_figures` with a
:class:`Figures`. A plugin that has figures connects one function to it in its
``register()``; the function adds a section with its indicators, and the charts and tables
that show them::

    from tribune.i18n import _
    from tribune.signals import indicator_figures

    def offer_figures(figures):
        section = figures.section("social", _("Social networks"), order=40)
        section.add("social.mastodon", _("Posts on Mastodon"), {"2026-10": 2, "2026-11": 5})
        section.chart(_("Posts per month"), ["social.mastodon"])

    def register():
        indicator_figures.connect(offer_figures)

An indicator is a named series of values by period: months (``YYYY-MM``), weeks
(``YYYY-Www``) or newsletter editions (their id). The report puts every month (or week) on a
chart's axis, a count missing for a period being zero; it writes every value to the CSV and
checks the site's objectives (``OBJECTIVES``) against the indicators by their key. A plugin
that cannot know a figure (a service not configured) leaves the indicator out and says why
with :meth:`Section.note`: the objective on it reads "no data", never zero.

This module is Tribune's core: it knows no plugin, and plugins need nothing but the object
they are sent.
"""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent

from tribune.i18n import _, language

#: Kinds of values: a count of things in a period (summed over longer periods, zero when
#: absent), a level at the period's end (an audience's size: absent stays absent), a share
#: between 0 and 1.
COUNT, LEVEL, RATE = "count", "level", "rate"
#: What a period is.
MONTH, WEEK, EDITION = "month", "week", "edition"


@dataclass
class Indicator:
    key: str  # e.g. "newsletter.open_rate": what objectives name
    label: str  # in the site's language, e.g. "Taux d’ouverture"
    values: dict  # period -> value (int, float or None)
    kind: str = COUNT
    per: str = MONTH
    fetched_at: str = ""  # when the values were fetched from a service (ISO 8601), if they were
    private: bool = False  # left out of the public version of the report


@dataclass
class Link:
    """A table cell that links somewhere: its text, and its address (shown as a link only
    when it is an http(s) address)."""

    text: str
    url: str


@dataclass
class Value:
    """A table cell that is a value of a kind (a rate: written "41,2 %"), aligned as a number."""

    value: float | None
    kind: str = COUNT


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list]  # cells: text, numbers, Value, Link
    private: bool = False


@dataclass
class Chart:
    title: str
    keys: list[str]  # the indicators it draws, all with the same ``per`` and ``kind``
    style: str = "bar"  # or "line"
    marks: list[str] = field(default_factory=list)  # periods to mark (a spike), named in the chart's legend
    private: bool = False


@dataclass
class Section:
    key: str
    title: str
    order: int
    indicators: list[Indicator] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)

    def add(self, key: str, label: str, values: dict, kind: str = COUNT, per: str = MONTH, fetched_at: str = "",
            private: bool = False) -> Indicator:
        indicator = Indicator(key, label, dict(values), kind, per, fetched_at, private)
        self.indicators.append(indicator)
        return indicator

    def chart(self, title: str, keys: list[str], style: str = "bar", marks: list[str] | None = None, private: bool = False) -> Chart:
        chart = Chart(title, list(keys), style, list(marks or []), private)
        self.charts.append(chart)
        return chart

    def table(self, title: str, columns: list[str], rows: list[list], private: bool = False) -> Table:
        table = Table(title, list(columns), [list(row) for row in rows], private)
        self.tables.append(table)
        return table

    def note(self, text: str) -> None:
        """Something the reader must know about these figures (why some are missing)."""
        self.notes.append(text)

    def summarise(self, line: str) -> None:
        """A line the terminal prints after the report is written: the section's essential figure."""
        self.summary.append(line)


@dataclass
class Figures:
    """What the report is sent with: the site's settings, the report's clock and folder,
    whether to fetch services again (``refresh``), a ``say`` for progress lines, and the
    sections the plugins add."""

    settings: dict
    moment: datetime
    folder: Path
    refresh: bool = False
    say: object = print
    sections: dict = field(default_factory=dict)

    def section(self, key: str, title: str, order: int = 50) -> Section:
        """The section ``key``, made the first time it is asked for."""
        if key not in self.sections:
            self.sections[key] = Section(key, title, order)
        return self.sections[key]

    def indicators(self) -> dict[str, Indicator]:
        return {indicator.key: indicator for section in self.sections.values() for indicator in section.indicators}


def site_locale() -> Locale:
    """Babel's locale of the language the kit speaks (English when Babel does not know it)."""
    try:
        return Locale.parse(language())
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def show(value, kind: str = COUNT) -> str:
    """A value as the site's language writes it ("1 342", "41,2 %" in French): a share as a
    percentage with one decimal; "—" when there is none (never "nan" nor "None")."""
    if value is None:
        return "—"
    locale = site_locale()
    if kind == RATE:
        pattern = locale.percent_formats[None].pattern.replace("#,##0", "#,##0.0")
        return format_percent(value, format=pattern, locale=locale)
    return format_decimal(value, format="#,##0.#", locale=locale)


def period_words(period: str, per: str) -> str:
    """A period as a reader says it ("novembre 2026", "semaine 47 de 2026", "T4 2026"), not
    as the report keys it ("2026-11", "2026-W47", "2026-Q4")."""
    if per == MONTH and len(period) == 7:
        return format_skeleton("yMMMM", datetime(int(period[:4]), int(period[5:7]), 1), locale=site_locale())
    if per == WEEK and "-W" in period:
        return _("week {week} of {year}", week=int(period[6:]), year=period[:4])
    if per == "quarter" and "-Q" in period:
        return _("Q{quarter} {year}", quarter=period[6:], year=period[:4])
    return period
