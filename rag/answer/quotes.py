"""Narrow a model citation's quote to the sentence that supports what the answer says.

A model is given widened passages (a few sentences each); quoting the whole passage makes the
reader hunt for the supporting words. For every citation, each answer sentence that cites it is
matched (embeddings) to its closest passage sentence, and the quote becomes the shortest span
covering those sentences — still a verbatim ``document[start:end]`` span.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rag.answer.citations import Citation
from rag.embeddings import as_array
from rag.text import sentence_spans

_MARKER = re.compile(r"\[(\d+)\]")


def claims_by_citation(answer: str) -> dict[int, list[str]]:
    """``n -> answer sentences citing [n]`` (markers removed).

    >>> claims_by_citation("Energy was discussed [1]. Flights too [2][1].")
    {1: ['Energy was discussed.', 'Flights too.'], 2: ['Flights too.']}
    """
    claims: dict[int, list[str]] = {}
    for start, end in sentence_spans(answer):
        sentence = answer[start:end]
        plain = re.sub(r"\s*\[\d+\]", "", sentence).strip()
        for number in dict.fromkeys(int(n) for n in _MARKER.findall(sentence)):
            claims.setdefault(number, []).append(plain)
    return claims


def narrow_quotes(answer: str, citations: list[Citation], embeddings, document_text) -> list[Citation]:
    """Each citation quoting the passage sentence closest to the answer sentences citing it."""
    claims = claims_by_citation(answer)
    narrowed = []
    for citation in citations:
        text = document_text(citation.doc_id)
        spans = [(citation.start + s, citation.start + e) for s, e in sentence_spans(citation.quote)]
        said = claims.get(citation.n)
        if len(spans) < 2 or not said or text[citation.start : citation.end] != citation.quote:
            narrowed.append(citation)
            continue
        vectors = as_array(embeddings, said + [text[s:e] for s, e in spans])
        best = (vectors[len(said) :] @ vectors[: len(said)].T).argmax(axis=0)  # per claim, its sentence
        start, end = spans[int(best.min())][0], spans[int(best.max())][1]  # one span covering them all
        narrowed.append(replace(citation, start=start, end=end, quote=text[start:end]))
    return narrowed
