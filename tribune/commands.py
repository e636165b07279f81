"""What each invoke task does, as functions that print for a person and return an exit code.

tasks.py only parses arguments and calls these; tests call them the same way.
"""

import inspect
import shutil
import sys
from functools import wraps
from pathlib import Path

from tribune.build import BuildError, build, check, leftovers, load_site
from tribune.clock import ClockError
from tribune.folders import UnsafeFolder, check_build_folders
from tribune.i18n import _
from tribune.lint import ERROR, NOTICE, WARNING, display_path
from tribune.lock import LockBusy, LockError, site_lock
from tribune.scaffold import ScaffoldError, new_content


def _print_problems(problems, strict: bool) -> None:
    for problem in problems:
        label = "error" if problem.severity == ERROR or (strict and problem.severity == WARNING) else problem.severity
        print(f"{problem} [{label}]", file=sys.stderr)


def _alone(task: str):
    """Run the command holding the site's lock (:mod:`tribune.lock`): it waits for another
    command working on the same site, or, called with ``wait=False``, says who and stops."""

    def decorate(command):
        signature = inspect.signature(command)

        @wraps(command)
        def run(*args, wait: bool = True, **kwargs) -> int:
            call = signature.bind(*args, **kwargs)
            call.apply_defaults()
            try:
                with site_lock(call.arguments["config"], task, wait):
                    return command(*call.args, **call.kwargs)
            except (LockBusy, LockError) as busy:
                print(f"Not started: {busy}", file=sys.stderr)
                return 1

        return run

    return decorate


@_alone("invoke build")
def run_build(config: str = "pelicanconf.py", strict: bool = False, search: bool = False) -> int:
    """Check then build (and index for search); print every problem, or where the site was written."""
    try:
        site = load_site(config)
        result = build(site, strict=strict, search=search)
    except (BuildError, ClockError) as error:
        _print_problems(getattr(error, "problems", []), strict)
        print(f"Build failed: {error}. output/ is unchanged.", file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    files = sum(1 for path in result.output.rglob("*") if path.is_file())
    reused = f", {result.reused} of its {result.pages} pages and feeds unchanged since the last build" if result.reused else ""
    print(f"Site built in {result.output} ({files} files{reused}) in {result.seconds:.2f} s.")
    return 0


def run_check(config: str = "pelicanconf.py", strict: bool = False) -> int:
    """Lint the content only; in strict mode warnings count as errors."""
    try:
        site = load_site(config)
    except BuildError as error:
        print(error, file=sys.stderr)
        return 1
    blocking, problems = check(site, strict)
    _print_problems(problems, strict)
    errors = len(blocking)
    notices = sum(1 for problem in problems if problem.severity == NOTICE)
    warnings = len(problems) - errors - notices
    said = f", {notices} notice(s)" if notices else ""
    print(f"Checked the content: {errors} error(s), {warnings} warning(s){said}.")
    return 1 if blocking else 0


def run_new(kind: str, title: str, config: str = "pelicanconf.py") -> int:
    """Write a new content file of ``kind`` and print its path."""
    try:
        path = new_content(kind, title, load_site(config).settings)
    except (ScaffoldError, ClockError, BuildError) as error:
        print(f"Nothing written: {error}", file=sys.stderr)
        return 1
    print(display_path(path))
    return 0


@_alone("invoke newsletter")
def run_newsletter(config: str = "pelicanconf.py", edition: str | None = None, test: str | None = None,
                   schedule: str | None = None, send: bool = False, yes: bool = False) -> int:
    """Build one edition's e-mail (default: the latest) and print what is in it; with --test,
    --schedule or --send, hand it to Mailchimp, and end with one line saying what happened."""
    site = load_site(config)
    try:
        from newsletter import ConfigError, MailchimpError, NewsletterError, SendError, build_edition, deliver
    except ImportError:
        print("The newsletter plugin is not enabled: add \"newsletter\" to PLUGINS in pelicanconf.py.", file=sys.stderr)
        return 1
    try:
        rendered, folder = build_edition(site.settings, edition)
    except NewsletterError as error:
        print(f"Nothing written: {error}", file=sys.stderr)
        return 1
    summary = rendered.summary()
    print(f"Edition {summary['edition']} ({summary['status']}), {summary['web_url']}")
    print(f"Subject:   {summary['subject']}")
    print(f"Preheader: {summary['preheader']}")
    print("Items:")
    for item in summary["items"] or [{"kind": "-", "title": "(none: the editor's word only)"}]:
        print(f"  {item['kind']:<7} {item['title']}")
    limit = 102 * 1024
    print(
        f"HTML: {summary['html_bytes'] / 1024:.1f} KB of {limit // 1024} KB ({100 * summary['html_bytes'] / limit:.0f} %), "
        f"plain text: {summary['text_bytes'] / 1024:.1f} KB, links: {summary['links']}"
    )
    print(f"Written: {display_path(folder)}/email.html, email.txt, edition.json")
    if not (test or schedule or send):
        return 0
    ask = input if sys.stdin is not None and sys.stdin.isatty() else None
    emails = [address.strip() for address in (test or "").split(",") if address.strip()]
    try:
        print(deliver(site.settings, rendered, test=emails or None, schedule=schedule, send=send, yes=yes, ask=ask))
    except (ConfigError, MailchimpError, SendError) as error:
        print(f"Nothing sent: {error}", file=sys.stderr)
        return 1
    return 0


@_alone("invoke publish")
def run_publish(config: str = "publishconf.py", target: str | None = None, dry_run: bool = False,
                test: str | None = None, schedule: str | None = None, send: bool = False, yes: bool = False,
                adopt: bool = False, social: bool = False) -> int:
    """Check, build, index and deploy; then, only if the deploy succeeded, the newsletter and
    the posts to the networks."""
    from tribune.publish import PublishError, publish

    try:
        report = publish(config, target, dry_run, adopt=adopt)
    except (PublishError, BuildError) as error:
        print(f"Not published: {error}. The live site is unchanged.", file=sys.stderr)
        return 1
    if dry_run:
        print(report.plan.listing())
    print(report.summary())
    if dry_run:
        return 0
    code = run_newsletter(config, test=test, schedule=schedule, send=send, yes=yes) if (test or schedule or send) else 0
    return max(code, _post_to_networks(config) if social else 0)


def _social_plugin():
    """The social plugin's API, or None (said) when the site does not enable it."""
    try:
        import social
    except ImportError:
        social = None
    if social is None or not hasattr(social, "Syndication"):
        print(_("The social plugin is not enabled: add \"social\" to PLUGINS in pelicanconf.py."), file=sys.stderr)
        return None
    return social


def run_social(config: str = "pelicanconf.py", send: bool = False, only: str | None = None, wait: bool = True) -> int:
    """Without ``send``: what would be posted where, each text and its count, with no network
    call. With it: post what is published and not posted yet, holding the site's lock."""
    if send:
        return _post_to_networks(config, only=only, wait=wait)
    site = load_site(config)
    social = _social_plugin()
    if social is None:
        return 1
    try:
        return social.plan(site.settings, social.choose_networks(site.settings, only))
    except (social.SocialError, ClockError) as error:
        print(_("Nothing to show: {error}", error=error), file=sys.stderr)
        return 1


@_alone("invoke social --send")
def _post_to_networks(config: str = "pelicanconf.py", only: str | None = None) -> int:
    """Post to the organisation's accounts; one line per post and per failure, then the tally."""
    site = load_site(config)
    social = _social_plugin()
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


def _conversations_plugin():
    """The conversations plugin's API, or None (said) when the site does not enable it."""
    try:
        import conversations
    except ImportError:
        conversations = None
    if conversations is None or not hasattr(conversations, "Fetch"):
        print(_("The conversations plugin is not enabled: add \"conversations\" to PLUGINS in pelicanconf.py, after \"social\"."),
              file=sys.stderr)
        return None
    return conversations


def run_conversations(config: str = "pelicanconf.py", since: str | None = None, pending: bool = False, approve: str | None = None,
                      reject: str | None = None, wait: bool = True) -> int:
    """Fetch the replies into the archive (holding the site's lock); or, with ``pending``, list
    those that wait for a decision; or record decisions (``approve``, ``reject``: ids)."""
    if pending:
        site = load_site(config)
        conversations = _conversations_plugin()
        if conversations is None:
            return 1
        try:
            return conversations.show_pending(site.settings)
        except conversations.ConversationsError as error:
            print(_("Nothing to show: {error}", error=error), file=sys.stderr)
            return 1
    if approve or reject:
        return _decide_conversations(config, approve=approve, reject=reject, wait=wait)
    return _fetch_conversations(config, since=since, wait=wait)


@_alone("invoke conversations")
def _fetch_conversations(config: str = "pelicanconf.py", since: str | None = None) -> int:
    site = load_site(config)
    conversations = _conversations_plugin()
    if conversations is None:
        return 1
    try:
        fetch = conversations.Fetch(site.settings, say=print, warn=lambda line: print(line, file=sys.stderr))
        report = fetch.run(conversations.parse_since(since, site.settings))
    except (conversations.ConversationsError, ClockError) as error:
        print(_("Nothing fetched: {error}", error=error), file=sys.stderr)
        return 1
    print(report.line())
    return 1 if report.failed else 0


@_alone("invoke conversations --approve/--reject")
def _decide_conversations(config: str = "pelicanconf.py", approve: str | None = None, reject: str | None = None) -> int:
    site = load_site(config)
    conversations = _conversations_plugin()
    if conversations is None:
        return 1
    warn = lambda line: print(line, file=sys.stderr)  # noqa: E731
    try:
        codes = [conversations.decide(site.settings, ids, state, warn=warn) for ids, state in ((approve, "approved"), (reject, "rejected")) if ids]
    except conversations.ConversationsError as error:
        print(_("Nothing decided: {error}", error=error), file=sys.stderr)
        return 1
    return max(codes)


@_alone("invoke rollback")
def run_rollback(config: str = "publishconf.py", target: str | None = None) -> int:
    from tribune.publish import PublishError, rollback

    try:
        release = rollback(config, target)
    except PublishError as error:
        print(f"Nothing rolled back: {error}", file=sys.stderr)
        return 1
    print(f"Rolled back: the live site is release {release} again.")
    return 0


def run_report(config: str = "pelicanconf.py", refresh: bool = False) -> int:
    """Make the indicators report (HTML and CSV) and print the last edition against the others."""
    from tribune.indicators import make_report, write_report

    site = load_site(config)
    report = make_report(site.settings, refresh=refresh, say=lambda line: print(line, file=sys.stderr))
    for path in write_report(report, site.settings):
        print(f"Written: {display_path(path)}")
    if report.missing:
        print(report.missing[0].upper() + report.missing[1:], file=sys.stderr)
    print(report.comparison())
    return 0


@_alone("invoke clean")
def run_clean(config: str = "pelicanconf.py") -> int:
    """Remove the output and cache folders, what killed builds left beside output/, and the
    production builds of publish (.publish/): only folders a build made, in the site's folder."""
    from tribune.publish import PUBLISH_FOLDER

    settings = load_site(config).settings
    try:
        check_build_folders(settings, config)
    except UnsafeFolder as error:
        print(f"Nothing removed: {error}", file=sys.stderr)
        return 1
    site_root = Path(config).resolve().parent
    output = Path(settings["OUTPUT_PATH"]).resolve()
    for folder in [output, Path(settings["CACHE_PATH"]).resolve(), *leftovers(output), site_root / PUBLISH_FOLDER]:
        if folder.exists() and site_root in folder.parents:
            shutil.rmtree(folder)
            print(f"Removed {display_path(folder)}")
    return 0


def run_translations() -> int:
    """Update the message catalogues from the code; say which messages are left to translate."""
    from babel.messages.pofile import read_po

    from tribune.i18n import update_catalogues

    for catalogue in update_catalogues(Path(__file__).resolve().parent.parent):
        with catalogue.open("rb") as stream:
            missing = [m.id for m in read_po(stream) if m.id and (not m.string or m.fuzzy)]
        print(f"{display_path(catalogue)}: {len(missing)} message(s) to translate")
        for message in missing:
            print(f"  {message if isinstance(message, str) else message[0]}")
    return 0
