"""List questions ("all calls with X in 2022"): every matching document, one cited line each.

A top-k answer would silently drop contacts; a list collects all documents in scope that name
the question's counterparts, and gives each one line — its date, outlet, title and its most
relevant sentence as the quote — in date order. Documents with the same title and date as one
already listed (a readout posted twice, an agency's copy) are one contact: they are counted in
the heading, not listed again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rag.answer.base import DocumentText, Turn, Writer, refusal_text
from rag.answer.passages import Passage, chronological, widen

_CONTACTS = r"(calls?|meetings?|contacts?|readouts?|statements?|conversations?|visits?|talks|times|engagements?)"
_LIST = re.compile(
    r"^\s*(please\s+)?(list|enumerate|name)\b|\blist\s+(them|these|those|every|each|all)\b"
    r"|\b(all|every|each)\s+(of\s+)?(the\s+|our\s+)?(\w+\s+)?" + _CONTACTS + r"\b"
    r"|^\s*which\s+(\w+\s+)?(calls|meetings|contacts|readouts|statements|conversations|visits|talks|engagements)\b"
    r"|\bhow many\b",
    re.I,
)
MAX_ITEMS = 30
MIN_SCORE = 0.30


def is_list_question(question: str) -> bool:
    """Whether the question asks for every matching document rather than an answer.

    >>> is_list_question("List all calls with Aliyev in 2022"), is_list_question("What did Aliyev say?")
    (True, False)
    >>> is_list_question("Which phone calls did President Biden have with King Abdullah II? List them all.")
    True
    >>> is_list_question("Which call did the Secretary make to Kuleba after the grain deal?")
    False
    """
    return bool(_LIST.search(question))


class ListWriter(Writer):
    """One writer per question: ``sources`` counts the repeats that ``stream`` then reports."""

    name = "extractive"

    def __init__(self):
        self.repeats = 0

    def sources(self, question: str, ranked: list[Passage], document_text: DocumentText) -> list[Passage]:
        best: dict[str, Passage] = {}
        contacts: set[tuple[str, int | None]] = set()
        repeats: set[str] = set()
        for passage in ranked:  # best first: the first seen per document is its best line
            if passage.score < MIN_SCORE or passage.doc_id in best or passage.doc_id in repeats:
                continue
            contact = same_contact(passage)
            if contact in contacts:
                repeats.add(passage.doc_id)
                continue
            contacts.add(contact)
            best[passage.doc_id] = widen(passage, document_text, sentences=1, before=0)
        self.repeats = len(repeats)
        return chronological(list(best.values()))[-MAX_ITEMS:]

    def stream(self, question: str, sources: list[Passage], history: list[Turn]) -> Iterator[str]:
        if not sources:
            yield refusal_text()
            return
        heading = f"{len(sources)} documents in scope, oldest first"
        if self.repeats:
            heading += f" ({self.repeats} more with the same title and date as one of them not listed again)"
        lines = [heading + ":"]
        for n, source in enumerate(sources, start=1):
            where = ", ".join(x for x in (source.date_iso or "undated", source.source) if x)
            lines.append(f"- {where} — {source.title}: {' '.join(source.text.split())} [{n}]")
        yield "\n".join(lines)


def same_contact(passage: Passage) -> tuple[str, int | None]:
    """Documents with this key report one contact: the same title (case and spacing aside) on the
    same date. A document without a title is its own contact.

    >>> a = Passage("a", 0, 1, "x", title="Secretary Blinken's Call with  Foreign Minister Kuleba", date=20220301)
    >>> b = Passage("b", 0, 1, "y", title="Secretary Blinken’s call with Foreign Minister Kuleba", date=20220301)
    >>> same_contact(a) == same_contact(b), same_contact(a) == same_contact(Passage("c", 0, 1, "x", date=20220301))
    (True, False)
    """
    title = " ".join(passage.title.replace("’", "'").casefold().split())
    return (title or f"untitled:{passage.doc_id}", passage.date)
