"""Citation markers in answers: only numbers that point at a source survive.

>>> sources = [_p("a"), _p("b")]
>>> text, cited = resolve("Energy was discussed [2]. Tourism too [1][7].", sources)
>>> text
'Energy was discussed [1]. Tourism too [2].'
>>> [c.doc_id for c in cited]
['b', 'a']
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from rag.answer.passages import Passage

_MARKER = re.compile(r"\s?\[(\d+(?:\s*[,;]\s*\d+)*)\]")


@dataclass(frozen=True)
class Citation:
    """What the user sees under an answer; ``quote == document_text[start:end]``."""

    n: int
    doc_id: str
    url: str
    title: str
    date: str
    source: str
    quote: str
    start: int
    end: int
    place: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def _citation(n: int, passage: Passage) -> Citation:
    return Citation(
        n=n,
        doc_id=passage.doc_id,
        url=passage.url,
        title=passage.title,
        date=passage.date_iso,
        source=passage.source,
        quote=passage.text,
        start=passage.start,
        end=passage.end,
        place=passage.place,
    )


def resolve(answer: str, sources: list[Passage]) -> tuple[str, list[Citation]]:
    """Renumber markers by first use; drop markers that point at no source."""
    numbering: dict[int, int] = {}

    def renumber(match: re.Match) -> str:
        kept = []
        for raw in re.split(r"\s*[,;]\s*", match.group(1)):
            index = int(raw)
            if 1 <= index <= len(sources):
                numbering.setdefault(index, len(numbering) + 1)
                kept.append(f"[{numbering[index]}]")
        prefix = match.group(0)[0] if match.group(0)[0].isspace() else ""
        return prefix + "".join(kept) if kept else ""

    text = _MARKER.sub(renumber, answer).strip()
    citations = [_citation(new, sources[old - 1]) for old, new in sorted(numbering.items(), key=lambda x: x[1])]
    return text, citations


def _p(doc_id: str) -> Passage:  # for the doctest
    return Passage(doc_id=doc_id, start=0, end=1, text="x")
