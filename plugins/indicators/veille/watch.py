"""`invoke veille`: read every source, keep the new mentions, say what is new and any spike.

A source that fails (no answer, a malformed feed, a 429) is one line; the others are read all
the same, and the mentions it found before stay in the cache with the time it last answered.
"""

from dataclasses import dataclass, field
from datetime import timezone

from social.service import their_words

from tribune.clock import site_now
from tribune.figures import show
from tribune.i18n import _, _n

from ..report import report_folder
from .config import Source, VeilleError, Watch, read_watch
from .matching import in_languages, is_own, matched_keyword
from .sources import SourceFailure, read_bluesky, read_feed, read_mastodon
from .spikes import Spike, per_day, spikes
from .store import Cache, Mention, Mentions


@dataclass
class Run:
    sources: int
    new: list[Mention] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (source, what failed)
    spikes: list[Spike] = field(default_factory=list)
    total: int = 0
    answered: int = 0

    def failure_lines(self) -> list[str]:
        return [_("{source}: {reason}", source=source, reason=reason) for source, reason in self.failures]

    def lines(self) -> list[str]:
        """What the terminal shows: each new mention (third-party text made one inert line), the
        spikes, then the tally."""
        said = []
        for mention in sorted(self.new, key=lambda m: m.date):
            what = their_words(mention.title or mention.text)[:120]
            said.append(_("+ {date} {source}, {author}: {what} ({keyword}) {url}", date=mention.date[:10],
                          source=their_words(mention.source), author=their_words(mention.author) or "?", what=what,
                          keyword=their_words(mention.keyword), url=their_words(mention.url)))
        for spike in self.spikes:
            said.append(_("Spike on {day}: {count} mentions (usually {usual} a day, z-score {z})", day=spike.day.isoformat(),
                          count=spike.count, usual=show(round(spike.usual, 1)), z=show(round(spike.z, 1))))
        said.append(_n("{count} new mention since the last run", "{count} new mentions since the last run", len(self.new)) + ", " +
                    _n("{total} in all; {count} of {sources} sources answered.", "{total} in all; {count} of {sources} sources answered.",
                       self.answered, total=self.total, sources=self.sources))
        return said


def _read(source: Source, config: Watch, settings: dict) -> tuple[list, list[str]]:
    if source.kind == "feed":
        return read_feed(source, config), []
    if source.kind == "mastodon":
        return read_mastodon(source, config)
    return read_bluesky(source, config, settings), []


def watch(settings: dict) -> Run:
    """Read every source of VEILLE_SOURCES and keep the new mentions in the cache."""
    config = read_watch(settings)
    if not config.sources:
        raise VeilleError(_("VEILLE_SOURCES is empty: add the feeds and networks to watch to pelicanconf.py"))
    if not config.keywords:
        raise VeilleError(_("VEILLE_KEYWORDS is empty: add the names to look for (the community's, its products') to pelicanconf.py"))
    cache = Cache.read(report_folder(settings))
    known = Mentions(cache.mentions, config.similarity)
    stamp = site_now(settings).astimezone(timezone.utc).isoformat(timespec="seconds")
    run = Run(len(config.sources))
    for source in config.sources:
        state = cache.sources.setdefault(source.name, {})
        state.update(kind=source.kind, address=source.address, checked_at=stamp)
        try:
            found, partial = _read(source, config, settings)
        except SourceFailure as error:
            state["error"] = str(error)
            run.failures.append((source.name, str(error)))
            continue
        run.answered += 1
        state.update(fetched_at=stamp, error="; ".join(partial))
        run.failures += [(source.name, line) for line in partial]
        for mention, authors in found:
            if is_own(mention.url, authors, config) or not in_languages(mention.lang, config):
                continue
            keyword = matched_keyword(f"{mention.title} {mention.text}", config) or mention.keyword
            if not keyword:
                continue
            mention.keyword, mention.first_seen = keyword, stamp
            if known.add(mention):
                run.new.append(mention)
    cache.mentions, cache.last_run = known.items, stamp
    cache.write()
    run.total = len(cache.mentions)
    zone = settings.get("TIMEZONE", "UTC")
    new_days = set(per_day([m.date for m in run.new], zone))
    run.spikes = [spike for spike in spikes(per_day([m.date for m in cache.mentions], zone), config.spike_z) if spike.day in new_days]
    return run
