"""A scripted OpenAI-compatible chat server on loopback, for the openai backend's tests.

Each request takes the next step of ``script`` (then ``"ok"`` forever):

* ``"ok"`` streams ``reply`` word by word, a ``finish_reason: stop`` chunk, then ``[DONE]``;
* ``(status, headers)`` answers that HTTP status with a JSON error (e.g. ``(429, {"Retry-After": "1"})``);
* ``"stall"`` waits ``stall`` seconds before answering (the client's timeout should fire first);
* ``"pause"`` streams half the words, waits ``stall`` seconds, then streams the rest;
* ``"hangup"`` closes the connection without a response;
* ``"malformed"`` streams a chunk that is not JSON;
* ``"truncate"`` streams half the words, then closes (no finish reason, no ``[DONE]``);
* ``"cut"`` does the same inside a chunked HTTP/1.1 body, which ends without its final chunk.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_REPLY = "Alternative energy production and export were discussed [1]."


def chunk(model: str, content: str | None, finish: str | None = None) -> bytes:
    delta = {"content": content} if content is not None else {}
    body = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        fake = self.server.fake
        step = fake.record(self.path, body, self.headers.get("Authorization"))
        if isinstance(step, tuple):
            return self.error(*step)
        getattr(self, step)(body["model"], fake.reply.split(" "))

    def error(self, status: int, headers: dict | None = None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"error": {"message": self.server.fake.error_message}}).encode())

    def start_stream(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()

    def ok(self, model: str, words: list[str]):
        self.start_stream()
        for word in words:
            self.wfile.write(chunk(model, word + " "))
        self.wfile.write(chunk(model, None, "stop") + b"data: [DONE]\n\n")

    def stall(self, model: str, words: list[str]):
        time.sleep(self.server.fake.stall)
        self.ok(model, words)

    def pause(self, model: str, words: list[str]):
        self.start_stream()
        for n, word in enumerate(words):
            if n == len(words) // 2:
                self.wfile.flush()
                time.sleep(self.server.fake.stall)
            self.wfile.write(chunk(model, word + " "))
        self.wfile.write(chunk(model, None, "stop") + b"data: [DONE]\n\n")

    def hangup(self, model: str, words: list[str]):
        self.close_connection = True

    def malformed(self, model: str, words: list[str]):
        self.start_stream()
        self.wfile.write(b'data: {"choices": [{"delta": {"content": "Energy\n\n')

    def truncate(self, model: str, words: list[str]):
        self.start_stream()
        for word in words[: len(words) // 2]:
            self.wfile.write(chunk(model, word + " "))
        self.wfile.flush()

    def cut(self, model: str, words: list[str]):
        self.protocol_version = "HTTP/1.1"
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for word in words[: len(words) // 2]:
            data = chunk(model, word + " ")
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)
        self.close_connection = True

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeOpenAI

    def handle_error(self, request, client_address):
        pass  # a client that timed out leaves a broken pipe behind: expected here


class FakeOpenAI:
    """``with FakeOpenAI(script=[(500, {}), "ok"]) as fake: … fake.url … fake.requests``."""

    def __init__(self, script=(), reply: str = DEFAULT_REPLY, stall: float = 3.0):
        self.script, self.reply, self.stall = list(script), reply, stall
        self.error_message = "upstream exploded"
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def record(self, path: str, body: dict, auth: str | None):
        """Log the request (with the time it arrived) and return the scripted step for it."""
        with self._lock:
            self.requests.append({"path": path, "body": body, "auth": auth, "at": time.monotonic()})
            return self.script.pop(0) if self.script else "ok"

    def __enter__(self) -> FakeOpenAI:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()


def closed_port_url() -> str:
    """A loopback URL where nothing listens (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
