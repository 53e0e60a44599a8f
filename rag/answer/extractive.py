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

# Calibrated on the sample article and the shared readouts (docs/evaluation.md): relevant
# sentences score above ~0.45, off-topic ones below ~0.35.
MIN_SCORE = 0.40
RELATIVE_FLOOR = 0.80  # keep sentences within 80% of the best one


class ExtractiveWriter(Writer):
    name = "extractive"

    def __init__(self, max_sentences: int = 5, per_document: int = 3, min_score: float = MIN_SCORE):
        self.max_sentences, self.per_document, self.min_score = max_sentences, per_document, min_score

    def sources(self, question: str, ranked: list[Passage], document_text: DocumentText) -> list[Passage]:
        if not ranked or ranked[0].score < self.min_score:
            return []
        floor = max(self.min_score, ranked[0].score * RELATIVE_FLOOR)
        chosen, per_doc = [], {}
        for passage in ranked:
            if passage.score < floor or len(chosen) == self.max_sentences:
                break
            if per_doc.get(passage.doc_id, 0) < self.per_document:
                per_doc[passage.doc_id] = per_doc.get(passage.doc_id, 0) + 1
                chosen.append(passage)
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
