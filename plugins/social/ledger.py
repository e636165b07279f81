"""The ledger: where each piece was posted, kept in the repository with the content.

``content/social-ledger.json`` (``SOCIAL_LEDGER``, relative to the content folder) records,
for each piece (by its file, relative to content/) and network, the copy's id and address.
It is committed with the site, so a CI job and a laptop know the same posts; the page of a
piece links to its copies from it. A run writes it after each post, whole and atomically (a
file written beside it, synced, renamed over it): a run killed at any moment leaves the
previous ledger or the new one, never half of one.

Between the moment a post is made and the moment it is recorded, a run may die: the next
run finds the post on the network before posting again (see syndicate.py).
"""

import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

from tribune.errors import describe_error
from tribune.i18n import _
from tribune.lint import display_path

FORMAT = 1


class LedgerError(Exception):
    """The ledger cannot be read; nothing is posted without it. ``reason`` is the message
    without the file, ``line`` the line it is about."""

    def __init__(self, path: Path, reason: str, line: int = 1):
        super().__init__(f"{display_path(path)}:{line}: {reason}")
        self.reason = reason
        self.line = line


def ledger_path(settings: dict) -> Path:
    return Path(settings["PATH"]) / settings.get("SOCIAL_LEDGER", "social-ledger.json")


def _read(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise LedgerError(path, _("the ledger cannot be read ({error})", error=describe_error(error))) from None
    try:
        data = json.loads(text)
    except ValueError as error:
        hint = _("it holds a Git conflict: keep the entries of both sides") if "<<<<<<<" in text else _("restore it from Git")
        raise LedgerError(path, _("the ledger cannot be read: {reason}; {hint}", reason=describe_error(error), hint=hint),
                          getattr(error, "lineno", 1)) from None
    if not isinstance(data, dict) or not isinstance(data.get("pieces", {}), dict):
        raise LedgerError(path, _("the ledger is not Tribune's (no \"pieces\"); restore it from Git"))
    return data.get("pieces", {})


_CACHE: dict[Path, tuple[tuple[int, int], dict]] = {}


def read_ledger(settings: dict) -> dict[str, dict]:
    """Every piece's copies: {"posts/x.md": {"url": page, "mastodon": {"id", "url", "at"}, ...}}."""
    path = ledger_path(settings)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    stamp = (stat.st_mtime_ns, stat.st_size)
    known = _CACHE.get(path)
    if known is None or known[0] != stamp:
        known = (stamp, _read(path))
        _CACHE[path] = known
    return known[1]


def record(settings: dict, key: str, page: str, network: str, copy_id: str, url: str, at: datetime) -> None:
    """Add one copy to the ledger as it is on disk now, and write it back atomically."""
    path = ledger_path(settings)
    pieces = dict(_read(path))
    entry = dict(pieces.get(key, {}))
    entry["url"] = page
    entry[network] = {"id": copy_id, "url": url, "at": at.isoformat(timespec="seconds")}
    pieces[key] = entry
    text = json.dumps({"format": FORMAT, "pieces": pieces}, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
