"""Cited answers: the sample round trip, verbatim quotes, refusals, as-of dates."""

from datetime import date

import pytest
from conftest import SERBIA_QUESTION

from rag.assistant import Assistant
from rag.settings import load_settings


@pytest.fixture(scope="module")
def assistant(sample_index, embeddings):
    return Assistant(load_settings(data_dir=sample_index, backend="extractive"), embeddings=embeddings)


def assert_citations_valid(answer, store):
    """Every [n] resolves, every quote is a verbatim span of its stored document."""
    import re

    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == {c.n for c in answer.citations}
    for citation in answer.citations:
        text, _ = store.document(citation.doc_id)
        assert text[citation.start : citation.end] == citation.quote
        assert citation.quote.strip()


def test_serbia_energy_question_is_answered_from_the_sample(assistant):
    answer = assistant.ask(SERBIA_QUESTION)
    text = answer.answer.lower()
    assert answer.backend == "extractive" and answer.citations
    assert "alternative energy" in text or "green energy" in text
    assert "production" in text and "export" in text
    assert all(c.date == "2024-12-23" and c.source == "Trend" for c in answer.citations)
    assert_citations_valid(answer, assistant.store)


@pytest.mark.parametrize(
    "question",
    [
        "What energy cooperation was discussed with Norway?",
        "Who won the football World Cup?",
        "What is the interest rate set by the central bank?",
    ],
)
def test_questions_the_sources_cannot_answer_are_declined_with_the_reason_and_closest(assistant, question):
    answer = assistant.ask(question)
    assert answer.citations == [] and answer.declined
    assert answer.answer.startswith("The sources in the corpus do not answer this question: ")
    assert answer.decision.outcome == "decline" and answer.decision.reason in answer.answer
    assert [c["source"] for c in answer.decision.closest] == ["Trend"]
    assert answer.as_dict()["decision"]["closest"][0]["date"] == "2024-12-23"


def test_a_counterpart_no_document_names_is_named_in_the_reason(assistant):
    answer = assistant.ask("What energy cooperation was discussed with Norway?")
    assert answer.decision.reason == "no document in scope names “Norway”"


def test_a_period_without_documents_is_named_not_widened(assistant):
    answer = assistant.ask("What energy cooperation was discussed with Serbia in March 2023?")
    assert answer.citations == []
    assert answer.answer == "No document in the corpus is dated in March 2023 (2023-03-01 to 2023-03-31)."
    answer = assistant.ask("What energy cooperation was discussed with Serbia in December 2024?")
    assert answer.citations and answer.citations[0].date == "2024-12-23"


def test_as_of_date_hides_later_documents(assistant):
    assert assistant.ask(SERBIA_QUESTION, as_of=date(2024, 12, 22)).citations == []
    assert assistant.ask(SERBIA_QUESTION, as_of=date(2024, 12, 23)).citations


def test_follow_up_uses_the_conversation(assistant):
    from rag.answer.base import Turn

    history = [Turn("user", "What did Azerbaijan and Serbia discuss about tourism?"), Turn("assistant", "…")]
    answer = assistant.ask("And about air links?", history=history)
    assert "direct air transport communication" in answer.answer


def test_answers_from_a_mixed_corpus_cite_the_right_documents(mixed_index, embeddings):
    settings, _, _ = mixed_index
    mixed = Assistant(settings, embeddings=embeddings)
    answer = mixed.ask(SERBIA_QUESTION)
    assert {c.source for c in answer.citations} == {"Trend"}
    assert_citations_valid(answer, mixed.store)
    # A readout question is answered from the readouts, with their urls.
    answer = mixed.ask("What did President Trump discuss with Crown Prince Mohammed bin Salman?")
    assert answer.citations and all(c.url.startswith("https://www.whitehouse.gov/") for c in answer.citations)
    assert "Saudi" in answer.answer
    assert_citations_valid(answer, mixed.store)


def test_a_document_re_indexed_with_new_text_is_quoted_from_the_new_text(settings, embeddings, tmp_path):
    """The assistant caches document texts; a re-index (the app's button, an upload, the CLI in
    another process) must not leave it quoting the old text at the new chunks' offsets."""
    from conftest import build

    from rag.briefing.note import Briefer
    from rag.ingest import Ingestor
    from rag.session import with_overrides

    folder = tmp_path / "desk"
    folder.mkdir()
    readout = folder / "readout.txt"
    before = " date 2024-05-02 Vienna. The ministers met at the Hofburg. They discussed gas transit through Ukraine.\n"
    readout.write_text(before)
    assistant = build(settings, embeddings, [folder])
    question = "What did the ministers discuss in Vienna?"
    assert "gas transit through Ukraine" in assistant.ask(question).citations[0].quote
    readout.write_text(before.replace("gas transit through Ukraine", "new hydrogen pipelines to Bavaria"))
    Ingestor(assistant.store, embeddings, assistant.searcher.keyword).ingest(
        [folder], progress=False
    )  # as the app does
    answer = assistant.ask(question)
    assert "hydrogen pipelines to Bavaria" in answer.citations[0].quote
    assert "gas transit" not in answer.answer
    readout.write_text(before.replace("gas transit through Ukraine", "a grid link to Slovenia"))
    Ingestor(assistant.store, embeddings, assistant.searcher.keyword).ingest([folder], progress=False)
    session = with_overrides(assistant, top_k=5)  # a session with its own settings shares the texts
    assert "a grid link to Slovenia" in session.ask(question).citations[0].quote
    readout.write_text(before.replace("gas transit through Ukraine", "ferry routes to Trieste"))
    Ingestor(assistant.store, embeddings, assistant.searcher.keyword).ingest([folder], progress=False)
    note = Briefer(assistant).build("ferry routes Trieste", as_of=date(2024, 6, 1))
    assert any("ferry routes to Trieste" in c.quote for c in note.sources), note.notice
