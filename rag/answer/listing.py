"""List questions ("all calls with X in 2022"): every matching document, one cited line each.

A top-k answer would silently drop contacts; a list collects all documents in scope that name
the question's counterparts, and gives each one line — its date, outlet, title and its most
relevant sentence as the quote — in date order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rag.answer.base import DocumentText, Turn, Writer, refusal_text
from rag.answer.passages import Passage, chronological, widen

_LIST = re.compile(
    r"^\s*(list|enumerate|name)\b|\b(all|every|each)\s+(of\s+)?(the\s+|our\s+)?"
    r"(\w+\s+)?(calls?|meetings?|contacts?|readouts?|statements?|conversations?|visits?|talks|times|engagements?)\b"
    r"|\bhow many\b",
    re.I,
)
MAX_ITEMS = 30
MIN_SCORE = 0.30


def is_list_question(question: str) -> bool:
    """Whether the question asks for every matching document rather than an answer.

    >>> is_list_question("List all calls with Aliyev in 2022"), is_list_question("What did Aliyev say?")
    (True, False)
    """
    return bool(_LIST.search(question))


class ListWriter(Writer):
    name = "extractive"

    def sources(self, question: str, ranked: list[Passage], document_text: DocumentText) -> list[Passage]:
        best: dict[str, Passage] = {}
        for passage in ranked:  # best first: the first seen per document is its best line
            if passage.score >= MIN_SCORE and passage.doc_id not in best:
                best[passage.doc_id] = widen(passage, document_text, sentences=1, before=0)
        return chronological(list(best.values()))[-MAX_ITEMS:]

    def stream(self, question: str, sources: list[Passage], history: list[Turn]) -> Iterator[str]:
        if not sources:
            yield refusal_text()
            return
        lines = [f"{len(sources)} documents in scope, oldest first:"]
        for n, source in enumerate(sources, start=1):
            where = ", ".join(x for x in (source.date_iso or "undated", source.source) if x)
            lines.append(f"- {where} — {source.title}: {' '.join(source.text.split())} [{n}]")
        yield "\n".join(lines)
