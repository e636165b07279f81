"""Edit to screen, as a writer sees it: save a file, then ask the preview server for the page
over HTTP until the new text is there.

A preview server (Tribune's ``invoke serve``, ``hugo server``) is started in its own process
group, with a free port; it is ready when it prints its address. Each edit is timed from the
moment the file is written to the first answer that holds the new text, the server polled
every 5 ms. Between edits the server is given a moment to finish what follows the swap.
"""

import html
import os
import signal
import socket
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

POLL = 0.005  # seconds between two requests
TIMEOUT = 120  # seconds to wait for one edit, or for the server to start


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def server(command: list[str], cwd: Path, env: dict, port: int):
    """Run a preview server until the block ends; yield its process once it says its address."""
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    ready = threading.Event()
    said: list[str] = []

    def listen():
        for line in process.stdout:
            said.append(line)
            if f":{port}/" in line:  # Tribune: http://127.0.0.1:PORT/, Hugo: //localhost:PORT/
                ready.set()

    threading.Thread(target=listen, daemon=True).start()
    try:
        if not ready.wait(TIMEOUT) or process.poll() is not None:
            raise RuntimeError(f"{command[0]} did not start:\n{''.join(said)[-2000:]}")
        time.sleep(1)  # its file watcher starts after the address is printed
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def page_text(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return html.unescape(answer.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def edit_to_screen(path: Path, new_text: str, url: str, expected: str, settle: float) -> float:
    """Seconds from writing ``new_text`` into ``path`` to ``url`` showing ``expected``."""
    path.write_text(new_text, encoding="utf-8")
    saved = time.perf_counter()
    while expected not in page_text(url):
        if time.perf_counter() - saved > TIMEOUT:
            raise RuntimeError(f"{url} never showed {expected!r}")
        time.sleep(POLL)
    seconds = time.perf_counter() - saved
    time.sleep(settle)
    return seconds


def peak_mb(process: subprocess.Popen) -> float:
    """The largest resident size the process has had (VmHWM), in MB."""
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def median(values: list[float]) -> float:
    return statistics.median(values)
