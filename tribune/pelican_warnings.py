"""Pelican's own warnings, at the content line that caused them, in the site's language.

Pelican names a link it cannot resolve ("Unable to find '/pages/chartre.md', skipping url
replacement.") but neither the file nor the line that holds it, and in English: a writer
cannot act on that. The quoted value of a warning is looked for in the content files, and the
warning is said at the first line that holds it (``path:line: message``, as the lint says
its problems); a warning Tribune knows is said in the site's language.
"""

import re
from collections.abc import Iterable
from pathlib import Path

from tribune.i18n import _
from tribune.lint import display_path

_QUOTED = re.compile(r"'([^'\s]{3,})'")
_UNRESOLVED = re.compile(r"^Unable to find '(?P<target>[^']+)', skipping url replacement\.$")


def in_words(message: str) -> str:
    """The warning in the site's language when Tribune knows it, else as Pelican wrote it."""
    unresolved = _UNRESOLVED.match(message)
    if unresolved:
        return _("{target}: no such file in content/, the link would be published broken; correct the path",
                 target=unresolved["target"])
    return message


def _where(value: str, content: Path) -> str | None:
    """``path:line`` of the first content line that holds ``value``."""
    for path in sorted(content.rglob("*.md")):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue  # the lint says why
        for number, line in enumerate(lines, 1):
            if value in line:
                return f"{display_path(path)}:{number}"
    return None


def located(messages: Iterable[str], content: Path) -> list[str]:
    """Each warning once, said at the content line its quoted value comes from, when found."""
    said = []
    for message in dict.fromkeys(messages):
        quoted = _QUOTED.search(message)
        where = _where(quoted.group(1), content) if quoted else None
        said.append(f"{where}: {in_words(message)}" if where else in_words(message))
    return said
