"""Retrieval at archive scale: hybrid search latency at 10k, 50k, 100k+ chunks.

    .venv/bin/python bench/scale.py --source .cache/full-index --sizes 10000 50000 100000 150000

Embedding 100k+ chunks takes hours on 2 cores, so the larger indexes are grown from a real one
(``--source``, built by ``rag ingest``): first a random subset of its documents, then whole
copies of every document. A copy keeps the text (so BM25 postings grow with it) and gets

* a new id (``<doc_id>~<copy>``),
* each vector moved by Gaussian noise to cosine ≈ 0.95 of the original and renormalised (exact
  duplicates would be an unrealistically easy case for HNSW),
* its dates moved back by 8 years per copy (``--dates shifted``, the default: an archive that
  grows over the years, a month holds as many documents as the real corpus's months), or kept
  (``--dates same``: the worst case, every period holds copies too).

The index is written as the product writes it (the chunk and document collections with the
product's HNSW settings, the SQLite keyword index, the generation marker), grown size after size
in one folder. At each size the evaluation questions (with their as-of dates) are asked through
``Assistant.search`` — query embedding, period lookup, dense and keyword search, fusion — after a
warm-up, ``--rounds`` times; then once through the whole extractive answer. That is one run;
``--repeat`` runs (each with a new ``Assistant``, caches cold) give the medians reported, with
every run's figures beside them. Prints one JSON line per size.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag import lexical  # noqa: E402
from rag.answer import facts, verify  # noqa: E402
from rag.assistant import Assistant  # noqa: E402
from rag.embeddings import MiniLMEmbeddings  # noqa: E402
from rag.evaluation import load_questions  # noqa: E402
from rag.factory import make_keyword_index, make_store  # noqa: E402
from rag.settings import load_settings  # noqa: E402
from rag.store import chunk_id  # noqa: E402

YEARS_PER_COPY = 8  # a multiple of 4 keeps 29 February valid
NOISE = 0.0168  # per dimension: cosine to the original ≈ 1 / sqrt(1 + 384 · NOISE²) ≈ 0.95


def paged(collection, include: list[str], page: int = 2000):
    offset = 0
    while True:
        found = collection.get(include=include, limit=page, offset=offset)
        yield found
        if len(found["ids"]) < page:
            return
        offset += page


def read_source(folder: Path) -> dict[str, dict]:
    """``doc_id -> {"record": (text, meta, vector), "chunks": [(index, text, meta, vector)]}``."""
    store = make_store(load_settings(data_dir=folder), NoEmbeddings())
    docs: dict[str, dict] = {}
    fields = ["documents", "metadatas", "embeddings"]
    for found in paged(store.documents, fields):
        for i, text, meta, vector in zip(found["ids"], *(found[f] for f in fields), strict=True):
            docs[i] = {"record": (text, meta, np.asarray(vector)), "chunks": []}
    for found in paged(store.chunks, fields):
        for text, meta, vector in zip(*(found[f] for f in fields), strict=True):
            if meta["doc_id"] in docs:
                docs[meta["doc_id"]]["chunks"].append((meta["chunk"], text, meta, np.asarray(vector)))
    return docs


class NoEmbeddings:
    """The source and target stores are only read and written with given vectors."""

    name = MiniLMEmbeddings.name

    def embed_documents(self, texts):
        raise RuntimeError("bench/scale.py writes precomputed vectors only")

    embed_query = embed_documents


def shifted(value: int, years: int) -> int:
    return value - years * 10000 if value else value


def copy_of(doc_id: str, doc: dict, copy: int, dates: str, rng: np.random.Generator):
    """The document (copy 0: itself) as (doc_id, record, chunks) with new id, vectors and dates."""
    if copy == 0:
        return doc_id, doc["record"], doc["chunks"]
    new_id, years = f"{doc_id}~{copy}", YEARS_PER_COPY * copy if dates == "shifted" else 0

    def moved(meta: dict) -> dict:
        extra = {"doc_id": new_id} if "doc_id" in meta else {}
        return {**meta, **extra, "date": shifted(meta["date"], years), "published": shifted(meta["published"], years)}

    def noisy(vector: np.ndarray) -> np.ndarray:
        out = vector + rng.normal(0.0, NOISE, vector.shape)
        return out / np.linalg.norm(out)

    text, meta, vector = doc["record"]
    chunks = [(index, t, moved(m), noisy(v)) for index, t, m, v in doc["chunks"]]
    return new_id, (text, moved(meta), noisy(vector)), chunks


def plan(docs: dict[str, dict], seed: int = 7):
    """(doc_id, copy) pairs in growth order: real documents shuffled, then copy 1 of all, ..."""
    order = list(docs)
    random.Random(seed).shuffle(order)
    copy = 0
    while True:
        for doc_id in order:
            yield doc_id, copy
        copy += 1


def grow(folder: Path, docs: dict, targets: list[int], dates: str):
    """Write documents in :func:`plan` order; yields each time the chunk count reaches a target."""
    settings = load_settings(data_dir=folder)
    store, keyword = make_store(settings, NoEmbeddings()), make_keyword_index(settings)
    batch = min(5000, store.client.get_max_batch_size())
    rng, pending, count, writing = np.random.default_rng(7), [], 0, 0.0
    targets = sorted(targets)
    for doc_id, copy in plan(docs):
        started = time.perf_counter()
        item = copy_of(doc_id, docs[doc_id], copy, dates, rng)
        if pending and sum(len(c) for _, _, c in pending) + len(item[2]) > batch:
            write_documents(store, keyword, pending)
            pending = []
        pending.append(item)
        count += len(item[2])
        if count >= targets[0]:
            write_documents(store, keyword, pending)
            pending = []
            store.bump_generation()
            keyword.set_generation(store.generation())
        writing += time.perf_counter() - started  # the clock stops while the caller measures
        if count >= targets[0]:
            yield store.stats(), writing
            targets.pop(0)
            if not targets:
                return


def write_documents(store, keyword, items) -> None:
    """(doc_id, (text, meta, vector), [(index, text, meta, vector)]) as the product stores them."""
    chunks = [(doc_id, c) for doc_id, _, cs in items for c in cs]
    if chunks:
        store.chunks.add(
            ids=[chunk_id(doc_id, index) for doc_id, (index, _, _, _) in chunks],
            documents=[text for _, (_, text, _, _) in chunks],
            metadatas=[meta for _, (_, _, meta, _) in chunks],
            embeddings=np.stack([vector for _, (_, _, _, vector) in chunks]).astype(np.float32),
        )
    store.documents.add(
        ids=[doc_id for doc_id, _, _ in items],
        documents=[record[0] for _, record, _ in items],
        metadatas=[record[1] for _, record, _ in items],
        embeddings=np.stack([record[2] for _, record, _ in items]).astype(np.float32),
    )
    for doc_id, record, cs in items:
        rows = [(chunk_id(doc_id, index), text, meta.get("date", 0), meta, vector) for index, text, meta, vector in cs]
        keyword.replace(doc_id, record[1].get("hash", ""), rows)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def cold_caches(assistant: Assistant) -> None:
    """Forget what earlier passes computed (stems of chunks, checked sentences, document texts).

    A pass then costs what a first question about those documents costs; without this, later
    passes and larger sizes (whose copies share the originals' texts) would look cheaper.
    """
    for module in (lexical, verify, facts):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()
    assistant._texts.clear()
    assistant.sentence_vectors.clear()


def measure(folder: Path, questions, rounds: int, all_words: bool = False) -> dict:
    """Latency of retrieval (``rounds`` passes) and of the whole extractive answer (one pass), caches cold.

    ``all_words``: the keyword query keeps the words most chunks contain (as before they were left out).
    """
    assistant = Assistant(load_settings(data_dir=folder))
    if all_words:
        assistant.searcher.keyword.selective_from = float("inf")
    for q in questions[:5]:  # warm-up: models, HNSW index and SQLite pages loaded
        assistant.ask(q.question, as_of=q.as_of, backend="extractive")
    retrieval, dated = [], []
    for _ in range(rounds):
        cold_caches(assistant)
        for q in questions:
            started = time.perf_counter()
            result = assistant.search(q.question, q.as_of)
            elapsed = (time.perf_counter() - started) * 1000
            retrieval.append(elapsed)
            if result.scope.since or result.scope.until:
                dated.append(elapsed)
    answers = []
    cold_caches(assistant)
    for q in questions:
        started = time.perf_counter()
        assistant.ask(q.question, as_of=q.as_of, backend="extractive")
        answers.append((time.perf_counter() - started) * 1000)
    return {
        "retrieval_p50_ms": round(statistics.median(retrieval), 1),
        "retrieval_p95_ms": round(percentile(retrieval, 0.95), 1),
        "period_questions_p95_ms": round(percentile(dated, 0.95), 1) if dated else None,
        "extractive_answer_p50_ms": round(statistics.median(answers), 1),
        "extractive_answer_p95_ms": round(percentile(answers, 0.95), 1),
        "timings": len(retrieval),
    }


def repeated(folder: Path, questions, rounds: int, repeat: int, all_words: bool = False) -> dict:
    """The median of each figure over ``repeat`` runs of :func:`measure`, and the runs' own figures."""
    runs = [measure(folder, questions, rounds, all_words) for _ in range(repeat)]
    medians = {key: statistics.median(run[key] for run in runs) for key in runs[0] if key != "timings"}
    keys = ("retrieval_p50_ms", "retrieval_p95_ms", "extractive_answer_p95_ms")
    return {**medians, "runs": [{k: run[k] for k in keys} for run in runs], "timings_per_run": runs[0]["timings"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", help="a data folder built by `rag ingest`")
    parser.add_argument("--existing", help="only measure this folder, grown by an earlier run (--work)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 50000, 100000])
    parser.add_argument("--dates", choices=["shifted", "same"], default="shifted")
    parser.add_argument("--questions", default="eval/questions.jsonl")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; medians are reported")
    parser.add_argument("--work", help="folder for the grown index (default: a new temporary folder)")
    parser.add_argument("--all-words", action="store_true", help="also measure keyword queries with every word")
    args = parser.parse_args()
    questions = load_questions(Path(args.questions))
    if args.existing:  # an index grown by an earlier run: measure it as it is
        row = {**Assistant(load_settings(data_dir=Path(args.existing))).store.stats(), "existing": True}
        print(json.dumps({**row, **repeated(Path(args.existing), questions, args.rounds, args.repeat)}), flush=True)
        return
    started = time.perf_counter()
    if not args.source:
        parser.error("--source is needed to grow an index")
    docs = read_source(Path(args.source))
    print(json.dumps({"source_documents": len(docs), "read_s": round(time.perf_counter() - started, 1)}), flush=True)
    folder = Path(args.work or tempfile.mkdtemp(prefix="bench-scale-"))
    for stats, build_s in grow(folder, docs, args.sizes, args.dates):
        measured = repeated(folder, questions, args.rounds, args.repeat)
        row = {**stats, "dates": args.dates, "build_s": round(build_s, 1), **measured}
        row["process_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(json.dumps(row), flush=True)
        if args.all_words:
            measured = repeated(folder, questions, args.rounds, args.repeat, all_words=True)
            print(json.dumps({**stats, "all_words": True, **measured}), flush=True)


if __name__ == "__main__":
    main()
