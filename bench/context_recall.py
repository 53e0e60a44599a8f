"""What the local model is shown: key facts in its sources, by selection strategy and budget (no model).

    .venv/bin/python bench/context_recall.py --data-dir .cache/eval-index --budgets 600,900,1100

The model can only write a key fact it was given, so the share of ``must_include`` groups found
in the sources' titles and text is the ceiling of its key-fact recall. For every answerable,
non-list evaluation question, the sentences are ranked as the product ranks them; then each
strategy picks sources within a budget of characters:

- ``product``: ``ChatWriter.sources`` (best passages widened by a neighbour sentence, strict budget);
- ``sentences``: best sentences alone, no widening, each new document's title line counted;
- ``extractive``: the extractive answer's sentences first, then the next best, no widening;
- ``by-source``: ``BySourceWriter.sources`` (``RAG_LOCAL_WRITING=by-source``): the best passage within
  the default ``RAG_LOCAL_FIRST_CHARS``, then the rest of the budget; the model reads one source per call.

Cost is what the prompt carries: passage text plus title plus ~30 characters of header a source.
Compare strategies at the same cost, not the same budget. "Waits on" is the part of the cost the
model's first token waits on: all of it, except by source, where it is the first source.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.answer.by_source import BySourceWriter  # noqa: E402
from rag.answer.chat import MIN_SCORE, ChatWriter  # noqa: E402
from rag.answer.extractive import ExtractiveWriter  # noqa: E402
from rag.answer.listing import is_list_question  # noqa: E402
from rag.answer.passages import chronological, merge_adjacent, newest_document  # noqa: E402
from rag.assistant import Assistant, retrieval_query  # noqa: E402
from rag.evaluation import load_questions  # noqa: E402
from rag.settings import Settings, load_settings  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from local_model import key_facts_given  # noqa: E402

HEADER = 30  # "[n] " + " (outlet, date)" around each source's title


def product(question, ranked, document_text, budget):
    return ChatWriter(None, "bench", max_chars=budget).sources(question, ranked, document_text)


def cost(passage) -> int:
    """What a source adds to the prompt: its text and its title line."""
    return len(passage.text) + len(passage.title) + HEADER


def _fit(order, document_text, budget, titles: bool):
    kept, used, seen = [], 0, set()
    for passage in order:
        cost_ = cost(passage) if titles and passage.doc_id not in seen else len(passage.text)
        if used + cost_ <= budget:
            kept.append(passage)
            used += cost_
            seen.add(passage.doc_id)
    return chronological(merge_adjacent(kept, document_text))


def sentences(question, ranked, document_text, budget):
    return _fit([p for p in ranked[:16] if p.score >= MIN_SCORE], document_text, budget, titles=True)


def extractive(question, ranked, document_text, budget):
    quoted = ExtractiveWriter().sources(question, ranked, document_text)

    def inside(p):
        return any(p.doc_id == q.doc_id and q.start <= p.start < q.end for q in quoted)

    rest = [p for p in ranked[:16] if p.score >= MIN_SCORE and not inside(p)]
    return _fit([p for p in ranked if inside(p)] + rest, document_text, budget, titles=False)


def by_source(question, ranked, document_text, budget):
    first = Settings.model_fields["local_first_chars"].default
    return BySourceWriter(None, "bench", max_chars=budget, first_chars=first).sources(question, ranked, document_text)


STRATEGIES = {"product": product, "sentences": sentences, "extractive": extractive, "by-source": by_source}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--questions", default="eval/questions.jsonl")
    parser.add_argument("--budgets", default="600,700,800,900,1000,1100")
    parser.add_argument("--strategies", default="", help="comma-separated, e.g. product,by-source (default: all)")
    args = parser.parse_args()
    assistant = Assistant(load_settings(data_dir=Path(args.data_dir), backend="extractive"))
    cases = []
    for q in load_questions(Path(args.questions)):
        if q.type == "unanswerable" or is_list_question(q.question):
            continue
        query = retrieval_query(q.question, [])
        result = assistant.search(query, q.as_of)
        ranked = assistant.rank(query, result)
        cases.append((q, newest_document(ranked) if result.scope.latest else ranked))
    print(f"{len(cases)} questions (answerable, not lists)")
    print("| strategy | budget | key facts given | cost mean | cost p50 | waits on, mean |\n|---|---|---|---|---|---|")
    for name, pick in STRATEGIES.items():
        if args.strategies and name not in args.strategies.split(","):
            continue
        for budget in (int(b) for b in args.budgets.split(",")):
            chosen = [(q, pick(q.question, ranked, assistant.document_text, budget)) for q, ranked in cases]
            costs = [sum(map(cost, sources)) for _, sources in chosen]
            waits = [
                cost(sources[0]) if name == "by-source" else c
                for (_, sources), c in zip(chosen, costs, strict=True)
                if sources
            ]
            recall = statistics.mean(key_facts_given(sources, q) for q, sources in chosen)
            print(
                f"| {name} | {budget} | {recall:.3f} | {statistics.mean(costs):.0f} | {statistics.median(costs):.0f} "
                f"| {statistics.mean(waits):.0f} |"
            )


if __name__ == "__main__":
    main()
