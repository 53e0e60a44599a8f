"""A question about a subject no matching document mentions is declined before any writer runs.

Over a real archive the extractive writer quoted the nearest sentences and the local model by
source summarised them, where the honest answer is that the documents say nothing on it.
"""

import pytest
from conftest import CORPUS, build
from fakes import recording_chat

from rag.answer import unmentioned as check
from rag.answer.by_source import SILENT
from rag.answer.unmentioned import unmentioned
from rag.keyword import KeywordIndex
from rag.lexical import topic_words
from rag.prompts import render

LITHIUM = "What was agreed about the Serbian lithium mine?"


@pytest.fixture
def archive(tmp_path) -> KeywordIndex:
    """3,001 chunks: Serbia's energy readout, one lithium mention elsewhere, and filler that says
    "talks" and "flights" in every chunk (common words)."""
    index = KeywordIndex(tmp_path / "k.sqlite")
    index.replace("serbia", "h", [("serbia#0", "Bayramov met Vučević on energy cooperation and tourism.", 1)])
    index.replace("chile", "h", [("chile#0", "Chile's lithium reserves were noted.", 2)])
    for n in range(2999):
        index.replace(f"filler{n}", "h", [(f"filler{n}#0", f"Talks on direct flights, round {n}.", 3)])
    return index


def test_topic_words_are_the_lower_case_subject_words_not_names_or_the_words_of_asking():
    assert topic_words(LITHIUM) == ["lithium", "mine"]
    assert topic_words("Which topics came up when Bayramov met Vučević last month?") == []
    assert topic_words("What did they say about renewable energy and direct flights?") == [
        "renewable",
        "energy",
        "direct",
        "flights",
    ]


def test_a_rare_subject_missing_from_the_matching_documents_is_named(archive):
    assert unmentioned(LITHIUM, {"serbia"}, archive) == ["lithium", "mine"]
    assert unmentioned("What did Serbia say about bitcoin?", {"serbia"}, archive) == ["bitcoin"]


def test_a_common_word_missing_from_the_matches_is_a_paraphrase_not_a_subject(archive):
    assert unmentioned("What was said about talks on flights with Serbia?", {"serbia"}, archive) == []


def test_a_subject_the_matching_documents_mention_is_not_declined(archive):
    assert unmentioned("What did Chile say about lithium?", {"chile"}, archive) == []
    assert unmentioned("What energy cooperation and tourism came up?", {"serbia"}, archive) == []


def test_a_small_archive_is_not_checked(archive):
    """A handful of documents says nothing about which words are rare: "renewable" would count as
    a subject where the sample article says "alternative energy"."""
    assert unmentioned(LITHIUM, {"serbia"}, archive, min_chunks=10_000) == []


@pytest.mark.parametrize("backend", ["extractive", "local"])
def test_the_assistant_declines_naming_the_word_without_asking_a_model(backend, settings, embeddings, monkeypatch):
    monkeypatch.setattr(check, "MIN_CHUNKS", 0)  # the sample corpus is 3 chunks: check it as an archive
    chat = recording_chat("Serbia agreed to develop the lithium mine [1].")
    assistant = build(settings, embeddings, [CORPUS], {"local": chat})
    answer = assistant.ask(LITHIUM, backend=backend)
    assert answer.declined and answer.citations == []
    assert "do not answer" in answer.answer and "“lithium”" in answer.answer
    assert chat.sent == []
    assert not assistant.ask("What energy cooperation was discussed with Serbia?", backend="extractive").declined


def test_a_note_on_a_subject_no_matching_document_mentions_is_not_written(settings, embeddings, monkeypatch):
    from datetime import date

    from rag.briefing.note import Briefer

    monkeypatch.setattr(check, "MIN_CHUNKS", 0)
    assistant = build(settings, embeddings, [CORPUS])
    note = Briefer(assistant).build(
        "Serbia lithium", as_of=date(2025, 1, 10)
    )  # written, off-subject, without the check
    assert "none of the documents it matches mentions “lithium”" in note.notice and not note.sources
    assert Briefer(assistant).build("Serbia energy cooperation", as_of=date(2025, 1, 10)).sources


def test_the_local_model_is_asked_by_source_only_where_the_subject_check_runs(settings, embeddings, monkeypatch):
    """``RAG_LOCAL_WRITING=auto`` (the default): by source the model answers an off-subject
    question from its one silent source, so it is asked that way only in an archive where the
    subject check declines such questions first; a smaller one gets all sources together."""
    from rag.answer.by_source import BySourceWriter

    chat = recording_chat(
        "The importance of cooperation in the field of production and export of alternative energy was noted [1]."
    )
    assistant = build(settings, embeddings, [CORPUS], {"local": chat})
    assert settings.local_writing == "auto"
    assert assistant.ask("What energy cooperation was discussed with Serbia?", backend="local").backend == "local"
    assert len(chat.sent) == 1  # all sources in one prompt
    assert assistant.searcher.keyword.chunk_count() == 3 and not isinstance(assistant.writer("local"), BySourceWriter)
    monkeypatch.setattr(check, "MIN_CHUNKS", 3)  # the sample corpus is 3 chunks: now large enough
    assert isinstance(assistant.writer("local"), BySourceWriter)
    assert assistant.ask(LITHIUM, backend="local").declined and len(chat.sent) == 1  # the check declines first
    assistant.ask("What energy cooperation was discussed with Serbia?", backend="local")
    together_system, by_source_system = chat.sent[0][0].content, chat.sent[1][0].content
    assert by_source_system != together_system and by_source_system == render("answer_source_system.j2", silent=SILENT)
