"""`invoke report`: the figures every plugin offers, the objectives first, as one page and a table.

The report sends :data:`tribune.signals.indicator_figures` (see :mod:`tribune.figures`) and
each plugin adds its section. The page is self-contained (inline CSS and SVG, no script,
nothing from another host), in the site's language; the CSV holds every value of every
indicator, objectives first, one row per indicator and period.
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from babel.dates import format_date
from markupsafe import Markup

from tribune.clock import site_now
from tribune.figures import EDITION, RATE, Figures, Link, Value, period_words, show, site_locale
from tribune.i18n import _
from tribune.sanitise import is_safe_url
from tribune.signals import indicator_figures
from tribune.templating import theme_environment

from .charts import data, draw
from .objectives import NO_DATA, Outcome, judge, read_objectives, status_words, trend_words
from .periods import axis, values_on

CSV_COLUMNS = ["section", "indicator", "label", "period", "value", "kind", "target", "status", "trend", "fetched_at", "note"]
_TREND_SIGNS = {"up": "↗", "down": "↘", "steady": "→", "": ""}


def _when(moment) -> str:
    """The report's date and time, as the site's language writes them ("24 novembre 2026, 12:00")."""
    return f"{format_date(moment, 'long', locale=site_locale())}, {moment:%H:%M}"


def report_folder(settings: dict) -> Path:
    """REPORT_PATH, relative to the site's folder (the content folder's parent)."""
    return Path(settings["PATH"]).parent / settings.get("REPORT_PATH", "reports")


def _csv_value(value, kind: str) -> str:
    if value is None:
        return ""
    return f"{value:.4f}" if kind == RATE else f"{value:g}"


def _link(cell, public: bool):
    """A table cell as the template shows it: a Link whose address is http(s) stays a link
    (not in the public version); any other address is shown as text, never followed."""
    if isinstance(cell, Link):
        if not public and "://" in cell.url and is_safe_url(cell.url, ("https", "http")):
            return cell
        return cell.text
    return cell


@dataclass
class Report:
    figures: Figures
    outcomes: list[Outcome]

    @property
    def settings(self) -> dict:
        return self.figures.settings

    def sections(self):
        return sorted(self.figures.sections.values(), key=lambda section: (section.order, section.key))

    def notes(self) -> list[str]:
        """What the reader must know, each said once."""
        said = []
        for section in self.sections():
            said += [note for note in section.notes if note not in said]
        return said

    # -- The terminal ------------------------------------------------------------------
    def objective_lines(self) -> list[str]:
        if not self.outcomes:
            return []
        lines = [_("Objectives:")]
        for outcome in self.outcomes:
            sign = {"met": "✔", "not met": "✘"}.get(outcome.status, "–")
            if outcome.status == NO_DATA:
                lines.append(_("  {sign} {label}: no data ({reason})", sign=sign, label=outcome.label, reason=outcome.reason))
                continue
            history = " → ".join(show(value, outcome.kind) for _period, value in outcome.history)
            trend = _(", {trend} ({history})", trend=trend_words(outcome.trend), history=history) if outcome.trend else ""
            value, status = show(outcome.value, outcome.kind), status_words(outcome.status)
            if outcome.per == EDITION:
                lines.append(_("  {sign} {label}: {value} for newsletter {edition}, {status}{trend}", sign=sign,
                               label=outcome.label, value=value, edition=outcome.period, status=status, trend=trend))
            else:
                lines.append(_("  {sign} {label}: {value} in {period}, {status}{trend}", sign=sign, label=outcome.label,
                               value=value, period=period_words(outcome.period, outcome.per), status=status, trend=trend))
        return lines

    def summary(self) -> list[str]:
        return [line for section in self.sections() for line in section.summary]

    # -- The CSV -----------------------------------------------------------------------
    def csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for outcome in self.outcomes:
            writer.writerow({"section": "objectives", "indicator": outcome.objective.indicator, "label": outcome.label,
                             "period": outcome.period, "value": _csv_value(outcome.value, outcome.kind), "kind": outcome.kind,
                             "target": outcome.target, "status": outcome.status, "trend": outcome.trend, "note": outcome.reason})
        for section in self.sections():
            for indicator in section.indicators:
                periods = axis([indicator], self.figures.moment)
                for period, value in zip(periods, values_on(indicator, periods)):
                    writer.writerow({"section": section.key, "indicator": indicator.key, "label": indicator.label, "period": period,
                                     "value": _csv_value(value, indicator.kind), "kind": indicator.kind,
                                     "fetched_at": indicator.fetched_at})
        return buffer.getvalue()

    # -- The page ----------------------------------------------------------------------
    def html(self, public: bool = False) -> str:
        settings = self.settings
        indicators = {key: indicator for key, indicator in self.figures.indicators().items() if not (public and indicator.private)}
        shown = []
        for section in self.sections():
            charts = []
            for chart in section.charts:
                if public and chart.private:
                    continue
                svg = draw(chart, indicators, self.figures.moment, f"chart-{section.key}-{len(charts) + 1}")
                if svg is not None:
                    charts.append({"svg": svg, "title": chart.title, "data": data(chart, indicators, self.figures.moment)})
            tables = [{"title": table.title, "columns": table.columns, "rows": [[_link(cell, public) for cell in row] for row in table.rows]}
                      for table in section.tables if not (public and table.private)]
            if charts or tables or section.notes:
                shown.append({"section": section, "charts": charts, "tables": tables})
        env = theme_environment(Path(__file__).parent)
        env.globals.update(_=_, show=show, status_words=status_words, trend_words=trend_words, trend_signs=_TREND_SIGNS,
                           is_link=lambda cell: isinstance(cell, Link), is_value=lambda cell: isinstance(cell, Value))
        css = (Path(settings["THEME"]) / "static" / "css" / "main.css").read_text(encoding="utf-8")
        return env.get_template("report.html").render(
            report=self, sections=shown, public=public, site_name=settings["SITENAME"], lang=settings.get("DEFAULT_LANG", "fr"),
            generated_words=_when(self.figures.moment), css=Markup(css), notes=self.notes(),
        )


def make_report(settings: dict, refresh: bool = False, say=print) -> Report:
    """Gather every plugin's figures (fetching services again when ``refresh``), then judge the
    objectives. Objectives written wrong raise :class:`ObjectiveError` before anything is fetched."""
    objectives = read_objectives(settings)
    figures = Figures(settings, site_now(settings), report_folder(settings), refresh, say)
    indicator_figures.send(figures)
    indicators = figures.indicators()
    sections = {key: section.title for key, section in figures.sections.items()}
    return Report(figures, [judge(objective, indicators, figures.moment, sections) for objective in objectives])


def write_report(report: Report) -> list[Path]:
    """The page and the CSV in the report folder, and the public page when REPORT_PUBLIC_SAVE_AS
    names one."""
    settings = report.settings
    folder = report.figures.folder
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "indicators.html", folder / "indicators.csv"]
    written[0].write_text(report.html(), encoding="utf-8")
    written[1].write_text(report.csv(), encoding="utf-8")
    public = settings.get("REPORT_PUBLIC_SAVE_AS")
    if public:
        target = Path(settings["OUTPUT_PATH"]) / public
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(report.html(public=True), encoding="utf-8")
        written.append(target)
    return written
