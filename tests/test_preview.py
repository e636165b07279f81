"""`invoke serve` as a writer uses it: a real preview process on a copy of the sample site,
pages open in Debian's chromium, files saved beside it. The open page follows each rebuild
without a click, shows a failed one with the lines the terminal printed, and keeps the last
good site one click away; drafts and scheduled posts are read there, search works (its index
made after the rebuild, outside output/); output/ keeps nothing of the preview."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import chromium, copy_site, french

POST = "content/posts/2026-07-20-ete-a-montreal.md"
POST_URL = "billets/ete-a-montreal-l-equipe/"
DRAFT_TITLE = "Campagne participative : ce qui se prépare"  # the sample's draft
SCHEDULED_TITLE = "Le tournoi du printemps 2027"
SCHEDULED = f"""Title: {SCHEDULED_TITLE}
Date: 2027-03-01 10:00
Category: Communauté
Summary: Les inscriptions ouvrent en mars.

Les inscriptions au tournoi ouvrent le premier mars.
"""
WAIT_MS = 60_000  # a rebuild takes a few seconds; a loaded CI machine, more


class Preview:
    """An `invoke serve` process, what it printed (stdout and stderr, in order), its address."""

    def __init__(self, site: Path):
        self.site = site
        self.process = subprocess.Popen([sys.executable, "-m", "invoke", "serve", "--port", str(_free_port())], cwd=site,
                                        env={**os.environ, "TRIBUNE_NOW": "2026-11-24T10:15"}, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        started = self.wait_for(lambda line: "http://127.0.0.1:" in line, 120)
        self.url = re.search(r"http://127\.0\.0\.1:\d+/", started).group(0)

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, found, seconds: float, after: int = 0) -> str:
        """The first line printed (from line ``after`` on) that ``found`` accepts."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if found(line):
                    return line
            assert self.process.poll() is None, "\n".join(self.lines)
            time.sleep(0.05)
        raise AssertionError("\n".join(self.lines))

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
            self.reader.join(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _edit(site: Path, old: str, new: str) -> None:
    post = site / POST
    text = post.read_text(encoding="utf-8")
    assert old in text
    post.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """The preview of a copy of the sample site with a post dated next March, which the site
    does not publish before its date."""
    site = copy_site(tmp_path_factory.mktemp("preview") / "site")
    (site / "content/posts/2027-03-01-tournoi-2027.md").write_text(SCHEDULED, encoding="utf-8")
    with (site / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write("\nWITH_FUTURE_DATES = False\n")
    served = Preview(site)
    try:
        yield served
    finally:
        with socket.create_connection(("127.0.0.1", int(served.url.split(":")[2].strip("/")))) as listening:
            # A page still listening for rebuilds does not keep the preview from stopping.
            listening.sendall(b"GET /__tribune/events HTTP/1.1\r\nHost: x\r\n\r\n")
            assert listening.recv(100).startswith(b"HTTP/1.0 200")
            served.stop()
    printed = "\n".join(served.lines)
    assert served.process.returncode == 0 and served.lines[-1] == "Aperçu arrêté.", printed
    assert "Traceback" not in printed


def test_the_open_page_follows_each_rebuild_and_shows_a_failed_one(preview, browser):
    page = browser.new_page()
    page.goto(preview.url + POST_URL)
    assert "Quatre jours" in page.inner_text("main")

    _edit(preview.site, "Quatre jours", "Cinq jours")
    page.wait_for_function("document.querySelector('main') && document.querySelector('main').innerText.includes('Cinq jours')",
                           timeout=WAIT_MS)

    printed = len(preview.lines)
    _edit(preview.site, "Date: 2026-07-20 15:00", "Date: <i>2026-13-45</i>")
    page.wait_for_selector("#problems", timeout=WAIT_MS)
    shown = page.inner_text("#problems").splitlines()
    said = french(f"{POST}:2: Date: « <i>2026-13-45</i> » n'est pas une date (attendu : AAAA-MM-JJ ou AAAA-MM-JJ HH:MM) [erreur]")
    assert said in shown  # as typed: its HTML escaped, not read as HTML
    preview.wait_for(lambda line: line.startswith(french("La construction a échoué :")), WAIT_MS, after=printed)
    terminal = preview.lines[printed:]
    assert all(line in terminal for line in shown), (shown, terminal)  # the very lines the terminal printed
    assert page.inner_text("h1") == french("Le site n'a pas pu être reconstruit")

    page.click("#last-good")  # the last good site, one click away
    page.wait_for_url(preview.url + POST_URL)
    assert "Cinq jours" in page.inner_text("main")
    assert page.inner_text("#tribune-notice") == french(
        "La dernière reconstruction a échoué : ceci est le dernier site construit. Voir les erreurs")
    page.click("#tribune-notice a")  # and back to the problems
    page.wait_for_selector("#problems")
    assert page.url == preview.url + POST_URL

    _edit(preview.site, "Date: <i>2026-13-45</i>", "Date: 2026-07-20 15:00")
    _edit(preview.site, "Cinq jours", "Six jours")
    page.wait_for_function("document.querySelector('main') && document.querySelector('main').innerText.includes('Six jours')",
                           timeout=WAIT_MS)
    assert page.url == preview.url + POST_URL
    page.close()


def _wait_for_the_search_index(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url + "pagefind/pagefind.js", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:  # not yet: 404, or the server busy
            pass
        assert time.monotonic() < deadline, "the preview made no search index"
        time.sleep(0.2)


def test_drafts_and_scheduled_posts_are_read_in_the_preview_and_search_works(preview, browser):
    page = browser.new_page()
    failed = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    assert any(f"{preview.url}__tribune/brouillons/" in line for line in preview.lines)  # said at start
    page.goto(preview.url + "__tribune/brouillons/")
    assert page.inner_text("h1") == "Brouillons et billets programmés"
    sections = {heading: page.locator(f"h2:has-text('{heading}') + ul a").all_inner_texts()
                for heading in ("Brouillons (Status: draft)", french("Programmés (datés après aujourd'hui)"))}
    assert sections == {"Brouillons (Status: draft)": [french(DRAFT_TITLE)], french("Programmés (datés après aujourd'hui)"): [SCHEDULED_TITLE]}
    for title in (french(DRAFT_TITLE), SCHEDULED_TITLE):
        page.click(f"a:has-text('{title}')")
        page.wait_for_load_state()
        assert page.inner_text("h1") == title
        assert page.inner_text("#tribune-notice").startswith(french("Non publié : seul cet aperçu montre cette page."))
        assert page.evaluate("document.styleSheets.length") >= 1 and not failed, failed  # the site's stylesheet and images
        page.go_back()

    # The first index is made behind the preview at the lowest CPU priority: on a busy machine
    # (the other test worker building), it may take a while before the search has one.
    _wait_for_the_search_index(preview.url, seconds=180)
    page.goto(preview.url + "recherche/?q=abeilles")
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
    assert any("Pollen" in title for title in page.locator(".pagefind-ui__result-link").all_inner_texts())
    page.close()


def test_output_keeps_nothing_of_the_preview(preview):
    with socket.create_connection(("127.0.0.1", int(preview.url.split(":")[2].strip("/")))) as reader:
        reader.sendall(f"GET /{POST_URL} HTTP/1.0\r\n\r\n".encode())
        served = b"".join(iter(lambda: reader.recv(65536), b""))
    assert b"data-tribune-preview" in served and b"/__tribune/events" in served  # the preview adds its script on the way out
    output = preview.site / "output"
    files = [path for path in output.rglob("*") if path.is_file()]
    assert (output / POST_URL / "index.html") in files
    assert not (output / "pagefind").exists()  # the preview's search index is served from a folder of its own
    for path in files:
        data = path.read_bytes()
        assert not any(trace in data for trace in (b"tribune-preview", b"tribune-notice", b"__tribune", b"EventSource")), path
        assert b"campagne-participative" not in data and b"tournoi-du-printemps-2027" not in data, path  # no draft, nothing scheduled


def test_a_page_the_site_does_not_have_is_a_french_404(preview):
    """Not the standard library's English error page: the preview's own, with a way home."""
    with socket.create_connection(("127.0.0.1", int(preview.url.split(":")[2].strip("/")))) as reader:
        reader.sendall(b"GET /billets/nulle-part/ HTTP/1.0\r\n\r\n")
        served = b"".join(iter(lambda: reader.recv(65536), b"")).decode("utf-8")
    head, page = served.split("\r\n\r\n", 1)
    assert head.startswith("HTTP/1.0 404")
    assert "<h1>Page introuvable</h1>" in page and "/billets/nulle-part/" in page and '<a href="/">Page d’accueil</a>' in page
    assert "Error response" not in page and "data-tribune-preview" in page  # and it reloads with the next rebuild


def _unchanged_after_a_build(site: Path) -> int:
    """How many pages and feeds `invoke build` took unchanged from output/ (what it printed)."""
    built = subprocess.run([sys.executable, "-m", "invoke", "build"], cwd=site, env={**os.environ, "TRIBUNE_NOW": "2026-11-24T10:15"},
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    unchanged = re.search(r"dont (\d+) pages et flux inchangés", built.stdout)
    return int(unchanged.group(1)) if unchanged else 0


def test_a_preview_stopped_during_an_update_finishes_it_and_leaves_a_site_whose_next_build_renders_nothing(built_copy):
    """SIGTERM (a process manager, a closed terminal) stops the preview as Ctrl-C does, and a
    stop asked while an update in memory is under way waits for its records to be written: the
    page has the new text, and the next build takes every page and feed as it is, instead of
    rendering the whole site again."""
    _unchanged_after_a_build(built_copy)  # the copy's first build, whose records name this folder
    every_page = _unchanged_after_a_build(built_copy)
    assert every_page > 50
    served = Preview(built_copy)
    try:
        time.sleep(1)  # the file watcher starts once the address is printed
        after = len(served.lines)
        _edit(built_copy, "Nous avions apporté cinquante boîtes", "Nous avions apporté soixante boîtes")
        served.wait_for(lambda line: line.endswith("reconstruction…"), 60, after)
        os.killpg(served.process.pid, signal.SIGTERM)  # while the update is under way
        served.process.wait(timeout=60)
    finally:
        if served.process.poll() is None:
            served.stop()
        served.reader.join(timeout=10)
    printed = "\n".join(served.lines)
    assert served.process.returncode == 0 and served.lines[-1] == "Aperçu arrêté.", printed
    assert "Traceback" not in printed and "Site mis à jour" in printed, printed
    assert "soixante boîtes" in (built_copy / "output" / POST_URL / "index.html").read_text(encoding="utf-8")
    assert _unchanged_after_a_build(built_copy) == every_page
