"""Ingestion into a real Chroma: idempotent, replaces changed documents, survives bad input."""

import json

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
    # The readouts hold one real duplicate: the same text under a second (misspelt) url.
    assert first.failed == 0 and (first.added, len(first.duplicates)) == (60, 1)
    assert "frameowkr" in first.duplicates[0]
    store = make_store(settings, embeddings)
    assert store.stats() == {"documents": 60, "chunks": first.chunks}
    _, again = ingest(settings, embeddings, paths)
    assert (again.added, again.updated, again.skipped, again.chunks) == (0, 0, 60, 0)
    assert len(again.duplicates) == 1
    hits = store.chunks.get(where={"source": "U.S. Department of State"}, include=["metadatas"])
    assert len({m["doc_id"] for m in hits["metadatas"]}) == 20
    assert all(20210000 < m["date"] < 20230000 for m in hits["metadatas"])


def test_the_same_article_under_two_names_is_stored_once(settings, embeddings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    (folder / "a-original.txt").write_text(text, encoding="utf-8")
    (folder / "b-copy.txt").write_text(text.replace("\n\n", "\n \n"), encoding="utf-8")  # spacing differs
    feed = folder / "c-feed.jsonl"
    feed.write_text('{"url": "https://feed.example/1", "text": ' + json.dumps(text.split(" ", 3)[3]) + "}\n")
    store, report = ingest(settings, embeddings, [folder])
    assert report.added == 1 and len(report.duplicates) == 2
    assert all(d.endswith("a-original.txt") for d in (line.split(" = ")[1] for line in report.duplicates))
    assert store.stats()["documents"] == 1


def test_a_second_ingest_waits_for_none_and_says_why(settings, tmp_path, capsys):
    from rag.cli import main
    from rag.locking import ingest_lock

    data = tmp_path / "locked"
    with ingest_lock(data):
        assert main(["ingest", str(SAMPLE), "--data-dir", str(data)]) == 2
    assert f"another ingest is running in {data} (pid " in capsys.readouterr().err
    assert main(["ingest", str(SAMPLE), "--data-dir", str(data), "--no-progress"]) == 0  # released
