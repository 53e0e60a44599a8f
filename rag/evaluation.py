"""Evaluation: retrieval and answer quality on questions with known gold documents.

Question file: one JSON object a line::

    {"id": "q1", "type": "single|date|multi|list|unanswerable", "question": "…",
     "gold_urls": ["https://…"], "must_include": [["alt1", "alt2"], ["…"]], "as_of": null,
     "rewrites": [{"style": "terse", "question": "…"}, {"style": "variant", "question": "…"}]}

Each rewrite (optional) is asked as a question of its own (id ``q1~terse``) with the same gold.
A conversation is one line of turns, each scored like a question (id ``c1.2``) and asked with
the earlier turns' questions as the chat's history::

    {"id": "c1", "as_of": null, "turns": [{"question": "…", "type": "…", "gold_urls": […], "must_include": […]}, …]}

Metrics (overall, per type and per style — original, terse, variant, turn): Hits@1/5/10 and MRR
over gold documents (ranking: the cited documents first, in retrieval order, then the rest of the
retrieved ones), *right document cited* (a gold document among the cited), gold recall (share of
gold documents cited: what list and multi questions need), key-fact recall (share of
``must_include`` groups with one alternative in the answer), refusal accuracy (unanswerable
questions declined), false refusals (answerable ones declined; a partial answer is an answer),
partial answers, *rewrite changed* (rewrites whose cited documents differ from their original's),
and latency (retrieval alone, whole answer).
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field, replace
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
    style: str = "original"  # original | terse | variant (a rewrite) | turn (of a conversation)
    rewrite_of: str = ""  # the original question's id, for a rewrite
    history: tuple[str, ...] = ()  # a conversation's earlier questions, oldest first
    collection: str = ""  # the file it came from (its stem)


def _question(raw: dict, where: str, collection: str, as_of: date | None) -> Question:
    kind = raw["type"]
    if kind not in TYPES:
        raise InputError(where, f"type '{kind}' is not one of {', '.join(TYPES)}")
    return Question(
        raw["id"],
        kind,
        raw["question"],
        list(raw["gold_urls"]),
        list(raw["must_include"]),
        as_of,
        collection=collection,
    )


def _parse(raw: dict, where: str, collection: str) -> list[Question]:
    """One line: a question with its rewrites, or a conversation's turns."""
    as_of = date.fromisoformat(raw["as_of"]) if raw.get("as_of") else None
    if "turns" in raw:
        turns, history = [], []
        for number, turn in enumerate(raw["turns"], start=1):
            question = _question({**turn, "id": f"{raw['id']}.{number}"}, where, collection, as_of)
            turns.append(replace(question, style="turn", history=tuple(history)))
            history.append(turn["question"])
        return turns
    original = _question(raw, where, collection, as_of)
    rewrites = [
        replace(
            original, id=f"{original.id}~{r['style']}", question=r["question"], style=r["style"], rewrite_of=original.id
        )
        for r in raw.get("rewrites", [])
    ]
    return [original, *rewrites]


def load_questions(path: Path) -> list[Question]:
    """Questions (with their rewrites) and conversation turns from a JSONL file; a bad line raises
    an error naming file:line."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            questions += _parse(json.loads(line), where, path.stem)
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
    outcome: str = ""  # the decision: answer | partial | decline ("" for the baseline)
    reason: str = ""

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

    def cited_right(self) -> float:
        """Whether the answer cites a gold document."""
        return float(bool(set(self.question.gold_urls) & set(self.cited)))

    def key_fact_recall(self) -> float:
        return key_fact_recall(self.answer, self.question.must_include)

    def as_dict(self) -> dict:
        return {
            "id": self.question.id,
            "type": self.question.type,
            "style": self.question.style,
            "question": self.question.question,
            "rank_of_gold": self.rank_of_gold(),
            "declined": self.declined,
            "outcome": self.outcome,
            "reason": self.reason,
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
                "cited_right": statistics.mean(o.cited_right() for o in answerable),
                "gold_recall": statistics.mean(o.gold_recall() for o in answerable),
                "key_fact_recall": statistics.mean(o.key_fact_recall() for o in answerable),
                "false_refusals": statistics.mean(float(o.declined) for o in answerable),
                "partial": statistics.mean(float(o.outcome == "partial") for o in answerable),
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
        for style in STYLES:
            chosen = [o for o in self.outcomes if o.question.style == style]
            if chosen and len(chosen) < len(self.outcomes):
                table[style] = summarize(chosen)
        for kind in TYPES:
            chosen = [o for o in self.outcomes if o.question.type == kind]
            if chosen:
                table[kind] = summarize(chosen)
        changed = rewrite_changes(self.outcomes)
        if changed is not None:
            table["all"]["rewrite_changed"] = changed
        return table

    def as_dict(self) -> dict:
        return {"system": self.system, "summary": self.by_type(), "questions": [o.as_dict() for o in self.outcomes]}


STYLES = ("original", "terse", "variant", "turn")


def rewrite_changes(outcomes: list[Outcome]) -> float | None:
    """The share of rewrites whose cited documents differ from their original's (None: no rewrites).

    >>> q = Question("q", "single", "Q?", ["a"], [])
    >>> o = Outcome(q, [], ["a"], "", False, 0, 0)
    >>> same, other = (Outcome(replace(q, id=f"q~{c}", rewrite_of="q"), [], [c], "", False, 0, 0) for c in "ab")
    >>> r = [same, other]
    >>> rewrite_changes([o, *r])
    0.5
    """
    originals = {o.question.id: set(o.cited) for o in outcomes if not o.question.rewrite_of}
    pairs = [set(o.cited) != originals[o.question.rewrite_of] for o in outcomes if o.question.rewrite_of in originals]
    return round(statistics.mean(pairs), 3) if pairs else None


def evaluate_assistant(assistant, questions: list[Question], backend: str = "extractive") -> Report:
    """Run every question through the product pipeline (models loaded once, warmed up first); a
    conversation's turn is asked with the earlier turns' questions as the chat's history."""
    from rag.answer.base import Turn
    from rag.assistant import understood
    from rag.retrieval import SearchRequest

    report = Report(f"ours ({backend})")
    assistant.searcher.search(SearchRequest("warm-up question about a meeting"))
    chats: dict[str, list[Turn]] = {}  # a conversation's turns so far, with the answers given
    for q in questions:
        chat = q.id.rsplit(".", 1)[0]
        history = (chats.get(chat) or [Turn("user", text) for text in q.history]) if q.history else []
        started = time.perf_counter()
        assistant.search(understood(q.question, q.as_of, history), q.as_of)
        retrieval_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        answer = assistant.ask(q.question, as_of=q.as_of, backend=backend, history=history)
        answer_ms = (time.perf_counter() - started) * 1000
        if q.style == "turn":
            chats[chat] = [*history, Turn("user", q.question), Turn("assistant", answer.answer)]
        cited = list(dict.fromkeys(c.url or c.doc_id for c in answer.citations))
        ranking = cited_first(cited, answer.retrieved)
        decision = answer.decision
        report.outcomes.append(
            Outcome(
                q,
                ranking,
                cited,
                answer.answer,
                answer.declined,
                retrieval_ms,
                answer_ms,
                decision.outcome if decision else ("decline" if answer.declined else "answer"),
                decision.reason if decision else "",
            )
        )
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
    ("cited_right", "right doc cited"),
    ("gold_recall", "gold recall"),
    ("key_fact_recall", "key facts"),
    ("refusal_accuracy", "refusals"),
    ("false_refusals", "false refusals"),
    ("partial", "partial"),
    ("rewrite_changed", "rewrite changed"),
    ("retrieval_ms_p50", "retrieval p50 ms"),
    ("retrieval_ms_p95", "retrieval p95 ms"),
    ("answer_ms_p50", "answer p50 ms"),
]


def markdown_table(reports: list[Report]) -> str:
    """One row per (type, system): the results table of docs/evaluation.md."""
    header = "| type | system | n | " + " | ".join(label for _, label in COLUMNS) + " |"
    lines = [header, "|" + "---|" * (len(COLUMNS) + 3)]
    tables = [(r.system, r.by_type()) for r in reports]
    for kind in ["all", *STYLES, *TYPES]:
        for system, table in tables:
            if kind not in table:
                continue
            row = table[kind]
            cells = [str(row.get(key, "–")) for key, _ in COLUMNS]
            lines.append(f"| {kind} | {system} | {row['questions']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
