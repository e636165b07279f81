"""`invoke serve`: preview the site on 127.0.0.1 and rebuild it when a file changes.

The server serves the output folder by name, so the folder swapped in by each rebuild
(see :mod:`tribune.build`) is picked up at the next request; an edit of a post's or a page's
text alone is taken in memory instead (:mod:`tribune.live`). The search index is made after
each rebuild, off its path (:mod:`tribune.preview_search`), so that the search page works in
the preview without the writer waiting for it. After each rebuild the open pages reload
(:mod:`tribune.reload`); a rebuild that fails prints what to fix, and the pages show the
same lines, one click away from the last good site (:mod:`tribune.preview`). Drafts and scheduled posts are readable at
``/__tribune/brouillons/`` (:mod:`tribune.drafts`). None of it is written to output/.

The port is taken before the first build: when it is busy (another preview still running),
the next free one is taken, and the address printed says which.
"""

import errno
import io
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import watchfiles

from tribune import interruptions
from tribune.build import load_site
from tribune.drafts import Drafts
from tribune.i18n import _, _n
from tribune.live import LiveSite
from tribune.preview import DRAFTS_PATH, Preview, PreviewServer
from tribune.preview_search import BackgroundIndex

PORTS_TRIED = 20  # the port asked for and the next ones, when it is busy
# Changes are taken once no other came for this long: an editor's save (a file written aside,
# then renamed) takes a millisecond; watchfiles' default, 50 ms, is felt on every save.
WATCH_STEP_MS = 20


class PortError(ValueError):
    """No port to listen on: not a port number, or none free; the message says what to do."""


def parse_port(value: str | int) -> int:
    """A port number as typed after --port, or :class:`PortError`."""
    try:
        port = int(str(value).strip())
    except ValueError:
        raise PortError(_('--port "{value}" is not a number (e.g. --port 8001)', value=value)) from None
    if not 1 <= port <= 65535:
        raise PortError(_("--port {port} is not a port (give a number from 1024 to 65535, e.g. 8001)", port=port))
    return port


def listen(bind: str, port: int, preview: Preview) -> PreviewServer:
    """A server on ``port``, or on the next free one when it is busy."""
    for candidate in range(port, min(port + PORTS_TRIED, 65536)):
        try:
            return PreviewServer((bind, candidate), preview)
        except PermissionError:
            raise PortError(_("port {port} is reserved for the system (below 1024): give --port 8000 or another number above 1024",
                              port=candidate)) from None
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
    raise PortError(_("ports {first} to {last} are all busy: stop the other previews, or give --port with another number",
                      first=port, last=candidate))


class _Transcript(io.TextIOBase):
    """The error stream, also kept line by line: what a rebuild told the writer."""

    def __init__(self, shown):
        self.shown, self.lines, self._partial = shown, [], ""

    def write(self, text: str) -> int:
        self.shown.write(text)
        *done, self._partial = (self._partial + text).split("\n")
        self.lines.extend(done)
        return len(text)

    def flush(self) -> None:
        self.shown.flush()

    def fileno(self) -> int:
        return self.shown.fileno()

    def isatty(self) -> bool:
        return self.shown.isatty()

    @property
    def encoding(self) -> str:
        return self.shown.encoding


@contextmanager
def _transcribed():
    """What is printed on the error stream meanwhile, printed still, and kept."""
    shown, sys.stderr = sys.stderr, _Transcript(sys.stderr)
    try:
        yield sys.stderr.lines
    finally:
        sys.stderr = shown


def rebuild(config: str, live: LiveSite, changed: set[str] | None = None) -> tuple[int, bool]:
    """What the preview does when files change: take ``changed`` in memory when the kept
    build can (:mod:`tribune.live`), else rebuild the site and keep that build. The exit code,
    and whether it was an update in memory (whose records ``live.save()`` writes after)."""
    from tribune.commands import run_build, run_update

    code = run_update(config, live, changed, lock_as="invoke serve") if changed else None
    if code is not None:
        return code, True
    interruptions.release()  # a full rebuild can be stopped at any moment
    live.forget()
    return run_build(config, lock_as="invoke serve", keep=live.keep), False


def serve(config: str, port: int, bind: str = "127.0.0.1") -> None:
    """Serve output/ on http://bind:port/ (or the next free port), build, and rebuild on every
    change, until Ctrl-C."""
    from tribune.commands import INTERRUPTED

    output = Path(load_site(config).settings["OUTPUT_PATH"]).resolve()
    preview = Preview(output)
    server = listen(bind, port, preview)
    taken = server.server_address[1]
    search = BackgroundIndex(output)
    preview.search = search.folder
    live = LiveSite()
    drafts = Drafts()
    serving = None

    def rebuilt(changed: set[str] | None = None) -> bool:
        """Update in memory what ``changed`` touched, or rebuild; show the result to the open
        pages, then index it for search; False on Ctrl-C."""
        interruptions.hold()  # an update in memory is stopped only once its records are written
        try:
            with _transcribed() as told:
                code, updated = rebuild(config, live, changed)
            if code == INTERRUPTED:
                return False
            # An update in memory changes no draft: the drafts' pages stay as they are.
            preview.rebuilt(told if code else None, None if code or updated else drafts.render())
            if not code and updated:
                live.save()
        finally:
            interruptions.release()  # Ctrl-C or SIGTERM asked meanwhile: raised now
        if not code:
            if not updated:
                live.warm()
            search.refresh()
        return True

    with interruptions.handled():  # SIGTERM as Ctrl-C; both held during an update in memory
        try:
            if taken != port:
                print(_("Port {port} is busy (another preview?): this one uses port {taken}.", port=port, taken=taken), file=sys.stderr)
            if not rebuilt():
                return  # the build said so
            site_root = Path(config).resolve().parent
            watched = [path for path in (site_root / "content", site_root / "theme", site_root / "plugins", Path(config)) if path.exists()]
            serving = threading.Thread(target=server.serve_forever, daemon=True)
            serving.start()
            print(_("Preview on http://{host}:{port}/ (Ctrl-C to stop); rebuilding when content, theme or plugins change; "
                    "drafts and scheduled posts on http://{host}:{port}{drafts}", host=bind, port=taken, drafts=DRAFTS_PATH), flush=True)
            for changes in watchfiles.watch(*watched, step=WATCH_STEP_MS):
                print(_n("{count} change: rebuilding…", "{count} changes: rebuilding…", len(changes)), flush=True)
                if not rebuilt({path for _change, path in changes}):
                    return
        except KeyboardInterrupt:
            print(_("Preview stopped."))
        finally:
            if serving:
                server.shutdown()
            server.server_close()
            drafts.close()
            search.close()
            live.close()
