"""The language-model writer: any LangChain ``BaseChatModel`` (local llama.cpp, OpenAI, fakes).

The model sees a tight context: the best few sentences, each widened by a neighbour sentence,
merged per document and numbered. Small local models process prompts at ~45 tokens/s, so
every sentence of context costs the user about half a second before the first word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from rag.answer.base import DocumentText, Turn, Writer, refusal_text
from rag.answer.passages import Passage, chronological, merge_adjacent, widen
from rag.prompts import render

_MARKERS = re.compile(r"\s?\[\d+\]")
MIN_SCORE = 0.30  # below this nothing is worth showing a model; it declines without a call


class ChatWriter(Writer):
    def __init__(self, model: BaseChatModel, name: str, max_sources: int = 4, max_chars: int = 2400):
        self.model, self.name = model, name
        self.max_sources, self.max_chars = max_sources, max_chars

    def sources(self, question: str, ranked: list[Passage], document_text: DocumentText) -> list[Passage]:
        best = [p for p in ranked[: self.max_sources * 2] if p.score >= MIN_SCORE][: self.max_sources]
        widened = merge_adjacent([widen(p, document_text) for p in best], document_text)
        widened.sort(key=lambda p: p.score, reverse=True)
        kept, used = [], 0
        for passage in widened:
            if used + len(passage.text) > self.max_chars and kept:
                continue
            kept.append(passage)
            used += len(passage.text)
        return chronological(kept)

    def messages(self, question: str, sources: list[Passage], history: list[Turn]) -> list:
        system = render("answer_system.j2", refusal=refusal_text())
        earlier = [Turn(t.role, _MARKERS.sub("", t.content)) for t in history[-4:]]  # old [n] mean other sources
        user = render("answer_user.j2", sources=sources, history=earlier, question=question, max_sentences=4)
        return [SystemMessage(system), HumanMessage(user)]

    def stream(self, question: str, sources: list[Passage], history: list[Turn]) -> Iterator[str]:
        if not sources:
            yield refusal_text()
            return
        for chunk in self.model.stream(self.messages(question, sources, history)):
            if chunk.content:
                yield chunk.content if isinstance(chunk.content, str) else str(chunk.content)
