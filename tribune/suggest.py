"""The closest of known names to what a writer typed: "did you mean …?".

One helper for every rule that suggests (a file a link names, a category, a tag), with
rapidfuzz: case and accents do not count, a typo or two does.
"""

import unicodedata

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein


def folded(text: str) -> str:
    """``text`` without accents nor case nor surrounding spaces: "Communauté" → "communaute"."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def closest(typed: str, known, cutoff: float = 70) -> str | None:
    """The name of ``known`` closest to ``typed`` (at least ``cutoff`` of 100 alike), or None."""
    found = process.extractOne(typed, list(known), scorer=fuzz.ratio, processor=folded, score_cutoff=cutoff)
    return found[0] if found else None


def nearly_same(one: str, other: str) -> bool:
    """Two names a writer meant as one: the same but for case and accents, or one typo apart
    (two in a long name). Short names are left alone: "jeu" and "jeux" are two words."""
    a, b = folded(one), folded(other)
    if a == b:
        return True
    shortest = min(len(a), len(b))
    allowed = 2 if shortest >= 10 else 1 if shortest >= 6 else 0
    return Levenshtein.distance(a, b, score_cutoff=allowed) <= allowed if allowed else False
