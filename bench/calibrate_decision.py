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
from rag.answer.decision import gather, supporting  # noqa: E402
from rag.answer.passages import rank_sentences, without_reporters  # noqa: E402
from rag.answer.unmentioned import SubjectCheck  # noqa: E402
from rag.assistant import Assistant, understood  # noqa: E402
from rag.evaluation import load_questions  # noqa: E402
from rag.settings import load_settings  # noqa: E402


def evidence_of(assistant: Assistant, q) -> dict:
    """What the decision sees for one question."""
    history = [Turn("user", text) for text in q.history]
    query = understood(q.question, q.as_of, history)
    listing = query.kind == "list"
    result = assistant.search(query, q.as_of, listing)
    row = {"id": q.id, "type": q.type, "style": q.style, "answerable": q.type != "unanswerable"}
    if result.period_empty:
        return row | {"period_empty": True, "why": "period", "best": 0.0}
    text_of = assistant.document_text
    evidence = gather(query, result.first_hits(), text_of)
    kept, why = supporting(query, evidence)
    allowed = {e.doc_id for e in kept}
    hits = [h for h in result.hits if h.doc_id in allowed]

    def keep(passages):
        return without_reporters([p for p in passages if p.doc_id in allowed], text_of)

    ranked = rank_sentences(query.text, hits, assistant.embeddings, keep=keep, memory=assistant.sentence_vectors)
    best: dict[str, float] = {}
    for passage in ranked:
        best.setdefault(passage.doc_id, passage.score)
    subjects = SubjectCheck(assistant.searcher.keyword, text_of)
    words = list(query.subjects)
    missing = subjects.absent(words, set(best)) if best and words else []
    gold = set(q.gold_urls)
    url_of = {e.doc_id: e.url or e.doc_id for e in evidence}
    return row | {
        "why": why,
        "best": max(best.values(), default=0.0),
        "missing": missing,
        "covered": sorted(set(subjects.distinctive(words)) - set(missing)) if missing else [],
        "gold_retrieved": bool(gold & set(url_of.values())),
        "gold_kept": bool(gold & {url_of[d] for d in allowed}),
        "gold_best": max((s for d, s in best.items() if url_of[d] in gold), default=0.0),
    }


def outcome(row: dict, min_relevance: float, clear: float) -> str:
    """The decision replayed with other thresholds (the same rules as rag/answer/decision.py)."""
    if row.get("period_empty") or row["why"] or row["best"] < min_relevance:
        return "decline"
    if row["missing"]:
        return "decline" if row["best"] < clear and not row["covered"] else "partial"
    return "answer"


def replay(rows: list[dict]) -> None:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    structural = sum(bool(r.get("period_empty") or r["why"]) for r in answerable)
    print(f"{len(answerable)} answerable, {len(unanswerable)} unanswerable; answerable declined before any")
    print(f"threshold (no document names the counterparts, or an empty period): {structural}")
    print("| MIN_RELEVANCE | CLEAR_RELEVANCE | false refusals | unanswerable declined | partial (answerable) |")
    print("|---|---|---|---|---|")
    for low in (0.30, 0.35, 0.40, 0.45, 0.50):
        for clear in (0.45, 0.50, 0.55, 0.60, 0.65, 0.70):
            if clear < low:
                continue
            false = sum(outcome(r, low, clear) == "decline" for r in answerable) / max(len(answerable), 1)
            right = sum(outcome(r, low, clear) == "decline" for r in unanswerable) / max(len(unanswerable), 1)
            partial = sum(outcome(r, low, clear) == "partial" for r in answerable) / max(len(answerable), 1)
            print(f"| {low:.2f} | {clear:.2f} | {false:.3f} | {right:.3f} | {partial:.3f} |")


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
    rows = []
    with open(args.out, "w", encoding="utf-8") as out:
        for path in args.questions:
            for q in load_questions(Path(path)):
                row = evidence_of(assistant, q)
                rows.append(row)
                out.write(json.dumps(row) + "\n")
    replay(rows)


if __name__ == "__main__":
    main()
