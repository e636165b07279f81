"""A webmention.io-compatible API on 127.0.0.1 for the tests of the conversations plugin: the
call Tribune makes, answered as webmention.io's controllers/api.rb and helpers/formats.rb do.

- GET /api/mentions.jf2 with ``token`` (the account's API key: 401 "forbidden" otherwise;
  without token nor ``target``, 400 "invalid_input"), ``domain`` (the account's site; another
  domain has no mention), ``per-page`` (or ``perPage``, 20 by default) and ``page`` (from 0),
  ``sort-dir`` (``up``: oldest first; newest first by default), ``since_id``.
- The answer is a JF2 feed: ``{"type": "feed", "name": "Webmentions", "children": [...]}``,
  each entry with ``author`` (a card: name, photo, url), ``url``, ``published``,
  ``wm-received``, ``wm-id``, ``wm-source``, ``wm-target``, ``wm-property`` and the property
  itself (``in-reply-to``, ``like-of``, ``repost-of``, ``mention-of``, ``bookmark-of``),
  ``content`` (``html`` and ``text``) when the source has some, and ``wm-private``.
- A mention deleted at its source (the source answered 410 when it was sent again) is no longer
  listed: :meth:`FakeWebmentionIO.delete`.
"""

from dataclasses import dataclass, field

from .stand_in import StandIn

TOKEN = "webmention-io-api-key-0f-the-guild"
DOMAIN = "guilde.editions-boussole.fr"


@dataclass
class WebmentionState:
    token: str = TOKEN
    domain: str = DOMAIN
    mentions: list = field(default_factory=list)  # oldest first, each with "deleted"
    next_id: int = 1680001


def _error(status: int, error: str, description: str):
    return status, {"error": error, "error_description": description}, {}


class FakeWebmentionIO(StandIn):
    def __init__(self):
        super().__init__()
        self.state = WebmentionState()

    def too_many(self):
        return 429, {"error": "too_many_requests"}, {"Retry-After": "1"}

    def internal_error(self):
        return 500, None, {}

    def route(self, method, path, query, headers, body):
        if method != "GET" or path != "/api/mentions.jf2":
            return _error(404, "not_found", "Not found")
        token = query.get("token") or query.get("access_token") or ""
        if not token and not query.get("target"):
            return _error(400, "invalid_input", "Either a token or a target URL is required")
        if token and token != self.state.token:
            return _error(401, "forbidden", "Access token was not valid")
        try:
            per_page = int(query.get("per-page") or query.get("perPage") or 20)
            page = int(query.get("page") or 0)
            since_id = int(query.get("since_id") or 0)
        except ValueError:
            return _error(400, "invalid_input", "per-page, page and since_id are numbers")
        if per_page < 1 or page < 0:
            return _error(400, "invalid_input", "per-page must be at least 1 and page at least 0")
        listed = [m for m in self.state.mentions if not m["deleted"] and m["wm-id"] > since_id
                  and (query.get("domain") in (None, self.state.domain)) and query.get("target") in (None, m["wm-target"])]
        if query.get("sort-dir") != "up":
            listed.reverse()
        children = [{key: value for key, value in m.items() if key != "deleted"} for m in listed[page * per_page:(page + 1) * per_page]]
        return 200, {"type": "feed", "name": "Webmentions", "children": children}, {}

    # -- Mentions, put there by the tests ------------------------------------------------------
    def mention(self, source: str, target: str, prop: str = "in-reply-to", *, name: str = "", author_url: str = "",
                html: str | None = None, text: str | None = None, published: str | None = "2026-11-20T10:00:00+01:00",
                received: str = "2026-11-20T09:05:00Z", private: bool = False) -> int:
        """A webmention received from ``source`` for ``target``; its wm-id."""
        wm_id = self.state.next_id
        self.state.next_id += 1
        entry = {"type": "entry", "author": {"type": "card", "name": name, "photo": f"{author_url}photo.jpg" if author_url else "",
                                             "url": author_url},
                 "url": source, "published": published, "wm-received": received, "wm-id": wm_id, "wm-source": source,
                 "wm-target": target, "wm-protocol": "webmention", prop: target, "wm-property": prop, "wm-private": private,
                 "deleted": False}
        if html is not None or text is not None:
            entry["content"] = {key: value for key, value in (("html", html), ("text", text)) if value is not None}
        self.state.mentions.append(entry)
        return wm_id

    def delete(self, wm_id: int) -> None:
        next(m for m in self.state.mentions if m["wm-id"] == wm_id)["deleted"] = True
