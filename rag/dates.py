"""Dates in questions, resolved against an as-of date into a period to filter on.

>>> as_of = date(2022, 6, 15)
>>> parse_scope("calls with Aliyev in March 2022", as_of).range()
(datetime.date(2022, 3, 1), datetime.date(2022, 4, 2))
>>> parse_scope("what did they discuss on 11 May?", as_of).range()  # and the reports of the next two days
(datetime.date(2022, 5, 11), datetime.date(2022, 5, 13))
>>> parse_scope("the call around 18 April", as_of).range()
(datetime.date(2022, 4, 15), datetime.date(2022, 4, 21))
>>> parse_scope("contacts with Serbia since April", as_of).range()
(datetime.date(2022, 4, 1), datetime.date(2022, 6, 15))
>>> parse_scope("anything last month?", as_of).range()
(datetime.date(2022, 5, 1), datetime.date(2022, 5, 31))
>>> parse_scope("Brief me on the early-April 2022 call", as_of).range()
(datetime.date(2022, 4, 1), datetime.date(2022, 4, 12))
>>> parse_scope("calls with Sisi in October and November 2021", as_of).range()
(datetime.date(2021, 10, 1), datetime.date(2021, 12, 2))
>>> parse_scope("the latest call with Japan", as_of).latest
True
>>> parse_scope("meetings this year", as_of).label
'this year (2022-01-01 to 2022-06-15)'
>>> parse_scope("What energy cooperation was discussed with Serbia?", as_of).active
False
>>> parse_scope("calls w aliyev july 21", as_of).range()  # typed short: July 2021, not 21 July
(datetime.date(2021, 7, 1), datetime.date(2021, 8, 2))
>>> parse_scope("between the early-March and mid-April 2022 meetings", as_of).range()
(datetime.date(2022, 3, 1), datetime.date(2022, 4, 22))
>>> parse_scope("What was said about Expo 2020 and the 2030 Agenda?", as_of).active  # names, not periods
False
>>> parse_scope("his autumn 2019 address", as_of).range()
(datetime.date(2019, 9, 1), datetime.date(2019, 12, 2))
>>> parse_scope("And in March?", as_of, year=2021).range()  # a follow-up reads a bare month in its context's year
(datetime.date(2021, 3, 1), datetime.date(2021, 4, 2))
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {name: number for number, name in enumerate(calendar.month_name) if name} | {
    name: number for number, name in enumerate(calendar.month_abbr) if name
}
MONTHS["Sept"] = 9
_MONTH = r"(?P<{p}month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_PART = r"(?:(?P<{p}part>early|mid|late|end of|beginning of|the end of|the beginning of)[\s-]+)?"
_DAY = r"(?P<{p}day>\d{{1,2}})(?:st|nd|rd|th)?"
_YEAR = r"(?P<{p}year>(?:19|20)\d\d)"


def _expr(p: str) -> str:
    """A date expression: 11 May 2022 | May 11, 2022 | early May 2022 | May | 2022 | 2022-05-11."""
    f = {"p": p}
    iso = rf"(?P<{p}iso>\d{{4}}-\d{{2}}-\d{{2}})"
    day_month = rf"{_DAY.format(**f)}\s+(?:of\s+)?{_MONTH.format(**f)}(?:,?\s+{_YEAR.format(**f)})?"
    month_day = (
        rf"{_MONTH.format(**f).replace('month>', 'month2>')}\s+(?P<{p}day2>\d{{1,2}})(?:st|nd|rd|th)?"
        rf"(?:,?\s+(?P<{p}year2>(?:19|20)\d\d))?"
    )
    month_year = (
        rf"{_PART.format(**f)}{_MONTH.format(**f).replace('month>', 'month3>')}"
        rf"(?:\s+(?:of\s+)?(?P<{p}year3>(?:19|20)\d\d))?"
    )
    year = rf"{_YEAR.format(**f).replace('year>', 'year4>')}"
    return rf"(?:{iso}|{day_month}|{month_day}|{month_year}|{year})"


_BETWEEN = re.compile(
    rf"\b(?:between|from)\s+(?:the\s+)?{_expr('a')}\s+(?:and|to|until|-)\s+(?:the\s+)?{_expr('b')}\b", re.I
)
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH_SPAN = re.compile(
    rf"\b(?P<m1>{_MONTH_NAMES})\.?\s*(?:and|or|to|through|until|till|vs\.?|versus|&|-|–)\s*(?P<m2>{_MONTH_NAMES})\.?,?\s+"
    r"(?P<year>(?:19|20)\d\d)\b",
    re.I,
)
_SEASON = re.compile(r"\b(?P<season>spring|summer|autumn|fall|winter)\s+(?:of\s+)?(?P<year>(?:19|20)\d\d)\b", re.I)
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 14)}
# A report is dated the day of an event or a day or two after it ("spoke yesterday"): a period
# takes in the reports of its last days. "Around" a day means a few days either side.
REPORTED_WITHIN = timedelta(days=2)
AROUND = timedelta(days=3)
_AROUND = re.compile(r"\b(?:around|about|circa|approximately|c\.|~)\s*$", re.I)
_RELATION = re.compile(rf"\b(?P<rel>since|after|before|until|till|in|on|during|from|of)?\s*{_expr('x')}\b", re.I)
_RELATIVE = re.compile(
    r"\b(?P<which>this|last|past|previous|current)\s+(?:(?P<n>\d+|two|three|four|six)\s+)?"
    r"(?P<unit>year|month|week|day|quarter)s?\b|\b(?P<word>today|yesterday|recently|lately)\b",
    re.I,
)
_LATEST = re.compile(
    r"\b(latest|most recent|newest|last (?:call|meeting|visit|contact|conversation|talks?|readout))\b", re.I
)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "six": 6}


@dataclass(frozen=True)
class DateScope:
    """A period (inclusive) and/or a wish for the most recent documents."""

    since: date | None = None
    until: date | None = None  # the last day searched: the period's end and the reports of its last days
    latest: bool = False
    phrase: str = ""
    asked_until: date | None = None  # the period's own end, as the question means it (shown)

    @property
    def active(self) -> bool:
        return bool(self.since or self.until or self.latest)

    def range(self) -> tuple[date | None, date | None]:
        return self.since, self.until

    @property
    def label(self) -> str:
        end = self.asked_until or self.until
        span = f"{self.since.isoformat() if self.since else '…'} to {end.isoformat() if end else '…'}"
        return f"{self.phrase} ({span})" if self.phrase else span


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _period(groups: dict, p: str, as_of: date, year: int | None = None) -> tuple[date, date] | None:
    """The first and last day an expression can mean (a bare month: in ``year`` when given, else
    its latest one by as_of)."""
    g = {k[len(p) :]: v for k, v in groups.items() if k.startswith(p) and v}
    try:
        if "iso" in g:
            day = date.fromisoformat(g["iso"])
            return day, day
        if "day" in g or "day2" in g:
            month = MONTHS[(g.get("month") or g.get("month2")).capitalize()]
            day_number = int(g.get("day") or g["day2"])
            year = int(g.get("year") or g.get("year2") or 0) or year or _latest_year(month, as_of, day_number)
            day = date(year, month, day_number)
            return day, day
        if "month3" in g:
            month = MONTHS[g["month3"].capitalize()]
            year = int(g.get("year3") or 0) or year or _latest_year(month, as_of)
            first, last = date(year, month, 1), _month_end(year, month)
            return _part(first, last, (g.get("part") or "").lower())
        if "year4" in g:
            year4 = int(g["year4"])
            return date(year4, 1, 1), date(year4, 12, 31)
    except (KeyError, ValueError):
        return None
    return None


def _latest_year(month: int, as_of: date, day: int = 1) -> int:
    return as_of.year if (month, day) <= (as_of.month, as_of.day) else as_of.year - 1


def _part(first: date, last: date, part: str) -> tuple[date, date]:
    if part == "early" or "beginning" in part:
        return first, first.replace(day=10)
    if part.startswith("mid"):
        return first.replace(day=11), first.replace(day=20)
    if part == "late" or "end" in part:
        return first.replace(day=21), last
    return first, last


def _relative(match: re.Match, as_of: date) -> tuple[date, date] | None:
    word = (match.group("word") or "").lower()
    if word == "today":
        return as_of, as_of
    if word == "yesterday":
        day = as_of - timedelta(days=1)
        return day, day
    if word in ("recently", "lately"):
        return as_of - timedelta(days=90), as_of
    which, unit = match.group("which").lower(), match.group("unit").lower()
    count = match.group("n")
    if count or which == "past":
        n = int(_NUMBERS.get(str(count).lower(), count or 1))
        days = {"day": 1, "week": 7, "month": 30, "quarter": 91, "year": 365}[unit] * n
        return as_of - timedelta(days=days), as_of
    if unit == "year":
        year = as_of.year - (which in ("last", "previous"))
        return date(year, 1, 1), (as_of if year == as_of.year else date(year, 12, 31))
    if unit == "month":
        if which in ("last", "previous"):
            last = as_of.replace(day=1) - timedelta(days=1)
            return last.replace(day=1), last
        return as_of.replace(day=1), as_of
    if unit == "week":
        monday = as_of - timedelta(days=as_of.weekday())
        if which in ("last", "previous"):
            return monday - timedelta(days=7), monday - timedelta(days=1)
        return monday, as_of
    if unit == "day":
        return as_of - timedelta(days=1), as_of
    return None


def _apply(relation: str, first: date, last: date, as_of: date) -> tuple[date | None, date | None]:
    if relation in ("since", "from"):
        return first, as_of
    if relation == "after":
        return last + timedelta(days=1), as_of
    if relation in ("before",):
        return None, first - timedelta(days=1)
    if relation in ("until", "till"):
        return None, last
    return first, last


def parse_scope(question: str, as_of: date, year: int | None = None) -> DateScope:
    """The period a question asks about, resolved against ``as_of`` (never after it). ``year``
    places a bare month or day ("And in March?") in the year a conversation is about."""
    question = _short_years(question, as_of)
    latest = bool(_LATEST.search(question))
    span = _MONTH_SPAN.search(question)
    if span:  # "October and November 2023", "March–May 2022"
        first, last = MONTHS[span.group("m1").capitalize()], MONTHS[span.group("m2").capitalize()]
        in_year = int(span.group("year"))
        since = date(in_year - (first > last), first, 1)
        return _scope(since, _month_end(in_year, last), as_of, latest, span.group(0))
    between = _BETWEEN.search(question)
    if between:
        b = _period(between.groupdict(), "b", as_of, year)
        a = _period(between.groupdict(), "a", as_of, b[1].year if b else year)
        if a and b and a[0] > b[0]:  # "between November and March 2022": the November before
            a = _period(between.groupdict(), "a", as_of, b[1].year - 1)
        if a and b:
            return _scope(a[0], b[1], as_of, latest, between.group(0))
    matches = [
        m for m in _RELATION.finditer(question) if not _is_may_the_verb(m) and not _is_a_name(m, question, as_of)
    ]
    # A month without a year is in the year the question states elsewhere ("the two 2022 calls,
    # in April and in August"), else in the conversation's year, else its latest by as_of.
    stated_year = next((int(y) for m in matches for y in _years(m)), None) or year
    found = [(m, p) for m in matches if (p := _period(m.groupdict(), "x", as_of, stated_year))]
    # "the 2017 sanctions law … in late January 2018": a bare year is the period only when
    # nothing with "in"/"on"/"since"… or a month says otherwise.
    stated = [(m, p) for m, p in found if m.group("rel") or not m.groupdict().get("xyear4")] or found[:1]
    season = _SEASON.search(question)
    if season and not [m for m, _ in stated if not m.groupdict().get("xyear4")]:  # "autumn 2019"
        first, last = _SEASONS[season.group("season").lower()]
        since = date(int(season.group("year")), first, 1)
        until = _month_end(since.year + (last > 12), (last - 1) % 12 + 1)
        return _scope(since, until, as_of, latest, season.group(0))
    if len(stated) > 1 and all((m.group("rel") or "in").lower() in _WITHIN for m, _ in stated):
        first, last = min(p[0] for _, p in stated), max(p[1] for _, p in stated)
        phrase = question[stated[0][0].start() : stated[-1][0].end()]
        return _scope(first, last, as_of, latest, phrase)  # "in October … in December": both
    for match, period in stated:
        relation = (match.group("rel") or "").lower()
        first, last = period
        if first == last and relation in _WITHIN:  # "around" a day: a few days either side
            before = question[: match.start()]
            first, last = (first - AROUND, last + AROUND - REPORTED_WITHIN) if _AROUND.search(before) else (first, last)
        since, until = _apply(relation, first, last, as_of)
        return _scope(since, until or as_of, as_of, latest, match.group(0))
    relative = _RELATIVE.search(question)
    if relative:
        period = _relative(relative, as_of)
        if period:
            return DateScope(period[0], period[1], latest, relative.group(0).strip())
    return DateScope(latest=latest, phrase="latest" if latest else "")


_WITHIN = ("", "in", "on", "of", "during")


def _years(match: re.Match) -> list[str]:
    g = match.groupdict()
    return [g[k] for k in ("xyear", "xyear2", "xyear3", "xyear4") if g.get(k)]


def _scope(since: date | None, until: date, as_of: date, latest: bool, phrase: str) -> DateScope:
    """A period, with the reports of its last days (:data:`REPORTED_WITHIN`: a call on 28 January
    is reported on 1 February), cut at the as-of date; one wholly after it keeps its own end, so
    that its label never reads as a period ending before it starts."""
    asked = until
    if until < as_of:
        until = until + REPORTED_WITHIN
    if not since or since <= as_of:
        until, asked = min(until, as_of), min(asked, as_of)
    return DateScope(since, until, latest, phrase.strip(), asked)


# "july 22", "jun '21": a lower-case month (or one with an apostrophe year) and two digits is how a
# month and year are typed in haste; "July 22" or "on july 22" stays a day.
_SHORT_YEAR = re.compile(
    rf"(?<!\bon )(?<!\bthe )\b(?P<month>{_MONTH_NAMES})\.?\s+"
    r"(?:(?P<apostrophe>['’])(?P<yy>\d\d)|(?P<plain>\d\d))\b(?![,/:]?\d)(?!\s*(?:st|nd|rd|th)\b)",
    re.I,
)


def _short_years(question: str, as_of: date) -> str:
    def year(match: re.Match) -> str:
        digits = match.group("yy") or match.group("plain")
        full = 2000 + int(digits)
        typed_short = match.group("apostrophe") or match.group("month").islower()
        if not typed_short or full > as_of.year:
            return match.group(0)
        return f"{match.group('month')} {full}"

    return _SHORT_YEAR.sub(year, question)


def _is_a_name(match: re.Match, question: str, as_of: date) -> bool:
    """A bare year that is a topic, not a period: after the as-of year (no document is dated
    then: "plans for 2030", "the 2030 Agenda"), or, without "in"/"since"…, after a capitalised
    word ("Expo 2020", "Vision 2030")."""
    year = match.groupdict().get("xyear4")
    if not year:
        return False
    if int(year) > as_of.year:
        return True
    if match.group("rel"):
        return False
    before = question[: match.start("xyear4")].split()
    return len(before) > 1 and before[-1][:1].isupper() and before[-1].strip(".,;:'’") not in MONTHS


def _is_may_the_verb(match: re.Match) -> bool:
    """'may' the verb is not a date: lower-case, or capitalised with no year and no "in"/"on"/"since"."""
    g = match.groupdict()
    month3 = g.get("xmonth3")
    if not month3 or g.get("xyear3"):
        return False
    # lower-case "may" is the verb; a bare "May" only counts after "in"/"on"/"since"…
    return month3 == "may" or (month3.lower() == "may" and not match.group("rel"))
