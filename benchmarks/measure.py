"""Run one measured step in this process and print {"seconds", "peak_mb"} as JSON.

The benchmark starts one process per step, so that each peak memory is that step's own.
Usage: measure.py vanilla|tribune|newsletter CONFIG
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
    else:
        raise SystemExit(f"unknown step {step}")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak}))


if __name__ == "__main__":
    main(*sys.argv[1:3])
