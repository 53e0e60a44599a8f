"""The openai backend against a fake OpenAI-compatible server on loopback: a setting, not code."""

import pytest
from conftest import SERBIA_QUESTION
from fake_openai import FakeOpenAI

from rag.assistant import Assistant
from rag.settings import load_settings


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def assistant(server, sample_index, embeddings, monkeypatch):
    monkeypatch.setenv("RAG_OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("RAG_OPENAI_API_KEY", "sk-test-key")
    monkeypatch.setenv("RAG_OPENAI_MODEL", "my-served-model")
    monkeypatch.delenv("RAG_BACKEND", raising=False)
    return Assistant(load_settings(data_dir=sample_index), embeddings=embeddings)


def test_auto_uses_the_configured_server_and_streams(assistant, server):
    answer = assistant.ask(SERBIA_QUESTION)
    assert answer.backend == "openai"
    assert answer.answer == "Alternative energy production and export were discussed [1]."
    assert answer.citations[0].date == "2024-12-23"
    request = server.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "my-served-model" and request["body"]["stream"] is True
    assert request["auth"] == "Bearer sk-test-key"
    assert "alternative energy" in request["body"]["messages"][1]["content"]


def test_server_errors_fall_back_to_extractive_with_a_notice(assistant, server):
    server.script = [(500, {})] * 10
    answer = assistant.ask(SERBIA_QUESTION)
    assert answer.backend == "extractive" and answer.citations
    assert "openai backend failed" in answer.notice
    assert "sk-test-key" not in answer.notice
