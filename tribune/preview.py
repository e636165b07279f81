"""What the preview server of `invoke serve` answers, besides the files of output/.

- Every HTML page is served with the live-reload script of :mod:`tribune.reload` added on
  the way out (the file on disk is left as the build wrote it).
- When the last rebuild failed, a page asked for is the failure page instead: the lines the
  terminal printed (``file:line: …``), and a link that shows the last good site, still in
  output/ (a cookie remembers the choice until the next rebuild), each of its pages with a
  notice that links back to the problems. A draft's page says it is not published.
- ``/__tribune/…`` is the preview's own: the event stream, that link, and the pages of what
  is not published yet (:mod:`tribune.drafts`), served from a folder of the preview's
  outside output/. A file missing from output/ is looked for there too (the copies of
  images only a draft shows).

The site is served at the root of the preview, as it is published: the preview's pages
link to ``/__tribune/…`` and to the site's pages with absolute paths.
"""

import html
import io
import os
import sys
import threading
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from tribune.i18n import _, language
from tribune.reload import EVENTS_PATH, Builds, inject, stream

PREFIX = "/__tribune/"
LAST_GOOD_PATH = "/__tribune/dernier-site"
PROBLEMS_PATH = "/__tribune/erreurs"
DRAFTS_PATH = "/__tribune/brouillons/"
_COOKIE = "tribune-dernier-site"  # holds the generation whose failure the reader chose to pass by


@dataclass
class Preview:
    """What the preview server shows, changed by the rebuilds while it serves."""

    output: Path
    builds: Builds = field(default_factory=Builds)
    failure: list[str] | None = None  # the lines the failed rebuild printed; None after a good one
    failed_in: str = ""  # the generation of that failure
    unpublished: Path | None = None  # the folder of the drafts' pages (tribune.drafts)
    search: Path | None = None  # the folder of the search index, /pagefind/ (tribune.preview_search)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def rebuilt(self, failure: list[str] | None, unpublished: Path | None = None) -> None:
        """A rebuild ended: with the lines it printed when it failed, or with its drafts'
        folder when it succeeded; then every open page reloads."""
        with self.lock:
            self.failure = failure
            if unpublished is not None:
                self.unpublished = unpublished
            self.builds.rebuilt()
            self.failed_in = self.builds.generation if failure is not None else ""

    def roots(self) -> list[Path]:
        return [self.output] + [folder for folder in (self.unpublished, self.search) if folder]


class PreviewServer(ThreadingHTTPServer):
    """Serves a :class:`Preview` on this machine. A browser that drops a connection before the
    answer is sent (a reload, a closed tab, a tool done with a page) is no error: the standard
    library would print a BrokenPipeError traceback for it. Event streams last as long as
    their page: stopping the server does not wait for them."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address, preview: Preview):
        self.preview = preview
        super().__init__(address, PreviewHandler)

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def server_close(self) -> None:
        self.preview.builds.close()
        super().server_close()


class PreviewHandler(SimpleHTTPRequestHandler):
    server: PreviewServer

    def log_message(self, format, *args):  # noqa: A002  (the standard library's name)
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")  # a reload asks again for the stylesheets a rebuild changed
        super().end_headers()

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == EVENTS_PATH:
            return self._events()
        if path in (LAST_GOOD_PATH, PROBLEMS_PATH):
            return self._pass_by_failure(path == LAST_GOOD_PATH)
        super().do_GET()

    def translate_path(self, path: str) -> str:
        """The file in output/, or else in the preview's own folder; /__tribune/ only there."""
        preview = self.server.preview
        roots = preview.roots()[1:] if urlsplit(path).path.startswith(PREFIX) else preview.roots()
        found = None
        for root in roots:
            self.directory = str(root)
            found = super().translate_path(path)
            if os.path.exists(found):
                break
        return found or str(preview.output / "__tribune-nothing-yet")

    def send_head(self):
        preview = self.server.preview
        request = urlsplit(self.path)
        target = self.translate_path(self.path)
        if os.path.isdir(target):
            if not request.path.endswith("/"):
                return super().send_head()  # the standard redirect to the folder's address
            target = os.path.join(target, "index.html")
        with preview.lock:
            failure, failed_in, generation = preview.failure, preview.failed_in, preview.builds.generation
        is_page = target.endswith(".html") or not os.path.splitext(request.path)[1]
        notice = ""
        if failure is not None and is_page and not request.path.startswith(PREFIX):
            if self._passed_by() != failed_in:
                return self._answer(500, failure_page(failure, request.path).encode(), generation)
            notice = _notice(_("The last rebuild failed: this is the last site that was built."), _("Show the problems"),
                             f"{PROBLEMS_PATH}?page={quote(request.path)}")
        elif request.path.startswith(DRAFTS_PATH) and request.path != DRAFTS_PATH:
            notice = _notice(_("Not published: only this preview shows this page."), _("Drafts and scheduled posts"), DRAFTS_PATH)
        if target.endswith(".html") and os.path.isfile(target):
            return self._answer(200, Path(target).read_bytes(), generation, notice)
        if is_page and not os.path.exists(target):
            return self._answer(404, not_found_page(request.path).encode(), generation)
        return super().send_head()

    def _answer(self, status: int, page: bytes, generation: str, notice: str = ""):
        body = inject(page, generation, notice)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def _passed_by(self) -> str:
        cookie = SimpleCookie(self.headers.get("Cookie", ""))
        return cookie[_COOKIE].value if _COOKIE in cookie else ""

    def _pass_by_failure(self, passing: bool) -> None:
        """The link of the failure page (``passing``), or of the notice on the last good site:
        remember the choice, and go back to the page."""
        back = parse_qs(urlsplit(self.path).query).get("page", ["/"])[0]
        if not back.startswith("/") or back.startswith(("//", "/\\")):  # a page of this site, not another host
            back = "/"
        self.send_response(303)
        self.send_header("Location", back)
        remembered = f"{self.server.preview.failed_in}; Path=/" if passing else "; Path=/; Max-Age=0"
        self.send_header("Set-Cookie", f"{_COOKIE}={remembered}; SameSite=Strict")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()

        def write(data: bytes) -> None:
            self.wfile.write(data)
            self.wfile.flush()

        try:
            stream(self.server.preview.builds, write)
        except (ConnectionError, ValueError):  # the page went away (ValueError: its stream is closed)
            pass
        self.close_connection = True


def page(title: str, body: str) -> str:
    """A page of the preview's own, plain and readable without the site's stylesheet
    (which a failed build may have broken). ``body`` is HTML, its text escaped already."""
    return (f'<!doctype html><html lang="{html.escape(language())}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">'
            f"<title>{html.escape(title)}</title><style>body{{font:1rem/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
            f"padding:0 1rem}}pre{{white-space:pre-wrap;background:#fff4f4;border-left:4px solid #b00020;padding:1rem;"
            f"overflow-wrap:anywhere}}:root{{color-scheme:light dark}}@media (prefers-color-scheme:dark){{"
            f"body{{background:#121212;color:#eee}}pre{{background:#2a1618;border-color:#ff6b7f}}a{{color:#8ab4ff}}}}"
            f"</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>")


def not_found_page(path: str) -> str:
    """A page the last build did not make, said in the site's language (not the standard
    library's English error page); the drafts' list before any rebuild succeeded says when
    it will be there."""
    if path.startswith(PREFIX):
        return page(_("Drafts and scheduled posts"), "<p>" + html.escape(
            _("They are listed once a rebuild succeeds: correct the problems the terminal shows.")) + "</p>")
    home = html.escape(_("Home page"))
    return page(_("Page not found"), "<p>" + html.escape(_("The last site built has no page at {path}.", path=path)) +
                f' <a href="/">{home}</a></p>')


def _notice(text: str, link: str, href: str) -> str:
    """A line fixed at the bottom of a page of the site, above everything the theme draws."""
    return (f'<p id="tribune-notice" style="position:fixed;inset:auto 0 0 0;z-index:2147483647;margin:0;padding:.5rem 1rem;'
            f'background:#8a0018;color:#fff;font:1rem/1.4 system-ui,sans-serif">{html.escape(text)} '
            f'<a href="{html.escape(href)}" style="color:#fff;text-decoration:underline">{html.escape(link)}</a></p>')


def failure_page(lines: list[str], path: str) -> str:
    """The page shown instead of the site while the last rebuild failed."""
    last_good = f"{LAST_GOOD_PATH}?page={quote(path)}"
    what_to_do = _("Fix what follows and save the file: this page reloads by itself.")
    show_last_good = _("Show the last site that was built")
    drafts = _("Drafts and scheduled posts")
    return page(_("The site could not be rebuilt"), "".join([
        f"<p>{html.escape(what_to_do)}</p>",
        f'<pre id="problems">{html.escape(chr(10).join(lines))}</pre>',
        f'<p><a id="last-good" href="{html.escape(last_good)}">{html.escape(show_last_good)}</a>',
        f' · <a href="{DRAFTS_PATH}">{html.escape(drafts)}</a></p>',
    ]))
