"""Soak: many questions through one Assistant, in a batch and from threads, watching memory.

    .venv/bin/python bench/soak.py                        # 1000 batch + 200 concurrent (8 threads)
    .venv/bin/python bench/soak.py --batch 300 --concurrent 100 --data-dir .rag

The Streamlit server holds one Assistant (st.cache_resource) and answers every session from
its own thread, so the concurrent phase shares one Assistant between a thread pool the same way.
Questions cycle through eval/questions.jsonl (all types, their as-of dates) on the extractive
backend. Without --data-dir a small index is built first: corpus/ and the questions' gold
documents from ../shared/data (116 documents, about 30 s).

Reports JSON: failures (with the first messages), answers from threads that differ from the
batch answer to the same question (a sign of shared state going wrong), latency, and RSS
samples, with the growth over the second half of each phase: memory is called stable when that
growth is under 5% of the RSS at the half-way point.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.assistant import Assistant  # noqa: E402
from rag.settings import load_settings  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"


def rss_mb() -> float:
    """Resident memory now (not the peak), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Sampler:
    """RSS every ``every`` seconds on a background thread, tagged with the phase."""

    def __init__(self, every: float):
        self.every, self.samples, self.phase = every, [], ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        started = time.monotonic()
        while not self._stop.is_set():
            self.samples.append((self.phase, round(time.monotonic() - started, 1), round(rss_mb(), 1)))
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def build_index(folder: Path) -> Path:
    """A small index the questions are about: the sample article and their gold documents."""
    from rag.factory import make_embeddings, make_keyword_index, make_store
    from rag.ingest import Ingestor

    gold = {url for question in read_jsonl(ROOT / "eval" / "questions.jsonl") for url in question["gold_urls"]}
    records = {}
    for collection in sorted(SHARED.glob("*.jsonl")) if SHARED.exists() else []:
        records.update((r["url"], r) for r in read_jsonl(collection) if r.get("url") in gold)
    (folder / "gold.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records.values()), encoding="utf-8")
    settings = load_settings(data_dir=folder / "index", backend="extractive")
    embeddings = make_embeddings(settings)
    ingestor = Ingestor(make_store(settings, embeddings), embeddings, make_keyword_index(settings))
    ingestor.ingest([ROOT / "corpus", folder / "gold.jsonl"], progress=False)
    return folder / "index"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_questions() -> list[tuple[str, date | None]]:
    items = read_jsonl(ROOT / "eval" / "questions.jsonl")
    return [(q["question"], date.fromisoformat(q["as_of"]) if q.get("as_of") else None) for q in items]


def ask(assistant: Assistant, question: tuple[str, date | None]) -> tuple[str, float, str | None]:
    """(answer text, seconds, error) — an exception is a failure to report, not a crash of the soak."""
    started = time.perf_counter()
    try:
        return assistant.ask(question[0], question[1]).answer, time.perf_counter() - started, None
    except Exception as error:
        return "", time.perf_counter() - started, f"{type(error).__name__}: {error}"[:300]


def half_growth(samples: list, phase: str) -> dict:
    values = [rss for tag, _, rss in samples if tag == phase]
    if len(values) < 4:
        return {"samples": len(values)}
    middle = values[len(values) // 2]
    growth = values[-1] - middle
    return {
        "samples": len(values),
        "rss_start_mb": values[0],
        "rss_half_mb": middle,
        "rss_end_mb": values[-1],
        "rss_max_mb": max(values),
        "second_half_growth_mb": round(growth, 1),
        "stable": growth < 0.05 * middle,
    }


def summary(results: list, seconds: float) -> dict:
    latencies = sorted(r[1] for r in results)
    errors = [r[2] for r in results if r[2]]
    return {
        "questions": len(results),
        "failures": len(errors),
        "first_failures": errors[:3],
        "seconds": round(seconds, 1),
        "p50_s": round(statistics.median(latencies), 3),
        "p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
    }


def run(args) -> dict:
    data_dir = Path(args.data_dir) if args.data_dir else build_index(Path(tempfile.mkdtemp(prefix="soak-")))
    assistant = Assistant(load_settings(data_dir=data_dir, backend="extractive"))
    questions = load_questions()
    ask(assistant, questions[0])  # load the embedder and the store outside the measurement
    expected: dict[int, str] = {}
    with Sampler(args.every) as sampler:
        sampler.phase, started, batch = "batch", time.monotonic(), []
        for number in range(args.batch):
            batch.append(ask(assistant, questions[number % len(questions)]))
            expected.setdefault(number % len(questions), batch[-1][0])
        batch_seconds = time.monotonic() - started
        sampler.phase, started = "concurrent", time.monotonic()
        picks = [n % len(questions) for n in range(args.concurrent)]
        with ThreadPoolExecutor(args.workers) as pool:
            concurrent = list(pool.map(lambda n: ask(assistant, questions[n]), picks))
        concurrent_seconds = time.monotonic() - started
    differing = sum(1 for n, r in zip(picks, concurrent, strict=True) if n in expected and r[0] != expected[n])
    return {
        "data_dir": str(data_dir),
        "batch": {**summary(batch, batch_seconds), "memory": half_growth(sampler.samples, "batch")},
        "concurrent": {
            **summary(concurrent, concurrent_seconds),
            "workers": args.workers,
            "answers_differing_from_batch": differing,
            "memory": half_growth(sampler.samples, "concurrent"),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=1000, help="questions asked one after another")
    parser.add_argument("--concurrent", type=int, default=200, help="questions asked from the thread pool")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--every", type=float, default=1.0, help="seconds between RSS samples")
    parser.add_argument("--data-dir", help="an existing index (default: build a small one in a temp folder)")
    print(json.dumps(run(parser.parse_args()), indent=2))


if __name__ == "__main__":
    main()
