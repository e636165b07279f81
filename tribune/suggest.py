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


def nearly_same(names) -> dict[str, list[str]]:
    """For each of ``names``, the others a writer meant as the same (in the order of ``names``):
    the same but for case and accents, or one typo apart (two in a long name). Short names are
    left alone: "jeu" and "jeux" are two words. Each name is folded once, and compared with
    all the others at once (rapidfuzz, in C): a site's tags, each with each."""
    names = list(names)
    forms = [folded(name) for name in names]
    alike: dict[str, list[str]] = {}
    for name, form in zip(names, forms):
        found = process.extract(form, forms, scorer=Levenshtein.distance, score_cutoff=2, limit=None)
        others = sorted(index for _form, distance, index in found if names[index] != name and distance <= _typos_allowed(form, forms[index]))
        alike[name] = [names[index] for index in others]
    return alike


def _typos_allowed(one: str, other: str) -> int:
    """Typos two folded names may differ by and be one: none but for case and accents when one is short."""
    shortest = min(len(one), len(other))
    return 2 if shortest >= 10 else 1 if shortest >= 6 else 0
