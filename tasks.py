"""Tribune's tasks: `invoke --list` shows them, `invoke --help TASK` their options.

Thin on purpose: each task parses its arguments and calls a function of tribune.commands.
Their descriptions are in the site's language. Short flags are chosen by hand, one meaning
per letter in every task (-t is --test wherever it exists, never --target); flags that
send, schedule or deploy elsewhere have none.
"""

from invoke import Exit, Task, task

from tribune import arguments, commands
from tribune.i18n import _
from tribune.settings import speak_for

LOCAL = "pelicanconf.py"
PRODUCTION = "publishconf.py"

speak_for(LOCAL)  # descriptions and help in the site's language
arguments.install()  # and invoke's own words on arguments it cannot read
commands.end_quietly()  # no traceback when invoke itself is interrupted, or its reader goes away

#: The short flags, the same in every task that has the option.
SHORT_FLAGS = {"strict": "s", "no_wait": "n", "edition": "e", "test": "t", "yes": "y", "dry_run": "d", "port": "p", "refresh": "r"}


class TribuneTask(Task):
    """An invoke task whose short flags are :data:`SHORT_FLAGS`, not the first free letter."""

    def __init__(self, body, **kwargs):
        super().__init__(body, auto_shortflags=False, **kwargs)

    def arg_opts(self, name, default, taken_names):
        opts = super().arg_opts(name, default, taken_names)
        if name in SHORT_FLAGS:
            opts["names"].append(SHORT_FLAGS[name])
        return opts


def tribune_task(description: str, **options):
    """@task with ``description`` (in the site's language) as its help, and our short flags."""

    def decorate(body):
        body.__doc__ = description
        return task(klass=TribuneTask, **options)(body)

    return decorate


def _done(code: int) -> None:
    if code:
        raise Exit(code=code)


STRICT = _("treat warnings as errors")
NO_WAIT = _("if another command is working on this site, stop at once instead of waiting for it")
YES = _("do not ask for confirmation (needed without a terminal, as in CI)")


@tribune_task(_("Lint every content file; print each problem as file:line: message."), help={"strict": STRICT})
def check(c, strict=False):
    _done(commands.run_check(LOCAL, strict=strict))


@tribune_task(_("Check the content, then build the site into output/ (pelicanconf.py)."), help={
    "strict": STRICT, "search": _("also build the search index (Pagefind; off by default for speed)"), "no_wait": NO_WAIT})
def build(c, strict=False, search=False, no_wait=False):
    _done(commands.run_build(LOCAL, strict=strict, search=search, wait=not no_wait))


@tribune_task(_("Preview the site on http://127.0.0.1:PORT/, rebuilt on every change."),
              help={"port": _("port to listen on (default 8000; the next free one if it is busy)")})
def serve(c, port="8000"):
    _done(commands.run_serve(LOCAL, port))


@tribune_task(_("Remove the built site (output/), Pelican's cache and what killed builds left."), help={"no_wait": NO_WAIT})
def clean(c, no_wait=False):
    _done(commands.run_clean(LOCAL, wait=not no_wait))


@tribune_task(_("Build a newsletter edition's e-mail and show it; --test, --schedule or --send hand it to Mailchimp."), help={
    "edition": _("the edition, e.g. 2026-11 (default: the latest)"),
    "test": _("send a test e-mail to these addresses, separated by commas"),
    "schedule": _('schedule the campaign, e.g. "2026-12-01 09:00" (site time zone, on a quarter hour)'),
    "send": _("send the campaign to the audience now"),
    "yes": YES,
    "no_wait": NO_WAIT,
})
def newsletter(c, edition=None, test=None, schedule=None, send=False, yes=False, no_wait=False):
    _done(commands.run_newsletter(LOCAL, edition=edition, test=test, schedule=schedule, send=send, yes=yes, wait=not no_wait))


@tribune_task(_('Scaffold a new file: invoke new post "Titre du billet" (or page, event, member, edition).'), help={
    "kind": _("post, page, event, member or edition"),
    "title": _("the title, in quotes (a member's name; an edition's month, e.g. 2027-01, or \"\" for this month)"),
})
def new(c, kind, title):
    _done(commands.run_new(kind, title, LOCAL))


@tribune_task(_("Check (strict), build with publishconf.py and its search index, deploy; then the newsletter and the networks if asked."), help={
    "target": _("where to deploy (default: PUBLISH_TARGET): a folder, user@host:/path or github-pages[:branch]"),
    "dry_run": _("list what would be added, changed and removed on the target, and change nothing"),
    "edition": _("the newsletter edition for --test, --schedule or --send (default: the latest)"),
    "test": _("then send a test of the newsletter edition to these addresses"),
    "schedule": _('then schedule the newsletter edition, e.g. "2026-12-01 09:00"'),
    "send": _("then send the newsletter edition to the audience"),
    "yes": YES,
    "no_wait": NO_WAIT,
    "adopt": _("take over a target folder that holds other files, kept as a release that is never deleted"),
    "social": _("then post what is new to the organisation's Mastodon and Bluesky accounts (invoke social --send)"),
})
def publish(c, target=None, dry_run=False, edition=None, test=None, schedule=None, send=False, yes=False, no_wait=False, adopt=False,
            social=False):
    _done(commands.run_publish(PRODUCTION, target=target, dry_run=dry_run, edition=edition, test=test, schedule=schedule, send=send,
                               yes=yes, wait=not no_wait, adopt=adopt, social=social))


@tribune_task(_("Each new post, event and edition's text per network; --send posts them to Mastodon and Bluesky, never twice."), help={
    "send": _("post what is published and not posted yet (without it: show what would be posted, with no network call)"),
    "only": _("only these networks, separated by commas: mastodon, bluesky"),
    "no_wait": NO_WAIT,
})
def social(c, send=False, only=None, no_wait=False):
    _done(commands.run_social(LOCAL, send=send, only=only, wait=not no_wait))


@tribune_task(_("Fetch the replies to each post and event (Mastodon, Bluesky, Webmentions); --pending, --approve, --reject moderate them."),
              help={
    "since": _("read again the conversations of the posts and events posted since this date, YYYY-MM-DD (default: the last "
               "CONVERSATIONS_DAYS days, and any never read)"),
    "pending": _("list the replies that wait for a decision, with their ids (no network)"),
    "approve": _("approve these replies: their ids, separated by commas (no network)"),
    "reject": _("reject these replies: their ids, separated by commas (no network)"),
    "no_wait": NO_WAIT,
})
def conversations(c, since=None, pending=False, approve=None, reject=None, no_wait=False):
    _done(commands.run_conversations(LOCAL, since=since, pending=pending, approve=approve, reject=reject, wait=not no_wait))


@tribune_task(_("Put the previous release of a local folder target back online."),
              help={"target": _("the local folder target (default: PUBLISH_TARGET)"), "no_wait": NO_WAIT})
def rollback(c, target=None, no_wait=False):
    _done(commands.run_rollback(PRODUCTION, target=target, wait=not no_wait))


@tribune_task(_("Indicators: reports/indicators.html and .csv, the objectives first, from every plugin's figures."),
              help={"refresh": _("fetch Mailchimp's figures again (otherwise the local cache is used when it exists)")})
def report(c, refresh=False):
    _done(commands.run_report(LOCAL, refresh=refresh))


@tribune_task(_("Veille: read the feeds and networks of VEILLE_SOURCES; print the new mentions and any spike."))
def veille(c):
    _done(commands.run_veille(LOCAL))


@tribune_task(_("Developers: extract the messages of the code and update the catalogues to translate (tribune/locale/)."))
def translations(c):
    _done(commands.run_translations())


@tribune_task(_("Build benchmark: vanilla Pelican against Tribune; writes docs/performance.md."),
              help={"sizes": _("numbers of posts, comma-separated (default 200,1000,5000)")})
def bench(c, sizes="200,1000,5000"):
    _done(commands.run_bench(sizes))


@tribune_task(_("Reader budgets: page weight, Lighthouse, HTML validation, screenshots; writes docs/performance.md."))
def audit(c):
    _done(commands.run_audit())
