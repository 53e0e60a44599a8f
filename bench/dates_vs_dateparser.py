"""Question periods: rag.dates against dateparser, on the development questions.

For every development question (originals and rewrites) with an answerable gold document, the
period each parser reads is checked against the gold document's date: *right* when the date
lies in the period, *wrong* when a period excludes it (the answer would be filtered away), *none*
when no period was read. dateparser (``search_dates`` for the phrases, ``DateDataParser`` for
their precision: day, month or year) has no notion of "early March", "between … and …", "since
April" or a year inside a name, so its phrases are read as the single day, month or year they name.

    .venv/bin/pip install dateparser==1.5.0   # not a dependency of the product
    .venv/bin/python bench/dates_vs_dateparser.py eval/dev/*.jsonl eval/questions.jsonl
"""

from __future__ import annotations

import calendar
import json
import sys
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.dates import parse_scope  # noqa: E402
from rag.evaluation import load_questions  # noqa: E402

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
FILES = ["state_dept_press_releases.jsonl", "wh_foreign_readouts.jsonl", "news_foreign_affairs.jsonl"]


def gold_dates() -> dict[str, date]:
    dates = {}
    for name in FILES:
        for line in (DATA / name).open(encoding="utf-8"):
            record = json.loads(line)
            raw = record.get("published") or record.get("date") or ""
            dates[record["url"]] = date.fromisoformat(raw[:10])
    return dates


def dateparser_period(question: str, as_of: date):
    from dateparser.date import DateDataParser
    from dateparser.search import search_dates

    settings = {"RELATIVE_BASE": datetime(as_of.year, as_of.month, as_of.day), "PREFER_DATES_FROM": "past"}
    found = search_dates(question, languages=["en"], settings=settings) or []
    if not found:
        return None
    phrase, _ = found[0]
    data = DateDataParser(languages=["en"], settings=settings).get_date_data(phrase)
    if data.date_obj is None:
        return None
    day = data.date_obj.date()
    if data.period == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if data.period == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day, day


def verdict(period, golds: list[date]) -> str:
    if period is None or period == (None, None):
        return "none"
    since, until = period
    inside = any((since is None or since <= g) and (until is None or g <= until) for g in golds)
    return "right" if inside else "wrong"


def main(paths: list[str]) -> None:
    dates = gold_dates()
    counts = {"rag.dates": {"right": 0, "wrong": 0, "none": 0}, "dateparser": {"right": 0, "wrong": 0, "none": 0}}
    seconds = {"rag.dates": 0.0, "dateparser": 0.0}
    asked = 0
    for path in paths:
        for q in load_questions(Path(path)):
            golds = [dates[u] for u in q.gold_urls if u in dates]
            if not golds:
                continue
            as_of = q.as_of or date(2026, 12, 7)
            asked += 1
            started = time.perf_counter()
            ours = parse_scope(q.question, as_of)
            seconds["rag.dates"] += time.perf_counter() - started
            counts["rag.dates"][verdict(ours.range() if ours.since or ours.until else None, golds)] += 1
            started = time.perf_counter()
            theirs = dateparser_period(q.question, as_of)
            seconds["dateparser"] += time.perf_counter() - started
            counts["dateparser"][verdict(theirs, golds)] += 1
    print(f"{asked} answerable development questions and rewrites")
    print("| parser | period contains the gold date | period excludes it | no period | ms per question |")
    print("|---|---|---|---|---|")
    for name, row in counts.items():
        print(f"| {name} | {row['right']} | {row['wrong']} | {row['none']} | {1000 * seconds[name] / asked:.2f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
