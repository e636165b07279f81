"""Code blocks highlighted once, kept beside Pelican's content cache.

A rebuild reads again only the posts whose files changed. Highlighting a code block of one
of them first compiles Pygments' lexer for its language, once per process: 18 ms for Python,
more than the rest of reading the post, most often for a block that did not change. The HTML
of a block depends on its text, the highlighter's options and the versions of Markdown and
Pygments alone, so it is kept on disk under the digest of all of them, as Pelican keeps what
its readers read: looked up when ``LOAD_CONTENT_CACHE`` is on, written when ``CACHE_CONTENT``
is (:func:`follow_settings`, on each ``readers_init``). A block whose options cannot be
described stably (an object whose repr holds its address) is highlighted as before.
"""

import hashlib
from pathlib import Path

import markdown
import pygments
from markdown.extensions.codehilite import CodeHilite
from pelican import signals

from tribune.caches import load_pickle, save_pickle

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
    described = repr((markdown.__version__, pygments.__version__, shebang, block.src, block.lang, block.guess_lang,
                      block.lang_prefix, block.pygments_formatter, sorted(block.options.items())))
    if " at 0x" in described:
        return None  # a value that is another one in every process: no key rather than a wrong one
    return hashlib.blake2b(described.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


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
            save_pickle(_cache["write"] / name, html)
        return html

    highlighted.tribune = True
    return highlighted


def install() -> None:
    """Keep highlighted blocks (once per process), for every reader of Markdown."""
    if not getattr(CodeHilite.hilite, "tribune", False):
        CodeHilite.hilite = _kept(CodeHilite.hilite)
    signals.readers_init.connect(follow_settings)
