"""Ingestion benchmark: the pipeline against the raw embedder on the same chunks.

    .venv/bin/python bench/ingest.py ../shared/data/wh_foreign_readouts.jsonl --limit 300

Measures, in one run: (1) the embedding model alone on exactly the texts the pipeline embeds,
(2) a full first ingest into a fresh data folder (parse, chunk, embed, Chroma, keyword index),
(3) a re-ingest of the unchanged input. Prints JSON; peak RSS is the whole process's.
"""

from __future__ import annotations

import argparse
import json
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--limit", type=int, default=0, help="first N lines of each JSONL file")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    inputs = [sliced(Path(p), args.limit, work) for p in args.paths]

    docs = [d for d in iter_documents(inputs) if isinstance(d, Document)]
    texts = [embedding_text(d, c.text) for d in docs for c in chunk_spans(d.text)] + [d.title for d in docs]
    embeddings = MiniLMEmbeddings()
    embeddings.embed(texts[:16])  # load the model outside the timing
    started = time.perf_counter()
    embeddings.embed(texts)
    raw = time.perf_counter() - started

    settings = load_settings(data_dir=work / "index")
    ingestor = Ingestor(make_store(settings, embeddings), embeddings, make_keyword_index(settings))
    started = time.perf_counter()
    report = ingestor.ingest(inputs, progress=False)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = ingestor.ingest(inputs, progress=False)
    second = time.perf_counter() - started

    print(
        json.dumps(
            {
                "documents": len(docs),
                "embedded_texts": len(texts),
                "characters": sum(len(d.text) for d in docs),
                "raw_embed_s": round(raw, 1),
                "raw_texts_per_s": round(len(texts) / raw, 1),
                "ingest_s": round(first, 1),
                "pipeline_texts_per_s": round(len(texts) / first, 1),
                "pipeline_vs_raw": round(raw / first, 3),
                "reingest_s": round(second, 2),
                "reingest_share": round(second / first, 4),
                "added": report.added,
                "skipped_on_reingest": again.skipped,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
