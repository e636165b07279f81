"""The content lint: every rule of every plugin, in one pass, before anything is written.

A rule never stops at the first problem: the writer sees every mistake of the run, each
on one line ``path:line: Field: message``, as compilers print them, so that editors and
CI annotate the right line.

Pelican plugins add their own content kinds and rules in the Pelican way, through a
signal: connect a receiver to :data:`tribune.signals.lint_registry` in the plugin's ``register()`` and
call :meth:`Registry.add_kind` or :meth:`Registry.add_rule` on the registry it is sent.
A rule that looks at each file on its own keeps what it finds with a :class:`SourceMemo`:
``invoke serve`` lints after every save, and only the files that changed are looked at again.

A rule says what it reads with :func:`reads` (each file on its own, the fields of every file,
the clock). After a save, ``invoke serve`` runs again only the rules that read what the saved
files changed, and only on those files when a rule reads each file on its own
(:func:`run` with ``changed``): at 5 000 posts, a body edit is linted in a few hundredths of a
second instead of half a second. A rule that declares nothing runs every time.
"""

import os
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from tribune.clock import site_now
from tribune.content_folder import ContentFolder, content_folder, forget_listings
from tribune.i18n import _, language
from tribune.signals import lint_registry
from tribune.source import Source, SourceError, forget_sources, read_source
from tribune.suggest import closest

ERROR = "error"
WARNING = "warning"
# Said on every check, never blocking, not even with --strict: what the build does on its
# own for the writer to know (e.g. posts of a withdrawn member credited to someone else).
NOTICE = "notice"


def severity_label(severity: str) -> str:
    """The label printed after a problem: [error], [warning] or [notice], in the site's language."""
    return {ERROR: _("error"), WARNING: _("warning"), NOTICE: _("notice")}.get(severity, severity)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at one line."""

    path: str
    line: int
    field: str
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}: "
        return where + (f"{self.field}: {self.message}" if self.field else self.message)


#: Checks a field's value; returns what is wrong in words, or None when the value is right.
ValueCheck = Callable[[str], str | None]


@dataclass
class FieldSpec:
    """A metadata field that a content kind accepts."""

    name: str
    required: bool = False
    check: ValueCheck | None = None


@dataclass
class ContentKind:
    """A family of content files (posts, pages, members...) and the fields they accept."""

    name: str
    directories: list[str]  # relative to the content folder (Pelican's PATH); or one .md file
    fields: list[FieldSpec]
    third_party: bool = False  # written by people outside the site (members): sanitised at build
    reencoded: tuple[str, ...] = ()  # fields naming images the build re-encodes, never copies (Avatar)
    label: str = ""  # the kind in words, with its article, for messages: _("a post"), _("a member")

    def spec(self, key: str) -> FieldSpec | None:
        return next((spec for spec in self.fields if spec.name.lower() == key.lower()), None)


@dataclass
class Corpus:
    """Everything a cross-file rule may look at: the readable sources of each kind, and the kinds."""

    settings: dict
    sources: dict[str, list[Source]] = field(default_factory=dict)
    kinds: dict[str, ContentKind] = field(default_factory=dict)
    listed: ContentFolder | None = field(default=None, repr=False)  # the content folder, once listed

    def of_kind(self, name: str) -> list[Source]:
        return self.sources.get(name, [])

    @property
    def content_folder(self) -> ContentFolder:
        """The content folder as this run sees it, listed when a rule first asks."""
        if self.listed is None:
            self.listed = content_folder(self.settings["PATH"])
        return self.listed

    def files_in(self, directory: str) -> list[Path]:
        """The files in ``directory`` of the content folder and below it (links to files
        included), sorted as ``sorted(Path.rglob("*"))``: from the run's listing (one walk
        of the folder serves every rule), walked only when the listing cannot say."""
        content_path = Path(self.settings["PATH"])
        names = self.content_folder.files_in(directory)
        if names is None:
            return [path for path in sorted((content_path / directory).rglob("*")) if path.is_file()]
        return [content_path / name for name in names]


class SourceMemo:
    """What a rule found in each source, kept from one lint run to the next in the same process
    (``invoke serve`` lints after every save): found again only in the files that changed.

    A source is the same as long as :func:`tribune.source.read_source` gives the same object
    (a new one once the file changed); ``facts`` are whatever else the finding depends on (the
    content folder's version, a setting), compared with ``==``; the language of the messages
    and the current folder (paths in problems are relative to it) count too. Only the
    findings of the latest run (and of the one before, while a run takes from it) are kept: the
    memo holds no more than the site's files, however many runs a process makes.
    """

    def __init__(self):
        self._run: weakref.ref | None = None
        self._kept: dict[Path, tuple] = {}  # by path: (source, facts, findings), of this run
        self._previous: dict[Path, tuple] = {}  # of the run before, while this one takes from it
        self._context: tuple = ()
        _memos.add(self)

    def forget(self) -> None:
        self._run, self._kept, self._previous = None, {}, {}

    def recall(self, corpus: "Corpus", source: Source, facts, find: Callable[[Source], Iterable]) -> tuple:
        """``tuple(find(source))``, or what it gave for the same source and facts in the previous run."""
        if self._run is None or self._run() is not corpus:  # a new run
            self._run = weakref.ref(corpus)
            context = _context()
            self._previous, self._kept = (self._kept if context == self._context else {}), {}
            self._context = context
        kept = self._kept.get(source.path) or self._previous.get(source.path)
        if kept is not None and kept[0] is source and kept[1] == facts:
            findings = kept[2]
        else:
            findings = tuple(find(source))  # the one empty tuple for most files: 5 MB less at 5 000 posts
        self._kept[source.path] = (source, facts, findings)
        return findings


_memos: "weakref.WeakSet[SourceMemo]" = weakref.WeakSet()


def forget_memos() -> None:
    """Let go of what the lint keeps from one run to the next in this process (the sources
    read, each rule's findings, the content folders' listings): ``invoke serve`` does before a
    full rebuild, which lints in a child process, so as not to hold them beside a new build."""
    for memo in _memos:
        memo.forget()
    forget_sources()
    forget_listings()


#: A cross-file rule: looks at the whole corpus and yields problems.
Rule = Callable[[Corpus], Iterable[Problem]]

# What a rule reads of the content, declared with reads(). Whatever it reads besides (the
# content folder's listing, images, settings) a save does not change: a file added, removed
# or renamed, or any other file changed, makes ``invoke serve`` lint everything again.
EACH_FILE = "each file"  # each Markdown file on its own: a file's problems come from it alone
FIELDS = "fields"  # the fields of every file (their texts not)
CLOCK = "clock"  # Tribune's clock (tribune.clock.now)


def reads(*what: str) -> Callable[[Rule], Rule]:
    """Declare what a rule reads (EACH_FILE, FIELDS, CLOCK; nothing: only what a save leaves as
    it is), so that the lint after a save runs it again only when that changed, and only on the
    files saved when it reads EACH_FILE. A rule that reads the texts of other files (the
    newsletter's, which renders the e-mails) declares nothing: it runs every time."""
    unknown = set(what) - {EACH_FILE, FIELDS, CLOCK}
    if unknown or {EACH_FILE, FIELDS} <= set(what):
        raise ValueError(f"reads{what}: a rule reads EACH_FILE alone, or FIELDS and the CLOCK")

    def declare(rule: Rule) -> Rule:
        rule.reads = frozenset(what)
        return rule

    return declare


@dataclass
class _LastRun:
    """A whole lint run, kept on its registry: the next runs after a save start from it."""

    corpus: Corpus
    context: tuple  # the messages' language, the current folder (paths are relative to it)
    moment: object  # Tribune's clock then
    own: list[Problem]  # the problems of each file on its own: unreadable, too large, its fields
    found: dict  # each rule's problems, by rule
    places: dict[str, list[tuple[str, int]]]  # where each source is: by absolute path, its kinds and ranks
    linked: bool  # the content folder holds symbolic links: a file saved may be another one too


@dataclass
class Registry:
    """The content kinds and rules of one lint run, for one site's settings."""

    settings: dict
    kinds: list[ContentKind] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    last: _LastRun | None = field(default=None, repr=False)  # its last whole run (run(changed=...))

    def add_kind(self, kind: ContentKind) -> None:
        self.kinds.append(kind)

    def add_rule(self, rule: Rule) -> None:
        if rule not in self.rules:
            self.rules.append(rule)


def display_path(path: Path) -> str:
    """The path as the writer knows it: relative to the current folder when it is below it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def problem(source: Source, key: str, message: str, severity: str = ERROR) -> Problem:
    """A problem on the field ``key`` of ``source``, at that field's line (or line 1)."""
    written = source.fields.get(key.lower())
    return Problem(display_path(source.path), source.line_of(key), written.key if written else key, message, severity)


_fields = SourceMemo()


def _check_fields(kind: ContentKind, source: Source, extra_keys: set[str]) -> Iterable[Problem]:
    label = kind.label or kind.name
    for spec in kind.fields:
        if spec.required and not source.get(spec.name):
            yield problem(source, spec.name, _("missing ({kind} needs a {field}: line)", kind=label, field=spec.name))
    known = [spec.name for spec in kind.fields]
    for key, written in source.fields.items():
        spec = kind.spec(key)
        if spec is None:
            if key in extra_keys:
                continue
            guess = closest(key, known, cutoff=60)
            if guess:
                yield problem(source, key, _("unknown field, did you mean {field}?", field=guess))
            else:
                yield problem(source, key, _("unknown field: {kind} accepts {fields}", kind=label, fields=", ".join(known)))
        elif spec.check and written.value:
            message = spec.check(written.value)
            if message:
                yield problem(source, key, message)


def _sources_of(kind: ContentKind, corpus: Corpus) -> Iterable[Path]:
    """The kind's Markdown files (a folder named x.md is none; a link that leads nowhere
    neither: the rule on symbolic links names it)."""
    for directory in kind.directories:
        if Path(directory).suffix == ".md":  # a kind of one file (the conversations' moderation charter)
            place = Path(corpus.settings["PATH"]) / directory
            if place.is_file():
                yield place
        else:
            yield from (path for path in corpus.files_in(directory) if path.name.endswith(".md"))


def registry_for(settings: dict) -> Registry:
    """Collect the kinds and rules of Tribune's core and of every plugin connected."""
    from tribune import rules  # the core kinds (posts, pages) and rules

    registry = Registry(settings)
    rules.register(registry)
    lint_registry.send(registry)
    return registry


def _read(path: Path, kind: ContentKind, settings: dict, extra_keys: set[str], corpus: Corpus) -> tuple[Source | None, list[Problem]]:
    """One file of ``kind`` read, or None when it cannot be; and its problems as a file."""
    from tribune.limits import too_large  # which uses this module's Problem

    try:
        oversized = too_large(path.stat().st_size, settings)
        if oversized:  # not even read
            return None, [Problem(display_path(path), 1, "", oversized)]
        source = read_source(path)
    except SourceError as error:
        return None, [Problem(display_path(path), error.line, "", error.message)]
    except OSError as error:
        return None, [Problem(display_path(path), 1, "", _("the file cannot be read ({reason}): check that it is yours",
                                                           reason=error.strerror or error))]
    return source, _fields.recall(corpus, source, (kind, extra_keys), partial(_check_fields, kind, extra_keys=extra_keys))


def extra_fields(settings: dict) -> set[str]:
    """The fields the site adds to every kind (``EXTRA_METADATA_FIELDS``), in lower case."""
    return {key.lower() for key in settings.get("EXTRA_METADATA_FIELDS", [])}


def _context() -> tuple:
    return language(), os.getcwd()


def run(settings: dict, registry: Registry | None = None, changed: Iterable[str] | None = None) -> list[Problem]:
    """Lint the content folder of ``settings``; return every problem found, sorted.

    ``changed``: the Markdown files (paths) changed since ``registry``'s last whole run, when
    the caller knows that nothing else in the content folder changed (``invoke serve`` after a
    save): the run starts from the last one's and runs again only what the change can reach.
    The problems are those a whole run would find (tests/test_lint_again.py checks it)."""
    kept = registry is not None  # by the caller, for the runs after a save
    registry = registry or registry_for(settings)
    if changed is not None and registry.last is not None and registry.settings is settings:
        again = _again(registry, registry.last, changed)
        if again is not None:
            return again
    extra_keys = extra_fields(settings)
    corpus = Corpus(settings)
    context, moment = _context(), site_now(settings)
    own: list[Problem] = []
    for kind in registry.kinds:
        readable = corpus.sources.setdefault(kind.name, [])
        corpus.kinds[kind.name] = kind
        for path in _sources_of(kind, corpus):
            source, problems = _read(path, kind, settings, extra_keys, corpus)
            own.extend(problems)
            if source is not None:
                readable.append(source)
    found = {rule: list(rule(corpus)) for rule in registry.rules}
    places: dict[str, list[tuple[str, int]]] = {}
    for name, sources in corpus.sources.items():
        for rank, source in enumerate(sources):  # a file of two kinds (a charter among the pages) is read for each
            places.setdefault(os.path.abspath(source.path), []).append((name, rank))
    linked = any(what == "link" for _name, what, *_rest in corpus.content_folder.listing)
    registry.last = _LastRun(corpus, context, moment, own, found, places, linked)
    if kept:
        _pack(corpus)
    return sorted(set(own).union(*found.values()))


def _pack(corpus: Corpus) -> None:
    """Hold the bodies of the sources kept for the next run compactly (:meth:`Source.pack`)."""
    for sources in corpus.sources.values():
        for source in sources:
            source.pack()


def _again(registry: Registry, last: _LastRun, changed: Iterable[str]) -> list[Problem] | None:
    """The run after ``changed`` files were saved, from ``last``; None when only a whole run can
    tell (a file that was not read, or is no longer there; another language or folder; symbolic
    links in the content folder, through which a file saved may be another file too)."""
    paths = {os.path.abspath(path) for path in changed}
    if last.linked or _context() != last.context or not all(path in last.places and os.path.isfile(path) for path in paths):
        return None
    settings = registry.settings
    extra_keys = extra_fields(settings)
    sources = {name: list(kept) for name, kept in last.corpus.sources.items()}
    corpus = Corpus(settings, sources, last.corpus.kinds, last.corpus.content_folder)
    saved = Corpus(settings, {name: [] for name in sources}, last.corpus.kinds, last.corpus.content_folder)
    touched = set()
    own = []
    fields_changed = False
    for path in paths:
        for name, rank in last.places[path]:
            before = sources[name][rank]
            source, problems = _read(before.path, last.corpus.kinds[name], settings, extra_keys, corpus)
            touched.add(display_path(before.path))
            own.extend(problems)
            sources[name][rank] = source
            if source is not None:
                saved.sources[name].append(source)
            fields_changed |= source is None or (source.fields, source.body_line, source.indented) != (before.fields, before.body_line, before.indented)
    for name, kept in sources.items():
        if None in kept:  # a file that can no longer be read: no longer a source
            kept[:] = [source for source in kept if source is not None]
    own.extend(problem for problem in last.own if problem.path not in touched)
    clock_moved = site_now(settings) != last.moment
    problems = set(own)
    for rule in registry.rules:
        declared = getattr(rule, "reads", None)
        before = last.found.get(rule)
        if declared is None or before is None or (CLOCK in declared and clock_moved) or (FIELDS in declared and fields_changed):
            problems.update(rule(corpus))
        elif EACH_FILE in declared:
            problems.update(problem for problem in before if problem.path not in touched)
            problems.update(rule(saved))
        else:
            problems.update(before)
    _pack(saved)
    return sorted(problems)
