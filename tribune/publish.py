"""`invoke publish`: target refusals, strict check, production build with its search index,
deploy, summary.

Each step must succeed before the next begins, so that a refused target, a failed check, build
or index, or an unreachable target, leaves the live site exactly as it was. Publishing twice
with no change changes nothing on the target: the build is deterministic (no clock in the
output but the events' upcoming/past split) and the deployers compare contents before they write.

The production site is built in a folder of its own, :data:`PUBLISH_FOLDER` beside the settings
file (the build in ``site/``, its caches in ``cache/``, the newsletter's e-mail files, set aside
from the release, in ``newsletter/``), never in output/ nor cache/: an
``invoke build`` running meanwhile rewrites those with the preview site (relative links, no
search index), which must never be what is deployed. The folder is kept from one publish to the
next: ``site/`` shows what was last published, ``cache/`` spares the next publish some work.
"""

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tribune.build import BuildError, build, load_site
from tribune.deploy import DeployError, Plan, deployer_for
from tribune.i18n import _, _n, number
from tribune.lint import NOTICE, Problem
from tribune.trees import files_under, remove_empty_folders


PUBLISH_FOLDER = ".publish"
EMAILS_FOLDER = "newsletter"  # beside the release in PUBLISH_FOLDER: the e-mails, never deployed


class PublishError(Exception):
    """Publishing stopped; the message says at which step, and the live site is unchanged."""


@dataclass
class Report:
    output: Path
    target: str
    kind: str
    plan: Plan
    seconds: float
    deployed: bool
    notices: list[Problem] = field(default_factory=list)  # the lint's: what the build did on its own (a post scheduled...)

    def census(self) -> dict[str, int]:
        files = files_under(self.output)
        return {
            "pages": sum(1 for relative in files if relative.endswith(".html")),
            "feeds": sum(1 for relative in files if relative.endswith(".xml") and os.path.basename(relative) != "sitemap.xml"),
            "calendars": sum(1 for relative in files if relative.endswith(".ics")),
            "editions": sum(1 for _ in self.output.parent.joinpath(EMAILS_FOLDER).rglob("email.html")),
            "bytes": sum(os.stat(path).st_size for path in files.values()),
        }

    def summary(self) -> str:
        c = self.census()
        site = ", ".join([_n("{count} page", "{count} pages", c["pages"]), _n("{count} feed", "{count} feeds", c["feeds"]),
                          _n("{count} calendar", "{count} calendars", c["calendars"]),
                          _n("{count} newsletter edition", "{count} newsletter editions", c["editions"]),
                          _("{size} MB", size=number(c["bytes"] / 1e6, 1))])
        values = {"target": self.target, "kind": self.kind, "site": site, "files": self.plan.counts(), "seconds": number(self.seconds, 1)}
        if self.deployed:
            return _("Published to {target} ({kind}): {site}; files: {files}; {seconds} s", **values)
        if self.plan.empty:
            return _("Nothing to publish to {target} ({kind}): {site}; files: {files}; {seconds} s", **values)
        return _("Would publish to {target} ({kind}): {site}; files: {files}; {seconds} s", **values)


def _progress(done: int, total: int) -> None:
    if total >= 1000 and (done % 500 == 0 or done == total):
        print("  " + _("deploying… {done}/{total} files", done=done, total=total), file=sys.stderr)


def _sources(root: Path) -> tuple[Path, ...]:
    """The site's folder and the Git repository around it: never a place to deploy to."""
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True, timeout=60)
    except OSError:  # no git on this machine
        return (root,)
    return (root, Path(top.stdout.strip())) if top.returncode == 0 and top.stdout.strip() else (root,)


def _deployer(site, target: str | None, adopt: bool = False, progress=None):
    """The deployer of ``--target`` when it is given (an empty one is refused: an unset
    variable in a CI script must not mean "the production target"), else of PUBLISH_TARGET."""
    if target is not None and not target.strip():
        raise DeployError(_("--target is empty: give a folder, user@host:/path or github-pages, or leave --target out to use PUBLISH_TARGET"))
    name = target if target is not None else site.settings.get("PUBLISH_TARGET", "")
    deployer = deployer_for(name, site.settings, progress=progress, adopt=adopt, keep_out=_sources(site.config.resolve().parent))
    return name, deployer


def publish(config: str = "publishconf.py", target: str | None = None, dry_run: bool = False, adopt: bool = False) -> Report:
    """Refuse a target that is not fit, then check, build, index, and deploy (unless ``dry_run``).
    ``adopt``: take over a local folder that holds other files, kept as a release never deleted."""
    started = time.perf_counter()
    folder = Path(config).resolve().parent / PUBLISH_FOLDER
    site = load_site(config, OUTPUT_PATH=str(folder / "site"), CACHE_PATH=str(folder / "cache"))
    try:
        name, deployer = _deployer(site, target, adopt, _progress)
        deployer.preflight(folder)
    except DeployError as error:
        raise PublishError(str(error)) from error
    try:  # the strict check runs beside the build (tribune.build): its problems stop it before anything is swapped
        built = build(site, strict=True, search=True, private=True)
    except BuildError as error:
        if error.problems:
            raise PublishError(_("the content check failed (strict: warnings count):\n{problems}",
                                 problems="\n".join(map(str, error.problems)))) from error
        raise PublishError(_("the build failed: {reason}", reason=error)) from error
    set_emails_aside(built.output, site.settings)
    try:
        plan = deployer.plan(built.output)
        if not dry_run:
            deployer.deploy(built.output, plan)
    except DeployError as error:
        raise PublishError(_("the deploy failed: {reason}", reason=error)) from error
    return Report(built.output, name, deployer.kind, plan, time.perf_counter() - started, not dry_run and not plan.empty,
                  [problem for problem in built.problems if problem.severity == NOTICE])


def set_emails_aside(output: Path, settings: dict) -> None:
    """Move the newsletter's e-mail files (``NEWSLETTER_EMAIL_DIR``) out of the release, into
    ``.publish/newsletter/``: they are material for sending, merge tags and all, not pages for
    readers or crawlers. The build writes them with the site (``invoke build`` keeps them in
    output/ to look at); what is deployed never holds them."""
    pattern = settings.get("NEWSLETTER_EMAIL_DIR")
    aside = output.parent / EMAILS_FOLDER
    shutil.rmtree(aside, ignore_errors=True)
    if not pattern:
        return
    for folder in sorted(output.glob(pattern.format(edition="*"))):
        if (folder / "email.html").is_file():
            target = aside / folder.name  # .publish/newsletter/2026-11/
            target.parent.mkdir(parents=True, exist_ok=True)
            folder.rename(target)
            remove_empty_folders(folder.parent, output)


def rollback(config: str = "publishconf.py", target: str | None = None) -> str:
    """Put the previous release of a local folder target back online; return its name."""
    site = load_site(config)
    try:
        _name, deployer = _deployer(site, target)
        if not hasattr(deployer, "rollback"):
            raise PublishError(_("rollback works for a local folder target; for {kind}, publish the previous version of the content",
                                 kind=deployer.kind))
        return deployer.rollback()
    except DeployError as error:
        raise PublishError(str(error)) from error
