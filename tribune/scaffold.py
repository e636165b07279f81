"""`invoke new <kind> "Title"`: a new content file, correctly named, its metadata filled in.

Each kind of content knows its folder, its file name and its metadata template. Tribune's
core knows posts and pages; plugins add their kinds (member, event, edition) by connecting
to :data:`tribune.signals.scaffold_registry` and calling :meth:`Scaffolds.add` on what they are sent.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tribune.clock import now
from tribune.signals import scaffold_registry
from tribune.slugs import slugify

#: Makes (path relative to the content folder, file text) from a title, the settings and now.
Maker = Callable[[str, dict, datetime], tuple[str, str]]


class ScaffoldError(Exception):
    """The file cannot be created: unknown kind, empty title, or the file exists."""


@dataclass
class Scaffolds:
    settings: dict
    makers: dict[str, Maker] = field(default_factory=dict)

    untitled: set[str] = field(default_factory=set)

    def add(self, kind: str, maker: Maker, title_required: bool = True) -> None:
        """Add a kind; a maker for a kind whose title is optional gets "" when none is given."""
        self.makers[kind] = maker
        if not title_required:
            self.untitled.add(kind)


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
    return path, header + "\nÉcrivez votre billet ici, en Markdown. Passez Status à published pour le publier.\n"


def make_page(title: str, settings: dict, today: datetime) -> tuple[str, str]:
    folder = settings.get("PAGE_PATHS", ["pages"])[0]
    slug = slugify(title)
    header = _header(Title=title, Slug=slug, Lang=settings.get("DEFAULT_LANG", "fr"), Status="draft")
    return f"{folder}/{slug}.md", header + "\nÉcrivez votre page ici, en Markdown.\n"


def scaffolds_for(settings: dict) -> Scaffolds:
    scaffolds = Scaffolds(settings)
    scaffolds.add("post", make_post)
    scaffolds.add("page", make_page)
    scaffold_registry.send(scaffolds)
    return scaffolds


def new_content(kind: str, title: str, settings: dict) -> Path:
    """Write the new file for ``kind`` and return its path; never overwrite a file."""
    scaffolds = scaffolds_for(settings)
    if kind not in scaffolds.makers:
        raise ScaffoldError(f'unknown kind "{kind}" (expected one of: {", ".join(sorted(scaffolds.makers))})')
    title = " ".join(title.split())
    if kind not in scaffolds.untitled and (not title or not slugify(title)):
        raise ScaffoldError("the title is empty: give one in quotes, e.g. invoke new post \"Ma soirée jeux\"")
    relative, text = scaffolds.makers[kind](title, settings, now(settings.get("TIMEZONE", "UTC")))
    path = Path(settings["PATH"]) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as new_file:
            new_file.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists (choose another title)") from None
    return path
