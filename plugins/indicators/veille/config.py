"""What the veille watches, read from the settings once and checked: one line names the
setting and the entry at fault."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from social.service import Timing

from tribune.i18n import _

KINDS = ("feed", "mastodon", "bluesky")


class VeilleError(Exception):
    """The veille's settings cannot be read; nothing is fetched."""


@dataclass(frozen=True)
class Source:
    name: str
    kind: str  # one of KINDS
    address: str  # the feed's address, the Mastodon instance, the Bluesky service
    lang: str = ""  # a feed's language, for entries that do not give theirs
    hashtags: tuple = ()  # Mastodon: hashtag timelines to read
    search: bool = False  # Mastodon: full-text search too (the instance must allow it, with a token)


@dataclass
class Watch:
    sources: list[Source]
    keywords: list[str]
    exclude: list[str]
    languages: set[str] | None  # None: any language
    own_sites: list[str]  # addresses of the community's own site
    own_accounts: set[str] = field(default_factory=set)  # its profiles' addresses and handles, folded
    similarity: int = 90
    spike_z: float = 3.0
    latest: int = 20
    timing: Timing = Timing()


def _where(number: int, entry) -> str:
    name = entry.get("name") if isinstance(entry, dict) else None
    return _("VEILLE_SOURCES, source {number}", number=number) + (f" ({name})" if name else "")


def _source(number: int, entry) -> Source:
    where = _where(number, entry)
    if not isinstance(entry, dict):
        raise VeilleError(_("{where}: write it as {{\"name\": \"…\", \"feed\": \"https://…\"}}", where=where))
    kinds = [kind for kind in KINDS if kind in entry]
    if len(kinds) != 1:
        raise VeilleError(_("{where}: give one of \"feed\", \"mastodon\" or \"bluesky\", with the address to read", where=where))
    kind = kinds[0]
    address = str(entry[kind] or "").strip().rstrip("/") if kind != "feed" else str(entry[kind] or "").strip()
    if urlsplit(address).scheme not in ("https", "http") or not urlsplit(address).netloc:
        raise VeilleError(_("{where}: \"{address}\" is not a web address (expected https://…)", where=where, address=address))
    unknown = sorted(set(entry) - {"name", kind, "lang", "hashtags", "search"})
    if unknown:
        raise VeilleError(_("{where}: unknown key \"{key}\" (expected name, {kind}, lang, hashtags, search)", where=where,
                            key=unknown[0], kind=kind))
    hashtags = entry.get("hashtags") or []
    if isinstance(hashtags, str) or not all(isinstance(tag, str) for tag in hashtags):
        raise VeilleError(_("{where}: \"hashtags\" must be a list such as [\"GuildeBoussole\"]", where=where))
    name = str(entry.get("name") or urlsplit(address).netloc)
    return Source(name, kind, address, str(entry.get("lang") or "").lower(), tuple(tag.lstrip("#") for tag in hashtags),
                  bool(entry.get("search")))


def _words(settings: dict, key: str) -> list[str]:
    value = settings.get(key) or []
    if isinstance(value, str) or not all(isinstance(word, str) and word.strip() for word in value):
        raise VeilleError(_("{key} must be a list of words or phrases, such as [\"Guilde Boussole\"]", key=key))
    return [word.strip() for word in value]


def _profile(url: str) -> set[str]:
    """The ways a profile of the community can show as a mention's author: its address, and
    its handle ("editionsboussole.bsky.social", "@editionsboussole@mastodon.example")."""
    url = url.strip().rstrip("/")
    found = {url.lower()}
    parts = urlsplit(url)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if last.startswith("@"):
        found.add(f"{last}@{parts.netloc}".lower())
    elif "/profile/" in parts.path:
        found.add(last.lower())
    elif "@" in url and "://" not in url:
        found.add(url.lower())
    return found


def read_watch(settings: dict) -> Watch:
    from .matching import fold

    sources = settings.get("VEILLE_SOURCES") or []
    if not isinstance(sources, (list, tuple)):
        raise VeilleError(_("VEILLE_SOURCES must be a list of sources, such as [{{\"name\": \"…\", \"feed\": \"https://…\"}}]"))
    read = [_source(number, entry) for number, entry in enumerate(sources, 1)]
    names = [source.name for source in read]
    twice = next((name for name in names if names.count(name) > 1), None)
    if twice:
        raise VeilleError(_("VEILLE_SOURCES: two sources are named \"{name}\": give each its own name", name=twice))
    languages = settings.get("VEILLE_LANGUAGES")
    if languages is None:
        languages = settings.get("SITE_LANGUAGES") or [settings.get("DEFAULT_LANG", "fr")]
    own_sites = [url.rstrip("/").lower() for url in (settings.get("SITEURL"), settings.get("PRODUCTION_SITEURL")) if url and "://" in url]
    own_accounts = set()
    for _name, url in settings.get("SOCIAL") or []:
        own_accounts |= _profile(str(url))
    for account in _words(settings, "VEILLE_EXCLUDE_ACCOUNTS"):
        own_accounts |= _profile(account)
    creator = settings.get("SOCIAL_FEDIVERSE_CREATOR")
    if creator:
        own_accounts.add(str(creator).lower())
    try:
        timeout = float(settings.get("VEILLE_TIMEOUT", 20))
        timing = Timing(timeout, int(settings.get("VEILLE_RETRIES", 2)), float(settings.get("VEILLE_RETRY_BASE", 1.0)), 3 * timeout)
        similarity, spike_z, latest = int(settings.get("VEILLE_SIMILARITY", 90)), float(settings.get("VEILLE_SPIKE_Z", 3)), int(settings.get("VEILLE_LATEST", 20))
    except (TypeError, ValueError) as error:
        raise VeilleError(_("a VEILLE_ setting is not a number ({error})", error=error)) from None
    return Watch(read, _words(settings, "VEILLE_KEYWORDS"), [fold(word) for word in _words(settings, "VEILLE_EXCLUDE")],
                 None if languages == "any" else {str(lang).lower().split("-")[0] for lang in languages}, own_sites, own_accounts,
                 similarity, spike_z, latest, timing)
