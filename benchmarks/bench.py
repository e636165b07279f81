"""The build benchmark: vanilla Pelican and Tribune on the same synthetic sites, side by side.

    python benchmarks/bench.py                 # N = 200, 1000, 5000; writes docs/performance.md
    python benchmarks/bench.py --sizes 200     # a quick run
    invoke bench                               # the same as the first line

For each N it measures, each step in its own process (peak memory is that process's): a full
build without cache; a rebuild after changing one post with Pelican's content cache on (the
cache filled by a first build); Tribune's first build with no cached share image ("cold"); and
`invoke newsletter` for one edition, as it runs after a build (the cache folder filled; the
budget) and with no cache at all. It prints a table, writes it to docs/performance.md, and
exits non-zero when a budget is missed. Compare ratios measured in the same run, not seconds.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from synthetic import generate  # noqa: E402

VANILLA = """PATH = {content!r}
OUTPUT_PATH = {output!r}
CACHE_PATH = {cache!r}
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
DEFAULT_PAGINATION = 6  # as Tribune's sample settings: the same site, the same number of list pages
SITENAME = "Bench"
SITEURL = ""
PLUGINS = []
CACHE_CONTENT = {cached}
LOAD_CONTENT_CACHE = {cached}
"""

TRIBUNE = """import sys
sys.path.insert(0, {root!r})
exec(open({conf!r}, encoding="utf-8").read())
PATH = {content!r}
OUTPUT_PATH = {output!r}
CACHE_PATH = {cache!r}
THEME = {theme!r}
PLUGIN_PATHS = [{plugins!r}]
CACHE_CONTENT = {cached}
LOAD_CONTENT_CACHE = {cached}
"""

BUDGETS = {
    "full build at N=1000: Tribune / vanilla ≤ 1.15": lambda r: r[1000]["tribune_full"] / r[1000]["vanilla_full"] <= 1.15,
    "cold first build at N=1000: Tribune / vanilla < 2": lambda r: r[1000]["tribune_cold"] / r[1000]["vanilla_full"] < 2,
    "rebuild after one change ≤ 25 % of the full build": lambda r: all(v["tribune_rebuild"] / v["tribune_full"] <= 0.25 for v in r.values()),
    "linear: 5000 posts ≤ 5.5 × the 1000-post time": lambda r: r[5000]["tribune_full"] / r[1000]["tribune_full"] <= 5.5,
    "peak memory ≤ 2 × vanilla": lambda r: all(v["tribune_peak"] / v["vanilla_peak"] <= 2 for v in r.values()),
    "newsletter build < 1 s": lambda r: all(v["newsletter"] < 1 for v in r.values()),
}


def step(kind: str, config: Path, env: dict) -> dict:
    result = subprocess.run([sys.executable, str(HERE / "measure.py"), kind, str(config)], capture_output=True, text=True, env=env, cwd=config.parent)
    if result.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def touch_one_post(content: Path) -> None:
    post = sorted((content / "posts").glob("*.md"))[len(list((content / "posts").glob("*.md"))) // 2]
    post.write_text(post.read_text(encoding="utf-8") + "\nUne phrase ajoutée pour le benchmark.\n", encoding="utf-8")


def measure(n: int, work: Path) -> dict:
    site = work / f"n{n}"
    content = generate(site, n, ROOT / "content")
    posts = n
    env = {**os.environ, "TRIBUNE_NOW": "2026-11-24T12:00:00+01:00"}
    configs = {}
    for name, template in (("vanilla", VANILLA), ("tribune", TRIBUNE)):
        for cached in (False, True):
            path = site / f"conf_{name}{'_cached' if cached else ''}.py"
            path.write_text(template.format(
                content=str(content), output=str(site / f"out-{name}"), cache=str(site / f"cache-{name}{'-c' if cached else ''}"),
                cached=cached, root=str(ROOT), conf=str(ROOT / "pelicanconf.py"), theme=str(ROOT / "theme"), plugins=str(ROOT / "plugins"),
            ), encoding="utf-8")
            configs[(name, cached)] = path
    row = {}
    vanilla = step("vanilla", configs[("vanilla", False)], env)
    row["vanilla_full"], row["vanilla_peak"], row["vanilla_cpu"] = vanilla["seconds"], vanilla["peak_mb"], vanilla["cpu_seconds"]
    cold = step("tribune", configs[("tribune", False)], env)  # no share image cached yet
    row["tribune_cold"] = cold["seconds"]
    full = step("tribune", configs[("tribune", False)], env)
    row["tribune_full"], row["tribune_peak"], row["tribune_workers_peak"] = full["seconds"], full["peak_mb"], full["workers_mb"]
    row["tribune_cpu"] = full["cpu_seconds"]
    step("vanilla", configs[("vanilla", True)], env)
    step("tribune", configs[("tribune", True)], env)
    touch_one_post(content)
    row["vanilla_rebuild"] = step("vanilla", configs[("vanilla", True)], env)["seconds"]
    row["tribune_rebuild"] = step("tribune", configs[("tribune", True)], env)["seconds"]
    # As `invoke newsletter` runs: pelicanconf's cache folder, filled by the build before it
    # (the index of posts it chooses from); and without any cache.
    row["newsletter"] = step("newsletter", configs[("tribune", True)], env)["seconds"]
    row["newsletter_cold"] = step("newsletter", configs[("tribune", False)], env)["seconds"]
    row["pages"] = sum(1 for _ in (site / "out-tribune").rglob("*.html"))
    row["posts"] = posts
    print(f"N={n}: " + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()), flush=True)
    return row


def table(results: dict) -> str:
    lines = [
        "| N posts | vanilla full (s) | Tribune full (s) | ratio | CPU s vanilla / Tribune | Tribune cold (s) | ratio | vanilla rebuild | Tribune rebuild | newsletter (s): after a build / no cache | posts/s vanilla | posts/s Tribune | peak MB vanilla | peak MB Tribune | ratio | peak MB of a reading worker |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, r in results.items():
        lines.append(
            f"| {n} | {r['vanilla_full']:.2f} | {r['tribune_full']:.2f} | {r['tribune_full'] / r['vanilla_full']:.2f} | "
            f"{r['vanilla_cpu']:.1f} / {r['tribune_cpu']:.1f} | "
            f"{r['tribune_cold']:.2f} | {r['tribune_cold'] / r['vanilla_full']:.2f} | "
            f"{r['vanilla_rebuild']:.2f} s ({100 * r['vanilla_rebuild'] / r['vanilla_full']:.0f} %) | "
            f"{r['tribune_rebuild']:.2f} s ({100 * r['tribune_rebuild'] / r['tribune_full']:.0f} %) | "
            f"{r['newsletter']:.2f} / {r['newsletter_cold']:.2f} | "
            f"{n / r['vanilla_full']:.0f} | {n / r['tribune_full']:.0f} | {r['vanilla_peak']:.0f} | {r['tribune_peak']:.0f} | "
            f"{r['tribune_peak'] / r['vanilla_peak']:.2f} | {r['tribune_workers_peak']:.0f} |"
        )
    return "\n".join(lines)


def verdicts(results: dict) -> list[tuple[str, bool | None]]:
    checked = []
    for name, check in BUDGETS.items():
        try:
            checked.append((name, check(results)))
        except KeyError:
            checked.append((name, None))  # needs a size that was not measured
    return checked


def write_doc(results: dict, checked, command: str) -> Path:
    doc = ROOT / "docs" / "performance.md"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Performance\n"
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    block = "\n".join([
        start, "", f"Measured with `{command}` on this project's 2-core machine (Python {sys.version.split()[0]}).", "",
        table(results), "", "Budgets:", "",
        *[f"- {'✅' if ok else ('➖ not measured' if ok is None else '❌')} {name}" for name, ok in checked], "", end,
    ])
    if start in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n## The build benchmark\n\n" + block + "\n"
    doc.parent.mkdir(exist_ok=True)
    doc.write_text(text, encoding="utf-8")
    return doc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="200,1000,5000", help="comma-separated numbers of posts")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites (printed path)")
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/performance.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tribune-bench-"))
    try:
        results = {n: measure(n, work) for n in map(int, args.sizes.split(","))}
    finally:
        if args.keep:
            print(f"sites kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    checked = verdicts(results)
    print(table(results))
    for name, ok in checked:
        print(f"{'ok  ' if ok else ('n/a ' if ok is None else 'MISS')} {name}")
    if not args.no_doc:
        command = "python benchmarks/bench.py" + (f" --sizes {args.sizes}" if args.sizes != "200,1000,5000" else "")
        print(f"written: {write_doc(results, checked, command).relative_to(ROOT)}")
    return 1 if any(ok is False for _, ok in checked) else 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:  # Ctrl-C: the temporary sites are removed (main's finally); no traceback
        raise SystemExit(130) from None
