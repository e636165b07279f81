"""The static search index, built by Pagefind (its binary comes with the pagefind-bin wheel:
nothing is downloaded at run time).

Only pages whose theme marks their main content with ``data-pagefind-body`` are indexed:
posts, pages, members, events and newsletter editions; never lists, pagination, drafts,
hidden pages or withdrawn members (they have no such mark, or no page). Pagefind reads each
page's ``<html lang>`` and stems French pages as French and English ones as English.

Pagefind's bundle is the same for the same pages, but for the order of the languages in its
entry file (a hash map's order) and for filter files, which Tribune does not use: the entry
is rewritten in a stable order, so that publishing an unchanged site changes no file.
"""

import json
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

from tribune.i18n import _
from tribune.workers import dying_with_this_process


class SearchIndexError(Exception):
    """Pagefind failed; its own message says why."""


def build_index(site: Path, bundle: Path | None = None, background: bool = False) -> Path:
    """Index the built site into ``bundle`` (by default in place: ``site/pagefind/``) and
    return the bundle's folder. ``background``: at the lowest CPU priority, so that what a
    person waits for (the preview's next update) goes first."""
    bundle = bundle or site / "pagefind"
    first = dying_with_this_process()
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(bundle), "--quiet"],
        capture_output=True, text=True, timeout=600, preexec_fn=partial(_behind, first) if background else first,
    )
    if result.returncode != 0:
        raise SearchIndexError(_("Pagefind could not index {folder}: {reason}", folder=site, reason=(result.stderr or result.stdout).strip()[:500]))
    entry = bundle / "pagefind-entry.json"
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["languages"] = dict(sorted(data.get("languages", {}).items()))
    entry.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return bundle


def _behind(first) -> None:
    first()
    os.nice(19)
