"""Tribune's Pelican writer: pages taken from the page cache, and rendered on every core.

Pelican's writer renders each page the moment a generator asks for it, on one core. This
writer, a subclass of Pelican's (used through Pelican's ``get_writer`` signal):

- takes a page whose record still holds from the previous output (:mod:`tribune.rendering`)
  without rendering it or writing its file: when the build will move it in at the swap
  (:mod:`tribune.build`), a single page or every page of a paginated list whose records all
  hold does not even go through Pelican's writer (which would make its folder); otherwise
  the page's file is a hard link to the previous one;
- on a build of many pages, puts the rendering off: Pelican's generators ask for every page
  as usual, then the pages are rendered by ``WRITER_PROCESSES`` forked workers (default: one
  per core), each writing its own files. They are rendered before any other output is made
  and before Pelican's ``finalized`` signal: :class:`RenderPending`, a generator of this
  module, asks for it at its turn among the generators, and pages asked for after it are
  rendered at once. Plugins get :data:`tribune.signals.page_rendered` for every page in the
  order Pelican's generators asked for them, whichever process rendered them. Feeds are put
  off the same way when no plugin listens to Pelican's ``feed_generated`` or ``feed_written``.

A page whose rendering fails or logs anything in a worker is rendered again by this
process, so that its error or warning is reported as usual. Rendering is put off only when
no plugin listens to Pelican's ``content_written`` signal (which says that the file is
written), for more than a few pages, with more than one process and ``fork`` (Linux); pages
are moved at the swap only under the same first condition (plugins that read every page
at ``finalized`` would not find them in the new folder yet).
"""

import logging
import os
from contextlib import suppress
from dataclasses import dataclass

from pelican import signals as pelican_signals
from pelican.paginator import Paginator
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from tribune import feeds, rendering, workers
from tribune.i18n import _
from tribune.lint import display_path

logger = logging.getLogger(__name__)

_MINIMUM_PAGES = 40  # below this, starting workers costs more than it saves
_CHUNK = 20  # pages per task: fewer round trips, still an even share per worker
# From this many pages (below _MINIMUM_PAGES), they are rendered by this process and one forked
# child at once. Fewer (a post's page and its feeds, after a body edit) render sooner here
# alone: a fork costs in proportion to the process's memory, as both then write to pages
# they share (at 5 000 posts, 4 pages took 0.08 s alone and 0.16 s shared; 18 pages after a
# title edit, 0.27 s alone and 0.20 s shared at 1 000 posts).
_SHARED_PAGES = 8

last_rendered_in_workers = 0  # pages and feeds the last build's workers wrote (what tests check)


@dataclass(eq=False)
class _Page:
    """A page Pelican's writer was asked for, until its file is written."""

    name: str  # output file, relative to the output folder
    template: object  # the Jinja template
    context: dict  # the generator's context, shared by its pages
    localcontext: dict  # this page's
    path: str = ""  # the file's full path, once known
    record: rendering.PageRecord | None = None  # once rendered or reused
    is_page = True

    def aim_links(self) -> None:
        """What Pelican's writer does as it writes a page: the shared context's localsiteurl
        becomes the page's, to which bodies' links are made relative (RELATIVE_URLS)."""
        if self.localcontext["localsiteurl"]:
            self.context["localsiteurl"] = self.localcontext["localsiteurl"]


@dataclass(eq=False)
class _Feed:
    """A feed put off: Pelican's write_feed is called at the flush, with these arguments."""

    name: str  # output file, relative to the output folder
    kind: str
    path: str  # its full path
    arguments: tuple
    keywords: dict
    record: rendering.PageRecord | None = None
    is_page = False


class _Later:
    """What Pelican writes the page into when its file is linked or rendered later."""

    def __init__(self, done):
        self.done = done

    def write(self, text: str) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.done()


class _PageTemplate:
    """A template whose render() Pelican's writer calls: the writer decides what is done."""

    def __init__(self, template, writer: "PageWriter", context: dict):
        self.template, self.writer, self.context = template, writer, context
        self.name = template.name

    def render(self, localcontext: dict) -> str:
        return self.writer.render(_Page(localcontext["output_file"], self.template, self.context, localcontext))


class PageWriter(Writer):
    """Pelican's writer with the build's page cache, rendering on every core."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.cache = rendering.cache_for(settings)
        rendering.addresses_fixed(settings)  # Pelican asks for its writer once every content is read
        self.processes = workers.processes(self.settings, "WRITER_PROCESSES")
        quiet = not pelican_signals.content_written.receivers  # nobody needs each file written as it is asked for
        self.deferring = quiet and self.processes > 1
        self.moving = quiet and self.cache.moving
        self._pages: list[_Page | _Feed] = []  # put off, or reused while pages are put off
        self._opening: _Page | None = None  # the page whose file Pelican opens next
        self._linked: set[str] = set()  # files linked to the previous output
        self._writers: dict[str, str] = {}  # each file claimed, with what writes it
        self._who = ""  # what the current write_file or write_feed call writes
        # When set, the ids of the contents whose own pages alone are written (a call that
        # names one of them among its keywords): the preview's update in memory (tribune.live).
        self.only: set[int] | None = None
        self.feed_items = feeds.KeptItems(self.cache, self.settings)

    def writes_pages_of(self, content) -> bool:
        """Whether this writer writes the pages made for ``content`` (a post, a kit's post):
        always, but in the preview's update in memory, which writes those of the contents
        it changed alone (a generator need not make the others' pages' objects)."""
        return self.only is None or id(content) in self.only

    # -- Pelican's writer's entry points ---------------------------------------------
    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None, override_output=False,
                   url=None, **kwargs):
        if self.only is not None and not any(map(self.writes_pages_of, kwargs.values())):
            return
        self.cache.start(context)
        item = kwargs.get("article") or kwargs.get("page") or kwargs.get("item")
        self._who = display_path(item.source_path) if getattr(item, "source_path", None) else _("the {template} page", template=template_name or name)
        if name and (self.cache.calls is not None or self.moving or self.deferring):
            pages = self._pages_of(name, url, paginated, template_name, kwargs)
            self.cache.note_call([file for file, _ in pages], ("write_file", (name, template, context), dict(
                relative_urls=relative_urls, paginated=paginated, template_name=template_name, override_output=override_output,
                url=url, **kwargs)))
        if name and (self.moving or self.deferring):
            if self.moving and self._move_later([file for file, _ in pages], template, context, override_output):
                return
            if self.deferring:
                for file, variables in pages:
                    self._put_off(file, template, context, self._localcontext(context, file, variables, relative_urls), override_output)
                return
        super().write_file(name, _PageTemplate(template, self, context), context, relative_urls, paginated, template_name, override_output,
                           url, **kwargs)

    def _pages_of(self, name, url, paginated, template_name, kwargs) -> list[tuple[str, dict]]:
        """The pages Pelican's write_file makes of this call, with their own variables: one,
        or one per page of a paginated list (Pelican's rule, with its Paginator). The tests
        compare every file with those of Pelican's write_file (WRITER_PROCESSES = 1)."""
        if paginated is None:
            paginated = {key: value for key, value in kwargs.items() if key in {"articles", "dates"}}
        if not (paginated and template_name in self.settings["PAGINATED_TEMPLATES"]):
            return [(name, kwargs)]
        per_page = self.settings["PAGINATED_TEMPLATES"][template_name] or self.settings["DEFAULT_PAGINATION"]
        paginators = {key: Paginator(name, url, value, self.settings, per_page) for key, value in paginated.items()}
        count = next(iter(paginators.values())).num_pages
        pages = []
        for number in range(1, count + 1):
            variables = kwargs.copy()
            for key, paginator in paginators.items():
                page = paginator.page(number)
                variables.update({f"{key}_paginator": paginator, f"{key}_page": page,
                                  f"{key}_previous_page": paginator.page(number - 1) if number > 1 else None,
                                  f"{key}_next_page": paginator.page(number + 1) if number < paginator.num_pages else None})
            pages.append((page.save_as, variables))
        return pages

    @staticmethod
    def _localcontext(context: dict, name: str, variables: dict, relative_urls: bool) -> dict:
        """A page's template variables, as Pelican's write_file makes them."""
        localcontext = context.copy()
        localcontext["localsiteurl"] = localcontext.get("localsiteurl", None)
        if relative_urls:
            localcontext["SITEURL"] = localcontext["localsiteurl"] = path_to_url(get_relative_path(name))
        localcontext["output_file"] = name
        localcontext.update(variables)
        return localcontext

    def _put_off(self, name: str, template, context: dict, localcontext: dict, override: bool) -> None:
        """A page rendered at the flush (or linked now, when its record holds), without
        Pelican's writer: the worker that renders it makes its folder."""
        page = _Page(name, template, context, localcontext, sanitised_join(self.output_path, name))
        page.aim_links()  # the context as Pelican's writer leaves it
        if self._claim(page.path, override):
            page.record = self.cache.reusable(name, template.name)
            self._later(page)

    def _move_later(self, names: list[str], template, context, override: bool) -> bool:
        """Pages whose records all hold: moved in from the previous output at the swap,
        without Pelican's writer making their folders and files now (see tribune.build)."""
        records = [self.cache.reusable(name, template.name) for name in names]
        paths = [sanitised_join(self.output_path, name) for name in names]
        if None in records or any(path in self._written_files for path in paths):
            return False
        if not self.cache.can_move(names, records, self.output_path):
            return False
        for name, record, path in zip(names, records, paths):
            self._claim(path, override)
            self._made(_Page(name, template, context, {}, path, record))
        return True

    def _add_item_to_the_feed(self, feed, item):
        """Pelican's, or the item as the previous build wrote it when nothing it read changed."""
        self.feed_items.add(feed, item, super()._add_item_to_the_feed, self.site_url)

    def _create_new_feed(self, feed_type, feed_title, context):
        """Pelican's feed, with its own id, language and title (tribune.feeds)."""
        return feeds.identify(super()._create_new_feed(feed_type, feed_title, context), feed_title, self.settings)

    def write_feed(self, elements, context, path=None, url=None, feed_type="atom", *args, **kwargs):
        """A feed, linked from the previous output when the posts it holds did not change
        (Pelican's feed_generated and feed_written signals are then not sent)."""
        if self.only is not None:
            return None
        self.cache.start(context)
        if not path:
            return super().write_feed(elements, context, path, url, feed_type, *args, **kwargs)
        self._who = _("the feed {path}", path=path)
        kind = f"feed:{feed_type}"
        self.cache.note_call([path], ("write_feed", (list(elements), context, path, url, feed_type, *args), kwargs))
        record = self.cache.reusable(path, kind)
        if record is not None:
            self._linked.add(sanitised_join(self.output_path, path))
            with suppress(FileNotFoundError):  # else gone from the previous output: written
                self.cache.reuse(path, record, self.output_path)
                self.cache.keep(path, record, page=False)
                return None
        if self.deferring and not (pelican_signals.feed_generated.receivers or pelican_signals.feed_written.receivers):
            # The list as it is now: the generator may reorder its own later.
            feed = _Feed(path, kind, sanitised_join(self.output_path, path), (list(elements), context, path, url, feed_type, *args), kwargs)
            if self._claim(feed.path, kwargs.get("override_output", False)):
                self._pages.append(feed)
            return None
        with self.cache.recording(path, kind) as record:
            feed = super().write_feed(elements, context, path, url, feed_type, *args, **kwargs)
        self.cache.keep(path, record, page=False)
        return feed

    def render(self, page: _Page) -> str:
        """Called by Pelican's writer for each page: the HTML it writes into the page's file
        (nothing when the file is linked or rendered later, see _open_w)."""
        page.record = self.cache.reusable(page.name, page.template.name)
        if page.record is None and not self.deferring:
            html, page.record = self._render(page)
            self.cache.keep(page.name, page.record)
            return html
        self._opening = page
        return ""

    def _open_w(self, filename, encoding, override=False):
        """The file Pelican writes a page into: for a page linked or rendered later, one
        that writes nothing, and the link is made or the page put off when it is closed."""
        page, self._opening = self._opening, None
        if page is None:
            self._unlink(filename)
            self._claim(filename, override)
            return open(filename, "w", encoding=encoding)
        page.path = filename
        if not self._claim(filename, override):
            return open(os.devnull, "w", encoding=encoding)
        return _Later(lambda: self._later(page))

    def _claim(self, filename: str, override: bool) -> bool:
        """Each file is written once. Where Pelican lets a page with ``Save_as:`` replace
        another page's file (the home page, a post) and skips the other, Tribune stops the
        build and names both: a writer's typo must not silently take a page off the site."""
        earlier = self._writers.get(filename)
        if earlier is not None:
            written = os.path.relpath(filename, self.output_path)
            raise FileOverwriteFailedError(_("{who} and {earlier} would both be written to {path}: change the Save_as: (or the Slug:) of "
                                             "one of them", who=self._who, earlier=earlier, path=written))
        self._writers[filename] = self._who
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return True

    def _later(self, page: _Page) -> None:
        if page.record is not None:
            self._linked.add(page.path)
            try:
                self.cache.reuse(page.name, page.record, self.output_path)
            except FileNotFoundError:  # gone from the previous output: rendered after all
                page.record = None
        if page.record is None and not self.deferring:
            page.record = self._write(page)
        self._made(page)

    def _made(self, page: _Page) -> None:
        """Keep a page's record now; while pages are put off, at the flush, in their order."""
        if self.deferring:
            self._pages.append(page)
        else:
            self.cache.keep(page.name, page.record)

    def _unlink(self, path: str) -> None:
        """Before writing ``path``: when it is a link to the previous output, unlink it, so
        that writing it does not change the previous output's file."""
        if path in self._linked:
            self._linked.discard(path)
            with suppress(FileNotFoundError):
                os.unlink(path)

    # -- Rendering ---------------------------------------------------------------------
    def _render(self, page: _Page) -> tuple[str, rendering.PageRecord]:
        with self.cache.recording(page.name, page.template.name) as record:
            html = page.template.render(page.localcontext)
        return html, record

    def _write(self, page: _Page | _Feed) -> rendering.PageRecord:
        """Render a page or a feed put off and write its file (in a worker, or here)."""
        if not page.is_page:
            # Claimed when it was put off: Pelican's write_feed claims it again.
            self._written_files.discard(page.path)
            self._overridden_files.discard(page.path)
            self._who = self._writers.pop(page.path, self._who)
            with self.cache.recording(page.name, page.kind) as record:
                Writer.write_feed(self, *page.arguments, **page.keywords)
            return record
        page.aim_links()
        html, record = self._render(page)
        self._unlink(page.path)
        os.makedirs(os.path.dirname(page.path), exist_ok=True)
        with open(page.path, "w", encoding="utf-8") as file:
            file.write(html)
        return record

    def _previous_size(self, page: _Page | _Feed) -> int:
        """The size of the page's file in the previous output (0 when it has none)."""
        if self.cache.previous_output is None:
            return 0
        try:
            return os.stat(os.path.join(self.cache.previous_output, page.name)).st_size
        except OSError:
            return 0

    def flush(self) -> None:
        """Render the pages and feeds put off, on every core; then keep their records, in the
        order Pelican asked for them. Pages asked for after this are rendered at once."""
        global last_rendered_in_workers
        pages, self._pages, self.deferring = self._pages, [], False
        todo = [page for page in pages if page.record is None]
        last_rendered_in_workers = 0
        if self.processes > 1 and len(todo) >= _MINIMUM_PAGES:
            chunks = [range(start, min(start + _CHUNK, len(todo))) for start in range(0, len(todo), _CHUNK)]
            for done in workers.map_forked(_write_chunk, chunks, self.processes, (self, todo)):
                for index, record in done:
                    todo[index].record = record
                last_rendered_in_workers += len(done)
        elif self.processes > 1 and len(todo) >= _SHARED_PAGES:
            # The lists a title shows in, after a rebuild or an update in memory: this process
            # and one child, the largest files of the previous output first (all the posts'
            # list, the archives), so that both end together.
            todo.sort(key=self._previous_size, reverse=True)
            done, last_rendered_in_workers = workers.shared_with_a_child(len(todo), lambda index: self._write(todo[index]))
            for index, record in done.items():
                todo[index].record = record
        for page in todo:
            if page.record is None:  # few pages, or failed or logged in a worker
                page.record = self._write(page)
        for page in pages:
            self.cache.keep(page.name, page.record, page=page.is_page)


def writes_pages_of(writer, content) -> bool:
    """:meth:`PageWriter.writes_pages_of` for any writer (Pelican's writes every page)."""
    return writer.writes_pages_of(content) if isinstance(writer, PageWriter) else True


def _write_chunk(indexes: range) -> list[tuple[int, rendering.PageRecord]]:
    """In a worker: (index, record) of each page of ``indexes`` written cleanly."""
    writer, todo = workers.inherited()
    return workers.cleanly(indexes, lambda index: writer._write(todo[index]))


class RenderPending:
    """A generator in name only: at its turn among Pelican's generators, the pages put off
    so far are rendered: after every other generator's (the articles and pages come first,
    the plugins' next, :func:`_render_pending_last`), before the static files, which come
    last, and before ``finalized``."""

    def __init__(self, context=None, settings=None, **kwargs):
        self.context, self.settings = context, settings  # for plugins that look at every generator

    def generate_output(self, writer) -> None:
        if isinstance(writer, PageWriter):
            writer.flush()


def _page_writer(pelican):
    return PageWriter


def _render_pending(pelican):
    return RenderPending


def _render_pending_last(pelican) -> None:
    """Put RenderPending after the plugins' generators, which have all asked for theirs by
    now (Pelican sends ``initialized`` once they are registered): their pages too are put
    off and rendered on every core (a kit page per post: a third of a site's pages)."""
    pelican_signals.get_generators.disconnect(_render_pending)
    pelican_signals.get_generators.connect(_render_pending)


def install() -> None:
    """Use this writer, with the page cache (once per process)."""
    rendering.follow_bodies()
    pelican_signals.get_writer.connect(_page_writer)
    pelican_signals.get_generators.connect(_render_pending)
    pelican_signals.initialized.connect(_render_pending_last)
