"""The static search index, built by Pagefind (its binary comes with the pagefind-bin wheel:
nothing is downloaded at run time).

Only pages whose theme marks their main content with ``data-pagefind-body`` are indexed:
posts, pages, members, events and newsletter editions; never lists, pagination, drafts,
hidden pages or withdrawn members (they have no such mark, or no page). Pagefind reads each
page's ``<html lang>`` and stems French pages as French and English ones as English.
"""

import subprocess
import sys
from pathlib import Path


class SearchIndexError(Exception):
    """Pagefind failed; its own message says why."""


def build_index(site: Path) -> Path:
    """Index the built site in place (``site/pagefind/``) and return the bundle's folder."""
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--quiet"],
        capture_output=True, text=True, timeout=600,
    )
    if result.returncode != 0:
        raise SearchIndexError(f"Pagefind could not index {site}: {(result.stderr or result.stdout).strip()[:500]}")
    return site / "pagefind"
