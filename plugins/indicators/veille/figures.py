"""The veille's figures for the report, from its cache alone (no network: `invoke veille`
fetches): mentions per month and per week with the spikes marked, by source and by
language, and the latest mentions with their links."""

from collections import Counter
from datetime import timedelta

from tribune.figures import WEEK, Figures, Link
from tribune.i18n import _

from ..periods import week_of
from .config import VeilleError, read_watch
from .spikes import per_day, spikes
from .store import Cache

#: The weekly chart shows the last six months.
WEEKS = 26


def _offer_without_figures(section) -> None:
    """The indicators with no value: an objective on them is shown by its label, with no data."""
    section.add("veille.mentions", _("Mentions"), {})
    section.add("veille.mentions_per_week", _("Mentions"), {}, per=WEEK)


def offer_veille_figures(figures: Figures) -> None:
    settings = figures.settings
    if not settings.get("VEILLE_SOURCES"):
        return
    section = figures.section("veille", _("What is said about the community"), order=50)
    try:
        config = read_watch(settings)
        cache = Cache.read(figures.folder)
    except VeilleError as error:
        section.note(str(error))
        _offer_without_figures(section)
        return
    if not cache.last_run:
        section.note(_("No veille yet: run invoke veille to read the sources of VEILLE_SOURCES."))
        _offer_without_figures(section)
        return
    zone = settings.get("TIMEZONE", "UTC")
    mentions = sorted(cache.mentions, key=lambda m: m.date, reverse=True)
    days = per_day([m.date for m in mentions], zone)
    section.add("veille.mentions", _("Mentions"), Counter(f"{day:%Y-%m}" for day in days.elements()))
    since = figures.moment.date() - timedelta(weeks=WEEKS)
    weekly = Counter(week_of(day) for day in days.elements() if day >= since)
    section.add("veille.mentions_per_week", _("Mentions"), weekly, per=WEEK)
    found = spikes(days, config.spike_z)
    section.chart(_("Mentions per week"), ["veille.mentions_per_week"], marks=sorted({week_of(s.day) for s in found}))
    if found:
        section.table(_("Spikes"), [_("Day"), _("Mentions"), _("Usually, a day"), _("Z-score")],
                      [[s.day.isoformat(), s.count, round(s.usual, 1), round(s.z, 1)] for s in reversed(found)])
    by_source = Counter(m.source for m in mentions)
    rows = []
    for name, state in cache.sources.items():
        failed = state.get("error") or ""
        rows.append([name, by_source.get(name, 0), (state.get("fetched_at") or "—")[:16].replace("T", " "),
                     _("failed: {reason}", reason=failed) if failed else _("answered")])
    section.table(_("Sources"), [_("Source"), _("Mentions"), _("Last answered (UTC)"), _("Last run")], rows)
    languages = Counter(m.lang or _("unknown") for m in mentions)
    section.table(_("Languages"), [_("Language"), _("Mentions")], [[lang, count] for lang, count in languages.most_common()])
    section.table(_("Latest mentions"), [_("Date"), _("Source"), _("Author"), _("Mention"), _("Keyword"), _("Language")],
                  [[m.date[:10], ", ".join([m.source, *m.also_in]), m.author, Link(m.title or m.text, m.url), m.keyword, m.lang]
                   for m in mentions[: config.latest]], private=True)
