"""Check and build: the site is written beside output/ and swapped in only when whole.

A build that fails half-way (a lint error, a template error, a plugin raising) must leave
the previous output/ exactly as it was, so that a preview server or a deploy never serves
half a site. Pelican writes into a fresh sibling folder; on success the two folders swap
places with renames on the same file system. The lint runs meanwhile in a forked process
(on another core), and its errors drop the new folder before anything is swapped.

Pages the page cache keeps from the previous output (:mod:`tribune.rendering`) are moved
into the new folder at the swap: output/ is renamed aside, they are moved in (their whole
folder when it holds nothing else), and the new folder is renamed to output/. For that
moment, a few milliseconds per thousand pages, there is no output/; a move that fails is
undone and the previous output/ put back.
"""

import logging
import secrets
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pelican import Pelican, signals
from pelican.log import LimitFilter, console

from tribune import attachments, caches, confinement, filing, highlighting, images, limits, lint, prereading, removal, rendering, scheduling, workers, writer
from tribune.errors import describe_os_error
from tribune.folders import UnsafeFolder, check_build_folders, mark
from tribune.i18n import _, _n, set_language
from tribune.lint import ERROR, WARNING, Problem, display_path
from tribune.pelican_warnings import every_build
from tribune.search import SearchIndexError, build_index
from tribune.generators import registered_defaults
from tribune.settings import check_kinds, read_site_settings
from tribune.signals import build_failed


class BuildError(Exception):
    """The build stopped; ``problems`` lists what the writer must fix, when known."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


@dataclass
class Site:
    """A site's settings and the Pelican that builds it, with its plugins registered."""

    config: Path
    settings: dict
    pelican: Pelican


@dataclass
class Census:
    """What a build made of the content, for its one summary line."""

    posts: int = 0  # published posts and their translations
    pages: int = 0
    drafts: int = 0  # posts and pages left out as drafts


@dataclass
class BuildResult:
    output: Path
    seconds: float
    warnings: list[str] = field(default_factory=list)  # Pelican's, at their content line
    pages: int = 0  # pages and feeds written by Pelican's writer...
    reused: int = 0  # ...of which taken from the previous output (tribune.rendering)
    census: Census = field(default_factory=Census)
    problems: list[Problem] = field(default_factory=list)  # the lint's warnings and notices: nothing that stopped it


# Tribune's own settings that no default dict holds (they are read with a fallback): their
# kind, shown by an example value.
_CORE_SETTINGS = {
    "MARKDOWN_MAX_BYTES": limits.DEFAULT_MAX_BYTES,
    "MARKDOWN_MAX_NESTING": limits.DEFAULT_MAX_NESTING,
    "IMAGE_MAX_PIXELS": images.DEFAULT_MAX_PIXELS,
    "READER_PROCESSES": 2,
    "WRITER_PROCESSES": 2,
}


def load_site(config: str | Path = "pelicanconf.py", **overrides) -> Site:
    """Read a settings file as Pelican does and register its plugins (and their lint rules)."""
    config = Path(config)
    settings = read_site_settings(config, **overrides)  # or SettingsError
    scheduling.take_over(settings)
    set_language(settings.get("DEFAULT_LANG"), settings.get("TIMEZONE"))
    writer.install()
    caches.install()
    prereading.install()
    confinement.install()
    limits.install()
    scheduling.install()
    filing.install()
    highlighting.install()
    attachments.install()
    signals.all_generators_finalized.connect(_count)
    pelican = Pelican(settings)  # its plugins give their settings their defaults
    check_kinds(config, settings, _CORE_SETTINGS | registered_defaults())  # or SettingsError
    return Site(config, settings, pelican)


_censuses: dict[int, Census] = {}  # by the id of the settings of the build in progress


def _count(generators) -> None:
    """Pelican's all_generators_finalized: what its article and page generators made."""
    census = Census()
    for generator in generators:
        if hasattr(generator, "articles"):
            census.posts += len(generator.articles) + len(generator.translations)
            census.drafts += len(generator.drafts) + len(generator.drafts_translations)
        elif hasattr(generator, "draft_pages"):
            census.pages += len(generator.pages) + len(generator.translations)
            census.drafts += len(generator.draft_pages) + len(generator.draft_translations)
    if generators:
        _censuses[id(generators[0].settings)] = census


def check(site: Site, strict: bool = False) -> tuple[list[Problem], list[Problem]]:
    """Lint the content; return (problems that stop the build, all problems)."""
    problems = lint.run(site.settings)
    blocking = [p for p in problems if p.severity == ERROR or (strict and p.severity == WARNING)]
    return blocking, problems


class _PelicanLog(logging.Handler):
    """Keeps what Pelican, its plugins and Tribune log during a build: errors fail the build,
    warnings are shown. Plugins log under their own names (seo.describe, spotlight...), not
    under Pelican's logger: the root logger hears them all."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self, level: int) -> list[str]:
        return [record.getMessage() for record in self.records if record.levelno >= level]


@contextmanager
def _captured_pelican_log():
    """What is logged during one build. Pelican logs a warning once per process: its memory
    of them is cleared, so that each build (``invoke serve`` rebuilds in one process)
    reports its own."""
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()
    logger = logging.getLogger()
    handler = _PelicanLog()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def _swap_in(fresh: Path, output: Path, pages: rendering.PageCache) -> None:
    """Put ``fresh`` where ``output`` is, with the pages it keeps from ``output`` moved in;
    the old folder is removed only after the swap, in the background (:mod:`tribune.removal`)."""
    retired = None
    if output.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
        retired.rmdir()
        output.rename(retired)
    try:
        if retired:
            pages.move_into(fresh, retired)
        fresh.rename(output)
    except BaseException:  # Ctrl-C included: output/ back in place, for the pages moved to be put back in it
        if retired and not output.exists():
            retired.rename(output)
        raise
    mark(output)
    if retired:
        removal.remove_later(retired, pages.settings["CACHE_PATH"])


def build(site: Site, strict: bool = False, search: bool = False, keep=None, private: bool = False) -> BuildResult:
    """Check the content, build the site beside its output folder, then swap it in.

    With ``search``, the Pagefind index is built into the new site before the swap; if the
    output folder is ``private`` (publish's own: nobody reads it meanwhile), the pages kept
    from it are moved into the new site before they are indexed instead of linked. ``keep``,
    when given, is called with the site and its page cache (with the writer's calls) once the
    new output is in place: what the preview keeps to rebuild in memory (:mod:`tribune.live`).
    Raises :class:`BuildError` when the lint finds an error (or a warning in strict mode),
    or when Pelican or Pagefind fails or Pelican logs an error; output/ is then untouched.
    """
    started = time.perf_counter()
    try:
        check_build_folders(site.settings, site.config)
    except UnsafeFolder as error:
        raise BuildError(str(error)) from None
    # The lint runs beside Pelican, on another core: Pelican writes into a folder of its
    # own, which is dropped when the lint finds a problem. At the lowest priority: it then
    # takes the core Pelican leaves idle while it links what it read, instead of slowing the
    # reading workers (a full build at N=1000 in 4.54 s instead of 4.78, six runs each).
    linting = workers.beside(check, site, strict, behind=True)
    try:
        problems, result = _built_and_swapped(site, strict, search, keep, linting, private)
    finally:
        linting.close()  # waited for already, unless Ctrl-C stopped the build first
    result.pages.save()
    if keep is not None:
        keep(site, result.pages)
    return BuildResult(result.output, time.perf_counter() - started, result.warnings, len(result.pages.records), result.pages.reused,
                       result.census, problems)


def _built_and_swapped(site: Site, strict: bool, search: bool, keep, linting, private: bool) -> tuple[list[Problem], "_Built"]:
    """Pelican's build beside output/, the lint's verdict (``linting``), then the swap."""
    try:
        fresh, result = _build_beside(site, strict, search, calls=keep is not None, private=private)
    except BuildError:
        _stop_if_linted_wrong(linting)
        raise
    try:
        problems = _stop_if_linted_wrong(linting)
        _swap_in(fresh, result.output, result.pages)
    except OSError as error:
        _drop(fresh, result.pages)
        raise BuildError(_("the new output could not be put in place ({reason})", reason=describe_os_error(error))) from error
    except BaseException:  # Ctrl-C and the lint's problems included: nothing half-built is left beside output/
        _drop(fresh, result.pages)
        raise
    return problems, result


def _drop(fresh: Path, pages: "rendering.PageCache | None") -> None:
    """Remove a new output that will not be swapped in, once the pages it took from output/
    ahead of the swap (a build with a search index) are put back."""
    if pages is not None:
        pages.move_back(fresh)
    shutil.rmtree(fresh, ignore_errors=True)


def _stop_if_linted_wrong(linting) -> list[Problem]:
    """Raise the lint's problems, if it found some that stop the build: they say what is wrong
    better than whatever Pelican made of the same content. Else return its warnings and
    notices, for the build to say them (every build: the lint reads every file)."""
    blocking, problems = linting.result()
    if blocking:
        raise BuildError(_n("{count} problem in the content: nothing was built", "{count} problems in the content: nothing was built",
                            len(blocking)), blocking)
    return problems


@dataclass
class _Built:
    output: Path
    pages: rendering.PageCache
    warnings: list[str]
    census: Census


def leftovers(output: Path) -> list[Path]:
    """The folders that builds killed half-way left beside ``output`` (new ones never
    swapped in, old ones never removed). Only a build holding the site's lock
    (:mod:`tribune.lock`) may remove them: no other build of the site is running then."""
    return sorted(output.parent.glob(f".{output.name}.new-*")) + sorted(output.parent.glob(f".{output.name}.old-*"))


def _build_beside(site: Site, strict: bool, search: bool, calls: bool = False, private: bool = False) -> tuple[Path, _Built]:
    """Pelican's build into a new folder beside output/ (removed if it fails)."""
    output = Path(site.settings["OUTPUT_PATH"]).resolve()
    # Named before it is made: whatever stops the build from now on (Ctrl-C included) removes it.
    fresh = output.parent / f".{output.name}.new-{secrets.token_hex(4)}"
    failed = True  # until Pelican's run and the index are done
    pages = None
    try:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            for folder in leftovers(output):
                shutil.rmtree(folder, ignore_errors=True)
            removal.finish_removals(site.settings["CACHE_PATH"])
            fresh.mkdir()  # the mode mkdir gives (0755 under the usual umask), as the web root needs
        except OSError as error:
            raise BuildError(_("the site cannot be written beside {folder} ({reason})", folder=display_path(output),
                               reason=describe_os_error(error))) from error
        site.pelican.output_path = str(fresh)
        site.settings["OUTPUT_PATH"] = str(fresh)
        # Pages kept are moved in from output/ at the swap; with a search index, they must be
        # in place before: moved now if output/ is private, else linked while the site is built.
        early = search and private
        pages = rendering.PageCache(site.settings, previous_output=output, moving=early or not search, calls=calls)
        with _captured_pelican_log() as log, rendering.caching(pages), _quiet_pelican():
            site.pelican.run()
        errors = log.messages(logging.ERROR)
        if errors:
            raise BuildError(_("Pelican reported errors: {errors}", errors="; ".join(errors)))
        warnings = every_build(log.messages(logging.WARNING), site.settings, reused=pages.reused > 0)
        if strict and warnings:
            raise BuildError(_("Pelican reported warnings (strict mode): {warnings}", warnings="; ".join(warnings)))
        if early:  # put back if the build fails after all (_drop)
            pages.move_into(fresh, output)
        if search:
            build_index(fresh, cache=site.settings["CACHE_PATH"], previous=output / "pagefind")  # its unchanged files taken, not written again
    except BuildError:
        _drop(fresh, pages)
        raise
    except SearchIndexError as error:
        _drop(fresh, pages)
        raise BuildError(str(error)) from error
    except OSError as error:  # a full disk, a folder that cannot be written
        _drop(fresh, pages)
        raise BuildError(_("the site could not be written ({reason})", reason=describe_os_error(error))) from error
    except Exception as error:
        _drop(fresh, pages)
        raise BuildError(_("Pelican stopped on an error ({error})", error=f"{type(error).__name__}: {error}")) from error
    except BaseException:  # Ctrl-C: the new folder goes, output/ stays as it was
        _drop(fresh, pages)
        raise
    else:
        failed = False
    finally:
        if failed:
            build_failed.send(site.pelican)
        site.pelican.output_path = site.settings["OUTPUT_PATH"] = str(output)
        census = _censuses.pop(id(site.settings), Census())  # a failed build's too: serve rebuilds in one process
    return fresh, _Built(output, pages, warnings, census)


@contextmanager
def _quiet_pelican():
    """Pelican's own summary ("Done: Processed 12 articles…", in English) is not printed: the
    command prints its own line, in the site's language, with what Tribune adds."""
    quiet, console.quiet = console.quiet, True
    try:
        yield
    finally:
        console.quiet = quiet
