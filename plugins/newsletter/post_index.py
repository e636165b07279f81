"""The posts an edition chooses from, each described by its header, without building it.

`invoke newsletter` runs in a process of its own, and a site has thousands of posts: the
index is kept in Pelican's cache folder (``CACHE_PATH``; read with ``LOAD_CONTENT_CACHE``,
written with ``CACHE_CONTENT``, as Pelican's content cache), and a post's header is parsed
again only when its file changed (size or modification time).
"""

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tribune.caches import load_pickle, save_pickle
from tribune.rules import lang_of, parse_date, slug_of
from tribune.source import SourceError, read_source

_FORMAT = 1  # of the file: a change of it, or of the settings below, reads every header again
_CACHE_FILE = "newsletter-posts.pickle"


@dataclass(frozen=True)
class PostHeader:
    """What choosing a post needs, read from its header without building the post."""

    path: Path
    relative: str
    date: datetime
    lang: str
    slug: str


def _described(path: str, settings: dict) -> tuple | None:
    """(date without its zone, lang, slug) of a published post; None for any other file."""
    try:
        source = read_source(Path(path), keep=False)  # its header only: the text is not kept
    except SourceError:
        return None  # the lint reports it
    date = parse_date(source.get("Date") or "")
    if date is None or (source.get("Status") or "published").lower() != "published" or not source.get("Title"):
        return None
    return date, lang_of(source, settings), slug_of(source)


def _header(path: str, described: tuple, content_path: str, zone: ZoneInfo) -> PostHeader:
    """``path`` lies in ``content_path`` (a posts' folder of it): its relative path is cut
    from the string (pathlib's relative_to, for 5 000 posts: a sixth of the newsletter's time)."""
    date, lang, slug = described
    relative = path[len(content_path):].lstrip(os.sep).replace(os.sep, "/")
    return PostHeader(Path(path), relative, date.replace(tzinfo=zone), lang, slug)


def _zone(settings: dict) -> ZoneInfo:
    return ZoneInfo(settings.get("TIMEZONE", "UTC"))


def header_of(path: str, settings: dict) -> PostHeader | None:
    """The header of the post at ``path`` as it is now; None when it is no published post."""
    described = _described(path, settings)
    return _header(path, described, str(Path(settings["PATH"])), _zone(settings)) if described is not None else None


def post_folders(settings: dict) -> tuple[str, ...]:
    """The posts' folders, each with its final separator (for ``str.startswith``)."""
    content_path = Path(settings["PATH"])
    return tuple(str(content_path / folder) + os.sep for folder in settings.get("ARTICLE_PATHS", ["posts"]))


def post_headers(settings: dict, stamps: dict[str, tuple[int, int]]) -> list[PostHeader]:
    """The published posts of ``stamps`` (every Markdown file's path: (size, time)), in the
    order of their paths."""
    content_path = Path(settings["PATH"])
    cache_file = Path(settings.get("CACHE_PATH", "cache")) / _CACHE_FILE
    key = (_FORMAT, str(content_path), settings.get("DEFAULT_LANG"))
    known = _load(cache_file, key) if settings.get("LOAD_CONTENT_CACHE") else {}
    index, found, zone, folders = {}, [], _zone(settings), post_folders(settings)
    for path in sorted(p for p in stamps if p.startswith(folders)):
        stamp, described = known.get(path, (None, None))
        if stamp != stamps[path]:
            described = _described(path, settings)
        index[path] = (stamps[path], described)
        if described is not None:
            found.append(_header(path, described, str(content_path), zone))
    if settings.get("CACHE_CONTENT") and index != known:
        _save(cache_file, key, index)
    return found


def _load(cache_file: Path, key: tuple) -> dict:
    saved = load_pickle(cache_file)  # missing, damaged or from another version: the headers are read
    return saved["posts"] if isinstance(saved, dict) and saved.get("key") == key else {}


def _save(cache_file: Path, key: tuple, index: dict) -> None:
    save_pickle(cache_file, {"key": key, "posts": index})
