"""The community's moderation charter for replies: one file the community manager edits.

``content/moderation.md`` (``CONVERSATIONS_CHARTER``), metadata lists and a free text for the
team (never published)::

    Title: Modération des réponses
    Mode: publish
    Blocked-Accounts: @troll@exemple.social, spam-bot.bsky.social
    Blocked-Domains: casino.example
    Blocked-Words: arnaque, casino*
    Held-Words: promo, concours
    Erased: @ancien@piaille.fr
    Charter: charte

- ``Mode``: ``publish`` (a new reply is shown at once, unless a rule holds it) or ``hold``
  (every new reply waits for ``invoke conversations --approve``). Without the file, ``hold``.
- Accounts are written as the networks show them: ``@name@instance`` (Mastodon),
  ``name.bsky.social`` or a ``did:plc:`` (Bluesky), or the profile's address (any network, a
  blog); a domain blocks every account and address under it.
- Words and phrases are found whatever their case and accents, as whole words; ``casino*``
  takes every word that starts so.
- ``Erased``: people who asked for their replies to go (the right to erasure): nothing of theirs
  is shown, archived nor fetched again, and their handle is masked in others' replies.
- ``Charter``: the slug of the public charter page, which the note under the replies links.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from tribune.i18n import _
from tribune.lint import ContentKind, FieldSpec
from tribune.source import Source, SourceError, read_source

MODES = ("publish", "hold")
DEFAULT_FILE = "moderation.md"
_HANDLE = re.compile(r"^@?[\w.+-]+@[\w-]+(\.[\w-]+)+$")  # @name@instance
_DOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
_DID = re.compile(r"^did:(plc|web):[a-z0-9._:%-]+$")


class CharterError(Exception):
    """The charter cannot be read: nothing is fetched nor decided without it."""


def entries(value: str | None) -> list[str]:
    """A list field's entries, separated by commas (continuation lines are joined to it)."""
    return [entry.strip() for entry in (value or "").split(",") if entry.strip()]


def identity(value: str) -> str:
    """An account in one form, as the charter names it or a network gives it: "lea@piaille.fr",
    "lea.bsky.social", "did:plc:…", or a profile's address without its scheme."""
    value = value.strip().lower()
    if value.startswith(("http://", "https://")):
        parts = urlsplit(value)
        return (parts.netloc.removeprefix("www.") + parts.path).rstrip("/")
    return value.lstrip("@")


def _host(value: str) -> str:
    value = value.strip().lower()
    return (urlsplit(value).hostname or "") if "://" in value else value


def fold(text: str) -> str:
    """Text compared as a reader compares words: case and accents aside."""
    return "".join(char for char in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(char))


def _word_pattern(word: str) -> re.Pattern:
    folded = fold(word).strip()
    stem = folded.rstrip("*").strip()
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, stem.split())) + (r"\w*" if folded.endswith("*") else "") + r"(?!\w)")


# -- The lint's view of the file ----------------------------------------------------------------
def check_mode(value: str) -> str | None:
    if value.strip().lower() not in MODES:
        return _("\"{value}\" is not a mode: write publish (replies shown at once) or hold (each waits for approval)", value=value)
    return None


def check_accounts(value: str) -> str | None:
    for entry in entries(value):
        if not (_HANDLE.match(entry) or _DID.match(entry.lower()) or entry.lower().startswith(("https://", "http://"))
                or (_DOMAIN.match(entry.lower().lstrip("@")) and "." in entry)):
            return _("\"{entry}\" is not an account: write @name@instance (Mastodon), name.bsky.social (Bluesky) or the "
                     "profile's address", entry=entry)
    return None


def check_domains(value: str) -> str | None:
    for entry in entries(value):
        if not _DOMAIN.match(_host(entry)):
            return _("\"{entry}\" is not a domain (e.g. spam.example)", entry=entry)
    return None


def charter_kind(settings: dict) -> ContentKind:
    """The charter as a content kind of one file, so the lint names its unknown fields and bad values."""
    return ContentKind("moderation", [settings.get("CONVERSATIONS_CHARTER", DEFAULT_FILE)], [
        FieldSpec("Title"),
        FieldSpec("Mode", check=check_mode),
        FieldSpec("Blocked-Accounts", check=check_accounts),
        FieldSpec("Blocked-Domains", check=check_domains),
        FieldSpec("Blocked-Words"),
        FieldSpec("Held-Words"),
        FieldSpec("Erased", check=check_accounts),
        FieldSpec("Charter"),
    ])


# -- The charter itself -------------------------------------------------------------------------
@dataclass(frozen=True)
class Charter:
    mode: str = "hold"
    blocked_accounts: tuple[str, ...] = ()
    blocked_domains: tuple[str, ...] = ()
    blocked_words: tuple[str, ...] = ()
    held_words: tuple[str, ...] = ()
    erased: tuple[str, ...] = ()
    page: str = ""  # the slug of the public charter
    path: Path | None = field(default=None, compare=False)

    @classmethod
    def of(cls, source: Source) -> "Charter":
        return cls(
            mode=(source.get("Mode") or "hold").strip().lower(),
            blocked_accounts=tuple(identity(entry) for entry in entries(source.get("Blocked-Accounts"))),
            blocked_domains=tuple(_host(entry) for entry in entries(source.get("Blocked-Domains"))),
            blocked_words=tuple(entries(source.get("Blocked-Words"))),
            held_words=tuple(entries(source.get("Held-Words"))),
            erased=tuple(identity(entry) for entry in entries(source.get("Erased"))),
            page=(source.get("Charter") or "").strip(),
            path=source.path,
        )

    @cached_property
    def _words(self) -> list[tuple[str, str, re.Pattern]]:
        return [("blocked-word", word, _word_pattern(word)) for word in self.blocked_words] + \
               [("held-word", word, _word_pattern(word)) for word in self.held_words]

    # -- Who --------------------------------------------------------------------------------
    @staticmethod
    def identities(author: dict) -> set[str]:
        return {identity(author.get(key) or "") for key in ("handle", "url", "did")} - {""}

    def is_erased(self, author: dict) -> bool:
        return bool(self.identities(author) & set(self.erased))

    def is_blocked(self, author: dict, url: str = "") -> bool:
        if self.identities(author) & set(self.blocked_accounts):
            return True
        handle = (author.get("handle") or "").lower().lstrip("@")
        hosts = {handle.rpartition("@")[2] if "@" in handle else handle, _host(author.get("url") or ""), _host(url)} - {""}
        return any(host == domain or host.endswith("." + domain) for host in hosts for domain in self.blocked_domains)

    def excludes(self, author: dict, url: str = "") -> str | None:
        """"erased" or "blocked" when nothing of this author may be kept; None otherwise."""
        if self.is_erased(author):
            return "erased"
        return "blocked" if self.is_blocked(author, url) else None

    def erased_handles(self) -> list[str]:
        """The erased accounts' handles, as others mention them in their replies: written as
        handles, or read from a profile's address (``piaille.fr/@lea``, ``bsky.app/profile/lea.bsky.social``)."""
        handles = []
        for entry in self.erased:
            host, _slash, path = entry.partition("/")
            if not path and not entry.startswith("did:"):
                handles.append(entry)
            elif path.startswith("@") and "/" not in path:
                handles.append(f"{path[1:]}@{host}")
            elif path.startswith("profile/") and not path.startswith("profile/did:"):
                handles.append(path.removeprefix("profile/"))
        return handles

    # -- What ---------------------------------------------------------------------------------
    def word_rule(self, *texts: str) -> str:
        """The first rule of the charter a reply's words meet: "blocked-word:arnaque",
        "held-word:promo", or "" when none does."""
        folded = fold(" \n".join(texts))
        return next((f"{kind}:{word}" for kind, word, pattern in self._words if pattern.search(folded)), "")


_CACHE: dict[Path, tuple[tuple, Charter]] = {}


def charter_path(settings: dict) -> Path:
    return Path(settings["PATH"]) / settings.get("CONVERSATIONS_CHARTER", DEFAULT_FILE)


def read_charter(settings: dict) -> Charter:
    """The site's charter (the default one, holding every reply, when there is no file);
    :class:`CharterError` when the file cannot be read or says something it cannot mean."""
    from tribune.lint import display_path

    path = charter_path(settings)
    if not path.is_file():
        return Charter(path=path)
    stat = path.stat()
    stamp = (stat.st_size, stat.st_mtime_ns)
    if path in _CACHE and _CACHE[path][0] == stamp:
        return _CACHE[path][1]
    try:
        source = read_source(path)
    except SourceError as error:
        raise CharterError(f"{display_path(path)}:{error.line}: {error.message}") from None
    for key, check in (("Mode", check_mode), ("Blocked-Accounts", check_accounts), ("Erased", check_accounts),
                       ("Blocked-Domains", check_domains)):
        message = check(source.get(key)) if source.get(key) else None
        if message:
            raise CharterError(f"{display_path(path)}:{source.line_of(key)}: {key}: {message}")
    charter = Charter.of(source)
    _CACHE[path] = (stamp, charter)
    return charter
