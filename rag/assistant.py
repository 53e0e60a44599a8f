"""The question → cited answer pipeline, shared by the CLI, the UI and Python callers.

    from rag import Assistant, load_settings
    answer = Assistant(load_settings()).ask("What energy cooperation was discussed with Serbia?")
    answer.answer     # '- 2024-12-23, Trend: … production and export of alternative energy was noted. [1]'
    answer.citations  # [Citation(n=1, doc_id='corpus/2024-12-23-…', date='2024-12-23', source='Trend', quote=…)]

``events()`` yields the same work step by step (sources first, then streamed text, then the
final answer) so a UI can show sources before a slow model has written anything. When a model
fails, or answers without a valid citation, the extractive answer is given with a notice.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import Any

from rag.answer.base import Answer, Turn, Writer, is_refusal, refusal_text
from rag.answer.citations import resolve
from rag.answer.decision import Decision, by_usage, decide, gather, supporting
from rag.answer.listing import ListWriter
from rag.answer.passages import Passage, newest_document, rank_sentences, title_matches, without_reporters
from rag.answer.quotes import narrow_quotes
from rag.answer.unmentioned import SubjectCheck
from rag.answer.verify import verify
from rag.filters import Filters, allowed_documents
from rag.memo import Lru
from rag.prompts import render
from rag.retrieval import Searcher, SearchRequest, SearchResult
from rag.search.query import Query, understand
from rag.settings import Settings

LIST_DOCUMENTS = 40
USAGE_DOCUMENTS = 10  # the retrieved documents read to tell a name from an ordinary word (decision.by_usage)


@dataclass
class Weighed:
    """What :meth:`Assistant.weigh` found: the query as the documents settle it, the evidence of
    each retrieved document, the candidate sentences, and each supporting document's best score."""

    query: Query
    evidence: list
    ranked: list[Passage]
    best: dict[str, float]


@dataclass
class Event:
    kind: str  # "status" | "draft" | "sources" | "token" | "answer"
    value: Any


def understood(question: str, as_of: date | None, history: list[Turn] = ()) -> Query:
    """The question as a :class:`rag.search.query.Query`, read in the context of the chat's
    earlier questions: a follow-up ("And with Azerbaijan?") is the previous question with what it
    replaces replaced (:func:`rag.search.query.carry_over`)."""
    day = as_of or date.today()
    previous = None
    for turn in history:
        if turn.role == "user":
            previous = understand(turn.content, day, previous)
        elif previous is not None:
            previous = replace(previous, answer_year=answer_year(turn.content))
    return understand(question, day, previous)


OPENING_CONTACT_BONUS = 0.1


def prefer_reports(ranked: list[Passage], evidence) -> list[Passage]:
    """Asked about a contact, a document that opens by reporting it (a readout, an agency's story)
    is a better source than one that mentions it along the way (a press briefing's answer to a
    reporter): its sentences score :data:`OPENING_CONTACT_BONUS` higher."""
    opening = {e.doc_id for e in evidence if e.opens_with_contact}
    if not opening:
        return ranked
    scored = [replace(p, score=round(p.score + OPENING_CONTACT_BONUS, 4)) if p.doc_id in opening else p for p in ranked]
    return sorted(scored, key=lambda p: p.score, reverse=True)


def answer_year(text: str) -> int | None:
    """The year an answer speaks of: the most frequent year of the dates it gives.

    >>> answer_year("- 2019-07-20, Reuters: … [1]\\n- 2019-07-21, AP: … [2]\\n- 2021-01-02, BBC: … [3]")
    2019
    """
    years = re.findall(r"\b((?:19|20)\d\d)-\d\d-\d\d\b", text)
    return int(Counter(years).most_common(1)[0][0]) if years else None


class Assistant:
    """Holds the loaded components (embedder, store, writers) for many questions."""

    def __init__(self, settings: Settings, *, embeddings=None, store=None, chat_models: dict | None = None):
        self.settings = settings
        self._embeddings, self._store = embeddings, store
        self._chat_models = chat_models or {}
        self._writers: dict[str, Writer] = {}
        self._writers_lock = threading.Lock()  # sessions' threads ask their first questions at once
        self._texts = Lru(256)  # documents' texts: sentences are widened within them
        self._texts_generation: str | None = None  # the store's generation the cached texts are of
        self._generation_lock = threading.Lock()
        # Sentences' vectors, 32 MB at most (about 20,000 of MiniLM's): embedding the candidate
        # sentences is most of the first second, and a follow-up reads the same documents again.
        self.sentence_vectors = Lru(32_000_000, size=lambda vector: vector.nbytes)

    @cached_property
    def embeddings(self):
        from rag.factory import make_embeddings

        return self._embeddings or make_embeddings(self.settings)

    @cached_property
    def store(self):
        from rag.factory import make_store

        return self._store or make_store(self.settings, self.embeddings)

    @cached_property
    def searcher(self) -> Searcher:
        from rag.factory import make_keyword_index

        return Searcher(self.store, self.embeddings, make_keyword_index(self.settings))

    def writer(self, backend: str) -> Writer:
        """The backend's writer; the local model's is asked as :func:`rag.factory.local_writing`
        says for the archive as it is now (uploads can grow it past the threshold)."""
        from rag.factory import make_writer

        writing = self.local_writing() if backend == "local" else ""
        key = f"{backend}:{writing}"
        with self._writers_lock:
            if key not in self._writers:
                self._writers[key] = make_writer(self.settings, backend, self._chat_models.get(backend), writing)
            return self._writers[key]

    def local_writing(self) -> str:
        """How the local model is asked now: :func:`rag.factory.local_writing` for this archive."""
        from rag.factory import local_writing

        return local_writing(self.settings, self.searcher.keyword.chunk_count())

    def loaded(self, backend: str) -> bool:
        """Whether a writer of ``backend`` (and so its model) was made already."""
        with self._writers_lock:
            return any(key.partition(":")[0] == backend for key in self._writers)

    def resolve_backend(self, requested: str | None = None) -> str:
        from rag.factory import resolve_backend

        if (requested or self.settings.backend) == "auto" and self._chat_models:
            return next(iter(self._chat_models))
        return resolve_backend(self.settings, requested)

    def document_text(self, doc_id: str) -> str:
        """Stored full text of a document (a small LRU: sentences are widened within it)."""
        text = self._texts.get(doc_id)
        if text is None:
            found = self.store.document(doc_id)
            text = found[0] if found else ""
            self._texts.put(doc_id, text)
        return text

    def refresh_texts(self) -> None:
        """Empty the text cache once the store was written to (a re-index, an upload, another
        process): a document re-ingested with new text would otherwise be quoted from its old
        text at the new chunks' offsets. One Chroma metadata read (about 0.6 ms): every search
        calls it, and so do readers of texts outside a question (notes, the UI's pages)."""
        generation = self.store.generation()
        with self._generation_lock:
            if generation != self._texts_generation:
                self._texts.clear()
                self._texts_generation = generation

    def search(
        self, query: Query | str, as_of: date | None = None, listing: bool = False, filters: Filters | None = None
    ) -> SearchResult:
        """Retrieval for a question (understood here when given as text)."""
        self.refresh_texts()
        if isinstance(query, str):
            query = understand(query, as_of or date.today())
        scope, documents = query.scope, None
        if filters is not None and filters.active:
            scope = filters.narrow(scope)
            documents = allowed_documents(filters, self.store, self.searcher.keyword)
        k, per_document = (LIST_DOCUMENTS, 1) if listing else (self.settings.top_k + 2, 2)
        request = SearchRequest(
            query.text, as_of, k=k, per_document=per_document, scope=scope, documents=documents, names=query.names
        )
        return self.searcher.search(request)

    def rank(self, query: Query | str, result: SearchResult, listing: bool = False) -> list[Passage]:
        """Candidate sentences, best first, from the documents the decision lets an answer cite."""
        return self.assess(query, result, listing)[0]

    def assess(self, query: Query | str, result: SearchResult, listing: bool = False) -> tuple[list[Passage], Decision]:
        """The ranked sentences an answer may quote and the decision (:mod:`rag.answer.decision`)."""
        weighed = self.weigh(query, result, listing)
        subjects = SubjectCheck(self.searcher.keyword, self.document_text)
        decision = decide(weighed.query, weighed.evidence, weighed.best, subjects)
        return [p for p in weighed.ranked if p.doc_id in decision.documents], decision

    def weigh(self, query: Query | str, result: SearchResult, listing: bool = False) -> Weighed:
        """The evidence the decision reads: each retrieved document's names, roles and contact, and
        the ranked sentences of those that can support an answer with each one's best score.

        Only the sentences of documents naming the question's counterparts are embedded (most of
        an answer's first second). For lists the documents are chosen first on cheap lexical
        scores, preferring those whose titles name the counterparts, then only the chosen
        documents' sentences are embedded to find each one's best line.
        """
        if isinstance(query, str):
            query = understand(query, date.today())
        text_of = self.document_text
        documents = result.first_hits()
        if query.uncertain or query.subjects:
            query = by_usage(
                query, [f"{meta.get('title', '')}\n{text_of(d)}" for d, meta in documents[:USAGE_DOCUMENTS]]
            )
        evidence = gather(query, documents, text_of)
        allowed = {e.doc_id for e in supporting(query, evidence)[0]}
        if listing:
            cheap = rank_sentences(query.text, result.hits, self.embeddings, embed=False)
            allowed &= {p.doc_id for p in title_matches(query.text, [p for p in cheap if p.doc_id in allowed])}

        def keep(passages: list[Passage]) -> list[Passage]:
            return without_reporters([p for p in passages if p.doc_id in allowed], text_of)

        hits = [h for h in result.hits if h.doc_id in allowed]
        ranked = rank_sentences(query.text, hits, self.embeddings, keep=keep, memory=self.sentence_vectors)
        ranked = prefer_reports(ranked, evidence)
        best: dict[str, float] = {}
        for passage in ranked:
            best.setdefault(passage.doc_id, passage.score)
        return Weighed(query, evidence, ranked, best)

    def events(
        self,
        question: str,
        as_of: date | None = None,
        backend: str | None = None,
        history: list[Turn] = (),
        filters: Filters | None = None,
        draft: bool = True,
    ) -> Iterator[Event]:
        """The answer step by step; ``filters`` (dates, outlets, counterparts) narrow retrieval.

        With a model backend the extractive answer (checked quotes and their sources, a few hundred
        milliseconds) comes first as a ``draft`` event, so the reader has sources on screen while
        the model writes for seconds; it is also the answer when the model fails. ``draft=False``
        (batch use) skips it: the extractive answer is then written only if the model fails.
        """
        history = list(history)
        chosen = self.resolve_backend(backend)
        query = understood(question, as_of, history)
        listing = query.kind == "list"
        result = self.search(query, as_of, listing, filters)
        base = {
            "question": question,
            "as_of": as_of.isoformat() if as_of else "",
            "retrieved": result.documents(),
            "understood": query.understood(),
        }
        if result.period_empty or (filters is not None and filters.active and not result.hits):
            text = f"No document in the corpus is dated {result.scope.label}."
            if not result.period_empty:
                text = f"No document in the corpus matches the filters ({filters.label}) and this question."
            decision = Decision("decline", text.removesuffix(".")[0].lower() + text.removesuffix(".")[1:])
            yield Event("answer", Answer(answer=text, backend="extractive", decision=decision, **base))
            return
        ranked, decision = self.assess(query, result, listing)
        base["decision"] = decision
        if decision.outcome == "decline":
            text = render("decline.j2", refusal=refusal_text().rstrip("."), reason=decision.reason)
            yield Event("answer", Answer(answer=text, backend="extractive", **base))
            return
        if listing:
            yield Event("answer", self._write(ListWriter(), query, ranked, "", base))
            return
        if query.kind == "latest":
            ranked = newest_document(ranked)

        def extractive() -> Answer:
            return self._write(self.writer("extractive"), query, ranked, "", base)

        notice, drafted = "", None
        if chosen != "extractive":
            if draft:
                drafted = extractive()
                yield Event("draft", drafted)
            notice = yield from self._model_events(chosen, query, ranked, base)
            if notice is None:
                return
            yield Event("status", notice)
        answer = drafted or extractive()
        answer.notice = notice
        yield Event("answer", answer)

    def _model_events(self, backend: str, query: Query, ranked, base: dict):
        """Stream a model's answer; returns None when it was given, else why it was not (a notice).

        The model is asked the understood question (a follow-up with what it carried over written
        in), not the chat's history. The decision already found that the sources answer: a model
        that declines, or cites nothing it can support, gives way to the extractive answer.
        """
        try:
            yield Event("status", f"writing with the {backend} model…")
            writer = self.writer(backend)
            sources = writer.sources(query.text, ranked, self.document_text)
            yield Event("sources", sources)
            pieces = []
            for piece in writer.stream(query.text, sources, []):
                pieces.append(piece)
                yield Event("token", piece)
        except Exception as error:  # any model/server failure: never a traceback for the user
            return f"The {backend} backend failed ({_short(error)}); answering extractively."
        answer = Answer(answer="".join(pieces), backend=backend, **base)
        answer = self.checked(answer, sources, writer.keeps_unverified)
        if not answer.citations:
            if is_refusal(answer.answer):
                return f"The {backend} model declined, but the sources answer it; quoting them instead."
            return f"No sentence of the {backend} model's answer is supported by its sources; showing them instead."
        _lead_partial(answer)
        yield Event("answer", answer)
        return None

    def checked(self, answer: Answer, sources: list[Passage], keep_unverified: bool = True) -> Answer:
        """The answer after the verifier: unsupported sentences removed or marked, markers resolved."""
        verified = verify(
            answer.answer, sources, self.embeddings, keep_unverified=keep_unverified, question=answer.question
        )
        text, citations = resolve(verified.text, sources)
        answer.answer, answer.checks = text, verified.checks
        answer.citations = narrow_quotes(citations, verified.quote_spans, self.document_text)
        return answer

    def _write(self, writer: Writer, query: Query, ranked, notice: str, base: dict) -> Answer:
        """A whole answer from a writer that cannot fail (extractive, list)."""
        sources = writer.sources(query.text, ranked, self.document_text)
        text = "".join(writer.stream(query.text, sources, []))
        answer = self.checked(Answer(answer=text, backend=writer.name, notice=notice, **base), sources)
        return _lead_partial(answer)

    def ask(
        self, question: str, as_of: date | None = None, backend: str | None = None, history=(), filters=None
    ) -> Answer:
        """The final answer (consumes :meth:`events`)."""
        for event in self.events(question, as_of, backend, history, filters, draft=False):
            if event.kind == "answer":
                return event.value
        raise RuntimeError("the pipeline ended without an answer")  # unreachable by construction


def _lead_partial(answer: Answer) -> Answer:
    """A partial answer opens with what the sources do not mention (``prompts/partial.j2``)."""
    decision = answer.decision
    if decision is not None and decision.outcome == "partial" and answer.citations:
        answer.answer = render("partial.j2", missing=decision.missing) + "\n\n" + answer.answer
    return answer


def _short(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text[:200]
