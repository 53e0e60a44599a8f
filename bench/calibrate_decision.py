"""Calibrate the answer decision's thresholds on the development questions (never the test set).

For every development question (originals, rewrites and conversation turns) the pipeline runs up
to the decision and records its evidence: whether documents naming the counterparts were found,
the best sentence score among them, the distinctive subject words they lack and those they cover,
and whether the gold document is among them. The decision (rag/answer/decision.py) is then
replayed for a grid of ``MIN_RELEVANCE`` × ``CLEAR_RELEVANCE`` and each pair's false refusals and
correct declines are printed, so the chosen pair is a measured one.

    .venv/bin/python bench/calibrate_decision.py --data-dir .cache/eval-all eval/dev/*.jsonl \\
        eval/questions.jsonl eval/questions_fresh.jsonl eval/questions_topics.jsonl --out .cache/decision-dev.jsonl
    .venv/bin/python bench/calibrate_decision.py --replay .cache/decision-dev.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.answer.base import Turn  # noqa: E402
from rag.answer.decision import _most_named, supporting  # noqa: E402
from rag.answer.unmentioned import SubjectCheck  # noqa: E402
from rag.assistant import Assistant, understood  # noqa: E402
from rag.evaluation import load_questions  # noqa: E402
from rag.settings import load_settings  # noqa: E402


def evidence_of(assistant: Assistant, q, history: list[Turn]) -> dict:
    """What the decision sees for one question (Assistant.weigh, as the product runs it)."""
    query = understood(q.question, q.as_of, history)
    listing = query.kind == "list"
    result = assistant.search(query, q.as_of, listing)
    row = {"id": q.id, "type": q.type, "style": q.style, "answerable": q.type != "unanswerable"}
    if result.period_empty:
        return row | {"period_empty": True, "why": "period", "best": 0.0, "missing": {}, "distinctive": []}
    weighed = assistant.weigh(query, result, listing)
    kept, why = supporting(weighed.query, weighed.evidence)
    every = SubjectCheck(assistant.searcher.keyword, assistant.document_text, rare=1.0)  # any share
    words = list(weighed.query.subjects)
    scored = {e.doc_id: weighed.best[e.doc_id] for e in kept if e.doc_id in weighed.best}
    missing = every.absent(words, _most_named(weighed.query, kept, scored)) if scored and words else []
    shares = assistant.searcher.keyword.shares(words) if words else {}
    gold = set(q.gold_urls)
    url_of = {e.doc_id: e.url or e.doc_id for e in weighed.evidence}
    return row | {
        "why": why,
        "best": max(weighed.best.values(), default=0.0),
        "subjects": {w: [round(shares.get(w, 0.0), 6), w not in missing] for w in words},
        "gold_retrieved": bool(gold & set(url_of.values())),
        "gold_kept": bool(gold & {url_of[e.doc_id] for e in kept}),
    }


def outcome(row: dict, min_relevance: float, rare: float, subject_share: float = 0.5) -> str:
    """The decision replayed with other thresholds (the rules of rag/answer/decision.py)."""
    if row.get("period_empty") or row["why"]:
        return "decline"
    subjects = row.get("subjects", {})
    distinctive = {w: covered for w, (share, covered) in subjects.items() if share <= rare}
    missing = [w for w, covered in distinctive.items() if not covered]
    if missing and not any(distinctive.values()) and len(missing) >= subject_share * len(subjects):
        return "decline"
    if row["best"] < min_relevance:
        return "decline"
    return "partial" if missing else "answer"


def replay(rows: list[dict]) -> None:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    structural = sum(bool(r.get("period_empty") or r["why"]) for r in answerable)
    print(f"{len(answerable)} answerable, {len(unanswerable)} unanswerable; answerable declined before any")
    print(f"threshold (no document names the counterparts, or an empty period): {structural}")
    print("| MIN_RELEVANCE | RARE | SUBJECT_SHARE | false refusals | unanswerable declined | partial |")
    print("|---|---|---|---|---|---|")
    for low in (0.4, 0.5, 0.6):
        for rare in (1 / 3000, 1 / 1000, 1 / 300):
            for subject_share in (0.0, 0.34, 0.5, 0.67, 1.0):
                decided = [outcome(r, low, rare, subject_share) for r in answerable]
                declined = [outcome(r, low, rare, subject_share) == "decline" for r in unanswerable]
                false = decided.count("decline") / max(len(answerable), 1)
                partial = decided.count("partial") / max(len(answerable), 1)
                right = sum(declined) / max(len(unanswerable), 1)
                print(
                    f"| {low:.2f} | 1/{round(1 / rare)} | {subject_share:.2f} "
                    f"| {false:.3f} | {right:.3f} | {partial:.3f} |"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="*")
    parser.add_argument("--data-dir", default=".cache/eval-all")
    parser.add_argument("--out", default=".cache/decision-dev.jsonl")
    parser.add_argument("--replay", help="replay saved evidence rows instead of running the pipeline")
    args = parser.parse_args()
    if args.replay:
        rows = [json.loads(line) for line in Path(args.replay).read_text().splitlines() if line.strip()]
        return replay(rows)
    if any("/test/" in q for q in args.questions):
        raise SystemExit("calibrate on the development questions only: eval/test/ is reported, never tuned on")
    assistant = Assistant(load_settings(data_dir=args.data_dir))
    rows, chats = [], {}
    with open(args.out, "w", encoding="utf-8") as out:
        for path in args.questions:
            for q in load_questions(Path(path)):
                history = chats.get(q.id.rsplit(".", 1)[0], []) if q.history else []
                row = evidence_of(assistant, q, history)
                rows.append(row)
                out.write(json.dumps(row) + "\n")
                if q.style == "turn":  # the next turn reads this one and its answer (rag.evaluation)
                    answer = assistant.ask(q.question, as_of=q.as_of, history=history, backend="extractive")
                    chats[q.id.rsplit(".", 1)[0]] = [
                        *history,
                        Turn("user", q.question),
                        Turn("assistant", answer.answer),
                    ]
    replay(rows)


if __name__ == "__main__":
    main()
