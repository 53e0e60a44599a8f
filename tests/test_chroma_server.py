"""The same store through a `chroma run` server on loopback (RAG_CHROMA_URL): a setting, not code."""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CORPUS, SERBIA_QUESTION

from rag.assistant import Assistant
from rag.factory import make_keyword_index, make_store
from rag.ingest import Ingestor
from rag.settings import load_settings

pytestmark = pytest.mark.server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists() and not shutil.which("chroma"):
        pytest.skip("the `chroma` command is not installed")
    port = free_port()
    folder = tmp_path_factory.mktemp("chroma-server")
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [str(chroma), "run", "--path", str(folder / "data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.skip(f"chroma run did not start on port {port}: see {folder / 'server.log'}")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_ingest_and_answer_through_the_server(chroma_url, embeddings, tmp_path, monkeypatch):
    monkeypatch.setenv("RAG_CHROMA_URL", chroma_url)
    settings = load_settings(data_dir=tmp_path / "local", backend="extractive")
    store = make_store(settings, embeddings)
    report = Ingestor(store, embeddings, make_keyword_index(settings)).ingest([CORPUS], progress=False)
    assert (report.added, report.failed) == (1, 0)
    assert not (tmp_path / "local" / "chroma").exists()  # nothing stored in the embedded path

    # A second app instance with its own data folder shares the server's index.
    other = Assistant(load_settings(data_dir=tmp_path / "other", backend="extractive"), embeddings=embeddings)
    assert other.store.stats() == store.stats()
    answer = other.ask(SERBIA_QUESTION)
    assert answer.citations and answer.citations[0].date == "2024-12-23"
    assert "alternative energy" in answer.answer
