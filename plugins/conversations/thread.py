"""What a page shows of its conversation: the approved replies, threaded, and the counts.

Built from the archive when the page's post or event is made, with the charter of the build:
an author erased or blocked since the last fetch is left out at once (and an erased author's
handle masked in the others' replies), before the next fetch takes them out of the archive.
Only ``approved`` replies are shown; one whose parent is not shown hangs from the nearest shown
ancestor, or from the page. Addresses are shown as links only when they are http(s) ones.
Replies in French get the site's French typography, as every text of a French page does (the
archive keeps them as written).
"""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup

from tribune.dates import format_date
from tribune.sanitise import is_safe_url
from tribune.typography import french_text

from .archive import NETWORK_LABELS, SOURCES, Archive, nearest
from .charter import Charter
from .moderation import mask_mentions
from .words import reply_html


@dataclass
class ReplyView:
    id: str
    source: str
    network: str
    kind: str
    url: str
    author: str
    author_url: str
    handle: str
    published: str  # ISO 8601, for <time datetime>
    date: str  # in words, in the page's language
    html: Markup
    warning: str
    children: list["ReplyView"] = field(default_factory=list)


@dataclass
class Tally:
    source: str
    network: str
    replies: int  # shown on the page
    reposts: int
    likes: int


@dataclass
class Conversation:
    replies: list[ReplyView]  # the page's own replies, each with its own below it
    shown: int
    tallies: list[Tally]
    reply_on: list[tuple[str, str]]  # (network, the copy's address): where to answer
    charter: str  # the slug of the charter page the note links


def _web(url: str) -> str:
    return url if url and "://" in url and is_safe_url(url, ("https", "http")) else ""


def _date(value: str, lang: str, zone: str) -> str:
    try:
        return format_date(datetime.fromisoformat(value).astimezone(ZoneInfo(zone)), lang)
    except ValueError:
        return ""


def conversation_of(archive: Archive | None, charter: Charter, copies: list[tuple[str, str]], lang: str, zone: str,
                    french: bool = True) -> Conversation | None:
    """The page's conversation (None: nothing to show, not even where to answer). ``copies``:
    the page's copies on the networks (label, address), from the social plugin's ledger; a
    translation has none of its own, and takes those the archive recorded. ``french``: French
    typography on the replies in French (by what their network says, else the page's language)."""
    archive = archive or Archive("", "")
    where = {NETWORK_LABELS[name]: archive.sources[name].post for name in ("mastodon", "bluesky") if name in archive.sources}
    where.update((label, url) for label, url in copies if label in (NETWORK_LABELS["mastodon"], NETWORK_LABELS["bluesky"]))
    reply_on = [(label, url) for label, url in sorted(where.items(), key=lambda item: item[0] != "Mastodon") if _web(url).startswith("https://")]
    if not archive.sources and not archive.replies and not reply_on:
        return None
    parents = {reply.id: reply.in_reply_to for reply in archive.replies}
    shown = [reply for reply in archive.replies if reply.state == "approved" and not charter.excludes(reply.author, reply.url)]
    erased = charter.erased_handles()  # also masked in the archive at the next fetch

    def words(reply, text: str) -> str:
        text = mask_mentions(text, erased)
        return french_text(text) if french and (reply.lang or lang).startswith("fr") else text

    views = {reply.id: ReplyView(reply.id, reply.source, reply.network, reply.kind, _web(reply.url), words(reply, reply.author.get("name", "")),
                                 _web(reply.author.get("url", "")), reply.author.get("handle", ""), reply.published,
                                 _date(reply.published, lang, zone), reply_html(words(reply, reply.text)), words(reply, reply.warning))
             for reply in sorted(shown, key=lambda reply: (reply.published, reply.id))}
    top = []
    for view in views.values():
        parent = nearest(parents.get(view.id), views, parents)
        (views[parent].children if parent else top).append(view)
    tallies = [Tally(name, NETWORK_LABELS[name], sum(1 for view in views.values() if view.source == name), state.reposts, state.likes)
               for name in SOURCES if (state := archive.sources.get(name)) is not None]
    tallies = [tally for tally in tallies if tally.replies or tally.reposts or tally.likes]
    return Conversation(top, len(views), tallies, reply_on, charter.page)
