"""A Mastodon-compatible server on 127.0.0.1 for the tests of posting: the endpoints Tribune's
client (Mastodon.py) calls, checked as Mastodon checks them.

- Bearer token on every call but the instance's description (401 "The access token is invalid").
- /api/v1/instance and /api/v2/instance (version, the 500-character limit, 23 per URL).
- POST /api/v2/media: a multipart ``file`` that is an image, its ``description`` (alt text,
  at most 1,500 characters); the attachment belongs to the account until a status uses it.
- POST /api/v1/statuses: ``status`` counted as Mastodon counts it — Mastodon.py's own
  ``get_status_length`` (graphemes with the ``grapheme`` package, Mastodon's URL regex ported
  by Mastodon.py, every URL 23), an implementation independent of Tribune's; at most 500;
  ``media_ids[]`` of this account's attachments, unused, at most 4; ``visibility`` and
  ``language`` checked; ``Idempotency-Key`` honoured (the same key from the same account
  answers the status it made, as Mastodon does for an hour).
- The text is rendered as Mastodon renders it (links, hashtags, mentions); a mention of an
  account of this instance notifies it (``notified``): the tests check no one is.
- GET /api/v1/accounts/:id/statuses: newest first, ``limit`` at most 40, ``exclude_reblogs``.
- GET /api/v1/statuses/:id (its ``replies_count``, ``reblogs_count``, ``favourites_count``)
  and /api/v1/statuses/:id/context (``descendants``: the whole thread below it, in thread
  order, every visibility this account can see, followers-only and direct ones included, as
  Mastodon answers an authenticated account); a deleted status is a 404 "Record not found".
  Other people's replies are put there by the tests (:meth:`FakeMastodon.reply`), with their
  HTML as their server federated it, their account's ``noindex``, boosts and favourites.
- ``public_url``: the instance's public address, in the statuses' and accounts' ``url``
  (the API itself answers on 127.0.0.1).
- For the veille, other accounts' public statuses (``state.public``, see :meth:`FakeMastodon.speak`):
  GET /api/v1/timelines/tag/:hashtag (public, no token needed; the tag compared without case;
  ``limit`` at most 40) and GET /api/v2/search (``q`` required; ``resolve`` and statuses need
  a token, as Mastodon answers anonymous searches with no statuses; every word of ``q`` in
  the text; ``limit`` at most 40).
"""

import html
import itertools
import re
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qs, unquote

from mastodon import Mastodon
from mastodon._url_regex import url_regex

from .stand_in import StandIn

TOKEN = "mastodon-token-5ecret-0f-the-guild"
LANGUAGES = {"fr", "en", "de", "es", "it"}
_MENTION = re.compile(r"(?<![=/\w])@(([a-z0-9_]+)(?:@[\w.\-]+\w)?)", re.IGNORECASE)  # Mastodon's Account::MENTION_RE
_HASHTAG = re.compile(r"(?:^|[^/)\w])#(\w*[^\W\d]\w*)", re.UNICODE)


@dataclass
class MastodonState:
    token: str = TOKEN
    username: str = "editionsboussole"
    account_id: str = "109000000000000001"
    local_accounts: set = field(default_factory=lambda: {"camille", "yanis", "lea"})
    max_characters: int = 500
    statuses: list = field(default_factory=list)  # oldest first
    media: dict = field(default_factory=dict)  # id -> attachment (with "used")
    idempotency: dict = field(default_factory=dict)  # key -> status
    notified: list = field(default_factory=list)  # accounts a status mentioned
    posts: int = 0  # statuses really created
    others: list = field(default_factory=list)  # other accounts' statuses (replies), oldest first
    reblogs: dict = field(default_factory=dict)  # status id -> boosts
    favourites: dict = field(default_factory=dict)  # status id -> favourites
    now: str = "2026-11-24T11:00:00.000Z"  # created_at of the statuses posted
    ids: itertools.count = field(default_factory=lambda: itertools.count(111000000000000001))
    public: list = field(default_factory=list)  # other accounts' statuses, oldest first (the veille reads them)


def _error(status: int, message: str):
    return status, {"error": message}, {}


class FakeMastodon(StandIn):
    def __init__(self, public_url: str = ""):
        super().__init__()
        self.state = MastodonState()
        self.public_url = public_url.rstrip("/")

    @property
    def public(self) -> str:
        """The instance's address in the URLs it gives (statuses, accounts)."""
        return self.public_url or self.url

    def too_many(self):
        return 429, {"error": "Too many requests"}, {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0"}

    def internal_error(self):
        return _error(500, "We're sorry, but something went wrong on our end.")

    # -- Mastodon --------------------------------------------------------------------------
    def account(self) -> dict:
        state = self.state
        return {"id": state.account_id, "username": state.username, "acct": state.username, "display_name": "Éditions Boussole",
                "url": f"{self.public}/@{state.username}", "locked": False, "bot": False, "created_at": "2026-01-01T00:00:00.000Z",
                "note": "", "avatar": "", "header": "", "followers_count": 10, "following_count": 3, "statuses_count": len(state.statuses),
                "emojis": [], "fields": []}

    def route(self, method, path, query, headers, body):
        path = path.rstrip("/")
        if method == "GET" and path == "/api/v1/instance":
            return 200, {"uri": "127.0.0.1", "title": "Stand-in", "version": "4.3.2", "urls": {}, "stats": {}}, {}
        if method == "GET" and path == "/api/v2/instance":
            return 200, {"domain": "127.0.0.1", "title": "Stand-in", "version": "4.3.2", "api_versions": {"mastodon": 2},
                         "configuration": {"statuses": {"max_characters": self.state.max_characters, "max_media_attachments": 4,
                                                        "characters_reserved_per_url": 23},
                                           "media_attachments": {"description_limit": 1500, "image_size_limit": 16777216}}}, {}
        authorised = headers.get("Authorization") == f"Bearer {self.state.token}"
        if "Authorization" in headers and not authorised:
            return _error(401, "The access token is invalid")
        if method == "GET" and (m := re.fullmatch(r"/api/v1/timelines/tag/([^/]+)", path)):
            limit = int(query.get("limit", 20))
            if not 1 <= limit <= 40:
                return _error(422, "limit must be between 1 and 40")
            tag = unquote(m.group(1)).casefold()
            tagged = [s for s in self.state.public if tag in {t["name"].casefold() for t in s["tags"]}]
            return 200, list(reversed(tagged))[:limit], {}
        if method == "GET" and path == "/api/v2/search":
            return self._search(query, authorised)
        if not authorised:
            return _error(401, "The access token is invalid")
        if method == "GET" and path == "/api/v1/accounts/verify_credentials":
            return 200, self.account(), {}
        if method == "GET" and (m := re.fullmatch(r"/api/v1/accounts/(\d+)/statuses", path)):
            if m.group(1) != self.state.account_id:
                return _error(404, "Record not found")
            limit = int(query.get("limit", 20))
            if not 1 <= limit <= 40:
                return _error(422, "limit must be between 1 and 40")
            return 200, list(reversed(self.state.statuses))[:limit], {}
        if method == "GET" and (m := re.fullmatch(r"/api/v1/statuses/(\d+)(/context)?", path)):
            status = self.find(m.group(1))
            if status is None:
                return _error(404, "Record not found")
            if m.group(2):
                return 200, {"ancestors": [], "descendants": [self.view(s) for s in self.descendants(status["id"])]}, {}
            return 200, self.view(status), {}
        if method == "POST" and path == "/api/v2/media":
            return self._media(headers, body)
        if method == "POST" and path == "/api/v1/statuses":
            return self._status(headers, body)
        return _error(404, "Not found")

    def _search(self, query: dict, authorised: bool):
        words = str(query.get("q", "")).casefold().split()
        if not words:
            return _error(400, "Validation failed: q is missing")
        if query.get("resolve") == "true" and not authorised:
            return _error(401, "Search queries that resolve remote resources are not supported without authentication")
        limit = int(query.get("limit", 20))
        if not 1 <= limit <= 40:
            return _error(422, "limit must be between 1 and 40")
        statuses = []
        if authorised and query.get("type") in (None, "statuses"):
            statuses = [s for s in reversed(self.state.public) if all(word in s["text"].casefold() for word in words)][:limit]
        return 200, {"accounts": [], "statuses": statuses, "hashtags": []}, {}

    def speak(self, text: str, acct: str, created_at: str, language: str | None = "fr", url: str | None = None) -> dict:
        """A public status of another account (``acct``: "name" here, "name@instance" elsewhere)."""
        status_id = str(next(self.state.ids))
        username, _, host = acct.partition("@")
        profile = f"https://{host}/@{username}" if host else f"{self.url}/@{username}"
        status = {"id": status_id, "created_at": created_at, "visibility": "public", "language": language,
                  "uri": f"{profile}/statuses/{status_id}", "url": url or f"{profile}/{status_id}", "content": self.render(text),
                  "text": text, "sensitive": False, "spoiler_text": "", "replies_count": 0, "reblogs_count": 0,
                  "favourites_count": 0, "reblog": None, "card": None, "poll": None, "emojis": [], "mentions": [],
                  "tags": [{"name": tag} for tag in _HASHTAG.findall(text)], "media_attachments": [],
                  "account": {"id": str(next(self.state.ids)), "username": username, "acct": acct, "url": profile,
                              "display_name": username, "created_at": "2025-01-01T00:00:00.000Z"}}
        self.state.public.append(status)
        return status

    def _media(self, headers, body):
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {headers.get('Content-Type')}\r\n\r\n".encode() + body)
        if not message.is_multipart():
            return _error(422, "Validation failed: File can't be blank")
        fields, upload = {}, None
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name == "file":
                upload = (part.get_content_type(), part.get_payload(decode=True))
            else:
                fields[name] = part.get_payload(decode=True).decode("utf-8")
        if upload is None:
            return _error(422, "Validation failed: File can't be blank")
        data = upload[1]
        if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff") or data[8:12] == b"WEBP"):
            return _error(422, "Validation failed: File content type is invalid, File is invalid")
        description = fields.get("description", "")
        if len(description) > 1500:
            return _error(422, "Validation failed: Description is too long (maximum is 1500 characters)")
        media_id = str(next(self.state.ids))
        attachment = {"id": media_id, "type": "image", "url": f"{self.url}/media/{media_id}.png", "preview_url": None,
                      "remote_url": None, "description": description, "blurhash": None, "meta": {}}
        self.state.media[media_id] = {**attachment, "used": False}
        return 200, attachment, {}

    def _status(self, headers, body):
        form = {name: values if name.endswith("[]") else values[-1]
                for name, values in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
        key = headers.get("Idempotency-Key")
        if key and key in self.state.idempotency:
            return 200, self.state.idempotency[key], {}
        text = form.get("status", "")
        media_ids = form.get("media_ids[]", [])
        if not text.strip() and not media_ids:
            return _error(422, "Validation failed: Text can't be blank")
        length = Mastodon.get_status_length(text, form.get("spoiler_text", ""))
        if length > self.state.max_characters:
            return _error(422, f"Validation failed: Text character limit of {self.state.max_characters} exceeded")
        if form.get("visibility", "public") not in ("public", "unlisted", "private", "direct"):
            return _error(422, "Validation failed: Visibility is not included in the list")
        if "language" in form and form["language"] not in LANGUAGES:
            return _error(422, "Validation failed: Language is not a valid ISO 639 code")
        if len(media_ids) > 4:
            return _error(422, "Validation failed: Cannot attach more than 4 files")
        attachments = []
        for media_id in media_ids:
            media = self.state.media.get(media_id)
            if media is None or media["used"]:
                return _error(422, "Validation failed: Media attachments are invalid")
            attachments.append(media)
        for media in attachments:
            media["used"] = True
        status_id = str(next(self.state.ids))
        status = {"id": status_id, "created_at": self.state.now, "visibility": form.get("visibility", "public"),
                  "language": form.get("language"), "uri": f"{self.public}/users/{self.state.username}/statuses/{status_id}",
                  "url": f"{self.public}/@{self.state.username}/{status_id}", "content": self.render(text), "in_reply_to_id": None,
                  "text": text, "sensitive": False, "spoiler_text": "", "replies_count": 0, "reblogs_count": 0,
                  "favourites_count": 0, "reblog": None, "card": None, "poll": None, "emojis": [], "mentions": [],
                  "tags": [{"name": tag} for tag in _HASHTAG.findall(text)], "account": self.account(),
                  "media_attachments": [{k: v for k, v in media.items() if k != "used"} for media in attachments]}
        self.state.statuses.append(status)
        self.state.posts += 1
        if key:
            self.state.idempotency[key] = status
        return 200, status, {}

    def render(self, text: str) -> str:
        """The status's HTML, as Mastodon's TextFormatter makes it: links, hashtags, mentions
        (a mention of a local account links to it and notifies it)."""
        pieces, last = [], 0
        for match in url_regex.finditer(text):
            start, url = match.start(3), match.group(3)
            pieces += [html.escape(text[last:start]), f'<a href="{html.escape(url)}" rel="nofollow noopener" target="_blank">{html.escape(url)}</a>']
            last = match.end(3)
        rest = html.escape(text[last:])
        rendered = "".join(pieces) + rest
        for mention in _MENTION.finditer(text):
            username, domain = mention.group(2), (mention.group(1).split("@") + [""])[1]
            if not domain and username.lower() in self.state.local_accounts:
                self.state.notified.append(username.lower())
        return "<p>" + rendered.replace("\n\n", "</p><p>").replace("\n", "<br>") + "</p>"

    def texts(self) -> list[str]:
        return [status["text"] for status in self.state.statuses]

    # -- The conversation under a status (other people's replies, put there by the tests) ------
    def find(self, status_id: str) -> dict | None:
        return next((s for s in [*self.state.statuses, *self.state.others] if s["id"] == status_id), None)

    def descendants(self, status_id: str) -> list[dict]:
        """The thread below a status, depth first, each level oldest first (as Mastodon orders it)."""
        found = []
        for child in (s for s in self.state.others if s["in_reply_to_id"] == status_id):
            found += [child, *self.descendants(child["id"])]
        return found

    def view(self, status: dict) -> dict:
        """The status as the API shows it, with its counts."""
        replies = sum(1 for s in self.state.others if s["in_reply_to_id"] == status["id"])
        return {**status, "replies_count": replies, "reblogs_count": self.state.reblogs.get(status["id"], 0),
                "favourites_count": self.state.favourites.get(status["id"], 0)}

    def reply(self, to: str, who: str, content: str, *, name: str = "", visibility: str = "public", at: str = "2026-11-20T10:00:00.000Z",
              noindex: bool = False, spoiler: str = "", language: str = "fr") -> str:
        """Another account's reply (``who``: "lea@piaille.fr"; "lea" is an account of this
        instance) to the status ``to``, its ``content`` the HTML its server federated; its id."""
        if self.find(to) is None:
            raise ValueError(f"no status {to} to reply to")
        username, _, domain = who.partition("@")
        home = f"https://{domain}" if domain else self.public
        status_id = str(next(self.state.ids))
        account = {"id": str(next(self.state.ids)), "username": username, "acct": who, "display_name": name or username,
                   "url": f"{home}/@{username}", "noindex": noindex, "locked": False, "bot": False, "note": "", "avatar": f"{home}/avatars/{username}.png",
                   "avatar_static": f"{home}/avatars/{username}.png", "header": "", "created_at": "2025-01-01T00:00:00.000Z",
                   "followers_count": 1, "following_count": 1, "statuses_count": 1, "emojis": [], "fields": []}
        self.state.others.append({
            "id": status_id, "created_at": at, "in_reply_to_id": to, "in_reply_to_account_id": self.state.account_id,
            "visibility": visibility, "language": language, "uri": f"{home}/users/{username}/statuses/{status_id}",
            "url": f"{home}/@{username}/{status_id}", "content": content, "sensitive": bool(spoiler), "spoiler_text": spoiler,
            "reblog": None, "card": None, "poll": None, "emojis": [], "mentions": [], "tags": [], "media_attachments": [],
            "account": account})
        return status_id

    def delete(self, status_id: str) -> None:
        """A status deleted by its author: gone from the API (its replies stay, as on Mastodon)."""
        self.state.others = [s for s in self.state.others if s["id"] != status_id]
        self.state.statuses = [s for s in self.state.statuses if s["id"] != status_id]
