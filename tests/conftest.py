"""Shared fixtures: one real embedder per test session, real Chroma stores in tmp folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rag.assistant import Assistant
from rag.embeddings import MiniLMEmbeddings
from rag.factory import make_store
from rag.ingest import Ingestor
from rag.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SAMPLE = CORPUS / "2024-12-23-trend-azerbaijan-serbia.txt"
SHARED_DATA = ROOT.parent / "shared" / "data"
SERBIA_QUESTION = "What energy cooperation was discussed with Serbia?"


def shared_file(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared corpora live beside the repository in ../shared/data")
    return path


def jsonl_slice(source: Path, target: Path, lines: int, start: int = 0) -> Path:
    """The first ``lines`` records of a shared collection, written to ``target``."""
    with source.open(encoding="utf-8") as handle, target.open("w", encoding="utf-8") as out:
        for number, line in enumerate(handle):
            if number >= start + lines:
                break
            if number >= start:
                out.write(line)
    return target


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(autouse=True)
def cold_local_model(request):
    """Each llm test starts with llama.cpp's prompt cache empty: it reuses the previous prompt's
    prefix, which changes the arithmetic enough that a greedy answer depended on which test ran
    before (a planted paraphrase obeyed after other tests, not alone)."""
    if request.node.get_closest_marker("llm"):
        from rag.answer import local_llm

        for model in local_llm._LOADED.values():
            model.reset()


@pytest.fixture(scope="session")
def embeddings():
    return MiniLMEmbeddings()


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """Settings isolated from the developer's environment and .env."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RAG_OPENAI_API_KEY", "RAG_OPENAI_BASE_URL", "RAG_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    return load_settings(data_dir=tmp_path / "index", backend="extractive")


def build(settings, embeddings, paths, chat_models=None) -> Assistant:
    store = make_store(settings, embeddings)
    Ingestor(store, embeddings).ingest(paths, progress=False)
    return Assistant(settings, embeddings=embeddings, store=store, chat_models=chat_models)


@pytest.fixture
def sample_assistant(settings, embeddings, tmp_path) -> Assistant:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    return build(settings, embeddings, [corpus])


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory, embeddings):
    """A read-only index of corpus/ shared by tests that only ask questions."""
    folder = tmp_path_factory.mktemp("sample-index")
    settings = load_settings(data_dir=folder, backend="extractive")
    build(settings, embeddings, [CORPUS])
    return folder


@pytest.fixture(scope="session")
def mixed_index(tmp_path_factory, embeddings):
    """The sample article plus slices of the shared readouts and press releases (built once).

    Returns ``(settings, paths, first_report)``; tests may re-ingest ``paths`` (a no-op) but
    must not change the index.
    """
    folder = tmp_path_factory.mktemp("mixed")
    readouts = jsonl_slice(shared_file("wh_foreign_readouts.jsonl"), folder / "wh.jsonl", 40)
    state = jsonl_slice(shared_file("state_dept_press_releases.jsonl"), folder / "state.jsonl", 20, start=100)
    settings = load_settings(data_dir=folder / "index", backend="extractive")
    store = make_store(settings, embeddings)
    paths = [CORPUS, readouts, state]
    report = Ingestor(store, embeddings).ingest(paths, progress=False)
    return settings, paths, report
