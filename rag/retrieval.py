"""Finding the documents that can answer a question: hybrid, date-aware, spread over documents.

1. The question's period is resolved against the as-of date ("in March 2022", "since April",
   "last month"); documents dated outside it are filtered out in both indexes. A period with no
   documents is reported as such, never silently widened.
2. Dense search (Chroma, cosine) and keyword search (SQLite FTS5, BM25) each return a ranking;
   they are fused with reciprocal-rank fusion together with a third ranking by how many of the
   question's names (countries, people) a chunk mentions.
3. "Latest"/"most recent" questions prefer the newest of the relevant documents.
4. At most ``per_document`` chunks per document, so one long briefing cannot fill every slot.

``hit.score`` stays a calibrated relevance (cosine plus lexical bonuses) that answer writers
threshold on; the fused rank only orders. ``BriefingRetriever`` is the LangChain view.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever

from rag.dates import DateScope, parse_scope
from rag.documents import FOREVER, date_int
from rag.embeddings import as_array
from rag.lexical import key_terms, name_coverage, overlap, stems
from rag.store import Hit
from rag.vectors import VectorTable

LEXICAL_WEIGHT = 0.15
KEY_TERM_WEIGHT = 0.10
RRF_K = 60
ID_SEARCH_LIMIT = 30000  # up to this many chunks in a period, search among their ids (docs/benchmarks.md)
LATEST_BAND = 0.9  # "latest": the newest among hits scoring within 90% of the best


@dataclass
class SearchRequest:
    question: str
    as_of: date | None = None
    k: int = 8
    per_document: int = 2
    scope: DateScope | None = None  # an explicit period (briefing --since/--until) instead of the question's
    documents: frozenset[str] | None = None  # only these documents (the sidebar's filters); None: all
    names: tuple[str, ...] | None = None  # the question's names (rag.search.query); None: read from the question


@dataclass
class SearchResult:
    hits: list[Hit]
    scope: DateScope = field(default_factory=DateScope)
    period_empty: bool = False  # the question's period holds no document at all

    def documents(self) -> list[str]:
        """Documents (url, else id) in rank order: what an answer reports as retrieved."""
        return list(dict.fromkeys(h.meta.get("url") or h.doc_id for h in self.hits))

    def first_hits(self) -> list[tuple[str, dict]]:
        """Each document once, in rank order, with its best hit's metadata."""
        seen: dict[str, dict] = {}
        for hit in self.hits:
            seen.setdefault(hit.doc_id, hit.meta)
        return list(seen.items())


def date_filter(since: int, until: int) -> dict | None:
    parts = []
    if since:
        parts.append({"date": {"$gte": since}})
    if until:
        parts.append({"date": {"$lte": until}})
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}


def rrf(rankings: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal-rank fusion: ``sum(1 / (k + rank))`` over the rankings an id appears in.

    >>> sorted(rrf([["a", "b"], ["b", "c"]]).items())
    [('a', 0.01639344262295082), ('b', 0.03252247488101534), ('c', 0.016129032258064516)]
    """
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank + 1)
    return fused


class Searcher:
    """Hybrid search over one store and its keyword index."""

    def __init__(self, store, embeddings, keyword=None, fetch: int = 60, sync_every: float = 5.0):
        self.store, self.embeddings, self.keyword = store, embeddings, keyword
        self.vectors = VectorTable(keyword) if keyword is not None else None
        self.fetch, self.sync_every = fetch, sync_every
        self._synced_at = 0.0
        self._sync_lock = threading.Lock()

    def _sync_keyword_index(self) -> None:
        """Catch up with documents another process ingested (cheap when nothing changed)."""
        if self.keyword is None or time.monotonic() - self._synced_at < self.sync_every:
            return
        from rag.keyword import sync

        with self._sync_lock:
            sync(self.keyword, self.store)
            self._synced_at = time.monotonic()

    def search(self, request: SearchRequest) -> SearchResult:
        as_of = request.as_of or date.today()
        scope = request.scope or parse_scope(request.question, as_of)
        since = date_int(scope.since)
        # Without a period or an explicit as-of date nothing is filtered (a filter slows HNSW).
        bounded = scope.since or scope.until or request.as_of
        until = date_int(min(scope.until or as_of, as_of)) if bounded else 0
        where = date_filter(since, until)
        if (scope.since or scope.until) and not self._period_has_documents(since, until, where):
            return SearchResult([], scope, period_empty=True)
        vector = as_array(self.embeddings, [request.question])[0]
        fetch = max(self.fetch, request.k * 4)
        if request.documents is not None:
            dense = self._among(vector, fetch, request.documents, since, until, where)
        else:
            dense = self._dense(vector, fetch, since, until, where, period=bool(scope.since or scope.until))
        hits = {h.chunk_id: h for h in dense}
        sparse: list[str] = []
        if self.keyword is not None:
            self._sync_keyword_index()
            sparse = [chunk for chunk, _ in self.keyword.search(request.question, fetch, since, until or FOREVER)]
            if request.documents is not None:
                sparse = [c for c in sparse if c.rsplit("#", 1)[0] in request.documents]
            missing = [c for c in sparse if c not in hits]
            hits.update((h.chunk_id, h) for h in self._load([(c, None) for c in missing], vector))
        names = request.names if request.names is not None else tuple(key_terms(request.question))
        ranked = self._fuse(request.question, names, list(hits.values()), [h.chunk_id for h in dense], sparse)
        if scope.latest:
            ranked = _newest_first(ranked)
        return SearchResult(_spread(ranked, request.k, request.per_document), scope)

    def _dense(self, vector, fetch: int, since: int, until: int, where: dict | None, period: bool) -> list[Hit]:
        """Nearest chunks in the dates: HNSW over the archive, exact in numpy within a period.

        A period of up to 30,000 chunks is scored exactly in memory (``rag.vectors``). An as-of
        date alone, or a larger period, hardly narrows an archive: HNSW searches it unfiltered
        and chunks outside the dates are dropped; only when too few are left is the whole
        period scored.
        """
        if not self._vectors_ready():
            return self._dense_in_chroma(vector, fetch, since, until, where, period)
        if where is None:
            return self._load(self.store.nearest_ids(vector, fetch), vector)
        until = until or FOREVER
        if period:
            found = self.vectors.nearest(vector, fetch, since, until, limit=ID_SEARCH_LIMIT)
            if found is not None:
                return self._load(found, vector)
        wider = self._load(self.store.nearest_ids(vector, fetch * (4 if period else 2)), vector)
        hits = [h for h in wider if since <= h.meta.get("date", 0) <= until]
        if len(hits) >= fetch // 2:
            return hits[:fetch]
        return self._load(self.vectors.nearest(vector, fetch, since, until), vector)

    def _dense_in_chroma(self, vector, fetch: int, since: int, until: int, where: dict | None, period: bool):
        """The same search in Chroma alone: without a keyword index, or before it holds vectors."""
        if where is None:
            return self.store.search(vector, fetch)
        if period and self.keyword is not None:
            ids = self.keyword.chunk_ids_in_range(since, until or FOREVER, limit=ID_SEARCH_LIMIT)
            if ids is not None:
                return self.store.search(vector, fetch, ids=ids)
        wider = fetch * (4 if period else 2)
        hits = [h for h in self.store.search(vector, wider) if since <= h.meta.get("date", 0) <= (until or FOREVER)]
        if len(hits) >= fetch // 2:
            return hits[:fetch]
        return self.store.search(vector, fetch, where)

    def _vectors_ready(self) -> bool:
        if self.vectors is None:
            return False
        self._sync_keyword_index()
        return self.vectors.complete()

    def _load(self, scored: list[tuple[str, float | None]], vector) -> list[Hit]:
        """Hits for ``(chunk_id, score)`` pairs, in order; a None score is computed here.

        Texts and metadata come from the keyword index; chunks it does not hold yet (written
        to Chroma by another process since the last sync) are read from Chroma.
        """
        rows = self.keyword.chunk_rows([c for c, _ in scored]) if self.keyword is not None else {}
        missing = [c for c, _ in scored if c not in rows]
        from_store = {h.chunk_id: h for h in self.store.get_chunks(missing, vector)}
        hits = []
        for chunk, score in scored:
            if chunk in rows:
                text, meta, row_vector = rows[chunk]
                hits.append(Hit(chunk, text, meta, float(row_vector @ vector) if score is None else score))
            elif chunk in from_store:
                hits.append(from_store[chunk])
        return hits

    def _among(self, vector, fetch: int, documents: frozenset[str], since: int, until: int, where) -> list[Hit]:
        """Nearest chunks of the allowed documents."""
        if not documents:
            return []
        if self.keyword is None:
            only = {"doc_id": {"$in": sorted(documents)}}
            return self.store.search(vector, fetch, {"$and": [where, only]} if where else only)
        if self._vectors_ready():
            rowids = self.keyword.rowids_of(documents)
            return self._load(self.vectors.nearest(vector, fetch, since, until or FOREVER, rowids=rowids), vector)
        ids = self.keyword.chunk_ids_of(documents, since, until or FOREVER)
        return self.store.search(vector, fetch, ids=ids) if ids else []

    def _period_has_documents(self, since: int, until: int, where: dict | None) -> bool:
        if self.keyword is not None:
            self._sync_keyword_index()
            return self.keyword.any_in_range(since, until)
        return self.store.any_chunk(where)

    def _fuse(self, question: str, names, hits: list[Hit], dense: list[str], sparse: list[str]) -> list[Hit]:
        question_stems, terms = stems(question), set(names)
        coverage = {}
        for hit in hits:
            haystack = f"{hit.meta.get('title', '')} {hit.text}"
            coverage[hit.chunk_id] = name_coverage(terms, haystack)
            hit.score += LEXICAL_WEIGHT * overlap(question_stems, haystack) + KEY_TERM_WEIGHT * coverage[hit.chunk_id]
        rankings = [dense, sparse] if sparse else [dense]
        if terms:
            rankings.append(sorted(coverage, key=lambda c: -coverage[c]))
        fused = rrf(rankings)
        return sorted(hits, key=lambda h: fused.get(h.chunk_id, 0.0), reverse=True)


def _newest_first(hits: list[Hit]) -> list[Hit]:
    if not hits:
        return hits
    best = max(h.score for h in hits)
    band = [h for h in hits if h.score >= best * LATEST_BAND]
    rest = [h for h in hits if h.score < best * LATEST_BAND]
    return sorted(band, key=lambda h: h.meta.get("date", 0), reverse=True) + rest


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
        result = self.searcher.search(SearchRequest(query, self.as_of, self.k))
        return [
            LCDocument(page_content=h.text, metadata={**h.meta, "score": h.score}, id=h.chunk_id) for h in result.hits
        ]
