"""Figures of the conversations, for the indicators report and the newsletter.

Read from the archive files alone (no network), with the charter of now: erased and blocked
authors are never counted.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from tribune.i18n import _

from .archive import SOURCES, ArchiveError, archive_paths, read_archive
from .charter import Charter, CharterError, read_charter


@dataclass(frozen=True)
class ConversationFigure:
    """One row: a page's figures on one network in one month.

    ``replies``: the replies written that month (every one archived, whatever its
    moderation); ``reposts`` and ``likes``: the network's counts at the last fetch, which are
    not dated, counted in the month the page was posted there (webmentions: the month each
    was received is not kept either; the month of the page's first reply, else of the fetch).
    """

    month: str  # YYYY-MM, in the site's time zone
    piece: str  # the post's or event's file, relative to content/
    page: str  # its address on the live site
    network: str  # mastodon, bluesky, webmention
    replies: int
    reposts: int
    likes: int


def _month(value: str, zone: ZoneInfo) -> str:
    try:
        return datetime.fromisoformat(value).astimezone(zone).strftime("%Y-%m")
    except ValueError:
        return ""


def _charter(settings: dict) -> Charter:
    try:
        return read_charter(settings)
    except CharterError:
        return Charter()  # unreadable: counted as if nothing were erased (the lint says why)


def conversation_figures(settings: dict, copies: dict | None = None) -> list[ConversationFigure]:
    """Replies, reposts and likes per page, per network and per month, from the archive.

    ``copies``: the social plugin's ledger (read when not given), for the month each page was
    posted on each network. Rows are sorted by month, page and network; a page's network
    without any figure is left out."""
    if copies is None:
        from social.ledger import read_ledger

        copies = read_ledger(settings)
    zone = ZoneInfo(settings.get("TIMEZONE", "UTC"))
    charter = _charter(settings)
    rows: dict[tuple[str, str, str], list] = defaultdict(lambda: [0, 0, 0])
    pages = {}
    for path in archive_paths(settings):
        try:
            archive = read_archive(path)
        except ArchiveError:
            continue  # the lint names it
        pages[archive.piece] = archive.page
        for reply in archive.replies:
            if not charter.excludes(reply.author, reply.url):
                rows[(_month(reply.published, zone), archive.piece, reply.source)][0] += 1
        for name, state in archive.sources.items():
            posted = (copies.get(archive.piece, {}).get(name) or {}).get("at") or min(
                (reply.published for reply in archive.replies if reply.source == name), default=state.read)
            figures = rows[(_month(posted, zone), archive.piece, name)]
            figures[1] += state.reposts
            figures[2] += state.likes
    return [ConversationFigure(month, piece, pages[piece], network, *figures)
            for (month, piece, network), figures in sorted(rows.items(), key=lambda item: (item[0][0], item[0][1], SOURCES.index(item[0][2])))
            if month and any(figures)]


@dataclass(frozen=True)
class Liveliest:
    piece: str
    page: str
    replies: int  # approved replies written in the period
    networks: tuple[str, ...]  # where they were written (source names)


def liveliest_conversation(settings: dict, start: date | datetime, end: date | datetime) -> Liveliest | None:
    """The conversation with the most approved replies written between ``start`` (excluded)
    and ``end`` (included), reposts and likes deciding a tie; None when no reply was."""
    zone = ZoneInfo(settings.get("TIMEZONE", "UTC"))
    start, end = (value if isinstance(value, datetime) else datetime.combine(value, datetime.max.time()) for value in (start, end))
    start, end = (value if value.tzinfo else value.replace(tzinfo=zone) for value in (start, end))
    charter = _charter(settings)
    best, best_key = None, None
    for path in archive_paths(settings):
        try:
            archive = read_archive(path)
        except ArchiveError:
            continue
        written = [reply for reply in archive.replies if reply.state == "approved" and not charter.excludes(reply.author, reply.url)
                   and reply.published and start < datetime.fromisoformat(reply.published) <= end]
        if not written:
            continue
        key = (len(written), sum(state.reposts + state.likes for state in archive.sources.values()), archive.piece)
        if best_key is None or key > best_key:
            networks = tuple(name for name in SOURCES if any(reply.source == name for reply in written))
            best, best_key = Liveliest(archive.piece, archive.page, len(written), networks), key
    return best


def offer_conversation_figures(figures) -> None:
    """The report's section (tribune.figures, the indicator_figures signal): replies, reposts
    and likes per month, each network on its own line, from :func:`conversation_figures`."""
    rows = conversation_figures(figures.settings)
    section = figures.section("conversations", _("Conversations"), order=45)
    for what, label in (("replies", _("Replies")), ("reposts", _("Reposts")), ("likes", _("Likes"))):
        months: dict[str, int] = defaultdict(int)
        for row in rows:
            if row.month:
                months[row.month] += getattr(row, what)
        section.add(f"conversations.{what}", label, dict(months))
    section.chart(_("Replies, reposts and likes per month"), ["conversations.replies", "conversations.reposts", "conversations.likes"])
