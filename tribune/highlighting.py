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

import markdown
import pygments
from markdown.extensions.codehilite import CodeHilite
from pygments.lexers._mapping import LEXERS
from pygments.styles import STYLE_MAP
from pelican import signals

from tribune.caches import Kept

_kept: Kept | None = None  # the blocks of the site whose readers were made last


def follow_settings(readers) -> None:
    """Read and write the blocks of the site whose readers are being made (Pelican makes
    them once per generator, with that site's settings)."""
    global _kept
    _kept = Kept(readers.settings, "highlight")


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


def _keeping(hilite):
    def highlighted(self: CodeHilite, shebang: bool = True) -> str:
        kept = _kept
        if kept is None or not kept.used or not self.use_pygments or not isinstance(self.src, str):
            return hilite(self, shebang)
        key = _key(self, shebang)
        if key is None:
            return hilite(self, shebang)
        html = kept.get(key, key)
        if not isinstance(html, str):
            html = hilite(self, shebang)
            kept.put(key, key, html)
        return html

    highlighted.tribune = True
    return highlighted


def install() -> None:
    """Keep highlighted blocks (once per process), for every reader of Markdown."""
    if not getattr(CodeHilite.hilite, "tribune", False):
        CodeHilite.hilite = _keeping(CodeHilite.hilite)
    signals.readers_init.connect(follow_settings)
