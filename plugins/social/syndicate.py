"""`invoke social`: what would be posted where (the dry run), and the posting, never twice.

Three things keep a piece from being posted twice on a network, each covering what the one
before cannot:

1. the ledger (ledger.py), committed with the site: a piece recorded there is not posted;
2. the account itself, read before posting: the piece's page among its recent posts
   (``SOCIAL_RECENT_POSTS``), for a run that died between posting and recording, or ran on
   another machine whose ledger was not merged yet; on Bluesky, first the record at the
   piece's own record key, which the PDS keeps for one record only;
3. the post request itself: Mastodon's ``Idempotency-Key`` (a repeat within the hour is
   answered with the first post), Bluesky's record key (a second record at a key is refused).

After a post whose answer is lost (a timeout, a dropped connection, a 5xx), the account is
read again before anything else; the post is tried again only when it is not there, and
then with the same key, so that the repeat cannot make a second post. A 429 is tried again
with backoff (nothing was posted). One piece failing does not stop the others: each
failure is one line, and the exit status says a piece failed.
"""

import functools
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tribune.clock import now
from tribune.i18n import _, _n
from tribune.lint import display_path
from tribune.text import plain_text

from . import ledger
from .bluesky_account import MAX_IMAGE_BYTES as BLUESKY_IMAGE_BYTES
from .bluesky_account import BlueskyAccount, BlueskyConfig, record_key
from .compose import NETWORKS, compose, page_url, unit_name
from .mastodon_account import MAX_IMAGE_BYTES as MASTODON_IMAGE_BYTES
from .mastodon_account import MastodonAccount, MastodonConfig, idempotency_key
from .pieces import Piece, is_news, kept_off, read_pieces
from .service import ConfigError, ServiceError, picture

ATTEMPTS = 3


class SocialError(Exception):
    """The run cannot start: the message says why and what to do."""


def choose_networks(settings: dict, only: str | None) -> list[str]:
    """The networks to post to: SOCIAL_NETWORKS, or those of ``--only`` among them."""
    posted = [name for name, network in NETWORKS.items() if network.posted]
    configured = [name for name in settings.get("SOCIAL_NETWORKS", posted)]
    if not only:
        return [name for name in configured if name in posted]
    chosen = []
    for name in (part.strip().lower() for part in only.split(",") if part.strip()):
        if name in NETWORKS and not NETWORKS[name].posted:
            raise SocialError(_("--only {name}: {label} needs partner or paid API access, so Tribune does not post there: its text is "
                                "in each piece's kit page, for members to post", name=name, label=NETWORKS[name].label))
        if name not in posted:
            raise SocialError(_("--only {name}: not a network Tribune posts to (it posts to {networks})", name=name,
                                networks=", ".join(posted)))
        chosen.append(name)
    return chosen


def _ledger(settings: dict) -> dict:
    try:
        return ledger.read_ledger(settings)
    except ledger.LedgerError as error:
        raise SocialError(str(error)) from None


# -- The dry run ----------------------------------------------------------------------------
def plan(settings: dict, networks: list[str], say=print) -> int:
    """Say what ``--send`` would post, where, with each text and its count; no network."""
    copies = _ledger(settings)
    pieces = [piece for piece in read_pieces(settings) if is_news(piece, settings, kept_off_too=True)]
    to_post = Counter()
    for piece in pieces:
        say(_("{kind} {file}: {title}", kind=_kind(piece.kind), file=piece.key, title=piece.title))
        say("  " + page_url(piece.content, settings))
        if kept_off(piece):
            say("  " + _("Social: no — kept off the networks"))
            continue
        for name in networks:
            done = copies.get(piece.key, {}).get(name)
            if done:
                say("  " + _("{network}: already posted, {url}", network=NETWORKS[name].label, url=done.get("url")))
                continue
            text = compose(piece.content, NETWORKS[name], settings, words=piece.words)
            say("  " + _describe(piece, text))
            for line in text.text.splitlines():
                say("    | " + line)
            if text.over <= 0:
                to_post[name] += 1
    total = sum(to_post.values())
    per_network = ", ".join(f"{NETWORKS[name].label} {to_post[name]}" for name in networks)
    say(_n("Dry run: {count} post to make ({networks}); nothing was posted. invoke social --send makes it.",
           "Dry run: {count} posts to make ({networks}); nothing was posted. invoke social --send makes them.",
           total, networks=per_network))
    say(_("LinkedIn and X are not posted to (their APIs need partner or paid access): their texts are in each post's and event's kit page."))
    return 0


def _kind(kind: str) -> str:
    return {"post": _("Post"), "event": _("Event"), "edition": _("Edition")}[kind]


def _describe(piece: Piece, text) -> str:
    network = text.network
    line = _("{network}, {count}/{limit} {units}", network=network.label, count=text.count, limit=network.limit,
             units=unit_name(network.unit))
    image = piece.image
    if network.name == "mastodon" and image:
        line += ", " + (_("with the image (alt: \"{alt}\")", alt=image[1]) if image[1] else _("without the image, which has no Image-Alt"))
    if network.name == "bluesky":
        line += ", " + (_("link card with the image") if image else _("link card"))
    if text.over > 0:
        line += " — " + _("{over} over: not posted (shorten {field})", over=text.over, field=network.field)
    return _("{description}:", description=line)


# -- Posting --------------------------------------------------------------------------------
@dataclass
class Report:
    posted: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)
    failed: list[str] = field(default_factory=list)

    def line(self, networks: list[str]) -> str:
        parts = [_("{network}: {posted}, {found}", network=NETWORKS[name].label,
                   posted=_n("{count} new post", "{count} new posts", self.posted[name]),
                   found=_n("{count} already there", "{count} already there", self.found[name])) for name in networks]
        failures = _n("{count} failure", "{count} failures", len(self.failed)) if self.failed else _("no failure")
        return functools.reduce(lambda first, then: _("{first}; {then}", first=first, then=then), [*parts, failures])


class Syndication:
    """One run of ``invoke social --send``."""

    def __init__(self, settings: dict, say=print, warn=print, environ=None, sleep=None):
        self.settings = settings
        self.say = say
        self.warn = warn
        self.environ = os.environ if environ is None else environ
        self.sleep = sleep
        self.recent = int(settings.get("SOCIAL_RECENT_POSTS", 40))
        self.report = Report()

    def _record(self, piece: Piece, network: str, copy_id: str, url: str, how: str) -> None:
        ledger.record(self.settings, piece.key, page_url(piece.content, self.settings), network, copy_id, url, now("UTC"))
        (self.report.found if how == "found" else self.report.posted)[network] += 1
        label = NETWORKS[network].label
        if how == "found":
            self.say(_("Already on {network}: {title}, {url} (recorded in the ledger)", network=label, title=piece.title, url=url))
        else:
            self.say(_("Posted to {network}: {title}, {url}", network=label, title=piece.title, url=url))

    def _fail(self, message: str) -> None:
        self.report.failed.append(message)
        self.warn(message)

    def run(self, networks: list[str]) -> Report:
        copies = _ledger(self.settings)
        pieces = [piece for piece in read_pieces(self.settings) if is_news(piece, self.settings)]
        for name in networks:
            waiting = [piece for piece in pieces if name not in copies.get(piece.key, {})]
            if not waiting:
                continue
            try:
                account = self._connect(name)
            except (ConfigError, ServiceError) as error:
                self._fail(_n("Nothing posted to {network}: {reason} ({count} piece waits)",
                              "Nothing posted to {network}: {reason} ({count} pieces wait)", len(waiting),
                              network=NETWORKS[name].label, reason=str(error)))
                continue
            for piece in waiting:
                try:
                    (self._mastodon if name == "mastodon" else self._bluesky)(account, piece)
                except (ConfigError, ServiceError) as error:
                    self._fail(_("Not posted to {network}: {file}: {reason}", network=NETWORKS[name].label,
                                 file=display_path(Path(piece.content.source_path)), reason=str(error)))
                except ledger.LedgerError as error:
                    raise SocialError(str(error)) from None
        return self.report

    def _connect(self, name: str):
        if name == "mastodon":
            account = MastodonAccount(MastodonConfig.load(self.settings, self.environ), sleep=self.sleep)
        else:
            account = BlueskyAccount(BlueskyConfig.load(self.settings, self.environ), sleep=self.sleep)
        account.connect()
        return account

    # -- Mastodon -------------------------------------------------------------------------------
    def _mastodon(self, account: MastodonAccount, piece: Piece) -> None:
        text = compose(piece.content, NETWORKS["mastodon"], self.settings, words=piece.words)
        length = NETWORKS["mastodon"].count(text.text)
        if length > account.limit:
            raise ServiceError(_("the text is {count} characters, {over} over the instance's {limit}: shorten Social-Mastodon",
                                 count=length, over=length - account.limit, limit=account.limit))
        page = page_url(piece.content, self.settings)
        found = account.find(page, self.recent)
        if found:
            return self._record(piece, "mastodon", found.id, found.url, "found")
        media = []
        image = piece.image
        if image and image[1]:
            media.append(account.upload(picture(image[0], image[1], self.settings, MASTODON_IMAGE_BYTES)))
        key = idempotency_key(piece.key, page)
        for attempt in range(ATTEMPTS):
            try:
                status = account.post(text.text, media, piece.content.lang, key)
            except ServiceError as error:
                if not error.lost:
                    raise
                found = account.find(page, self.recent)
                if found:
                    self.say(_("Mastodon's answer was lost ({error}), but the post is there.", error=error))
                    return self._record(piece, "mastodon", found.id, found.url, "posted")
                if attempt == ATTEMPTS - 1:
                    raise
            else:
                return self._record(piece, "mastodon", status.id, status.url, "posted")

    # -- Bluesky --------------------------------------------------------------------------------
    def _bluesky(self, account: BlueskyAccount, piece: Piece) -> None:
        text = compose(piece.content, NETWORKS["bluesky"], self.settings, words=piece.words)
        if text.over > 0:
            raise ServiceError(_("the text is {count} graphemes, {over} over Bluesky's 300: shorten Social-Bluesky",
                                 count=text.count, over=text.over))
        page = page_url(piece.content, self.settings)
        rkey = record_key(piece.key, piece.moment)
        existing = self._at(account, rkey, page)
        if existing:
            return self._record(piece, "bluesky", existing, account.post_url(existing), "found")
        found = account.find(page, self.recent)
        if found:
            return self._record(piece, "bluesky", found.id, found.url, "found")
        image = piece.image
        thumb = account.upload(picture(image[0], image[1], self.settings, BLUESKY_IMAGE_BYTES)) if image else None
        description = plain_text(piece.words.summary).replace("\n", " ")
        for attempt in range(ATTEMPTS):
            try:
                post = account.post(text, rkey, piece.content.lang, piece.title, description, thumb)
            except ServiceError as error:
                if not error.lost:
                    raise
                existing = self._at(account, rkey, page)
                if existing:
                    self.say(_("Bluesky's answer was lost ({error}), but the post is there.", error=error))
                    return self._record(piece, "bluesky", existing, account.post_url(existing), "posted")
                if attempt == ATTEMPTS - 1:
                    raise
            else:
                return self._record(piece, "bluesky", post.id, post.url, "posted")

    @staticmethod
    def _at(account: BlueskyAccount, rkey: str, page: str) -> str | None:
        """The at:// URI of the piece's record, if there is one; a record of another page at the
        piece's key (a key made twice, which its hash makes unlikely) stops that piece."""
        record = account.at(rkey)
        if record is None:
            return None
        if not account.links_to(record, page):
            raise ServiceError(_("the record key {rkey} already holds a post that does not link to {page}; nothing was posted",
                                 rkey=rkey, page=page))
        return record["uri"]
