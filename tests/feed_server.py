"""A web server on 127.0.0.1 that serves the veille's feeds (RSS and Atom, as blogs, forums,
Google Alerts and YouTube write them), and the faults of stand_in.py: 429, 500, a dropped
connection, a late answer. ``state.feeds`` maps a path to (status, Content-Type, bytes)."""

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from .stand_in import StandIn


@dataclass
class FeedState:
    feeds: dict = field(default_factory=dict)


class FakeFeeds(StandIn):
    def __init__(self):
        super().__init__()
        self.state = FeedState()

    def too_many(self):
        return 429, b"Too Many Requests", {"Content-Type": "text/plain", "Retry-After": "3600"}

    def internal_error(self):
        return 500, b"Internal Server Error", {"Content-Type": "text/plain"}

    def route(self, method, path, query, headers, body):
        if method != "GET" or path not in self.state.feeds:
            return 404, b"Not Found", {"Content-Type": "text/plain"}
        status, kind, payload = self.state.feeds[path]
        return status, payload, {"Content-Type": kind}

    def serve(self, path: str, payload: bytes, kind: str = "application/rss+xml; charset=utf-8", status: int = 200) -> str:
        self.state.feeds[path] = (status, kind, payload)
        return self.url + path


def rss(items: list[dict], lang: str = "fr", title: str = "Un blog") -> bytes:
    """An RSS 2.0 feed; each item: title, link, description, date (RFC 822), author."""
    entries = "".join(
        f"<item><title>{escape(i['title'])}</title><link>{escape(i['link'])}</link>"
        f"<description>{escape(i.get('description', ''))}</description><pubDate>{i['date']}</pubDate>"
        + (f"<author>{escape(i['author'])}</author>" if i.get("author") else "") + "</item>" for i in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>https://blog.example/</link><description>…</description><language>{lang}</language>{entries}</channel></rss>").encode()


def atom(entries: list[dict], lang: str | None = None, title: str = "Alertes") -> bytes:
    """An Atom feed, as Google Alerts and YouTube write them; each entry: title, link, content,
    date (ISO 8601), author, and its own language (xml:lang) if any."""
    def entry(e: dict) -> str:
        own_lang = f' xml:lang="{e["lang"]}"' if e.get("lang") else ""
        author = f"<author><name>{escape(e['author'])}</name></author>" if e.get("author") else ""
        return (f"<entry{own_lang}><id>{escape(e['link'])}</id><title type=\"html\">{escape(e['title'])}</title>"
                f"<link href=\"{escape(e['link'])}\"/><published>{e['date']}</published><updated>{e['date']}</updated>"
                f"<content type=\"html\">{escape(e.get('content', ''))}</content>{author}</entry>")

    body = "".join(entry(e) for e in entries)
    lang_attribute = f' xml:lang="{lang}"' if lang else ""
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"{lang_attribute}>'
            f"<id>tag:alerts</id><title>{escape(title)}</title><updated>2026-11-24T00:00:00Z</updated>{body}</feed>").encode()
