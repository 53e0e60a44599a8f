"""The product's own example among the documents most like it, with every backend.

"What energy cooperation was discussed with Serbia?" over the sample article alone is easy. In
an archive it competes with every readout that names Serbia and every one on energy
cooperation with someone else; the official still expects the Trend article on Azerbaijan and
Serbia's energy talks, whoever writes the answer: the extractive writer, the packaged local
model, or a model behind an OpenAI-compatible server (here llama-cpp-python's own server on
loopback, serving the packaged model). The archive is the sample plus the 52 shared records that
name Serbia or say "energy cooperation" (docs/evaluation.md reports the full archive).
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import SAMPLE, SERBIA_QUESTION, build, shared_file

from rag.settings import load_settings

SAMPLE_ID = "corpus/2024-12-23-trend-azerbaijan-serbia.txt"
FILES = ["state_dept_press_releases.jsonl", "wh_foreign_readouts.jsonl", "news_foreign_affairs.jsonl"]


def confusable(text: str) -> bool:
    return bool(re.search(r"\bSerbia", text) or re.search(r"energy cooperation", text, re.I))


@pytest.fixture(scope="module")
def archive(tmp_path_factory, embeddings):
    folder = tmp_path_factory.mktemp("serbia-archive")
    corpus = folder / "corpus"
    corpus.mkdir()
    (corpus / SAMPLE.name).write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    records = folder / "confusable.jsonl"
    with records.open("w", encoding="utf-8") as out:
        for name in FILES:
            for line in shared_file(name).open(encoding="utf-8"):
                record = json.loads(line)
                if confusable(f"{record['title']} {record['text']}"):
                    out.write(line)
    settings = load_settings(data_dir=folder / "index", backend="extractive")
    assistant = build(settings, embeddings, [corpus, records])
    assert assistant.store.stats()["documents"] > 50
    return folder / "index"


def cites_the_sample(answer) -> bool:
    return any(c.doc_id.endswith(SAMPLE.name) for c in answer.citations)


def ask(archive, embeddings, monkeypatch, backend: str, **env):
    from rag.assistant import Assistant

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = load_settings(data_dir=archive, backend=backend)
    return Assistant(settings, embeddings=embeddings).ask(SERBIA_QUESTION)


def test_the_extractive_answer_cites_the_sample_among_its_look_alikes(archive, embeddings, monkeypatch):
    answer = ask(archive, embeddings, monkeypatch, "extractive")
    assert answer.decision.outcome == "answer" and cites_the_sample(answer), answer.answer


@pytest.mark.llm
def test_the_local_model_cites_the_sample_among_its_look_alikes(archive, embeddings, monkeypatch):
    from rag.factory import local_available

    if not local_available(load_settings(data_dir=archive, backend="local")):
        pytest.skip("the local model is not installed: run `make install-llm` (1.1 GB, compiles llama-cpp-python)")
    # as RAG_LOCAL_WRITING=auto asks it in an archive of 3,000 chunks or more (this one is smaller)
    answer = ask(archive, embeddings, monkeypatch, "local", RAG_LOCAL_WRITING="by-source")
    assert answer.backend == "local" and cites_the_sample(answer), (answer.notice, answer.answer)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    """llama-cpp-python's OpenAI-compatible server on loopback, serving the packaged model (its
    log goes to a file: an undrained pipe would block the server once it fills)."""
    from rag.factory import local_model_path

    try:
        import llama_cpp.server  # noqa: F401
    except ImportError as error:
        pytest.skip(f"llama-cpp-python's server is not installed ({error}): run `make install-llm`")
    path = local_model_path(load_settings())
    if path is None:
        pytest.skip("the local model is not installed: run `make install-llm` (1.1 GB, compiles llama-cpp-python)")
    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(path), "--host", "127.0.0.1"]
    command += ["--port", str(port), "--n_ctx", "4096", "--n_threads", "2", "--model_alias", "qwen"]
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}/models", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.skip(f"llama_cpp.server did not start: {log.read_text(errors='replace')[-500:]}")
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.llm
def test_the_openai_backend_on_a_real_llama_cpp_server_cites_the_sample(archive, embeddings, monkeypatch, llama_server):
    env = {"RAG_OPENAI_BASE_URL": llama_server, "RAG_OPENAI_API_KEY": "none", "RAG_OPENAI_MODEL": "qwen"}
    env["RAG_OPENAI_WRITING"] = "by-source"  # the served model is the packaged 1.5B: asked one source at a time
    answer = ask(archive, embeddings, monkeypatch, "openai", **env)
    assert answer.backend == "openai" and cites_the_sample(answer), (answer.notice, answer.answer)
