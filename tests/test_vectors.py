"""Exact search within a period: the in-memory vectors follow the keyword index, and retrieval
finds the same chunks through them as through Chroma alone."""

import sqlite3
from datetime import date

import numpy as np
import pytest

import rag.retrieval as retrieval
from rag.factory import make_keyword_index
from rag.ingest import Ingestor
from rag.keyword import KeywordIndex, sync
from rag.retrieval import Searcher, SearchRequest
from rag.vectors import VectorTable

# Twelve short dated notes: three a month from January to April 2024, on different subjects.
SUBJECTS = [
    "energy cooperation and gas supplies",
    "water management and irrigation",
    "direct flights and tourism",
]


def write_notes(folder):
    folder.mkdir()
    for month in range(1, 5):
        for number, subject in enumerate(SUBJECTS):
            body = f"Ministers discussed {subject} at their meeting number {month}."  # distinct texts
            text = f"date 2024-{month:02d}-{number + 10}\n# Talks on {subject}\n\n{body}\n"
            (folder / f"note-{month}-{number}.md").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def notes_searcher(settings, embeddings, tmp_path):
    from rag.factory import make_store

    store, keyword = make_store(settings, embeddings), make_keyword_index(settings)
    Ingestor(store, embeddings, keyword).ingest([write_notes(tmp_path / "notes")], progress=False)
    return Searcher(store, embeddings, keyword)


def unit(*values):
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_vectors_follow_chunks_another_process_adds_replaces_and_deletes(tmp_path):
    path = tmp_path / "k.sqlite"
    reader, writer = KeywordIndex(path), KeywordIndex(path)  # two connections, like the app and an ingest
    writer.replace("d1", "h", [("d1#0", "Serbia energy", 20240301, {}, unit(1, 0))])
    table = VectorTable(reader)
    assert table.nearest(unit(1, 0), 5) == [("d1#0", pytest.approx(1.0))]
    writer.replace("d2", "h", [("d2#0", "Serbia tourism", 20240502, {}, unit(0, 1))])
    assert [c for c, _ in table.nearest(unit(0, 1), 5)] == ["d2#0", "d1#0"]
    writer.replace("d2", "h2", [("d2#0", "Serbia tourism", 20240502, {}, unit(1, 0))])  # same id, new vector
    assert [round(s, 3) for _, s in table.nearest(unit(1, 0), 5)] == [1.0, 1.0]
    writer.delete("d1")
    assert table.nearest(unit(1, 0), 5) == [("d2#0", pytest.approx(1.0))]


def test_a_period_or_documents_restrict_the_search_and_a_large_period_is_left_to_the_caller(tmp_path):
    index = KeywordIndex(tmp_path / "k.sqlite")
    for month in range(1, 7):
        index.replace(f"d{month}", "h", [(f"d{month}#0", "text", 20240000 + month * 100 + 1, {}, unit(month, 1))])
    table = VectorTable(index)
    assert [c for c, _ in table.nearest(unit(1, 0), 10, since=20240201, until=20240331)] == ["d3#0", "d2#0"]
    assert table.nearest(unit(1, 0), 10, since=20240101, until=20240631, limit=5) is None
    only = index.rowids_of({"d1", "d5"})
    assert [c for c, _ in table.nearest(unit(1, 0), 10, rowids=only)] == ["d5#0", "d1#0"]


def test_chunks_without_vectors_make_the_table_incomplete(tmp_path):
    index = KeywordIndex(tmp_path / "k.sqlite")
    index.replace("d1", "h", [("d1#0", "text", 20240101)])  # keyword-only row
    assert not VectorTable(index).complete()
    index.replace("d1", "h", [("d1#0", "text", 20240101, {}, unit(1, 0))])
    assert VectorTable(index).complete()


def test_a_keyword_index_from_before_vectors_is_rebuilt_with_them(notes_searcher, settings):
    path = notes_searcher.keyword.path
    old_layout = "CREATE TABLE chunks (rowid INTEGER PRIMARY KEY, chunk_id TEXT, doc_id TEXT, date INTEGER)"
    with sqlite3.connect(path) as db:  # no metadata, no vectors
        db.executescript(f"DROP TABLE chunks; {old_layout};")
    keyword = KeywordIndex(path)
    assert keyword.hashes() == {} and keyword.generation() is None
    assert sync(keyword, notes_searcher.store) == 12
    assert VectorTable(keyword).complete()


def test_exact_period_search_finds_what_chroma_finds(notes_searcher):
    vector = notes_searcher.embeddings.embed_query("gas supplies")
    since, until = 20240201, 20240331
    exact = notes_searcher._dense(vector, 60, since, until, retrieval.date_filter(since, until), period=True)
    in_chroma = notes_searcher._dense_in_chroma(vector, 60, since, until, retrieval.date_filter(since, until), True)
    assert [h.chunk_id for h in exact] == [h.chunk_id for h in in_chroma]
    assert [h.score for h in exact] == pytest.approx([h.score for h in in_chroma], abs=1e-4)
    assert [h.meta for h in exact] == [h.meta for h in in_chroma]
    assert all(since <= h.meta["date"] <= until for h in exact) and len(exact) == 6


def record_exact_searches(searcher, monkeypatch) -> list[dict]:
    """The keyword arguments of each exact (numpy) search the searcher makes."""
    asked, nearest = [], searcher.vectors.nearest
    monkeypatch.setattr(searcher.vectors, "nearest", lambda *a, **k: asked.append(k) or nearest(*a, **k))
    return asked


def test_a_period_larger_than_the_id_limit_is_post_filtered_and_stays_in_its_dates(notes_searcher, monkeypatch):
    monkeypatch.setattr(retrieval, "ID_SEARCH_LIMIT", 2)  # every month of these notes is "large"
    asked = record_exact_searches(notes_searcher, monkeypatch)
    notes_searcher.fetch = 4  # HNSW's 16 nearest (all 12) hold 3 from March: enough (half of 4)
    result = notes_searcher.search(SearchRequest("energy cooperation in March 2024", date(2024, 12, 31), k=1))
    assert asked == [{"limit": 2}]  # the exact search declined: too many chunks in the period
    assert [(h.meta["date"], h.meta["title"]) for h in result.hits] == [
        (20240310, "Talks on energy cooperation and gas supplies")
    ]


def test_too_few_left_after_the_post_filter_scores_the_whole_period(notes_searcher, monkeypatch):
    monkeypatch.setattr(retrieval, "ID_SEARCH_LIMIT", 2)
    asked = record_exact_searches(notes_searcher, monkeypatch)
    # 60 wanted, 3 of the 12 chunks are from March: the whole month is scored exactly.
    result = notes_searcher.search(SearchRequest("water management in March 2024", date(2024, 12, 31)))
    assert asked == [{"limit": 2}, {}]
    assert sorted(h.meta["date"] for h in result.hits) == [20240310, 20240311, 20240312]
    assert result.hits[0].meta["title"] == "Talks on water management and irrigation"


def test_deleted_chunks_are_not_found_and_asking_for_more_than_are_left_is_fine(notes_searcher):
    store = notes_searcher.store
    vector = notes_searcher.embeddings.embed_query("tourism")
    found = store.nearest_ids(vector, 60)
    assert len(found) == 12
    store.delete(found[0][0].rsplit("#", 1)[0])
    assert len(store.nearest_ids(vector, 60)) == 11 and found[0] not in store.nearest_ids(vector, 60)
    for doc_id in {h.doc_id for h in store.search(vector, 60)}:
        store.delete(doc_id)
    assert store.search(vector, 60) == [] and store.nearest_ids(vector, 60) == []
