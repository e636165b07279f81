"""What each invoke task does, as functions that print for a person and return an exit code.

tasks.py only parses arguments and calls these; tests call them the same way. Every command
speaks the site's language, and ends with one readable line whatever stops it (a mistake in
the settings, a file the system refuses, Ctrl-C): never with a Python traceback. Setting
``TRIBUNE_DEBUG=1`` shows the traceback of an unexpected error, for whoever reports it.
"""

import importlib
import inspect
import os
import signal
import sys
from functools import wraps
from pathlib import Path

from tribune.build import BuildError, build, check, leftovers, load_site
from tribune.clock import ClockError, now
from tribune.errors import describe_os_error
from tribune.folders import UnsafeFolder, check_build_folders
from tribune.i18n import _, _n, number
from tribune.lint import ERROR, NOTICE, WARNING, display_path, severity_label
from tribune.lock import LockBusy, LockError, site_lock
from tribune.removal import remove_now
from tribune.scaffold import ScaffoldError, new_content
from tribune.settings import SettingsError, line_of, speak_for

INTERRUPTED = 130  # the exit status of a command stopped by Ctrl-C, as shells give it
READER_GONE = 128 + signal.SIGPIPE  # the exit status of a command whose reader went away (| head), as shells give it


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _print_problems(problems, strict: bool) -> None:
    """Each problem on its line, with its severity; a warning says that publishing refuses it
    (publish checks with --strict), so that no warning reads as harmless."""
    for problem in problems:
        severity = ERROR if problem.severity == ERROR or (strict and problem.severity == WARNING) else problem.severity
        print(_marked(str(problem), severity), file=sys.stderr)


def _marked(line: str, severity: str) -> str:
    """A problem's line with its severity, and for a warning, that publish refuses it."""
    refused = " " + _("— invoke publish refuses this (--strict)") if severity == WARNING else ""
    return f"{line} [{severity_label(severity)}]{refused}"


def _command(task: str | None = None):
    """The frame of every command: the site's language before the first word; the site's lock
    (:mod:`tribune.lock`) for commands that write, named ``task`` in it, or ``lock_as`` when
    another command runs this one (``invoke serve`` rebuilding: whoever waits is told the command
    the person ran); a command waits for another one working on the same site, or, called with
    ``wait=False``, says who and stops; one line for whatever stops the command, and none when
    its reader went away (``invoke check | head -1``), as any Unix tool."""

    def decorate(command):
        signature = inspect.signature(command)

        @wraps(command)
        def run(*args, wait: bool = True, lock_as: str | None = None, **kwargs) -> int:
            try:
                return framed(*args, wait=wait, lock_as=lock_as, **kwargs)
            except BrokenPipeError:  # from the command, or from the line that would say what stopped it
                _reader_gone()
                return READER_GONE

        def framed(*args, wait: bool, lock_as: str | None, **kwargs) -> int:
            call = signature.bind(*args, **kwargs)
            call.apply_defaults()
            config = call.arguments.get("config")
            if config:
                speak_for(config)
            try:
                now()  # a TRIBUNE_NOW that is no date is said first, whatever the command
                if task is None:
                    return command(*call.args, **call.kwargs)
                with site_lock(config, lock_as or task, wait, say=_say):
                    return command(*call.args, **call.kwargs)
            except BrokenPipeError:
                raise
            except (LockBusy, LockError) as busy:
                _say(_("Not started: {reason}", reason=busy))
            except KeyboardInterrupt:
                _say(_("Stopped (Ctrl-C); nothing is left half-written: run the command again when you want."))
                return INTERRUPTED
            except (SettingsError, ClockError) as error:  # the settings or the clock cannot be read
                _say(str(error))
            except OSError as error:
                _say(_("Stopped: {reason}", reason=describe_os_error(error)))
            except Exception as error:  # noqa: BLE001 - the last line of defence: one line, not a traceback
                if os.environ.get("TRIBUNE_DEBUG"):
                    raise
                _say(_("Stopped by an unexpected error ({error}). Please report it with the command you ran; "
                       "TRIBUNE_DEBUG=1 shows the details.", error=f"{type(error).__name__}: {error}"))
            return 1

        return run

    return decorate


def _reader_gone() -> None:
    """The reader of the output went away: nothing more is said, and nothing left in a
    buffer fails again when Python flushes it at exit."""
    nowhere = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        os.dup2(nowhere, stream.fileno())


def end_quietly() -> None:
    """What escapes every command's frame (invoke's own parsing and listing) ends without a
    traceback too: Ctrl-C with one line, a reader that went away (``invoke --list | head``)
    with nothing, as any Unix tool."""
    shown = sys.excepthook

    def hook(kind, error, trace):
        if issubclass(kind, BrokenPipeError):
            _reader_gone()
        elif issubclass(kind, KeyboardInterrupt):
            _say(_("Stopped (Ctrl-C); nothing is left half-written: run the command again when you want."))
            os._exit(INTERRUPTED)
        else:
            shown(kind, error, trace)

    sys.excepthook = hook


def _site_words(census, files: int, reused: int, pages: int) -> str:
    """What a build made, in words: "12 posts, 5 pages, 1 draft (not published); 124 files"."""
    made = [_n("{count} post", "{count} posts", census.posts), _n("{count} page", "{count} pages", census.pages)]
    if census.drafts:
        made.append(_n("{count} draft (not published)", "{count} drafts (not published)", census.drafts))
    written = _n("{count} file", "{count} files", files)
    if reused:
        written = _n("{files}, of which {count} page or feed unchanged since the last build",
                     "{files}, of which {count} pages and feeds unchanged since the last build", reused, files=written)
    return _("{contents}; {files}", contents=", ".join(made), files=written)


@_command("invoke build")
def run_build(config: str = "pelicanconf.py", strict: bool = False, search: bool = False, keep=None) -> int:
    """Check then build (and index for search); print every problem, or where the site was written.
    ``keep``: see :func:`tribune.build.build`."""
    site = load_site(config)
    try:
        result = build(site, strict=strict, search=search, keep=keep)
    except BuildError as error:
        _print_problems(getattr(error, "problems", []), strict)
        _say(_("Build failed: {reason}. output/ is unchanged.", reason=error))
        return 1
    _print_problems(result.problems, strict)
    for warning in result.warnings:  # Pelican's, at their content line when found: as the lint's, for editors to jump to
        _say(_marked(warning, WARNING))
    _say_counts(result.problems, len(result.warnings))
    files = sum(1 for path in result.output.rglob("*") if path.is_file())
    print(_("Site built in {folder}/: {made}; {seconds} s.", folder=display_path(result.output),
            made=_site_words(result.census, files, result.reused, result.pages), seconds=number(result.seconds, 2)))
    return 0


@_command("invoke build")
def run_update(config: str, live, changed: set[str]) -> int | None:
    """``invoke serve``'s update in memory of the files ``changed`` (:mod:`tribune.live`),
    said as a build says it; None when only a full rebuild can take them (nothing done)."""
    try:
        update = live.update(changed)
    except BuildError as error:
        _print_problems(error.problems, strict=False)
        _say(_("Build failed: {reason}. output/ is unchanged.", reason=error))
        return 1
    if update is None:
        return None
    _print_problems(update.problems, strict=False)
    for warning in update.warnings:
        _say(_marked(warning, WARNING))
    _say_counts(update.problems, len(update.warnings))
    print(_n("Site updated in {folder}/: {count} file rendered again; {seconds} s.",
             "Site updated in {folder}/: {count} files rendered again; {seconds} s.", update.rendered,
             folder=display_path(live.output), seconds=number(update.seconds, 2)))
    return 0


def _say_counts(problems, pelican_warnings: int) -> None:
    """After a build: how many warnings and notices it said, every build (none is kept back)."""
    warnings = sum(1 for problem in problems if problem.severity == WARNING) + pelican_warnings
    notices = sum(1 for problem in problems if problem.severity == NOTICE)
    if warnings or notices:
        counts = [_n("{count} warning", "{count} warnings", warnings)] + ([_n("{count} notice", "{count} notices", notices)] if notices else [])
        _say(_("The build says: {counts}.", counts=", ".join(counts)))


@_command()
def run_check(config: str = "pelicanconf.py", strict: bool = False) -> int:
    """Lint the content only; in strict mode warnings count as errors."""
    site = load_site(config)
    blocking, problems = check(site, strict)
    _print_problems(problems, strict)
    errors = len(blocking)
    notices = sum(1 for problem in problems if problem.severity == NOTICE)
    warnings = len(problems) - errors - notices
    counts = [_n("{count} error", "{count} errors", errors), _n("{count} warning", "{count} warnings", warnings)]
    if notices:
        counts.append(_n("{count} notice", "{count} notices", notices))
    print(_("Checked the content: {counts}.", counts=", ".join(counts)))
    return 1 if blocking else 0


@_command()
def run_new(kind: str, title: str, config: str = "pelicanconf.py") -> int:
    """Write a new content file of ``kind`` and print its path."""
    settings = load_site(config).settings
    try:
        written = new_content(kind, title, settings)
    except ScaffoldError as error:
        _say(_("Nothing written: {reason}", reason=error))
        return 1
    print(display_path(written.path))
    if written.next_steps:
        print(_("Next: {steps}", steps=written.next_steps))
    return 0


def _one_action(test, schedule, send) -> str | None:
    """What is wrong with the newsletter flags given together, or None."""
    if sum(map(bool, (test, schedule, send))) > 1:
        return _("give only one of --test, --schedule and --send")
    return None


@_command("invoke newsletter")
def run_newsletter(config: str = "pelicanconf.py", edition: str | None = None, test: str | None = None,
                   schedule: str | None = None, send: bool = False, yes: bool = False) -> int:
    """Build one edition's e-mail (default: the latest) and print what is in it; with --test,
    --schedule or --send, hand it to Mailchimp, and end with one line saying what happened."""
    wrong = _one_action(test, schedule, send)
    if wrong:
        _say(_("Nothing sent: {reason}", reason=wrong))
        return 1
    site = load_site(config)
    try:
        from newsletter import ConfigError, MailchimpError, NewsletterError, SendError, build_edition, deliver
    except ImportError:
        _say(_('The newsletter plugin is not enabled: add "newsletter" to PLUGINS in pelicanconf.py.'))
        return 1
    try:
        rendered, folder = build_edition(site.settings, edition)
    except NewsletterError as error:
        _say(_("Nothing written: {reason}", reason=error))
        return 1
    summary = rendered.summary()
    kinds = {"post": _("post"), "event": _("event"), "member": _("member")}
    width = max(map(len, kinds.values()))
    print(_("Edition {edition} (Status: {status}), {url}", edition=summary["edition"], status=summary["status"], url=summary["web_url"]))
    print(_("Subject: {subject}", subject=summary["subject"]))
    print(_("Preheader: {preheader}", preheader=summary["preheader"]))
    print(_("Items:"))
    for item in summary["items"]:
        print(f"  {kinds[item['kind']]:<{width}} {item['title']}")
    if not summary["items"]:
        print("  " + _("(none: the editor's word only)"))
    limit = 102 * 1024
    print(_("HTML: {size} KB of {limit} KB ({percent}%), plain text: {text} KB, links: {links}",
            size=number(summary["html_bytes"] / 1024, 1), limit=limit // 1024, percent=number(100 * summary["html_bytes"] / limit),
            text=number(summary["text_bytes"] / 1024, 1), links=summary["links"]))
    print(_("Written: {folder}/email.html, email.txt, edition.json", folder=display_path(folder)))
    if not (test or schedule or send):
        return 0
    ask = input if sys.stdin is not None and sys.stdin.isatty() else None
    emails = [address.strip() for address in (test or "").split(",") if address.strip()]
    try:
        print(deliver(site.settings, rendered, test=emails or None, schedule=schedule, send=send, yes=yes, ask=ask, say=_say))
    except (ConfigError, MailchimpError, SendError) as error:
        _say(_("Nothing sent: {reason}", reason=error))
        return 1
    return 0


@_command("invoke publish")
def run_publish(config: str = "publishconf.py", target: str | None = None, dry_run: bool = False, edition: str | None = None,
                test: str | None = None, schedule: str | None = None, send: bool = False, yes: bool = False,
                adopt: bool = False, social: bool = False) -> int:
    """Check, build, index and deploy; then, only if the deploy succeeded, the newsletter and
    the posts to the networks."""
    from tribune.publish import PublishError, publish

    wrong = _one_action(test, schedule, send)
    if edition and not (test or schedule or send):
        wrong = _("--edition names the edition that --test, --schedule or --send hands to Mailchimp: add one of them")
    if wrong:
        _say(_("Not published: {reason}. The live site is unchanged.", reason=wrong))
        return 1
    try:
        report = publish(config, target, dry_run, adopt=adopt)
    except (PublishError, BuildError) as error:
        _say(_("Not published: {reason}. The live site is unchanged.", reason=error))
        return 1
    _print_problems(report.notices, True)
    if dry_run:
        print(report.plan.listing())
    print(report.summary())
    if dry_run:
        return 0
    code = run_newsletter(config, edition=edition, test=test, schedule=schedule, send=send, yes=yes) if (test or schedule or send) else 0
    return max(code, _post_to_networks(config) if social else 0)


def _plugin(name: str, api: str):
    """The plugin ``name`` (its module), or None (said) when the site does not enable it;
    ``api`` is a name its module offers when it is loaded."""
    try:
        plugin = importlib.import_module(name)
    except ImportError:
        plugin = None
    if plugin is None or not hasattr(plugin, api):
        print(_("The {name} plugin is not enabled: add \"{name}\" to PLUGINS in pelicanconf.py.", name=name), file=sys.stderr)
        return None
    return plugin


def run_social(config: str = "pelicanconf.py", send: bool = False, only: str | None = None, wait: bool = True) -> int:
    """Without ``send``: what would be posted where, each text and its count, with no network
    call. With it: post what is published and not posted yet, holding the site's lock."""
    if send:
        return _post_to_networks(config, only=only, wait=wait)
    site = load_site(config)
    social = _plugin("social", "Syndication")
    if social is None:
        return 1
    try:
        return social.plan(site.settings, social.choose_networks(site.settings, only))
    except (social.SocialError, ClockError) as error:
        print(_("Nothing to show: {error}", error=error), file=sys.stderr)
        return 1


@_command("invoke social --send")
def _post_to_networks(config: str = "pelicanconf.py", only: str | None = None) -> int:
    """Post to the organisation's accounts; one line per post and per failure, then the tally."""
    site = load_site(config)
    social = _plugin("social", "Syndication")
    if social is None:
        return 1
    try:
        networks = social.choose_networks(site.settings, only)
        report = social.Syndication(site.settings, say=print, warn=lambda line: print(line, file=sys.stderr)).run(networks)
    except (social.SocialError, ClockError) as error:
        print(_("Nothing posted: {error}", error=error), file=sys.stderr)
        return 1
    print(report.line(networks))
    return 1 if report.failed else 0


def run_conversations(config: str = "pelicanconf.py", since: str | None = None, pending: bool = False, approve: str | None = None,
                      reject: str | None = None, wait: bool = True) -> int:
    """Fetch the replies into the archive (holding the site's lock); or, with ``pending``, list
    those that wait for a decision; or record decisions (``approve``, ``reject``: ids)."""
    if pending:
        return _show_pending_replies(config)
    if approve or reject:
        return _decide_conversations(config, approve=approve, reject=reject, wait=wait)
    return _fetch_conversations(config, since=since, wait=wait)


@_command()
def _show_pending_replies(config: str = "pelicanconf.py") -> int:
    site = load_site(config)
    conversations = _plugin("conversations", "Fetch")
    if conversations is None:
        return 1
    try:
        return conversations.show_pending(site.settings)
    except conversations.ConversationsError as error:
        _say(_("Nothing to show: {error}", error=error))
        return 1


@_command("invoke conversations")
def _fetch_conversations(config: str = "pelicanconf.py", since: str | None = None) -> int:
    site = load_site(config)
    conversations = _plugin("conversations", "Fetch")
    if conversations is None:
        return 1
    try:
        report = conversations.Fetch(site.settings, say=print, warn=_say).run(conversations.parse_since(since, site.settings))
    except conversations.ConversationsError as error:
        _say(_("Nothing fetched: {error}", error=error))
        return 1
    print(report.line())
    return 1 if report.failed else 0


@_command("invoke conversations --approve/--reject")
def _decide_conversations(config: str = "pelicanconf.py", approve: str | None = None, reject: str | None = None) -> int:
    site = load_site(config)
    conversations = _plugin("conversations", "Fetch")
    if conversations is None:
        return 1
    try:
        codes = [conversations.decide(site.settings, ids, state, warn=_say) for ids, state in ((approve, "approved"), (reject, "rejected")) if ids]
    except conversations.ConversationsError as error:
        _say(_("Nothing decided: {error}", error=error))
        return 1
    return max(codes)


@_command("invoke rollback")
def run_rollback(config: str = "publishconf.py", target: str | None = None) -> int:
    from tribune.publish import PublishError, rollback

    try:
        release = rollback(config, target)
    except PublishError as error:
        _say(_("Nothing rolled back: {reason}", reason=error))
        return 1
    print(_("Rolled back: the live site is release {release} again.", release=release))
    return 0


@_command()
def run_report(config: str = "pelicanconf.py", refresh: bool = False) -> int:
    """Make the indicators report (HTML and CSV): print the objectives first, each section's
    essential figure, what is missing (once), and where the files are."""
    site = load_site(config)
    indicators = _plugin("indicators", "make_report")
    if indicators is None:
        return 1
    try:
        report = indicators.make_report(site.settings, refresh=refresh, say=_say)
    except ClockError as error:
        _say(_("No report: {error}", error=error))
        return 1
    except indicators.ObjectiveError as error:
        _say(_("{path}:{line}: {error}", path=display_path(site.config), line=line_of(site.config, "OBJECTIVES"), error=error))
        return 1
    for line in report.objective_lines() + report.summary():
        print(line)
    for note in report.notes():
        print(note, file=sys.stderr)
    for path in indicators.write_report(report):
        print(_("Written: {path}", path=display_path(path)))
    return 0


@_command()
def run_veille(config: str = "pelicanconf.py") -> int:
    """Read the veille's sources: one line per source that failed, each new mention, the
    spikes, the tally. Fails only when no source answered."""
    site = load_site(config)
    indicators = _plugin("indicators", "make_report")
    if indicators is None:
        return 1
    try:
        run = indicators.watch(site.settings)
    except (indicators.VeilleError, ClockError) as error:
        _say(_("No veille: {error}", error=error))
        return 1
    for line in run.failure_lines():
        print(line, file=sys.stderr)
    for line in run.lines():
        print(line)
    return 0 if run.answered else 1


@_command("invoke clean")
def run_clean(config: str = "pelicanconf.py") -> int:
    """Remove the output and cache folders, what killed builds left beside output/, and the
    production builds of publish (.publish/): only folders a build made, in the site's folder."""
    from tribune.publish import PUBLISH_FOLDER

    settings = load_site(config).settings
    try:
        check_build_folders(settings, config)
    except UnsafeFolder as error:
        _say(_("Nothing removed: {reason}", reason=error))
        return 1
    site_root = Path(config).resolve().parent
    output = Path(settings["OUTPUT_PATH"]).resolve()
    for folder in [output, Path(settings["CACHE_PATH"]).resolve(), *leftovers(output), site_root / PUBLISH_FOLDER]:
        if folder.exists() and site_root in folder.parents:
            remove_now(folder)
            print(_("Removed {folder}", folder=display_path(folder)))
    return 0


@_command()
def run_serve(config: str = "pelicanconf.py", port: str = "8000") -> int:
    """Preview the site, rebuilt on every change, until Ctrl-C."""
    from tribune.serve import PortError, parse_port, serve

    try:
        serve(config, parse_port(port))
    except PortError as error:
        _say(_("Not started: {reason}", reason=error))
        return 1
    return 0


def _script(*command: str) -> int:
    """A benchmark script of the kit (benchmarks/), run with this Python from the kit's folder."""
    import subprocess

    return subprocess.run([sys.executable, *command], cwd=Path(__file__).resolve().parent.parent).returncode


@_command()
def run_bench(sizes: str = "200,1000,5000") -> int:
    """The build benchmark (benchmarks/bench.py), for sizes given as "200,1000"."""
    numbers = [size.strip() for size in sizes.split(",")]
    if not all(size.isdigit() and int(size) > 0 for size in numbers):
        _say(_('Not started: --sizes "{value}" is not a list of numbers of posts (e.g. --sizes 200,1000)', value=sizes))
        return 1
    return _script("benchmarks/bench.py", "--sizes", ",".join(numbers))


@_command()
def run_audit() -> int:
    """The reader budgets (benchmarks/audit.py)."""
    return _script("benchmarks/audit.py")


@_command()
def run_translations() -> int:
    """Update the message catalogues from the code; say which messages are left to translate."""
    from babel.messages.pofile import read_po

    from tribune.i18n import update_catalogues

    for catalogue in update_catalogues(Path(__file__).resolve().parent.parent):
        with catalogue.open("rb") as stream:
            missing = [m.id for m in read_po(stream) if m.id and (not all(m.string if isinstance(m.string, tuple) else [m.string]) or m.fuzzy)]
        print(_n("{path}: {count} message to translate", "{path}: {count} messages to translate", len(missing),
                 path=display_path(catalogue)))
        for message in missing:
            print(f"  {message if isinstance(message, str) else message[0]}")
    return 0
