"""The memory and the rebuild times of one `invoke serve` process over a series of edits.

`invoke serve` rebuilds in one process: whatever a build leaves behind adds up. On the
synthetic site of ``--posts`` posts, the serve process is started, then the newest post is
edited ``--edits`` times, its body and its title in turn (a title renders every page again),
each edit timed from the save to the new text served over HTTP (:mod:`latency`); after each,
the process's resident size (VmRSS) and its peak (VmHWM) are read. ``--root`` runs another
checkout's code (its tribune/, theme/ and plugins/) on the same posts, to compare versions.

    python benchmarks/serve_memory.py --posts 250 --edits 15 [--root /path/to/other/checkout]
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

import latency
from bench import ROOT, TRIBUNE, header_value, page_of, retitled
from synthetic import generate


def resident_mb(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of ``pid``, in MB."""
    sizes = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            sizes[key] = int(value.split()[0]) / 1024
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=250)
    parser.add_argument("--edits", type=int, default=15)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose code runs (default: this one)")
    parser.add_argument("--work", type=Path, help="where the site is generated (default: a temporary folder)")
    arguments = parser.parse_args()
    if arguments.work:
        measure(arguments.work / f"n{arguments.posts}", arguments.posts, arguments.edits, arguments.root.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="tribune-serve-memory-") as work:
            measure(Path(work) / f"n{arguments.posts}", arguments.posts, arguments.edits, arguments.root.resolve())


def measure(site: Path, posts: int, edits: int, root: Path) -> None:
    content = generate(site, posts, ROOT / "content")
    (site / "pelicanconf.py").write_text(TRIBUNE.format(
        root=str(root), conf=str(root / "pelicanconf.py"), content=str(content), output=str(site / "output"),
        cache=str(site / "cache"), theme=str(root / "theme"), plugins=str(root / "plugins"), cached=True), encoding="utf-8")
    post = sorted((content / "posts").glob("*.md"))[-1]
    original = post.read_text(encoding="utf-8")
    port = latency.free_port()
    env = {**os.environ, "TRIBUNE_NOW": "2026-11-24T12:00:00+01:00"}
    command = [sys.executable, "-m", "invoke", "--search-root", str(root), "serve", "--port", str(port)]
    base = f"http://127.0.0.1:{port}/"
    with latency.server(command, site, env, port) as process:
        print(f"code from {root}, {posts} posts; load {os.getloadavg()[0]:.1f}; after the first build: "
              + ", ".join(f"{key} {value:.0f} MB" for key, value in resident_mb(process.pid).items()), flush=True)
        text = original
        for edit in range(1, edits + 1):
            if edit % 2:  # the text of the post, under its current title
                kind, text = "body", f"{text}\nrepere{edit}banc\n"
                url, expected = base + page_of(site / "output", header_value(text, "Title")), f"repere{edit}banc"
            else:
                kind, text, url, expected = "title", retitled(text, f"Titre modifie {edit}"), base, f"Titre modifie {edit}"
            seconds = latency.edit_to_screen(post, text, url, expected, settle=1.0)
            sizes = resident_mb(process.pid)
            print(f"edit {edit:2d} ({kind:5s}): {seconds:6.2f} s to screen; VmRSS {sizes['VmRSS']:.0f} MB, "
                  f"VmHWM {sizes['VmHWM']:.0f} MB; load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
