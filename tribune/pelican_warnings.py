"""Pelican's own warnings, at the content line that caused them, in the site's language, on
every build.

Pelican names a link it cannot resolve ("Unable to find '/pages/chartre.md', skipping url
replacement.") but neither the file nor the line that holds it, and in English: a writer
cannot act on that. The quoted value of a warning is looked for in the content files, and the
warning is said at the first line that holds it (``path:line: message``, as the lint says its
problems); a warning Tribune knows is said in the site's language.

Pelican warns while it renders a post, and a rebuild that takes the post's pages from the
previous output (the page cache, :mod:`tribune.rendering`) renders nothing: the warning would
be said once, then never again, although the page still holds what caused it. So each
warning found in a content file is kept (``pelican-warnings.json`` in ``CACHE_PATH``, with
Pelican's caching switches) with the file's size and time, and said again by every build
that reuses pages while the file has not changed.
"""

import json
import re
from collections.abc import Iterable
from pathlib import Path

from tribune.i18n import _
from tribune.lint import display_path

_QUOTED = re.compile(r"'([^'\s]{3,})'")
_UNRESOLVED = re.compile(r"^Unable to find '(?P<target>[^']+)', skipping url replacement\.$")
_UNKNOWN_INDICATOR = re.compile(r"^Replacement Indicator '(?P<what>[^']+)' not recognized in '(?P<origin>[^']+)', skipping replacement$")
_KEPT = "pelican-warnings.json"


def in_words(message: str) -> str:
    """The warning in the site's language when Tribune knows it, else as Pelican wrote it."""
    unresolved = _UNRESOLVED.match(message)
    if unresolved:
        return _("{target}: no such file in content/, the link would be published broken; correct the path",
                 target=unresolved["target"])
    unknown = _UNKNOWN_INDICATOR.match(message)
    if unknown:
        return _("{origin}: {{{what}}} is no kind of link Pelican knows ({{filename}}, {{static}} or {{attach}}): the link would be "
                 "published as written; correct it", origin=unknown["origin"], what=unknown["what"])
    return message


def _where(value: str, content: Path) -> tuple[Path, int] | None:
    """The content file and line that first hold ``value``."""
    for path in sorted(content.rglob("*.md")):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue  # the lint says why
        for number, line in enumerate(lines, 1):
            if value in line:
                return path, number
    return None


def _stamp(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def _located(messages: Iterable[str], content: Path) -> list[tuple[Path | None, str]]:
    """Each warning once, with the content file it comes from (or None) and its line said."""
    found = []
    for message in dict.fromkeys(messages):
        quoted = _QUOTED.search(message)
        where = _where(quoted.group(1), content) if quoted else None
        if where:
            found.append((where[0], f"{display_path(where[0])}:{where[1]}: {in_words(message)}"))
        else:
            found.append((None, in_words(message)))
    return found


def every_build(messages: list[str], settings: dict, reused: bool) -> list[str]:
    """The warnings of this build, located, and those of earlier builds still true: their file
    unchanged, and pages taken from the previous output (``reused``) that may hold them."""
    found = _located(messages, Path(settings["PATH"]))
    said = [line for _path, line in found]
    cache = Path(settings.get("CACHE_PATH") or "cache") / _KEPT
    kept: dict[str, dict] = {}
    if settings.get("LOAD_CONTENT_CACHE") and reused:
        try:
            kept = json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            kept = {}  # none kept, or a damaged file: this build's warnings only
    still = {name: entry for name, entry in kept.items() if isinstance(entry, dict) and _stamp(Path(name)) == entry.get("stamp")}
    for entry in still.values():
        said += [line for line in entry.get("warnings", []) if isinstance(line, str) and line not in said]
    for path, line in found:
        if path is not None:
            entry = still.setdefault(str(path), {"stamp": _stamp(path), "warnings": []})
            if line not in entry["warnings"]:
                entry["warnings"].append(line)
    if settings.get("CACHE_CONTENT"):
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(json.dumps(still, ensure_ascii=False), encoding="utf-8")
        except OSError:
            pass  # a cache that cannot be written: the warnings are said this time anyway
    return said
