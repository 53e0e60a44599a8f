"""The by-source writer at an earlier commit against the current one, question by question, back to back.

    .venv/bin/python bench/paired.py --data-dir .cache/eval-index --before 06896a4 \
        --ids q010,q013,q045,f005 --rounds 2 > paired.jsonl

On this VM the same prompt's first token moves by up to a second between runs of a benchmark
(docs/benchmarks.md, "Tenth session"), more than a change of ten prompt tokens saves. So both
writers answer each question in one process, one right after the other, each from the same
state: the sentence vectors and document texts forgotten, llama.cpp's cache cut back to the
system prompt. Odd rounds swap the order. One JSON row per answer (``bench/local_model.py``'s
row with ``writer`` and ``round``); the last line compares the model's part of the wait (first
token minus draft) per pair.

The earlier ``rag/answer/by_source.py`` is read with ``git show`` and imported against the current
package, so it runs while the names it imports still exist.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from local_model import llama, run_one  # noqa: E402

from rag.assistant import Assistant  # noqa: E402
from rag.evaluation import load_questions  # noqa: E402
from rag.settings import load_settings  # noqa: E402

SYSTEM_PROMPT_TOKENS = 170  # the chat template and the by-source system prompt, cached for every question


def writer_at(commit: str, current):
    """The by-source writer as ``commit`` wrote it, with the current writer's model and settings."""
    source = subprocess.run(
        ["git", "show", f"{commit}:rag/answer/by_source.py"], capture_output=True, text=True, check=True
    ).stdout
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "by_source_before.py"
        path.write_text(source)
        spec = importlib.util.spec_from_file_location(f"by_source_{commit}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module.BySourceWriter(
        current.model, current.name, current.max_sources, current.max_chars, current.first_chars,
        current.first_message_chars,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--before", required=True, help="the commit whose by-source writer is compared")
    parser.add_argument("--ids", required=True, help="comma-separated question ids (eval/questions*.jsonl)")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    ids = set(args.ids.split(","))
    files = ("eval/questions.jsonl", "eval/questions_fresh.jsonl")
    questions = [q for f in files for q in load_questions(Path(f)) if q.id in ids]
    assistant = Assistant(load_settings(data_dir=Path(args.data_dir), backend="local"))
    assistant.ask("warm-up: what was discussed with Serbia?", backend="local")  # loads embedder and model
    key = f"local:{assistant.local_writing()}"
    current = assistant.writer("local")
    writers = {"before": writer_at(args.before, current), "now": current}
    changes = []
    for round_ in range(args.rounds):
        for q in questions:
            pair = {}
            for name in ("before", "now") if round_ % 2 == 0 else ("now", "before"):
                assistant._writers[key] = writers[name]
                assistant.sentence_vectors.clear()
                assistant._texts.clear()
                llama().n_tokens = min(llama().n_tokens, SYSTEM_PROMPT_TOKENS)
                row = pair[name] = {**run_one(assistant, q, False), "writer": name, "round": round_}
                print(json.dumps(row), flush=True)
            if all("first_token_s" in r for r in pair.values()):
                changes.append(model_part(pair["now"]) - model_part(pair["before"]))
    assistant._writers[key] = current
    if changes:
        summary = {"pairs": len(changes), "model_part_change_p50_s": round(statistics.median(changes), 2)}
        print(json.dumps({**summary, "faster": sum(c < 0 for c in changes)}), flush=True)


def model_part(row: dict) -> float:
    return row["first_token_s"] - row["draft_s"]


if __name__ == "__main__":
    main()
