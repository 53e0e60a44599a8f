"""Files → documents → chunks → embeddings → Chroma, idempotently.

A document whose content hash is already stored costs one lookup and no embedding; a changed
document replaces its chunks; a bad file or line is reported and the rest go on.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from rag.documents import Document, InputError, date_int
from rag.embeddings import as_array
from rag.loaders import SUPPORTED, iter_documents
from rag.loaders.jsonl import FieldMap
from rag.store import StoredDocument, chunk_id, chunk_metadata
from rag.text import chunk_spans

BATCH_DOCUMENTS = 32
# Bump when chunking or metadata extraction changes: every document is then re-indexed once.
PIPELINE_VERSION = 2


def fingerprint(doc: Document) -> str:
    """What decides "unchanged": the document's content and the pipeline that indexed it."""
    return f"{doc.content_hash()}:v{PIPELINE_VERSION}"


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    duplicates: list[str] = field(default_factory=list)  # "new id = stored id" (same text, stored once)
    chunks: int = 0
    errors: list[InputError] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.errors)

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.skipped} unchanged (skipped), "
            f"{len(self.duplicates)} duplicates (same text as another document, stored once), "
            f"{self.failed} failed; {self.chunks} chunks written"
        )

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "skipped": self.skipped,
            "duplicates": len(self.duplicates),
            "failed": self.failed,
            "chunks": self.chunks,
            "errors": [str(e) for e in self.errors],
        }


def count_documents(paths: Iterable[Path | str]) -> int:
    """A cheap upper bound for the progress bar: files, plus lines of collections."""
    total = 0
    for path in map(Path, paths):
        files = [f for f in path.rglob("*") if f.suffix.lower() in SUPPORTED] if path.is_dir() else [path]
        for file in files:
            if file.suffix.lower() == ".jsonl" and file.is_file():
                with file.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            else:
                total += 1
    return total


def _batches(items: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(items, size)):
        yield batch


def embedding_text(doc: Document, chunk_text: str) -> str:
    """What is embedded for a chunk: the title gives the chunk its context (who, what)."""
    return f"{doc.title}\n\n{chunk_text}" if doc.title else chunk_text


class Ingestor:
    """Writes documents into a store with one embedder; reusable across calls."""

    def __init__(self, store, embeddings, keyword=None, max_chars: int = 1000, max_file_mb: float | None = None):
        self.store, self.embeddings, self.keyword, self.max_chars = store, embeddings, keyword, max_chars
        self.max_bytes = int(max_file_mb * 1024 * 1024) if max_file_mb else None

    def _write_batch(self, docs: list[Document], report: IngestReport) -> None:
        stored = self.store.stored_hashes([d.doc_id for d in docs])
        fresh: dict[str, Document] = {}
        for doc in docs:  # within a batch the last copy of an id wins
            if stored.get(doc.doc_id) == fingerprint(doc):
                report.skipped += 1
            else:
                fresh[doc.doc_id] = doc
        self._drop_duplicates(fresh, report)
        if not fresh:
            return
        plans = [(doc, chunk_spans(doc.text, self.max_chars)) for doc in fresh.values()]
        texts = [embedding_text(doc, c.text) for doc, chunks in plans for c in chunks]
        texts += [doc.title or doc.text[:300] for doc, _ in plans]
        vectors = as_array(self.embeddings, texts)
        cursor, title_row, items = 0, len(texts) - len(plans), []
        for number, (doc, chunks) in enumerate(plans):
            vectors_of_doc = vectors[cursor : cursor + len(chunks)]
            items.append(StoredDocument(doc, chunks, vectors_of_doc, vectors[title_row + number], fingerprint(doc)))
            cursor += len(chunks)
        self.store.write(items)
        self.store.bump_generation()  # before the keyword rows: a crash between is repaired on rerun
        for item in items:
            if self.keyword is not None:
                doc, date = item.doc, date_int(item.doc.date)
                rows = [
                    (chunk_id(doc.doc_id, c.index), c.text, date, chunk_metadata(doc, c), vector)
                    for c, vector in zip(item.chunks, item.vectors, strict=True)
                ]
                self.keyword.replace(item.doc.doc_id, item.fingerprint, rows)
            report.chunks += len(item.chunks)
            if item.doc.doc_id in stored:
                report.updated += 1
            else:
                report.added += 1

    def _drop_duplicates(self, fresh: dict[str, Document], report: IngestReport) -> None:
        """The same article under another name or from another feed is stored once (first wins)."""
        owners = self.store.owners_of_texts([doc.text_hash() for doc in fresh.values()])
        for doc_id, doc in list(fresh.items()):
            owner = owners.setdefault(doc.text_hash(), doc_id)
            if owner != doc_id:
                report.duplicates.append(f"{doc.origin or doc_id} = {owner}")
                del fresh[doc_id]

    def ingest(
        self, paths: Iterable[Path | str], field_map: FieldMap | None = None, progress: bool | None = None
    ) -> IngestReport:
        """Ingest files/folders; errors are collected in the report, never raised."""
        paths = list(paths)
        report = IngestReport()
        bar = _progress_bar(count_documents(paths), progress)
        for batch in _batches(iter_documents(paths, field_map, self.max_bytes), BATCH_DOCUMENTS):
            docs = [item for item in batch if isinstance(item, Document)]
            report.errors += [item for item in batch if isinstance(item, InputError)]
            self._write_batch(docs, report)
            bar.update(len(batch))
        bar.close()
        if self.keyword is not None:
            self._repair_keyword_index()
        return report

    def _repair_keyword_index(self) -> None:
        """Compare every document hash, not just the generation marker.

        A run killed after writing a batch to Chroma but before its keyword rows leaves documents
        the rerun skips as unchanged, and the marker may already match: only hashes show the gap.
        A repair bumps the marker so other processes' keyword caches re-sync too.
        """
        from rag.keyword import sync

        if sync(self.keyword, self.store, force=True):
            self.store.bump_generation()


def _progress_bar(total: int, progress: bool | None):
    from tqdm import tqdm

    show = progress if progress is not None else (sys.stderr.isatty() and total > BATCH_DOCUMENTS)
    return tqdm(total=total, unit="doc", desc="indexing", disable=not show, file=sys.stderr)
