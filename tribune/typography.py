"""French typography on rendered HTML.

French puts a narrow no-break space (U+202F) before ; : ! ? and inside « », so that the
mark never starts a line, keeps a dash of incise with the word before it (no line begins
with "— novembre 2026"), and writes the apostrophe ’ rather than the typewriter '. Writers type a plain space, a no-break space or nothing at all;
this module makes all three right in text, and leaves alone what is not prose: code,
preformatted blocks, scripts, tag attributes, entities and URLs ("https://", "10:30").
"""

import re

NARROW_NBSP = "\u202f"

# Elements whose text is not prose.
_RAW_ELEMENTS = {"code", "pre", "kbd", "samp", "script", "style", "textarea", "var"}

# Tags and comments, so that only the text between them is touched.
_MARKUP = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)\s*>", re.DOTALL)

# Pieces of text that must stay as written: URLs, e-mail addresses, entities.
_VERBATIM = re.compile(r"((?:https?|ftp|mailto):\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.-]+|&#?\w+;)")

_NBSP_ENTITIES = re.compile(r"&nbsp;|&#160;|&#x[aA]0;")
_SPACE = "[ \u00a0\u202f]"
_SPACE_BEFORE_MARK = re.compile(rf"{_SPACE}+([;:!?»])")
_SPACE_AFTER_GUILLEMET = re.compile(rf"«{_SPACE}*")
# A mark glued to the word before it: "Génial!" (the mark must end a word, not sit inside one).
_GLUED_HIGH_MARK = re.compile(r"(?<=[\w)\]…'’\"])([;!?])(?=\s|$|[;!?.,)\]»…])")
_GLUED_COLON = re.compile(r"(?<=[\w)\]…»])(:)(?=\s|$)")
_GLUED_CLOSING_GUILLEMET = re.compile(r"(?<=[^\s\u00a0\u202f«])»")
_TYPEWRITER_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_SPACE_BEFORE_DASH = re.compile(r"(?<=\S)[ \u00a0]+(?=[—–](?:\s|$))")


# Text without any of these characters has nothing to fix: most text nodes are skipped at once.
_TRIGGERS = re.compile(r"[;:!?«»'—–]")


def _has(text: str, signs) -> bool:
    """Whether any of ``signs`` (characters, or strings) is in ``text``."""
    return any(sign in text for sign in signs)


def _fix_prose(text: str) -> str:
    """Each rule runs only where its mark is in the text (the same result: a rule that cannot
    match changes nothing, and none adds a mark another looks for): almost every French
    paragraph has an apostrophe, few have the rest, and each rule scans the whole text (its
    lookbehinds at every character). The typography of a site's posts took a tenth of a
    build's CPU, more than half of it in rules with nothing to do."""
    if not _TRIGGERS.search(text):
        return text
    if _has(text, ";:!?»"):
        text = _SPACE_BEFORE_MARK.sub(NARROW_NBSP + r"\1", text)
    if "«" in text:
        text = _SPACE_AFTER_GUILLEMET.sub("«" + NARROW_NBSP, text)
    if _has(text, ";!?"):
        text = _GLUED_HIGH_MARK.sub(NARROW_NBSP + r"\1", text)
    if ":" in text:
        text = _GLUED_COLON.sub(NARROW_NBSP + r"\1", text)
    if "'" in text:
        text = _TYPEWRITER_APOSTROPHE.sub("’", text)
    if _has(text, "—–"):
        text = _SPACE_BEFORE_DASH.sub("\u00a0", text)
    return _GLUED_CLOSING_GUILLEMET.sub(NARROW_NBSP + "»", text) if "»" in text else text


# What every piece _VERBATIM keeps as written contains (its e-mail addresses' pattern tries at
# each letter of a text: the costliest scan here).
_VERBATIM_SIGNS = ("@", "&", "www.", "http", "ftp", "mailto")


def french_text(text: str) -> str:
    """Apply French typography to plain text (a title), leaving URLs as they are."""
    if not _TRIGGERS.search(text):
        return text
    if "&" in text:
        text = _NBSP_ENTITIES.sub("\u00a0", text)
    if not _has(text, _VERBATIM_SIGNS):
        return _fix_prose(text)
    pieces = _VERBATIM.split(text)
    # split() with one group alternates prose (even indexes) and verbatim pieces (odd).
    return "".join(piece if index % 2 else _fix_prose(piece) for index, piece in enumerate(pieces))


_READ_ATTRIBUTE = re.compile(r'(\s(?:alt|title)=")([^"]*)(")')


def french_html(html: str) -> str:
    """Apply French typography to the text nodes of an HTML fragment, and to the attributes
    readers read (an image's alt text, a title)."""
    out = []
    raw_depth = 0
    for index, chunk in enumerate(_MARKUP.split(html)):
        if index % 2:  # a tag or a comment
            if not chunk.startswith("<!--") and ('alt="' in chunk or 'title="' in chunk):
                chunk = _READ_ATTRIBUTE.sub(lambda m: m.group(1) + french_text(m.group(2)) + m.group(3), chunk)
            out.append(chunk)
            tag = _TAG_NAME.match(chunk)
            if tag and tag.group(2).lower() in _RAW_ELEMENTS and not tag.group(3):
                raw_depth = max(0, raw_depth - 1) if tag.group(1) else raw_depth + 1
        else:
            out.append(chunk if raw_depth else french_text(chunk))
    return "".join(out)
