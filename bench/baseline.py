"""Ours against the naive LangChain baseline, in one run: ingest time, retrieval latency, Hits@5.

    .venv/bin/python bench/baseline.py corpus ../shared/data/wh_foreign_readouts.jsonl

Both index the same input from nothing, with the same embedder instance, one after the other:
ours through the pipeline (parse, metadata, sentence-aligned chunks, Chroma, keyword index), the
baseline as a LangChain tutorial does (``rag/baseline.py``: RecursiveCharacterTextSplitter
1000/200, ``langchain_chroma`` defaults). Then the evaluation questions whose gold documents are
all in the input are asked of both (``rag eval``'s metrics; ours answers extractively, the
baseline's "answer" is its top four chunks). Prints one JSON line per system.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.assistant import Assistant  # noqa: E402
from rag.baseline import NaiveBaseline  # noqa: E402
from rag.evaluation import evaluate_assistant, evaluate_baseline, load_questions  # noqa: E402
from rag.factory import make_embeddings, make_keyword_index, make_store  # noqa: E402
from rag.ingest import Ingestor  # noqa: E402
from rag.settings import load_settings  # noqa: E402


def row(system: str, ingest_s: float, chunks: int, report) -> dict:
    summary = report.by_type()["all"]
    keys = ("questions", "hits@1", "hits@5", "mrr", "key_fact_recall", "retrieval_ms_p50", "retrieval_ms_p95")
    return {"system": system, "ingest_s": round(ingest_s, 1), "chunks": chunks, **{k: summary[k] for k in keys}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--questions", default="eval/questions.jsonl")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-baseline-"))
    settings = load_settings(data_dir=work / "ours", backend="extractive")
    embeddings = make_embeddings(settings)
    embeddings.embed_documents(["load the model outside the timing"])

    store = make_store(settings, embeddings)
    started = time.perf_counter()
    Ingestor(store, embeddings, make_keyword_index(settings)).ingest(args.paths, progress=False)
    ours_s, ours_chunks = time.perf_counter() - started, store.stats()["chunks"]
    naive = NaiveBaseline(work / "naive", embeddings)
    built = naive.build(args.paths)

    urls = {meta.get("url") or doc_id for doc_id, meta in store.document_metadatas()}
    questions = [
        q
        for q in load_questions(Path(args.questions))
        if q.type != "unanswerable" and all(url in urls for url in q.gold_urls)
    ]
    ours = evaluate_assistant(Assistant(settings, embeddings=embeddings, store=store), questions)
    baseline = evaluate_baseline(naive, questions)
    print(json.dumps(row("ours (extractive)", ours_s, ours_chunks, ours)))
    print(json.dumps(row("naive baseline (top-4 similarity)", built["seconds"], built["chunks"], baseline)))


if __name__ == "__main__":
    main()
