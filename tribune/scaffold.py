"""`invoke new <kind> "Title"`: a new content file, correctly named, its metadata filled in.

Each kind of content knows its folder, its file name, its metadata template and what the
writer does next (printed after the file's path). Tribune's core knows posts and pages;
plugins add their kinds (member, event, edition) by connecting to
:data:`tribune.signals.scaffold_registry` and calling :meth:`Scaffolds.add` on what they are
sent. Kinds are named in any case (``invoke new Post``). A new file never replaces one, and a
post or page never takes the slug of another one of its language: the lint would refuse it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tribune.clock import site_now
from tribune.i18n import _
from tribune.lint import display_path
from tribune.rules import lang_of, slug_of
from tribune.signals import scaffold_registry
from tribune.slugs import slugify
from tribune.source import SourceError, parse_text, read_source

#: Makes (path relative to the content folder, file text) from a title, the settings and now.
Maker = Callable[[str, dict, datetime], tuple[str, str]]


class ScaffoldError(Exception):
    """The file cannot be created: unknown kind, empty title, or the title is taken."""


@dataclass
class Scaffolds:
    settings: dict
    makers: dict[str, Maker] = field(default_factory=dict)

    untitled: set[str] = field(default_factory=set)
    numbered: set[str] = field(default_factory=set)
    next_steps: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, maker: Maker, title_required: bool = True, numbered: bool = False, next_steps: str = "") -> None:
        """Add a kind; a maker for a kind whose title is optional gets "" when none is given.
        ``numbered``: a second file of the same name is written with a number (edition
        2026-11-2), instead of being refused. ``next_steps``: what the writer fills in next."""
        self.makers[kind.lower()] = maker
        if not title_required:
            self.untitled.add(kind.lower())
        if numbered:
            self.numbered.add(kind.lower())
        if next_steps:
            self.next_steps[kind.lower()] = next_steps


def _header(**fields: str) -> str:
    return "".join(f"{key.replace('_', '-')}: {value}".rstrip() + "\n" for key, value in fields.items())


def make_post(title: str, settings: dict, today: datetime) -> tuple[str, str]:
    folder = settings.get("ARTICLE_PATHS", ["posts"])[0]
    path = f"{folder}/{today:%Y-%m-%d}-{slugify(title)}.md"
    header = _header(
        Title=title,
        Date=f"{today:%Y-%m-%d %H:%M}",
        Category=settings.get("DEFAULT_CATEGORY", ""),
        Tags="",
        Author=settings.get("AUTHOR", ""),
        Lang=settings.get("DEFAULT_LANG", "fr"),
        Status="draft",
    )
    return path, header + "\n" + _("Write your post here, in Markdown. Set Status to published to publish it.") + "\n"


def make_page(title: str, settings: dict, today: datetime) -> tuple[str, str]:
    folder = settings.get("PAGE_PATHS", ["pages"])[0]
    slug = slugify(title)
    header = _header(Title=title, Slug=slug, Lang=settings.get("DEFAULT_LANG", "fr"), Status="draft")
    return f"{folder}/{slug}.md", header + "\n" + _("Write your page here, in Markdown.") + "\n"


def scaffolds_for(settings: dict) -> Scaffolds:
    scaffolds = Scaffolds(settings)
    scaffolds.add("post", make_post, next_steps=_("Write the post in Markdown below the blank line; add an Image: and its Image-Alt:, "
                                                  "a Summary: and Tags: if you like; then set Status: published."))
    scaffolds.add("page", make_page, next_steps=_("Write the page in Markdown below the blank line, then set Status: published."))
    scaffold_registry.send(scaffolds)
    return scaffolds


@dataclass
class NewFile:
    """A file ``invoke new`` wrote, and what the writer does next."""

    path: Path
    next_steps: str


def _slug_taken(path: Path, text: str, settings: dict) -> Path | None:
    """Another post or page of the new file's folder with its slug and language, if any: the
    lint would refuse the two (they would be written to the same page)."""
    folders = [Path(settings["PATH"]) / folder for folder in (*settings.get("ARTICLE_PATHS", []), *settings.get("PAGE_PATHS", []))]
    if path.parent not in folders:
        return None
    new = parse_text(path, text)
    for other in sorted(path.parent.rglob("*.md")):
        try:
            source = read_source(other)
        except SourceError:
            continue
        if slug_of(source) == slug_of(new) and lang_of(source, settings) == lang_of(new, settings):
            return other
    return None


def _free_path(path: Path) -> Path:
    """``path``, or the first of name-2.md, name-3.md... that does not exist."""
    candidate, number = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    return candidate


def new_content(kind: str, title: str, settings: dict) -> NewFile:
    """Write the new file for ``kind`` (any case) and return it; never overwrite a file."""
    scaffolds = scaffolds_for(settings)
    kind = kind.strip().lower()
    if kind not in scaffolds.makers:
        raise ScaffoldError(_('unknown kind "{kind}" (expected one of: {kinds})', kind=kind, kinds=", ".join(sorted(scaffolds.makers))))
    title = " ".join(title.split())
    if kind not in scaffolds.untitled and (not title or not slugify(title)):
        raise ScaffoldError(_('the title is empty: give one in quotes, e.g. invoke new post "Ma soirée jeux"'))
    relative, text = scaffolds.makers[kind](title, settings, site_now(settings))
    path = Path(settings["PATH"]) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind in scaffolds.numbered:
        path = _free_path(path)
    elif path.exists():
        raise ScaffoldError(_("{path} already exists: choose another title", path=display_path(path)))
    taken = _slug_taken(path, text, settings)
    if taken:
        raise ScaffoldError(_("{path} already has this title (the same address on the site): choose another title",
                              path=display_path(taken)))
    try:
        with path.open("x", encoding="utf-8") as new_file:
            new_file.write(text)
    except FileExistsError:  # written meanwhile by someone else
        raise ScaffoldError(_("{path} already exists: choose another title", path=display_path(path))) from None
    return NewFile(path, scaffolds.next_steps.get(kind, ""))
