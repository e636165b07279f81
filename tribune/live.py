"""`invoke serve`'s rebuild in memory: a post's or a page's body edited, only its pages rendered.

A writer's loop is mostly this: change a sentence, save, look. A full rebuild does work in
proportion to the whole site (Pelican makes every content object again from its cache, the
site's digest, every list) to change one page. The preview keeps its last build instead —
its settings, its generators with their content objects, the page cache's records and the
writer's calls (:class:`tribune.rendering.PageCache` with ``calls``) — and when every file
saved is the Markdown of a published post or page whose fields did not change:

1. each file is read again by Pelican's readers, into a new content object, as Pelican's
   generator reads it (its signals sent, the plugins' work done); when anything but the body
   differs from the object of the last build (a title, a date, a tag, a link to a static
   file...), or the file cannot be read, or Pelican logs anything, this gives up and the
   preview makes a full rebuild, which says everything as usual;
2. the lint runs on the whole content, in this process (each file parsed once per process:
   only the changed one is read again); a problem that stops a build stops this update, and
   output/ is left as it is;
3. the new body goes into the last build's object, and the writer's calls that made the
   files whose records read that body are made again, into a folder beside output/, by
   Tribune's writer with the page cache: the pages of those calls that did not read the body
   are taken from output/, the others rendered;
4. the files rendered replace those of output/, each by a rename (a reader gets the whole old
   file or the whole new one); the page cache's records on disk are removed first and saved
   after, so that a process killed half-way leaves a next build that renders every page.
   The site's lock is held throughout, so no other command reads output/ meanwhile, and the
   preview's pages reload only once every file is in place.

Everything else — a title, a new or deleted file, a member, an event, an edition, a
template, a setting, a plugin, a post whose first paragraph an e-mail shows (the e-mails are
written outside Pelican's writer) — makes a full rebuild, which also starts a new kept build.
tests/test_live.py compares output/ after a series of edits with a build from nothing, file
by file.
"""

import gc
import logging
import os
import secrets
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from pelican import signals
from pelican.contents import Article, Page
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.readers import SkipStub

from tribune import lint, rendering
from tribune.build import BuildError, Site, _captured_pelican_log, _quiet_pelican
from tribune.fingerprint import state_digest
from tribune.i18n import _, _n
from tribune.lint import ERROR, Problem
from tribune.pelican_warnings import every_build
from tribune.writer import PageWriter

# What each generator's content objects are made with, as its generate_context makes them.
_KINDS = {
    ArticlesGenerator: (Article, ("articles", "translations"), signals.article_generator_preread, signals.article_generator_context),
    PagesGenerator: (Page, ("pages", "translations"), signals.page_generator_preread, signals.page_generator_context),
}


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

    @property
    def output(self) -> Path:
        return Path(self.site.settings["OUTPUT_PATH"])


class _GiveUp(Exception):
    """The change is not a body edit the kept build can take: a full rebuild is made."""


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
            edits = _body_edits(kept, changed)
        except _GiveUp as reason:
            if os.environ.get("TRIBUNE_DEBUG"):
                print(f"live: full rebuild ({reason})", file=sys.stderr)
            return None
        blocking, problems = _linted(kept)
        if blocking:
            raise BuildError(_n("{count} problem in the content: nothing was built", "{count} problems in the content: nothing was built",
                                len(blocking)), blocking)
        self._kept = None  # until the update is whole: a failure below makes a full rebuild next
        for content, new in edits:
            content._content = new._content
        rendering.forget_bodies([content for content, _new in edits])  # Pelican's memos of the old bodies
        pages, warnings = _render_again(kept, {content.source_path for content, _new in edits})
        self._kept = _Kept(kept.site, kept.generators, pages, kept.registry, kept.files)
        return Update(time.perf_counter() - started, len(pages.rendered()), warnings, problems)

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


def _body_edits(kept: _Kept, changed: set[str]) -> list[tuple[object, object]]:
    """(the kept object, the one just read) for each file changed; _GiveUp unless each one is
    a published post or page whose body alone changed."""
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
        generator, (content_class, _lists, preread, context_signal), content = known[path]
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
        # What the generator and plugins add later is made from these; a post's translations
        # are linked later, by their metadata.
        read = vars(new).keys() - {"translations"}
        if state_digest(new, read) != state_digest(content, read) or new.get_static_links() != content.get_static_links():
            raise _GiveUp(f"{path}: more than its body changed")
        edits.append((content, new))
    return edits


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
    problems = lint.run(kept.site.settings, kept.registry)
    return [problem for problem in problems if problem.severity == ERROR], problems


def _render_again(kept: _Kept, sources: set[str]) -> tuple[rendering.PageCache, list[str]]:
    """Make again the writer's calls whose files read one of ``sources``' bodies, beside
    output/, then put the files rendered in place; the records of the whole output."""
    previous = kept.pages
    names = [name for name, record in previous.records.items() if sources & record.bodies.keys()]
    calls = list({id(previous.calls[name]): previous.calls[name] for name in names}.values())
    settings, output = kept.site.settings, kept.output
    staging = output.parent / f".{output.name}.new-{secrets.token_hex(4)}"  # a killed update's: removed by the next build
    pages = rendering.PageCache.following(previous)
    try:
        staging.mkdir()
        settings["OUTPUT_PATH"] = kept.site.pelican.output_path = str(staging)
        with _captured_pelican_log() as log, rendering.caching(pages, forget=False), _quiet_pelican():
            writer = PageWriter(str(staging), settings=settings)
            for method, arguments, keywords in calls:
                getattr(writer, method)(*arguments, **keywords)
            writer.flush()
        errors = log.messages(logging.ERROR)
        if errors:
            raise BuildError(_("Pelican reported errors: {errors}", errors="; ".join(errors)))
        warnings = every_build(log.messages(logging.WARNING), settings, reused=True)
        rendered = pages.rendered()
        previous.path.unlink(missing_ok=True)  # until the records say what is in place again
        for name, record in rendered.items():
            os.replace(staging / name, output / name)
            for path in record.files:  # drawn again, or taken from a cache, or still in output/
                if (staging / path).is_file() and not _same_file(staging / path, output / path):
                    os.replace(staging / path, output / path)
    finally:
        settings["OUTPUT_PATH"] = kept.site.pelican.output_path = str(output)
        shutil.rmtree(staging, ignore_errors=True)
    pages.records = {**previous.records, **pages.records}
    pages.calls = {**previous.calls, **pages.calls}
    return pages, warnings


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except FileNotFoundError:
        return False
