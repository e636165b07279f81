"""Reading a Markdown content file the way Pelican will, but keeping line numbers.

Pelican's Markdown reader (Python-Markdown's ``meta`` extension) gives a dict of metadata
and forgets where each value came from. The lint needs the line of every field to say
``content/posts/x.md:3: Date: ...``, so it reads the header itself, with the same rules:
``Key: value`` lines at the top of the file, indented continuation lines, an optional
``---`` fence, and the header ends at the first blank line.
"""

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tribune.i18n import _

_FENCE = re.compile(r"^-{3}\s*$")
_CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_FIELD = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_CONTINUATION = re.compile(r"^[ ]{4,}(?P<value>.*)$")
_INDENTED_FIELD = re.compile(r"^(?:\t|[ ]{4,})\s*(?P<key>[A-Za-z0-9_-]+):(?:\s|$)(?P<value>.*)$")


class SourceError(Exception):
    """A content file that cannot be read at all: empty, not UTF-8, without metadata."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(slots=True)
class Field:
    """One metadata field as written: its key as the writer spelt it, value and line."""

    key: str
    value: str
    line: int


@dataclass(eq=False)
class Source:
    """A content file: where it is, its metadata fields, and its body. One object for each
    reading of the file, told apart by identity (as the lint's memos do)."""

    path: Path
    fields: dict[str, Field] = field(default_factory=dict)  # by lower-case key
    body_line: int = 1
    # Lines that look like fields but are indented (a tab, four spaces or more), which Pelican
    # reads as the previous field's continuation, or as the start of the text: the field is lost.
    indented: list[Field] = field(default_factory=list)
    stored_body: str | bytes = field(default="", repr=False)  # the body, or its UTF-8 once packed

    @property
    def body(self) -> str:
        """The text after the header."""
        body = self.stored_body
        return body if isinstance(body, str) else body.decode("utf-8")

    def pack(self) -> None:
        """Hold the body as UTF-8 when that is smaller: a source kept from one lint to the next
        (``invoke serve``) holds French text, which Python stores with two bytes a character as
        soon as one of them is past Latin-1 (a ’, a narrow no-break space): 47 MB of bodies
        at 5 000 posts instead of 25. Read again only by rules that look at every file's text."""
        body = self.stored_body
        if isinstance(body, str) and not body.isascii():  # ASCII or Latin-1: a byte a character already
            encoded = body.encode("utf-8")
            if sys.getsizeof(encoded) * 4 < sys.getsizeof(body) * 3:
                self.stored_body = encoded

    def __getstate__(self) -> dict:
        """Pickled with its body as text, packed or not: the digests of the contents that
        hold a source (``header``, :mod:`tribune.fingerprint`) do not change when it is packed."""
        return {**vars(self), "stored_body": self.body}

    def get(self, key: str, default: str | None = None) -> str | None:
        found = self.fields.get(key.lower())
        return found.value if found else default

    def values(self) -> dict[str, str]:
        """Every field's value by lower-case key, as Pelican's metadata names them."""
        return {key: found.value for key, found in self.fields.items()}

    def body_lines(self):
        """Each line of the body with its line number in the file."""
        for offset, line in enumerate(self.body.splitlines()):
            yield self.body_line + offset, line

    def line_of(self, key: str) -> int:
        """The line of ``key``, or the first line when the field is missing."""
        found = self.fields.get(key.lower())
        return found.line if found else 1


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(line, _("the file is not UTF-8 text (byte 0x{byte:02X}); save it as UTF-8 in your editor",
                                  byte=data[error.start])) from None


def outside_fences(lines: Iterable[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """The numbered lines of Markdown that are not inside fenced code blocks (``` or ~~~):
    code is printed as written, so rules about what text does leave it alone."""
    fence = None
    for number, line in lines:
        opening = _CODE_FENCE.match(line) if "`" in line or "~" in line else None
        if fence is None and opening:
            fence = opening.group(1)[0]
        elif fence is not None:
            if opening and opening.group(1)[0] == fence:
                fence = None
        else:
            yield number, line


# Sources already read in this process, with the (size, time) they were read at: the lint
# and the newsletter's catalogue both read every header of a build; the second read is free.
_READ: dict[Path, tuple[tuple[int, int], Source]] = {}


def forget_sources() -> None:
    """Let go of every source read (the lint's memos do too: :func:`tribune.lint.forget_memos`)."""
    _READ.clear()


def read_source(path: Path, keep: bool = True) -> Source:
    """Read ``path`` into a :class:`Source` (not to be modified), or raise :class:`SourceError`.
    Kept for the next reader of the same file as it is, unless ``keep`` is False: a reader
    of every post's header (the newsletter's index of posts, during a build) would otherwise
    hold every post's text in memory until the build ends (50 MB at 5 000 posts)."""
    stat = path.stat()
    stamp = (stat.st_size, stat.st_mtime_ns)
    known = _READ.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    source = _parse(path)
    if keep:
        _READ[path] = (stamp, source)
    return source


def _parse(path: Path) -> Source:
    return parse_text(path, _decode(path, path.read_bytes()))


def parse_text(path: Path, text: str) -> Source:
    """The :class:`Source` that the file ``path`` holding ``text`` would be (it may not exist yet)."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise SourceError(1, _("the file is empty (expected metadata such as Title: and Date:, then the text)"))
    lines = text.splitlines()
    source = Source(path=path)
    index = 1 if lines and _FENCE.match(lines[0]) else 0
    previous: Field | None = None
    while index < len(lines):
        line = lines[index]
        if not line.strip() or _FENCE.match(line):
            index += 1
            break
        match = _FIELD.match(line)
        indented = _INDENTED_FIELD.match(line)
        if indented:
            source.indented.append(Field(indented["key"], indented["value"].strip(), index + 1))
        if match:
            previous = Field(match["key"], match["value"].strip(), index + 1)
            source.fields[previous.key.lower()] = previous
        elif previous and _CONTINUATION.match(line):
            previous.value = f"{previous.value} {line.strip()}".strip()
        else:
            break
        index += 1
    if not source.fields:
        raise SourceError(1, _("the file has no metadata (it must start with lines such as Title: and Date:, then a blank line)"))
    source.stored_body = "\n".join(lines[index:])
    source.body_line = index + 1
    return source
