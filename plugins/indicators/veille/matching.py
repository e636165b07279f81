"""Which texts are mentions: a keyword found outside the excluded phrases, in one of the
languages watched, not from the community's own site or accounts.

Words are compared folded (lower case, without accents, punctuation as spaces), whole: the
keyword "Boussole" matches "la boussole !" and the hashtag "#Boussole", not "Boussoles";
"Guilde Boussole" also matches the hashtag "#GuildeBoussole". An excluded phrase ("boussole
numérique") is taken out of the text before the keywords are looked for, so a text that
speaks of both still counts.
"""

import re
import unicodedata
from functools import cache

from .config import Watch

_NOT_WORD = re.compile(r"[^\w]+")
_URL = re.compile(r"https?://\S+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text or "").casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", bare).split())


@cache
def _phrase(folded: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(folded)}(?!\w)")


def matched_keyword(text: str, watch: Watch) -> str | None:
    """The first keyword of the watch that ``text`` mentions, as the settings write it."""
    folded = fold(_URL.sub(" ", text))
    for excluded in watch.exclude:
        folded = _phrase(excluded).sub(" ", folded)
    for keyword in watch.keywords:
        words = fold(keyword)
        if words and (_phrase(words).search(folded) or _phrase(words.replace(" ", "")).search(folded)):
            return keyword
    return None


def in_languages(lang: str, watch: Watch) -> bool:
    """A mention in a watched language, or whose language is unknown (kept: better seen twice
    than missed)."""
    return watch.languages is None or not lang or lang.lower().split("-")[0] in watch.languages


def is_own(url: str, authors: list[str], watch: Watch) -> bool:
    """A page of the community's own site, or a post of one of its accounts."""
    address = (url or "").lower()
    if any(address == site or address.startswith(site + "/") for site in watch.own_sites):
        return True
    return any(author and author.lower().rstrip("/") in watch.own_accounts for author in authors)
