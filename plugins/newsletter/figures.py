"""The newsletter's figures for the indicators report (see :mod:`tribune.figures`): Mailchimp's
report of every edition sent, and the audience's size month by month.

The rates are Mailchimp's own, as its campaign report gives them and its dashboard shows
them (opens and clicks over the e-mails delivered: sent minus bounces), never recomputed.
Mailchimp's answers are kept in ``mailchimp-cache.json`` in the report folder with the time
they were fetched, so the report can be made again offline; ``invoke report --refresh``
fetches them again. A report that fails marks its edition and the others go on.
"""

import json
from datetime import datetime, timezone
from pathlib import Path

from tribune.figures import EDITION, LEVEL, RATE, Figures, Link, Value
from tribune.i18n import _
from tribune.text import plain_text

from .catalogue import Catalogue
from .mailchimp import ConfigError, Mailchimp, MailchimpConfig, MailchimpError
from .send import campaign_title

CACHE = "mailchimp-cache.json"


def refresh_cache(settings: dict, editions: list[tuple[str, str]], cache_path: Path, say=print) -> str:
    """Fetch every sent edition's report and the audience's growth into the cache; return why
    they could not be fetched ("" when they were)."""
    try:
        mailchimp = Mailchimp(MailchimpConfig.load(settings))
        campaigns = mailchimp.campaigns_by_title()
    except (ConfigError, MailchimpError) as error:
        return str(error)
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
        cache["editions"][edition] = entry
    try:
        cache["growth"] = {"fetched_at": stamp, "history": mailchimp.growth_history()}
    except MailchimpError as error:
        say(_("Audience growth: {error}", error=error))
    cache_path.parent.mkdir(parents=True, exist_ok=True)
    cache_path.write_text(json.dumps(cache, ensure_ascii=False, indent=1), encoding="utf-8")
    return ""


def _count(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _rate(value, delivered: int) -> float | None:
    """Mailchimp's rate as it gives it; none when nothing was delivered (never "nan")."""
    try:
        return float(value) if delivered and value is not None else None
    except (TypeError, ValueError):
        return None


def edition_figures(report: dict) -> dict:
    """The figures of one campaign report, named as the report's indicators are."""
    opens, clicks, bounces = report.get("opens") or {}, report.get("clicks") or {}, report.get("bounces") or {}
    sent = _count(report.get("emails_sent"))
    bounced = sum(_count(bounces.get(key)) for key in ("hard_bounces", "soft_bounces", "syntax_errors"))
    delivered = max(sent - bounced, 0)
    return {
        "emails_sent": sent, "delivered": delivered, "unique_opens": _count(opens.get("unique_opens")),
        "open_rate": _rate(opens.get("open_rate"), delivered),
        "proxy_excluded_open_rate": _rate(opens.get("proxy_excluded_open_rate"), delivered),
        "unique_clicks": _count(clicks.get("unique_subscriber_clicks")), "click_rate": _rate(clicks.get("click_rate"), delivered),
        "unsubscribes": _count(report.get("unsubscribed")), "bounces": bounced, "abuse_reports": _count(report.get("abuse_reports")),
    }


def _labels() -> dict[str, tuple[str, str]]:
    """Each per-edition indicator: its label, and its kind."""
    return {
        "emails_sent": (_("E-mails sent"), "count"), "delivered": (_("E-mails delivered"), "count"),
        "unique_opens": (_("Unique opens"), "count"), "open_rate": (_("Open rate"), RATE),
        "proxy_excluded_open_rate": (_("Open rate without Apple's automatic opens"), RATE),
        "unique_clicks": (_("Unique clicks"), "count"), "click_rate": (_("Click rate"), RATE),
        "unsubscribes": (_("Unsubscribes"), "count"), "bounces": (_("Bounces"), "count"), "abuse_reports": (_("Abuse reports"), "count"),
    }


def _comparison(sent: list[tuple[str, dict]]) -> str:
    """The last edition against the average of the previous ones, for the terminal."""
    edition, last = sent[-1]
    before = [values for _edition, values in sent[:-1]]
    parts = []
    for label, key in ((_("open rate"), "open_rate"), (_("click rate"), "click_rate")):
        value = last[key]
        if before:
            average = sum(values[key] for values in before) / len(before)
            parts.append(_("{label} {value}% (avg {average}%, {difference} pts)", label=label, value=f"{100 * value:.0f}",
                           average=f"{100 * average:.0f}", difference=f"{100 * (value - average):+.0f}"))
        else:
            parts.append(_("{label} {value}% (first edition with figures)", label=label, value=f"{100 * value:.0f}"))
    return _("Edition {edition}: {rates}, {emails} e-mails sent.", edition=edition, rates=", ".join(parts), emails=last["emails_sent"])


def offer_newsletter_figures(figures: Figures) -> None:
    settings = figures.settings
    editions = [(e.edition_id, plain_text(e.subject)) for e in sorted(Catalogue.read(settings).editions, key=lambda e: e.date)]
    cache_path = figures.folder / CACHE
    missing = refresh_cache(settings, editions, cache_path, figures.say) if figures.refresh or not cache_path.is_file() else ""
    cache = json.loads(cache_path.read_text(encoding="utf-8")) if cache_path.is_file() else {"editions": {}}
    section = figures.section("newsletter", _("The newsletter"), order=20)
    labels = _labels()
    values = {key: {} for key in labels}
    rows, links, sent, fetched = [], [], [], ""
    for edition, subject in editions:
        entry = (cache.get("editions") or {}).get(edition)
        if entry is None:
            continue
        fetched = max(fetched, entry.get("fetched_at", ""))
        if entry.get("report") is None:
            reason = entry.get("error") or _("no report")
            section.note(_("Newsletter {edition}: the figures are missing ({reason}).", edition=edition, reason=reason))
            for key in values:
                values[key][edition] = None
            rows.append([edition, subject, *[Value(None)] * 8, entry.get("fetched_at", "")[:10]])
            continue
        found = edition_figures(entry["report"])
        for key in values:
            values[key][edition] = found[key]
        if found["open_rate"] is not None and found["click_rate"] is not None:
            sent.append((edition, found))
        rows.append([edition, subject, found["emails_sent"], found["delivered"], Value(found["open_rate"], RATE),
                     Value(found["proxy_excluded_open_rate"], RATE), Value(found["click_rate"], RATE), found["unsubscribes"],
                     found["bounces"], found["abuse_reports"], entry.get("fetched_at", "")[:10]])
        for click in sorted(entry.get("clicks") or [], key=lambda c: _count(c.get("total_clicks")), reverse=True)[:5]:
            url = str(click.get("url") or "")
            links.append([edition, Link(url, url), _count(click.get("total_clicks")), _count(click.get("unique_clicks"))])
    if missing:
        section.note(_("The Mailchimp figures could not be fetched: {reason}.", reason=missing) + " " +
                     (_("The report shows those fetched on {date}.", date=fetched[:10]) if rows else
                      _("The report shows the repository's figures only.")))
    # Offered even without figures, so that an objective on them is shown by its label.
    for key, (label, kind) in labels.items():
        section.add(f"newsletter.{key}", label, values[key], kind=kind, per=EDITION, fetched_at=fetched)
    if rows:
        section.chart(_("Opens and clicks per newsletter"), ["newsletter.open_rate", "newsletter.proxy_excluded_open_rate",
                                                             "newsletter.click_rate"])
        section.table(_("Each newsletter, as Mailchimp reports it"), [
            _("Newsletter"), _("Subject"), _("Sent"), _("Delivered"), _("Open rate"), _("Without Apple"), _("Click rate"),
            _("Unsubscribes"), _("Bounces"), _("Abuse reports"), _("Fetched on")], rows)
        if links:
            section.table(_("Most clicked links"), [_("Newsletter"), _("Link"), _("Clicks"), _("People")], links, private=True)
    growth = sorted((cache.get("growth") or {}).get("history") or [], key=lambda g: str(g.get("month", "")))
    size = {str(g.get("month", ""))[:7]: _count(g.get("subscribed") or g.get("existing")) for g in growth}
    months = sorted(size)
    gained = {month: size[month] - size[previous] for previous, month in zip(months, months[1:])}
    stamp = (cache.get("growth") or {}).get("fetched_at", "")
    section.add("newsletter.subscribers", _("Subscribers"), size, kind=LEVEL, fetched_at=stamp, private=True)
    section.add("newsletter.new_subscribers", _("Subscribers gained (net)"), gained, fetched_at=stamp, private=True)
    if growth:
        section.chart(_("Newsletter subscribers"), ["newsletter.subscribers"], style="line", private=True)
    if sent:
        section.summarise(_comparison(sent))
    elif rows or not missing:
        section.summarise(_("No edition with Mailchimp figures."))

