"""Consent covers authorship: the posts of a member who withdrew their consent or is hidden
stay published, credited to the pseudonym they chose or to the organisation, and no output
names them.

Pelican gives every content object (posts, pages, and Tribune's events, editions...) an
``author`` and ``authors`` (``Author`` objects, from ``Author:``/``Authors:`` or the ``AUTHOR``
setting) as it makes it, and files the posts by author once all are made, right after
``article_generator_pretaxonomy``: author pages, the authors list and author feeds come from
that filing, bylines, feeds and JSON-LD from each object's own ``author``/``authors``. The
receiver here replaces those as each object is made, so before the filing. Members are read
later by this plugin's generator: their headers are read here, at the start of each build,
as the lint reads them (:mod:`tribune.source`).

A member is matched to an author by slug, as Pelican matches authors: "Aicha Benali" in a post
is Aïcha Benali's author page all the same.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pelican.urlwrappers import Author

from tribune.i18n import _
from tribune.lint import display_path
from tribune.slugs import slugify
from tribune.source import Source, SourceError, read_source
from tribune.trees import stamps

_MARKUP = re.compile(r"[<>\[\]{}*`]|https?://")


def hides_authorship(fields: dict) -> bool:
    """Consent withdrawn or ``Status: hidden``: the member's name leaves every byline. A draft
    member, or one without consent, is named as any author who is not a member."""
    return bool(fields.get("consent-withdrawn")) or (fields.get("status") or "").strip().lower() == "hidden"


def organization(settings: dict) -> str:
    return settings.get("ORGANIZATION") or settings["SITENAME"]


@dataclass(frozen=True)
class Withdrawal:
    """A member whose posts are credited to someone else, and why."""

    source: Source  # the member's file
    name: str
    credit: str  # their pseudonym, else the organisation

    @property
    def reason(self) -> str:
        if self.source.get("Consent-Withdrawn"):
            return _("withdrew their consent ({path})", path=display_path(self.source.path))
        return _("is hidden (Status: hidden in {path})", path=display_path(self.source.path))


def withdrawal_of(source: Source, settings: dict) -> Withdrawal | None:
    """The withdrawal of the member of ``source``, or None when they may be named."""
    name = (source.get("Name") or "").strip()
    if not name or not hides_authorship(source.values()):
        return None
    return Withdrawal(source, name, (source.get("Pseudonym") or "").strip() or organization(settings))


def withdrawn_among(members: Iterable[Source], settings: dict) -> dict[str, Withdrawal]:
    """The members of ``members`` that no output may name, by the slug of their name."""
    withdrawn = (withdrawal_of(source, settings) for source in members)
    return {slugify(withdrawal.name): withdrawal for withdrawal in withdrawn if withdrawal}


def _member_files(settings: dict) -> dict[str, tuple[int, int]]:
    """The members' Markdown files, with their stamps (size, modification time)."""
    content = Path(settings["PATH"])
    return {path: stamp for folder in settings.get("MEMBER_PATHS", ["members"]) for path, stamp in stamps(content / folder, ".md").items()}


def _member_sources(paths: Iterable[str]) -> Iterable[Source]:
    for path in sorted(map(Path, paths)):
        try:
            yield read_source(path)
        except SourceError:
            continue  # the lint reports it


def pseudonym_problem(pseudonym: str, name: str) -> str | None:
    """What is wrong with a member's Pseudonym: it is printed as written, and must not name them."""
    markup = _MARKUP.search(pseudonym)
    if markup:
        return _('"{pseudonym}" is not plain text ("{markup}"): a pseudonym is printed as it is written; remove the markup or link',
                 pseudonym=pseudonym, markup=markup.group(0))
    own_words = {word for word in slugify(name).split("-") if len(word) > 2}
    named = next((word for word in slugify(pseudonym).split("-") if word in own_words), None)
    if named:
        as_written = next((word for word in re.findall(r"\w+", name) if slugify(word) == named), named)  # "Inès", not "ines"
        return _('"{pseudonym}" contains "{word}", from their Name: a pseudonym must not name them; choose another',
                 pseudonym=pseudonym, word=as_written)
    return None


class _Credits:
    """Authors as published: a withdrawn member's Author replaced by their credit's."""

    def __init__(self, settings: dict):
        self.settings = settings
        self.member_files = _member_files(settings)
        self.withdrawn = withdrawn_among(_member_sources(self.member_files), settings)
        self._made: dict[str, Author] = {}

    def author(self, written: Author) -> Author:
        withdrawal = self.withdrawn.get(slugify(written.name))
        if withdrawal is None:
            return written
        if withdrawal.credit not in self._made:
            credit = Author(withdrawal.credit, self.settings)
            credit.slug = slugify(withdrawal.credit)  # as plugins/l10n gives every author
            self._made[withdrawal.credit] = credit
        return self._made[withdrawal.credit]

    def credit(self, content) -> None:
        if not self.withdrawn:
            return
        if hasattr(content, "author"):
            content.author = self.author(content.author)
        if hasattr(content, "authors"):
            credited = {}
            for author in map(self.author, content.authors):
                credited.setdefault(author.slug, author)  # two withdrawn co-authors, one credit
            content.authors = list(credited.values())


# The credits of each build in progress, by the id of its settings dict (shared by Pelican, its
# generators and every content object): the member files are read once per build.
_builds: dict[int, _Credits] = {}
_outside: list[_Credits] = []  # outside a build, the credits last made


def start_build(pelican) -> None:
    """Pelican's get_generators, sent as each build starts (``invoke serve`` rebuilds in one process)."""
    _builds[id(pelican.settings)] = _Credits(pelican.settings)


def finish_build(pelican) -> None:
    _builds.pop(id(pelican.settings), None)


def credit_content(content) -> None:
    """Pelican's content_object_init: every post, page, event, edition... as it is made.

    Pelican has just made its authors; it files posts by author later, once all are made
    (after article_generator_pretaxonomy). Its content cache keeps what the readers read,
    not the objects: they are made, so credited, anew on every build. Outside a build (the
    newsletter's command makes posts of its own), the credits last made serve while the
    member files stay as they were: stamped again for each content made, or once for a whole
    reading (:func:`tribune.headers.reading_contents`; for each of 286 contents, a sixth of
    the newsletter's time at 5 000 posts)."""
    (_builds.get(id(content.settings)) or _credits_outside_a_build(content.settings)).credit(content)


_readings: dict[int, int] = {}  # how many readings are under way outside a build, by the id of their settings


def start_reading(settings: dict) -> None:
    """tribune's contents_reading_started: the member files are checked now, and trusted
    until the reading finishes (readings may nest)."""
    if not _readings.get(id(settings)):
        _credits_outside_a_build(settings)
    _readings[id(settings)] = _readings.get(id(settings), 0) + 1


def finish_reading(settings: dict) -> None:
    left = _readings.pop(id(settings), 1) - 1
    if left:
        _readings[id(settings)] = left


def _credits_outside_a_build(settings: dict) -> _Credits:
    last = _outside[0] if _outside else None
    if last is None or last.settings is not settings or (not _readings.get(id(settings)) and last.member_files != _member_files(settings)):
        _outside[:] = [_Credits(settings)]
    return _outside[0]
