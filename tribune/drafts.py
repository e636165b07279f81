"""What is not published yet, readable in the preview only: drafts and scheduled posts.

Drafts (``Status: draft``) are never written to output/ (``DRAFT_SAVE_AS = ""``), and must
not be. The preview keeps the generators of its last build (Pelican's
``all_generators_finalized``, heard in the ``invoke serve`` process only), then renders each
unpublished post or page with the site's own templates into a folder of its own, outside
output/, at ``/__tribune/brouillons/<its file>/``, beside the list of them all
(:data:`tribune.preview.DRAFTS_PATH`). Whatever rendering writes beside a page (a share
image, copies of an image) goes to that folder too: :mod:`tribune.preview` serves it after
output/.

A post is *scheduled* when its date is after now (:func:`tribune.clock.now`) and its
``Status`` is not ``draft``: published today at its own address when the site publishes
future dates, or held back as a draft by Pelican (``WITH_FUTURE_DATES = False``), then
rendered here like the drafts.
"""

import html
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from urllib.parse import quote

from pelican import signals
from pelican.writers import Writer

from tribune.clock import now
from tribune.dates import format_moment
from tribune.i18n import _
from tribune.lint import display_path
from tribune.preview import DRAFTS_PATH, page
from tribune.rendering import forget_bodies
from tribune.scheduling import day_in_words
from tribune.source import SourceError, read_source

DRAFT, SCHEDULED = "draft", "scheduled"


@dataclass
class Unpublished:
    """A post or page not published yet, and where the preview shows it."""

    content: object  # Pelican's Article or Page
    kind: str  # DRAFT or SCHEDULED
    generator: object  # the generator that read it: its templates and context
    url: str  # its address in the preview, from the root
    rendered: bool  # rendered by the preview (else published at ``url`` by the build)
    failed: str = ""  # why its page could not be rendered


class Drafts:
    """Hears each build of the preview, and renders what it did not publish."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="tribune-preview-"))
        self._generators: list = []
        signals.all_generators_finalized.connect(self._keep)

    def _keep(self, generators) -> None:
        self._generators = list(generators)

    def close(self) -> None:
        signals.all_generators_finalized.disconnect(self._keep)
        shutil.rmtree(self.folder, ignore_errors=True)

    def render(self) -> Path:
        """Render the last build's unpublished posts and pages, and their list, into the
        preview's folder (in place of the previous ones); return the folder. What plugins
        wrote beside them (share images) stays for the next rebuild. The build's generators
        (its whole site) are let go once their drafts are rendered: the preview keeps no
        site between rebuilds."""
        pages = self.folder / DRAFTS_PATH.strip("/")
        shutil.rmtree(pages, ignore_errors=True)
        generators, self._generators = self._generators, []
        items = unpublished(generators)
        try:
            for item in items:
                if item.rendered:
                    try:
                        _render(item, self.folder)
                    except Exception as error:  # noqa: BLE001 - one draft's template error is said on the list, the preview goes on
                        item.failed = f"{type(error).__name__}: {error}"
            pages.mkdir(parents=True, exist_ok=True)
            (pages / "index.html").write_text(drafts_page(items), encoding="utf-8")
        finally:
            forget_bodies()  # the drafts' bodies, memoized by Pelican as the build's are
        return self.folder


def unpublished(generators) -> list[Unpublished]:
    """The drafts and scheduled posts and pages of a build's generators, oldest first."""
    found = []
    for generator in generators:
        if hasattr(generator, "drafts") and hasattr(generator, "articles"):
            held = chain(generator.drafts, generator.drafts_translations)
            published = chain(generator.articles, generator.translations)
        elif hasattr(generator, "draft_pages"):
            held, published = chain(generator.draft_pages, generator.draft_translations), ()
        else:
            continue
        for content in held:
            kind = DRAFT if content.metadata.get("status", "").lower() == DRAFT or not _is_future(content) else SCHEDULED
            found.append(Unpublished(content, kind, generator, _preview_url(content), rendered=True))
        for content in published:
            if _is_future(content):
                found.append(Unpublished(content, SCHEDULED, generator, "/" + content.url, rendered=False))
    return sorted(found, key=lambda item: _dated(item.content).timestamp() if _dated(item.content) else float("inf"))


def _dated(content):
    """The content's date, or None (no date, or Pelican's stand-in for a draft without one)."""
    date = getattr(content, "date", None)
    return date if date is not None and date.tzinfo is not None else None


def _is_future(content) -> bool:
    date = _dated(content)
    return date is not None and date > now()


def _preview_name(content) -> str:
    """``__tribune/brouillons/posts/2026-11-20-campagne``: named after its file, unique."""
    source = Path(os.path.relpath(content.source_path, content.settings["PATH"])).with_suffix("")
    return DRAFTS_PATH.lstrip("/") + source.as_posix()


def _preview_url(content) -> str:
    return "/" + quote(_preview_name(content)) + "/"


@contextmanager
def _writing_into(settings: dict, folder: Path):
    """Plugins write what a page needs beside it under OUTPUT_PATH: here, into ``folder``."""
    output = settings["OUTPUT_PATH"]
    settings["OUTPUT_PATH"] = str(folder)
    try:
        yield
    finally:
        settings["OUTPUT_PATH"] = output


def _render(item: Unpublished, folder: Path) -> None:
    """Write ``item``'s page with the site's template, as Pelican writes a published one."""
    generator, content = item.generator, item.content
    name = _preview_name(content)
    variables = {"article": content, "category": content.category, "blog": True, "all_articles": generator.articles} \
        if hasattr(generator, "articles") else {"page": content}
    with _writing_into(generator.settings, folder):
        Writer(str(folder), settings=generator.settings).write_file(
            f"{name}/index.html", generator.get_template(content.template), generator.context,
            relative_urls=generator.settings["RELATIVE_URLS"], override_output=True, url=f"{name}/", **variables)


def drafts_page(items: list[Unpublished]) -> str:
    """The list of what is not published yet, by kind, each with its file and its date."""
    sections = []
    for kind, title, none in ((DRAFT, _("Drafts (Status: draft)"), _("No draft.")),
                              (SCHEDULED, _("Scheduled (dated after today)"), _("No scheduled post."))):
        listed = [item for item in items if item.kind == kind]
        entries = "".join(f"<li>{_link(item)} <small>{html.escape(_describe(item))}</small></li>" for item in listed)
        sections.append(f"<h2>{html.escape(title)}</h2>" + (f"<ul>{entries}</ul>" if listed else f"<p>{html.escape(none)}</p>"))
    intro = _("Only this preview shows them: a build or a publish leaves them out.")
    back = _("Back to the site")
    return page(_("Drafts and scheduled posts"), f'<p>{html.escape(intro)} <a href="/">{html.escape(back)}</a></p>' + "".join(sections))


def _link(item: Unpublished) -> str:
    if item.failed:
        return html.escape(_("{title} (its page could not be shown: {error})", title=item.content.title, error=item.failed))
    return f'<a href="{html.escape(item.url)}">{html.escape(item.content.title)}</a>'


def _describe(item: Unpublished) -> str:
    path = display_path(Path(item.content.source_path))
    date = _dated(item.content)
    if date is None:
        return path
    return _("{path}, dated {date}", path=path, date=_date_words(item.content, date))


def _date_words(content, date) -> str:
    """The day of a Date written without an hour, the moment of one written with it: as the
    lint's notice of a scheduled post says it (:func:`tribune.scheduling.day_in_words`)."""
    try:
        written = read_source(Path(content.source_path)).get("Date")
    except (OSError, SourceError):
        written = None
    if not written:  # a date Pelican found elsewhere: the moment it read
        return format_moment(date)
    return day_in_words(written, date, content.settings)
