"""The evaluation of an earlier commit's pipeline, scored by today's evaluation code.

The earlier code runs in its own process from a git worktree (``.cache/worktrees/<commit>``,
git-ignored) against the same index; it is asked the same questions — rewrites and
conversation turns included, a turn with the earlier turns and their answers as history — and
today's ``rag.evaluation`` scores both, so "before" and "after" differ only in the pipeline.

    .venv/bin/python bench/eval_at_commit.py --commit 1bf7255 --data-dir .cache/eval-all \\
        eval/test/*.jsonl --markdown before.md
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.evaluation import Outcome, Report, cited_first, load_questions, markdown_table  # noqa: E402

# Runs inside the earlier commit's worktree: one JSON question a line in, one JSON result a line out.
RUNNER = r"""
import json, sys, time
from datetime import date
from rag.answer.base import Turn
from rag.assistant import Assistant
from rag.settings import load_settings

assistant = Assistant(load_settings(data_dir=sys.argv[1], backend="extractive"))
assistant.ask("warm-up question about a meeting")
chats = {}
for line in sys.stdin:
    q = json.loads(line)
    as_of = date.fromisoformat(q["as_of"]) if q["as_of"] else None
    chat = q["id"].rsplit(".", 1)[0]
    history = chats.get(chat, []) if q["history"] else []
    started = time.perf_counter()
    answer = assistant.ask(q["question"], as_of=as_of, backend="extractive", history=history)
    elapsed = (time.perf_counter() - started) * 1000
    if q["history"] is not None:
        chats[chat] = [*history, Turn("user", q["question"]), Turn("assistant", answer.answer)]
    cited = list(dict.fromkeys(c.url or c.doc_id for c in answer.citations))
    print(json.dumps({"id": q["id"], "cited": cited, "retrieved": answer.retrieved, "answer": answer.answer,
                      "declined": not answer.citations, "ms": elapsed}), flush=True)
"""


def worktree(commit: str) -> Path:
    path = ROOT / ".cache" / "worktrees" / commit
    if not path.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(path), commit], cwd=ROOT, check=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="+")
    parser.add_argument("--commit", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--markdown", help="write the results table here")
    parser.add_argument("--json", help="write the per-question report here")
    args = parser.parse_args()
    questions = [q for path in args.questions for q in load_questions(Path(path))]
    rows = [
        {
            "id": q.id,
            "question": q.question,
            "as_of": q.as_of.isoformat() if isinstance(q.as_of, date) else None,
            "history": list(q.history) if q.style == "turn" else None,
        }
        for q in questions
    ]
    tree = worktree(args.commit)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    data_dir = str(Path(args.data_dir).resolve())
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, data_dir],
        input="".join(json.dumps(r) + "\n" for r in rows),
        capture_output=True,
        text=True,
        cwd=tree,
        env=env,
        check=True,
    )
    results = {r["id"]: r for r in map(json.loads, done.stdout.splitlines())}
    report = Report(f"before ({args.commit}, extractive)")
    for q in questions:
        r = results[q.id]
        ranking = cited_first(r["cited"], r["retrieved"])
        outcome = "decline" if r["declined"] else "answer"
        report.outcomes.append(Outcome(q, ranking, r["cited"], r["answer"], r["declined"], 0.0, r["ms"], outcome))
    table = markdown_table([report])
    if args.markdown:
        Path(args.markdown).write_text(table + "\n", encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps(report.as_dict(), indent=1), encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
