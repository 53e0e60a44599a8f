"""Evaluation: retrieval and answer quality on questions with known gold documents.

Question file: one JSON object a line::

    {"id": "q1", "type": "single|date|multi|list|unanswerable", "question": "…",
     "gold_urls": ["https://…"], "must_include": [["alt1", "alt2"], ["…"]], "as_of": null}

Metrics (overall and per type): Hits@1/5/10 and MRR over gold documents (ranking: the cited
documents first, in retrieval order, then the rest of the retrieved ones), gold recall (share of gold documents
cited: what list and multi questions need), key-fact recall (share of ``must_include`` groups
with one alternative in the answer), refusal accuracy (unanswerable questions declined) and
false refusals (answerable ones declined), and latency (retrieval alone, whole answer).
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rag.documents import InputError

TYPES = ("single", "date", "multi", "list", "unanswerable")


@dataclass
class Question:
    id: str
    type: str
    question: str
    gold_urls: list[str]
    must_include: list[list[str]]
    as_of: date | None = None


def load_questions(path: Path) -> list[Question]:
    """Questions from a JSONL file; a bad line raises an error naming file:line."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            raw = json.loads(line)
            kind = raw["type"]
            if kind not in TYPES:
                raise InputError(where, f"type '{kind}' is not one of {', '.join(TYPES)}")
            as_of = date.fromisoformat(raw["as_of"]) if raw.get("as_of") else None
            questions.append(
                Question(raw["id"], kind, raw["question"], list(raw["gold_urls"]), list(raw["must_include"]), as_of)
            )
        except json.JSONDecodeError as error:
            raise InputError(where, f"malformed JSON ({error.msg})", "fix the line") from None
        except KeyError as error:
            raise InputError(where, f"missing field {error}", "see the format in rag/evaluation.py") from None
        except ValueError as error:
            raise InputError(where, str(error)) from None
    return questions


@dataclass
class Outcome:
    """One question's result for one system."""

    question: Question
    ranking: list[str]
    cited: list[str]
    answer: str
    declined: bool
    retrieval_ms: float
    answer_ms: float

    def rank_of_gold(self) -> int | None:
        gold = set(self.question.gold_urls)
        return next((i + 1 for i, doc in enumerate(self.ranking) if doc in gold), None)

    def hits(self, k: int) -> float:
        rank = self.rank_of_gold()
        return float(rank is not None and rank <= k)

    def reciprocal_rank(self) -> float:
        rank = self.rank_of_gold()
        return 1.0 / rank if rank else 0.0

    def gold_recall(self) -> float:
        gold = set(self.question.gold_urls)
        return len(gold & set(self.cited)) / len(gold)

    def key_fact_recall(self) -> float:
        return key_fact_recall(self.answer, self.question.must_include)

    def as_dict(self) -> dict:
        return {
            "id": self.question.id,
            "type": self.question.type,
            "rank_of_gold": self.rank_of_gold(),
            "declined": self.declined,
            "key_fact_recall": round(self.key_fact_recall(), 3),
            "retrieval_ms": round(self.retrieval_ms, 1),
            "answer_ms": round(self.answer_ms, 1),
            "cited": self.cited,
            "ranking": self.ranking[:10],
        }


def key_fact_recall(text: str, must_include: list[list[str]]) -> float:
    """The share of key-fact groups with one alternative in ``text`` (case-insensitive).

    >>> key_fact_recall("They discussed the Peace Accord.", [["peace accord"], ["climate", "energy"]])
    0.5
    """
    if not must_include:
        return 1.0
    text = text.lower()
    return sum(any(alt.lower() in text for alt in group) for group in must_include) / len(must_include)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summarize(outcomes: list[Outcome]) -> dict:
    answerable = [o for o in outcomes if o.question.type != "unanswerable"]
    refusing = [o for o in outcomes if o.question.type == "unanswerable"]
    summary = {"questions": len(outcomes)}
    if answerable:
        summary.update(
            {
                "hits@1": statistics.mean(o.hits(1) for o in answerable),
                "hits@5": statistics.mean(o.hits(5) for o in answerable),
                "hits@10": statistics.mean(o.hits(10) for o in answerable),
                "mrr": statistics.mean(o.reciprocal_rank() for o in answerable),
                "gold_recall": statistics.mean(o.gold_recall() for o in answerable),
                "key_fact_recall": statistics.mean(o.key_fact_recall() for o in answerable),
                "false_refusals": statistics.mean(float(o.declined) for o in answerable),
            }
        )
    if refusing:
        summary["refusal_accuracy"] = statistics.mean(float(o.declined) for o in refusing)
    summary["retrieval_ms_p50"] = _percentile([o.retrieval_ms for o in outcomes], 0.5)
    summary["retrieval_ms_p95"] = _percentile([o.retrieval_ms for o in outcomes], 0.95)
    summary["answer_ms_p50"] = _percentile([o.answer_ms for o in outcomes], 0.5)
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in summary.items()}


@dataclass
class Report:
    system: str
    outcomes: list[Outcome] = field(default_factory=list)

    def by_type(self) -> dict[str, dict]:
        table = {"all": summarize(self.outcomes)}
        for kind in TYPES:
            chosen = [o for o in self.outcomes if o.question.type == kind]
            if chosen:
                table[kind] = summarize(chosen)
        return table

    def as_dict(self) -> dict:
        return {"system": self.system, "summary": self.by_type(), "questions": [o.as_dict() for o in self.outcomes]}


def evaluate_assistant(assistant, questions: list[Question], backend: str = "extractive") -> Report:
    """Run every question through the product pipeline (models loaded once, warmed up first)."""
    from rag.retrieval import SearchRequest

    report = Report(f"ours ({backend})")
    assistant.searcher.search(SearchRequest("warm-up question about a meeting"))
    for q in questions:
        started = time.perf_counter()
        assistant.search(q.question, q.as_of)
        retrieval_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        answer = assistant.ask(q.question, as_of=q.as_of, backend=backend)
        answer_ms = (time.perf_counter() - started) * 1000
        cited = list(dict.fromkeys(c.url or c.doc_id for c in answer.citations))
        ranking = cited_first(cited, answer.retrieved)
        report.outcomes.append(Outcome(q, ranking, cited, answer.answer, not answer.citations, retrieval_ms, answer_ms))
    return report


def cited_first(cited: list[str], retrieved: list[str]) -> list[str]:
    """Documents the answer cites, in retrieval order, then the other retrieved ones.

    (Citations are numbered in date order, which says nothing about relevance.)

    >>> cited_first(["b", "c"], ["a", "c", "b", "d"])
    ['c', 'b', 'a', 'd']
    """
    chosen = set(cited)
    ordered = [d for d in retrieved if d in chosen] + [d for d in cited if d not in set(retrieved)]
    return ordered + [d for d in retrieved if d not in chosen]


def evaluate_baseline(baseline, questions: list[Question]) -> Report:
    report = Report("naive baseline (top-4 similarity)")
    baseline.search("warm-up question about a meeting")
    for q in questions:
        started = time.perf_counter()
        result = baseline.search(q.question)
        elapsed = (time.perf_counter() - started) * 1000
        report.outcomes.append(Outcome(q, result.doc_ids, result.doc_ids, result.text, False, elapsed, elapsed))
    return report


COLUMNS = [
    ("hits@1", "Hits@1"),
    ("hits@5", "Hits@5"),
    ("hits@10", "Hits@10"),
    ("mrr", "MRR"),
    ("gold_recall", "gold recall"),
    ("key_fact_recall", "key facts"),
    ("refusal_accuracy", "refusals"),
    ("false_refusals", "false refusals"),
    ("retrieval_ms_p50", "retrieval p50 ms"),
    ("retrieval_ms_p95", "retrieval p95 ms"),
    ("answer_ms_p50", "answer p50 ms"),
]


def markdown_table(reports: list[Report]) -> str:
    """One row per (type, system): the results table of docs/evaluation.md."""
    header = "| type | system | n | " + " | ".join(label for _, label in COLUMNS) + " |"
    lines = [header, "|" + "---|" * (len(COLUMNS) + 3)]
    tables = [(r.system, r.by_type()) for r in reports]
    for kind in ["all", *TYPES]:
        for system, table in tables:
            if kind not in table:
                continue
            row = table[kind]
            cells = [str(row.get(key, "–")) for key, _ in COLUMNS]
            lines.append(f"| {kind} | {system} | {row['questions']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
