"""`invoke conversations`: the replies to each post and event, fetched into the archive.

Which conversations are read:

- on Mastodon and Bluesky, those of the posts and events the social plugin's ledger says are
  there, posted within ``CONVERSATIONS_DAYS`` (90) days, or since ``--since DATE``, and those
  never read yet (a source's cursor, ``read`` in the archive, says when each page was last
  read whole there); each is read whole (a thread has no "since" on either network), which
  is what lets a reply deleted at its source leave the archive at the next fetch;
- webmention.io's list for the whole site, read whole at each fetch (a page of 100 mentions
  per request), when ``CONVERSATIONS_WEBMENTION_ENDPOINT`` is set.

A source that fails (for one page, or for all: a refused token) keeps that source's replies
as they were in the archive, and its cursor, and says so in one line; the others are taken.
Then the charter is applied to every archive file (moderation.py): an author erased or
blocked since the last fetch leaves every file, whether or not its page was read.
"""

import functools
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from social.bluesky_account import BlueskyConfig
from social.compose import page_url
from social.ledger import LedgerError, read_ledger
from social.mastodon_account import MastodonConfig
from social.pieces import read_pieces
from social.service import ConfigError, ServiceError

from tribune.clock import now, site_now
from tribune.i18n import _, _n

from .archive import NETWORK_LABELS, Archive, ArchiveError, archive_path, archive_paths, load, write_archive
from .bluesky_thread import BlueskyThreads
from .charter import CharterError, read_charter
from .found import Thread
from .mastodon_thread import MastodonThreads
from .moderation import Moderator
from .webmentions import WebmentionConfig, Webmentions, thread_of

KINDS = ("post", "event")
NETWORKS = ("mastodon", "bluesky")


class ConversationsError(Exception):
    """The fetch or the decision cannot start: the message says why and what to do."""


@dataclass
class Page:
    """A post or an event that may have a conversation: its original, and its archive."""

    key: str  # the original's file, relative to content/ (the ledger's key)
    kind: str
    slug: str
    url: str  # on the live site
    paths: set[str] = field(default_factory=set)  # the URL paths of the page and its translations


def pages_of(settings: dict) -> dict[tuple[str, str], Page]:
    """Every post and event, by (kind, slug), with the paths of its translations."""
    pages: dict[tuple[str, str], Page] = {}
    translations = []
    for piece in read_pieces(settings):
        if piece.kind not in KINDS:
            continue
        if str(piece.content.metadata.get("translation", "")).lower() in ("true", "yes"):
            translations.append(piece)
            continue
        url = page_url(piece.content, settings)
        pages[(piece.kind, piece.content.slug)] = Page(piece.key, piece.kind, piece.content.slug, url, {_path(url)})
    for piece in translations:
        page = pages.get((piece.kind, piece.content.slug))
        if page:
            page.paths.add(_path(page_url(piece.content, settings)))
    return pages


def _path(url: str) -> str:
    return urlsplit(url).path.rstrip("/") or "/"


def _since_date(value: datetime | None, settings: dict) -> datetime:
    moment = site_now(settings)
    return value if value is not None else moment - timedelta(days=int(settings.get("CONVERSATIONS_DAYS", 90)))


@dataclass
class Report:
    pages: int = 0
    new: int = 0
    waiting: int = 0
    failed: list[str] = field(default_factory=list)

    def line(self) -> str:
        failures = _n("{count} failure", "{count} failures", len(self.failed)) if self.failed else _("no failure")
        return _("Conversations: {pages}, {new}; {waiting}; {failures}", pages=_n("{count} page read", "{count} pages read", self.pages),
                 new=_n("{count} new reply", "{count} new replies", self.new),
                 waiting=_n("{count} reply waits for a decision", "{count} replies wait for a decision", self.waiting),
                 failures=failures)


class Fetch:
    """One run of ``invoke conversations``."""

    def __init__(self, settings: dict, say=print, warn=print, environ=None, sleep=None):
        self.settings = settings
        self.say = say
        self.warn = warn
        self.environ = os.environ if environ is None else environ
        self.sleep = sleep
        self.report = Report()

    def _fail(self, message: str) -> None:
        self.report.failed.append(message)
        self.warn(message)

    def run(self, since: datetime | None = None) -> Report:
        try:
            charter = read_charter(self.settings)
            copies = read_ledger(self.settings)
        except (CharterError, LedgerError) as error:
            raise ConversationsError(str(error)) from None
        pages = pages_of(self.settings)
        start = _since_date(since, self.settings)
        archives = {page_id: self._archive(page) for page_id, page in pages.items()}
        threads: dict[tuple[str, str], dict[str, Thread]] = {page_id: {} for page_id in pages}  # by page, by source
        for network in NETWORKS:
            due = [page_id for page_id, page in pages.items() if self._due(copies.get(page.key, {}).get(network), archives[page_id], network, start)]
            if due:
                self._read_network(network, due, pages, copies, threads)
        if self.settings.get("CONVERSATIONS_WEBMENTION_ENDPOINT"):
            self._read_webmentions(pages, archives, threads)
        moderator = Moderator(charter, self.settings)
        read_at = now("UTC").isoformat(timespec="seconds")
        for page_id, page in pages.items():
            if archives[page_id] is not None or threads[page_id]:
                self._take(page, archives[page_id] or Archive(page.key, page.url), threads[page_id], copies, moderator, read_at)
        self._settle_others(moderator, pages)
        self.report.waiting = sum(reply.state == "pending" for path in archive_paths(self.settings)
                                  for reply in (load(path) or Archive("", "")).replies)
        return self.report

    def _take(self, page: Page, archive: Archive, threads: dict[str, Thread], copies: dict, moderator: Moderator, read_at: str) -> None:
        """One page's archive: each source read replaces that source's replies, the charter applies
        to all of them, the file is written when it changed; what happened, in one line."""
        archive.piece, archive.page = page.key, page.url
        gone = sum(1 for reply in archive.replies if moderator.charter.excludes(reply.author, reply.url))
        said = []
        for source, thread in threads.items():
            post = (copies.get(page.key, {}).get(source) or {}).get("url", "") if source in NETWORKS else ""
            if thread.gone:
                self.say(_("{network}: the post of {file} is no longer there ({url}); its replies leave the archive",
                           network=NETWORK_LABELS[source], file=page.key, url=post))
            new, held = moderator.take(archive, source, thread, post, read_at)
            self.report.new += new
            said.append(self._counts(source, archive, new, held))
        moderator.settle(archive)
        if gone:
            self.say(_n("{file}: {count} reply of an erased or blocked author left the archive",
                        "{file}: {count} replies of erased or blocked authors left the archive", gone, file=page.key))
        if threads:
            self.report.pages += 1
            self.say(_("{page} — {sources}", page=page.url, sources=functools.reduce(
                lambda first, then: _("{first}; {then}", first=first, then=then), said)))
        if archive.replies or archive.sources:
            write_archive(archive_path(self.settings, page.kind, page.slug), archive)

    def _archive(self, page: Page) -> Archive | None:
        try:
            return load(archive_path(self.settings, page.kind, page.slug))
        except ArchiveError as error:
            raise ConversationsError(str(error)) from None

    @staticmethod
    def _due(copy: dict | None, archive: Archive | None, network: str, start: datetime) -> bool:
        """A copy on ``network`` is read when it was never read whole, or posted since ``start``."""
        if not isinstance(copy, dict) or not copy.get("id"):
            return False
        if archive is None or not archive.sources.get(network) or not archive.sources[network].read:
            return True
        try:
            posted = datetime.fromisoformat(str(copy.get("at")))
        except ValueError:
            return True
        return (posted if posted.tzinfo else posted.replace(tzinfo=start.tzinfo)) >= start

    def _counts(self, source: str, archive: Archive, new: int, held: int) -> str:
        count = sum(1 for reply in archive.replies if reply.source == source)
        words = _n("{network}: {count} reply", "{network}: {count} replies", count, network=NETWORK_LABELS[source])
        if new:
            words += " (" + _n("{count} new", "{count} new", new) + (", " + _n("{count} waiting", "{count} waiting", held) if held else "") + ")"
        return words

    # -- The networks ---------------------------------------------------------------------------
    def _read_network(self, network: str, due: list, pages: dict, copies: dict, threads: dict) -> None:
        label = NETWORK_LABELS[network]
        try:
            if network == "mastodon":
                reader = MastodonThreads(MastodonConfig.load(self.settings, self.environ), sleep=self.sleep)
            else:
                reader = BlueskyThreads(BlueskyConfig.load(self.settings, self.environ), sleep=self.sleep)
            reader.connect()
        except (ConfigError, ServiceError) as error:
            self._fail(_n("{network} not read: {reason} ({count} page keeps its archived replies)",
                          "{network} not read: {reason} ({count} pages keep their archived replies)", len(due),
                          network=label, reason=str(error)))
            return
        for page_id in due:
            page = pages[page_id]
            try:
                threads[page_id][network] = reader.thread(str(copies[page.key][network]["id"]))
            except (ConfigError, ServiceError) as error:
                self._fail(_("{network} not read for {file}: {reason}; its archived replies are kept", network=label, file=page.key,
                             reason=str(error)))

    def _read_webmentions(self, pages: dict, archives: dict, threads: dict) -> None:
        try:
            mentions = Webmentions(WebmentionConfig.load(self.settings, self.environ), sleep=self.sleep).mentions()
        except (ConfigError, ServiceError) as error:
            self._fail(_("Webmentions not read: {reason}; the archived ones are kept", reason=str(error)))
            return
        by_path = {path: page_id for page_id, page in pages.items() for path in page.paths}
        grouped: dict[tuple, list[dict]] = {page_id: [] for page_id, archive in archives.items()
                                            if archive is not None and "webmention" in archive.sources}
        elsewhere = 0
        for mention in mentions:
            page_id = by_path.get(_path(str(mention.get("wm-target") or "")))
            if page_id is None:
                elsewhere += 1
            else:
                grouped.setdefault(page_id, []).append(mention)
        if elsewhere:
            self.say(_n("{count} webmention is for a page that is not a post or an event: not archived",
                        "{count} webmentions are for pages that are not posts or events: not archived", elsewhere))
        for page_id, found in grouped.items():
            thread = thread_of(found)
            known = {reply.url for thread_ in threads[page_id].values() for reply in thread_.replies}
            known |= {reply.url for reply in (archives[page_id].replies if archives[page_id] else []) if reply.source in NETWORKS}
            thread.replies = [reply for reply in thread.replies if reply.url not in known]  # a network's reply relayed by Bridgy
            threads[page_id]["webmention"] = thread

    def _settle_others(self, moderator: Moderator, pages: dict) -> None:
        """The charter applied to the archive files of pages that are no longer posts or events."""
        known = {archive_path(self.settings, page.kind, page.slug) for page in pages.values()}
        for path in archive_paths(self.settings):
            if path in known:
                continue
            try:
                archive = load(path)
            except ArchiveError as error:
                raise ConversationsError(str(error)) from None
            if archive is not None and moderator.settle(archive):
                write_archive(path, archive)


def parse_since(value: str | None, settings: dict) -> datetime | None:
    """``--since``: a date (YYYY-MM-DD, in the site's time zone)."""
    from zoneinfo import ZoneInfo

    from tribune.rules import parse_date

    if not value:
        return None
    moment = parse_date(value)
    if moment is None:
        raise ConversationsError(_("--since {value}: not a date (expected YYYY-MM-DD, e.g. 2026-11-01)", value=value))
    return moment.replace(tzinfo=ZoneInfo(settings.get("TIMEZONE", "UTC")))
