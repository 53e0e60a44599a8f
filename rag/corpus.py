"""The corpus as a user manages it: list the indexed documents, add files, delete, re-index.

Used by the app's Corpus page and from Python; every write takes the data folder's ingest lock
(one writer at a time) and keeps the keyword index in step with Chroma.

    from rag.corpus import Corpus
    corpus = Corpus(assistant.store, assistant.embeddings, assistant.searcher.keyword, settings.data_dir)
    corpus.documents()                 # [DocumentRow(title=…, date='2024-12-23', outlet='Trend', chunks=3)]
    corpus.delete(["corpus/uploads/note.txt"])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rag.documents import date_from_int
from rag.ingest import Ingestor, IngestReport
from rag.locking import ingest_lock

Progress = Callable[[int, int, str], None]  # (done, total, file name)


@dataclass(frozen=True)
class DocumentRow:
    doc_id: str
    title: str
    date: str  # ISO, or "" when unknown
    outlet: str
    chunks: int
    url: str = ""


def row(doc_id: str, meta: dict) -> DocumentRow:
    when = date_from_int(meta.get("date"))
    return DocumentRow(
        doc_id=doc_id,
        title=meta.get("title") or doc_id,
        date=when.isoformat() if when else "",
        outlet=meta.get("source", ""),
        chunks=int(meta.get("chunks", 0)),
        url=meta.get("url", ""),
    )


def matching(rows: list[DocumentRow], text: str) -> list[DocumentRow]:
    """Rows whose title, outlet, date or id contain ``text`` (case-insensitive).

    >>> rows = [DocumentRow("a", "Serbia energy", "2024-12-23", "Trend", 3), DocumentRow("b", "Japan", "", "AP", 1)]
    >>> [r.doc_id for r in matching(rows, "trend")], len(matching(rows, ""))
    (['a'], 2)
    """
    needle = text.strip().casefold()
    if not needle:
        return rows
    return [r for r in rows if needle in f"{r.title}\n{r.outlet}\n{r.date}\n{r.doc_id}".casefold()]


class Corpus:
    """One index's documents: Chroma (the truth) and its keyword cache, plus the uploads folder."""

    def __init__(
        self, store, embeddings, keyword, data_dir: Path, uploads: Path | None = None, max_file_mb: float | None = None
    ):
        self.store, self.embeddings, self.keyword = store, embeddings, keyword
        self.data_dir, self.uploads, self.max_file_mb = Path(data_dir), uploads, max_file_mb

    def documents(self) -> list[DocumentRow]:
        """Every stored document, newest first."""
        rows = [row(doc_id, meta) for doc_id, meta in self.store.document_metadatas()]
        return sorted(rows, key=lambda r: (r.date, r.title), reverse=True)

    def outlets(self) -> list[str]:
        return sorted({r.outlet for r in self.documents() if r.outlet})

    def ingest(self, paths: Iterable[Path], progress: Progress | None = None, steps: int = 50) -> IngestReport:
        """Index files in at most ``steps`` groups (so a progress bar moves), all under one lock.

        Each group ends with a keyword-index check over every document, so a thousand files are
        not a thousand checks. Errors are collected in the report, never raised.
        """
        paths, total = list(paths), IngestReport()
        size = max(1, -(-len(paths) // steps))
        ingestor = Ingestor(self.store, self.embeddings, self.keyword, max_file_mb=self.max_file_mb)
        with ingest_lock(self.data_dir):
            for first in range(0, len(paths), size):
                if progress:
                    progress(first, len(paths), Path(paths[first]).name)
                merge(total, ingestor.ingest(paths[first : first + size], progress=False))
        if progress:
            progress(len(paths), len(paths), "")
        return total

    def delete(self, doc_ids: Iterable[str]) -> int:
        """Remove documents from Chroma and the keyword index, and their uploaded files.

        A file of the uploads folder would come back at the next re-index, so it goes too; other
        files are the user's own and are left alone (the message says so).
        """
        removed = 0
        with ingest_lock(self.data_dir):
            for doc_id in doc_ids:
                stored = self.store.document(doc_id)
                self.store.delete(doc_id)
                if self.keyword is not None:
                    self.keyword.delete(doc_id)
                origin = stored[1].get("file") if stored else None
                self._remove_upload(origin or doc_id)
                removed += 1
        return removed

    def _remove_upload(self, origin: str) -> None:
        """Delete the uploaded file a document came from (``origin``: its path; an HTML page's
        document id is its canonical url, so the path is kept in the metadata). A line of a JSONL
        collection (``path:line``) is not a file: the collection stays."""
        if self.uploads is None or "://" in origin:
            return
        path = Path(origin).resolve()
        if path.is_file() and path.parent == self.uploads.resolve():
            path.unlink()

    def reindex(self, folders: Iterable[Path], progress: Progress | None = None) -> IngestReport:
        """Re-read the corpus folders (only new or changed documents are embedded) and re-check the keyword index."""
        files = [f for folder in folders if Path(folder).exists() for f in sorted(_files(Path(folder)))]
        return self.ingest(files, progress)


def _files(folder: Path) -> list[Path]:
    from rag.loaders import SUPPORTED

    return [
        f for f in folder.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED and not f.name.startswith(".")
    ]


def merge(total: IngestReport, part: IngestReport) -> None:
    total.added += part.added
    total.updated += part.updated
    total.skipped += part.skipped
    total.chunks += part.chunks
    total.duplicates += part.duplicates
    total.errors += part.errors
