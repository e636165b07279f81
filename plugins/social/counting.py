"""Each network's count of a text, as the network itself counts it.

- **Mastodon** counts grapheme clusters (what a reader sees as one character: ``é`` written
  as ``e`` + a combining accent is one, a family emoji of five code points is one); every
  URL written with its ``http(s)://`` counts 23, whatever its length, and a remote mention
  ``@name@instance`` counts as ``@name``. That is Mastodon's ``StatusLengthValidator``
  (app/validators/status_length_validator.rb: ``URL_PLACEHOLDER_CHARS = 23``,
  ``str.each_grapheme_cluster.size``); the limit is the instance's
  (``configuration.statuses.max_characters`` of /api/v2/instance, 500 by default).
- **Bluesky** counts grapheme clusters of the whole text, URLs included as displayed: the
  lexicon of ``app.bsky.feed.post`` gives ``text`` ``maxGraphemes: 300`` and
  ``maxLength: 3000`` (UTF-8 bytes).
- **X** weighs each code point of the NFC-normalised text, as twitter-text's
  ``parseTweet`` does with its published configuration ``config/v3.json``::

      {"version": 3, "maxWeightedTweetLength": 280, "scale": 100, "defaultWeight": 200,
       "emojiParsingEnabled": true, "transformedURLLength": 23,
       "ranges": [{"start": 0, "end": 4351, "weight": 100}, {"start": 8192, "end": 8205, "weight": 100},
                  {"start": 8208, "end": 8223, "weight": 100}, {"start": 8242, "end": 8247, "weight": 100}]}

  so a code point in those ranges (Latin with its accents, most punctuation) weighs 1, any
  other (CJK, emoji parts) 2, an emoji sequence 2 whatever its code points, and every URL
  23 — with or without ``https://`` (twitter-text also finds ``exemple.fr/page``).
- **LinkedIn** documents a 3,000-character limit and no counting rule; its composer is a web
  page counting JavaScript string length, so UTF-16 code units are counted: an emoji counts
  2 there, the cautious reading.

Graphemes come from the ``regex`` module's ``\\X`` (Unicode's extended grapheme clusters).
"""

import unicodedata

import regex

GRAPHEME = regex.compile(r"\X")
# An http(s) URL as Mastodon and twitter-text delimit it: it ends at a space or at a character
# no URL holds, and trailing punctuation (a full stop, a closing bracket with no opening one)
# is the sentence's, not the URL's.
_URL = regex.compile(r"https?://[^\s<>\"«»“”‘’{}|\\^`]+", regex.IGNORECASE)
_BARE_DOMAIN = regex.compile(r"(?<![\w@./:-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}(?:/[^\s<>\"«»“”]*)?(?![\w@])",
                             regex.IGNORECASE)
_REMOTE_MENTION = regex.compile(r"(?<![=/\w])@(\w+)@[\w.-]+\w", regex.IGNORECASE)
_TRAILING = ".,;:!?'"
_URL_WEIGHT = 23

MASTODON_URL_LENGTH = _URL_WEIGHT
X_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
# A code point outside X's weight-1 ranges (it weighs 2), and one that makes its grapheme an
# emoji (_is_emoji: the whole grapheme weighs 2). A text without the latter weighs its code
# points, counted in two regex passes instead of a grapheme and a weight per character: the
# common case (French text is heavy only by its narrow no-break spaces).
_HEAVY = regex.compile("[^" + "".join(f"\\u{start:04x}-\\u{end:04x}" for start, end in X_RANGES) + "]")
_EMOJI = regex.compile(r"[\ufe0f\u20e3]|(?=[^\x00-\u10ff])[\p{Extended_Pictographic}\p{Regional_Indicator}]")


def graphemes(text: str) -> int:
    return len(GRAPHEME.findall(text))


def _trimmed(url: str) -> str:
    """``url`` without the sentence's punctuation after it (a ")" it did not open included)."""
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url


def urls(text: str, bare: bool = False) -> list[tuple[int, int]]:
    """(start, end) of each URL of ``text``; with ``bare``, domains without a scheme too."""
    found = []
    for match in _URL.finditer(text):
        url = _trimmed(match.group())
        if "." in url.split("://", 1)[1]:
            found.append((match.start(), match.start() + len(url)))
    if bare:
        taken = lambda start: any(a <= start < b for a, b in found)  # noqa: E731
        for match in _BARE_DOMAIN.finditer(text):
            if not taken(match.start()):
                found.append((match.start(), match.start() + len(_trimmed(match.group()))))
    return sorted(found)


def _replace_urls(text: str, spans: list[tuple[int, int]], placeholder: str) -> str:
    pieces, last = [], 0
    for start, end in spans:
        pieces += [text[last:start], placeholder]
        last = end
    return "".join(pieces) + text[last:]


def mastodon_length(text: str) -> int:
    countable = _replace_urls(text, urls(text), "x" * _URL_WEIGHT)
    return graphemes(_REMOTE_MENTION.sub(r"@\1", countable))


def bluesky_length(text: str) -> int:
    return graphemes(text)


def _is_emoji(cluster: str) -> bool:
    """A grapheme cluster that twitter-text's emoji parser takes as one emoji."""
    if "\ufe0f" in cluster or "\u20e3" in cluster:  # presentation selector, keycap
        return True
    return any(ord(c) > 0x10FF and regex.match(r"\p{Extended_Pictographic}|\p{Regional_Indicator}", c) for c in cluster)


def _weight(character: str) -> int:
    code = ord(character)
    return 1 if any(start <= code <= end for start, end in X_RANGES) else 2


def x_length(text: str) -> int:
    text = unicodedata.normalize("NFC", text)
    total, last = 0, 0
    for start, end in urls(text, bare=True):
        total += _x_text_weight(text[last:start]) + _URL_WEIGHT
        last = end
    return total + _x_text_weight(text[last:])


def _x_text_weight(text: str) -> int:
    if not _EMOJI.search(text):  # each code point weighs 1, or 2 outside the ranges
        return len(text) + len(_HEAVY.findall(text))
    return sum(2 if _is_emoji(cluster) else sum(map(_weight, cluster)) for cluster in GRAPHEME.findall(text))


def linkedin_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
