"""Start and stop a ``chroma run`` server on loopback (benchmarks, tests, trying the server mode).

The product itself only connects to a server (``RAG_CHROMA_URL``); running one in production is
the operator's job (README, "Chroma as a server"). This helper is what the server benchmark and
the server test share::

    with chroma_server(Path("/tmp/index")) as url:   # e.g. "http://127.0.0.1:40123"
        ...
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class ServerUnavailable(RuntimeError):
    """The server could not be started here; the message says why and where its log is."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chroma_command() -> str:
    beside = Path(sys.executable).parent / "chroma"
    found = str(beside) if beside.exists() else shutil.which("chroma")
    if not found:
        raise ServerUnavailable("the `chroma` command is not installed (it comes with the chromadb package)")
    return found


@contextmanager
def chroma_server(folder: Path, timeout: float = 30.0) -> Iterator[str]:
    """A server storing its data in ``folder/data``; yields its URL, stops it on exit."""
    folder.mkdir(parents=True, exist_ok=True)
    port, log_path = free_port(), folder / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [chroma_command(), "run", "--path", str(folder / "data"), "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(port, server, timeout, log_path)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


def _wait_for(port: int, server: subprocess.Popen, timeout: float, log_path: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServerUnavailable(f"chroma run exited with code {server.returncode}: see {log_path}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.3)
    raise ServerUnavailable(f"chroma run did not start on port {port} within {timeout:.0f} s: see {log_path}")
