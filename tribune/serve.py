"""`invoke serve`: preview the site on 127.0.0.1 and rebuild it when a file changes.

The server serves the output folder by name, so the folder swapped in by each rebuild
(see :mod:`tribune.build`) is picked up at the next request; a rebuild that fails keeps
the last good site on screen and prints what to fix.
"""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import watchfiles

from tribune.build import load_site
from tribune.commands import run_build


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002  (the standard library's name)
        pass


def serve(config: str, port: int, bind: str = "127.0.0.1") -> None:
    """Build, serve output/ on http://bind:port/ and rebuild on every change, until Ctrl-C."""
    output = Path(load_site(config).settings["OUTPUT_PATH"])
    run_build(config)
    site_root = Path(config).resolve().parent
    watched = [path for path in (site_root / "content", site_root / "theme", site_root / "plugins", Path(config)) if path.exists()]
    handler = partial(_QuietHandler, directory=str(output))
    server = ThreadingHTTPServer((bind, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Preview on http://{bind}:{port}/ (Ctrl-C to stop); rebuilding when content, theme or plugins change.")
    try:
        for changes in watchfiles.watch(*watched):
            print(f"{len(changes)} change(s): rebuilding…")
            run_build(config)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
