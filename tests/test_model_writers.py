"""Model backends behind the writer seam, with fake chat models (queued answers).

The local model here gets all sources in one prompt (``RAG_LOCAL_WRITING=together``, and
by default in an archive under 3,000 chunks, as an OpenAI-compatible model always does); asked by source it is tested in
tests/test_by_source.py.
"""

import pytest
from conftest import SERBIA_QUESTION
from fakes import recording_chat

from rag.answer.citations import resolve
from rag.answer.passages import Passage
from rag.assistant import Assistant
from rag.settings import load_settings


@pytest.fixture
def assistant_with(sample_index, embeddings):
    def make(chat):
        settings = load_settings(data_dir=sample_index, backend="auto", local_writing="together")
        return Assistant(settings, embeddings=embeddings, chat_models={"local": chat})

    return make


def test_model_answer_is_streamed_and_its_citations_resolved(assistant_with):
    chat = recording_chat("Both sides noted alternative energy production and export [1]. Also tourism [9].")
    assistant = assistant_with(chat)
    events = list(assistant.events(SERBIA_QUESTION))
    tokens = "".join(e.value for e in events if e.kind == "token")
    answer = events[-1].value
    assert tokens.startswith("Both sides noted") and len([e for e in events if e.kind == "token"]) > 10
    assert answer.backend == "local"
    assert answer.answer == "Both sides noted alternative energy production and export [1]. Also tourism."
    assert len(answer.citations) == 1 and answer.citations[0].date == "2024-12-23"
    # The quote is narrowed to the sentence that supports the claim, still verbatim.
    quote = answer.citations[0]
    assert (
        quote.quote
        == "The importance of cooperation in the field of production and export of alternative energy was noted."
    )
    assert assistant.document_text(quote.doc_id)[quote.start : quote.end] == quote.quote


def test_the_checked_extractive_answer_comes_before_the_models_first_token(assistant_with):
    """Sources on screen in a fraction of a second while the model takes seconds to start."""
    events = list(assistant_with(recording_chat("Both sides noted energy export [1].")).events(SERBIA_QUESTION))
    kinds = [e.kind for e in events]
    assert kinds.index("draft") < kinds.index("token") and kinds.count("draft") == 1
    draft = events[kinds.index("draft")].value
    assert draft.backend == "extractive" and draft.citations and "alternative energy" in draft.answer
    assert events[-1].value.backend == "local"


def test_a_model_failure_after_the_draft_shows_the_draft_with_the_notice(assistant_with):
    chat = recording_chat("Energy cooperation was discussed at length [1].", error_on_chunk_number=5)
    events = list(assistant_with(chat).events(SERBIA_QUESTION))
    draft, final = next(e.value for e in events if e.kind == "draft"), events[-1].value
    assert final is draft and "answering extractively" in final.notice


def test_the_model_is_sent_numbered_sources_and_the_question(assistant_with):
    chat = recording_chat("Energy export [1].")
    assistant_with(chat).ask(SERBIA_QUESTION)
    system, user = chat.sent[0]
    assert "ONLY the numbered sources" in system.content
    assert "The sources in the corpus do not answer this question." in system.content
    assert "[1] Azerbaijani Foreign Minister Jeyhun Bayramov" in user.content
    assert "(Trend, 2024-12-23)" in user.content
    assert user.content.rstrip().endswith("like [1].") and f"Question: {SERBIA_QUESTION}" in user.content
    assert len(user.content) < 3000  # a tight context: the local model reads ~45 tokens/s


def test_a_failing_model_falls_back_to_the_extractive_answer(assistant_with):
    chat = recording_chat("Energy cooperation was discussed at length [1].", error_on_chunk_number=5)
    answer = assistant_with(chat).ask(SERBIA_QUESTION)
    assert answer.backend == "extractive"
    assert "failed" in answer.notice and "answering extractively" in answer.notice
    assert answer.citations and "alternative energy" in answer.answer


def test_an_answer_without_any_valid_citation_is_not_shown(assistant_with):
    answer = assistant_with(recording_chat("Serbia will build ten nuclear plants [7].")).ask(SERBIA_QUESTION)
    assert "nuclear" not in answer.answer
    assert answer.backend == "extractive" and "supported by its sources" in answer.notice


def test_a_model_refusal_gives_way_to_the_quotes_when_the_sources_answer(assistant_with):
    """The decision found the sample article answers the question: a model that declines anyway
    (a small model often does) must not leave the official with a refusal."""
    refusal = "The sources in the corpus do not answer this question."
    answer = assistant_with(recording_chat(refusal)).ask(SERBIA_QUESTION)
    assert answer.backend == "extractive" and answer.citations and "alternative energy" in answer.answer
    assert "declined, but the sources answer it" in answer.notice


def test_no_evidence_means_no_model_call(assistant_with):
    chat = recording_chat("Invented [1].")
    answer = assistant_with(chat).ask("What did Norway and Chile agree on fisheries?")
    assert chat.sent == [] and answer.citations == [] and "do not answer" in answer.answer


def test_markers_are_renumbered_by_first_use_and_lists_split():
    sources = [Passage(doc_id=d, start=0, end=1, text=d) for d in "abc"]
    text, cited = resolve("First [3]. Second [1, 3]. Third [4].", sources)
    assert text == "First [1]. Second [2][1]. Third."
    assert [(c.n, c.doc_id) for c in cited] == [(1, "c"), (2, "a")]
