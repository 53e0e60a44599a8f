"""Which part of retrieval earns what: dense only, + BM25, + name ranking (the product).

    .venv/bin/python bench/retrieval_ablation.py --data-dir .cache/eval-index

Needs an index of corpus/ and the two shared collections (see docs/evaluation.md). Reports
Hits@1/5 and MRR of the retrieved documents (before answer writing) per variant.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import rag.retrieval as retrieval  # noqa: E402
from rag.evaluation import load_questions  # noqa: E402
from rag.factory import make_embeddings, make_keyword_index, make_store  # noqa: E402
from rag.retrieval import Searcher, SearchRequest  # noqa: E402
from rag.settings import load_settings  # noqa: E402


def measure(searcher: Searcher, questions) -> dict:
    ranks = []
    for q in questions:
        ranking = searcher.search(SearchRequest(q.question, q.as_of, k=8)).documents()
        ranks.append(next((i + 1 for i, u in enumerate(ranking) if u in set(q.gold_urls)), None))
    return {
        "hits@1": round(statistics.mean(float(r == 1) for r in ranks), 3),
        "hits@5": round(statistics.mean(float(r is not None and r <= 5) for r in ranks), 3),
        "mrr": round(statistics.mean(1 / r if r else 0.0 for r in ranks), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--questions", default="eval/questions.jsonl")
    args = parser.parse_args()
    settings = load_settings(data_dir=args.data_dir)
    embeddings = make_embeddings(settings)
    store, keyword = make_store(settings, embeddings), make_keyword_index(settings)
    questions = [q for q in load_questions(Path(args.questions)) if q.gold_urls]
    real_key_terms = retrieval.key_terms
    results = {}
    retrieval.key_terms = lambda question: []  # no name ranking, no name bonus
    results["dense only"] = measure(Searcher(store, embeddings, None), questions)
    results["dense + BM25 (RRF)"] = measure(Searcher(store, embeddings, keyword), questions)
    retrieval.key_terms = real_key_terms
    results["dense + names"] = measure(Searcher(store, embeddings, None), questions)
    results["dense + BM25 + names (product)"] = measure(Searcher(store, embeddings, keyword), questions)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
