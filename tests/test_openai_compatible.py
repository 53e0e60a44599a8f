"""The openai backend against a fake OpenAI-compatible server on loopback: a setting, not code."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import SERBIA_QUESTION

from rag.assistant import Assistant
from rag.settings import load_settings


class FakeOpenAI(BaseHTTPRequestHandler):
    """Streams ``reply`` as chat-completion chunks (SSE); fails with ``status`` when set."""

    reply = "Alternative energy production and export were discussed [1]."
    status = 200
    requests: list = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        if self.status != 200:
            self.send_response(self.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": {"message": "upstream exploded"}}')
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for word in self.reply.split(" "):
            chunk = {
                "id": "c1",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": body["model"],
                "choices": [{"index": 0, "delta": {"content": word + " "}, "finish_reason": None}],
            }
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    FakeOpenAI.requests, FakeOpenAI.status = [], 200
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


@pytest.fixture
def assistant(server, sample_index, embeddings, monkeypatch):
    monkeypatch.setenv("RAG_OPENAI_BASE_URL", server)
    monkeypatch.setenv("RAG_OPENAI_API_KEY", "sk-test-key")
    monkeypatch.setenv("RAG_OPENAI_MODEL", "my-served-model")
    monkeypatch.delenv("RAG_BACKEND", raising=False)
    return Assistant(load_settings(data_dir=sample_index), embeddings=embeddings)


def test_auto_uses_the_configured_server_and_streams(assistant):
    answer = assistant.ask(SERBIA_QUESTION)
    assert answer.backend == "openai"
    assert answer.answer == "Alternative energy production and export were discussed [1]."
    assert answer.citations[0].date == "2024-12-23"
    request = FakeOpenAI.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "my-served-model" and request["body"]["stream"] is True
    assert request["auth"] == "Bearer sk-test-key"
    assert "alternative energy" in request["body"]["messages"][1]["content"]


def test_server_errors_fall_back_to_extractive_with_a_notice(assistant):
    FakeOpenAI.status = 500
    answer = assistant.ask(SERBIA_QUESTION)
    assert answer.backend == "extractive" and answer.citations
    assert "openai backend failed" in answer.notice
    assert "sk-test-key" not in answer.notice
