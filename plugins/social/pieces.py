"""The pieces Tribune carries to the networks: posts, events and newsletter editions.

Each is read from its header alone (:func:`tribune.headers.light_content`), as the
newsletter reads the posts it picks, so ``invoke social`` takes a fraction of a second and
needs no build; the objects are Pelican's own, so URLs, slugs and statuses are the site's.

A piece goes out when it is on the site and is news:

- a post or an edition with ``Status: published`` (the default), dated now or before, and not
  before ``SOCIAL_SINCE`` when it is set (so that adopting Tribune on an old site does not post
  its whole archive);
- an event that is not over, not a draft, not cancelled;
- never a translation (the original is posted; the translation has its own kit page), nor a
  piece whose writer set ``Social: no``.
"""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican.contents import Article

from tribune.clock import site_now
from tribune.headers import light_content, reading_contents
from tribune.source import Source, SourceError

from .compose import Words, source_of, wants_social, words_of


@dataclass
class Piece:
    key: str  # its file, relative to the content folder: the ledger's key
    kind: str  # post, event, edition
    content: object  # the Pelican object
    moment: datetime  # when it was published (an event: when it starts)
    words: Words

    @property
    def source(self) -> Source:
        return source_of(self.content)

    @property
    def title(self) -> str:
        return self.words.title

    @property
    def image(self) -> tuple[Path, str] | None:
        """The piece's image file under content/ and its alt text (None: no image of its own)."""
        image = self.content.metadata.get("image")
        if not image or "://" in image:
            return None
        path = Path(self.content.settings["PATH"]) / image.removeprefix("{static}").lstrip("/")
        return (path, (self.source.get("Image-Alt") or "").strip()) if path.is_file() else None


def _kinds(settings: dict) -> list[tuple[str, list[str], type]]:
    kinds = [("post", settings.get("ARTICLE_PATHS", ["posts"]), Article)]
    plugins = [str(plugin) for plugin in settings.get("PLUGINS", [])]
    if "events" in plugins:
        from events.contents import Event

        kinds.append(("event", settings.get("EVENT_PATHS", ["events"]), Event))
    if "newsletter" in plugins:
        from newsletter.contents import Edition

        kinds.append(("edition", settings.get("NEWSLETTER_PATHS", ["newsletters"]), Edition))
    return kinds


def read_pieces(settings: dict) -> list[Piece]:
    """Every readable post, event and edition (whatever its status), oldest first."""
    content_path = Path(settings["PATH"])
    found = []
    with reading_contents(settings):
        for kind, folders, content_class in _kinds(settings):
            for folder in folders:
                for path in sorted((content_path / folder).rglob("*.md")):
                    try:
                        content = light_content(path, content_class, settings)
                        moment = content.schedule.start_instant if kind == "event" else content.date
                    except (SourceError, ValueError, KeyError, AttributeError):
                        continue  # the lint names what is wrong with it
                    found.append(Piece(path.relative_to(content_path).as_posix(), kind, content, moment, words_of(content, settings)))
    return sorted(found, key=lambda piece: (piece.moment, piece.key))


def _since(settings: dict) -> datetime | None:
    value = settings.get("SOCIAL_SINCE")
    if not value:
        return None
    moment = value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time()) if isinstance(value, date) \
        else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(settings.get("TIMEZONE", "UTC")))


def is_news(piece: Piece, settings: dict, at: datetime | None = None, kept_off_too: bool = False) -> bool:
    """Whether ``piece`` is one to carry to the networks now (see the module's docstring);
    ``kept_off_too``: even if its writer set ``Social: no``."""
    content = piece.content
    at = at or site_now(settings)
    if str(content.metadata.get("translation", "")).lower() in ("true", "yes") or not (kept_off_too or wants_social(content)):
        return False
    if piece.kind == "event":
        return content.event_status not in ("draft", "cancelled") and content.is_upcoming(at)
    since = _since(settings)
    return content.status == "published" and piece.moment <= at and (since is None or piece.moment >= since)


def kept_off(piece: Piece) -> bool:
    return not wants_social(piece.content)
