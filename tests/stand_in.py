"""What the tests' stand-ins for Mastodon and Bluesky share: an HTTP server on a free port of
127.0.0.1, started and stopped by the test, that records every request and injects faults.

A fault applies to the next ``times`` requests matching a method and a path (a regex):

- "429": refused before any work, with the rate-limit headers the service sends;
- "500": an internal error before any work;
- "drop": the work is done, then the connection is closed without an answer;
- "slow": the work is done, then the answer comes ``slow_seconds`` later (after the client's timeout).

``latency`` delays every answer (half before the work, half after), for tests where two runs
must overlap. Handlers implement ``route(method, path, query, headers, body)`` returning
(status, JSON body, bytes or None, headers).
"""

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Fault:
    kind: str
    method: str
    path: str
    times: int = 1


@dataclass
class Faults:
    faults: list[Fault] = field(default_factory=list)
    latency: float = 0.0
    slow_seconds: float = 1.5
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, method: str, path: str) -> str | None:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and fault.method == method and re.search(fault.path, path):
                    fault.times -= 1
                    return fault.kind
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms wait between them

    def log_message(self, *args):
        pass

    def _answer(self, status: int, body=None, headers: dict | None = None) -> None:
        """Answer ``body``: JSON, or bytes as they are (with the Content-Type of ``headers``)."""
        payload = body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if body is not None and not isinstance(body, bytes):
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        query = {name: values if name.endswith("[]") else values[-1] for name, values in parse_qs(parts.query).items()}
        server = self.server.stand_in
        server.requests.append((method, parts.path, dict(self.headers), body))
        faults: Faults = server.faults
        time.sleep(faults.latency / 2)
        fault = faults.take(method, parts.path)
        if fault == "429":
            return self._answer(*server.too_many())
        if fault == "500":
            return self._answer(*server.internal_error())
        with server.lock:
            status, answer, headers = server.route(method, parts.path, query, self.headers, body)
        time.sleep(faults.latency / 2)
        if fault == "drop":
            self.close_connection = True
            self.connection.close()  # the work is done; the client never hears of it
            return None
        if fault == "slow":
            time.sleep(faults.slow_seconds)
        return self._answer(status, answer, headers)

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_DELETE(self):
        self._handle("DELETE")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that gave up (its timeout, after a "slow" answer) is not the server's error."""
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class StandIn:
    """A service on 127.0.0.1; subclasses implement route(), too_many() and internal_error()."""

    def __init__(self):
        self.faults = Faults()
        self.requests: list = []
        self.lock = threading.Lock()
        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.httpd.stand_in = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def inject(self, kind: str, method: str, path: str, times: int = 1) -> None:
        self.faults.faults.append(Fault(kind, method, path, times))

    def route(self, method, path, query, headers, body):
        raise NotImplementedError
