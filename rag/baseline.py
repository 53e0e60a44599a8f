"""The naive baseline we measure against: what a LangChain tutorial builds.

RecursiveCharacterTextSplitter (1000 characters, 200 overlap), the same embedder, Chroma through
``langchain_chroma`` with its default collection settings, top-4 similarity, no filters, no
keyword index, no refusal. Its "answer" is the four retrieved chunks, which is generous: any
key fact in them counts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from rag.documents import Document
from rag.loaders import iter_documents

COLLECTION = "naive_baseline"


@dataclass
class BaselineResult:
    doc_ids: list[str]
    text: str


class NaiveBaseline:
    def __init__(self, folder: Path, embeddings):
        from langchain_chroma import Chroma

        folder.mkdir(parents=True, exist_ok=True)
        self.store = Chroma(collection_name=COLLECTION, embedding_function=embeddings, persist_directory=str(folder))

    def count(self) -> int:
        return self.store._collection.count()

    def build(self, paths: list[Path | str], batch: int = 64) -> dict:
        """Index ``paths`` the naive way (skipped when already built); returns timing."""
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        if self.count():
            return {"chunks": self.count(), "seconds": None, "reused": True}
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        started, texts, metas = time.perf_counter(), [], []
        for item in iter_documents(paths):
            if not isinstance(item, Document):
                continue
            for piece in splitter.split_text(item.text):
                texts.append(piece)
                metas.append({"doc_id": item.url or item.doc_id, "title": item.title})
        for first in range(0, len(texts), batch):
            self.store.add_texts(texts[first : first + batch], metadatas=metas[first : first + batch])
        return {"chunks": len(texts), "seconds": round(time.perf_counter() - started, 1), "reused": False}

    def search(self, question: str, k: int = 4) -> BaselineResult:
        docs = self.store.similarity_search(question, k=k)
        return BaselineResult(
            doc_ids=list(dict.fromkeys(d.metadata["doc_id"] for d in docs)),
            text="\n\n".join(d.page_content for d in docs),
        )
