"""Narrow a citation's quote to the sentences that support what the answer says.

A model is given widened passages (a few sentences each); quoting the whole passage makes the
reader hunt for the supporting words. The verifier (:mod:`rag.answer.verify`) finds, for each
cited passage, the sentences the answer rests on; the quote becomes the shortest span covering
them — still a verbatim ``document[start:end]`` span.
"""

from __future__ import annotations

from dataclasses import replace

from rag.answer.citations import Citation


def narrow_quotes(citations: list[Citation], spans: dict[tuple[str, int, int], tuple[int, int]], document_text):
    """Each citation quoting its supporting span (``spans`` from :class:`rag.answer.verify.Verified`)."""
    narrowed = []
    for citation in citations:
        span = spans.get((citation.doc_id, citation.start, citation.end))
        text = document_text(citation.doc_id)
        if not span or text[citation.start : citation.end] != citation.quote:
            narrowed.append(citation)
            continue
        start, end = span
        narrowed.append(replace(citation, start=start, end=end, quote=text[start:end]))
    return narrowed
