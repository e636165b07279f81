"""What an edition is made of: the posts, events and member it picks from the site.

The catalogue reads every post, event, member and edition from its header alone
(:mod:`tribune.headers`), so that choosing an edition's items takes a fraction of a second
even on a site of thousands of posts: posts are chosen from their headers (date, language,
status, slug) and only the chosen ones become Pelican objects. The choice of events and of
the member uses the events and spotlight plugins' own API.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from events import upcoming_events
from events.contents import Event
from pelican.contents import Article, Page
from spotlight import spotlight_member
from spotlight.contents import Member

from tribune.headers import light_content, reading_contents
from tribune.i18n import _
from tribune.source import SourceError
from tribune.trees import stamps

from .contents import Edition
from .post_index import PostHeader, header_of, post_folders, post_headers


class EditionError(Exception):
    """An edition that cannot be made: ``field`` names the metadata field at fault (or the
    setting), ``line`` the line of its text when the fault is there."""

    def __init__(self, field: str, message: str, line: int | None = None):
        super().__init__(message)
        self.field = field
        self.message = message
        self.line = line


@dataclass
class EditionContents:
    posts: list[Article] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    member: Member | None = None
    conversation: object = None  # the period's liveliest conversation, when the conversations plugin is on

    def is_empty(self) -> bool:
        return not (self.posts or self.events or self.member)

    def named(self) -> list:
        """Every content the e-mail names (its title, its address): the conversation's too."""
        return [*self.posts, *self.events, *([self.member] if self.member else []), *([self.conversation[1]] if self.conversation else [])]


def _read_all(settings: dict, paths_setting: str, default: list[str], content_class) -> list:
    content_path = Path(settings["PATH"])
    found = []
    for folder in settings.get(paths_setting, default):
        for path in sorted((content_path / folder).rglob("*.md")):
            try:
                found.append(light_content(path, content_class, settings))
            except (SourceError, ValueError, KeyError):
                continue  # unreadable, or a bad value (KeyError: an unknown time zone): the lint reports it
    return found


_LAST: dict = {}  # the last catalogue read, with the signature of what it was read from


def _stamps(settings: dict) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    """Every file of the content, by its path: its size and modification time; the Markdown
    files, then the others (one walk of the folder for both)."""
    markdown, others = {}, {}
    for path, stamp in stamps(settings["PATH"], "").items():
        (markdown if path.endswith(".md") else others)[path] = stamp
    return markdown, others


@dataclass
class Catalogue:
    settings: dict
    post_headers: list[PostHeader]
    events: list[Event]
    members: list[Member]
    editions: list[Edition]
    pages: list[Page]
    stamps: dict[str, tuple[int, int]] = field(default_factory=dict)  # what it was read from
    # The content's other files (images, archives), stamped again at every read: the e-mails
    # the build keeps depend on them (kept.py).
    others: dict[str, tuple[int, int]] = field(default_factory=dict)
    _built: dict = field(default_factory=dict)

    @classmethod
    def read(cls, settings: dict) -> "Catalogue":
        """The catalogue of the content as it is now; read once for the lint and the build,
        and kept by the preview while only posts' texts change (:meth:`_took_post_edits`)."""
        stamps, others = _stamps(settings)
        signature = (id(settings), settings.get("SITEURL"), stamps)
        last = _LAST.get("signature")
        if last != signature and not (last and last[:2] == signature[:2] and _LAST["catalogue"]._took_post_edits(stamps)):
            _LAST.update(catalogue=cls._read(settings, stamps))
        _LAST["signature"] = signature
        _LAST["catalogue"].others = others
        return _LAST["catalogue"]

    def _took_post_edits(self, stamps: dict[str, tuple[int, int]]) -> bool:
        """When only posts' files changed (none added or removed) and not what an edition
        chooses them by (date, language; a slug no edition names in Posts:), forget the posts
        built from them (built again when an edition asks: Mailer.render renders again the
        editions that held them); True. Anything else is read again: False, nothing done."""
        if stamps.keys() != self.stamps.keys():
            return False
        changed = [path for path, stamp in stamps.items() if stamp != self.stamps[path]]
        if not all(path.startswith(post_folders(self.settings)) for path in changed):
            return False
        headers = {str(header.path): header for header in self.post_headers}
        now = {path: header_of(path, self.settings) for path in changed}
        named = {slug for edition in self.editions for slug in edition.explicit.get("Posts", [])}
        for path, header in now.items():
            before = headers.get(path)
            if header != before and (header is None or before is None or (header.date, header.lang) != (before.date, before.lang)
                                     or {header.slug, before.slug} & named):
                return False
        self.post_headers = [now.get(str(header.path), header) for header in self.post_headers]
        for path in changed:
            self._built.pop(Path(path), None)
        self.stamps = stamps
        return True

    def is_current(self, post: Article) -> bool:
        """Whether ``post`` is the post built from its file as it is now."""
        return self._built.get(Path(post.source_path)) is post

    @classmethod
    def _read(cls, settings: dict, stamps: dict[str, tuple[int, int]]) -> "Catalogue":
        with reading_contents(settings):
            return cls(
                settings,
                stamps=stamps,
                post_headers=post_headers(settings, stamps),
                events=[e for e in _read_all(settings, "EVENT_PATHS", ["events"], Event) if e.status == "published"],
                members=_read_all(settings, "MEMBER_PATHS", ["members"], Member),
                editions=_read_all(settings, "NEWSLETTER_PATHS", ["newsletters"], Edition),
                pages=[p for p in _read_all(settings, "PAGE_PATHS", ["pages"], Page) if p.status != "draft"],
            )

    def post(self, header: PostHeader) -> Article:
        """The post of a header, built once, when it is needed."""
        if header.path not in self._built:
            self._built[header.path] = light_content(header.path, Article, self.settings)
        return self._built[header.path]

    @property
    def posts(self) -> list[Article]:
        """Every published post (the report counts them; choosing an edition does not need them)."""
        return [self.post(header) for header in self.post_headers]

    def content_at(self, relative: str):
        """The content whose file is ``relative`` (to the content folder), for {filename} links."""
        header = next((h for h in self.post_headers if h.relative == relative), None)
        if header is not None:
            return self.post(header)
        published_members = [m for m in self.members if m.may_publish]
        return next((c for c in [*self.events, *published_members, *self.pages, *self.editions] if c.relative_source_path == relative), None)

    def previous_edition(self, edition: Edition) -> Edition | None:
        earlier = [e for e in self.editions if e.status == "published" and e.date < edition.date and e.edition_id != edition.edition_id]
        return max(earlier, key=lambda e: e.date, default=None)

    # -- Choosing the items -----------------------------------------------------------
    def _pick(self, candidates, slugs: list[str], what: str, field_name: str, lang: str) -> list:
        picked = []
        for slug in slugs:
            matches = [c for c in candidates if c.slug == slug]
            if not matches:
                raise EditionError(field_name, _('"{slug}" is not {what} (check its slug and its Status)', slug=slug, what=what))
            picked.append(next((c for c in matches if c.lang == lang), matches[0]))
        return picked

    def contents_of(self, edition: Edition) -> EditionContents:
        settings = self.settings
        lang = edition.lang
        explicit = edition.explicit
        previous = self.previous_edition(edition)
        since = previous.date if previous else edition.date - timedelta(days=settings.get("NEWSLETTER_FIRST_EDITION_DAYS", 31))
        if "Posts" in explicit:
            headers = self._pick(self.post_headers, explicit["Posts"], _("a published post"), "Posts", lang)
        else:
            headers = sorted(
                (h for h in self.post_headers if h.lang == lang and since < h.date <= edition.date),
                key=lambda h: h.date, reverse=True,
            )[: settings.get("NEWSLETTER_MAX_POSTS", 6)]
        posts = [self.post(header) for header in headers]
        if "Events" in explicit:
            events = self._pick(self.events, explicit["Events"], _("a published event"), "Events", lang)
        else:
            events = upcoming_events(self.events, edition.date, days=settings.get("NEWSLETTER_EVENT_DAYS", 45))
            events = [e for e in events if e.event_status != "cancelled"]
        members = [m for m in self.members if m.may_publish]
        if "Spotlight" in explicit:
            (member,) = self._pick(members, explicit["Spotlight"][:1], _("a published member with consent"), "Spotlight", lang)
        else:
            member = spotlight_member(members, edition.month)
        return EditionContents(posts, events, member, self._liveliest(since, edition.date))

    def _liveliest(self, since, until):
        """The liveliest conversation of the edition's period, asked of the conversations plugin
        (NEWSLETTER_CONVERSATION = False: none)."""
        if "conversations" not in map(str, self.settings.get("PLUGINS", [])) or not self.settings.get("NEWSLETTER_CONVERSATION", True):
            return None
        from conversations import liveliest_conversation

        found = liveliest_conversation(self.settings, since, until)
        content = self.content_at(found.piece) if found else None
        return (found, content) if content is not None else None

