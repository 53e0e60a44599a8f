"""The packaged local model (Qwen2.5-Coder-1.5B on llama-cpp-python). Run with `make test-llm`."""

import pytest
from conftest import SERBIA_QUESTION

from rag.assistant import Assistant
from rag.settings import load_settings

pytestmark = pytest.mark.llm


@pytest.fixture(scope="module")
def assistant(sample_index, embeddings):
    from rag.factory import local_available

    settings = load_settings(data_dir=sample_index, backend="local")
    if not local_available(settings):
        pytest.skip("the local model is not installed: run `make install-llm` (1.1 GB, compiles llama-cpp-python)")
    return Assistant(settings, embeddings=embeddings)


def test_local_model_answers_the_sample_question_with_citations(assistant):
    events = list(assistant.events(SERBIA_QUESTION))
    answer = events[-1].value
    assert answer.backend == "local", answer.notice
    assert any(e.kind == "token" for e in events)  # streamed
    assert "[1]" in answer.answer and answer.citations
    assert any(word in answer.answer.lower() for word in ("alternative energy", "green energy"))
    assert all(c.date == "2024-12-23" and c.source == "Trend" for c in answer.citations)


def test_local_model_declines_what_the_sources_do_not_say(assistant):
    answer = assistant.ask("What was agreed about the Serbian lithium mine?")
    assert answer.citations == [] and "do not answer" in answer.answer


@pytest.mark.xfail(
    strict=True,
    reason="asked about its one source alone (RAG_LOCAL_WRITING=by-source), the 1.5B model answers from a "
    "source that is silent instead of replying NONE: why the default asks by source only in an archive where the "
    "subject check declines such questions first (rag.factory.local_writing, docs/benchmarks.md)",
)
def test_asked_by_source_the_local_model_declines_what_the_sources_do_not_say(assistant):
    by_source = Assistant(
        assistant.settings.model_copy(update={"local_writing": "by-source"}),
        embeddings=assistant.embeddings,
        chat_models={"local": assistant.writer("local").model},
    )
    answer = by_source.ask("What was agreed about the Serbian lithium mine?")
    assert answer.citations == [] and "do not answer" in answer.answer
