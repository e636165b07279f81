"""The files of the previous search bundle that a new index takes instead of writing them again.

Pagefind has no incremental mode, but it has this much of one: it writes each fragment (a
page's text) and each index chunk (a range of words) gzipped at its best level, named after
the first seven hex digits of its content's SHA-1, and never writes a file whose name is
already in its output folder (the same name, it takes it, means the same bytes). Lent the
previous bundle's fragments and chunks as hard links, a publish after one post changed writes
the handful that changed instead of 1 100 files: Pagefind alone took 1.25 to 1.29 s on the
1 060 pages of the benchmark's N=1000, and takes 0.83 to 0.85 s.

Seven hex digits can collide, and Pagefind then keeps the old file under the new one's name
(its own code says so). So a file is only lent when the cache's record says what it holds,
for that very file (:func:`tribune.trees.identity`): a fragment, the URL of its page; a chunk,
the first and last words of its range. Once Pagefind is done, :func:`settle` checks the
bundle against Pagefind's own metadata: each fragment it kept is a page it was given, no page
has two, each chunk it kept covers the range the metadata gives it, all by the same Pagefind
version. Anything else, and Pagefind writes the lent files itself (:func:`withdraw`). Left
unchecked: a page's new text colliding with its own older text, and a chunk's new words
colliding with the older words of the same range (a small site has one chunk, whose range
seldom moves), one chance in 268 million for each file changed. The lent files the metadata
does not name are removed: the bundle holds what Pagefind alone would have written.
"""

import gzip
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import cbor2

from tribune.caches import load_pickle, save_pickle
from tribune.trees import identity

_RECORD = "search-bundle.pickle"  # in CACHE_PATH: {"format", "version", "files": {name: (identity, what it holds)}}
_FORMAT = 1  # of the record: one of another format is not read
_LENT_FOLDERS = ("fragment", "index")  # Pagefind's immutable files; filters are few, and Tribune has none
_PREFIX = b"pagefind_dcd"  # what Pagefind puts before the data of each gzipped file


@dataclass
class Lent:
    """The files lent to a new bundle, by name (``fragment/….pf_fragment``), each with its
    identity and what the record says it holds; ``version``: the Pagefind that wrote them."""

    version: str | None = None
    files: dict[str, tuple[list[int], object]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.files)


def lend(previous: Path | None, bundle: Path, cache: str | None) -> Lent:
    """Hard-link into ``bundle`` the fragments and chunks of ``previous`` (the last bundle)
    that the record in ``cache`` describes, still the same files, and return them. Nothing
    when a link cannot be made (another disk): Pagefind writes them all, as without a
    previous bundle."""
    record = _record(cache if previous is not None else None)
    known, lent = record["files"], Lent(record["version"])
    for folder in _LENT_FOLDERS if known else ():
        try:
            with os.scandir(previous / folder) as entries:
                files = [entry for entry in entries if entry.is_file(follow_symlinks=False)]
        except OSError:  # no such folder: nothing to lend from it
            continue
        (bundle / folder).mkdir(parents=True, exist_ok=True)
        for entry in files:
            name = f"{folder}/{entry.name}"
            if name not in known or known[name][0] != identity(entry.path):
                continue
            try:
                os.link(entry.path, bundle / name)
            except FileExistsError:  # the site has a file there: Pagefind decides
                continue
            except OSError:  # links cannot be made here: none will be
                return lent
            lent.files[name] = known[name]
    return lent


def withdraw(bundle: Path, lent: Lent) -> None:
    """Take the lent files out of ``bundle`` (those Pagefind kept could not be trusted): run
    again in the same folder, Pagefind writes them itself, and keeps the rest, which it wrote
    from the same pages (and the site's own files there, if any)."""
    for name in lent.files:
        (bundle / name).unlink(missing_ok=True)


def settle(bundle: Path, lent: Lent, pages: list[str], cache: str) -> bool:
    """Check the bundle Pagefind made from ``pages`` (their paths relative to the folder it
    was given) with the files ``lent``; remove the lent files it did not keep; record what
    each of its files holds, for the next index. False when a file it kept cannot be trusted
    (the caller then has Pagefind write them: :func:`withdraw`), or when its metadata cannot
    be read (a Pagefind whose format this does not know: nothing is recorded, nothing lent)."""
    named = _named_files(bundle)
    if named is None:
        _save(cache, {"format": _FORMAT, "version": None, "files": {}})
        return False
    version, described = named
    try:
        found = {name: identity(bundle / name) for name in described}
    except OSError:  # named, but not there
        return False
    kept = {name for name, (lent_identity, _holds) in lent.files.items() if found.get(name) == lent_identity}
    holds = {}
    for name, said in described.items():
        if name in kept:
            holds[name] = lent.files[name][1]
        else:
            holds[name] = said if said is not None else _fragment_url(bundle / name)
    if kept and not _trustworthy(kept, holds, described, pages, lent.version == version):
        return False
    for name in lent.files.keys() - described.keys():
        (bundle / name).unlink(missing_ok=True)
    files = {name: (found[name], holds[name]) for name in described if holds[name] is not None}
    _save(cache, {"format": _FORMAT, "version": version, "files": files})
    return True


def _trustworthy(kept: set[str], holds: dict, described: dict, pages: list[str], same_version: bool) -> bool:
    """Whether the files Pagefind ``kept`` from the previous bundle hold what it meant to
    write under their names: by the same version; a chunk, the range of words the metadata
    gives it; a fragment, a page it was given, and no page in two fragments (a written
    fragment that cannot be read might be the one that shares its page)."""
    given = {url for page in pages for url in _urls(page)}
    urls = [holds[name] for name in described if name.startswith("fragment/")]
    return (same_version and None not in urls and len(set(urls)) == len(urls)
            and all(holds[name] == described[name] if described[name] is not None else holds[name] in given for name in kept))


def _urls(page: str) -> tuple[str, str]:
    """The URLs Pagefind may give the page at ``page`` (relative, with ``/``): without its
    ``index.html``, and with it (Pagefind's ``keep_index_url``, which a ``pagefind.yml`` or
    PAGEFIND_KEEP_INDEX_URL may set). A path that is not UTF-8 as Pagefind writes it, with
    U+FFFD. No other page's URL can take either form: only a path ending in ``/`` would."""
    page = os.fsencode(page).decode("utf-8", "replace")
    if page == "index.html":
        return "/", "/index.html"
    return "/" + (page[: -len("index.html")] if page.endswith("/index.html") else page), "/" + page


def _named_files(bundle: Path) -> tuple[str, dict[str, tuple | None]] | None:
    """Pagefind's version and the fragments and chunks its metadata names, each with what it
    holds as far as the metadata says (a chunk: its first and last words; a fragment: None,
    its URL is in the file); None when the metadata cannot be read."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        named = {}
        for language in entry["languages"].values():
            version, pages, chunks, *_rest = _unpacked(bundle / f"pagefind.{language['hash']}.pf_meta", cbor2.loads)
            if version != entry["version"]:
                return None
            named.update((f"fragment/{page[0]}.pf_fragment", None) for page in pages)
            named.update((f"index/{chunk[2]}.pf_index", ("words", chunk[0], chunk[1])) for chunk in chunks)
        return entry["version"], named
    except (OSError, ValueError, KeyError, IndexError, TypeError, cbor2.CBORDecodeError):
        return None


def _fragment_url(path: Path) -> str | None:
    """The URL of the page a fragment holds; None when it cannot be read."""
    try:
        url = _unpacked(path, json.loads)["url"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return url if isinstance(url, str) else None


def _unpacked(path: Path, decode):
    """The data of one of Pagefind's gzipped files, decoded."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_PREFIX):
        raise ValueError(f"{path.name}: not one of Pagefind's files")
    return decode(data[len(_PREFIX):])


def _record(cache: str | None) -> dict:
    """The record kept in ``cache``, its entries of the expected shape only (a record from
    another Tribune, or edited, lends nothing it cannot vouch for)."""
    record = load_pickle(Path(cache) / _RECORD) if cache else None
    if not isinstance(record, dict) or record.get("format") != _FORMAT or not isinstance(record.get("files"), dict):
        return {"version": None, "files": {}}
    files = {name: (list(entry[0]), entry[1]) for name, entry in record["files"].items() if _well_formed(name, entry)}
    version = record.get("version")
    return {"version": version if isinstance(version, str) else None, "files": files}


def _well_formed(name, entry) -> bool:
    """``name`` -> (identity: four integers, a fragment's URL or a chunk's ("words", from, to))."""
    if not (isinstance(name, str) and isinstance(entry, tuple) and len(entry) == 2):
        return False
    found, holds = entry
    return (isinstance(found, (list, tuple)) and len(found) == 4 and all(type(number) is int for number in found)
            and (isinstance(holds, str) or (isinstance(holds, tuple) and len(holds) == 3 and all(isinstance(part, str) for part in holds))))


def _save(cache: str, record: dict) -> None:
    try:
        save_pickle(Path(cache) / _RECORD, record)
    except OSError:  # the record only saves time: the next index writes every file
        pass
