"""`invoke serve`'s rebuild in memory: a post's or a page's body, title or summary edited,
only the pages that show it rendered.

A writer's loop is mostly this: change a sentence (or a title), save, look. A full rebuild does
work in proportion to the whole site (Pelican makes every content object again from its cache,
the site's digest, every list) to change a few pages. The preview keeps its last build instead
— its settings, its generators with their content objects, the page cache's records and the
writer's calls (:class:`tribune.rendering.PageCache` with ``calls``) — and when every file
saved is the Markdown of a published post or page whose body, or fields among :data:`FIELDS`,
alone changed:

1. each file is read again by Pelican's readers, into a new object, as Pelican's generator
   reads it (its signals sent, the plugins' work done); when anything else differs from the
   object of the last build (a date, a tag, a link to a static file...), or the change could
   reach what the kept build cannot redo (an e-mail that names the post, a translation linked
   by its slug, lists ordered by title), or the file cannot be read, or Pelican logs anything,
   this gives up and the preview makes a full rebuild, which says everything as usual;
2. the lint runs on another core, from its run of the kept build's content: the files saved
   since are read again, and only the rules that read what they changed run again (see
   :func:`tribune.lint.run`); a problem that stops a build stops this update, and output/ is
   left as it is;
3. the new body and fields go into the last build's object, which every list refers to, and
   the files whose records read that body or those fields are rendered again, beside output/,
   by Tribune's writer with the page cache: most by making again the writer's call that made
   them; the content's own pages (whose address moves with a title without ``Slug:``) by the
   generators that made them, asked for those pages alone;
4. the files rendered replace those of output/, each by a rename (a reader gets the whole old
   file or the whole new one), and the pages no longer written (a post's old address) are
   removed; the sitemap follows. The page cache's records on disk are removed first and saved
   after, so that a process killed half-way leaves a next build that renders every page. The
   site's lock is held throughout, so no other command reads output/ meanwhile, and the
   preview's pages reload only once every file is in place.

Everything else — a date, tags, a new or deleted file, a member, an event, an edition, a
template, a setting, a plugin, a post whose first paragraph or title an e-mail shows (the
e-mails are written outside Pelican's writer) — makes a full rebuild, which also starts a new
kept build. tests/test_live.py compares output/ after a series of edits with a build from
nothing, file by file.
"""

import dataclasses
import gc
import logging
import os
import secrets
import shutil
import sys
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from pelican import signals
from pelican.contents import Article, Content, Page
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.readers import SkipStub

from tribune import lint, rendering, workers
from tribune.build import BuildError, Site, _captured_pelican_log, _quiet_pelican
from tribune.fingerprint import Digest, state_digest
from tribune.i18n import _, _n
from tribune.lint import ERROR, Problem
from tribune.pelican_warnings import every_build
from tribune.signals import pages_changed
from tribune.trees import remove_empty_folders
from tribune.writer import PageWriter

# What each generator's content objects are made with, as its generate_context makes them:
# the class, the lists of the published ones, the lists of all (a slug is unique among them),
# the setting that orders them, and the signals a file read sends.
_KINDS = {
    ArticlesGenerator: (Article, ("articles", "translations"),
                        ("articles", "translations", "hidden_articles", "hidden_translations", "drafts", "drafts_translations"),
                        "ARTICLE_ORDER_BY", signals.article_generator_preread, signals.article_generator_context),
    PagesGenerator: (Page, ("pages", "translations"),
                     ("pages", "translations", "hidden_pages", "hidden_translations", "draft_pages", "draft_translations"),
                     "PAGE_ORDER_BY", signals.page_generator_preread, signals.page_generator_context),
}

# The methods of Pelican's generators that write the contents' own pages (the calls that name
# a post among their keywords), as its generate_pages calls them: what an update asks of it.
_OWN_PAGES = {ArticlesGenerator: ("generate_articles", "generate_drafts")}

# The fields (of a file's metadata) an update in memory takes besides the body: what a post or
# a page shows, and where (a title without Slug: gives its slug), not where it is listed (its
# date, category, tags, authors, status, language...), which makes a full rebuild.
FIELDS = frozenset({"title", "summary", "slug"})


@dataclass
class Update:
    """What an update in memory did, for the line the preview prints."""

    seconds: float
    rendered: int  # files rendered again
    warnings: list[str] = field(default_factory=list)  # Pelican's, located
    problems: list[Problem] = field(default_factory=list)  # the lint's warnings and notices


@dataclass
class _Kept:
    site: Site
    generators: list
    pages: rendering.PageCache
    registry: lint.Registry
    files: frozenset[str]  # every file of the content, the theme and the plugins the build saw
    # The files saved since the build (taken, or stopped by the lint): the lint starts from its
    # run of the build's content (warm()) and looks again at these alone.
    saved: frozenset[str] = frozenset()

    @property
    def output(self) -> Path:
        return Path(self.site.settings["OUTPUT_PATH"])


class _GiveUp(Exception):
    """The change is not one the kept build can take: a full rebuild is made."""


@dataclass
class _Edit:
    """A file of the kept build read again."""

    content: Content  # the kept build's object, which every list and page of the build refers to
    new: Content  # the object just read
    fields: frozenset[str]  # its attributes that changed, besides the body (none: a body edit)

    @property
    def path(self) -> str:
        return self.content.source_path

    def apply(self) -> None:
        """The new body and fields into the kept object (its metadata changed only in FIELDS)."""
        self._before = self._values(self.content)
        self._put(self._values(self.new))

    def undo(self) -> None:
        """The kept object as it was before apply()."""
        self._put(self._before)

    def _values(self, content: Content) -> dict:
        names = self.fields - {"metadata"} | {"_content"}
        return {"attributes": {name: getattr(content, name) for name in names},
                "metadata": {key: content.metadata[key] for key in FIELDS if key in content.metadata}}

    def _put(self, values: dict) -> None:
        for name, value in values["attributes"].items():
            setattr(self.content, name, value)
        for key in FIELDS:
            if key in values["metadata"]:
                self.content.metadata[key] = values["metadata"][key]
            else:
                self.content.metadata.pop(key, None)


class _Blocked(BuildError):
    """The lint found a problem that stops a build; raised before output/ changed."""


class LiveSite:
    """The preview's last build, kept to take body edits in memory."""

    def __init__(self):
        self._kept: _Kept | None = None
        self._heard: list = []
        signals.all_generators_finalized.connect(self._hear)

    def _hear(self, generators) -> None:
        self._heard = list(generators)

    def keep(self, site: Site, pages: rendering.PageCache) -> None:
        """A full build's hook (``build(keep=...)``): its site, generators and records."""
        heard, self._heard = self._heard, []
        self._kept = _Kept(site, heard, pages, lint.registry_for(site.settings), _files_seen(site))

    @property
    def output(self) -> Path | None:
        return self._kept.output if self._kept else None

    def forget(self) -> None:
        """A full rebuild is starting: the kept build may no longer be output/'s."""
        self._kept = None
        self._heard = []
        rendering.forget_bodies()  # the kept build's, which its updates kept
        lint.forget_memos()  # the full build lints in a child; warm() lints here again after it
        gc.unfreeze()  # the kept build can go, and goes now: not alongside the next build
        gc.collect()

    def close(self) -> None:
        signals.all_generators_finalized.disconnect(self._hear)
        self.forget()

    def update(self, changed: set[str]) -> Update | None:
        """Take the files ``changed`` (absolute paths) in memory, or None when only a full
        rebuild can (nothing done then). BuildError: a problem stops it; output/ unchanged."""
        kept = self._kept
        if kept is None:
            return None
        started = time.perf_counter()
        try:
            edits = _edits(kept, changed)
        except _GiveUp as reason:
            if os.environ.get("TRIBUNE_DEBUG"):
                print(f"live: full rebuild ({reason})", file=sys.stderr)
            return None
        # The files it takes (not an editor's temporary files, made and gone since the build).
        kept = dataclasses.replace(kept, saved=kept.saved | {edit.path for edit in edits})
        linting = workers.beside(_linted, kept)  # on another core while the pages render
        try:
            return self._take(kept, edits, linting, started)
        finally:
            linting.close()  # already waited for, unless the update stopped before it

    def _take(self, kept: _Kept, edits: list[_Edit], linting, started: float) -> Update:
        """Apply ``edits`` to the kept build and render what they touched, the lint's verdict
        (``linting``) asked for before output/ changes."""
        linted: list[tuple] = []

        def lint_passed() -> None:
            """Called before output/ changes: a problem that stops a build stops the update."""
            linted.append(linting.result())
            blocking = linted[0][0]
            if blocking:
                raise _Blocked(_n("{count} problem in the content: nothing was built", "{count} problems in the content: nothing was built",
                                  len(blocking)), blocking)

        self._kept = None  # until the update is whole: a failure below makes a full rebuild next
        # Pelican's memos of the old bodies, and of the bodies whose links lead to a content
        # whose fields (its address) changed.
        stale = [edit.content for edit in edits] + rendering.bodies_reading([edit.content for edit in edits if edit.fields])
        for edit in edits:
            edit.apply()
        rendering.forget_bodies(stale)
        try:
            pages, warnings = _render_again(kept, edits, lint_passed)
        except _Blocked:  # nothing changed on disk: nor in memory
            for edit in reversed(edits):
                edit.undo()
            rendering.forget_bodies(stale)
            self._kept = kept
            raise
        self._kept = dataclasses.replace(kept, pages=pages)
        return Update(time.perf_counter() - started, len(pages.rendered()), warnings, linted[0][1])

    def warm(self) -> None:
        """Ready the kept build for updates, after the pages reloaded: lint its content once in
        this process (the build linted it in a child process), so that each file is parsed
        and each rule's findings kept, and the first update re-reads only what it changed;
        then set the build aside from the collector: it lives until the next full rebuild, and
        the collector's full passes need not walk its hundreds of thousands of objects at each
        update (pauses of a tenth of a second at N=1000)."""
        if self._kept is not None:
            _linted(self._kept)
            gc.collect()
            gc.freeze()

    def save(self) -> None:
        """Write the records of the output now in place (after the pages reloaded)."""
        if self._kept is not None:
            self._kept.pages.save()


def _edits(kept: _Kept, changed: set[str]) -> list[_Edit]:
    """Each file changed, read again; _GiveUp unless each one is a published post or page
    whose body, or fields among FIELDS, alone changed."""
    known = {}
    for generator in kept.generators:
        kind = _KINDS.get(type(generator))
        if kind:
            for attribute in kind[1]:
                for content in getattr(generator, attribute):
                    known[content.source_path] = (generator, kind, content)
    edits = []
    for path in sorted(changed):
        if not os.path.lexists(path) and path not in kept.files:
            continue  # made and removed since the build (an editor's or sed's file saved aside, then renamed)
        if path not in known or not os.path.isfile(path):
            raise _GiveUp(f"not a published post or page: {path}")
        if path in kept.pages.shown_elsewhere:
            raise _GiveUp(f"shown by a file written outside the pages (an e-mail): {path}")
        generator, (content_class, _lists, _all, _order, preread, context_signal), content = known[path]
        with _captured_pelican_log() as log, _quiet_pelican():
            try:
                new = generator.readers.read_file(
                    base_path=generator.path, path=os.path.relpath(path, generator.path), content_class=content_class,
                    context=generator.context, preread_signal=preread, preread_sender=generator,
                    context_signal=context_signal, context_sender=generator)
            except Exception as error:  # noqa: BLE001 - whatever it is, the full rebuild says it
                raise _GiveUp(f"{path}: {error!r}") from None
        if log.records or isinstance(new, SkipStub) or not new.is_valid() or new.status != content.status:
            raise _GiveUp(f"{path}: logged, skipped, invalid or another status")
        if new.get_static_links() != content.get_static_links():
            raise _GiveUp(f"{path}: its links to static files changed")
        # What the generator and plugins add later is made from these; a post's translations
        # are linked later, by their metadata.
        fields = frozenset(name for name in vars(new).keys() - {"translations"} if state_digest(new, [name]) != state_digest(content, [name]))
        unset = vars(content).keys() - vars(new).keys() - {"translations"}  # a Summary: line removed: the summary made from the body
        if unset:
            raise _GiveUp(f"{path}: {', '.join(sorted(unset))} no longer set")
        if fields:
            _check_fields(kept, generator, content, new, fields)
        edits.append(_Edit(content, new, fields))
    return edits


def _check_fields(kept: _Kept, generator, content: Content, new: Content, fields: frozenset[str]) -> None:
    """_GiveUp unless the kept build can take ``content``'s new fields in place: its metadata
    changed in FIELDS only, no file outside the pages names it, its lists are not ordered by
    what changed, and a new slug is its own (no translation is linked by it)."""
    path = content.source_path
    metadata = {key for key in content.metadata.keys() | new.metadata.keys()
                if Digest(states=False).add(content.metadata.get(key)).hexdigest() != Digest(states=False).add(new.metadata.get(key)).hexdigest()}
    if metadata - FIELDS:
        raise _GiveUp(f"{path}: {', '.join(sorted(metadata - FIELDS))} changed")
    if path in kept.pages.named_elsewhere:
        raise _GiveUp(f"named by a file written outside the pages (an e-mail): {path}")
    _class, _lists, every, order_setting, _preread, _context = _KINDS[type(generator)]
    order = kept.site.settings.get(order_setting)
    if not isinstance(order, str) or order.removeprefix("reversed-") in fields:
        raise _GiveUp(f"{path}: its lists are ordered by {order!r}")
    if (new.slug, new.url, new.save_as) != (content.slug, content.url, content.save_as):
        others = [other for attribute in every for other in getattr(generator, attribute, []) if other is not content]
        translated = any(translation is content for other in others for translation in getattr(other, "translations", []))
        if content.translations or translated or any(other.slug == new.slug for other in others):
            raise _GiveUp(f"{path}: a new slug, and translations linked by slugs")
        if new.save_as in kept.pages.records:
            raise _GiveUp(f"{path}: its new address is another page's")


def _files_seen(site: Site) -> frozenset[str]:
    """The files of the folders the preview watches, as the build saw them: a path that
    changed and is gone, and was not among them, was never part of any build."""
    settings = site.settings
    roots = [settings["PATH"], settings.get("THEME", ""), *settings.get("PLUGIN_PATHS", [])]
    files = {str(site.config.resolve())}
    for root in filter(None, roots):
        for folder, _folders, names in os.walk(os.path.abspath(root)):
            files.update(os.path.join(folder, name) for name in names)
    return frozenset(files)


def _linted(kept: _Kept) -> tuple[list[Problem], list[Problem]]:
    problems = lint.run(kept.site.settings, kept.registry, changed=kept.saved)
    return [problem for problem in problems if problem.severity == ERROR], problems


def _render_again(kept: _Kept, edits: list[_Edit], may_change_output) -> tuple[rendering.PageCache, list[str]]:
    """Render again, beside output/, the files that read what ``edits`` changed, then, when
    ``may_change_output()`` does not raise, put them in place; the records of the whole output.

    The writer's calls that made those files are made again, with the objects changed in
    place. But a content whose fields changed may have changed the addresses of its own
    pages, and the objects plugins make for them (a relay kit): the generators that made
    its own pages write their output again instead (each page taken from output/ when its
    record holds), and their pages no longer written (its old address) are removed."""
    previous = kept.pages
    bodies = {edit.path for edit in edits}
    states = {edit.path for edit in edits if edit.fields}
    touched = [name for name, record in previous.records.items() if bodies & record.bodies.keys() or states & record.states.keys()]
    moved = [edit.content for edit in edits if edit.fields]
    own_before = _own_files(previous, moved)
    asked = _generators_of(kept, own_before)
    settings, output = kept.site.settings, kept.output
    staging = output.parent / f".{output.name}.new-{secrets.token_hex(4)}"  # a killed update's: removed by the next build
    pages = rendering.PageCache.following(previous, states)
    own_outputs = [(generator, generator.output_path) for generator in asked]
    try:
        staging.mkdir()
        settings["OUTPUT_PATH"] = kept.site.pelican.output_path = str(staging)
        with _captured_pelican_log() as log, rendering.caching(pages, forget=False), _quiet_pelican():
            writer = PageWriter(str(staging), settings=settings)
            writer.only = {id(content) for content in moved}
            for generator in asked:
                generator.output_path = str(staging)  # what it writes itself goes beside output/ too
                _write_own_pages(generator, writer)
            writer.only = None
            for method, arguments, keywords in _calls_left(previous, [name for name in touched if name not in own_before], pages.calls):
                getattr(writer, method)(*arguments, **keywords)
            writer.flush()
        errors = log.messages(logging.ERROR)
        if errors:
            raise BuildError(_("Pelican reported errors: {errors}", errors="; ".join(errors)))
        warnings = every_build(log.messages(logging.WARNING), settings, reused=True)
        gone = [name for name in own_before if name not in pages.calls]
        records = {name: record for name, record in {**previous.records, **pages.records}.items() if name not in gone}
        rendered = pages.rendered()
        if gone or any(previous.records.get(name, rendering.PageRecord("")).extras != record.extras for name, record in rendered.items()):
            pages_changed.send(settings, output=str(staging), extras=[record.extras for record in records.values()])
        may_change_output()
        previous.path.unlink(missing_ok=True)  # until the records say what is in place again
        _put_in_place(staging, output, rendered)
        _remove(output, gone, previous.records, records)
    finally:
        settings["OUTPUT_PATH"] = kept.site.pelican.output_path = str(output)
        for generator, path in own_outputs:
            generator.output_path = path
        shutil.rmtree(staging, ignore_errors=True)
    pages.records = records
    pages.calls = {**{name: call for name, call in previous.calls.items() if name not in gone}, **pages.calls}
    return pages, warnings


def _template_environment(call: tuple):
    """The Jinja environment of a writer's call's template (None for a feed): whose it is."""
    method, arguments, _keywords = call
    return getattr(arguments[1], "environment", None) if method == "write_file" else None


def _generators_of(kept: _Kept, names: list[str]) -> list:
    """The generators that made these files (each generator renders with its own Jinja
    environment), in the build's order."""
    environments = {id(_template_environment(kept.pages.calls[name])) for name in names} - {id(None)}
    return [generator for generator in kept.generators if id(getattr(generator, "env", None)) in environments]


def _write_own_pages(generator, writer: PageWriter) -> None:
    """Have ``generator`` write the pages of the contents ``writer`` writes the pages of
    (:meth:`PageWriter.writes_pages_of`): Pelican's article generator by the methods that
    write a post's own pages alone (its generate_output groups every post by tag, by
    period... before writing the lists: a fifth of a second at 5 000 posts, for nothing);
    any other, or any when a plugin listens to the signal generate_output sends at its end
    (``article_writer_finalized``), by its generate_output."""
    methods = _OWN_PAGES.get(type(generator))
    if methods is None or signals.article_writer_finalized.receivers:  # a plugin waits for the signal generate_output sends
        generator.generate_output(writer)
        return
    write = partial(writer.write_file, relative_urls=generator.settings["RELATIVE_URLS"])
    for method in methods:
        getattr(generator, method)(write)


def _own_files(built: rendering.PageCache, contents: list[Content]) -> list[str]:
    """The files made for one of ``contents`` (its page, a plugin's page of it: the call
    names it among its keywords), whose addresses and objects its fields may change."""
    ids = {id(content) for content in contents}
    return [name for name, (method, _arguments, keywords) in built.calls.items()
            if method == "write_file" and any(id(value) in ids for value in keywords.values())] if ids else []


def _calls_left(previous: rendering.PageCache, touched: list[str], made: dict) -> list[tuple]:
    """The calls that made files among ``touched`` that were not made again yet (``made``),
    each once."""
    calls = {id(previous.calls[name]): previous.calls[name] for name in touched if name not in made}
    return list(calls.values())


def _put_in_place(staging: Path, output: Path, rendered: dict) -> None:
    """Each file of ``staging`` that is not already output/'s (a hard link to it) replaces it,
    by a rename (a reader gets the whole old file or the whole new one): what pages show (a
    share card drawn again) first, the pages rendered last."""
    files = []
    for folder, _folders, names in os.walk(staging):
        files += [os.path.relpath(os.path.join(folder, name), staging) for name in names]
    for name in sorted(files, key=lambda name: name in rendered):
        source, target = staging / name, output / name
        if not _same_file(source, target):
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)


def _remove(output: Path, gone: list[str], before: dict, records: dict) -> None:
    """Remove the pages no longer written, with the files written beside them that no other
    page has, and the folders they leave empty."""
    beside = {path for record in records.values() for path in record.files}
    for name in gone:
        for path in [name, *(path for path in before[name].files if path not in beside)]:
            (output / path).unlink(missing_ok=True)
            remove_empty_folders((output / path).parent, output)


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except FileNotFoundError:
        return False
