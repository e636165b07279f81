"""When each event last changed, and how many times its time, place or status changed.

Calendar apps replace an event they imported before only when the new copy says it is newer:
the same UID, a DTSTAMP and LAST-MODIFIED that are real moments of the past, and a SEQUENCE
higher than before when the time, the place or the status changed (RFC 5546). Both must be
the same on every build of the same sources, so that publishing an unchanged site changes
nothing:

- :func:`last_changes` says when each event file last changed: its ``Modified`` field, else the
  date of the last commit that touched it (when it has no change since), else the file's date;
- :class:`SequenceLedger` keeps each event's SEQUENCE in a small JSON file among the events
  (``EVENTS_SEQUENCE_FILE``, committed with them): the build adds one to an event's number
  when what it records of the event (start, end, time zone, place, status) differs from what
  the ledger holds, and rewrites the file only then. A clone of the repository finds the same
  numbers; a build in CI of a change nobody built before finds the same ``+1`` on every run.
"""

import hashlib
import json
import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from tribune.workers import run_captured


def _git(folder: Path, *arguments: str) -> str | None:
    try:
        result = run_captured(["git", "-c", "core.quotePath=false", *arguments], cwd=folder, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def commit_dates(folder: Path) -> dict[Path, datetime]:
    """The date of the last commit of every file under ``folder`` that has no change since
    (an empty dict outside a Git repository, or without git)."""
    top = _git(folder, "rev-parse", "--show-toplevel")
    log = _git(folder, "log", "--format=@%ct", "--name-only", "--", ".") if top else None
    status = _git(folder, "status", "--porcelain", "-z", "--untracked-files=all", "--", ".") if log is not None else None
    if top is None or log is None or status is None:
        return {}
    root = Path(top.strip())
    changed = {(root / entry[3:]).resolve() for entry in status.split("\0") if len(entry) > 3}
    dates: dict[Path, datetime] = {}
    moment = None
    for line in log.splitlines():
        if line.startswith("@"):
            moment = datetime.fromtimestamp(int(line[1:]), timezone.utc)
        elif line.strip() and moment is not None:
            path = (root / line.strip()).resolve()
            if path not in dates and path not in changed:
                dates[path] = moment
    return dates


def last_changes(events: list, settings: dict) -> dict[str, datetime]:
    """{source path: when the event last changed}, in UTC, to the second."""
    folders = {Path(event.source_path).resolve().parent for event in events}
    committed: dict[Path, datetime] = {}
    for folder in folders:
        committed.update(commit_dates(folder))
    changes = {}
    for event in events:
        modified = getattr(event, "modified", None)
        path = Path(event.source_path).resolve()
        if modified is not None:
            moment = modified
        elif path in committed:
            moment = committed[path]
        else:
            moment = datetime.fromtimestamp(int(path.stat().st_mtime), timezone.utc)
        changes[event.source_path] = moment.astimezone(timezone.utc).replace(microsecond=0)
    return changes


class SequenceLedger:
    """Each event's SEQUENCE, by its file name, in ``path`` (JSON)."""

    def __init__(self, path: Path):
        """Raises ValueError when the file is not one this class wrote."""
        self.path = path
        try:
            self.entries: dict[str, dict] = json.loads(path.read_text(encoding="utf-8"))["events"]
        except FileNotFoundError:
            self.entries = {}
        except (ValueError, KeyError, TypeError):
            raise ValueError(path) from None

    def sequence(self, name: str, significant: str) -> int:
        """The event's SEQUENCE: one more than the ledger's when ``significant`` changed."""
        entry = self.entries.get(name)
        if entry is None:
            self.entries[name] = {"sequence": 0, "significant": significant}
        elif entry.get("significant") != significant:
            self.entries[name] = {"sequence": int(entry.get("sequence", 0)) + 1, "significant": significant}
        return self.entries[name]["sequence"]

    def save(self) -> bool:
        """Write the ledger if it changed (True), by rename: never half a file."""
        text = json.dumps({"about": "SEQUENCE of each event's calendar entry, kept by Tribune's build: commit it with the events",
                           "events": dict(sorted(self.entries.items()))}, ensure_ascii=False, indent=2) + "\n"
        try:
            if self.path.read_text(encoding="utf-8") == text:
                return False
        except FileNotFoundError:
            pass
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, self.path)
        return True


def significant(*values) -> str:
    """A digest of what, when it changes, calendar apps must be told is a new version."""
    return hashlib.sha256("\0".join(str(value) for value in values).encode("utf-8")).hexdigest()[:16]
