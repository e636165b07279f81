"""The report's charts: pygal, rendered to inline SVG without its script (the report runs no
JavaScript). Every period of a chart is on its axis, an empty month at zero."""

import math
import re

import pygal
from markupsafe import Markup

from tribune.figures import COUNT, RATE, Chart, Indicator
from tribune.i18n import _

from .periods import axis, values_on

_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_COLOURS = ("#0f5c63", "#b2461f", "#f2b134", "#58a4ad", "#6b4c9a", "#3d7a3d")
MARK_COLOUR = "#c0392b"


def _svg(chart, name: str) -> Markup:
    """The chart as inline SVG, without pygal's script, and the same for the same figures:
    pygal's random id becomes ``name`` and its comments (the day it was drawn) are left out."""
    svg = _COMMENT.sub("", _SCRIPT.sub("", chart.render(is_unicode=True)))
    return Markup(svg.replace(f"chart-{chart.uuid}", name))


def _style(colours):
    return pygal.style.Style(
        background="transparent", plot_background="transparent", foreground="#1d2a44", foreground_strong="#1d2a44",
        foreground_subtle="#8a93a3", colors=colours, font_family="system-ui, sans-serif",
        label_font_size=13, major_label_font_size=13, legend_font_size=14, title_font_size=16, value_font_size=12,
    )


def _count_labels(series: list[list]) -> list[int]:
    """Whole numbers from 0 for a chart of counts, about eight of them."""
    top = int(max((v for values in series for v in values if v is not None), default=0))
    if not top:
        return [0, 1]
    return list(range(0, top + 1, max(1, math.ceil(top / 8))))


def data(chart: Chart, indicators: dict[str, Indicator], moment) -> tuple[list[Indicator], list[str], list[list]]:
    """The chart's indicators, its periods and each indicator's value per period."""
    shown = [indicators[key] for key in chart.keys if key in indicators]
    periods = axis(shown, moment) if shown else []
    return shown, periods, [values_on(indicator, periods) for indicator in shown]


def draw(chart: Chart, indicators: dict[str, Indicator], moment, name: str) -> Markup | None:
    """The chart as SVG with the id ``name``, or None when it has nothing to show."""
    shown, periods, series = data(chart, indicators, moment)
    if not periods:
        return None
    rate = shown[0].kind == RATE
    colours = _COLOURS[: len(shown)] + ((MARK_COLOUR,) if chart.marks else ())
    kind = pygal.Line if chart.style == "line" else pygal.Bar
    drawn = kind(js=[], disable_xml_declaration=True, style=_style(colours), title=chart.title, height=360, width=800,
                 legend_at_bottom=True, show_y_guides=True, x_label_rotation=0, print_values=False, show_minor_x_labels=False,
                 x_labels_major_every=max(1, math.ceil(len(periods) / 12)), truncate_label=-1, truncate_legend=-1)
    drawn.x_labels = periods
    if max(len(indicator.label) for indicator in shown) > 36:
        drawn.legend_at_bottom_columns = 1  # long names in full, one a line
    if rate:
        drawn.value_formatter = lambda v: "—" if v is None else f"{v:.0f} %"
        series = [[None if v is None else 100 * v for v in values] for values in series]
    elif shown[0].kind == COUNT:
        drawn.y_labels = _count_labels(series)
    for indicator, values in zip(shown, series):
        drawn.add(indicator.label, values)
    if chart.marks:
        tops = [max((values[i] or 0) for values in series) for i in range(len(periods))]
        drawn.add(_("Spike"), [top if period in chart.marks else None for period, top in zip(periods, tops)])
    return _svg(drawn, name)
