"""The Chroma store: chunks (embedded, with offsets) and documents (full text, content hash).

Two collections share one prefix:

* ``<prefix>_chunks``: one record per chunk; ``document`` is ``text[start:end]`` of its
  document, metadata carries the document's id, offsets and dates (YYYYMMDD integers so
  ``$gte``/``$lte`` filters work).
* ``<prefix>_documents``: one record per document with the full text (quotes are checked
  against it) and the content hash that makes re-ingestion idempotent. Its embedding is the
  title's. It is written *after* the chunks, so a document whose record exists is complete.

The same class talks to an embedded ``PersistentClient`` or to a ``chroma run`` server.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from rag.documents import Document, date_int
from rag.settings import Settings, SettingsError
from rag.text import Chunk

# Exact-enough search on near-duplicate news text: HNSW defaults lose gold passages there.
HNSW = {"hnsw": {"space": "cosine", "ef_search": 256, "ef_construction": 200, "max_neighbors": 32}}


@dataclass
class Hit:
    """A retrieved chunk: its text is ``document_text[start:end]``."""

    chunk_id: str
    text: str
    meta: dict
    score: float  # cosine similarity, higher is closer

    @property
    def doc_id(self) -> str:
        return self.meta["doc_id"]


@dataclass
class StoredDocument:
    """A document ready to store: its chunks, their vectors, its title's vector, its fingerprint."""

    doc: Document
    chunks: list[Chunk]
    vectors: np.ndarray
    title_vector: np.ndarray
    fingerprint: str


def make_client(settings: Settings):
    """An embedded client in ``data_dir``, or an HTTP client when ``RAG_CHROMA_URL`` is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if not url.hostname:
            raise SettingsError(f"RAG_CHROMA_URL: '{settings.chroma_url}' is not a URL like http://127.0.0.1:8000")
        return chromadb.HttpClient(
            host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https", settings=chroma_settings
        )
    path = Path(settings.data_dir) / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def chunk_id(doc_id: str, index: int) -> str:
    return f"{doc_id}#{index}"


def chunk_metadata(doc: Document, chunk: Chunk) -> dict:
    return {
        "doc_id": doc.doc_id,
        "chunk": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
        **document_metadata(doc),
    }


def document_metadata(doc: Document) -> dict:
    """What a citation shows, in Chroma's flat metadata types (no ``None``)."""
    return {
        "title": doc.title,
        "url": doc.url,
        "source": doc.source,
        "place": doc.place,
        "date": date_int(doc.date),
        "published": date_int(doc.published),
    }


class ChromaStore:
    """Chunks and documents of one index; all Chroma calls of the product live here."""

    def __init__(self, settings: Settings, embedding_function, embedder: str):
        self.client = make_client(settings)
        self.embedder = embedder
        prefix = settings.collection_prefix
        self._embedding_function = embedding_function
        self.chunks = self._collection(f"{prefix}_chunks", embedding_function)
        self.documents = self._collection(f"{prefix}_documents", embedding_function)

    def _collection(self, name: str, embedding_function):
        collection = self.client.get_or_create_collection(
            name, configuration=HNSW, metadata={"embedder": self.embedder}, embedding_function=embedding_function
        )
        built_with = (collection.metadata or {}).get("embedder")
        if built_with and built_with != self.embedder:
            raise SettingsError(
                f"the index '{name}' was built with embeddings '{built_with}', not '{self.embedder}': "
                "set RAG_EMBEDDINGS back, or use another RAG_DATA_DIR / RAG_COLLECTION_PREFIX"
            )
        return collection

    def generation(self) -> str:
        """Changes whenever documents are written or deleted (read fresh: another process may write)."""
        name = self.documents.name
        current = self.client.get_collection(name, embedding_function=self._embedding_function)
        return (current.metadata or {}).get("generation", "")

    def bump_generation(self) -> None:
        import uuid

        self.documents.modify(metadata={"embedder": self.embedder, "generation": uuid.uuid4().hex})

    def stored_hashes(self, doc_ids: list[str]) -> dict[str, str]:
        """``doc_id -> content hash`` for the ids already stored completely."""
        if not doc_ids:
            return {}
        found = self.documents.get(ids=list(dict.fromkeys(doc_ids)), include=["metadatas"])
        return {i: m.get("hash", "") for i, m in zip(found["ids"], found["metadatas"], strict=True)}

    def write(self, items: list[StoredDocument]) -> None:
        """Replace these documents' chunks, then record the documents (the commit marker).

        One call per collection for a whole batch: per-document calls cost a fifth of ingest time.
        """
        ids = [item.doc.doc_id for item in items]
        self.chunks.delete(where={"doc_id": {"$in": ids}})
        chunked = [item for item in items if item.chunks]
        if chunked:
            self.chunks.add(
                ids=[chunk_id(i.doc.doc_id, c.index) for i in chunked for c in i.chunks],
                documents=[c.text for i in chunked for c in i.chunks],
                embeddings=np.concatenate([i.vectors for i in chunked]),
                metadatas=[chunk_metadata(i.doc, c) for i in chunked for c in i.chunks],
            )
        metas = [
            {
                **document_metadata(i.doc),
                "hash": i.fingerprint,
                "text_hash": i.doc.text_hash(),
                "chunks": len(i.chunks),
                "file": i.doc.origin,
            }
            for i in items
        ]
        self.documents.upsert(
            ids=ids, documents=[i.doc.text for i in items], embeddings=[i.title_vector for i in items], metadatas=metas
        )

    def owners_of_texts(self, text_hashes: list[str]) -> dict[str, str]:
        """``text hash -> doc_id`` of stored documents with that exact text (duplicate check)."""
        if not text_hashes:
            return {}
        found = self.documents.get(where={"text_hash": {"$in": list(set(text_hashes))}}, include=["metadatas"])
        return {m["text_hash"]: i for i, m in zip(found["ids"], found["metadatas"], strict=True)}

    def document_hashes(self, page: int = 5000) -> dict[str, str]:
        """``doc_id -> content hash`` of every complete document."""
        return {doc_id: meta.get("hash", "") for doc_id, meta in self.document_metadatas(page)}

    def document_metadatas(self, page: int = 5000) -> Iterator[tuple[str, dict]]:
        """``(doc_id, metadata)`` of every complete document (paged: archives are large)."""
        offset = 0
        while True:
            found = self.documents.get(include=["metadatas"], limit=page, offset=offset)
            yield from zip(found["ids"], found["metadatas"], strict=True)
            if len(found["ids"]) < page:
                return
            offset += page

    def chunks_of(self, doc_ids: list[str]) -> dict[str, list[tuple[str, str, int, dict, np.ndarray]]]:
        """``doc_id -> [(chunk_id, text, date, metadata, vector)]`` for the keyword index."""
        found = self.chunks.get(
            where={"doc_id": {"$in": list(doc_ids)}}, include=["documents", "metadatas", "embeddings"]
        )
        out: dict[str, list] = {}
        rows = zip(found["ids"], found["documents"], found["metadatas"], found["embeddings"], strict=True)
        for chunk_id, text, meta, vector in rows:
            out.setdefault(meta["doc_id"], []).append((chunk_id, text, meta.get("date", 0), meta, vector))
        return out

    def get_chunks(self, chunk_ids: list[str], vector: np.ndarray) -> list[Hit]:
        """Chunks by id (keyword hits), scored by cosine similarity to ``vector``."""
        if not chunk_ids:
            return []
        found = self.chunks.get(ids=list(chunk_ids), include=["documents", "metadatas", "embeddings"])
        rows = zip(found["ids"], found["documents"], found["metadatas"], found["embeddings"], strict=True)
        return [Hit(i, text, meta, float(np.dot(emb, vector))) for i, text, meta, emb in rows]

    def delete(self, doc_id: str) -> None:
        self.documents.delete(ids=[doc_id])
        self.chunks.delete(where={"doc_id": doc_id})
        self.bump_generation()

    def document(self, doc_id: str) -> tuple[str, dict] | None:
        """The stored full text and metadata of a document."""
        found = self.documents.get(ids=[doc_id], include=["documents", "metadatas"])
        if not found["ids"]:
            return None
        return found["documents"][0], found["metadatas"][0]

    def search(self, vector: np.ndarray, k: int, where: dict | None = None, ids: list[str] | None = None) -> list[Hit]:
        """The ``k`` chunks nearest to ``vector``, optionally among ``ids`` or filtered on metadata.

        Searching among ids (chunks of a period, looked up in the keyword index) is 3–10× faster
        than a metadata filter in Chroma (docs/benchmarks.md).
        """
        if ids is not None and not ids:
            return []
        result = self.chunks.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=k if ids is None else min(k, len(ids)),
            where=where or None,
            ids=ids,
            include=["documents", "metadatas", "distances"],
        )
        rows = zip(
            result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0], strict=True
        )
        return [Hit(i, text, meta, 1.0 - float(dist)) for i, text, meta, dist in rows]

    def nearest_ids(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """``(chunk_id, cosine)`` of the ``k`` nearest chunks, without reading their texts.

        HNSW alone takes ~5 ms at 100k chunks; reading 120 results' documents and metadata
        from Chroma took another ~40 ms, which the keyword index serves in ~2 (docs/benchmarks.md).
        """
        result = self.chunks.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=k, include=["distances"]
        )
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]

    def any_chunk(self, where: dict | None) -> bool:
        """Whether any chunk matches ``where`` (a date filter that matches nothing is reported)."""
        return bool(self.chunks.get(where=where or None, limit=1, include=[])["ids"])

    def stats(self) -> dict:
        return {"documents": self.documents.count(), "chunks": self.chunks.count()}
