"""A follow-up question's answer time, with the sentence vectors of the question before it
remembered (the product) and forgotten (as before), in the same run.

    .venv/bin/python bench/follow_up.py --data-dir .cache/eval-index --limit 30

Per question: ask it (extractive, as the draft is), then the follow-up "What else did they
discuss?" with the question and answer as history, once with the assistant's sentence-vector
memory as the question left it and once with it emptied. Document texts stay cached both times.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.answer.base import Turn  # noqa: E402
from rag.assistant import Assistant  # noqa: E402
from rag.evaluation import load_questions  # noqa: E402
from rag.memo import Lru  # noqa: E402
from rag.settings import load_settings  # noqa: E402

FOLLOW_UP = "What else did they discuss?"


def timed(call, *args, **kwargs) -> float:
    started = time.perf_counter()
    call(*args, **kwargs)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--questions", default="eval/questions_fresh.jsonl")
    parser.add_argument("--limit", type=int, default=30)
    args = parser.parse_args()
    questions = load_questions(Path(args.questions))[: args.limit]
    assistant = Assistant(load_settings(data_dir=Path(args.data_dir), backend="extractive"))
    assistant.ask("warm-up: what was discussed with Serbia?")
    first, remembered, forgotten = [], [], []
    for q in questions:
        started = time.perf_counter()
        answer = assistant.ask(q.question, q.as_of)
        first.append(time.perf_counter() - started)
        history = [Turn("user", q.question), Turn("assistant", answer.answer)]
        memory = assistant.sentence_vectors
        assistant.sentence_vectors = Lru(memory.limit, memory.size)  # forgotten: an empty memory
        forgotten.append(timed(assistant.ask, FOLLOW_UP, q.as_of, history=history))
        assistant.sentence_vectors = memory
        remembered.append(timed(assistant.ask, FOLLOW_UP, q.as_of, history=history))

    def summary(values: list[float]) -> dict:
        ordered = sorted(values)
        return {"p50_s": round(statistics.median(ordered), 3), "max_s": round(ordered[-1], 3)}

    print(
        json.dumps(
            {
                "questions": len(questions),
                "question": summary(first),
                "follow_up_remembered": summary(remembered),
                "follow_up_forgotten": summary(forgotten),
            }
        )
    )


if __name__ == "__main__":
    main()
