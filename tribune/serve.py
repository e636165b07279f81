"""`invoke serve`: preview the site on 127.0.0.1 and rebuild it when a file changes.

The server serves the output folder by name, so the folder swapped in by each rebuild
(see :mod:`tribune.build`) is picked up at the next request; a rebuild that fails keeps
the last good site on screen and prints what to fix.

The port is taken before the first build: when it is busy (another preview still running),
the next free one is taken, and the address printed says which.
"""

import errno
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import watchfiles

from tribune.build import load_site
from tribune.i18n import _, _n

PORTS_TRIED = 20  # the port asked for and the next ones, when it is busy


class PortError(ValueError):
    """No port to listen on: not a port number, or none free; the message says what to do."""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002  (the standard library's name)
        pass


class PreviewServer(ThreadingHTTPServer):
    """Serves a folder on this machine. A browser that drops a connection before the answer is
    sent (a reload, a closed tab, a tool done with a page) is no error: the standard library
    would print a BrokenPipeError traceback for it."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def parse_port(value: str | int) -> int:
    """A port number as typed after --port, or :class:`PortError`."""
    try:
        port = int(str(value).strip())
    except ValueError:
        raise PortError(_('--port "{value}" is not a number (e.g. --port 8001)', value=value)) from None
    if not 1 <= port <= 65535:
        raise PortError(_("--port {port} is not a port (give a number from 1024 to 65535, e.g. 8001)", port=port))
    return port


def listen(bind: str, port: int, handler) -> ThreadingHTTPServer:
    """A server on ``port``, or on the next free one when it is busy."""
    for candidate in range(port, min(port + PORTS_TRIED, 65536)):
        try:
            return PreviewServer((bind, candidate), handler)
        except PermissionError:
            raise PortError(_("port {port} is reserved for the system (below 1024): give --port 8000 or another number above 1024",
                              port=candidate)) from None
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
    raise PortError(_("ports {first} to {last} are all busy: stop the other previews, or give --port with another number",
                      first=port, last=candidate))


def serve(config: str, port: int, bind: str = "127.0.0.1") -> None:
    """Serve output/ on http://bind:port/ (or the next free port), build, and rebuild on every
    change, until Ctrl-C."""
    from tribune.commands import INTERRUPTED, run_build

    output = Path(load_site(config).settings["OUTPUT_PATH"])
    server = listen(bind, port, partial(QuietHandler, directory=str(output)))
    taken = server.server_address[1]
    serving = None
    try:
        if taken != port:
            print(_("Port {port} is busy (another preview?): this one uses port {taken}.", port=port, taken=taken), file=sys.stderr)
        if run_build(config) == INTERRUPTED:
            return  # the build said so
        site_root = Path(config).resolve().parent
        watched = [path for path in (site_root / "content", site_root / "theme", site_root / "plugins", Path(config)) if path.exists()]
        serving = threading.Thread(target=server.serve_forever, daemon=True)
        serving.start()
        print(_("Preview on http://{host}:{port}/ (Ctrl-C to stop); rebuilding when content, theme or plugins change.",
                host=bind, port=taken), flush=True)
        for changes in watchfiles.watch(*watched):
            print(_n("{count} change: rebuilding…", "{count} changes: rebuilding…", len(changes)), flush=True)
            if run_build(config) == INTERRUPTED:
                return
    except KeyboardInterrupt:
        print(_("Preview stopped."))
    finally:
        if serving:
            server.shutdown()
        server.server_close()
