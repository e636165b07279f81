"""The archive: the conversation of each page, one JSON file per page, in the repository.

``content/conversations/<slug>.json`` for a post, ``content/conversations/events/<slug>.json``
for an event (``CONVERSATIONS_PATH``): the community's archive, reviewed in Git and built
without network. Each file holds:

- ``piece``: the post's or event's file; ``page``: its address on the live site;
- ``sources``: per source (``mastodon``, ``bluesky``, ``webmention``) the copy's address, when
  it was last read whole (``read``, the source's cursor), and the counts it gave (replies,
  reposts, likes);
- ``replies``: each with its ``id`` (short, for ``--approve``), its source and the source's own
  key, its address, its author (name, profile, handle), its date, the reply it answers
  (``in_reply_to``, an id; none: the page), its text (plain text, sanitised, personal data
  masked), its language when the network says it, and its moderation: ``state`` (approved, pending, rejected), ``by`` (``charter`` or
  ``hand``) and the charter's ``rule`` that decided it.

Files are written whole and atomically (:func:`tribune.deploy.write_atomically`): a fetch
killed at any moment leaves the previous file or the new one. Git keeps who decided what, when.
"""

import hashlib
import json
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path

from tribune.deploy import write_atomically
from tribune.errors import describe_error
from tribune.i18n import _
from tribune.lint import display_path

FORMAT = 1
SOURCES = ("mastodon", "bluesky", "webmention")
STATES = ("approved", "pending", "rejected")
KINDS = ("reply", "quote", "mention")
NETWORK_LABELS = {"mastodon": "Mastodon", "bluesky": "Bluesky", "webmention": "Web"}


class ArchiveError(Exception):
    """An archive file that cannot be read; ``reason`` without the file, ``line`` where it is."""

    def __init__(self, path: Path, reason: str, line: int = 1):
        super().__init__(f"{display_path(path)}:{line}: {reason}")
        self.path = path
        self.reason = reason
        self.line = line


def reply_id(source: str, key: str) -> str:
    """A reply's short id, the same at every fetch: made from its source and its key there."""
    return hashlib.sha256(f"{source}:{key}".encode()).hexdigest()[:8]


@dataclass
class Reply:
    id: str
    source: str  # mastodon, bluesky, webmention
    key: str  # the source's own id: a status id, an at:// URI, a wm-id
    kind: str  # reply, quote (Bluesky), mention (a page that links to this one)
    url: str
    author: dict  # name, url, handle (and did on Bluesky)
    published: str  # ISO 8601
    text: str
    warning: str = ""  # the content warning it was written under, if any
    lang: str = ""  # the language its network says it is in ("": the page's)
    in_reply_to: str | None = None
    state: str = "pending"
    by: str = "charter"  # or "hand": a decision of --approve or --reject
    rule: str = ""  # what of the charter decided: "mode:publish", "held-word:promo"...

    @property
    def network(self) -> str:
        return NETWORK_LABELS[self.source]


@dataclass
class SourceState:
    post: str = ""  # the copy's address on the network
    read: str = ""  # when the source was last read whole (ISO 8601): its cursor
    replies: int = 0
    reposts: int = 0
    likes: int = 0


@dataclass
class Archive:
    piece: str
    page: str
    sources: dict[str, SourceState] = field(default_factory=dict)
    replies: list[Reply] = field(default_factory=list)

    def to_text(self) -> str:
        data = {"format": FORMAT, "piece": self.piece, "page": self.page,
                "sources": {name: asdict(state) for name, state in sorted(self.sources.items())},
                "replies": [asdict(reply) for reply in self.replies]}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def reply(self, reply_id_: str) -> Reply | None:
        return next((reply for reply in self.replies if reply.id == reply_id_), None)


def nearest(parent: str | None, kept, parents: dict[str, str | None]) -> str | None:
    """The nearest of a reply's ancestors (from ``parent`` up, through ``parents``, every known
    id's parent) that is in ``kept``; None: the page."""
    seen = set()
    while parent is not None and parent not in kept and parent not in seen:
        seen.add(parent)
        parent = parents.get(parent)
    return parent if parent in kept else None


_REPLY_FIELDS = {item.name for item in fields(Reply)}
_REPLY_REQUIRED = {item.name for item in fields(Reply) if item.default is MISSING}
_SOURCE_FIELDS = {item.name for item in fields(SourceState)}


def archive_folder(settings: dict) -> Path:
    return Path(settings["PATH"]) / settings.get("CONVERSATIONS_PATH", "conversations")


def archive_path(settings: dict, kind: str, slug: str) -> Path:
    return archive_folder(settings) / ("events" if kind == "event" else "") / f"{slug}.json"


def archive_paths(settings: dict) -> list[Path]:
    folder = archive_folder(settings)
    return sorted(path for path in folder.rglob("*.json") if not path.name.startswith(".")) if folder.is_dir() else []


def _line_of(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def _parse(path: Path, text: str) -> Archive:
    try:
        data = json.loads(text)
    except ValueError as error:
        hint = _("it holds a Git conflict: keep the replies of both sides") if "<<<<<<<" in text else _("restore it from Git, or delete it and fetch again")
        raise ArchiveError(path, _("the conversation cannot be read: {reason}; {hint}", reason=describe_error(error), hint=hint),
                           getattr(error, "lineno", 1)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("replies"), list):
        raise ArchiveError(path, _("this is not a conversation of Tribune's (format {format}); restore it from Git", format=FORMAT))
    sources = {name: SourceState(**{key: value for key, value in state.items() if key in _SOURCE_FIELDS})
               for name, state in (data.get("sources") or {}).items() if name in SOURCES and isinstance(state, dict)}
    replies = []
    for raw in data["replies"]:
        raw = raw if isinstance(raw, dict) else {}
        line = _line_of(text, f'"id": "{raw.get("id")}"')
        unknown = sorted(set(raw) - _REPLY_FIELDS)
        missing = sorted(_REPLY_REQUIRED - set(raw))
        if unknown or missing:
            raise ArchiveError(path, _("reply {id}: unknown field \"{field}\"; restore the file from Git", id=raw.get("id"), field=unknown[0])
                               if unknown else _("reply {id}: no \"{field}\"; restore the file from Git", id=raw.get("id"), field=missing[0]), line)
        for name, value, known in (("state", raw.get("state"), STATES), ("source", raw["source"], SOURCES), ("kind", raw["kind"], KINDS)):
            if value not in known:
                raise ArchiveError(path, _("reply {id}: {field} \"{value}\" is not one Tribune knows ({known})", id=raw["id"], field=name,
                                           value=value, known=", ".join(known)), line)
        if not isinstance(raw["author"], dict) or not isinstance(raw["text"], str):
            raise ArchiveError(path, _("reply {id}: its author or its text is not what Tribune wrote; restore the file from Git",
                                       id=raw["id"]), line)
        replies.append(Reply(**raw))
    return Archive(str(data.get("piece", "")), str(data.get("page", "")), sources, replies)


_CACHE: dict[Path, tuple[tuple, Archive]] = {}


def read_archive(path: Path) -> Archive | None:
    """The archive at ``path`` (None when there is none), read once per version of the file.
    The object is shared: copy it before changing it (:func:`load`)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    stamp = (stat.st_size, stat.st_mtime_ns)
    if path not in _CACHE or _CACHE[path][0] != stamp:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ArchiveError(path, _("the conversation cannot be read ({error})", error=describe_error(error))) from None
        _CACHE[path] = (stamp, _parse(path, text))
    return _CACHE[path][1]


def load(path: Path) -> Archive | None:
    """A copy of the archive at ``path``, to change and write."""
    found = read_archive(path)
    return None if found is None else _parse(path, found.to_text())


def write_archive(path: Path, archive: Archive) -> bool:
    """Write ``archive`` whole and atomically when it differs from the file; whether it did."""
    text = archive.to_text()
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, text)
    return True
