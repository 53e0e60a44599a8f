"""Citation precision and recall of answers and briefing notes, before and after the verifier.

    .venv/bin/python bench/citations.py --data-dir .cache/eval-index --backend extractive
    .venv/bin/python bench/citations.py --data-dir .cache/eval-index --backend local --questions-limit 40
    .venv/bin/python bench/citations.py --data-dir .cache/eval-index --rescore .cache/citations-local.jsonl

``--rescore`` checks the model answers a previous run saved (their text and sources) again with
the current verifier, without running the model.

Per sentence of what a writer produced (the verifier's checks, see rag/answer/verify.py):

- *factual*: not a heading, refusal or connective;
- *raw precision*: share of the sentences the writer cited whose cited source supports them as cited
  (status ``supported``; a corrected, unverified or removed sentence counts against it);
- *raw recall*: share of factual sentences the writer cited (with a marker of their own, or the one
  closing their bullet or paragraph; ``raw_recall_own_marker`` counts only their own);
- *shown precision*: of the factual sentences the user sees, the share verified (supported, moved to
  the right source, or given a source); the rest are shown marked ``(unverified)``;
- *shown recall*: share of the factual sentences the user sees that carry a citation;
- *removed* / *flagged*: share of factual sentences the verifier removed / marked unverified.

Every shown sentence with its cited quotes is written to ``--out`` (JSONL) for reading by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.answer.verify import verify  # noqa: E402
from rag.assistant import Assistant  # noqa: E402
from rag.briefing.note import Briefer  # noqa: E402
from rag.evaluation import load_questions  # noqa: E402
from rag.settings import load_settings  # noqa: E402

SHOWN = ("supported", "corrected", "cited", "unverified")


def answer_checks(assistant: Assistant, question: str, as_of, backend: str):
    """(checks of the writer's own text, final answer, that text, the sources it was given): for a
    model, its streamed text is checked here too, so a model answer that the assistant replaced by
    the extractive one still counts."""
    sources, tokens, final = [], [], None
    for event in assistant.events(question, as_of=as_of, backend=backend):
        if event.kind == "sources":
            sources = event.value
        elif event.kind == "token":
            tokens.append(event.value)
        elif event.kind == "answer":
            final = event.value
    if backend != "extractive" and tokens:
        raw = "".join(tokens)
        return verify(raw, sources, assistant.embeddings).checks, final, raw, [asdict(p) for p in sources]
    return final.checks, final, final.answer, []


def summarize(checks) -> dict:
    factual = [c for c in checks if c.status != "plain"]
    cited = [c for c in factual if c.cited]
    shown = [c for c in factual if c.status in SHOWN]
    n = len(factual) or 1
    return {
        "factual_sentences": len(factual),
        "raw_precision": round(sum(c.status == "supported" for c in cited) / (len(cited) or 1), 3),
        "raw_recall": round(len(cited) / n, 3),
        "raw_recall_own_marker": round(sum(c.own_marker for c in factual) / n, 3),
        "shown_precision": round(sum(c.status != "unverified" for c in shown) / (len(shown) or 1), 3),
        "shown_recall": 1.0 if shown else 0.0,  # every shown factual sentence carries a marker (by the verifier)
        "removed": round(sum(c.status == "removed" for c in factual) / n, 3),
        "flagged": round(sum(c.status == "unverified" for c in factual) / n, 3),
        "corrected": round(sum(c.status in ("corrected", "cited") for c in factual) / n, 3),
    }


def run(args) -> dict:
    settings = load_settings(data_dir=args.data_dir)
    assistant = Assistant(settings)
    briefer = Briefer(assistant)
    question_checks, note_checks = [], []
    started = time.perf_counter()
    out = open(args.out, "w", encoding="utf-8")  # noqa: SIM115 - written record by record, readable mid-run

    def keep(record: dict) -> None:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
        print(f"{record['kind']} {record['id']}: {time.perf_counter() - started:.0f} s", file=sys.stderr)

    for question in load_questions(Path(args.questions))[: args.questions_limit]:
        checks, final, raw, sources = answer_checks(assistant, question.question, question.as_of, args.backend)
        question_checks += checks
        keep({"kind": "question", "id": question.id, "backend": final.backend, "notice": final.notice,
                        "text": final.answer, "raw": raw, "sources": sources, "checks": [c.as_dict() for c in checks],
                        "quotes": {c.n: c.quote for c in final.citations}})  # fmt: skip
    for line in Path(args.topics).read_text(encoding="utf-8").splitlines()[: args.topics_limit]:
        topic = json.loads(line)
        parse = lambda v: date.fromisoformat(v) if v else None  # noqa: E731
        note = briefer.build(topic["topic"], parse(topic["since"]), parse(topic["until"]), parse(topic["as_of"]),
                             args.backend)  # fmt: skip
        note_checks += note.checks
        keep({"kind": "note", "id": topic["id"], "backend": note.backend, "notice": note.notice,
                        "note": note.as_dict()})  # fmt: skip
    out.close()
    return {
        "backend": args.backend,
        "questions": summarize(question_checks),
        "notes": summarize(note_checks),
        "seconds": round(time.perf_counter() - started, 1),
    }


def rescore(path: Path) -> dict:
    """Question records of an earlier run checked again with the current verifier."""
    from rag.answer.passages import Passage
    from rag.embeddings import MiniLMEmbeddings

    embeddings, checks = MiniLMEmbeddings(), []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["kind"] == "question" and record.get("sources"):
            checks += verify(record["raw"], [Passage(**p) for p in record["sources"]], embeddings).checks
    return {"rescored": str(path), "questions": summarize(checks)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--backend", default="extractive")
    parser.add_argument("--questions", default="eval/questions.jsonl")
    parser.add_argument("--topics", default="eval/note_topics.jsonl")
    parser.add_argument("--questions-limit", type=int, default=None)
    parser.add_argument("--topics-limit", type=int, default=None)
    parser.add_argument("--out", default=None, help="JSONL of every output and its checks")
    parser.add_argument("--rescore", help="check a previous run's model answers again (no model run)")
    args = parser.parse_args()
    if args.rescore:
        print(json.dumps(rescore(Path(args.rescore)), indent=2))
        return
    args.out = args.out or f".cache/citations-{args.backend}.jsonl"
    print(json.dumps(run(args), indent=2))


if __name__ == "__main__":
    main()
