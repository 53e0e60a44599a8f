"""The extractive sections of a briefing note, each built only from source sentences.

Every function takes ranked :class:`~rag.answer.passages.Passage` sentences (best first) and the
document numbers they cite, and returns lines ending in ``[n]``. They never write a word the
sources do not contain, except the fixed frame ("2024-12-23, Trend:") taken from the metadata.

>>> from rag.answer.passages import Passage
>>> p = Passage("d", 0, 9, "Secretary Blinken emphasized support for Ukraine.", date=20220301, source="State")
>>> positions([p], {"d": 1})
{'Secretary Blinken': ['2022-03-01, State: Secretary Blinken emphasized support for Ukraine. [1]']}
"""

from __future__ import annotations

import re
from itertools import combinations

from rag.answer.facts import numbers_in
from rag.answer.passages import Passage, chronological
from rag.lexical import stems

_STANCE = re.compile(
    r"^(?:The\s+)?(?P<who>(?:[A-Z][\w.'’\-]*\s+){0,5}?[A-Z][\w.'’\-]*)\s+(?:also\s+|again\s+)?"
    r"(?:emphasi[sz]ed|reaffirmed|stressed|underscored|underlined|called for|urged|welcomed|condemned|"
    r"expressed|pledged|committed|highlighted|reiterated|noted|praised|raised|affirmed|announced)\b"
)
_NEXT = re.compile(
    r"\b(will|agreed to|plans? to|planned|intends? to|look(?:ed)? forward|next (?:meeting|round|steps?)|"
    r"to continue|follow[- ]up|upcoming|remain(?:s|ed)? (?:concerned|unresolved|committed)|going forward)\b",
    re.I,
)
_GENERIC_SUBJECTS = {"the leaders", "leaders", "both", "the two", "they", "he", "she", "it"}


def line(passage: Passage, n: int) -> str:
    """``2024-12-23, Trend: <the sentence verbatim> [n]``."""
    frame = ", ".join(x for x in (passage.date_iso or "undated", passage.source) if x)
    return f"{frame}: {' '.join(passage.text.split())} [{n}]"


def best_per_document(ranked: list[Passage], limit: int, per_document: int = 1, skip=()) -> list[Passage]:
    taken: dict[str, int] = {}
    chosen = []
    for passage in ranked:
        if (passage.doc_id, passage.start) in skip or taken.get(passage.doc_id, 0) >= per_document:
            continue
        taken[passage.doc_id] = taken.get(passage.doc_id, 0) + 1
        chosen.append(passage)
        if len(chosen) == limit:
            break
    return chosen


def bottom_line(ranked: list[Passage], numbers: dict[str, int], count: int = 2) -> list[Passage]:
    """The best sentence of each of the ``count`` most relevant documents, newest first."""
    return sorted(best_per_document(ranked, count), key=lambda p: -p.date)


def key_points(ranked: list[Passage], numbers: dict[str, int], skip, limit: int = 6) -> list[str]:
    chosen = best_per_document(ranked, limit, per_document=2, skip=skip)
    return [line(p, numbers[p.doc_id]) for p in chronological(chosen)]


def positions(ranked: list[Passage], numbers: dict[str, int], per_party: int = 2, parties: int = 5) -> dict:
    """Stances by who took them ("Secretary Blinken emphasized…"), as the sources attribute them."""
    found: dict[str, list[str]] = {}
    for passage in chronological(ranked):
        match = _STANCE.match(" ".join(passage.text.split()))
        if not match or match.group("who").lower() in _GENERIC_SUBJECTS:
            continue
        who = match.group("who")
        if len(found.get(who, [])) < per_party and (who in found or len(found) < parties):
            found.setdefault(who, []).append(line(passage, numbers[passage.doc_id]))
    return found


def next_steps(ranked: list[Passage], numbers: dict[str, int], limit: int = 4) -> list[str]:
    chosen = [p for p in ranked if _NEXT.search(p.text)][:limit]
    return [line(p, numbers[p.doc_id]) for p in chronological(chosen)]


def figure_disagreements(ranked: list[Passage], numbers: dict[str, int], flagged=(), limit: int = 3) -> list[str]:
    """Two documents saying nearly the same thing with different figures or dates: both cited
    (pairs already ``flagged`` for a different day of the same contact are skipped).

    >>> a = Passage("a", 0, 1, "Serbia will buy 400 million cubic metres of gas in 2025.", date=20241223)
    >>> b = Passage("b", 0, 1, "Serbia will buy 500 million cubic metres of gas in 2025.", date=20241224)
    >>> figure_disagreements([a, b], {"a": 1, "b": 2})
    ['Sources differ on the figures: 2024-12-23 [1] gives 400, 2024-12-24 [2] gives 500.']
    """
    out = []
    for a, b in combinations(ranked[:40], 2):
        if a.doc_id == b.doc_id or len(out) == limit or frozenset((a.doc_id, b.doc_id)) in flagged:
            continue
        said_a, said_b = stems(a.text), stems(b.text)
        if not said_a or len(said_a & said_b) / len(said_a | said_b) < 0.6:
            continue
        only_a = [x for x in numbers_in(a.text) if x not in numbers_in(b.text)]
        only_b = [x for x in numbers_in(b.text) if x not in numbers_in(a.text)]
        if only_a and only_b:
            said = [f"{p.date_iso} [{numbers[p.doc_id]}] gives {', '.join(xs)}" for p, xs in ((a, only_a), (b, only_b))]
            out.append(f"Sources differ on the figures: {said[0]}, {said[1]}.")
    return out
