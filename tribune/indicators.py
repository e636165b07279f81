"""`invoke report`: what the newsletter and the community achieved, as a page and a table.

Two sources. The repository itself, read from the files' headers with no network: posts and
active authors per month, events held and upcoming by mode, members joined per month and put
in the spotlight, editions. And Mailchimp's reports for every edition sent, kept in a local
JSON cache so that the report can be made again offline, each figure with the time it was
fetched (``--refresh`` fetches again). Without Mailchimp configuration, or when one report
fails, the report is still made, and says what is missing and why.
"""

import csv
import io
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pygal
from markupsafe import Markup

from tribune.clock import now
from tribune.i18n import _, number
from tribune.templating import theme_environment
from tribune.text import plain_text

CSV_COLUMNS = ["edition", "subject", "sent_at", "emails_sent", "unique_opens", "open_rate", "proxy_excluded_open_rate",
               "unique_clicks", "click_rate", "unsubscribes", "bounces", "abuse_reports", "fetched_at", "missing"]


def rate(part, whole) -> float | None:
    """A share, or None when nothing was sent (never a division by zero, never "nan%")."""
    return part / whole if whole else None


def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %".replace(".", ",")


@dataclass
class EditionFigures:
    edition: str
    subject: str
    sent_at: str = ""
    emails_sent: int = 0
    unique_opens: int = 0
    proxy_excluded_opens: int = 0
    unique_clicks: int = 0
    unsubscribes: int = 0
    bounces: int = 0
    abuse_reports: int = 0
    top_links: list = field(default_factory=list)
    fetched_at: str = ""
    missing: str = ""  # why the figures are missing, when they are

    @property
    def open_rate(self):
        return rate(self.unique_opens, self.emails_sent)

    @property
    def proxy_excluded_open_rate(self):
        return rate(self.proxy_excluded_opens, self.emails_sent)

    @property
    def click_rate(self):
        return rate(self.unique_clicks, self.emails_sent)

    def row(self) -> dict:
        return {
            "edition": self.edition, "subject": self.subject, "sent_at": self.sent_at, "emails_sent": self.emails_sent,
            "unique_opens": self.unique_opens, "open_rate": _csv_rate(self.open_rate),
            "proxy_excluded_open_rate": _csv_rate(self.proxy_excluded_open_rate), "unique_clicks": self.unique_clicks,
            "click_rate": _csv_rate(self.click_rate), "unsubscribes": self.unsubscribes, "bounces": self.bounces,
            "abuse_reports": self.abuse_reports, "fetched_at": self.fetched_at, "missing": self.missing,
        }


def _csv_rate(value) -> str:
    return "" if value is None else f"{value:.4f}"


# -- Mailchimp, through a cache ---------------------------------------------------------------
def _from_report(edition: str, subject: str, report: dict, clicks: list, fetched_at: str) -> EditionFigures:
    opens, click = report.get("opens") or {}, report.get("clicks") or {}
    bounces = report.get("bounces") or {}
    return EditionFigures(
        edition=edition, subject=subject, sent_at=report.get("send_time", ""), emails_sent=int(report.get("emails_sent") or 0),
        unique_opens=int(opens.get("unique_opens") or 0), proxy_excluded_opens=int(opens.get("proxy_excluded_unique_opens") or 0),
        unique_clicks=int(click.get("unique_subscriber_clicks") or 0), unsubscribes=int(report.get("unsubscribed") or 0),
        bounces=sum(int(bounces.get(k) or 0) for k in ("hard_bounces", "soft_bounces", "syntax_errors")),
        abuse_reports=int(report.get("abuse_reports") or 0),
        top_links=sorted(({"url": c.get("url"), "clicks": int(c.get("total_clicks") or 0), "unique": int(c.get("unique_clicks") or 0)} for c in clicks),
                         key=lambda c: c["clicks"], reverse=True)[:5],
        fetched_at=fetched_at,
    )


def refresh_cache(settings: dict, editions: list[tuple[str, str]], cache_path: Path, say=print) -> str:
    """Fetch every sent edition's report and the audience's growth into the cache.

    Returns why the Mailchimp figures could not be fetched ("" when they were). A report that
    fails marks its edition as missing and the others go on.
    """
    from newsletter.mailchimp import ConfigError, Mailchimp, MailchimpConfig, MailchimpError
    from newsletter.send import campaign_title

    try:
        mailchimp = Mailchimp(MailchimpConfig.load(settings))
        campaigns = mailchimp.campaigns_by_title()
    except (ConfigError, MailchimpError) as error:
        return _("the Mailchimp figures are missing: {reason}", reason=error)
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    cache = {"editions": {}, "growth": None}
    for edition, _subject in editions:
        campaign = campaigns.get(campaign_title(settings, edition))
        if not campaign or campaign.get("status") != "sent":
            continue
        entry = {"campaign_id": campaign["id"], "fetched_at": stamp, "report": None, "clicks": [], "error": ""}
        try:
            entry["report"] = mailchimp.campaign_report(campaign["id"])
            entry["clicks"] = mailchimp.click_details(campaign["id"])
        except MailchimpError as error:
            entry["error"] = str(error)
            say(_("Edition {edition}: {reason}", edition=edition, reason=error))
        cache["editions"][edition] = entry
    try:
        cache["growth"] = {"fetched_at": stamp, "history": mailchimp.growth_history()}
    except MailchimpError as error:
        say(_("Audience growth: {reason}", reason=error))
    cache_path.parent.mkdir(parents=True, exist_ok=True)
    cache_path.write_text(json.dumps(cache, ensure_ascii=False, indent=1), encoding="utf-8")
    return ""


def from_cache(cache_path: Path, editions: list[tuple[str, str]]) -> tuple[list[EditionFigures], list[dict]]:
    """Figures per edition sent and the audience's growth, as last fetched."""
    if not cache_path.is_file():
        return [], []
    cache = json.loads(cache_path.read_text(encoding="utf-8"))
    figures = []
    for edition, subject in editions:
        entry = cache["editions"].get(edition)
        if entry is None:
            continue
        if entry.get("report") is None:
            figures.append(EditionFigures(edition, subject, fetched_at=entry["fetched_at"], missing=entry.get("error") or _("no report")))
        else:
            figures.append(_from_report(edition, subject, entry["report"], entry.get("clicks", []), entry["fetched_at"]))
    return figures, (cache.get("growth") or {}).get("history", [])


# -- The repository ----------------------------------------------------------------------
@dataclass
class RepositoryFigures:
    posts_per_month: Counter
    authors_per_month: dict
    events_held: Counter  # by mode
    events_upcoming: Counter
    members_per_month: Counter
    spotlights: list  # (month, name)
    editions: list  # (id, subject, status, date)


def repository(settings: dict) -> RepositoryFigures:
    from newsletter.catalogue import Catalogue

    catalogue = Catalogue.read(settings)
    moment = now(settings.get("TIMEZONE", "UTC"))
    authors = defaultdict(set)
    for post in catalogue.posts:
        for author in getattr(post, "authors", []):
            authors[f"{post.date:%Y-%m}"].add(author.name)
    members = [m for m in catalogue.members if m.may_publish]
    return RepositoryFigures(
        posts_per_month=Counter(f"{p.date:%Y-%m}" for p in catalogue.posts if p.in_default_lang),
        authors_per_month={month: len(names) for month, names in sorted(authors.items())},
        events_held=Counter(e.mode for e in catalogue.events if not e.is_upcoming(moment) and e.event_status != "cancelled"),
        events_upcoming=Counter(e.mode for e in catalogue.events if e.is_upcoming(moment) and e.event_status != "cancelled"),
        members_per_month=Counter(f"{m.member_since:%Y-%m}" for m in members if m.member_since),
        spotlights=sorted((m.spotlight_month, plain_text(m.title)) for m in members if m.spotlight_month),
        editions=sorted(((e.edition_id, plain_text(e.subject), e.status, e.date) for e in catalogue.editions), key=lambda e: e[3]),
    )


# -- Charts (pygal, SVG) -------------------------------------------------------------------
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def _svg(chart) -> Markup:
    """The chart as inline SVG, without pygal's script (the report has no JavaScript)."""
    return Markup(_SCRIPT.sub("", chart.render(is_unicode=True)))


def _style():
    return pygal.style.Style(
        background="transparent", plot_background="transparent", foreground="#1d2a44", foreground_strong="#1d2a44",
        foreground_subtle="#8a93a3", colors=("#0f5c63", "#b2461f", "#f2b134", "#58a4ad"), font_family="system-ui, sans-serif",
        label_font_size=13, major_label_font_size=13, legend_font_size=14, title_font_size=16, value_font_size=12,
    )


def _chart(kind, title: str, labels: list[str], series: list[tuple[str, list]], axis: str = "auto"):
    """A pygal chart; ``axis`` is "percent", "counts" (small whole numbers from 0) or "auto"."""
    chart = kind(js=[], disable_xml_declaration=True, style=_style(), title=title, height=360, width=800,
                 legend_at_bottom=True, show_y_guides=True, x_label_rotation=0, print_values=False)
    chart.x_labels = labels
    if axis == "percent":
        chart.value_formatter = lambda v: "—" if v is None else f"{v:.0f} %"
    elif axis == "counts":
        top = max((v for _, values in series for v in values if v is not None), default=0)
        chart.y_labels = list(range(0, int(top) + 1, max(1, int(top) // 8 + (int(top) % 8 > 0)))) if top else [0, 1]
    for name, values in series:
        chart.add(name, values)
    return _svg(chart)


def charts(editions: list[EditionFigures], growth: list[dict], repo: RepositoryFigures) -> dict[str, Markup]:
    made = {}
    sent = [e for e in editions if not e.missing and e.emails_sent]
    if sent:
        opens = [100 * e.open_rate for e in sent]
        clicks = [100 * e.click_rate for e in sent]
        made["rates"] = _chart(pygal.Bar, "Ouvertures et clics par lettre (%)", [e.edition for e in sent], [
            ("Taux d’ouverture", opens),
            ("Ouverture hors protection Apple", [None if e.proxy_excluded_open_rate is None else 100 * e.proxy_excluded_open_rate for e in sent]),
            ("Taux de clic", clicks),
            ("Ouverture moyenne", [sum(opens) / len(opens)] * len(opens)),
        ], axis="percent")
    if growth:
        ordered = sorted(growth, key=lambda g: g.get("month", ""))
        made["audience"] = _chart(pygal.Line, "Abonnés à la lettre", [g.get("month", "") for g in ordered],
                                  [("Abonnés", [int(g.get("subscribed") or g.get("existing") or 0) for g in ordered])])
    months = sorted(set(repo.posts_per_month) | set(repo.members_per_month))
    if months:
        made["content"] = _chart(pygal.Bar, "Billets et nouveaux membres par mois", months, [
            ("Billets", [repo.posts_per_month.get(m, 0) for m in months]),
            ("Autrices et auteurs actifs", [repo.authors_per_month.get(m, 0) for m in months]),
            ("Nouveaux membres", [repo.members_per_month.get(m, 0) for m in months]),
        ], axis="counts")
    modes = ["online", "offline", "mixed"]
    made["events"] = _chart(pygal.Bar, "Rendez-vous par format", ["En ligne", "Sur place", "Mixte"], [
        ("Tenus", [repo.events_held.get(m, 0) for m in modes]),
        ("À venir", [repo.events_upcoming.get(m, 0) for m in modes]),
    ], axis="counts")
    return made


# -- The report ----------------------------------------------------------------------------
@dataclass
class Report:
    editions: list[EditionFigures]
    growth: list[dict]
    repo: RepositoryFigures
    missing: str

    def comparison(self) -> str:
        """The last edition against the average of the previous ones, for the terminal."""
        sent = [e for e in self.editions if not e.missing and e.emails_sent]
        if not sent:
            if self.missing:
                return _("No edition with Mailchimp figures ({reason}).", reason=self.missing)
            return _("No edition with Mailchimp figures.")
        last, before = sent[-1], sent[:-1]
        parts = []
        for label, pick in ((_("open rate"), lambda e: e.open_rate), (_("click rate"), lambda e: e.click_rate)):
            value = pick(last)
            if before:
                average = sum(pick(e) for e in before) / len(before)
                parts.append(_("{label} {value}% (avg {average}%, {difference} pts)", label=label, value=number(100 * value),
                               average=number(100 * average), difference=f"{100 * (value - average):+.0f}"))
            else:
                parts.append(_("{label} {value}% (first edition with figures)", label=label, value=number(100 * value)))
        return _("Edition {edition}: {rates}, {emails} e-mails sent.", edition=last.edition, rates=", ".join(parts),
                 emails=number(last.emails_sent))

    def csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for figures in self.editions:
            writer.writerow(figures.row())
        return buffer.getvalue()

    def html(self, settings: dict, public: bool = False) -> str:
        env = theme_environment(settings["THEME"])
        env.filters["percent"] = percent
        css = (Path(settings["THEME"]) / "static" / "css" / "main.css").read_text(encoding="utf-8")
        return env.get_template("report/indicators.html").render(
            report=self, charts=charts(self.editions, [] if public else self.growth, self.repo), public=public,
            site_name=settings["SITENAME"], generated=now(settings.get("TIMEZONE", "UTC")), css=Markup(css),
        )


def report_folder(settings: dict) -> Path:
    """REPORT_PATH, relative to the site's folder (the content folder's parent)."""
    return Path(settings["PATH"]).parent / settings.get("REPORT_PATH", "reports")


def make_report(settings: dict, refresh: bool = False, say=print) -> Report:
    repo = repository(settings)
    editions = [(edition_id, subject) for edition_id, subject, _status, _date in repo.editions]
    cache_path = report_folder(settings) / "mailchimp-cache.json"
    missing = ""
    if refresh or not cache_path.is_file():
        missing = refresh_cache(settings, editions, cache_path, say=say)
    figures, growth = from_cache(cache_path, editions)
    return Report(figures, growth, repo, missing)


def write_report(report: Report, settings: dict) -> list[Path]:
    folder = report_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "indicators.html", folder / "indicators.csv"]
    written[0].write_text(report.html(settings), encoding="utf-8")
    written[1].write_text(report.csv(), encoding="utf-8")
    public = settings.get("REPORT_PUBLIC_SAVE_AS")
    if public:
        target = Path(settings["OUTPUT_PATH"]) / public
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(report.html(settings, public=True), encoding="utf-8")
        written.append(target)
    return written
