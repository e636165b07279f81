"""The build benchmark: vanilla Pelican and Tribune on the same synthetic sites, side by side.

    python benchmarks/bench.py                 # N = 200, 1000, 5000; writes docs/performance.md
    python benchmarks/bench.py --sizes 200     # a quick run
    invoke bench                               # the same as the first line

For each N it measures, each step in its own process (peak memory is that process's): a full
build without cache; a rebuild after changing one post with Pelican's content cache on (the
cache filled by a first build); Tribune's first build with no cached share card ("cold": 80 %
of the synthetic posts have no Image, so it draws 0.8 N cards); `invoke newsletter` for one
edition, as it runs after a build (the cache folder filled; the budget) and with no cache at
all; `invoke publish` after one post changed (strict check, production build, Pagefind,
deploy to a local folder; a first publish made before), with Pagefind's share; and the edit
to screen of `invoke serve` (latency.py: save a post, poll its page over HTTP until the new
text is there; median of 3 edits of a post's body and of 3 of its title, then more edits up to
20, after which the serve process's peak memory is read). With Hugo (Debian's ``hugo``,
installed with apt-get when it can be; skipped otherwise), the same posts in Hugo's format
(hugo.py): its full build and its server's edit to screen, measured the same way. It prints
the tables, writes them to docs/performance.md with the load average of the machine during
each size, and exits non-zero when a budget is missed. Compare ratios measured in the same
run, not seconds.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import hugo  # noqa: E402
import latency  # noqa: E402
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

# `invoke publish` reads publishconf.py beside pelicanconf.py (Tribune's cached settings above):
# the project's own production settings, deploying to a local folder.
PUBLISH = """exec(open({conf!r}, encoding="utf-8").read())
PUBLISH_TARGET = {target!r}
"""

EDITS_BEFORE_PEAK = 20  # the serve process's peak memory is read after this many edits

BUDGETS = {
    "full build at N=1000: Tribune / vanilla ≤ 1.15": lambda r: r[1000]["tribune_full"] / r[1000]["vanilla_full"] <= 1.15,
    "cold first build (cards drawn) at N=1000: Tribune / vanilla ≤ 1.5": lambda r: r[1000]["tribune_cold"] / r[1000]["vanilla_full"] <= 1.5,
    "rebuild after one change ≤ 25 % of the full build": lambda r: all(v["tribune_rebuild"] / v["tribune_full"] <= 0.25 for v in r.values()),
    "linear: 5000 posts ≤ 5.5 × the 1000-post time": lambda r: r[5000]["tribune_full"] / r[1000]["tribune_full"] <= 5.5,
    "peak memory ≤ 2 × vanilla": lambda r: all(v["tribune_peak"] / v["vanilla_peak"] <= 2 for v in r.values()),
    "newsletter build < 1 s": lambda r: all(v["newsletter"] < 1 for v in r.values()),
    "edit to screen, a post's body: ≤ 0.3 s at N=1000": lambda r: r[1000]["serve_body"] <= 0.3,
    "edit to screen, a post's body: ≤ 1 s at N=5000": lambda r: r[5000]["serve_body"] <= 1,
    "edit to screen, a post's title: ≤ 2 × the body's budget (0.6 s at N=1000, 2 s at N=5000)":
        lambda r: r[1000]["serve_title"] <= 0.6 and (5000 not in r or r[5000]["serve_title"] <= 2),
    "publish after one change at N=1000 ≤ 3 × the rebuild": lambda r: r[1000]["publish"] <= 3 * r[1000]["tribune_rebuild"],
    "peak memory of invoke serve after 20 edits ≤ 2 × vanilla": lambda r: all(v["serve_peak"] / v["vanilla_peak"] <= 2 for v in r.values()),
}


_loads: list[float] = []  # the 1-minute load average before each step of the size being measured


def step(kind: str, config: Path, env: dict) -> dict:
    _loads.append(os.getloadavg()[0])
    result = subprocess.run([sys.executable, str(HERE / "measure.py"), kind, str(config)], capture_output=True, text=True, env=env, cwd=config.parent)
    if result.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def touch_one_post(content: Path, sentence: str = "Une phrase ajoutée pour le benchmark.") -> None:
    post = sorted((content / "posts").glob("*.md"))[len(list((content / "posts").glob("*.md"))) // 2]
    post.write_text(post.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")


def header_value(text: str, field: str) -> str:
    return next(line.split(": ", 1)[1] for line in text.splitlines() if line.startswith(f"{field}: "))


def retitled(text: str, title: str) -> str:
    return text.replace(f"Title: {header_value(text, 'Title')}\n", f"Title: {title}\n", 1)


def page_of(output: Path, title: str) -> str:
    """The address of the post page that shows ``title`` in its <title> (Tribune's slugs)."""
    for page in sorted(output.glob("billets/*/index.html")):
        head = page.read_text(encoding="utf-8")[:3000]
        if f"<title>{title} " in head.replace("&#39;", "'").replace("&amp;", "&"):
            return page.parent.relative_to(output).as_posix() + "/"
    raise SystemExit(f"no page of {title!r} in {output}")


def edits_to_screen(post: Path, base_url: str, page: str, retitle, settle: float, extra: Path | None = None, extra_page: str = "",
                    process=None) -> dict:
    """Median seconds of 3 body edits and of 3 title edits of ``post`` (whose page is at
    ``page``), then body edits of ``extra`` up to EDITS_BEFORE_PEAK; and the peak memory."""
    original = post.read_text(encoding="utf-8")
    body = [latency.edit_to_screen(post, original + f"\nrepere{k}banc\n", base_url + page, f"repere{k}banc", settle) for k in range(3)]
    title = [latency.edit_to_screen(post, retitle(original, f"Titre modifie {k}"), base_url, f"Titre modifie {k}", settle)
             for k in range(3)]
    result = {"body": latency.median(body), "body_all": body, "title": latency.median(title), "title_all": title}
    if extra is not None:
        extra_original = extra.read_text(encoding="utf-8")
        for k in range(EDITS_BEFORE_PEAK - 6):
            latency.edit_to_screen(extra, extra_original + f"\nautre{k}banc\n", base_url + extra_page, f"autre{k}banc", settle)
        result["peak_mb"] = latency.peak_mb(process)
        extra.write_text(extra_original, encoding="utf-8")
    post.write_text(original, encoding="utf-8")  # as generated, for the next measurements
    return result


def serve_tribune(site: Path, content: Path, n: int, env: dict) -> dict:
    """`invoke serve` on the site (its pelicanconf.py: Tribune's cached settings)."""
    posts = sorted((content / "posts").glob("*.md"))
    newest, second = posts[-1], posts[-2]
    output = site / "out-tribune"
    page = page_of(output, header_value(newest.read_text(encoding="utf-8"), "Title"))
    extra_page = page_of(output, header_value(second.read_text(encoding="utf-8"), "Title"))
    port = latency.free_port()
    command = [sys.executable, "-m", "invoke", "--search-root", str(ROOT), "serve", "--port", str(port)]
    with latency.server(command, site, env, port) as process:
        return edits_to_screen(newest, f"http://127.0.0.1:{port}/", page, retitled, 0.5 + n / 2000, second, extra_page, process)


def measure_hugo(site: Path, content: Path, binary: str) -> dict:
    """Hugo's full build of the same posts, and its server's edit to screen."""
    source = hugo.convert(content, site / "hugo")
    started = time.perf_counter()
    _loads.append(os.getloadavg()[0])
    subprocess.run([binary, "--source", str(source), "--destination", str(site / "out-hugo"), "--quiet"], check=True,
                   capture_output=True)
    row = {"hugo_full": time.perf_counter() - started}
    newest = sorted((source / "content" / "posts").glob("*.md"))[-1]
    port = latency.free_port()
    command = [binary, "server", "--source", str(source), "--bind", "127.0.0.1", "--port", str(port)]
    with latency.server(command, source, dict(os.environ), port):
        edits = edits_to_screen(newest, f"http://127.0.0.1:{port}/", f"posts/{newest.stem}/", hugo.retitle, 0.3)
    row.update({"hugo_body": edits["body"], "hugo_title": edits["title"]})
    return row


def measure(n: int, work: Path, hugo_binary: str | None) -> dict:
    site = work / f"n{n}"
    content = generate(site, n, ROOT / "content")
    posts = n
    env = {**os.environ, "TRIBUNE_NOW": "2026-11-24T12:00:00+01:00"}
    _loads.clear()
    configs = {}
    for name, template in (("vanilla", VANILLA), ("tribune", TRIBUNE)):
        for cached in (False, True):
            # Tribune's cached settings are the site's pelicanconf.py: what `invoke serve` and publishconf.py read.
            path = site / ("pelicanconf.py" if (name, cached) == ("tribune", True) else f"conf_{name}{'_cached' if cached else ''}.py")
            path.write_text(template.format(
                content=str(content), output=str(site / f"out-{name}"), cache=str(site / f"cache-{name}{'-c' if cached else ''}"),
                cached=cached, root=str(ROOT), conf=str(ROOT / "pelicanconf.py"), theme=str(ROOT / "theme"), plugins=str(ROOT / "plugins"),
            ), encoding="utf-8")
            configs[(name, cached)] = path
    publish_config = site / "publishconf.py"
    publish_config.write_text(PUBLISH.format(conf=str(ROOT / "publishconf.py"), target=str(work / f"live-{n}")), encoding="utf-8")
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
    step("publish", publish_config, env)  # the release in place, and publish's cache filled
    touch_one_post(content, "Une autre phrase ajoutée pour le benchmark.")
    published = step("publish", publish_config, env)
    row["publish"], row["publish_pagefind"] = published["seconds"], published["pagefind_seconds"]
    _loads.append(os.getloadavg()[0])
    served = serve_tribune(site, content, n, env)
    row["serve_body"], row["serve_title"], row["serve_peak"] = served["body"], served["title"], served["peak_mb"]
    row["serve_body_all"], row["serve_title_all"] = served["body_all"], served["title_all"]
    if hugo_binary:
        row.update(measure_hugo(site, content, hugo_binary))
    row["load"] = (min(_loads), max(_loads))
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
    lines += [
        "",
        "| N posts | load (1 min) during the size | edit to screen, Tribune: body / title (s, median of 3) | each of the 3 (s) | "
        "Hugo full build (s) | edit to screen, Hugo: body / title (s) | publish after one change (s) | of which Pagefind (s) | "
        "publish / Tribune rebuild | peak MB of invoke serve after 20 edits |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for n, r in results.items():
        each = " / ".join(", ".join(f"{value:.2f}" for value in r[key]) for key in ("serve_body_all", "serve_title_all"))
        hugo_full = f"{r['hugo_full']:.2f}" if "hugo_full" in r else "not installed"
        hugo_edits = f"{r['hugo_body']:.2f} / {r['hugo_title']:.2f}" if "hugo_body" in r else "–"
        lines.append(
            f"| {n} | {r['load'][0]:.1f} to {r['load'][1]:.1f} | {r['serve_body']:.2f} / {r['serve_title']:.2f} | {each} | {hugo_full} | "
            f"{hugo_edits} | {r['publish']:.2f} | {r['publish_pagefind']:.2f} ({100 * r['publish_pagefind'] / r['publish']:.0f} %) | "
            f"{r['publish'] / r['tribune_rebuild']:.1f} | {r['serve_peak']:.0f} |"
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


def write_doc(results: dict, checked, command: str, hugo_words: str) -> Path:
    doc = ROOT / "docs" / "performance.md"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Performance\n"
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    block = "\n".join([
        start, "", f"Measured with `{command}` on this project's 2-core machine (Python {sys.version.split()[0]}{hugo_words}).", "",
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
    hugo_binary = hugo.binary()
    hugo_words = f", Hugo {hugo.version(hugo_binary)}" if hugo_binary else ", Hugo not installed"
    if not hugo_binary:
        print("Hugo is not installed (apt-get install hugo): its columns are left empty.", flush=True)
    work = Path(tempfile.mkdtemp(prefix="tribune-bench-"))
    try:
        results = {n: measure(n, work, hugo_binary) for n in map(int, args.sizes.split(","))}
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
        print(f"written: {write_doc(results, checked, command, hugo_words).relative_to(ROOT)}")
    return 1 if any(ok is False for _, ok in checked) else 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:  # Ctrl-C: the temporary sites are removed (main's finally); no traceback
        raise SystemExit(130) from None
