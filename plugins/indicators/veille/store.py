"""The veille's cache, ``veille.json`` in the report folder (not published): every mention
found so far, each source's last fetch (its time, or why it failed) and the last run's time,
so that the report can be made again offline.

A mention is kept once: the same address (without its fragment, its ``utm_`` parameters and
its trailing slash), or, from another source, nearly the same text (rapidfuzz's ratio at
least ``VEILLE_SIMILARITY`` out of 100, for texts long enough to tell: the same words posted
on Mastodon and on Bluesky). Two addresses of one source are two mentions, however alike.
"""

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from rapidfuzz import fuzz, process

from tribune.errors import describe_error
from tribune.i18n import _

from .config import VeilleError
from .matching import fold

FORMAT = 1
CACHE = "veille.json"
#: Texts shorter than this are compared by address only ("Super !" is not a duplicate of "Super !").
SIMILAR_MIN_LENGTH = 30


@dataclass
class Mention:
    source: str
    url: str
    title: str
    text: str  # plain text, an excerpt
    author: str
    date: str  # ISO 8601, UTC
    lang: str = ""
    keyword: str = ""
    first_seen: str = ""  # when a run first found it
    also_in: list = field(default_factory=list)  # the other sources that found it

    @classmethod
    def of(cls, data: dict) -> "Mention":
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


def same_address(url: str) -> str:
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith("utm_")])
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), query, ""))


class Mentions:
    """The mentions known, with what finds a duplicate quickly."""

    def __init__(self, mentions: list[Mention], similarity: int):
        self.similarity = similarity
        self.items: list[Mention] = []
        self.addresses: dict[str, Mention] = {}
        self.texts: list[str] = []
        self.by_text: list[Mention] = []
        for mention in mentions:
            self._keep(mention)

    def _keep(self, mention: Mention) -> None:
        self.items.append(mention)
        if mention.url:
            self.addresses[same_address(mention.url)] = mention
        text = fold(f"{mention.title} {mention.text}")
        if len(text) >= SIMILAR_MIN_LENGTH:
            self.texts.append(text)
            self.by_text.append(mention)

    def twin(self, mention: Mention) -> Mention | None:
        """The mention already known that ``mention`` repeats, if any."""
        if mention.url and same_address(mention.url) in self.addresses:
            return self.addresses[same_address(mention.url)]
        text = fold(f"{mention.title} {mention.text}")
        if len(text) < SIMILAR_MIN_LENGTH or not self.texts:
            return None
        for _text, _score, index in process.extract(text, self.texts, scorer=fuzz.ratio, score_cutoff=self.similarity, limit=10):
            if self.by_text[index].source != mention.source:  # one source's two addresses are two mentions
                return self.by_text[index]
        return None

    def add(self, mention: Mention) -> bool:
        """Keep ``mention`` unless it is known; True when it is new."""
        twin = self.twin(mention)
        if twin is None:
            self._keep(mention)
            return True
        if mention.source != twin.source and mention.source not in twin.also_in:
            twin.also_in.append(mention.source)
        return False


@dataclass
class Cache:
    path: Path
    mentions: list[Mention] = field(default_factory=list)
    sources: dict = field(default_factory=dict)  # name -> {"kind", "address", "fetched_at", "checked_at", "error"}
    last_run: str = ""

    @classmethod
    def read(cls, folder: Path) -> "Cache":
        path = folder / CACHE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError) as error:
            raise VeilleError(_("{path}: the veille's cache cannot be read ({error}); delete it to start again",
                                path=path, error=describe_error(error))) from None
        if not isinstance(data, dict) or not isinstance(data.get("mentions"), list):
            raise VeilleError(_("{path}: this is not the veille's cache; delete it to start again", path=path))
        return cls(path, [Mention.of(m) for m in data["mentions"] if isinstance(m, dict)], dict(data.get("sources") or {}),
                   str(data.get("last_run") or ""))

    def write(self) -> None:
        """Replace the cache whole (written beside it, then renamed over it)."""
        text = json.dumps({"format": FORMAT, "last_run": self.last_run, "sources": self.sources,
                           "mentions": [asdict(m) for m in sorted(self.mentions, key=lambda m: (m.date, m.url))]},
                          ensure_ascii=False, indent=1) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, partial = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(partial, self.path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
