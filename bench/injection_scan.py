"""How often the planted-instruction detector would withhold a real sentence from the model.

    .venv/bin/python bench/injection_scan.py ../shared/data/*.jsonl

Every sentence of every record (as the pipeline splits them) goes through
``rag.injection.addresses_a_model``; a diplomatic corpus has no reason to address an AI model, so
every hit is a false positive. Prints JSON, then each hit (file, title, sentence).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.injection import addresses_a_model  # noqa: E402
from rag.loaders import iter_documents  # noqa: E402
from rag.text import sentence_spans  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args()
    started, documents, sentences, hits = time.perf_counter(), 0, 0, []
    for path in args.paths:
        for doc in iter_documents([path]):
            documents += 1
            for start, end in sentence_spans(doc.text):
                sentences += 1
                if addresses_a_model(doc.text[start:end]):
                    hits.append({"file": path.name, "title": doc.title, "sentence": doc.text[start:end]})
    seconds = round(time.perf_counter() - started, 1)
    print(json.dumps({"documents": documents, "sentences": sentences, "withheld": len(hits), "seconds": seconds}))
    for hit in hits:
        print(json.dumps(hit, ensure_ascii=False))


if __name__ == "__main__":
    main()
