"""Split the helper-written evaluation questions into a development set and a test set, once.

The rule was fixed before any answer to these questions was looked at: within each file and
question type, questions sorted by the SHA-1 of their id go to ``eval/dev/`` when their position
is a multiple of four (a quarter) and to ``eval/test/`` otherwise. Rules may be tuned on the
development set only; the test set is run and reported, its failures are not read while rules change.

    python scripts/split_eval.py eval/new_state.jsonl eval/new_whitehouse.jsonl ...   # writes eval/dev, eval/test
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path


def group_of(record: dict) -> str:
    """The type of a question; a conversation's is its first turn's."""
    return record.get("type") or record["turns"][0]["type"]


def split(path: Path) -> tuple[list[str], list[str]]:
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            groups[group_of(record)].append((hashlib.sha1(record["id"].encode()).hexdigest(), line))
    dev, test = [], []
    for kind in sorted(groups):
        for position, (_, line) in enumerate(sorted(groups[kind])):
            (dev if position % 4 == 0 else test).append(line)
    return dev, test


def main(paths: list[str]) -> None:
    root = Path(__file__).resolve().parent.parent / "eval"
    for name in paths:
        path = Path(name)
        dev, test = split(path)
        target = path.stem.removeprefix("new_")
        for folder, lines in (("dev", dev), ("test", test)):
            (root / folder).mkdir(exist_ok=True)
            (root / folder / f"{target}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{path}: {len(dev)} dev, {len(test)} test")


if __name__ == "__main__":
    main(sys.argv[1:])
