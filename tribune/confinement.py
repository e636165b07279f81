"""Content stays inside content/, and output stays inside output/.

Pelican follows symbolic links when it walks the content folder, reads whatever file a
``{static}`` link names, copies it to the same relative place under output/ (``..``
included), and lets a page with ``Save_as:`` silently replace another page. A careless or
hostile file could so publish /etc/passwd, write outside output/, or replace the home page.

The lint refuses each case at its line (these rules), and the build refuses them again
(:func:`install`): the lint runs beside the build, which must not have copied anything
outside by the time the lint's verdict arrives.
"""

import logging
import os
import posixpath
from collections.abc import Iterable
from pathlib import Path

from pelican import signals

from tribune.i18n import _
from tribune.lint import EACH_FILE, ERROR, FIELDS, Corpus, Problem, SourceMemo, display_path, problem, reads
from tribune.paths import INTERNAL_LINK, OutsideContent, content_path
from tribune.source import Source

logger = logging.getLogger(__name__)
_links_out = SourceMemo()  # each body's links out of content/, while the content folder's listing stays the same


@reads()
def check_symbolic_links(corpus: Corpus) -> Iterable[Problem]:
    """Every symbolic link under content/ must lead to a file or folder inside it, and not to
    a folder that holds it (Pelican follows links as it walks, and would walk it forever)."""
    root = corpus.content_folder.root
    for name, what, *_rest in corpus.content_folder.listing:
        if what != "link":
            continue
        path = root / name
        target, where = os.readlink(path), display_path(path)
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):  # missing, or a loop of links
            yield Problem(where, 1, "", _("a symbolic link to {target}, which leads nowhere (a missing file, or a loop of links): "
                                          "remove it", target=target), ERROR)
            continue
        if real != root and root not in real.parents:
            yield Problem(where, 1, "", _("a symbolic link to {target}, outside content/: Tribune publishes only what is inside "
                                          "content/; put a copy of the file there instead", target=target), ERROR)
        elif real.is_dir() and (real == path.parent.resolve() or real in path.parent.resolve().parents):
            yield Problem(where, 1, "", _("a symbolic link to {target}, a folder that holds the link: Pelican would read it over "
                                          "and over; remove it", target=target), ERROR)


@reads(EACH_FILE)
def check_file_links(corpus: Corpus) -> Iterable[Problem]:
    """{static}, {attach} and {filename} links of every body must stay inside content/."""
    content = corpus.content_folder

    def outside(source: Source) -> Iterable[Problem]:
        folder = folder_of(source, content.root)
        for line, text in source.body_lines():
            for link in INTERNAL_LINK.finditer(text):
                try:
                    content.content_path(link["target"], folder)
                except OutsideContent as error:
                    yield Problem(display_path(source.path), line, "", _("{{{kind}}}{target} {error}: link to a file of content/ "
                                                                         "(e.g. {{static}}/images/photo.jpg)", kind=link["kind"],
                                                                         target=link["target"], error=error), ERROR)

    for sources in corpus.sources.values():
        for source in sources:
            yield from _links_out.recall(corpus, source, content.version, outside)


def folder_of(source: Source, root: Path) -> str:
    """The folder of ``source``, relative to the content folder ``root``: where its relative
    links start from."""
    try:
        return source.path.resolve().parent.relative_to(root).as_posix()
    except ValueError:  # the file itself is a link out of content/: check_symbolic_links says so
        return ""


@reads(FIELDS)
def check_output_paths(corpus: Corpus) -> Iterable[Problem]:
    """Save_as: and Url: must stay inside output/, and not take another page's file."""
    taken = _fixed_outputs(corpus.settings)
    reserved = _reserved_folders(corpus.settings)
    for kind in ("post", "page"):
        for source in corpus.of_kind(kind):
            for key in ("Save_as", "Url"):
                value = source.get(key)
                if not value or "://" in value:
                    continue
                normal = posixpath.normpath(value.strip())
                if normal.startswith("../") or normal == ".." or posixpath.isabs(normal):
                    yield problem(source, key, _('"{value}" would write outside output/: give a path such as evenements/mon-billet/index.html', value=value))
                    continue
                if key != "Save_as":
                    continue
                if not normal.endswith(".html"):
                    yield problem(source, key, _('"{value}" is not an HTML file: a page is saved as an .html file, e.g. '
                                                 'evenements/mon-billet/index.html', value=value))
                    continue
                folder = next((folder for folder in reserved if normal.startswith(folder + "/")), None)
                if folder:
                    yield problem(source, key, _('"{value}" is inside {folder}/, where {owner} writes its own files; choose another Save_as',
                                                 value=value, folder=folder, owner=reserved[folder]))
                elif normal in taken:
                    yield problem(source, key, _('"{value}" is the file of {owner}: this page would replace it; choose another Save_as',
                                                 value=value, owner=taken[normal]))
                else:
                    taken[normal] = display_path(source.path)


def _reserved_folders(settings: dict) -> dict[str, str]:
    """Folders of output/ that belong to one writer (the theme's files, the search index, the
    e-mails: any setting named ..._DIR), by folder, with who writes there."""
    reserved = {"pagefind": _("the search index")}
    for key, value in settings.items():
        if not (key.endswith("_DIR") and isinstance(value, str)) or "://" in value:
            continue
        folder = posixpath.normpath(value.split("{")[0].strip("/ ") or ".")  # newsletter/{edition}: newsletter
        if folder not in (".", "..") and not folder.startswith("../"):
            reserved.setdefault(folder, _("the site's {setting} ({value})", setting=key, value=value))
    return reserved


def _fixed_outputs(settings: dict) -> dict[str, str]:
    """Files every build writes at a fixed place (home, archives, lists, feeds, static files),
    by output path, with what writes them."""
    taken = {}
    for key, value in settings.items():
        if isinstance(value, str) and "{" not in value and "." in value and (key.endswith("_SAVE_AS") or key.startswith("FEED_") and key.endswith(("_ATOM", "_RSS"))):
            taken[posixpath.normpath(value)] = _("the site's {setting} ({value})", setting=key, value=value)
    for template in settings.get("DIRECT_TEMPLATES", []):
        save_as = settings.get(f"{template.upper()}_SAVE_AS", f"{template}.html")
        if save_as:
            taken.setdefault(posixpath.normpath(save_as), _("the {template} page", template=template))
    root = Path(settings["PATH"])
    for folder in settings.get("STATIC_PATHS", []):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                taken.setdefault(path.relative_to(root).as_posix(), _("the static file {path}", path=display_path(path)))
    return taken


def confine_static_files(static_generator) -> None:
    """The build's own guard: no static file from outside content/ is copied, whatever
    linked to it (Pelican copies every file a {static} link names, ``..`` included)."""
    root = Path(static_generator.path).resolve()
    kept = []
    for static in static_generator.staticfiles:
        try:
            content_path(root, static.relative_source_path)
        except OutsideContent as error:
            logger.error(_("{path} {error}: not published", path=static.relative_source_path, error=error))
            continue
        kept.append(static)
    static_generator.staticfiles[:] = kept  # in place: the context holds the same list


def register(registry) -> None:
    registry.add_rule(check_symbolic_links)
    registry.add_rule(check_file_links)
    registry.add_rule(check_output_paths)


def install() -> None:
    """Connect the build's guard (once per process, like Pelican's own plugins)."""
    signals.static_generator_finalized.connect(confine_static_files)
