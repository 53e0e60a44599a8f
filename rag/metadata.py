"""Metadata read from the text itself: header dates, datelines, outlet attributions, titles.

>>> dateline("BAKU, Azerbaijan, December 23.Azerbaijani Foreign Minister Jeyhun Bayramov met")
('Baku, Azerbaijan', 'December 23')
>>> outlet_attribution("... on December 23, 2024, Trend reports.")
'Trend'
>>> parse_date("2021-05-20T22:14:56+00:00")
datetime.date(2021, 5, 20)
>>> parse_date("December 23, 2024")
datetime.date(2024, 12, 23)
"""

from __future__ import annotations

import re
from datetime import date, datetime

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november december".split()
    )
}
_MONTH_RE = "|".join(m.capitalize() for m in _MONTHS)
_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+")
_DATELINE = re.compile(
    rf"^(?P<city>[A-Z][A-Z.'\- ]{{1,30}}),\s*(?:(?P<region>[A-Z][A-Za-z.'\- ]{{1,30}}),\s*)?"
    rf"(?P<day>(?:{_MONTH_RE})\s+\d{{1,2}})\b"
)
_ATTRIBUTION = re.compile(r",\s*([A-Z][\w&.'\- ]{1,40}?)\s+(?:reports|reported|informs)\s*\.")
_LONG_DATE = re.compile(rf"\b({_MONTH_RE})\s+(\d{{1,2}}),\s+(\d{{4}})\b")


def split_header(text: str) -> tuple[date | None, str]:
    """Strip the ``" date YYYY-MM-DD "`` header articles arrive with; returns (date, body)."""
    match = _HEADER.match(text)
    if not match:
        return None, text
    return parse_date(match.group(1)), text[match.end() :]


def dateline(text: str) -> tuple[str, str] | None:
    """The place and day of a wire-style dateline at the start of ``text``, if there is one."""
    match = _DATELINE.match(text)
    if not match:
        return None
    place = match.group("city").strip().title()
    if match.group("region"):
        place += ", " + match.group("region").strip()
    return place, match.group("day")


def outlet_attribution(text: str) -> str:
    """The outlet named in a "…, Trend reports." attribution, or ''."""
    match = _ATTRIBUTION.search(text[:1500])
    return match.group(1).strip() if match else ""


def parse_date(value: str | None) -> date | None:
    """ISO dates/datetimes and "Month D, YYYY"; ``None`` when ``value`` is empty or not a date."""
    if not value:
        return None
    value = str(value).strip()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    match = _LONG_DATE.search(value)
    if match:
        month, day, year = match.groups()
        try:
            return date(int(year), _MONTHS[month.lower()], int(day))
        except ValueError:
            return None
    return None


def event_date(text: str, published: date | None, title: str = "") -> date | None:
    """The date the title or the text says the event happened ("Department Press Briefing – May
    4, 2022", "on December 23, 2024" near the start).

    Falls back to the dateline's day in the publication year, then to the publication date:
    readouts say "spoke today", which means the day they were published (a briefing held in the
    evening in Washington is published the next day in UTC: its title's date is the right one).

    >>> event_date("QUESTION: Hello.", date(2022, 5, 5), "Department Press Briefing – May 4, 2022")
    datetime.date(2022, 5, 4)
    """
    for head in (title, text[:600]):
        match = _LONG_DATE.search(head)
        found = parse_date(match.group(0)) if match else None
        if found and (published is None or abs((found - published).days) <= 31):
            return found
    line = dateline(text)
    if line and published:
        found = parse_date(f"{line[1]}, {published.year}")
        if found:
            return found
    return published


def title_from_text(text: str, limit: int = 120) -> str:
    """A title for an untitled article: its first sentence after the dateline, shortened."""
    from rag.text import sentence_spans

    spans = sentence_spans(text)
    for start, end in spans:
        sentence = text[start:end]
        if dateline(sentence) and len(sentence) < 60:
            continue  # the dateline alone ("BAKU, Azerbaijan, December 23.")
        sentence = re.sub(r",?\s*\w+ reports\.$", "", sentence).strip()
        if len(sentence) > limit:
            sentence = sentence[:limit].rsplit(" ", 1)[0] + "…"
        return sentence
    return ""
