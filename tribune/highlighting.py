"""Code blocks highlighted once, kept beside Pelican's content cache.

A rebuild reads again only the posts whose files changed. Highlighting a code block of one
of them first compiles Pygments' lexer for its language, once per process: 18 ms for Python,
more than the rest of reading the post, most often for a block that did not change. The HTML
of a block depends on its text, the highlighter's options and the versions of Markdown and
Pygments alone, so it is kept on disk under the digest of all of them, as Pelican keeps what
its readers read: looked up when ``LOAD_CONTENT_CACHE`` is on, written when ``CACHE_CONTENT``
is (:func:`follow_settings`, on each ``readers_init``). Only blocks whose every input is
described are kept (:func:`_key`); the others are highlighted as before.
"""

import hashlib
from functools import cache
from pathlib import Path

import markdown
import pygments
from markdown.extensions.codehilite import CodeHilite
from pygments.lexers._mapping import LEXERS
from pygments.styles import STYLE_MAP
from pelican import signals

from tribune.caches import keep_pickle, load_pickle

_FOLDER = "highlight"
_cache: dict[str, Path | None] = {"read": None, "write": None}


def follow_settings(readers) -> None:
    """Read and write the blocks of the site whose readers are being made (Pelican makes
    them once per generator, with that site's settings)."""
    settings = readers.settings
    folder = Path(settings["CACHE_PATH"]) / _FOLDER
    _cache["read"] = folder if settings.get("LOAD_CONTENT_CACHE") else None
    _cache["write"] = folder if settings.get("CACHE_CONTENT") else None


def _key(block: CodeHilite, shebang: bool) -> str | None:
    """The digest of what makes the block's HTML; None when that is not all described here:
    a language Pygments itself does not name (guessed, or a plugin's lexer, which an installed
    package may change), a formatter or style of a plugin, or an option whose repr holds an
    address (another value in every process)."""
    options = repr(sorted(block.options.items()))
    style = block.options.get("style", "default")
    if (" at 0x" in options or block.pygments_formatter != "html" or block.lang not in _builtin_lexers()
            or not isinstance(style, str) or style not in STYLE_MAP):
        return None
    described = repr((markdown.__version__, pygments.__version__, shebang, block.src, block.lang, block.guess_lang,
                      block.lang_prefix, options))
    return hashlib.blake2b(described.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@cache
def _builtin_lexers() -> frozenset[str]:
    """The languages Pygments' own lexers name (found before any plugin's)."""
    return frozenset(alias for _module, _name, aliases, _files, _types in LEXERS.values() for alias in aliases)


def _kept(hilite):
    def highlighted(self: CodeHilite, shebang: bool = True) -> str:
        if not self.use_pygments or not (_cache["read"] or _cache["write"]) or not isinstance(self.src, str):
            return hilite(self, shebang)
        key = _key(self, shebang)
        if key is None:
            return hilite(self, shebang)
        name = f"{key}.pickle"
        if _cache["read"]:
            html = load_pickle(_cache["read"] / name)
            if isinstance(html, str):
                return html
        html = hilite(self, shebang)
        if _cache["write"]:
            keep_pickle(_cache["write"] / name, html)
        return html

    highlighted.tribune = True
    return highlighted


def install() -> None:
    """Keep highlighted blocks (once per process), for every reader of Markdown."""
    if not getattr(CodeHilite.hilite, "tribune", False):
        CodeHilite.hilite = _kept(CodeHilite.hilite)
    signals.readers_init.connect(follow_settings)
