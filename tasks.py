"""Tribune's tasks: `invoke --list` shows them, `invoke --help TASK` their options.

Thin on purpose: each task parses its arguments and calls a function of tribune.commands.
"""

from invoke import Exit, task

from tribune import commands

LOCAL = "pelicanconf.py"
PRODUCTION = "publishconf.py"


def _done(code: int) -> None:
    if code:
        raise Exit(code=code)


@task(help={"strict": "treat warnings as errors"})
def check(c, strict=False):
    """Lint every content file; print each problem as file:line: message."""
    _done(commands.run_check(LOCAL, strict=strict))


NO_WAIT = "if another command is working on this site, stop at once instead of waiting for it"


@task(help={"strict": "treat warnings as errors", "search": "also build the search index (Pagefind; off by default for speed)",
            "no_wait": NO_WAIT})
def build(c, strict=False, search=False, no_wait=False):
    """Check the content, then build the site into output/ (pelicanconf.py)."""
    _done(commands.run_build(LOCAL, strict=strict, search=search, wait=not no_wait))


@task(help={"port": "port to listen on (default 8000)"})
def serve(c, port=8000):
    """Preview the site on http://127.0.0.1:PORT/, rebuilt on every change."""
    from tribune.serve import serve as serve_site

    serve_site(LOCAL, int(port))


@task(help={"no_wait": NO_WAIT})
def clean(c, no_wait=False):
    """Remove the built site (output/), Pelican's cache and what killed builds left."""
    _done(commands.run_clean(LOCAL, wait=not no_wait))


@task(help={
    "edition": "the edition, e.g. 2026-11 (default: the latest)",
    "test": "send a test e-mail to these addresses, separated by commas",
    "schedule": 'schedule the campaign, e.g. "2026-12-01 09:00" (site time zone, on a quarter hour)',
    "send": "send the campaign to the audience now",
    "yes": "do not ask for confirmation (needed without a terminal, as in CI)",
    "no_wait": NO_WAIT,
})
def newsletter(c, edition=None, test=None, schedule=None, send=False, yes=False, no_wait=False):
    """Build a newsletter edition's e-mail and show it; --test, --schedule or --send hand it to Mailchimp."""
    _done(commands.run_newsletter(LOCAL, edition=edition, test=test, schedule=schedule, send=send, yes=yes, wait=not no_wait))


@task(help={"kind": "post, page, event, member or edition", "title": "the title (a member's name), in quotes"})
def new(c, kind, title):
    """Scaffold a new file: invoke new post "Titre du billet" (or page, event, member, edition)."""
    _done(commands.run_new(kind, title, LOCAL))


@task(help={
    "target": "where to deploy (default: PUBLISH_TARGET): a folder, user@host:/path or github-pages[:branch]",
    "dry_run": "list what would be added, changed and removed on the target, and change nothing",
    "test": "then send a test of the latest newsletter edition to these addresses",
    "schedule": 'then schedule the latest edition, e.g. "2026-12-01 09:00"',
    "send": "then send the latest edition to the audience",
    "yes": "do not ask for confirmation (CI)",
    "no_wait": NO_WAIT,
    "adopt": "take over a target folder that holds other files, kept as a release that is never deleted",
    "social": "then post what is new to the organisation's Mastodon and Bluesky accounts (invoke social --send)",
})
def publish(c, target=None, dry_run=False, test=None, schedule=None, send=False, yes=False, no_wait=False, adopt=False, social=False):
    """Check (strict), build with publishconf.py and its search index, deploy; then the newsletter and the networks if asked."""
    _done(commands.run_publish(PRODUCTION, target=target, dry_run=dry_run, test=test, schedule=schedule, send=send, yes=yes,
                               wait=not no_wait, adopt=adopt, social=social))


@task(help={
    "send": "post what is published and not posted yet (without it: show what would be posted, with no network call)",
    "only": "only these networks, separated by commas: mastodon, bluesky",
    "no_wait": NO_WAIT,
})
def social(c, send=False, only=None, no_wait=False):
    """Each new post, event and edition's text per network; --send posts them to Mastodon and Bluesky, never twice."""
    _done(commands.run_social(LOCAL, send=send, only=only, wait=not no_wait))


@task(help={
    "since": "read again the conversations of the posts and events posted since this date, YYYY-MM-DD (default: the last "
             "CONVERSATIONS_DAYS days, and any never read)",
    "pending": "list the replies that wait for a decision, with their ids (no network)",
    "approve": "approve these replies: their ids, separated by commas (no network)",
    "reject": "reject these replies: their ids, separated by commas (no network)",
    "no_wait": NO_WAIT,
})
def conversations(c, since=None, pending=False, approve=None, reject=None, no_wait=False):
    """Fetch the replies to each post and event (Mastodon, Bluesky, Webmentions); --pending, --approve, --reject moderate them."""
    _done(commands.run_conversations(LOCAL, since=since, pending=pending, approve=approve, reject=reject, wait=not no_wait))


@task(help={"target": "the local folder target (default: PUBLISH_TARGET)", "no_wait": NO_WAIT})
def rollback(c, target=None, no_wait=False):
    """Put the previous release of a local folder target back online."""
    _done(commands.run_rollback(PRODUCTION, target=target, wait=not no_wait))


@task(help={"refresh": "fetch Mailchimp's figures again (otherwise the local cache is used when it exists)"})
def report(c, refresh=False):
    """Indicators: reports/indicators.html and .csv, from Mailchimp's reports and the repository."""
    _done(commands.run_report(LOCAL, refresh=refresh))


@task
def translations(c):
    """Developers: extract the messages of the code and update the catalogues to translate (tribune/locale/)."""
    _done(commands.run_translations())


@task(help={"sizes": "numbers of posts, comma-separated (default 200,1000,5000)"})
def bench(c, sizes="200,1000,5000"):
    """Build benchmark: vanilla Pelican against Tribune; writes docs/performance.md."""
    import subprocess
    import sys

    _done(subprocess.run([sys.executable, "benchmarks/bench.py", "--sizes", sizes]).returncode)


@task
def audit(c):
    """Reader budgets: page weight, Lighthouse, HTML validation, screenshots; writes docs/performance.md."""
    import subprocess
    import sys

    _done(subprocess.run([sys.executable, "benchmarks/audit.py"]).returncode)
