"""The Webmentions the site received, from webmention.io's API (JF2), through requests.

Every page advertises the endpoint (``<link rel="webmention">``, CONVERSATIONS_WEBMENTION_ENDPOINT,
e.g. ``https://webmention.io/guilde.editions-boussole.fr/webmention``); webmention.io receives
and verifies the mentions, and its API lists them for the site's domain. The list is read
whole at each fetch, oldest first, 100 at a time (``sort-dir=up``: a mention received while
the pages are read lands at the end, nothing shifts), so that a mention deleted at its source
(which webmention.io then stops listing) leaves the archive too.

requests, as the newsletter's and the Mastodon client's: Mastodon.py and mailchimp-marketing
already depend on it, and a GET with a timeout needs nothing more. WEBMENTION_IO_TOKEN (the
account's API key, webmention.io › Settings) comes from the environment; it travels in the
query string, as the API wants it, so no message is ever made from a request or its address.
"""

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

from social.service import Account, ConfigError, ServiceError, Timing, their_words

from tribune.i18n import _

from .found import Found, Thread
from .words import capped, text_of_html, tidy

PER_PAGE = 100
_MAX_PAGES = 1000
REPLY_PROPERTIES = {"in-reply-to": "reply", "mention-of": "mention"}
MENTION_CHARACTERS = 300  # a blog post that mentions a page is quoted, not copied


@dataclass(frozen=True)
class WebmentionConfig:
    token: str = field(repr=False)
    api: str
    domain: str
    timing: Timing = Timing()

    @classmethod
    def load(cls, settings: dict, environ=os.environ) -> "WebmentionConfig":
        token = environ.get("WEBMENTION_IO_TOKEN", "").strip()
        if not token:
            raise ConfigError(_("WEBMENTION_IO_TOKEN is not set: copy the API key of webmention.io (Settings) and export it"))
        api = (environ.get("WEBMENTION_IO_API", "").strip() or "https://webmention.io").rstrip("/")
        domain = urlsplit(settings.get("PRODUCTION_SITEURL") or settings["SITEURL"]).hostname or ""
        return cls(token, api, domain, Timing.of(settings))


class _Refused(Exception):
    def __init__(self, status: int, words: str):
        super().__init__(words)
        self.status = status
        self.words = words


class Webmentions(Account):
    def __init__(self, config: WebmentionConfig, sleep=None):
        super().__init__(config, sleep)
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "Tribune"

    def explain(self, action: str, error: Exception) -> ServiceError | None:
        """One readable line, never made from the request (its address holds the token)."""
        if isinstance(error, requests.Timeout):
            return ServiceError(_("{action}: webmention.io did not answer (timed out)", action=action))
        if isinstance(error, requests.ConnectionError):
            return ServiceError(_("{action}: webmention.io did not answer (no connection)", action=action))
        if isinstance(error, _Refused):
            if error.status == 429:
                return ServiceError(_("{action}: webmention.io says to slow down (HTTP 429)", action=action), 429)
            if error.status in (401, 403):
                return ServiceError(_("{action}: webmention.io refused WEBMENTION_IO_TOKEN (HTTP {status}: {words}): copy the API "
                                      "key again from webmention.io's settings", action=action, status=error.status, words=error.words),
                                    error.status)
            return ServiceError(_("{action}: webmention.io refused it (HTTP {status}: {words})", action=action, status=error.status,
                                  words=error.words), error.status)
        if isinstance(error, (ValueError, requests.RequestException)):
            return ServiceError(_("{action}: webmention.io's answer could not be read", action=action))
        return None

    def _page(self, number: int) -> list[dict]:
        response = self.session.get(f"{self.config.api}/api/mentions.jf2", timeout=self.config.timing.timeout, params={
            "domain": self.config.domain, "token": self.config.token, "per-page": PER_PAGE, "page": number, "sort-dir": "up"})
        if response.status_code != 200:
            try:
                body = response.json()
                words = body.get("error_description") or body.get("error") or ""
            except ValueError:
                words = response.reason or ""
            raise _Refused(response.status_code, their_words(str(words).replace(self.config.token, "…")))
        children = response.json().get("children")
        if not isinstance(children, list):
            raise ValueError("no children")
        return [child for child in children if isinstance(child, dict)]

    def mentions(self) -> list[dict]:
        """Every mention webmention.io lists for the site, oldest first, each once."""
        found: dict[int, dict] = {}
        for number in range(_MAX_PAGES):
            page = self._call(_("reading the webmentions (page {number})", number=number + 1), lambda: self._page(number))
            for mention in page:
                found.setdefault(mention.get("wm-id"), mention)
            if len(page) < PER_PAGE:
                break
        return list(found.values())


def thread_of(mentions: list[dict]) -> Thread:
    """A page's mentions as a thread: replies and mentions (public ones: a private mention is
    for the site's owner only), and the likes and reposts counted."""
    thread = Thread()
    for mention in mentions:
        prop = mention.get("wm-property")
        if prop == "like-of":
            thread.likes += 1
        elif prop == "repost-of":
            thread.reposts += 1
        if prop not in REPLY_PROPERTIES:
            continue
        author = mention.get("author") or {}
        url = str(mention.get("url") or mention.get("wm-source") or "")
        content = mention.get("content") or {}
        text = tidy(str(content.get("text") or "")) or text_of_html(content.get("html") or "") or tidy(str(mention.get("name") or ""))
        kind = REPLY_PROPERTIES[prop]
        thread.replies.append(Found(
            key=str(mention.get("wm-id")), kind=kind, url=url,
            author={"name": str(author.get("name") or urlsplit(url).hostname or ""), "url": str(author.get("url") or "")},
            published=str(mention.get("published") or mention.get("wm-received") or ""),
            text=capped(text, MENTION_CHARACTERS) if kind == "mention" else text, kept_off=bool(mention.get("wm-private")),
        ))
    return thread
