"""Limits on what one content file may ask of a build: its size and how deeply it nests.

Python-Markdown recurses for each level of a nested list and quadratically for nested
brackets: a post with a list nested a few thousand levels deep runs out of recursion after
seconds, brackets nested ten thousand deep take a minute, and a file of a gigabyte is read
whole. Such a file is a mistake (or an attack), never writing: it is refused at its line
before anything is built, by the lint (:func:`check_limits`) and by the readers themselves
(:func:`install`), since the lint runs beside the build.

Settings: ``MARKDOWN_MAX_BYTES`` (5 MB) and ``MARKDOWN_MAX_NESTING`` (40 levels of lists and
quotes, or of brackets). Images have theirs in :mod:`tribune.images`.
"""

import os
import re
from collections.abc import Iterable

from pelican import signals

from tribune.i18n import _, number
from tribune.lint import EACH_FILE, Corpus, Problem, SourceMemo, display_path, reads
from tribune.source import Source, outside_fences

DEFAULT_MAX_BYTES = 5_000_000
DEFAULT_MAX_NESTING = 40

# The quote marks and list markers that open a line, in any mix ("> - > 1. text").
_OPENERS = re.compile(r"^[ \t]*(?:(?:>|[-*+][ \t]|\d{1,9}[.)][ \t])[ \t]*)+")
_OPENER = re.compile(r">|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])")
_PREFIX_CHARACTERS = " \t>-*+.)0123456789"
_BRACKET = re.compile(r"[\[\]]")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^<>]*?(/?)>")
# Elements that nest nothing: void ones, and those whose end tag HTML lets a writer leave out.
_FLAT_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
                  "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot", "rt", "rp"}


class LimitError(ValueError):
    """A content file over a limit; the message names the line and what to do."""


def max_bytes(settings: dict) -> int:
    return int(settings.get("MARKDOWN_MAX_BYTES") or DEFAULT_MAX_BYTES)


def max_nesting(settings: dict) -> int:
    return int(settings.get("MARKDOWN_MAX_NESTING") or DEFAULT_MAX_NESTING)


def _in_words(size: int) -> str:
    if size >= 1e6:
        return _("{size} MB", size=number(size / 1e6, 1, optional=True))
    return _("{size} KB", size=number(size / 1e3))


def too_large(size: int, settings: dict) -> str | None:
    """What is wrong with a file of ``size`` bytes, or None."""
    limit = max_bytes(settings)
    if size > limit:
        return _("the file is {size}, over the {limit} a content file may be (MARKDOWN_MAX_BYTES): split it, and put large "
                 "files in content/images/", size=_in_words(size), limit=_in_words(limit))
    return None


def _block_depth(line: str) -> int:
    """Levels of quotes and lists a line opens: each quote mark and list marker that opens
    it, and each four columns of indentation before them (Python-Markdown's list indent)."""
    spaces = line.expandtabs(4)
    indentation = len(spaces) - len(spaces.lstrip(" "))
    openers = _OPENERS.match(line)
    return indentation // 4 + (len(_OPENER.findall(openers.group(0))) if openers else 0)


class _Depths:
    """Nesting that spans lines: brackets within a paragraph (Python-Markdown's inline
    patterns work on a paragraph at a time), HTML elements across the whole text."""

    def __init__(self):
        self.brackets = self.elements = 0

    def after(self, line: str) -> int:
        """Read one line; the deepest nesting of brackets or elements it reaches."""
        if not line.strip():
            self.brackets = 0
            return 0
        deepest = 0
        if "[" in line or "]" in line:
            for mark in _BRACKET.findall(line):
                self.brackets = self.brackets + 1 if mark == "[" else max(self.brackets - 1, 0)
                deepest = max(deepest, self.brackets)
        if "<" in line:
            for closing, name, self_closing in _TAG.findall(line):
                if closing:
                    self.elements = max(self.elements - 1, 0)
                elif not self_closing and name.lower() not in _FLAT_ELEMENTS:
                    self.elements += 1
                    deepest = max(deepest, self.elements)
        return deepest


def too_deep(text: str, settings: dict) -> tuple[int, str] | None:
    """The first line of ``text`` (counted from 1) nested deeper than the limit, and what
    is wrong with it; None when none is. Lines in fenced code are not Markdown."""
    limit = max_nesting(settings)
    depths = _Depths()
    for line_number, line in outside_fences(enumerate(text.splitlines(), start=1)):
        # A line cannot open more levels of lists and quotes than its prefix has characters:
        # most lines are passed over by that count.
        depth = max(_block_depth(line) if len(line) - len(line.lstrip(_PREFIX_CHARACTERS)) > limit else 0, depths.after(line))
        if depth > limit:
            return line_number, _("lists, quotes or brackets nested {depth} levels deep, over the {limit} a page may nest "
                                  "(MARKDOWN_MAX_NESTING): flatten them", depth=depth, limit=limit)
    return None


@reads(EACH_FILE)
def check_limits(corpus: Corpus) -> Iterable[Problem]:
    """Bodies nested too deeply, at their line (file sizes are checked before a file is read)."""
    settings = corpus.settings

    def nested(source: Source) -> Iterable[Problem]:
        found = too_deep(source.body, settings)
        if found:
            line, message = found
            yield Problem(display_path(source.path), source.body_line + line - 1, "", message)

    for sources in corpus.sources.values():
        for source in sources:
            yield from _nested.recall(corpus, source, max_nesting(settings), nested)


_nested = SourceMemo()


def _limited_reader(reader_class: type) -> type:
    """``reader_class`` whose read() refuses a file over the limits before reading it."""

    def read(self, source_path):
        wrong = too_large(os.stat(source_path).st_size, self.settings)
        if wrong:
            raise LimitError(f"{display_path(source_path)}:1: {wrong}")
        with open(source_path, encoding="utf-8", errors="replace") as stream:
            found = too_deep(stream.read(), self.settings)
        if found:
            raise LimitError(f"{display_path(source_path)}:{found[0]}: {found[1]}")
        return reader_class.read(self, source_path)

    return type(f"Limited{reader_class.__name__}", (reader_class,), {"read": read, "__doc__": reader_class.__doc__})


def limit_readers(readers) -> None:
    for extension, reader_class in readers.reader_classes.items():
        if not reader_class.__name__.startswith("Limited"):
            readers.reader_classes[extension] = _limited_reader(reader_class)


def register(registry) -> None:
    registry.add_rule(check_limits)


def install() -> None:
    signals.readers_init.connect(limit_readers)
