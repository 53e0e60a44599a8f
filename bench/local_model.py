"""The local model in the product path: first useful content, first token, tokens/s, memory, key facts.

    .venv/bin/python bench/local_model.py --data-dir .cache/eval-index --limit 30
    .venv/bin/python bench/local_model.py --data-dir .cache/eval-index --limit 15 --cold-prefix

Every answerable evaluation question (the first ``--limit``, in file order; the file mixes the
types) goes through ``Assistant.events`` with the local backend, as the chat page consumes it.
Per question, from the question on: when the extractive draft with its sources is ready (the
first useful content), when the model's first token arrives, when the checked answer is done;
the prompt's size in tokens and the model's generation speed. Key-fact recall of the local
model's final answers is computed like ``rag eval`` does, beside the extractive answer's on the
same questions. ``--unanswerable`` asks the questions the corpus cannot answer instead: what
counts there is ``declined`` (answers without a citation); read the others' ``written`` text.
``--cold-prefix`` empties llama.cpp's cache before each question, to show what reusing the
prompt prefix (the chat template and the system prompt) saves.
The model is loaded before the timing (a one-off cost, reported on its own).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.answer import local_llm  # noqa: E402
from rag.answer.verify import MARKERS  # noqa: E402
from rag.assistant import Assistant  # noqa: E402
from rag.evaluation import key_fact_recall, load_questions  # noqa: E402
from rag.settings import load_settings  # noqa: E402
from rag.text import sentence_spans  # noqa: E402


def key_facts(answer: str, question) -> float:
    """As ``rag eval`` scores it (the share of key-fact groups the answer contains)."""
    return key_fact_recall(answer, question.must_include)


def key_facts_given(sources, question) -> float:
    """The ceiling for the model: key facts in what it was shown (titles and passages)."""
    return key_facts(" ".join(f"{s.title} {s.text}" for s in sources), question)


def withdrawn(streamed: str, shown: str) -> list[str]:
    """Sentences of the streamed first paragraph (on screen before any check) that the checked
    answer does not show, markers aside: removed, or reworded by the verifier.

    >>> withdrawn("They met [1]. They discussed Yemen [1].\\n\\nMore [2].", "They met [1].")
    ['They discussed Yemen']
    """
    first = MARKERS.sub("", streamed.strip().split("\n\n")[0])
    kept = " ".join(MARKERS.sub("", shown).split())
    said = (" ".join(first[a:b].split()).rstrip(".") for a, b in sentence_spans(first))
    return [s for s in said if len(s) > 3 and s not in kept]


def llama():
    return next(iter(local_llm._LOADED.values()))


def run_one(assistant: Assistant, q, cold: bool) -> dict:
    if cold:
        llama().reset()
    started = time.perf_counter()
    marks, pieces, final, sources = {}, [], None, []
    for event in assistant.events(q.question, as_of=q.as_of, backend="local"):
        now = time.perf_counter() - started
        if event.kind == "draft":
            marks["draft_s"] = now
        elif event.kind == "sources":
            sources = event.value
        elif event.kind == "token":
            marks.setdefault("first_token_s", now)
            marks["last_token_s"] = now
            pieces.append(event.value)
        elif event.kind == "answer":
            final = event.value
    marks["answer_s"] = time.perf_counter() - started
    writer = assistant.writer("local")
    prompt = "".join(m.content for m in writer.messages(q.question, sources, [])) if sources else ""
    row = {
        "id": q.id,
        **{k: round(v, 2) for k, v in marks.items()},
        "prompt_tokens": len(llama().tokenize(prompt.encode(), add_bos=False)) if prompt else 0,
        "generated_tokens": len(llama().tokenize("".join(pieces).encode(), add_bos=False)) if pieces else 0,
        "backend": final.backend,
        "key_facts": key_facts(final.answer, q),
        "key_facts_written": key_facts("".join(pieces), q),  # before the verifier
        "key_facts_given": key_facts_given(sources, q) if sources else None,
        "declined": final.declined,  # no citation: the refusal, or no checked sentence left
    }
    if not sources:  # declined before any model call: no model timing to report
        row.pop("first_token_s", None)
    elif row["generated_tokens"] > 1:
        streaming = marks["last_token_s"] - marks["first_token_s"]  # N tokens, N - 1 intervals
        row["tokens_per_s"] = round((row["generated_tokens"] - 1) / streaming, 1) if streaming > 0 else None
    row.pop("last_token_s", None)
    row["withdrawn"] = withdrawn("".join(pieces), final.answer)
    row["written"] = "".join(pieces)  # kept in the per-question lines (stderr) to read what was lost where
    row["shown"] = final.answer  # after the verifier (or the extractive answer when nothing of it was left)
    return row


def median(rows: list[dict], key: str) -> float | None:
    values = [r[key] for r in rows if r.get(key) is not None]
    return round(statistics.median(values), 2) if values else None


def mean_of(rows: list[dict], key: str) -> float | None:
    values = [r[key] for r in rows if r.get(key) is not None]
    return round(statistics.mean(values), 3) if values else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--questions", default="eval/questions.jsonl")
    parser.add_argument("--limit", type=int, default=30)
    parser.add_argument("--ids", default="", help="comma-separated question ids instead of the first --limit")
    parser.add_argument("--unanswerable", action="store_true", help="the questions the corpus cannot answer")
    parser.add_argument("--cold-prefix", action="store_true", help="reset llama.cpp's prefix cache each time")
    args = parser.parse_args()
    questions = [q for q in load_questions(Path(args.questions)) if (q.type == "unanswerable") == args.unanswerable]
    wanted = set(filter(None, args.ids.split(",")))
    questions = [q for q in questions if q.id in wanted] if wanted else questions[: args.limit]
    assistant = Assistant(load_settings(data_dir=Path(args.data_dir), backend="local"))
    started = time.perf_counter()
    assistant.ask("warm-up: what was discussed with Serbia?", backend="local")  # loads embedder and model
    load_s = time.perf_counter() - started
    rows = []
    for q in questions:
        rows.append(run_one(assistant, q, args.cold_prefix))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        rows[-1].pop("written")
        rows[-1].pop("shown")
    extractive = [key_facts(assistant.ask(q.question, q.as_of, "extractive").answer, q) for q in questions]
    called = [r for r in rows if "first_token_s" in r]  # questions the model was asked
    first_tokens = sorted(r["first_token_s"] for r in called) or [None]
    summary = {
        "questions": len(rows),
        "writing": assistant.local_writing(),
        "cold_prefix": args.cold_prefix,
        "load_and_first_answer_s": round(load_s, 1),
        "draft_p50_s": median(rows, "draft_s"),
        "draft_max_s": max((r["draft_s"] for r in rows if "draft_s" in r), default=None),
        "first_token_p50_s": median(rows, "first_token_s"),
        "first_token_p95_s": first_tokens[min(len(first_tokens) - 1, round(0.95 * (len(first_tokens) - 1)))],
        "first_token_max_s": first_tokens[-1],
        "answer_p50_s": median(rows, "answer_s"),
        "prompt_tokens_p50": median(rows, "prompt_tokens"),
        "tokens_per_s_p50": median(rows, "tokens_per_s"),
        "streamed_then_withdrawn": sum(bool(r["withdrawn"]) for r in called),
        "model_calls": len(called),
        "model_answers_shown": sum(r["backend"] == "local" for r in rows),
        "key_facts_local": round(statistics.mean(r["key_facts"] for r in rows), 3),
        "key_facts_model_calls": mean_of(called, "key_facts"),
        "key_facts_written": mean_of(called, "key_facts_written"),
        "key_facts_given": mean_of(called, "key_facts_given"),
        "key_facts_extractive": round(statistics.mean(extractive), 3),
        "declined": sum(r["declined"] for r in rows),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
