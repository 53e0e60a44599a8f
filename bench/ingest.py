"""Ingestion benchmark: the pipeline against the raw embedder on the same chunks.

    .venv/bin/python bench/ingest.py ../shared/data/wh_foreign_readouts.jsonl --limit 300
    .venv/bin/python bench/ingest.py ../shared/data/*.jsonl --model-sample 0.2 --keep .cache/full-index

Measures, in one run: (1) the embedding model alone on exactly the texts the pipeline embeds
(documents deduplicated as the pipeline stores them: the last copy of an id, then one
document per exact text), or on a seeded
random sample of them (``--model-sample``: the model's rate is a rate, a uniform sample of the
same texts estimates it without embedding everything twice), (2) a full first ingest into a fresh
data folder (parse, chunk, embed, Chroma, keyword index), (3) a re-ingest of the unchanged input.
Prints JSON; peak RSS is the whole process's (both phases), so it bounds the pipeline's.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.documents import Document  # noqa: E402
from rag.embeddings import MiniLMEmbeddings  # noqa: E402
from rag.factory import make_keyword_index, make_store  # noqa: E402
from rag.ingest import Ingestor, embedding_text  # noqa: E402
from rag.loaders import iter_documents  # noqa: E402
from rag.settings import load_settings  # noqa: E402
from rag.text import chunk_spans  # noqa: E402


def sliced(path: Path, limit: int, folder: Path) -> Path:
    if not limit:
        return path
    target = folder / path.name
    with path.open(encoding="utf-8") as source, target.open("w", encoding="utf-8") as out:
        for number, line in enumerate(source):
            if number >= limit:
                break
            out.write(line)
    return target


def unique_documents(inputs: list[Path]) -> list[Document]:
    """The documents the pipeline embeds: the last copy of an id, then one per exact text."""
    by_id = {d.doc_id: d for d in iter_documents(inputs) if isinstance(d, Document)}
    by_text: dict[str, Document] = {}
    for doc in by_id.values():
        by_text.setdefault(doc.text_hash(), doc)
    return list(by_text.values())


def pipeline_texts(docs: list[Document]) -> list[str]:
    texts = [embedding_text(d, c.text) for d in docs for c in chunk_spans(d.text)]
    return texts + [d.title or d.text[:300] for d in docs]


def model_rate(texts: list[str], sample: float) -> tuple[float, int]:
    """Texts per second of the bare model on all ``texts`` or a seeded uniform sample."""
    if sample < 1.0:
        texts = random.Random(7).sample(texts, max(1, int(len(texts) * sample)))
    embeddings = MiniLMEmbeddings(threads=load_settings().threads)
    embeddings.embed(texts[:16])  # load the model outside the timing
    started = time.perf_counter()
    embeddings.embed(texts)
    return len(texts) / (time.perf_counter() - started), len(texts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--limit", type=int, default=0, help="first N lines of each JSONL file")
    parser.add_argument("--model-sample", type=float, default=1.0, help="share of texts the bare model embeds")
    parser.add_argument("--keep", help="build the index in this (new) folder and keep it")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    inputs = [sliced(Path(p), args.limit, work) for p in args.paths]
    index_dir = Path(args.keep) if args.keep else work / "index"
    if index_dir.exists() and any(index_dir.iterdir()):
        sys.exit(f"--keep {index_dir}: the folder is not empty; the first ingest must start from nothing")

    docs = unique_documents(inputs)
    texts = pipeline_texts(docs)
    raw_rate, sampled = model_rate(texts, args.model_sample)
    del docs

    settings = load_settings(data_dir=index_dir)
    embeddings = MiniLMEmbeddings(threads=settings.threads)
    ingestor = Ingestor(make_store(settings, embeddings), embeddings, make_keyword_index(settings))
    started = time.perf_counter()
    report = ingestor.ingest(inputs, progress=False)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = ingestor.ingest(inputs, progress=False)
    second = time.perf_counter() - started
    embedded = report.chunks + report.added + report.updated  # chunks plus one title per document written
    pipeline_rate = embedded / first

    print(
        json.dumps(
            {
                "embedded_texts": len(texts),
                "pipeline_embedded_texts": embedded,
                "model_sampled_texts": sampled,
                "raw_texts_per_s": round(raw_rate, 2),
                "ingest_s": round(first, 1),
                "pipeline_texts_per_s": round(pipeline_rate, 2),
                "pipeline_vs_raw": round(pipeline_rate / raw_rate, 3),
                "reingest_s": round(second, 2),
                "reingest_share": round(second / first, 4),
                "report": {k: v for k, v in report.as_dict().items() if k != "errors"},
                "errors": len(report.errors),
                "skipped_on_reingest": again.skipped,
                "duplicates_on_reingest": len(again.duplicates),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
