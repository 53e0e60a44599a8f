"""The logic behind the app's pages, without Streamlit: corpus management, filters, access,
conversations, per-session settings, backend status and source highlighting."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
from conftest import SERBIA_QUESTION

from rag.access import PasswordGate, configured_password, delay_after, same_password
from rag.conversations import Conversations
from rag.corpus import Corpus
from rag.factory import make_keyword_index
from rag.filters import Filters
from rag.formatting import highlighted, quote_in_context
from rag.keyword import sync
from rag.session import SessionAssistant, backend_status, with_overrides
from rag.timeline import timeline

JORDAN = "date 2025-02-10\n# Jordan water talks\n\nJordan and Serbia signed an agreement on water management.\n"


@pytest.fixture
def corpus(sample_assistant, settings, tmp_path):
    keyword = make_keyword_index(settings)
    sync(keyword, sample_assistant.store)
    uploads = tmp_path / "corpus" / "uploads"
    uploads.mkdir(parents=True)
    return Corpus(sample_assistant.store, sample_assistant.embeddings, keyword, settings.data_dir, uploads)


def chunk_rows(corpus: Corpus, doc_id: str) -> int:
    with sqlite3.connect(corpus.keyword.path) as db:
        return db.execute("SELECT COUNT(*) FROM chunks WHERE doc_id = ?", (doc_id,)).fetchone()[0]


def test_listing_adding_and_deleting_documents_keeps_both_indexes_in_step(corpus):
    upload = corpus.uploads / "jordan.md"
    upload.write_text(JORDAN, encoding="utf-8")
    seen = []
    report = corpus.ingest([upload], progress=lambda done, total, name: seen.append((done, total, name)))
    assert report.added == 1 and seen == [(0, 1, "jordan.md"), (1, 1, "")]
    rows = corpus.documents()
    assert [r.title for r in rows][0] == "Jordan water talks" and rows[0].date == "2025-02-10"
    doc_id = rows[0].doc_id
    assert chunk_rows(corpus, doc_id) == 1 and corpus.store.document(doc_id)
    assert corpus.delete([doc_id]) == 1
    assert corpus.store.document(doc_id) is None and chunk_rows(corpus, doc_id) == 0
    assert not corpus.store.chunks.get(where={"doc_id": doc_id})["ids"]
    assert not upload.exists()  # an uploaded file goes with it, or re-indexing would bring it back
    assert [r.title for r in corpus.documents()] != ["Jordan water talks"]


def test_deleting_leaves_the_users_own_files_alone(corpus, tmp_path):
    own = tmp_path / "corpus" / "2024-12-23-trend-azerbaijan-serbia.txt"
    doc_id = corpus.documents()[0].doc_id
    corpus.delete([doc_id])
    assert own.exists() and corpus.store.stats() == {"documents": 0, "chunks": 0}


def test_reindex_picks_up_new_files_and_skips_unchanged(corpus, tmp_path):
    (corpus.uploads / "jordan.md").write_text(JORDAN, encoding="utf-8")
    (corpus.uploads / "empty.txt").write_text(" ", encoding="utf-8")
    seen = []
    report = corpus.reindex([tmp_path / "corpus"], progress=lambda done, total, name: seen.append(done))
    assert (report.added, report.skipped, report.failed) == (1, 1, 1) and "empty.txt" in str(report.errors[0])
    assert seen == [0, 1, 2, 3]
    assert corpus.outlets() == ["Trend"]


def test_many_files_are_indexed_in_few_steps(corpus):
    files = [_write(corpus, f"note-{n}.md", JORDAN.replace("water", f"water {n}")) for n in range(5)]
    seen = []
    report = corpus.ingest(files, progress=lambda done, total, name: seen.append((done, name)), steps=2)
    assert report.added == 5 and seen == [(0, "note-0.md"), (3, "note-3.md"), (5, "")]


def test_filters_restrict_the_documents_an_answer_may_use(sample_assistant, corpus):
    corpus.ingest([_write(corpus, "jordan.md", JORDAN)])
    assert sample_assistant.ask(SERBIA_QUESTION, filters=Filters(outlets=("Trend",))).citations
    declined = sample_assistant.ask(SERBIA_QUESTION, filters=Filters(counterparts=("Norway",)))
    assert declined.answer.startswith("No document in the corpus matches the filters (naming: Norway)")
    early = sample_assistant.ask(SERBIA_QUESTION, filters=Filters(until=date(2024, 1, 1)))
    assert early.answer.startswith("No document in the corpus is dated") and not early.citations
    water = sample_assistant.ask("What was agreed about water?", filters=Filters(counterparts=("Jordan",)))
    assert {c.title for c in water.citations} == {"Jordan water talks"}


def test_a_filters_period_narrows_the_questions_own_period():
    from rag.dates import parse_scope

    scope = Filters(since=date(2022, 3, 20)).narrow(parse_scope("calls in March 2022", date(2022, 6, 1)))
    assert scope.range() == (date(2022, 3, 20), date(2022, 4, 2))  # and the reports of the last days
    assert not Filters().active and Filters(outlets=("AP",)).active


def test_timeline_lists_dated_documents_naming_the_topic(corpus):
    corpus.ingest([_write(corpus, "jordan.md", JORDAN)])
    found = timeline("Serbia", corpus.store, corpus.keyword)
    assert [p.date for p in found.points] == ["2024-12-23", "2025-02-10"]
    assert [p.title for p in timeline("Jordan water", corpus.store, corpus.keyword).points] == ["Jordan water talks"]
    assert timeline("Norway", corpus.store, corpus.keyword).points == []
    assert timeline("  ", corpus.store, corpus.keyword).points == []


def test_a_counterpart_is_found_by_its_adjective_too(tmp_path):
    from rag.keyword import KeywordIndex

    index = KeywordIndex(tmp_path / "k.sqlite")
    index.replace("a", "h", [("a#0", "Serbian officials discussed energies", 1)])
    index.replace("b", "h", [("b#0", "The French minister and the Japanese envoy", 1)])
    index.replace("c", "h", [("c#0", "Serbia and Jordan", 1)])
    found = {q: sorted(index.documents_naming(q)) for q in ("Serbia", "France", "Japan", "Serbia energy", "Niger")}
    assert found == {"Serbia": ["a", "c"], "France": ["b"], "Japan": ["b"], "Serbia energy": ["a"], "Niger": []}


def _write(corpus: Corpus, name: str, text: str):
    path = corpus.uploads / name
    path.write_text(text, encoding="utf-8")
    return path


def test_password_check_is_constant_time_and_slows_down_after_failures():
    waits = []
    gate = PasswordGate("correct horse", sleep=waits.append)
    assert not gate.check("correct") and not gate.check("") and not gate.check("correct horse ")
    assert waits == [1.0, 2.0, 4.0]
    assert gate.check("correct horse") and gate.failures == 0 and waits == [1.0, 2.0, 4.0]
    assert delay_after(50) == 8.0
    assert same_password("é", "é") and not same_password("a" * 1000, "a")


def test_the_password_comes_from_the_environment_or_secrets():
    assert configured_password({}, {}) is None
    assert configured_password({"app_password": "from-secrets"}, {}) == "from-secrets"
    assert configured_password({"app_password": "s"}, {"RAG_APP_PASSWORD": "env"}) == "env"


def test_conversations_survive_a_restart_with_their_sources(sample_assistant, tmp_path):
    answer = sample_assistant.ask(SERBIA_QUESTION)
    messages = [
        {"role": "user", "content": SERBIA_QUESTION},
        {"role": "assistant", "content": answer.answer, "answer": answer},
    ]
    first = Conversations(tmp_path / "data")
    cid = first.save(None, messages)
    assert first.save(cid, messages) == cid  # saving again updates, never duplicates
    reopened = Conversations(tmp_path / "data").load(cid)  # a new connection, as after a restart
    restored = reopened[1]["answer"]
    assert restored.citations == answer.citations and restored.answer == answer.answer
    assert [c.status for c in restored.checks] == [c.status for c in answer.checks]
    with pytest.raises(ValueError, match="needs a title"):
        first.rename(cid, "   ")


def test_no_api_key_reaches_the_conversations_file(sample_assistant, tmp_path, monkeypatch):
    secret = "sk-never-stored-12345"
    session = with_overrides(sample_assistant, openai_api_key=secret)
    answer = session.ask(SERBIA_QUESTION, backend="extractive")
    book = Conversations(tmp_path)
    book.save(
        None, [{"role": "user", "content": "q"}, {"role": "assistant", "content": answer.answer, "answer": answer}]
    )
    assert secret.encode() not in (tmp_path / "conversations.sqlite").read_bytes()
    assert secret not in json.dumps(answer.as_dict()) and secret not in repr(session.settings)


def test_session_settings_share_the_loaded_components(sample_assistant):
    assert with_overrides(sample_assistant) is sample_assistant
    assert with_overrides(sample_assistant, top_k=sample_assistant.settings.top_k, openai_model="") is sample_assistant
    session = with_overrides(sample_assistant, top_k=2, openai_base_url="http://127.0.0.1:9/v1")
    assert isinstance(session, SessionAssistant) and session.settings.top_k == 2
    assert session.store is sample_assistant.store and session.searcher is sample_assistant.searcher
    assert session.writer("extractive") is sample_assistant.writer("extractive")
    assert sample_assistant.settings.top_k == 6 and sample_assistant.settings.openai_base_url is None


def test_backend_status_says_what_answers_and_why(sample_assistant):
    assert backend_status(sample_assistant, "extractive") == ("ok", "extractive: answers quote the sources verbatim")
    level, message = backend_status(sample_assistant, "openai")
    assert level == "warning" and "no API key or base URL" in message
    down = with_overrides(sample_assistant, openai_base_url="http://127.0.0.1:9/v1", openai_api_key="sk-x")
    level, message = backend_status(down, "openai")
    assert level == "warning" and "http://127.0.0.1:9/v1 unreachable: answering extractively" in message
    assert "sk-x" not in message


def test_a_quote_is_highlighted_inside_escaped_text():
    text = "First [link](javascript:x). The <b>quote</b> is *here*.\nSecond line of it. After it."
    start, end = text.index("The"), text.index("After") - 1
    shown = highlighted(text, start, end)
    assert ":orange-background[The &lt;b&gt;quote&lt;/b&gt; is \\*here\\*.]" in shown
    assert ":orange-background[Second line of it.]" in shown  # a highlight per paragraph
    assert "\\[link\\]\\(javascript:x\\)" in shown and "<b>" not in shown
    assert quote_in_context("One. Two. Three.", 5, 9) == "One. :orange-background[Two.] Three."
    assert quote_in_context("One.", 3, 99) == ""


def test_deleting_an_uploaded_page_removes_its_file_though_its_id_is_the_url(corpus):
    page = _write(corpus, "talks.html", '<html><head><title>Jordan water talks</title>'
                  '<link rel="canonical" href="https://example.org/jordan-water"></head>'
                  f"<body><article><p>{JORDAN}</p></article></body></html>")  # fmt: skip
    corpus.ingest([page])
    assert corpus.store.document("https://example.org/jordan-water")
    corpus.delete(["https://example.org/jordan-water"])
    assert not page.exists()  # else re-indexing the uploads folder would bring the page back


def test_deleting_one_record_of_an_uploaded_collection_keeps_the_collection(corpus):
    lines = [{"url": f"https://example.org/{n}", "title": f"Talks {n}", "text": JORDAN.replace("water", f"water {n}"),
              "date": "2025-02-10"}
             for n in range(2)]  # fmt: skip
    collection = _write(corpus, "feed.jsonl", "\n".join(json.dumps(line) for line in lines))
    corpus.ingest([collection])
    corpus.delete(["https://example.org/0"])
    assert collection.exists() and corpus.store.document("https://example.org/1")
