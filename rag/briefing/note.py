"""Briefing notes: the page a desk officer prints before a meeting, every sentence cited and checked.

    from rag.briefing.note import Briefer
    note = Briefer(assistant).build("Serbia energy", since=date(2024, 1, 1))
    note.bottom_line   # ['2024-12-23, Trend: The importance of … alternative energy was noted. [1]']
    note.chronology    # [Row(date='2024-12-23', who='Foreign Minister Jeyhun Bayramov; …', …, n=1)]

Sources are numbered per document, oldest first. The chronology, positions and next steps are
always extracted from the documents; the bottom line and key points are extracted too, or
written by a language model when one is chosen — then the verifier removes or marks what the
sources do not support, and a model failure falls back to the extracted text with a notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rag.answer.citations import Citation
from rag.answer.passages import Passage, answering_sentences, merge_adjacent, widen
from rag.answer.unmentioned import declined, unmentioned
from rag.answer.verify import SentenceCheck, verify
from rag.briefing import sections
from rag.briefing.disagreements import contact_disagreements
from rag.briefing.records import Record, read_record
from rag.dates import DateScope, parse_scope
from rag.documents import date_from_int
from rag.retrieval import SearchRequest

MAX_DOCUMENTS = 10
MIN_SCORE = 0.40  # as the extractive writer: below this a sentence is off the topic


@dataclass
class Row:
    date: str
    who: str
    where: str
    topics: str
    n: int


@dataclass
class BriefingNote:
    topic: str
    as_of: str
    period: str
    backend: str = "extractive"
    bottom_line: list[str] = field(default_factory=list)
    key_points: list[str] = field(default_factory=list)
    chronology: list[Row] = field(default_factory=list)
    positions: dict[str, list[str]] = field(default_factory=dict)
    next_steps: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    sources: list[Citation] = field(default_factory=list)
    checks: list[SentenceCheck] = field(default_factory=list)
    notice: str = ""
    model_text: str = ""  # what a model wrote, before the verifier (for review; not rendered)

    @property
    def empty(self) -> bool:
        return not self.sources

    def as_dict(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k not in ("chronology", "sources", "checks")}
        out["chronology"] = [r.__dict__ for r in self.chronology]
        out["sources"] = [c.as_dict() for c in self.sources]
        out["checks"] = [c.as_dict() for c in self.checks]
        return out


def period_scope(topic: str, since: date | None, until: date | None, as_of: date) -> DateScope:
    """``--since/--until`` when given, else the period the topic names ("since March")."""
    if since or until:
        label = f"{since.isoformat() if since else '…'} to {(until or as_of).isoformat()}"
        return DateScope(since, min(until or as_of, as_of), phrase=label)
    return parse_scope(topic, as_of)


class Briefer:
    """Builds notes with an :class:`~rag.assistant.Assistant`'s search, embedder and writers."""

    def __init__(self, assistant):
        self.assistant = assistant

    def build(self, topic: str, since=None, until=None, as_of: date | None = None, backend: str | None = None):
        as_of = as_of or date.today()
        scope = period_scope(topic, since, until, as_of)
        note = BriefingNote(topic, as_of.isoformat(), scope.label if scope.active else f"up to {as_of.isoformat()}")
        self.assistant.refresh_texts()  # a document re-indexed since the last question is read anew
        result = self.assistant.searcher.search(SearchRequest(topic, as_of, k=40, per_document=2, scope=scope))
        if result.period_empty:
            note.notice = f"No document in the corpus is dated {result.scope.label}."
            return note
        embeddings, text_of = self.assistant.embeddings, self.assistant.document_text
        ranked = answering_sentences(topic, result.hits, embeddings, text_of, self.assistant.sentence_vectors)
        ranked = [p for p in ranked if p.score >= MIN_SCORE and not _asked(p.text)]
        documents = list(dict.fromkeys(p.doc_id for p in ranked))[:MAX_DOCUMENTS]
        ranked = [p for p in ranked if p.doc_id in documents]
        if not ranked:
            note.notice = "The sources in the corpus do not cover this topic."
            return note
        missing = unmentioned(topic, set(documents), self.assistant.searcher.keyword)
        if missing:  # a subject no matching document covers: the nearest material would be off it
            note.notice = declined(missing, "cover this topic")
            return note
        best = {p.doc_id: p for p in reversed(ranked)}  # each document's best sentence
        ordered = sorted(documents, key=lambda d: (best[d].date, d))
        numbers = {doc_id: n for n, doc_id in enumerate(ordered, start=1)}
        note.sources = [_citation(numbers[d], best[d]) for d in ordered]
        self._fill(note, ranked, numbers, best)
        chosen = self.assistant.resolve_backend(backend)
        if chosen != "extractive":
            self._model_sections(note, chosen, ranked, numbers)
        self._check(note, [_evidence(best[d], ranked, text_of) for d in ordered])
        return note

    def _fill(self, note: BriefingNote, ranked: list[Passage], numbers: dict, best: dict) -> None:
        top = sections.bottom_line(ranked, numbers)
        note.bottom_line = [sections.line(p, numbers[p.doc_id]) for p in top]
        note.key_points = sections.key_points(ranked, numbers, skip={(p.doc_id, p.start) for p in top})
        note.positions = sections.positions(ranked, numbers)
        note.next_steps = sections.next_steps(ranked, numbers)
        text_of = self.assistant.document_text
        records = {d: read_record(p.title, text_of(d), date_from_int(p.date)) for d, p in best.items()}
        note.chronology = [_row(best[d], records[d], numbers[d]) for d in numbers if records[d].kind]
        contacts = contact_disagreements(records, best, numbers, text_of)
        flagged = {frozenset(pair) for pair, _ in contacts}
        note.disagreements = [text for _, text in contacts] + sections.figure_disagreements(ranked, numbers, flagged)

    def _model_sections(self, note: BriefingNote, backend: str, ranked, numbers: dict) -> None:
        from rag.briefing.model import parse_sections, write_sections

        try:
            writer = self.assistant.writer(backend)
            note.model_text = write_sections(writer, note.topic, ranked, numbers, self.assistant.document_text)
            bottom, points = parse_sections(note.model_text)
        except Exception as error:  # a failing model: the extracted sections stay, with a notice
            note.notice = f"The {backend} backend failed ({str(error)[:150]}); the note is extracted from the sources."
            return
        if bottom:
            note.bottom_line, note.key_points, note.backend = bottom, points, backend
        else:
            note.notice = f"The {backend} model wrote no usable summary; the note is extracted from the sources."

    def _check(self, note: BriefingNote, sources: list[Passage]) -> None:
        """Run the verifier over every written section; drop what it removes, keep its marks."""
        embeddings = self.assistant.embeddings
        for name in ("bottom_line", "key_points", "next_steps"):  # disagreements are built from metadata
            lines = getattr(note, name)
            if lines:
                checked = verify("\n".join(f"- {x}" for x in lines), sources, embeddings)
                note.checks += checked.checks
                setattr(note, name, [x[2:] for x in checked.text.splitlines() if x.strip()])
        for party, lines in list(note.positions.items()):
            checked = verify("\n".join(f"- {x}" for x in lines), sources, embeddings)
            note.checks += checked.checks
            note.positions[party] = [x[2:] for x in checked.text.splitlines() if x.strip()]


def _asked(sentence: str) -> bool:
    """A question is not a statement (a journalist's turn is left out by ``without_reporters``)."""
    return sentence.rstrip().endswith("?")


def _evidence(best: Passage, ranked: list[Passage], document_text) -> Passage:
    """What a note may say about one document: its relevant sentences, each with a neighbour on
    both sides (what the model was shown), as one source for the verifier. A note cites documents,
    not single passages; bounding the evidence keeps the check to the relevant part of long ones.
    """
    own = [widen(p, document_text) for p in ranked if p.doc_id == best.doc_id]
    text = "\n".join(p.text for p in merge_adjacent(own, document_text))
    return Passage(best.doc_id, 0, len(text), text, best.title, best.url, best.source, best.date, best.place)


def _citation(n: int, passage: Passage) -> Citation:
    return Citation(
        n, passage.doc_id, passage.url, passage.title, passage.date_iso, passage.source, passage.text,
        passage.start, passage.end, passage.place,
    )  # fmt: skip


def _row(passage: Passage, record: Record, n: int) -> Row:
    who = "; ".join(record.participants) or passage.title
    day = record.day.isoformat() if record.day else passage.date_iso
    return Row(day, who, record.place, ", ".join(record.topics), n)
