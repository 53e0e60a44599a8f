"""The answer-writer seam: one small base class, one subclass per way of writing.

A writer chooses which passages it numbers (``sources``) and streams text that cites them as
``[n]``; the assistant then keeps only markers that resolve (``rag.answer.citations``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from rag.answer.citations import Citation
from rag.answer.decision import Decision
from rag.answer.passages import Passage
from rag.prompts import template_source

DocumentText = Callable[[str], str]


def refusal_text() -> str:
    """The one sentence every backend uses to decline (``prompts/refusal.txt``)."""
    return template_source("refusal.txt").strip()


def is_refusal(answer: str) -> bool:
    return refusal_text().lower().rstrip(".") in answer.lower()


@dataclass(frozen=True)
class Turn:
    role: str  # "user" or "assistant"
    content: str


@dataclass
class Answer:
    question: str
    answer: str
    backend: str
    citations: list[Citation] = field(default_factory=list)
    notice: str = ""
    as_of: str = ""
    retrieved: list[str] = field(default_factory=list)  # document urls/ids in rank order
    checks: list = field(default_factory=list)  # SentenceCheck per sentence, from the verifier
    decision: Decision | None = None  # answer, partial or decline, why, the closest documents
    understood: str = ""  # how the question was read ("Understood as: …"), shown in the chat

    def verification(self) -> dict:
        """How many sentences the verifier found supported, corrected, unverified, removed…"""
        counts: dict[str, int] = {}
        for check in self.checks:
            counts[check.status] = counts.get(check.status, 0) + 1
        return counts

    @property
    def removed(self) -> list:
        return [c for c in self.checks if c.status == "removed"]

    @property
    def declined(self) -> bool:
        if self.decision is not None and self.decision.outcome == "decline":
            return True
        return not self.citations

    def as_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "backend": self.backend,
            "as_of": self.as_of,
            "notice": self.notice,
            "citations": [c.as_dict() for c in self.citations],
            "retrieved": self.retrieved,
            "verification": self.verification(),
            "checks": [c.as_dict() for c in self.checks],
            "decision": self.decision.as_dict() if self.decision else None,
            "understood": self.understood,
        }


class Writer(ABC):
    """Writes an answer from numbered passages."""

    name: str = "writer"
    # Whether a sentence the verifier cannot clearly support is shown flagged "(unverified)" (or
    # removed): see rag.answer.verify.
    keeps_unverified: bool = True

    @abstractmethod
    def sources(self, question: str, ranked: list[Passage], document_text: DocumentText) -> list[Passage]:
        """The passages to number, from sentences ranked best first."""

    @abstractmethod
    def stream(self, question: str, sources: list[Passage], history: list[Turn]) -> Iterator[str]:
        """Text pieces of the answer, citing ``sources`` as [1], [2], …"""
