"""Fixtures: the sample site built for real into temporary folders, and copies to break."""

import gzip
import json
import os
import shutil
import threading
import time
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from tribune.build import build, load_site
from tribune.i18n import set_language

ROOT = Path(__file__).resolve().parent.parent
# Every build of the test run happens "now" at this instant (events upcoming or past, the
# month in the spotlight...), whatever the real date: see tribune.clock.
NOW = "2026-11-24T12:00:00+01:00"
os.environ["TRIBUNE_NOW"] = NOW
SITE_FILES = ("content", "theme", "plugins", "pelicanconf.py", "publishconf.py", "tasks.py")


def french(text: str) -> str:
    """A French message typed with plain spaces and straight apostrophes, as the kit prints it:
    a narrow no-break space before : ; ! ? and inside « », a typographic apostrophe."""
    for mark in ":;!?":
        text = text.replace(" " + mark, "\u202f" + mark)
    return text.replace("« ", "«\u202f").replace(" »", "\u202f»").replace("'", "’")


@pytest.fixture(autouse=True)
def _sample_site_language():
    """Each test starts speaking as the sample site does (French, Paris time), whatever the
    test before it loaded: the kit's language is the last site's."""
    set_language("fr", "Europe/Paris")


class BuiltSite:
    """A built site: its settings and helpers to read what a reader gets."""

    def __init__(self, output: Path, settings: dict):
        self.output = output
        self.settings = settings

    def html(self, relative: str) -> BeautifulSoup:
        path = self.output / relative
        if path.is_dir() or relative.endswith("/") or not relative:
            path = path / "index.html"
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    def pages(self) -> list[Path]:
        """The site's HTML pages (not the newsletter e-mails, which are written for mail clients)."""
        emails = self.output / "newsletter"
        return sorted(p for p in self.output.rglob("*.html") if emails not in p.parents)

    def url_of(self, page: Path) -> str:
        """The URL a browser would show for ``page`` (directory URLs for index.html)."""
        relative = page.relative_to(self.output).as_posix()
        relative = relative.removesuffix("index.html")
        return urljoin(self.settings["SITEURL"] + "/", relative)

    def file_for(self, url: str, base: str) -> Path | None:
        """The output file a link resolves to, or None for a link outside the site."""
        absolute = urljoin(base, url)
        site = self.settings["SITEURL"].rstrip("/") + "/"
        if not absolute.startswith(site):
            return None
        path = urlsplit(absolute).path[len(urlsplit(site).path):]
        target = self.output / path
        return target / "index.html" if path.endswith("/") or path == "" else target


def removals_finished(releases: Path, seconds: float = 30) -> None:
    """Wait until the releases a deploy pruned (renamed ``.removing-…``, deleted in the
    background) are gone, as they must be soon after the command."""
    deadline = time.monotonic() + seconds
    while any(p.name.startswith(".removing-") for p in releases.iterdir()):
        assert time.monotonic() < deadline, f"pruned releases still in {releases}"
        time.sleep(0.05)


def build_site(site_root: Path, config: str, output: Path, search: bool = True, **overrides) -> BuiltSite:
    if site_root == ROOT:  # the repository's caches are not shared by tests running side by side
        overrides.setdefault("CACHE_PATH", str(output.parent / f"{output.name}-cache"))
    site = load_site(site_root / config, OUTPUT_PATH=str(output), **overrides)
    build(site, search=search)
    return BuiltSite(output, site.settings)


@pytest.fixture(scope="session")
def local_site(tmp_path_factory) -> BuiltSite:
    """The sample site built with pelicanconf.py (relative URLs), as `invoke build` does."""
    return build_site(ROOT, "pelicanconf.py", tmp_path_factory.mktemp("local") / "output")


@pytest.fixture(scope="session")
def production_site(tmp_path_factory) -> BuiltSite:
    """The sample site built with publishconf.py (absolute URLs)."""
    return build_site(ROOT, "publishconf.py", tmp_path_factory.mktemp("production") / "output")


@pytest.fixture
def mailchimp(site_copy, monkeypatch):
    """A Mailchimp-compatible server on 127.0.0.1 ("now" pinned to TRIBUNE_NOW), the environment
    pointing at it, and a site copy with short timeouts and retries, as the current folder."""
    from datetime import datetime, timezone

    from .mailchimp_server import KEY, FakeMailchimp

    with (site_copy / "pelicanconf.py").open("a", encoding="utf-8") as conf:
        conf.write("\nNEWSLETTER_MAILCHIMP_TIMEOUT = 1\nNEWSLETTER_MAILCHIMP_RETRY_BASE = 0.01\n")
    with FakeMailchimp(KEY) as server:
        server.state.now = datetime.fromisoformat(NOW).astimezone(timezone.utc)  # Mailchimp speaks UTC
        server.state.slow_seconds = 1.5
        monkeypatch.chdir(site_copy)
        monkeypatch.setenv("MAILCHIMP_API_KEY", KEY)
        monkeypatch.setenv("MAILCHIMP_AUDIENCE_ID", server.state.audience_id)
        monkeypatch.setenv("MAILCHIMP_API_URL", server.url)
        yield server


@pytest.fixture
def networks(site_copy, monkeypatch):
    """A Mastodon-compatible server and a Bluesky-compatible PDS on 127.0.0.1, the environment
    pointing at them, and a site copy with short timeouts and retries, as the current folder,
    nothing posted yet (without the sample's ledger)."""
    from .bluesky_server import APP_PASSWORD, HANDLE, FakeBluesky
    from .mastodon_server import TOKEN, FakeMastodon

    (site_copy / "content/social-ledger.json").unlink(missing_ok=True)
    with (site_copy / "pelicanconf.py").open("a", encoding="utf-8") as conf:
        conf.write("\nSOCIAL_TIMEOUT = 1\nSOCIAL_RETRY_BASE = 0.01\n")
    with FakeMastodon() as mastodon, FakeBluesky() as bluesky:
        monkeypatch.chdir(site_copy)
        monkeypatch.setenv("MASTODON_API_BASE_URL", mastodon.url)
        monkeypatch.setenv("MASTODON_ACCESS_TOKEN", TOKEN)
        monkeypatch.setenv("BLUESKY_HANDLE", HANDLE)
        monkeypatch.setenv("BLUESKY_APP_PASSWORD", APP_PASSWORD)
        monkeypatch.setenv("BLUESKY_SERVICE", bluesky.url)
        yield mastodon, bluesky


@pytest.fixture
def conversing(site_copy, monkeypatch):
    """The sample site's pieces posted to stand-ins for Mastodon and Bluesky (as on 5 October
    and 9 November 2026), webmention.io's stand-in, nothing fetched yet, "now" on 24 November;
    a site copy with short timeouts and retries, as the current folder."""
    from types import SimpleNamespace

    from .sample_conversations import post_pieces, services, start_afresh

    start_afresh(site_copy)
    with (site_copy / "pelicanconf.py").open("a", encoding="utf-8") as conf:
        conf.write("\nSOCIAL_TIMEOUT = 1\nSOCIAL_RETRY_BASE = 0.01\n")
    monkeypatch.setenv("TRIBUNE_NOW", "2026-11-24T09:00:00+01:00")
    with services() as (mastodon, bluesky, web):
        copies = post_pieces(site_copy, mastodon)
        monkeypatch.chdir(site_copy)
        yield SimpleNamespace(mastodon=mastodon, bluesky=bluesky, web=web, copies=copies, site=site_copy)


def copy_site(copy: Path) -> Path:
    """Copy the sample site's sources into the new folder ``copy`` (with the plugins'
    bytecode, when written: the commands tests run there need not compile them again)."""
    copy.mkdir()
    for name in SITE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("*.pyc.*"))  # not a .pyc being written
        else:
            shutil.copy2(source, copy / name)
    return copy


@pytest.fixture
def site_copy(tmp_path) -> Path:
    """A copy of the sample site's sources, free to break."""
    return copy_site(tmp_path / "site")


@pytest.fixture(scope="session")
def _built_sample(tmp_path_factory) -> Path:
    """The sample site's sources copied and built once: output/ and the caches filled."""
    site = copy_site(tmp_path_factory.mktemp("built") / "site")
    build(load_site(site / "pelicanconf.py"))
    return site


@pytest.fixture
def built_copy(site_copy, _built_sample) -> Path:
    """The site copy as `invoke build` leaves it (output/ and the caches filled), free to
    break: copied from a build made once, not built again for each test."""
    shutil.copytree(_built_sample, site_copy, symlinks=True, dirs_exist_ok=True)  # the same sources, and what the build made
    return site_copy


@pytest.fixture
def english_copy(tmp_path) -> Path:
    """A copy of the sample site set to English (DEFAULT_LANG = "en"): the kit speaks English.
    Its English translations go (they would translate nothing now), the rest is read as English."""
    copy = copy_site(tmp_path / "english")
    with (copy / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write('\nDEFAULT_LANG = "en"\n')
    for translation in ("posts/2026-01-12-welcome-to-the-guild.md", "pages/about.md"):
        (copy / "content" / translation).unlink()
    return copy


@pytest.fixture
def many_posts(site_copy) -> Path:
    """The sample site with 60 more posts (copies of a real one, with their own titles)."""
    source = (site_copy / "content/posts/2026-02-09-cinq-conseils-soiree-jeux.md").read_text(encoding="utf-8")
    for number in range(60):
        text = source.replace("Title: ", f"Title: Copie {number} : ", 1).replace("Date: 2026-02-09", f"Date: 2025-{number % 12 + 1:02d}-{number % 28 + 1:02d}", 1)
        (site_copy / f"content/posts/copie-{number:02d}.md").write_text(text, encoding="utf-8")
    return site_copy


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def chromium(*arguments: str):
    """Debian's chromium through Playwright, started with ``arguments`` too; the test is
    skipped without them."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", *arguments])
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def chromium_on(folder: Path, *arguments: str):
    """(Debian's chromium through Playwright, started with ``arguments`` too, the base URL of
    ``folder`` served on 127.0.0.1); the test is skipped without them."""
    with chromium(*arguments) as browser:
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield browser, f"http://127.0.0.1:{server.server_port}/"
        finally:
            server.shutdown()


def pagefind_fragments(bundle: Path) -> dict[Path, dict]:
    """Each fragment file of a Pagefind bundle (``…/pagefind``) with what it holds, read as
    Pagefind's script reads it: gzipped JSON after Pagefind's marker."""
    return {path: json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
            for path in sorted((bundle / "fragment").glob("*.pf_fragment"))}
