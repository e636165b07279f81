"""E-mail addresses and phone numbers in a text, however they are disguised.

A writer who pastes a member's contact details rarely writes them plainly: ``jean [at]
exemple.fr``, ``jean&#64;exemple.fr``, a full-width ＠, a number spaced with no-break
spaces or slashes, a ``https://wa.me/336…`` link. The text is first brought to what a
reader sees (HTML entities decoded, Unicode look-alikes folded by NFKC, invisible format
characters dropped); links are taken apart (their path, query and fragment percent-decoded);
phone numbers are then recognised by libphonenumber (``phonenumbers``) rather than by a
pattern of our own, so that foreign numbers are found and dates, prices or ISBNs are not.

What is deliberately not personal data here: a fediverse handle (``@lea@mastodon.example``)
and a profile address (``https://mastodon.example/@lea``) are public pages the person chose
to list, not a private way to reach them; digits in the path of an ordinary web address
(``https://exemple.fr/0612345678``) are taken for an identifier. This module serves any
content kind; the members' lint is its first user.
"""

import functools
import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

import phonenumbers
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from phonenumbers import Leniency, PhoneMetadata, PhoneNumberMatcher

from tribune.i18n import _

EMAIL = "an e-mail address"
PHONE = "a phone number"


def in_words(what: str) -> str:
    """What a finding is (:data:`EMAIL`, :data:`PHONE`), in the site's language."""
    return {EMAIL: _("an e-mail address"), PHONE: _("a phone number")}.get(what, what)

# What the reader sees differently from what is typed: entities and any non-ASCII character.
_ENCODED = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?|[^\x00-\x7f]")

# "@" and "." as written or disguised: "[at]", "(at)", " at ", " arobase ", "[dot]", " point "...
_AT = r"(?:[ ]?@[ ]?|\s*[\[({<]\s*(?i:at|arobase)\s*[\])}>]\s*|\s+(?i:at|arobase)\s+)"
_DOT = r"(?:\.|\s*[\[({<]\s*(?i:dot|point)\s*[\])}>]\s*|\s+(?i:dot|point)\s+)"
# The local part may not follow an "@": "@lea@mastodon.example" is a handle, not an address;
# and "logo@2x.png" is an image for high-density screens.
_FILE_TYPES = "png|jpe?g|gif|webp|avif|svg|pdf"
_EMAIL = re.compile(
    rf"(?<![\w.+@-])[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}(?!(?i:{_FILE_TYPES})\b)[^\W\d_]{{2,}}(?![\w-])"
)

# Links whose every part may hold something: web addresses, mailto:, tel:, and the messaging
# services' short addresses, which writers paste without https://. A link ends before a comma
# (as in Links:) and before the punctuation of the sentence around it.
_MESSAGING_HOSTS = ("wa.me", "api.whatsapp.com", "web.whatsapp.com", "whatsapp.com", "t.me", "telegram.me", "signal.me")
_LINK = re.compile(
    r"(?i)(?:\b(?:https?://|mailto:|tel:|sms:|callto:)|(?<![\w.-])(?:www\.)?(?:"
    + "|".join(re.escape(host) for host in _MESSAGING_HOSTS)
    + r")/)[^\s<>\"'()\[\]{},;]*[^\s<>\"'()\[\]{},;.:!?]"
)
_PHONE_SCHEMES = ("tel", "sms", "callto")

# A run of digits and the separators numbers are written with; only runs of seven digits
# or more can be a phone number, and only those are handed to libphonenumber (fast).
_DIGIT_RUN = re.compile(r"[+(]?\d[\d \t().\-/\u2010-\u2015\u2212]*\d")
_MIN_DIGITS = 7
_CONTEXT = 4
# "06/12/34/56/78": libphonenumber takes slash-separated digits for a date; four slashes or
# more are not a date.
_SLASHED = re.compile(r"\d+(?:/\d+){4,}")
# A number in a messaging link: "336…" (wa.me, WhatsApp's phone=), "+336…" (t.me, signal.me).
_LINK_NUMBER = re.compile(r"\+?\d[\d .\-]{5,}\d")


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: what it is, and the text as written (to quote to the writer)."""

    what: str
    written: str


class _Plain:
    """A text as a reader sees it, and the way back to the positions of the text as written."""

    def __init__(self, written: str):
        pieces: list[str] = []
        self._edits: list[tuple[int, int, int, int]] = []  # (plain start, plain end, written start, written end)
        last = shift = 0
        for match in _ENCODED.finditer(written):
            plain = _plain_piece(match.group())
            if plain == match.group():
                continue
            start = match.start() + shift
            pieces += [written[last:match.start()], plain]
            self._edits.append((start, start + len(plain), match.start(), match.end()))
            shift += len(plain) - len(match.group())
            last = match.end()
        pieces.append(written[last:])
        self.text = "".join(pieces)

    def _written_char(self, index: int) -> tuple[int, int]:
        """Where the character at ``index`` of the plain text was written (an entity: all of it)."""
        for plain_start, plain_end, written_start, written_end in reversed(self._edits):
            if plain_start <= index < plain_end:
                return written_start, written_end
            if index >= plain_end:
                shifted = written_end + index - plain_end
                return shifted, shifted + 1
        return index, index + 1

    def written_span(self, start: int, end: int) -> tuple[int, int]:
        return self._written_char(start)[0], self._written_char(end - 1)[1]


@functools.lru_cache(maxsize=4096)
def _plain_piece(piece: str) -> str:
    """An entity decoded, a character folded by NFKC (＠ to @, a no-break space to a space), or
    dropped when it is an invisible format character (zero-width space, soft hyphen)."""
    text = unicodedata.normalize("NFKC", html.unescape(piece))
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def find_personal_data(text: str, regions: Sequence[str]) -> list[Finding]:
    """Every e-mail address and phone number in ``text``, in order, each quoted as written.

    ``regions`` (ISO 3166 codes, e.g. ``("FR", "CA")``) are the countries whose national
    numbers (written without + or 00) are recognised; international ones always are."""
    plain = _Plain(text)
    findings = []
    for what, start, end in _spans(plain.text, tuple(regions)):
        written_start, written_end = plain.written_span(start, end)
        findings.append(Finding(what, text[written_start:written_end]))
    return findings


def _spans(text: str, regions: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """(what, start, end) of each finding in a plain text; a link counts as one finding."""
    spans = []
    for link in _LINK.finditer(text):
        what = _in_link(link.group(), regions)
        if what:
            spans.append((what, link.start(), link.end()))
        text = _blank(text, link.start(), link.end())
    for address in _EMAIL.finditer(text):
        spans.append((EMAIL, address.start(), address.end()))
        text = _blank(text, address.start(), address.end())
    spans.extend((PHONE, start, end) for start, end in _phone_spans(text, regions))
    return sorted(spans, key=lambda span: span[1])


def _blank(text: str, start: int, end: int) -> str:
    """``text`` with a piece already looked at replaced by spaces (positions kept)."""
    return text[:start] + " " * (end - start) + text[end:]


def _in_link(link: str, regions: tuple[str, ...]) -> str | None:
    """What personal data a link holds: the address of mailto:, the number of tel: or of a
    messaging link, an address in its path, an address or a number in its query or fragment."""
    scheme, _colon, rest = link.partition(":")
    scheme = scheme.lower()
    if scheme == "mailto":
        return EMAIL if unquote(rest.partition("?")[0]).strip() else None
    if scheme in _PHONE_SCHEMES:
        return PHONE if sum(char.isdigit() for char in rest) >= _MIN_DIGITS else None
    parts = urlsplit(link if scheme in ("http", "https") else f"https://{link}")
    values = [value for _, value in parse_qsl(parts.query)] + [unquote(parts.fragment)]
    host = (parts.hostname or "").removeprefix("www.")
    if host in _MESSAGING_HOSTS and any(
        _is_number(found) for part in (unquote(parts.path), *values) for found in _LINK_NUMBER.findall(part)
    ):
        return PHONE
    if _EMAIL.search(unquote(parts.path)):
        return EMAIL
    for value in values:
        found = _spans(value, regions)
        if found:
            return found[0][0]
    return None


def _is_number(candidate: str) -> bool:
    """A number in a messaging link is international, with or without its "+"."""
    digits = re.sub(r"\D", "", candidate)
    try:
        number = phonenumbers.parse("+" + digits.removeprefix("00"))
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def _phone_spans(text: str, regions: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where libphonenumber finds a valid number of one of ``regions`` (or an international one)."""
    spans: list[tuple[int, int]] = []
    for run in _DIGIT_RUN.finditer(text):
        digits = sum(char.isdigit() for char in run.group())
        if digits < _MIN_DIGITS:
            continue
        # libphonenumber reads the characters around a number ("2026-09-07 12" before ":00"
        # is a time, "0612345678" before a letter an identifier): a few are handed with it.
        before = max(run.start() - _CONTEXT, 0)
        window = _SLASHED.sub(lambda slashed: slashed.group().replace("/", " "), text[before:run.end() + _CONTEXT])
        for region in regions:
            if digits < _shortest_number(region):
                continue
            for match in PhoneNumberMatcher(window, region, leniency=Leniency.VALID):
                start, end = before + match.start, before + match.end
                if not any(start < known_end and known_start < end for known_start, known_end in spans):
                    spans.append((start, end))
    return spans


@functools.lru_cache(maxsize=None)
def _shortest_number(region: str) -> int:
    """How many digits a person's number (fixed line or mobile) of ``region`` has at least, by
    libphonenumber's metadata: a run of fewer digits is not handed to the matcher for that region
    (most dates have eight digits; the North American numbers have ten)."""
    metadata = PhoneMetadata.metadata_for_region(region)
    lengths = [length for desc in (metadata.fixed_line, metadata.mobile) if desc for length in desc.possible_length] if metadata else []
    return min(lengths, default=_MIN_DIGITS)


def site_region(settings: dict) -> str | None:
    """The site's country, for numbers written the national way: from DEFAULT_LANG when it
    names one (``fr_CA``), else from TIMEZONE (``Europe/Paris``: FR), by Babel's CLDR data."""
    try:
        territory = Locale.parse(str(settings.get("DEFAULT_LANG", "")).replace("-", "_")).territory
    except (UnknownLocaleError, ValueError, TypeError):
        territory = None
    if territory:
        return territory
    zone = settings.get("TIMEZONE", "")
    territory = get_global("zone_territories").get(get_global("zone_aliases").get(zone, zone))
    return None if territory in (None, "ZZ") else territory  # ZZ: UTC, of no country
