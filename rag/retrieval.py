"""Finding the chunks that can answer a question.

Dense search in Chroma (over-fetched), re-scored with lexical overlap and the question's key
terms, limited to documents dated on or before the as-of date, and spread over documents so
one long briefing cannot fill every slot. ``BriefingRetriever`` exposes the same search as a
LangChain ``BaseRetriever``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever

from rag.documents import date_int
from rag.embeddings import as_array
from rag.lexical import key_terms, overlap, stems
from rag.store import Hit

LEXICAL_WEIGHT = 0.15
KEY_TERM_WEIGHT = 0.10


@dataclass
class SearchRequest:
    question: str
    as_of: date | None = None
    k: int = 8
    per_document: int = 2


class Searcher:
    """Dense + lexical re-scoring over one store."""

    def __init__(self, store, embeddings, fetch: int = 60):
        self.store, self.embeddings, self.fetch = store, embeddings, fetch

    def search(self, request: SearchRequest) -> list[Hit]:
        vector = as_array(self.embeddings, [request.question])[0]
        where = {"date": {"$lte": date_int(request.as_of)}} if request.as_of else None
        hits = self.store.search(vector, max(self.fetch, request.k * 4), where)
        question_stems, terms = stems(request.question), key_terms(request.question)
        for hit in hits:
            haystack = f"{hit.meta.get('title', '')} {hit.text}"
            hit.score += LEXICAL_WEIGHT * overlap(question_stems, haystack)
            if terms:
                hit.score += KEY_TERM_WEIGHT * overlap(set(terms), haystack)
        hits.sort(key=lambda h: h.score, reverse=True)
        return _spread(hits, request.k, request.per_document)


def _spread(hits: list[Hit], k: int, per_document: int) -> list[Hit]:
    """The best ``k`` hits with at most ``per_document`` from any one document."""
    taken: dict[str, int] = {}
    chosen = []
    for hit in hits:
        if taken.get(hit.doc_id, 0) < per_document:
            taken[hit.doc_id] = taken.get(hit.doc_id, 0) + 1
            chosen.append(hit)
            if len(chosen) == k:
                break
    return chosen


class BriefingRetriever(BaseRetriever):
    """LangChain view of :class:`Searcher` (``invoke("question")`` → LangChain documents)."""

    searcher: object
    as_of: date | None = None
    k: int = 8

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        hits = self.searcher.search(SearchRequest(query, self.as_of, self.k))
        return [LCDocument(page_content=h.text, metadata={**h.meta, "score": h.score}, id=h.chunk_id) for h in hits]
