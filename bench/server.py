"""Chroma as a server: the embedded store against `chroma run`, and 8 concurrent clients.

    .venv/bin/python bench/server.py --source .cache/full-index --ingest corpus

In one run, on loopback:

1. starts ``chroma run`` in a temporary folder (stopped at the end, also on errors);
2. ingests ``--ingest`` through the pipeline over ``HttpClient`` into its own collections (embedding
   included: the server changes where vectors go, not how fast they are made);
3. copies every record of ``--source`` (an embedded index built by ``rag ingest``) into the server
   with the source's vectors, so both hold the same data;
4. asks every evaluation question once through the embedded store and once through the server
   (the extractive answer: retrieval, sentence scoring, writing, verifying) and compares the
   answers and their citations;
5. starts 1, then ``--clients`` processes (each an app instance: its own embedder with one
   thread, its own keyword cache in its own data folder, the shared server), which ask the
   questions concurrently, each in its own shuffled order, ``--rounds`` times: throughput and
   latency percentiles. Clients and server share this machine's cores.

Answers that differ are listed by question id: the server builds its own HNSW graph from the
copied vectors, so a near-tie in ranking may break the other way; read them before calling it a bug.

Prints JSON lines.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scale import NoEmbeddings, cold_caches, percentile, read_source, write_documents  # noqa: E402

from rag.assistant import Assistant  # noqa: E402
from rag.chroma_server import chroma_server  # noqa: E402
from rag.evaluation import load_questions  # noqa: E402
from rag.factory import make_embeddings, make_keyword_index, make_store  # noqa: E402
from rag.ingest import Ingestor  # noqa: E402
from rag.keyword import sync  # noqa: E402
from rag.settings import load_settings  # noqa: E402

# Each client process is an app instance with a 1-thread embedder: 8 instances of 2 threads on
# 2 cores would measure onnxruntime's oversubscription, not the server.
THREADS = 1


def answer_key(answer) -> tuple:
    """What must be the same from both stores: the text and every citation's place."""
    return answer.answer, tuple((c.doc_id, c.start, c.end) for c in answer.citations)


def timed_answers(assistant: Assistant, questions) -> tuple[list[tuple], list[float]]:
    """Answers and their latencies, starting from cold caches (see bench/scale.py)."""
    cold_caches(assistant)
    keys, times = [], []
    for q in questions:
        started = time.perf_counter()
        keys.append(answer_key(assistant.ask(q.question, as_of=q.as_of, backend="extractive")))
        times.append((time.perf_counter() - started) * 1000)
    return keys, times


def client(url: str, folder: str, questions_path: str, seed: int, rounds: int, barrier, results) -> None:
    """One app instance: warm up, wait for the others, then ask every question ``rounds`` times."""
    settings = load_settings(data_dir=Path(folder), chroma_url=url, backend="extractive", threads=THREADS)
    assistant = Assistant(settings)
    questions = load_questions(Path(questions_path))
    timed_answers(assistant, questions[:3])
    order = [q for _ in range(rounds) for q in random.Random(seed).sample(questions, len(questions))]
    barrier.wait(timeout=600)
    _, times = timed_answers(assistant, order)
    results.put(times)


def copy_into_server(url: str, source: Path, folder: Path) -> dict:
    docs = read_source(source)
    settings = load_settings(data_dir=folder, chroma_url=url)
    store, keyword = make_store(settings, NoEmbeddings()), make_keyword_index(settings)
    started = time.perf_counter()
    items = [(doc_id, doc["record"], doc["chunks"]) for doc_id, doc in docs.items()]
    batch = []
    for item in items:
        batch.append(item)
        if sum(len(c) for _, _, c in batch) >= 2000:
            write_documents(store, keyword, batch)
            batch = []
    if batch:
        write_documents(store, keyword, batch)
    store.bump_generation()
    copied = time.perf_counter() - started
    keyword._db.close()
    keyword.path.unlink()  # an app instance builds its keyword cache from the server: time that
    for suffix in ("-wal", "-shm"):
        Path(f"{keyword.path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    synced = sync(make_keyword_index(settings), store)
    cache_s = time.perf_counter() - started
    return {**store.stats(), "copy_s": round(copied, 1), "keyword_cache_s": round(cache_s, 1), "synced": synced}


def ingest_through_server(url: str, paths: list[str], folder: Path) -> dict:
    settings = load_settings(data_dir=folder, chroma_url=url, collection_prefix="ingestbench")
    embeddings = make_embeddings(settings)
    ingestor = Ingestor(make_store(settings, embeddings), embeddings, make_keyword_index(settings))
    started = time.perf_counter()
    report = ingestor.ingest(paths, progress=False)
    first = time.perf_counter() - started
    started = time.perf_counter()
    ingestor.ingest(paths, progress=False)
    return {
        "ingest_documents": report.added,
        "ingest_chunks": report.chunks,
        "ingest_s": round(first, 1),
        "reingest_s": round(time.perf_counter() - started, 2),
    }


def concurrent(url: str, folder: Path, questions_path: str, clients: int, rounds: int) -> dict:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(clients + 1), context.Queue()
    workers = []
    for number in range(clients):
        own = folder / f"clients{clients}-{number}"
        shutil.copytree(folder / "reference-cache", own)  # an instance whose keyword cache is in step
        args = (url, str(own), questions_path, number, rounds, barrier, results)
        workers.append(context.Process(target=client, args=args))
    for worker in workers:
        worker.start()
    barrier.wait(timeout=600)  # a client that died before it was ready breaks the barrier: no hang
    started = time.perf_counter()
    times = [t for _ in workers for t in results.get(timeout=1800)]
    wall = time.perf_counter() - started
    for worker in workers:
        worker.join(timeout=60)
        if worker.exitcode != 0:
            raise SystemExit(f"a client process ended with code {worker.exitcode}")
    return {
        "clients": clients,
        "answers": len(times),
        "wall_s": round(wall, 1),
        "answers_per_s": round(len(times) / wall, 2),
        "answer_p50_ms": round(statistics.median(times), 1),
        "answer_p95_ms": round(percentile(times, 0.95), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True, help="an embedded data folder built by `rag ingest`")
    parser.add_argument("--ingest", nargs="*", default=["corpus"], help="files ingested through the server")
    parser.add_argument("--questions", default="eval/questions.jsonl")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-server-"))
    questions = load_questions(Path(args.questions))
    with chroma_server(folder / "server") as url:
        print(json.dumps({"server": url, **ingest_through_server(url, args.ingest, folder / "ingest")}), flush=True)
        print(json.dumps(copy_into_server(url, Path(args.source), folder / "reference-cache")), flush=True)

        embedded = Assistant(load_settings(data_dir=Path(args.source), backend="extractive"))
        served = Assistant(load_settings(data_dir=folder / "reference-cache", chroma_url=url, backend="extractive"))
        for assistant in (embedded, served):
            timed_answers(assistant, questions[:3])
        local_keys, local_times = timed_answers(embedded, questions)
        server_keys, server_times = timed_answers(served, questions)
        differing = [q.id for q, a, b in zip(questions, local_keys, server_keys, strict=True) if a != b]
        print(
            json.dumps(
                {
                    "questions": len(questions),
                    "same_answers": len(questions) - len(differing),
                    "differing": differing,
                    "embedded_answer_p50_ms": round(statistics.median(local_times), 1),
                    "embedded_answer_p95_ms": round(percentile(local_times, 0.95), 1),
                    "server_answer_p50_ms": round(statistics.median(server_times), 1),
                    "server_answer_p95_ms": round(percentile(server_times, 0.95), 1),
                }
            ),
            flush=True,
        )
        del embedded, served
        for clients in sorted({1, args.clients}):
            print(json.dumps(concurrent(url, folder, args.questions, clients, args.rounds)), flush=True)


if __name__ == "__main__":
    main()
