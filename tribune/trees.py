"""The files of a built site, listed fast: a deploy compares two trees of 5 000 files, and the
search index reads every page, after each publish.

``os.scandir`` knows an entry's type without a stat; pathlib's ``rglob`` took a fifth of a
second for 5 000 files.
"""

import os
from pathlib import Path


def files_under(root: Path | None) -> dict[str, Path]:
    """Every file under ``root`` by its path relative to it, with ``/`` (links to folders not
    followed); nothing when ``root`` is None or not a folder."""
    if root is None or not root.is_dir():
        return {}
    found = {}

    def list_folder(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    list_folder(entry.path, f"{prefix}{entry.name}/")
                elif entry.is_file():
                    found[prefix + entry.name] = Path(entry.path)

    list_folder(str(root), "")
    return found
