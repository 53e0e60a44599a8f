"""Calibrate the verifier's support threshold on a model's real answers (docs/evaluation.md).

    .venv/bin/python bench/citations.py --data-dir .cache/eval-index --backend local --topics-limit 0
    .venv/bin/python bench/calibrate_verifier.py .cache/citations-local.jsonl

The support threshold only decides between sources that state all of a sentence's names,
numbers and dates (the fact check removes the rest). So the pairs scored here are:

- *cited*: a sentence the model wrote with the source it cited, where that source states all the
  sentence's facts and 70% of its words (mostly right; a sample is read by hand in
  docs/evaluation.md);
- *other*: the same sentence with another document it was given for the same question that also
  states all its facts (hard negatives: same names and numbers, another document — though a few
  restate the same readout and do support it).

For each threshold: the share of cited pairs kept and of other pairs rejected.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.answer.facts import facts, missing  # noqa: E402
from rag.answer.passages import Passage  # noqa: E402
from rag.answer.verify import _Scorer, is_plain, source_text, split_claims  # noqa: E402
from rag.embeddings import MiniLMEmbeddings  # noqa: E402

THRESHOLDS = (0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70)


def pairs(records: list[dict], embeddings) -> tuple[list[float], list[float]]:
    right, wrong = [], []
    for record in records:
        sources = [Passage(**s) for s in record.get("sources") or []]
        if not sources:
            continue
        scorer = _Scorer(sources, embeddings)
        claims = [c for line in record["raw"].splitlines() for c in split_claims(line, len(sources))]
        claims = [c for c in claims if c.cited and not is_plain(c.body)]
        scorer.prepare([c.body for c in claims])
        for claim in claims:
            said = facts(claim.body)
            states = [n for n in range(1, len(sources) + 1) if not missing(said, source_text(sources[n - 1]))]
            if all(n in states for n in claim.cited) and scorer.covered(claim.body, claim.cited):
                right.append(scorer.support(claim.body, claim.cited)[0])
            cited_docs = {sources[n - 1].doc_id for n in claim.cited}
            wrong += [scorer.support(claim.body, [n])[0] for n in states if sources[n - 1].doc_id not in cited_docs]
    return right, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("records", help="JSONL written by bench/citations.py with a model backend")
    args = parser.parse_args()
    records = [json.loads(line) for line in Path(args.records).read_text(encoding="utf-8").splitlines() if line]
    right, wrong = pairs([r for r in records if r["kind"] == "question"], MiniLMEmbeddings())
    print(f"{len(right)} cited pairs, {len(wrong)} other-document pairs stating the same facts")
    print("| threshold | cited pairs kept | other-document pairs rejected |")
    print("|---|---|---|")
    for threshold in THRESHOLDS:
        kept = sum(s >= threshold for s in right) / (len(right) or 1)
        rejected = sum(s < threshold for s in wrong) / (len(wrong) or 1)
        print(f"| {threshold:.2f} | {kept:.3f} | {rejected:.3f} |")


if __name__ == "__main__":
    main()
