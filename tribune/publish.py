"""`invoke publish`: strict check, production build with its search index, deploy, summary.

Each step must succeed before the next begins, so that a failed check, build or index, or an
unreachable target, leaves the live site exactly as it was. Publishing twice with no change
changes nothing on the target: the build is deterministic (no clock in the output but the
events' upcoming/past split) and the deployers compare contents before they write.
"""

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tribune.build import BuildError, build, check, load_site
from tribune.deploy import DeployError, Plan, deployer_for


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

    def census(self) -> dict[str, int]:
        files = [p for p in self.output.rglob("*") if p.is_file()]
        emails = self.output / "newsletter"
        return {
            "pages": sum(1 for p in files if p.suffix == ".html" and emails not in p.parents),
            "feeds": sum(1 for p in files if p.suffix == ".xml" and p.name != "sitemap.xml"),
            "calendars": sum(1 for p in files if p.suffix == ".ics"),
            "editions": sum(1 for p in files if p.name == "email.html"),
            "bytes": sum(p.stat().st_size for p in files),
        }

    def summary(self) -> str:
        c = self.census()
        verb = "Published" if self.deployed else ("Nothing to publish" if self.plan.empty else "Would publish")
        return (
            f"{verb} to {self.target} ({self.kind}): {c['pages']} pages, {c['feeds']} feeds, {c['calendars']} calendars, "
            f"{c['editions']} newsletter editions, {c['bytes'] / 1e6:.1f} MB; files {self.plan.counts()}; {self.seconds:.1f} s"
        )


def _progress(done: int, total: int) -> None:
    if total >= 1000 and (done % 500 == 0 or done == total):
        print(f"  deploying… {done}/{total} files", file=sys.stderr)


def publish(config: str = "publishconf.py", target: str | None = None, dry_run: bool = False) -> Report:
    started = time.perf_counter()
    site = load_site(config)
    blocking, _ = check(site, strict=True)
    if blocking:
        raise PublishError("the content check failed (strict: warnings count):\n" + "\n".join(map(str, blocking)))
    try:
        built = build(site, strict=True, search=True)
    except BuildError as error:
        details = "".join(f"\n{problem}" for problem in error.problems)
        raise PublishError(f"the build failed: {error}{details}") from error
    name = target or site.settings.get("PUBLISH_TARGET", "")
    try:
        deployer = deployer_for(name, site.settings, progress=_progress)
        plan = deployer.plan(built.output)
        deployed = False
        if not dry_run and not plan.empty:
            deployer.deploy(built.output, plan)
            deployed = True
    except DeployError as error:
        raise PublishError(f"the deploy failed: {error}") from error
    return Report(built.output, name, deployer.kind, plan, time.perf_counter() - started, deployed)


def rollback(config: str = "publishconf.py", target: str | None = None) -> str:
    """Put the previous release of a local folder target back online; return its name."""
    site = load_site(config)
    deployer = deployer_for(target or site.settings.get("PUBLISH_TARGET", ""), site.settings)
    if not hasattr(deployer, "rollback"):
        raise PublishError(f"rollback works for a local folder target; for {deployer.kind}, publish the previous version of the content")
    try:
        return deployer.rollback()
    except DeployError as error:
        raise PublishError(str(error)) from error
