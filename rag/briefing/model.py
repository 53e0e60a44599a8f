"""A language model writes a note's bottom line and key points from the numbered documents.

The model sees each document's most relevant sentences (widened by a neighbour, within a
character budget) under the document's number, and must answer in the two-section form the
prompt (``prompts/brief_system.j2``) asks for. What it writes is checked by the verifier
afterwards, like every other section.

>>> parse_sections("BOTTOM LINE:\\nA [1]. B [2].\\nKEY POINTS:\\n- C [1]\\n- D [2]")
(['A [1].', 'B [2].'], ['C [1]', 'D [2]'])
"""

from __future__ import annotations

import re

from langchain_core.messages import HumanMessage, SystemMessage

from rag.answer.passages import Passage, widen
from rag.prompts import render
from rag.text import has_words, sentence_spans

MAX_CHARS = 2800  # the local model reads ~45 tokens/s: this keeps its first words under ~20 s
_HEADING = re.compile(r"^\W*(bottom line|key points)\W*:?\W*$", re.I)


def model_sources(ranked: list[Passage], numbers: dict[str, int], document_text) -> list[tuple[int, Passage]]:
    """Each document's best sentence widened by a neighbour, best documents first, within budget."""
    chosen, used = [], 0
    for passage in ranked:
        if passage.doc_id in {p.doc_id for _, p in chosen}:
            continue
        widened = widen(passage, document_text)
        if used + len(widened.text) > MAX_CHARS and chosen:
            continue
        chosen.append((numbers[passage.doc_id], widened))
        used += len(widened.text)
    return sorted(chosen, key=lambda x: x[0])


def parse_sections(text: str) -> tuple[list[str], list[str]]:
    """(bottom-line sentences, key points) from the model's two-section answer."""
    current, bottom, points = None, [], []
    for raw in text.splitlines():
        heading = _HEADING.match(raw.strip())
        if heading:
            current = heading.group(1).lower()
            continue
        line = raw.strip().lstrip("-•* ").strip()
        if not has_words(line) or current is None:  # blank, or a list number alone
            continue
        if current == "bottom line":
            bottom += [line[s:e] for s, e in sentence_spans(line)]
        else:
            points.append(line)
    return bottom, points[:5]


def write_sections(writer, topic: str, ranked: list[Passage], numbers: dict[str, int], document_text):
    """The model's two-section text (see :func:`parse_sections`); raises when the model fails."""
    sources = model_sources(ranked, numbers, document_text)
    messages = [
        SystemMessage(render("brief_system.j2")),
        HumanMessage(render("brief_user.j2", sources=sources, topic=topic)),
    ]
    return "".join(str(chunk.content) for chunk in writer.model.stream(messages))
