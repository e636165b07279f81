"""The static search index, built by Pagefind (its binary comes with the pagefind-bin wheel:
nothing is downloaded at run time; it is run as it is, not through ``python -m pagefind``,
which starts Python only to start it: 50 ms of each publish; PAGEFIND_BINARY_PATH and the
extended wheel are honoured, as pagefind does).

Only pages whose theme marks their main content with ``data-pagefind-body`` are indexed:
posts, pages, members, events and newsletter editions; never lists, pagination, drafts,
hidden pages or withdrawn members (they have no such mark, or no page). Pagefind reads each
page's ``<html lang>`` and stems French pages as French and English ones as English.

Pagefind's bundle is the same for the same pages, but for the order of the languages in its
entry file (a hash map's order) and for filter files, which Tribune does not use: the entry
is rewritten in a stable order, so that publishing an unchanged site changes no file.
"""

import importlib
import itertools
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from tribune import search_bundle
from tribune.caches import load_pickle, save_pickle
from tribune.errors import describe_os_error
from tribune.i18n import _
from tribune.trees import identity, link_tree, remove_tree, walk_files
from tribune.workers import run_captured


# What the theme puts on the main content of a page to index: the attribute in a tag, not the
# words in a page's text (a post about the theme shows them, escaped: "&lt;main data-…").
_MARK = re.compile(rb"<[^<>]*\sdata-pagefind-body[\s=/>]", re.IGNORECASE)  # HTML's attribute names have no case
_MARKS_FILE = "search-marks.pickle"  # in CACHE_PATH: whether each page carries the mark, by its identity
_MIRROR = "pages-to-index"  # in CACHE_PATH: the marked pages, for Pagefind (see _pages_to_index)


class SearchIndexError(Exception):
    """Pagefind failed; its own message says why."""


def build_index(site: Path, bundle: Path | None = None, background: bool = False, cache: str | None = None,
                previous: Path | None = None) -> Path:
    """Index the built site into ``bundle`` (by default in place: ``site/pagefind/``) and
    return the bundle's folder. ``background``: at the lowest CPU priority, so that what a
    person waits for (the preview's next update) goes first; Pagefind is then given the whole
    site (the same bundle): choosing the pages for it is Python work, which in the preview's
    process held up the writer's next update (a third of that process's time at 5 000 posts,
    while Pagefind's own extra reading is at the lowest priority). ``cache``: the build's
    CACHE_PATH, where the pages found marked or not are remembered, by file (see
    :func:`_marked_pages`), where the marked pages are kept linked for Pagefind (see
    :func:`_pages_to_index`), and where what each file of the bundle holds is recorded, for
    the next index to take from ``previous`` (the last bundle) the files it would write again
    (:mod:`tribune.search_bundle`)."""
    bundle = bundle or site / "pagefind"
    bundle.parent.mkdir(parents=True, exist_ok=True)
    with nullcontext((site, None)) if background else _pages_to_index(site, bundle.parent, cache) as (pages, given):
        recording = bool(given and cache)  # what the bundle holds, checked and kept for the next index
        lent = search_bundle.lend(previous, bundle, cache) if recording else search_bundle.Lent()
        _run_pagefind(site, pages, bundle, background)
        if recording and not search_bundle.settle(bundle, lent, given, cache) and lent:
            search_bundle.withdraw(bundle, lent)  # a file taken from the last bundle cannot be trusted
            _run_pagefind(site, pages, bundle, background)
            search_bundle.settle(bundle, search_bundle.Lent(), given, cache)
    entry = bundle / "pagefind-entry.json"
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["languages"] = dict(sorted(data.get("languages", {}).items()))
    entry.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return bundle


def _run_pagefind(site: Path, pages: Path, bundle: Path, background: bool) -> None:
    """Pagefind's index of the pages in ``pages`` (the site's, or the marked ones) into
    ``bundle``; its failure a :class:`SearchIndexError` that says why in one line."""
    try:
        result = run_captured([_pagefind(), "--site", str(pages), "--output-path", str(bundle), "--quiet"], timeout=600, behind=background)
    except OSError as error:  # no such program, or not one this machine can run
        raise SearchIndexError(_("Pagefind could not index {folder}: {reason}", folder=site, reason=describe_os_error(error))) from error
    if result.returncode != 0:
        raise SearchIndexError(_("Pagefind could not index {folder}: {reason}", folder=site, reason=_reason(result.stderr or result.stdout)))


def _pagefind() -> str:
    """Pagefind's program, looked for in the order the pagefind package looks
    (``python -m pagefind``): PAGEFIND_BINARY_PATH (empty counts as unset), the extended
    wheel's, the bin wheel's (one installed without its program is passed over), then the
    PATH; without importing that package's service (asyncio, about 40 ms) for it, nor
    starting a Python to run ``python -m pagefind`` (50 ms of each publish)."""
    found = os.environ.get("PAGEFIND_BINARY_PATH")
    for wheel in ("pagefind_bin_extended", "pagefind_bin"):
        if not found:
            try:
                found = str(importlib.import_module(wheel).get_executable())
            except (ImportError, FileNotFoundError):
                pass
    return found or shutil.which("pagefind_extended") or shutil.which("pagefind") or "pagefind"  # the last: "no such file", said


def _reason(output: str) -> str:
    """Pagefind's own message, without the backtrace of a crash (Rust prints one where
    RUST_BACKTRACE is set): what went wrong, not where in Pagefind's code."""
    lines = itertools.takewhile(lambda line: not line.startswith("stack backtrace:"), output.strip().splitlines())
    return "\n".join(line for line in lines if not line.startswith("note: ")).strip()[:500]


@contextmanager
def _pages_to_index(site: Path, scratch: Path, cache: str | None) -> Iterator[tuple[Path, list[str] | None]]:
    """A folder holding, at their paths in ``site``, only the pages that carry the mark
    Pagefind indexes (hard links), with those paths; or ``site`` itself and None when no page
    carries it (Pagefind then indexes every page).

    Pagefind parses every HTML file it is given before it knows a page has nothing to index:
    two thirds of the pages at N=1000 (lists, tags, relay kits), a quarter of its time. Given
    only the marked pages, at the same relative paths, it makes the same bundle.

    With ``cache``, the folder is kept there from one index to the next and brought up to date
    (:func:`tribune.trees.link_tree`): after one post changed, a publish links the few pages written again
    instead of making 1 000 links in 600 folders (a tenth of a second at N=1000, then as long
    again to remove them). Where the cache cannot keep them linked (:func:`_apart`,
    :func:`_linkable`), or cannot be put right, the folder is a temporary one in ``scratch``,
    beside the bundle.
    """
    marked = _marked_pages(site, cache)
    kept = Path(cache) / _MIRROR if cache else None
    apart = kept is not None and _apart(kept, site)  # else never written nor removed: the site is in it, or it in the site
    keeping = apart and bool(marked) and _linkable(kept, marked[0][1])
    if apart and not keeping:
        _discard_quietly(kept)  # no page to keep linked, or a cache where they cannot be
    if not marked:
        yield site, None
        return
    given = [relative for relative, _path in marked]
    if keeping:
        try:
            link_tree(marked, kept)
        except (OSError, RecursionError):  # the cache only saves time: one it cannot put right is given up
            _discard_quietly(kept)
        else:
            yield kept, given
            return
    mirror = Path(tempfile.mkdtemp(prefix=".pages-to-index-", dir=scratch))
    try:
        link_tree(marked, mirror)
        yield mirror, given
    finally:
        shutil.rmtree(mirror, ignore_errors=True)


def _apart(mirror: Path, site: Path) -> bool:
    """Whether ``mirror`` neither holds the site nor lies in it (a cache set inside the site)."""
    try:
        real, real_site = mirror.parent.resolve() / mirror.name, site.resolve()
    except OSError:  # a loop of links
        return False
    return real != real_site and real_site not in real.parents and real not in real_site.parents


def _linkable(mirror: Path, page: str) -> bool:
    """Whether the pages can be hard-linked beside ``mirror``: not across file systems, bind
    mounts included, where every page would be copied again at each publish."""
    try:
        mirror.parent.mkdir(parents=True, exist_ok=True)
        probe = mirror.parent / f".link-probe-{os.getpid()}"
        probe.unlink(missing_ok=True)
        os.link(page, probe)
        probe.unlink()
        return True
    except OSError:
        return False


def _discard_quietly(mirror: Path) -> None:
    """Remove the kept folder of pages if it can be: it only ever saves time."""
    try:
        remove_tree(mirror)
    except (OSError, RecursionError):  # left for `invoke clean`: it holds only links to pages
        pass


def _marked_pages(site: Path, cache: str | None) -> list[tuple[str, str]]:
    """The pages of ``site`` that carry the mark: (relative path, path). Each page is read,
    but for those that ``cache`` remembers by their identity (:func:`tribune.trees.identity`):
    a build keeps the pages it does not render again as the same files (hard links), so
    after one post changed only the pages rendered again are read (all 3 000 pages at 1 000
    posts: a tenth of a second)."""
    remembered = _remembered_marks(cache)
    marks, marked = {}, []
    for relative, path in walk_files(site):
        if not relative.endswith(".html"):
            continue
        key = tuple(identity(path))
        marks[key] = remembered[key] if key in remembered else _marked(path)
        if marks[key]:
            marked.append((relative, path))
    if cache and marks != remembered:
        try:
            save_pickle(Path(cache) / _MARKS_FILE, marks)
        except OSError:  # what is remembered only spares reading: the index is made all the same
            pass
    return marked


def _remembered_marks(cache: str | None) -> dict[tuple, bool]:
    marks = load_pickle(Path(cache) / _MARKS_FILE) if cache else None
    return marks if isinstance(marks, dict) else {}


def _marked(path: str) -> bool:
    with open(path, "rb") as page:
        text = page.read()
    return b"data-pagefind-body" in text.lower() and _MARK.search(text) is not None  # the regular expression only where it may match
