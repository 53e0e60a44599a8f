"""The same store through a `chroma run` server on loopback (RAG_CHROMA_URL): a setting, not code."""

import pytest
from conftest import CORPUS, SERBIA_QUESTION

from rag.assistant import Assistant
from rag.chroma_server import ServerUnavailable, chroma_server
from rag.factory import make_keyword_index, make_store
from rag.ingest import Ingestor
from rag.settings import load_settings

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    try:
        with chroma_server(tmp_path_factory.mktemp("chroma-server")) as url:
            yield url
    except ServerUnavailable as reason:
        pytest.skip(str(reason))


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
