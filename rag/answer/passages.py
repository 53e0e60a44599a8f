"""Sentence-level evidence: the passages an answer is written from and cites.

Retrieved chunks are split into sentences (offsets into the document, so a passage is always
a verbatim span), each sentence is scored against the question, and the best are kept. The
extractive writer quotes them; a language model gets them, widened by a neighbour sentence,
as a tight numbered context.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from rag.documents import date_from_int
from rag.embeddings import as_array
from rag.lexical import key_terms, overlap, stems
from rag.store import Hit
from rag.text import sentence_spans

SENTENCE_WEIGHT, CHUNK_WEIGHT, LEXICAL_WEIGHT = 0.6, 0.4, 0.2


@dataclass(frozen=True)
class Passage:
    """A verbatim span ``[start, end)`` of document ``doc_id``, with what a citation shows."""

    doc_id: str
    start: int
    end: int
    text: str
    title: str = ""
    url: str = ""
    source: str = ""
    date: int = 0
    place: str = ""
    score: float = 0.0

    @property
    def date_iso(self) -> str:
        value = date_from_int(self.date)
        return value.isoformat() if value else ""


def sentences_of(hits: list[Hit]) -> tuple[list[Passage], list[float]]:
    """Every sentence of the hits once, with the score of the chunk it came from."""
    seen, out, chunk_scores = set(), [], []
    for hit in hits:
        base = hit.meta["start"]
        for start, end in sentence_spans(hit.text):
            key = (hit.doc_id, base + start)
            if key in seen or end - start < 15:
                continue
            seen.add(key)
            out.append(
                Passage(
                    doc_id=hit.doc_id,
                    start=base + start,
                    end=base + end,
                    text=hit.text[start:end],
                    title=hit.meta.get("title", ""),
                    url=hit.meta.get("url", ""),
                    source=hit.meta.get("source", ""),
                    date=hit.meta.get("date", 0),
                    place=hit.meta.get("place", ""),
                )
            )
            chunk_scores.append(hit.score)
    return out, chunk_scores


def rank_sentences(question: str, hits: list[Hit], embeddings, embed: bool = True) -> list[Passage]:
    """Sentences of ``hits``, best first, each carrying its relevance score.

    ``embed=False`` skips embedding the sentences (lexical and chunk scores only): for list
    questions over dozens of documents, where one best line per document is enough.
    """
    candidates, chunk_scores = sentences_of(hits)
    if not candidates:
        return []
    if embed:
        vectors = as_array(embeddings, [question] + [p.text for p in candidates])
        similarity = vectors[1:] @ vectors[0]
    else:
        similarity = np.array(chunk_scores)
    question_stems = stems(question)
    scored = []
    for passage, sim, chunk_score in zip(candidates, similarity, chunk_scores, strict=True):
        lexical = overlap(question_stems, passage.text)
        score = SENTENCE_WEIGHT * float(sim) + CHUNK_WEIGHT * chunk_score + LEXICAL_WEIGHT * lexical
        scored.append(replace(passage, score=round(score, 4)))
    scored.sort(key=lambda p: p.score, reverse=True)
    return scored


def answerable(question: str, passages: list[Passage], document_text) -> list[Passage]:
    """Keep passages whose document names every key term of the question.

    "Energy cooperation with Norway" must not be answered from an article about Serbia, however
    similar the sentences are. ``document_text(doc_id)`` gives the stored text.
    """
    terms = set(key_terms(question))
    if not terms:
        return passages
    keep, verdict = [], {}
    for passage in passages:
        if passage.doc_id not in verdict:
            text = f"{passage.title} {document_text(passage.doc_id)}"
            verdict[passage.doc_id] = overlap(terms, text) == 1.0
        if verdict[passage.doc_id]:
            keep.append(passage)
    return keep


def merge_adjacent(passages: list[Passage], document_text, gap: int = 3) -> list[Passage]:
    """Join passages of one document that touch (≤ ``gap`` characters apart) into one span."""
    ordered = sorted(passages, key=lambda p: (p.doc_id, p.start))
    merged: list[Passage] = []
    for passage in ordered:
        last = merged[-1] if merged else None
        if last and last.doc_id == passage.doc_id and passage.start - last.end <= gap:
            text = document_text(passage.doc_id)[last.start : max(last.end, passage.end)]
            merged[-1] = replace(last, end=max(last.end, passage.end), text=text, score=max(last.score, passage.score))
        else:
            merged.append(passage)
    return merged


def widen(passage: Passage, document_text, sentences: int = 1) -> Passage:
    """The passage plus ``sentences`` neighbouring sentences on each side (context for a model)."""
    text = document_text(passage.doc_id)
    spans = sentence_spans(text)
    index = [i for i, (s, e) in enumerate(spans) if s <= passage.start < e or passage.start <= s < passage.end]
    if not index:
        return passage
    first, last = max(0, index[0] - sentences), min(len(spans) - 1, index[-1] + sentences)
    start, end = spans[first][0], spans[last][1]
    return replace(passage, start=start, end=end, text=text[start:end])


def chronological(passages: list[Passage]) -> list[Passage]:
    """Oldest first, then by position in the document: how a briefing tells a story."""
    return sorted(passages, key=lambda p: (p.date, p.doc_id, p.start))


def best_score(passages: list[Passage]) -> float:
    return float(np.max([p.score for p in passages])) if passages else 0.0
