"""Run one measured step in this process and print {"seconds", "cpu_seconds", "peak_mb",
"workers_mb"} as JSON (cpu_seconds: this process's and its workers', over the whole run).

The benchmark starts one process per step, so that each peak memory is that step's own.
``workers_mb`` is the largest peak of the worker processes that read posts in parallel
(tribune.prereading): forked, they share most of their pages with this process, which their
resident size counts again, so the memory really in use is below peak_mb + workers x workers_mb.
``pagefind_seconds`` (publish only): the time Pagefind took to index the new site.
Usage: measure.py vanilla|tribune|newsletter|publish CONFIG
"""

import json
import resource
import sys
import time


def main(step: str, config: str) -> None:
    if step == "vanilla":
        from pelican import Pelican
        from pelican.settings import read_settings

        pelican = Pelican(read_settings(config))
        started = time.perf_counter()
        pelican.run()
    elif step == "tribune":
        from tribune.build import build, load_site

        site = load_site(config)
        started = time.perf_counter()
        build(site)
    elif step == "newsletter":
        from tribune import commands

        started = time.perf_counter()
        if commands.run_newsletter(config) != 0:
            raise SystemExit("the newsletter failed")
    elif step == "publish":  # as `invoke publish` runs: strict check, production build, Pagefind, deploy
        from tribune import build, commands

        indexing = _timed(build, "build_index")
        started = time.perf_counter()
        if commands.run_publish(config) != 0:
            raise SystemExit("the publish failed")
    else:
        raise SystemExit(f"unknown step {step}")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    figures = {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak, "workers_mb": children.ru_maxrss / 1024}
    if step == "publish":
        figures["pagefind_seconds"] = sum(indexing)
    print(json.dumps(figures))


def _timed(module, name: str) -> list[float]:
    """Replace ``module.name`` by itself timed; the seconds of each call go into the list returned."""
    seconds, function = [], getattr(module, name)

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds.append(time.perf_counter() - started)

    setattr(module, name, timed)
    return seconds


if __name__ == "__main__":
    main(*sys.argv[1:3])
