"""The page cache: a rebuild renders only the pages a change can have touched.

Pelican's content cache spares the Markdown of unchanged files, but every page is rendered
and written again. Here each page and feed written by Pelican's writer is recorded with what
it read:

- the site's shape, settings and code (:mod:`tribune.fingerprint`): the same for every page,
  so a change to a setting, a template or a plugin, or to which posts, tags, categories...
  there are and in which order, renders every page again;
- the fields of the posts, pages, events, images... whose attributes the page read, by
  digest (followed as they are read, by a ``__getattribute__`` of Pelican's ``Content``
  installed only while a page renders): a post's new title renders its own page, its kit,
  the lists, feeds and neighbours that show it, and the posts whose bodies link to it;
- the bodies of the posts, pages, events... the page printed (followed as they are read,
  ``content``/``summary``), by digest: a post's body is on its own page, and on the list
  pages that show its summary when the summary comes from the body.

When a page's record still holds, its file is taken from the previous output (a hard link:
no copy, and the file keeps its date) instead of rendering the template (a feed's, instead of
building the feed); :mod:`tribune.writer` is the Pelican writer that asks. Plugins that do
work while a page renders keep it through the record: :func:`remember` stores a value that
:data:`tribune.signals.page_rendered` gives back on every build, rendered or not, and
:func:`wrote_file` names a file written beside the page, taken from the previous output too
when the page is reused.

The cache follows Pelican's switches: it is read with ``LOAD_CONTENT_CACHE`` and written
with ``CACHE_CONTENT``, in ``CACHE_PATH``, by :func:`tribune.build.build` only, once the new
output is in place (a failed build leaves the record of the output that is still there).
"""

import os
import shutil
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from pelican.contents import Content, Static

from tribune.caches import load_pickle, save_pickle
from tribune.fingerprint import Digest, body_digest, code_digest, state_digest
from tribune.signals import page_rendered


_FORMAT = 2  # of the file below: a change of it drops every record
_CACHE_FILE = "rendered-pages.pickle"
_VOLATILE_CONTEXT = frozenset({"localsiteurl", "output_file"})
_UNORDERED_CONTEXT = frozenset({"staticfiles"})  # Pelican lists them from a set of paths
WARNINGS = "tribune.warnings"  # the extras key of the warnings logged while a page rendered


@dataclass
class PageRecord:
    """What one page read and left: enough to tell whether it would render the same."""

    template: str
    bodies: dict[str, str] = field(default_factory=dict)  # source path -> body digest
    states: dict[str, str] = field(default_factory=dict)  # source path -> digest of the fields read
    extras: dict = field(default_factory=dict)  # remember(): plugins' values
    files: list[str] = field(default_factory=list)  # wrote_file(): output paths


# While pages are written (from the writer's creation until the memos of the build's contents
# are emptied: forget_bodies): each content's address and output path, computed once. Pelican
# computes them at each reading (a copy of its metadata, a relative path, a format: a fifth of
# the time a list page takes), from fields that no longer change once the generators have read
# every content (but in the preview's update in memory, which forgets those of the contents it
# changes); a static file's may (attach_to), and is not kept.
_addresses: dict[int, tuple[Content, dict[str, str]]] | None = None  # by the content's id: it, and its addresses by key
_get_url_setting = Content.get_url_setting

_recording: ContextVar[PageRecord | None] = ContextVar("tribune_page_recording", default=None)
# The content objects read (by id) while a page or a body is made, innermost last; and the
# objects each body read, by Pelican's memo key: a body memoized while another page rendered
# (its links to other posts resolved then) still counts them on every page that shows it.
_reading: list[dict[int, Content]] = []
_body_reads: dict[tuple, dict[int, Content]] = {}


def _noting_getattribute(content, name):
    if _reading:  # another thread may ask between the last note and the hook's removal
        _reading[-1][id(content)] = content
    return object.__getattribute__(content, name)


@contextmanager
def _noting_reads():
    """The content objects whose attributes are read meanwhile (Content's attribute lookup
    goes through _noting_getattribute only while something is noted: no cost otherwise)."""
    reads: dict[int, Content] = {}
    _reading.append(reads)
    if len(_reading) == 1:
        Content.__getattribute__ = _noting_getattribute
    try:
        yield reads
    finally:
        _reading.pop()
        if not _reading:
            del Content.__getattribute__


def _fixed_url_setting(content, key: str) -> str:
    """Content.get_url_setting (its url and save_as), once per content while pages are written."""
    if _addresses is None or isinstance(content, Static):
        return _get_url_setting(content, key)
    known = _addresses.get(id(content))
    if known is None:
        known = _addresses[id(content)] = (content, {})  # the content kept: its id stays its own
    if key not in known[1]:
        known[1][key] = _get_url_setting(content, key)
    return known[1][key]


def addresses_fixed(settings: dict) -> None:
    """The writer of the build of ``settings`` is made: the generators have read every content,
    and each content's address is computed once from now (see _addresses)."""
    global _addresses
    if id(settings) in _active and _addresses is None:
        _addresses = {}


def remember(key: str, value) -> None:
    """Keep ``value`` with the page being rendered; page_rendered gives it back (picklable)."""
    record = _recording.get()
    if record is not None:
        record.extras[key] = value


def remember_warning(message: str) -> None:
    """Keep a warning logged while the page renders: a build that reuses the page says it again
    (:data:`WARNINGS` in the extras page_rendered gives back), so the cache hides no warning."""
    record = _recording.get()
    if record is not None and message not in record.extras.setdefault(WARNINGS, []):
        record.extras[WARNINGS].append(message)


def wrote_file(relative_path: str) -> None:
    """Name a file (relative to the output) that rendering the current page has written."""
    record = _recording.get()
    if record is not None and relative_path not in record.files:
        record.files.append(relative_path)


def depends_on_body(content) -> None:
    """Note that the page being rendered shows words of ``content``'s body (read through
    Pelican's object, or some other way: the first paragraph of its file): a change of that
    body renders the page again."""
    record = _recording.get()
    if record is not None and getattr(content, "source_path", None) and content.source_path not in record.bodies:
        record.bodies[content.source_path] = body_digest(content)


def depends_on_file(settings: dict, relative_path: str) -> None:
    """Note that the page being rendered shows something read from the content folder's file
    ``relative_path`` itself (an image's size), not from Pelican's object: a change of the
    file renders the page again (through the state of the static file Pelican made of it,
    which holds the file's size and time; a file Pelican does not know keeps the page from
    being reused)."""
    record = _recording.get()
    if record is None:
        return
    path = os.path.join(settings["PATH"], relative_path)
    static = cache_for(settings)._contents.get(path)
    if static is not None:  # noted as if its attributes were read (the page records: _reading is not empty)
        _reading[-1][id(static)] = static
    else:
        record.states[f"file:{path}"] = ""


def _always(content) -> bool:
    return True


def _summary_from_body(content) -> bool:
    return "summary" not in content.metadata  # else the Summary: line, in the content's state


def _read_body(name: str, reads_body=_always):
    """Content.<name>, noting the body it reads in the page being rendered (``reads_body``:
    whether it does, for this content). Pelican memoizes these methods: a body read once
    is noted on every page that asks for it again."""
    method = Content.__dict__[name]  # Pelican's memoized descriptor

    def reading(content, *args, **kwargs):
        if _recording.get() is not None and reads_body(content):
            depends_on_body(content)
        key = (name, content, *args)
        reads = _body_reads.get(key)
        if reads is None:
            with _noting_reads() as reads:
                value = method.__get__(content, type(content))(*args, **kwargs)
            _body_reads[key] = reads
        else:
            value = method.__get__(content, type(content))(*args, **kwargs)
        if _reading:
            _reading[-1].update(reads)
        return value

    reading.__wrapped__ = method
    return reading


class PageCache:
    """The records of one build, and those of the build whose output is still in place."""

    def __init__(self, settings: dict, previous_output: Path | None = None, moving: bool = False, calls: bool = False):
        self.settings = settings
        self.previous_output = previous_output
        self.records: dict[str, PageRecord] = {}
        self.reused = 0
        # With ``calls``, each call to the writer, by the files it makes: what the preview
        # calls again to render those files again (tribune.live).
        self.calls: dict[str, tuple] | None = {} if calls else None
        # Contents whose bodies, and those whose fields (a title, an address), files written
        # outside Pelican's writer show (shown_outside_pages).
        self.shown_elsewhere: set[str] = set()
        self.named_elsewhere: set[str] = set()
        # Pages reused may be moved in from the previous output when the new one is swapped
        # in (tribune.build), instead of being linked while the site is built.
        self.moving = moving and previous_output is not None
        self.to_move: list[str] = []
        self.moved: list[str] = []  # what move_into() moved, relative to both folders, for move_back()
        self.in_place = False  # a partial rebuild (following): pages reused stay where they are, with their files
        self._previous: dict[str, PageRecord] = {}
        self._site: str | None = None
        self._code_and_settings: str | None = None
        self._contents: dict[str, Content] = {}
        self._bodies: dict[str, str] = {}
        self._states: dict[str, tuple[Content, str]] = {}

    @classmethod
    def following(cls, built: "PageCache", changed: set[str] = frozenset()) -> "PageCache":
        """The cache of a partial rebuild of the site ``built`` made, in the same process,
        into a folder beside its output (pages still in that output are left there): its
        records are the previous ones, and its digest of the site is that build's (the caller
        makes sure the site's shape did not change). The objects of the source paths
        ``changed`` had their fields changed in place: their states are digested again."""
        cache = cls(built.settings, built.previous_output, moving=True, calls=built.calls is not None)
        cache.in_place = True
        cache._site, cache._contents, cache._previous = built._site, built._contents, built.records
        cache._code_and_settings = built._code_and_settings
        cache._states = {path: state for path, state in built._states.items() if path not in changed} if changed else built._states
        cache.shown_elsewhere, cache.named_elsewhere = built.shown_elsewhere, built.named_elsewhere
        return cache

    def note_call(self, names: list[str], call: tuple) -> None:
        """Remember the writer's call that makes the files ``names`` (when asked to)."""
        if self.calls is not None:
            for name in names:
                self.calls[name] = call

    def rendered(self) -> dict[str, PageRecord]:
        """The records of the files this build rendered (not taken from the previous output)."""
        return {name: record for name, record in self.records.items() if self._previous.get(name) is not record}

    @property
    def path(self) -> Path:
        return Path(self.settings["CACHE_PATH"]) / _CACHE_FILE

    def start(self, context: dict) -> None:
        """Digest the site once its context is complete (at the first file written; once)."""
        if self._site is not None:
            return
        digest = Digest(states=False)
        digest.add(_FORMAT).add(self.code_and_settings())
        digest.add({key: set(value) if key in _UNORDERED_CONTEXT else value for key, value in context.items()
                    if key not in self.settings and key not in _VOLATILE_CONTEXT})
        self._site = digest.hexdigest()
        self._contents = digest.contents
        if self.previous_output and self.settings.get("LOAD_CONTENT_CACHE"):
            self._previous = self._load()

    @property
    def site(self) -> str | None:
        """The digest of the site (:meth:`start`): its code, settings and shape; None before."""
        return self._site

    def code_and_settings(self) -> str:
        """The digest of the build's code (:func:`code_digest`) and of its settings but the
        output folder: made once per build, for every page and for the files written beside
        Pelican's writer (the newsletter's e-mails)."""
        if self._code_and_settings is None:
            digest = Digest(states=False).add(code_digest(self.settings))
            self._code_and_settings = digest.add({key: value for key, value in self.settings.items() if key != "OUTPUT_PATH"}).hexdigest()
        return self._code_and_settings

    def _load(self) -> dict[str, PageRecord]:
        saved = load_pickle(self.path)
        if not isinstance(saved, dict) or saved.get("site") != self._site or saved.get("output") != str(self.previous_output):
            return {}
        return saved["pages"]

    def save(self) -> None:
        """Record this build's pages, for the next build (after its output is in place)."""
        if not self.settings.get("CACHE_CONTENT") or self._site is None:
            return
        save_pickle(self.path, {"site": self._site, "output": str(self.previous_output), "pages": self.records})

    def _body(self, path: str) -> str | None:
        if path not in self._bodies:
            content = self._contents.get(path)
            self._bodies[path] = body_digest(content) if content is not None else None
        return self._bodies[path]

    def _state(self, content: Content) -> str:
        """The digest of a content object's fields (once per object and build)."""
        path = content.source_path or ""
        known = self._states.get(path)
        if known is None or known[0] is not content:
            known = self._states[path] = (content, state_digest(content))
        return known[1]

    def _state_at(self, path: str) -> str | None:
        content = self._contents.get(path)
        return self._state(content) if content is not None else None

    def reusable(self, name: str, kind: str) -> PageRecord | None:
        """The previous record of output file ``name`` if it still holds (``kind``: its template).
        Whether its files are still in the previous output is found when they are carried."""
        record = self._previous.get(name)
        if record is None or record.template != kind or not self.holds(record):
            return None
        return record

    def holds(self, record: PageRecord) -> bool:
        """Whether every body and every content's fields ``record`` read are as they were."""
        return (all(self._body(path) == digest for path, digest in record.bodies.items())
                and all(self._state_at(path) == digest for path, digest in record.states.items()))

    def carry(self, path: str, output: str, replace: bool = False) -> None:
        """Put output file ``path`` of the previous output into ``output``: a hard link (the
        same file, so no copy and its date kept; a copy where links are not possible). A file
        already there is kept, or ``replace``d. FileNotFoundError: the previous one is gone."""
        source, target = os.path.join(self.previous_output, path), os.path.join(output, path)
        try:
            os.link(source, target)
        except FileExistsError:
            if replace:
                os.unlink(target)
                self.carry(path, output)
        except FileNotFoundError:
            if not os.path.isfile(source):
                raise
            os.makedirs(os.path.dirname(target), exist_ok=True)
            self.carry(path, output, replace)
        except OSError:  # no hard links between these folders
            shutil.copyfile(source, target)

    def reuse(self, name: str, record: PageRecord, output: str) -> None:
        """Carry a page's or a feed's file and the files written beside it (FileNotFoundError
        when one is gone from the previous output), and count it as reused. A partial rebuild
        leaves them where they are (``in_place``)."""
        if not self.in_place:
            self.carry(name, output, replace=True)
            self._carry_beside(record, output)
        elif not os.path.isfile(os.path.join(self.previous_output, name)):
            raise FileNotFoundError(name)
        self.reused += 1

    def _carry_beside(self, record: PageRecord, output: str) -> None:
        for path in record.files:
            self.carry(path, output)

    def can_move(self, names: list[str], records: list[PageRecord], output: str) -> bool:
        """Reuse pages whose files will be moved in from the previous output at the swap
        (nothing is written now); False, and none reused, when one is gone from it."""
        try:
            if not all(os.path.isfile(os.path.join(self.previous_output, name)) for name in names):
                return False
            for record in records if not self.in_place else ():
                self._carry_beside(record, output)
        except FileNotFoundError:
            return False
        if not self.in_place:
            self.to_move.extend(names)
        self.reused += len(names)
        return True

    def move_into(self, fresh: Path, retired: Path) -> None:
        """Move the pages kept by can_move() from the previous output, now ``retired``,
        into ``fresh``: the largest folders that hold nothing but such pages (one rename
        instead of folders and files made, then deleted), and the other pages' files. A file
        the new build wrote is kept. If a move fails, those done are undone and the error
        raised."""
        done: list[str] = []  # paths as strings: pathlib's objects cost more than the renames, by the thousand
        fresh, retired = os.fspath(fresh), os.fspath(retired)
        try:
            for relative in self._moves(fresh, retired):
                source, target = os.path.join(retired, relative), os.path.join(fresh, relative)
                try:
                    os.rename(source, target)
                except FileNotFoundError:  # its folder is not in the new output yet
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    os.rename(source, target)
                done.append(relative)
        except BaseException:
            for relative in reversed(done):
                os.rename(os.path.join(fresh, relative), os.path.join(retired, relative))
            raise
        self.moved.extend(done)
        self.to_move = []

    def move_back(self, fresh: Path) -> None:
        """Put what move_into() moved into ``fresh`` back into the previous output (output/,
        or back in place after a swap that failed): a build that fails after its pages were
        moved leaves the previous output as it was. What cannot be put back is left out of
        it, and rendered again by the next build (its record no longer finds its file)."""
        for relative in reversed(self.moved):
            try:
                os.rename(fresh / relative, self.previous_output / relative)
            except OSError:
                continue
        self.moved = []

    def _moves(self, fresh: str, retired: str) -> list[str]:
        """What move_into() renames: whole folders first (parents before children), then files."""
        kept = set(self.to_move)
        folders = set()
        for name in kept:
            folder = os.path.dirname(name)
            while folder and folder not in folders:
                folders.add(folder)
                folder = os.path.dirname(folder)
        whole: set[str] = set()  # folders of kept pages only, which the new output lacks
        for folder in sorted(folders, key=lambda folder: folder.count("/"), reverse=True):
            if not os.path.lexists(os.path.join(fresh, folder)):
                inside = (f"{folder}/{entry}" for entry in os.listdir(os.path.join(retired, folder)))
                if all(path in kept or path in whole for path in inside):
                    whole.add(folder)

        def moved_with_a_parent(path: str) -> bool:
            parent = os.path.dirname(path)
            while parent:
                if parent in whole:
                    return True
                parent = os.path.dirname(parent)
            return False

        moves = [folder for folder in sorted(whole, key=lambda folder: folder.count("/")) if not moved_with_a_parent(folder)]
        moves += [name for name in self.to_move if not moved_with_a_parent(name) and not os.path.exists(os.path.join(fresh, name))]
        return moves

    @contextmanager
    def recording(self, name: str, kind: str):
        """The record of what producing output file ``name`` reads (kept by :meth:`keep`)."""
        record = PageRecord(kind)
        token = _recording.set(record)
        try:
            with _noting_reads() as reads:
                yield record
        finally:
            _recording.reset(token)
        # A content object without a source path cannot be found again: its page is never reused.
        record.states.update({content.source_path or "": self._state(content) for content in reads.values()})

    @staticmethod
    def note(record: PageRecord) -> None:
        """Count what ``record`` read (a part made apart: a feed's item) as read by the page or
        feed being made too."""
        making = _recording.get()
        if making is not None:
            making.bodies.update(record.bodies)
            making.states.update(record.states)

    def keep(self, name: str, record: PageRecord, page: bool = True) -> None:
        """Keep the record of output file ``name``; for a page, give plugins back what they
        remembered (:data:`tribune.signals.page_rendered`). Its paths and digests are shared
        with every other record's (sys.intern): thousands of records name the same few
        objects, and records come back from the workers each with its own copies."""
        record.bodies = {sys.intern(path): sys.intern(digest) for path, digest in record.bodies.items()}
        record.states = {sys.intern(path): sys.intern(digest) for path, digest in record.states.items()}
        self.records[name] = record
        if page:
            page_rendered.send(name, settings=self.settings, extras=record.extras)


_active: dict[int, PageCache] = {}


@contextmanager
def caching(cache: PageCache, forget: bool = True):
    """Let the writer of the build of ``cache.settings`` use ``cache``; when the build ends,
    Pelican's memos of its bodies are emptied (:func:`forget_bodies`), unless the build's
    contents live on (``forget=False``: the preview's kept build, tribune.live)."""
    _active[id(cache.settings)] = cache
    try:
        yield cache
    finally:
        _active.pop(id(cache.settings), None)
        if forget:
            forget_bodies()


def shown_outside_pages(settings: dict, source_paths, body: bool = True) -> None:
    """Files the build of ``settings`` writes itself, not through Pelican's writer (the
    newsletter's e-mails), show the bodies of these contents (or, ``body=False``, only their
    fields: a title, an address): their pages' records cannot say so, and an update in memory
    of what they show must be a full rebuild (tribune.live)."""
    cache = _active.get(id(settings))
    if cache is not None:
        cache.named_elsewhere.update(source_paths)
        if body:
            cache.shown_elsewhere.update(source_paths)


def cache_for(settings: dict) -> PageCache:
    """The page cache of the build of ``settings`` (one that reuses nothing outside a build)."""
    return _active.get(id(settings)) or PageCache(settings or {})


def forget_bodies(contents=None) -> None:
    """Empty Pelican's memos of ``Content.get_content`` and ``get_summary``. They are dicts
    of the class, keyed by the content object itself, that nothing else empties: each build
    of a process that builds again (``invoke serve``) would keep every content object it made
    and, through their ``_context``, the whole site of that build. They save work within one
    build only: a content object is not asked for its body after its build (but by the
    preview's drafts page, which empties them again: :mod:`tribune.drafts`). With ``contents``,
    only their memos go: the preview's update in memory of their bodies (tribune.live). What
    each body read (the objects its links lead to) goes with its memo, and the contents'
    addresses (_addresses) with them."""
    global _addresses
    for name in ("get_content", "get_summary"):
        method = Content.__dict__[name]
        memo = getattr(method, "__wrapped__", method).cache
        if contents is None:
            memo.clear()
        else:  # only these contents' (their body changed); the memo is keyed by (content, *arguments)
            for key in [key for key in memo if any(key[0] is content for content in contents)]:
                del memo[key]
    if contents is None:  # and what each body read: kept exactly as long as the memos
        _body_reads.clear()
        _addresses = None
        return
    for key in [key for key in _body_reads if any(key[1] is content for content in contents)]:
        del _body_reads[key]
    for content in contents if _addresses else ():
        _addresses.pop(id(content), None)


def bodies_reading(contents) -> list[Content]:
    """The contents whose memoized bodies read one of ``contents`` (their links lead to
    it): when its address changes, those bodies must be made again (forget_bodies)."""
    ids = {id(content) for content in contents}
    return list({id(key[1]): key[1] for key, reads in _body_reads.items() if ids & reads.keys()}.values())


def follow_bodies() -> None:
    """Note in the page being rendered the bodies it reads (once per process)."""
    if not hasattr(Content.__dict__["get_content"], "__wrapped__"):
        Content.get_content = _read_body("get_content")
        Content.get_summary = _read_body("get_summary", _summary_from_body)
        Content.get_url_setting = _fixed_url_setting
