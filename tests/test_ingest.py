"""Ingestion into a real Chroma: idempotent, replaces changed documents, survives bad input."""

from conftest import SAMPLE

from rag.factory import make_store
from rag.ingest import Ingestor


def ingest(settings, embeddings, paths):
    store = make_store(settings, embeddings)
    return store, Ingestor(store, embeddings).ingest(paths, progress=False)


def test_reingesting_unchanged_documents_does_no_work(settings, embeddings, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    store, first = ingest(settings, embeddings, [article])
    assert (first.added, first.skipped, first.failed) == (1, 0, 0)
    counts = store.stats()
    assert counts["documents"] == 1 and counts["chunks"] == first.chunks > 0

    _, second = ingest(settings, embeddings, [article])
    assert (second.added, second.updated, second.skipped, second.chunks) == (0, 0, 1, 0)
    assert store.stats() == counts


def test_changed_document_replaces_its_chunks(settings, embeddings, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    store, _ = ingest(settings, embeddings, [article])
    article.write_text(" date 2024-12-24 VIENNA, Austria, December 24. A short replacement text.", encoding="utf-8")
    _, report = ingest(settings, embeddings, [article])
    assert (report.added, report.updated) == (0, 1)
    assert store.stats() == {"documents": 1, "chunks": 1}
    text, meta = store.document(store.documents.get()["ids"][0])
    assert text.startswith("VIENNA") and meta["date"] == 20241224
    stored_chunks = store.chunks.get(include=["documents"])["documents"]
    assert stored_chunks == ["VIENNA, Austria, December 24. A short replacement text."]


def test_bad_files_are_reported_and_good_ones_kept(settings, embeddings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Ministers met in Vienna on May 5, 2023.", encoding="utf-8")
    (folder / "bad.jsonl").write_text('{"url": "https://x.example/1", "text": "Fine."}\n{broken\n', encoding="utf-8")
    store, report = ingest(settings, embeddings, [folder])
    assert (report.added, report.failed) == (2, 1)
    assert str(report.errors[0]).startswith(f"{folder / 'bad.jsonl'}:2")
    assert store.stats()["documents"] == 2


def test_shared_jsonl_slice_ingests_idempotently(mixed_index, embeddings):
    settings, paths, first = mixed_index
    assert first.failed == 0 and first.added == 61
    store = make_store(settings, embeddings)
    assert store.stats() == {"documents": 61, "chunks": first.chunks}
    _, again = ingest(settings, embeddings, paths)
    assert (again.added, again.updated, again.skipped, again.chunks) == (0, 0, 61, 0)
    hits = store.chunks.get(where={"source": "U.S. Department of State"}, include=["metadatas"])
    assert len({m["doc_id"] for m in hits["metadatas"]}) == 20
    assert all(20210000 < m["date"] < 20230000 for m in hits["metadatas"])
