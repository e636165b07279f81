"""Reading each kind of source, as the social plugin talks to the networks.

- A feed (RSS or Atom: Google Alerts, a forum, a blog, a YouTube channel) is fetched with
  requests, with a timeout and a size limit, and read by feedparser; a feed that cannot be
  read at all is a failure, a feed with a flaw but entries is read.
- Mastodon: hashtag timelines (public) and, where the instance allows it, full-text search
  (it needs the organisation's token, MASTODON_ACCESS_TOKEN, on that instance), through
  Mastodon.py and the social plugin's account wrapper (timeouts, bounded retries, one line
  per failure).
- Bluesky: post search (app.bsky.feed.searchPosts) through the atproto SDK, signed in with
  the organisation's app password (BLUESKY_HANDLE, BLUESKY_APP_PASSWORD).

Every text is third-party text: plain text, without the invisible characters that could
disguise it; it is escaped wherever it is shown.

Each reader returns the mentions found with the ways their author can be named (a profile's
address, a handle), to leave out the community's own posts.
"""

import os
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import feedparser
import requests
from social.bluesky_account import BlueskyAccount, BlueskyConfig
from social.mastodon_account import MastodonAccount, MastodonConfig
from social.service import ConfigError, ServiceError, their_words

from tribune.i18n import _
from tribune.sanitise import third_party_text
from tribune.text import plain_text, shorten

from .config import Source, Watch
from .store import Mention

#: A feed larger than this is refused (a feed is a few hundred kilobytes).
MAX_FEED_BYTES = 5_000_000
EXCERPT = 280


class SourceFailure(Exception):
    """A source that could not be read, in one line."""


def _text(value) -> str:
    return " ".join(third_party_text(plain_text(value or "")).split())


def _utc(moment) -> str:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


# -- Feeds -----------------------------------------------------------------------------------
def _unwrapped(link: str) -> str:
    """Google Alerts links to its own redirect (https://www.google.com/url?…&url=…): the page itself."""
    parts = urlsplit(link)
    if parts.path == "/url" and "google." in parts.netloc:
        return parse_qs(parts.query).get("url", [link])[0]
    return link


def read_feed(source: Source, watch: Watch) -> list[tuple[Mention, list[str]]]:
    try:
        with requests.get(source.address, timeout=watch.timing.timeout, stream=True,
                          headers={"User-Agent": "Tribune-veille", "Accept": "application/rss+xml, application/atom+xml, */*"}) as response:
            if response.status_code == 429:
                raise SourceFailure(_("the site says to slow down (HTTP 429): try again later"))
            if response.status_code >= 400:
                raise SourceFailure(_("the site answered HTTP {status}: check the address", status=response.status_code))
            body = response.raw.read(MAX_FEED_BYTES + 1, decode_content=True)
    except requests.Timeout:
        raise SourceFailure(_("no answer within {seconds} s: try again later", seconds=f"{watch.timing.timeout:g}")) from None
    except requests.RequestException:
        raise SourceFailure(_("{host} cannot be reached: check the address, and that this machine is online",
                              host=urlsplit(source.address).netloc)) from None
    if len(body) > MAX_FEED_BYTES:
        raise SourceFailure(_("the feed is larger than {size} bytes", size=MAX_FEED_BYTES))
    parsed = feedparser.parse(body, response_headers={"content-type": response.headers.get("Content-Type", ""),
                                                      "content-location": source.address})
    if not parsed.entries and (parsed.bozo or not parsed.version):
        reason = their_words(getattr(parsed.get("bozo_exception"), "getMessage", lambda: parsed.get("bozo_exception"))())
        raise SourceFailure(_("this is not an RSS or Atom feed ({reason})", reason=reason or _("no feed found")))
    feed_lang = str(parsed.feed.get("language") or "")
    found = []
    for entry in parsed.entries:
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        if not when:
            continue
        title, summary = _text(entry.get("title")), _text(entry.get("summary"))
        lang = str((entry.get("title_detail") or {}).get("language") or feed_lang or source.lang)
        author = _text(entry.get("author"))
        found.append((Mention(source.name, _unwrapped(str(entry.get("link") or "")), title, shorten(summary, EXCERPT), author,
                              _utc(datetime(*when[:6], tzinfo=timezone.utc)), lang.lower()), [author]))
    return found


# -- Mastodon --------------------------------------------------------------------------------
def _status(source: Source, status) -> tuple[Mention, list[str]]:
    account = status.get("account") or {}
    acct = _text(account.get("acct") or account.get("username"))
    host = urlsplit(source.address).netloc
    mention = Mention(source.name, str(status.get("url") or status.get("uri") or ""), "", shorten(_text(status.get("content")), EXCERPT),
                      acct, _utc(status["created_at"]), str(status.get("language") or "").lower())
    return mention, [str(account.get("url") or ""), acct if "@" in acct else f"@{acct}@{host}"]


def read_mastodon(source: Source, watch: Watch, environ=os.environ) -> tuple[list[tuple[Mention, list[str]]], list[str]]:
    """The statuses of the source's hashtags and of a search for each keyword; what failed,
    one line each (the rest is kept)."""
    own_instance = environ.get("MASTODON_API_BASE_URL", "").strip().rstrip("/") == source.address
    token = environ.get("MASTODON_ACCESS_TOKEN", "").strip() if own_instance else ""
    account = MastodonAccount(MastodonConfig(source.address, token or None, watch.timing))
    found, failed, answered = [], [], 0
    # (what is asked, the call, the keyword its statuses are found by when their text names none)
    asks = [(_("reading #{tag}", tag=tag), lambda tag=tag: account.client.timeline_hashtag(tag, limit=40), f"#{tag}")
            for tag in source.hashtags]
    if source.search and not token:
        failed.append(_("search needs the organisation's token on this instance (MASTODON_API_BASE_URL and MASTODON_ACCESS_TOKEN)"))
    elif source.search:
        # exclude_unreviewed=False: it concerns hashtags only, and Mastodon.py would otherwise ask
        # the instance's version, in a loop when the instance does not answer.
        asks += [(_("searching for \"{keyword}\"", keyword=keyword),
                  lambda keyword=keyword: account.client.search_v2(keyword, resolve=False, result_type="statuses", limit=40,
                                                                   exclude_unreviewed=False)["statuses"], "")
                 for keyword in watch.keywords]
    for action, ask, keyword in asks:
        try:
            statuses = account._call(action, ask) or []
        except ServiceError as error:
            failed.append(str(error))
            continue
        answered += 1
        for status in statuses:
            mention, authors = _status(source, status)
            mention.keyword = keyword
            found.append((mention, authors))
    if failed and not answered:
        raise SourceFailure("; ".join(failed))
    return found, failed


# -- Bluesky ---------------------------------------------------------------------------------
def read_bluesky(source: Source, watch: Watch, settings: dict, environ=os.environ) -> list[tuple[Mention, list[str]]]:
    try:
        config = BlueskyConfig.load(settings, environ)
    except ConfigError as error:
        raise SourceFailure(str(error)) from None
    account = BlueskyAccount(BlueskyConfig(config.handle, config.password, source.address, config.web, watch.timing))
    try:
        account.connect()
        found = []
        for keyword in watch.keywords:
            answer = account._call(_("searching for \"{keyword}\"", keyword=keyword), lambda keyword=keyword:
                                   account.client.app.bsky.feed.search_posts(params={"q": keyword, "limit": 50, "sort": "latest"}))
            for post in answer.posts:
                record = post.record
                text = getattr(record, "text", None) or (record.get("text") if isinstance(record, dict) else "") or ""
                created = getattr(record, "created_at", None) or (record.get("createdAt") if isinstance(record, dict) else None)
                langs = getattr(record, "langs", None) or (record.get("langs") if isinstance(record, dict) else None) or [""]
                handle = post.author.handle
                found.append((Mention(source.name, f"{config.web}/profile/{handle}/post/{post.uri.rsplit('/', 1)[-1]}", "",
                                      shorten(_text(text), EXCERPT), _text(handle), _utc(created or post.indexed_at),
                                      str(langs[0]).lower()), [handle, f"{config.web}/profile/{handle}"]))
        return found
    except ServiceError as error:
        raise SourceFailure(str(error)) from None
