"""A damaged cache file is a cache to make again, never a failed build.

Tribune's own caches (the page records, the newsletter's index of posts, the search marks)
are read and written through :func:`load_pickle` and :func:`save_pickle`.

Pelican's content cache (``cache/ArticlesGenerator-Readers``...) is a pickle. A file left
empty or cut short by a full disk or a killed build made Pelican stop every following build
with ``EOFError: Ran out of input`` (it only expects ``pickle.PickleError``), and a file
from another version made it print an English warning on every build. Tribune loads these
files itself: whatever is wrong with one, the build starts from an empty cache and writes a
good one (what a cache that is not there does).
"""

import logging
import os
import pickle
from pathlib import Path

from pelican.cache import FileDataCacher

logger = logging.getLogger(__name__)


def load_pickle(path: Path):
    """What ``path`` holds, or None when it is missing, damaged or from another version (a
    cache to make again)."""
    try:
        with open(path, "rb") as stream:
            return pickle.load(stream)
    except FileNotFoundError:
        return None
    except Exception as error:  # noqa: BLE001 - empty, cut short, another version's classes: all mean "start again"
        logger.info("%s ignored (%s: %s): it is made again", path, type(error).__name__, error)
        return None


def save_pickle(path: Path, data) -> None:
    """Write ``data`` at ``path`` whole or not at all: into a file of this process beside it,
    then renamed over it (a reader never finds half a file; two processes saving at once
    each write their own)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        with partial.open("wb") as stream:
            pickle.dump(data, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def keep_pickle(path: Path, data) -> None:
    """:func:`save_pickle` for a cache that only saves time: a folder that cannot be written
    (read-only, full) keeps nothing, as Pelican's own cache does, instead of failing a build."""
    try:
        save_pickle(path, data)
    except OSError as error:
        logger.info("%s not kept (%s)", path, error)


class Kept:
    """Values kept beside Pelican's content cache, one file each in ``CACHE_PATH/<folder>/``,
    with the key they were made under (the digest of what they are made of): the highlighted
    code blocks, the feed items, the calendars and the e-mails. Read with
    ``LOAD_CONTENT_CACHE``, written with ``CACHE_CONTENT``, as Pelican's own cache."""

    def __init__(self, settings: dict, folder: str):
        self.folder = Path(settings["CACHE_PATH"]) / folder
        self.reading = bool(settings.get("LOAD_CONTENT_CACHE"))
        self.writing = bool(settings.get("CACHE_CONTENT"))

    @property
    def used(self) -> bool:
        return self.reading or self.writing

    def get(self, name: str, key):
        """The value kept as ``name`` if it was made under ``key``; else None."""
        if not self.reading:
            return None
        kept = load_pickle(self.folder / f"{name}.pickle")
        return kept[1] if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == key else None

    def put(self, name: str, key, value) -> None:
        if self.writing:
            keep_pickle(self.folder / f"{name}.pickle", (key, value))


def _load(cacher: FileDataCacher) -> dict:
    try:
        with cacher._cache_open(cacher._cache_path, "rb") as stream:
            cache = pickle.load(stream)
    except FileNotFoundError:
        return {}
    except Exception as error:  # noqa: BLE001 - empty, cut short, another version's classes: all mean "start again"
        logger.info("%s ignored (%s: %s): it is made again", cacher._cache_path, type(error).__name__, error)
        return {}
    return cache if isinstance(cache, dict) else {}


def _loading_safely(init):
    def __init__(self, settings, cache_name, caching_policy, load_policy):
        init(self, settings, cache_name, caching_policy, False)
        if load_policy:
            self._cache = _load(self)

    __init__.tribune = True
    return __init__


def install() -> None:
    """Load Pelican's content caches through :func:`_load` (once per process)."""
    if not getattr(FileDataCacher.__init__, "tribune", False):
        FileDataCacher.__init__ = _loading_safely(FileDataCacher.__init__)
