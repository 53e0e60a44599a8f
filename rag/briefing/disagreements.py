"""Two reports of one contact that disagree: on the day it happened, or on who took part.

A readout and a news article about the same call often differ in what they report; a briefing
note must say so, citing both, rather than silently pick one. Two documents report the same
contact when they record the same kind of contact (call or meeting), are dated at most a week
apart, and name at least two of the same people.

>>> from rag.briefing.records import Record
>>> a = Record("meeting", ["Foreign Minister Jeyhun Bayramov", "Prime Minister Miloš Vučević"])
>>> b = Record("meeting", ["Foreign Minister Jeyhun Bayramov", "Prime Minister Miloš Vučević",
...                        "President Aleksandar Vučić"])
>>> participant_difference(a, b)
'[1] names Bayramov, Vučević; [2] also names President Aleksandar Vučić'
"""

from __future__ import annotations

import re

from rag.answer.passages import Passage
from rag.briefing.records import Record
from rag.documents import date_from_int, date_int

_STATED_DAY = re.compile(
    r"\b(?:on|On)\s+((?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+\d{1,2})\b"
)
MAX_DAYS_APART = 7


def same_contact(a: Record, b: Record, day_a: int, day_b: int) -> bool:
    first, second = date_from_int(day_a), date_from_int(day_b)
    close = bool(first and second) and abs((first - second).days) <= MAX_DAYS_APART
    return bool(a.kind) and a.kind == b.kind and close and len(a.surnames & b.surnames) >= 2


def stated_day(text: str) -> str:
    """The "on <Month> <day>" the opening of a report gives, if any."""
    found = _STATED_DAY.search(text[:1200])
    return found.group(1) if found else ""


def participant_difference(a: Record, b: Record, n_a: int = 1, n_b: int = 2) -> str:
    """How two reports' participant lists differ, or '' when they name the same people."""
    only_a = [p for p in a.participants if _surname(p) not in b.surnames]
    only_b = [p for p in b.participants if _surname(p) not in a.surnames]
    if not only_a and not only_b:
        return ""
    shared = ", ".join(_display(p) for p in a.participants if _surname(p) in b.surnames)
    parts = [f"[{n_a}] names {shared}"]
    if only_a:
        parts[0] += f" and {', '.join(only_a)}"
    parts.append(f"[{n_b}] also names {', '.join(only_b)}" if only_b else f"[{n_b}] does not")
    return "; ".join(parts)


def _day(record: Record, passage: Passage) -> int:
    return date_int(record.day) if record.day else passage.date


def _surname(person: str) -> str:
    return next(iter(Record("", [person]).surnames), "")


def _display(person: str) -> str:
    words = [w for w in re.sub(r"\s+of\s+.*$|,\s*Jr\.", "", person).split() if w[:1].isupper()]
    return words[-1].strip(".,") if words else person


def contact_disagreements(records: dict[str, Record], best: dict[str, Passage], numbers: dict, text_of) -> list:
    """``((doc_a, doc_b), sentence)`` for reports of one contact that differ on its day or its
    participants, both documents cited in the sentence."""
    ids = sorted((d for d, r in records.items() if r.kind), key=lambda d: numbers[d])
    out = []
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if not same_contact(records[a], records[b], _day(records[a], best[a]), _day(records[b], best[b])):
                continue
            kind, day_a, day_b = records[a].kind, stated_day(text_of(a)), stated_day(text_of(b))
            if day_a and day_b and day_a != day_b:
                said = f"[{numbers[a]}] says {day_a}, [{numbers[b]}] says {day_b}"
                out.append(((a, b), f"Sources differ on the day of this {kind}: {said}."))
            who = participant_difference(records[a], records[b], numbers[a], numbers[b])
            if who:
                out.append(((a, b), f"Sources differ on who took part in this {kind}: {who}."))
    return out
