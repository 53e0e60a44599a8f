"""Sentence-level evidence: the passages an answer is written from and cites.

Retrieved chunks are split into sentences (offsets into the document, so a passage is always
a verbatim span), each sentence is scored against the question, and the best are kept. The
extractive writer quotes them; a language model gets them, widened by a neighbour sentence,
as a tight numbered context.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from rag.documents import date_from_int
from rag.embeddings import distinct_vectors
from rag.lexical import key_terms, names_in, overlap, stems
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
    # What a model reading this passage alone needs and the span does not give: its document's
    # opening sentence ("Secretary Blinken spoke with President Masisi …" for "The Secretary
    # noted …"). Shown to the model, never quoted or cited.
    opening: str = ""

    @property
    def date_iso(self) -> str:
        value = date_from_int(self.date)
        return value.isoformat() if value else ""


def sentences_of(hits: list[Hit]) -> list[Passage]:
    """Every sentence of the hits once, scored with the chunk it came from."""
    seen, out = set(), []
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
                    score=hit.score,
                )
            )
    return out


def rank_sentences(
    question: str, hits: list[Hit], embeddings, embed: bool = True, keep: Callable | None = None, memory=None
) -> list[Passage]:
    """Sentences of ``hits``, best first, each carrying its relevance score.

    ``keep`` (passages in, the ones to keep out) filters the sentences before any is embedded:
    embedding them is most of an answer's first second (0.57 of 0.68 s per question on the
    evaluation archive), and :func:`answerable` drops whole documents whatever their scores.
    ``memory`` (an :class:`rag.memo.Lru`) keeps sentences' vectors for the next question.
    ``embed=False`` skips embedding the sentences (lexical and chunk scores only): for list
    questions over dozens of documents, where one best line per document is enough.
    """
    candidates = sentences_of(hits)
    candidates = keep(candidates) if keep and candidates else candidates
    if not candidates:
        return []
    chunk_scores = [p.score for p in candidates]
    texts = [p.text for p in candidates]
    similarity = similarities(question, texts, embeddings, memory) if embed else np.array(chunk_scores)
    question_stems = stems(question)
    scored = []
    for passage, sim, chunk_score in zip(candidates, similarity, chunk_scores, strict=True):
        lexical = overlap(question_stems, passage.text)
        score = SENTENCE_WEIGHT * float(sim) + CHUNK_WEIGHT * chunk_score + LEXICAL_WEIGHT * lexical
        scored.append(replace(passage, score=round(score, 4)))
    scored.sort(key=lambda p: p.score, reverse=True)
    return scored


def answering_sentences(question: str, hits: list[Hit], embeddings, document_text, memory=None) -> list[Passage]:
    """The sentences of ``hits`` from documents that can answer ``question`` (:func:`answerable`),
    without reporters' words (:func:`without_reporters`), best first; only these are embedded."""

    def keep(passages: list[Passage]) -> list[Passage]:
        return without_reporters(answerable(question, passages, document_text), document_text)

    return rank_sentences(question, hits, embeddings, keep=keep, memory=memory)


def similarities(question: str, texts: list[str], embeddings, memory=None) -> np.ndarray:
    """Cosine of each text to the question, each distinct text embedded once: a list question over
    an archive holding each readout six times spent 3 s embedding the same sentences again
    (docs/benchmarks.md, "Sixth session")."""
    vectors = distinct_vectors(embeddings, [question, *texts], memory)
    return np.array([vectors[text] for text in texts]) @ vectors[question]


def answerable(question: str, passages: list[Passage], document_text) -> list[Passage]:
    """Keep passages from documents that can support an answer about the question's
    counterparts (:func:`rag.answer.decision.supporting`): "energy cooperation with Norway" is
    not answered from an article about Serbia, nor "the Secretary of State's meeting with Prime
    Minister Vučević" from one on Azerbaijan's foreign minister meeting him, nor "President
    Biden's call with …" from the Secretary's call with the same counterpart.
    """
    from datetime import date

    from rag.answer.decision import gather, supporting
    from rag.search.query import understand

    query = understand(question, date.today())
    documents = list({p.doc_id: {"title": p.title} for p in passages}.items())
    kept = {e.doc_id for e in supporting(query, gather(query, documents, document_text))[0]}
    return [p for p in passages if p.doc_id in kept]


# A speaker's label in a transcript: "QUESTION:", "MR PRICE:", "SECRETARY BLINKEN:", "Q:".
_SPEAKER = re.compile(r"(?<![\w’'])([A-Z][A-Z.’'\-]*(?: [A-Z][A-Z.’'\-]*){0,3}):(?=\s)")
_REPORTER = {"QUESTION", "Q"}


def without_reporters(passages: list[Passage], document_text) -> list[Passage]:
    """Drop what journalists say in briefing transcripts: a reporter's question is not what the
    source states ("QUESTION: … the Maduro government …" must not be quoted as the Department's).

    A passage is the reporter's when the speaker label in force where it starts is QUESTION and
    no other speaker takes over inside it.
    """
    labels: dict[str, tuple[list[int], list[str]]] = {}
    kept = []
    for passage in passages:
        if passage.doc_id not in labels:
            found = list(_SPEAKER.finditer(document_text(passage.doc_id)))
            labels[passage.doc_id] = ([m.start() for m in found], [m.group(1) for m in found])
        starts, names = labels[passage.doc_id]
        at = bisect.bisect_right(starts, passage.start) - 1
        inside = [n for s, n in zip(starts, names, strict=True) if passage.start < s < passage.end]
        speaker = names[at] if at >= 0 else ""
        if speaker in _REPORTER and not [n for n in inside if n not in _REPORTER]:
            continue
        kept.append(passage)
    return kept


def newest_document(passages: list[Passage], band: float = 0.85) -> list[Passage]:
    """For "latest"/"most recent": only the newest document among the clearly relevant ones."""
    if not passages:
        return passages
    best = passages[0].score
    relevant = [p for p in passages if p.score >= best * band]
    newest = max(relevant, key=lambda p: p.date).doc_id
    return [p for p in passages if p.doc_id == newest]


def title_matches(question: str, passages: list[Passage]) -> list[Passage]:
    """For lists: when some titles name the counterparts ("Call with … President Aliyev"), keep
    only the documents whose titles name the most of them; other documents merely mention them.
    """
    terms = set(key_terms(question))
    if not terms or not passages:
        return passages
    coverage = {p.doc_id: len(names_in(p.title, terms)) for p in passages}
    most = max(coverage.values())
    return [p for p in passages if coverage[p.doc_id] == most] if most else passages


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


def widen(passage: Passage, document_text, sentences: int = 1, before: int | None = None) -> Passage:
    """The passage plus ``sentences`` neighbouring sentences after it and ``before`` (default:
    the same number) before it: context for a model, or the substance after a list item's opener.
    """
    text = document_text(passage.doc_id)
    spans = sentence_spans(text)
    index = [i for i, (s, e) in enumerate(spans) if s <= passage.start < e or passage.start <= s < passage.end]
    if not index:
        return passage
    first = max(0, index[0] - (sentences if before is None else before))
    last = min(len(spans) - 1, index[-1] + sentences)
    start, end = spans[first][0], spans[last][1]
    return replace(passage, start=start, end=end, text=text[start:end])


def leading(passage: Passage, limit: int) -> Passage:
    """The passage cut to its leading sentences within ``limit`` characters (always the first).

    >>> text = "First sentence here. Second one. Third."
    >>> leading(Passage("d", 0, len(text), text), 33).text
    'First sentence here. Second one.'
    >>> leading(Passage("d", 0, len(text), text), 5).text
    'First sentence here.'
    """
    spans = sentence_spans(passage.text)
    ends = [end for _, end in spans if end <= limit] or [spans[0][1] if spans else len(passage.text)]
    return replace(passage, end=passage.start + ends[-1], text=passage.text[: ends[-1]])


def with_opening(passage: Passage, document_text, limit: int = 300) -> Passage:
    """The passage with its document's opening sentence as ``opening``, unless the span starts
    before that sentence ends.

    >>> text = "Office of the Spokesperson  The below is attributable to Spokesperson Ned Price:  "
    >>> text += "Secretary Blinken spoke today with Botswana President Masisi about health. "
    >>> text += "The Secretary noted Botswana's role. They discussed trade."
    >>> later = text.index("The Secretary")
    >>> with_opening(Passage("d", later, later + 35, text[later : later + 35]), {"d": text}.get).opening
    'Secretary Blinken spoke today with Botswana President Masisi about health.'
    >>> with_opening(Passage("d", 0, later, text[:later]), {"d": text}.get).opening
    ''
    """
    text = document_text(passage.doc_id)
    start, end = opening_span(text)
    if passage.start < end:
        return passage
    sentence = " ".join(text[start:end].split())
    return replace(passage, opening=sentence.rsplit(": ", 1)[-1][:limit])


def opening_span(text: str) -> tuple[int, int]:
    """Where a document's opening sentence is: the first of eight words or more after any
    byline ("Office of the Spokesperson", "The below is attributable to …:"); ``(0, 0)`` if none."""
    for start, end in sentence_spans(text):
        sentence = " ".join(text[start:end].split())
        sentence = sentence.rsplit(": ", 1)[-1] if ": " in sentence[:120] else sentence
        if len(sentence.split()) >= 8 and not sentence.endswith(":"):
            return start, end
    return 0, 0


def byline_end(text: str) -> int:
    """Where the sentence after a document's leading header lines starts; 0 if it has none.

    The headers ("Office of the Spokesperson", "The below is attributable to Spokesperson Ned
    Price:", "Washington, DC") are short lines that end without a full stop or with a colon, and
    say nothing a briefing reports: a model reading them spends half a second on them
    (docs/benchmarks.md, "Eleventh session").

    >>> text = "Office of the Spokesperson\\n\\nThe below is attributable to Spokesperson Ned Price:\\n\\n"
    >>> text += "Secretary Blinken spoke today with Truss. They discussed Ukraine."
    >>> text[byline_end(text) :]
    'Secretary Blinken spoke today with Truss. They discussed Ukraine.'
    >>> byline_end("Leaders met in Belgrade. They agreed."), byline_end("Office of the Spokesperson")
    (0, 0)
    >>> byline_end("We, the Prime Ministers of Cambodia and of Thailand, have agreed as follows:\\n\\n1. A truce.")
    0
    """
    for start, end in sentence_spans(text[:1000]):
        line = text[start:end].rstrip()
        if len(line.split()) < 12 and (line.endswith(":") or not _STOPPED.search(line)):
            continue
        return start
    return 0


_STOPPED = re.compile(r"[.!?…][\"'”’)\]]*$")


def widen_in_body(passage: Passage, document_text, sentences: int = 1, before: int | None = None) -> Passage:
    """:func:`widen`, then without the header lines: context a model reads, never the byline."""
    return past_byline(widen(passage, document_text, sentences, before), document_text)


def past_byline(passage: Passage, document_text) -> Passage:
    """The passage without the document's header lines (:func:`byline_end`), unless that leaves nothing."""
    text = document_text(passage.doc_id)
    start = byline_end(text)
    if not passage.start < start < passage.end:
        return passage
    return replace(passage, start=start, text=text[start : passage.end])


_BARE = frozenset(
    "a an the of and with by on in at his her their its today yesterday separately virtually phone telephone "
    "call calls called spoke speaks met meets held hosted counterpart".split()
)


def is_bare_contact(sentence: str) -> bool:
    """Whether a sentence says only who spoke with whom, nothing of what about.

    >>> is_bare_contact("Secretary Blinken spoke today with Sri Lankan Prime Minister Ranil Wickremesinghe.")
    True
    >>> is_bare_contact("President Biden spoke by telephone with Prime Minister Netanyahu.")
    True
    >>> is_bare_contact("Secretary Blinken spoke today with President Masisi to emphasize shared values.")
    False
    """
    lowercase = [w for w in re.findall(r"[\w’'-]+", sentence.rsplit(": ", 1)[-1]) if w.islower()]
    return all(w in _BARE for w in lowercase)


def one_contact(question: str, passages: list[Passage]) -> list[Passage]:
    """The best passage's document, and another only where its title names someone the question
    asks about that the titles kept so far do not: "his calls with the Crown Prince and with King
    Hamad" reads two readouts, "the call with Truss" does not also read a meeting the next week.

    A small model asked about one passage at a time presents whatever it is given as the contact
    asked about (docs/benchmarks.md, "Fifth session"). A question that names no one, or only
    countries ("What energy cooperation was discussed with Serbia?"), is about a topic or a
    relationship, not one contact: every document is kept.

    >>> a = Passage("a", 0, 1, "x", title="Call with King Hamad of Bahrain")
    >>> b = Passage("b", 0, 1, "y", title="Vice President's Call with King Hamad")
    >>> c = Passage("c", 0, 1, "z", title="Call with Crown Prince Mohammed bin Salman")
    >>> [p.doc_id for p in one_contact("His calls with Bahrain's King Hamad and Mohammed bin Salman?", [a, b, c])]
    ['a', 'c']
    """
    from rag.search.names import country_key

    terms = {t for t in key_terms(question) if not country_key(t)}
    if not passages or not terms:  # a topic, not a contact: "What was said about energy security?"
        return passages
    named, kept = names_in(passages[0].title, terms), {passages[0].doc_id}
    for passage in passages:
        new = names_in(passage.title, terms) - named
        if passage.doc_id not in kept and new:
            kept.add(passage.doc_id)
            named |= new
    return [p for p in passages if p.doc_id in kept]


def chronological(passages: list[Passage]) -> list[Passage]:
    """Oldest first, then by position in the document: how a briefing tells a story."""
    return sorted(passages, key=lambda p: (p.date, p.doc_id, p.start))
