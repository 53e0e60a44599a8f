"""The extractive writer: no language model, only the most relevant source sentences.

It is deterministic and fast, so it is the default in tests and the fallback whenever a model
fails. It cannot invent: every line is a verbatim sentence (or run of adjacent sentences) of a
source, prefixed with the source's date and outlet.
"""

from __future__ import annotations

from collections.abc import Iterator

from rag.answer.base import DocumentText, Turn, Writer, refusal_text
from rag.answer.passages import Passage, chronological, merge_adjacent
from rag.prompts import render

# Calibrated on the sample article and the evaluation slice (docs/evaluation.md): relevant
# sentences score above ~0.45, off-topic ones below ~0.35.
MIN_SCORE = 0.40
DOCUMENT_BAND = 0.85  # answer from documents whose best sentence is within 85% of the best overall
SENTENCE_BAND = 0.60  # and, inside each, sentences within 60% of that document's best


class ExtractiveWriter(Writer):
    """The best documents first, then their relevant sentences: a readout's substance, not just its opener."""

    name = "extractive"

    def __init__(self, max_documents: int = 3, per_document: int = 4, min_score: float = MIN_SCORE):
        self.max_documents, self.per_document, self.min_score = max_documents, per_document, min_score

    def sources(self, question: str, ranked: list[Passage], document_text: DocumentText) -> list[Passage]:
        if not ranked or ranked[0].score < self.min_score:
            return []
        best_of: dict[str, float] = {}
        for passage in ranked:
            best_of.setdefault(passage.doc_id, passage.score)
        documents = [d for d, s in best_of.items() if s >= ranked[0].score * DOCUMENT_BAND][: self.max_documents]
        chosen = []
        for doc_id in documents:
            floor = max(self.min_score * 0.75, best_of[doc_id] * SENTENCE_BAND)
            chosen += [p for p in ranked if p.doc_id == doc_id and p.score >= floor][: self.per_document]
        return chronological(merge_adjacent(chosen, document_text))

    def stream(self, question: str, sources: list[Passage], history: list[Turn]) -> Iterator[str]:
        if not sources:
            yield refusal_text()
            return
        lines = [
            render("extractive_line.j2", date=s.date_iso, source=s.source, text=" ".join(s.text.split()), n=n)
            for n, s in enumerate(sources, start=1)
        ]
        yield "\n".join(f"- {line}" for line in lines)
