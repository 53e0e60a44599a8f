"""The answer decision: answer, answer in part, or decline — once, from the evidence.

Retrieval finds documents; this step decides what may be said from them, the same way for
every writer (extractive, local model, OpenAI-compatible server), before any writer runs:

1. **Counterparts** (:func:`gather`). Each retrieved document is read for the question's names
   however spelled (:mod:`rag.search.names`: "Aliev" is "Aliyev", "kenya pres" is the Kenyan
   President), the roles it names without a name ("Armenia's top diplomat" → a foreign
   minister), and whose contact it is ("President Biden's call" must be a document naming Biden
   near the counterpart). A document can support the answer when it names at least half of the
   names and an asked role; together the documents must name every one: a question about Norway
   is not answered from an article about Serbia.
2. **Relevance**. The best sentence of those documents must score at least
   :data:`MIN_RELEVANCE` against the question (0.6 × cosine + 0.4 × its chunk's score + 0.2 ×
   word overlap, :func:`rag.answer.passages.rank_sentences`).
3. **Subject**. A distinctive word of the question's subject (rare in the archive, "lithium":
   :class:`rag.answer.unmentioned.SubjectCheck`) that no such document mentions in any spelling is reported:
   when the documents still answer clearly (best sentence at least :data:`CLEAR_RELEVANCE`) or
   cover another of its distinctive words, the answer is **partial** ("The sources do not
   mention “X”.", then what they do say); otherwise the question is **declined**.

A decline always says why and shows the three closest documents, so the official can rephrase
or check them. The thresholds are calibrated on the development questions
(``eval/dev/``, ``bench/calibrate_decision.py``) and reported on the test questions (docs/evaluation.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rag.answer.facts import ROLES
from rag.search.names import fold, named_near, names_in

MIN_COVERAGE = 0.5  # a document names at least this share of the question's names
MIN_RELEVANCE = 0.40  # the best sentence's score below which nothing answers the question
CLEAR_RELEVANCE = 0.55  # at or above it, a subject word the documents lack makes a partial answer
CLOSEST = 3


@dataclass(frozen=True)
class DocumentEvidence:
    """What one retrieved document offers the question."""

    doc_id: str
    title: str = ""
    url: str = ""
    source: str = ""
    date: int = 0
    rank: int = 0  # retrieval's order of documents, 0 first
    names: frozenset[str] = frozenset()  # the question's names it names, any spelling
    roles: frozenset[str] = frozenset()  # the roles asked without a name that it names
    acting: bool = True  # names whose contact it is near a counterpart (True when no one is)

    def card(self) -> dict:
        """What a source card shows of a document that was not cited (a closest document)."""
        from rag.documents import date_from_int

        day = date_from_int(self.date)
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "date": day.isoformat() if day else "",
        }


@dataclass
class Decision:
    """Answer, answer in part, or decline; why; and what may be cited."""

    outcome: str  # "answer" | "partial" | "decline"
    reason: str = ""
    documents: frozenset[str] = frozenset()  # documents an answer may cite
    closest: list[dict] = field(default_factory=list)  # the closest documents, for a decline or a partial
    missing: tuple[str, ...] = ()  # subject words the sources do not mention (partial)

    def as_dict(self) -> dict:
        return {"outcome": self.outcome, "reason": self.reason, "closest": self.closest, "missing": list(self.missing)}


def gather(query, documents: list[tuple[str, dict]], document_text: Callable[[str], str]) -> list[DocumentEvidence]:
    """Evidence for each retrieved document, given as ``(doc_id, metadata)`` in retrieval order."""
    asked_roles = set(query.roles)
    terms = set(query.names)
    acting = set(query.acting)
    counterparts = (set(query.titled) - acting) or (terms - acting)
    evidence = []
    for rank, (doc_id, meta) in enumerate(documents):
        text = f"{meta.get('title', '')}\n{document_text(doc_id)}"
        named = frozenset(names_in(text, terms)) if terms else frozenset()
        folded = " ".join(fold(text).split()) if asked_roles else ""
        roles = frozenset(r for r in asked_roles if _names_role(r, folded))
        in_contact = not acting or (
            acting <= named and (not counterparts or all(named_near(text, p, counterparts & named) for p in acting))
        )
        evidence.append(
            DocumentEvidence(
                doc_id=doc_id,
                title=meta.get("title", ""),
                url=meta.get("url", ""),
                source=meta.get("source", ""),
                date=meta.get("date", 0),
                rank=rank,
                names=named,
                roles=roles,
                acting=in_contact,
            )
        )
    return evidence


def _names_role(role: str, folded: str) -> bool:
    import re

    return re.search(ROLES.get(role, re.escape(role)), folded) is not None


def supporting(query, evidence: list[DocumentEvidence]) -> tuple[list[DocumentEvidence], str]:
    """The documents that can support an answer about the question's counterparts, and, when
    there are none, why (naming what no document names)."""
    terms, roles = set(query.names), set(query.roles)
    kept = [
        e
        for e in evidence
        if (not terms or len(e.names) >= MIN_COVERAGE * len(terms)) and (not roles or e.roles) and e.acting
    ]
    if not kept:
        return [], _why_none(query, evidence)
    named = set().union(*(e.names for e in kept))
    if named != terms:
        return [], f"no document in scope names {_listed(query, terms - named)} together with the rest"
    if set().union(*(e.roles for e in kept)) != roles:
        return [], f"no document in scope names the {_listed(query, roles - set().union(*(e.roles for e in kept)))}"
    return kept, ""


def _why_none(query, evidence: list[DocumentEvidence]) -> str:
    if not evidence:
        return "no document in scope matches it"
    terms = set(query.names)
    named = set().union(*(e.names for e in evidence))
    if terms - named:
        return f"no document in scope names {_listed(query, terms - named)}"
    if query.acting and not any(e.acting for e in evidence):
        who = _listed(query, set(query.acting))
        return f"no document in scope reports a contact of {who} with {_listed(query, terms - set(query.acting))}"
    if query.roles and not any(e.roles for e in evidence):
        return f"no document in scope names the {_listed(query, set(query.roles))}"
    return f"no document in scope names {_listed(query, terms)} together"


def _listed(query, keys: set[str]) -> str:
    shown = [query.surfaces.get(k, k) for k in sorted(keys)]
    return " or ".join(f"“{s}”" for s in shown) if shown else "them"


def decide(query, evidence: list[DocumentEvidence], best_scores: dict[str, float], subjects) -> Decision:
    """The outcome for a question: ``best_scores`` is each document's best sentence score;
    ``subjects`` (a :class:`rag.answer.unmentioned.SubjectCheck`) says which subject words are
    distinctive and which no supporting document mentions."""
    closest = [e.card() for e in evidence[:CLOSEST]]
    kept, why = supporting(query, evidence)
    if not kept:
        return Decision("decline", why, closest=closest)
    scored = {e.doc_id: best_scores[e.doc_id] for e in kept if e.doc_id in best_scores}
    best = max(scored.values(), default=0.0)
    if best < MIN_RELEVANCE:
        return Decision("decline", "the closest documents do not address what it asks", closest=closest)
    words = list(query.subjects)
    missing = tuple(subjects.absent(words, set(scored))) if words else ()
    if not missing:
        return Decision("answer", "", frozenset(scored))
    covered = set(subjects.distinctive(words)) - set(missing)
    if best < CLEAR_RELEVANCE and not covered:
        about = _listed(query, set(query.names)) if query.names else "it"
        named = " or ".join(f"“{w}”" for w in missing)
        return Decision("decline", f"none of the documents on {about} mentions {named}", closest=closest)
    return Decision("partial", "", frozenset(scored), closest=closest, missing=missing)
