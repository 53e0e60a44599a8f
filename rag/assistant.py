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
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from rag.answer.base import Answer, Turn, Writer, is_refusal
from rag.answer.citations import resolve
from rag.answer.listing import ListWriter, is_list_question
from rag.answer.passages import (
    Passage,
    answerable,
    answering_sentences,
    newest_document,
    rank_sentences,
    title_matches,
    without_reporters,
)
from rag.answer.quotes import narrow_quotes
from rag.answer.unmentioned import declined, unmentioned
from rag.answer.verify import verify
from rag.dates import parse_scope
from rag.filters import Filters, allowed_documents
from rag.memo import Lru
from rag.retrieval import Searcher, SearchRequest, SearchResult
from rag.settings import Settings

LIST_DOCUMENTS = 40
_FOLLOW_UP = re.compile(
    r"^(and|but|also|what about|how about|then)\b|\b(it|they|them|that|this|those|he|she|his|her)\b", re.I
)


@dataclass
class Event:
    kind: str  # "status" | "draft" | "sources" | "token" | "answer"
    value: Any


def retrieval_query(question: str, history: list[Turn]) -> str:
    """A follow-up ("and what about tourism?") is searched together with the previous question."""
    previous = [t.content for t in history if t.role == "user"]
    if previous and (len(question.split()) <= 6 or _FOLLOW_UP.search(question)):
        return f"{previous[-1]} {question}"
    return question


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
        self, query: str, as_of: date | None, listing: bool = False, filters: Filters | None = None
    ) -> SearchResult:
        self.refresh_texts()
        scope = documents = None
        if filters is not None and filters.active:
            scope = filters.narrow(parse_scope(query, as_of or date.today()))
            documents = allowed_documents(filters, self.store, self.searcher.keyword)
        if listing:
            request = SearchRequest(query, as_of, k=LIST_DOCUMENTS, per_document=1, scope=scope, documents=documents)
        else:
            request = SearchRequest(query, as_of, k=self.settings.top_k + 2, scope=scope, documents=documents)
        return self.searcher.search(request)

    def rank(self, query: str, result: SearchResult, listing: bool = False) -> list[Passage]:
        """Candidate sentences, best first, from documents that name the question's key terms.

        For lists the documents are chosen first on cheap lexical scores (dozens of them), then
        only the chosen documents' sentences are embedded to find each one's best line.
        """
        text_of = self.document_text
        if not listing:
            return answering_sentences(query, result.hits, self.embeddings, text_of, self.sentence_vectors)
        cheap = answerable(query, rank_sentences(query, result.hits, self.embeddings, embed=False), text_of)
        chosen = {p.doc_id for p in title_matches(query, cheap)}
        chosen_hits = [h for h in result.hits if h.doc_id in chosen]

        def keep(passages: list[Passage]) -> list[Passage]:
            return without_reporters(passages, text_of)

        return rank_sentences(query, chosen_hits, self.embeddings, keep=keep, memory=self.sentence_vectors)

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
        listing = is_list_question(question)
        query = retrieval_query(question, history)
        result = self.search(query, as_of, listing, filters)
        base = {
            "question": question,
            "as_of": as_of.isoformat() if as_of else "",
            "retrieved": result.documents(),
        }
        if result.period_empty or (filters is not None and filters.active and not result.hits):
            text = f"No document in the corpus is dated {result.scope.label}."
            if not result.period_empty:
                text = f"No document in the corpus matches the filters ({filters.label}) and this question."
            yield Event("answer", Answer(answer=text, backend="extractive", **base))
            return
        ranked = self.rank(query, result, listing)
        missing = unmentioned(question, {p.doc_id for p in ranked}, self.searcher.keyword)
        if missing:  # a subject no matching document covers: nothing to write from, by any writer
            yield Event("answer", Answer(answer=declined(missing), backend="extractive", **base))
            return
        if listing:
            yield Event("answer", self._write(ListWriter(), question, ranked, history, "", base))
            return
        if result.scope.latest:
            ranked = newest_document(ranked)

        def extractive() -> Answer:
            return self._write(self.writer("extractive"), question, ranked, history, "", base)

        notice, drafted = "", None
        if chosen != "extractive":
            if draft:
                drafted = extractive()
                yield Event("draft", drafted)
            notice = yield from self._model_events(chosen, question, ranked, history, base)
            if notice is None:
                return
            yield Event("status", notice)
        answer = drafted or extractive()
        answer.notice = notice
        yield Event("answer", answer)

    def _model_events(self, backend: str, question: str, ranked, history, base: dict):
        """Stream a model's answer; returns None when it was given, else why it was not (a notice)."""
        try:
            yield Event("status", f"writing with the {backend} model…")
            writer = self.writer(backend)
            sources = writer.sources(question, ranked, self.document_text)
            yield Event("sources", sources)
            pieces = []
            for piece in writer.stream(question, sources, history):
                pieces.append(piece)
                yield Event("token", piece)
        except Exception as error:  # any model/server failure: never a traceback for the user
            return f"The {backend} backend failed ({_short(error)}); answering extractively."
        answer = Answer(answer="".join(pieces), backend=backend, **base)
        answer = self.checked(answer, sources, writer.keeps_unverified)
        if not answer.citations and not is_refusal(answer.answer):
            return f"No sentence of the {backend} model's answer is supported by its sources; showing them instead."
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

    def _write(self, writer: Writer, question: str, ranked, history, notice: str, base: dict) -> Answer:
        """A whole answer from a writer that cannot fail (extractive, list)."""
        sources = writer.sources(question, ranked, self.document_text)
        text = "".join(writer.stream(question, sources, history))
        return self.checked(Answer(answer=text, backend=writer.name, notice=notice, **base), sources)

    def ask(
        self, question: str, as_of: date | None = None, backend: str | None = None, history=(), filters=None
    ) -> Answer:
        """The final answer (consumes :meth:`events`)."""
        for event in self.events(question, as_of, backend, history, filters, draft=False):
            if event.kind == "answer":
                return event.value
        raise RuntimeError("the pipeline ended without an answer")  # unreachable by construction


def _short(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text[:200]
