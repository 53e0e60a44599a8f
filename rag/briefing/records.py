"""Meeting records read from readouts and articles: when, who (with titles), where, about what.

Only what the text states is recorded: participants are titled names as written ("Prime Minister
Narendra Modi of India"), the place is the document's dateline or an "in <Place>" after the
meeting verb, topics are the subjects the text names from a fixed list. Nothing is inferred.

>>> r = read_record("Readout of President Biden's Call with Prime Minister Modi of India",
...                 "President Joseph R. Biden, Jr. spoke today with Prime Minister Narendra Modi of India. "
...                 "The leaders discussed energy security, trade and the war in Ukraine.")
>>> r.participants
['President Joseph R. Biden, Jr.', 'Prime Minister Narendra Modi of India']
>>> r.topics, r.kind
(['energy', 'trade', 'Ukraine'], 'call')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

_TITLES = (
    r"(?:(?:Vice|Deputy|Acting|Crown|Prime|Foreign|Defense|Defence|Finance|Interior|Assistant|Under|Principal"
    r"|Cabinet|Senior|Special) )*"
    r"(?:President|Prime Minister"
    r"|Minister(?: of (?:Foreign Affairs|External Affairs|Defen[cs]e|Energy|Economy|Finance|[A-Z]\w+))?"
    r"|Foreign Minister|Secretary(?: of State| General| of Defense| for Foreign Affairs)?|Secretary-General"
    r"|Chancellor|King|Queen|Prince|Emir|Sultan|Premier|Ambassador|National Security Advisor|Taoiseach"
    r"|Chairman|Chairwoman|Chairperson|Chair|Envoy|Special Envoy)"
)
# Capitalised words that are not names: Title Case headlines ("Blinken And Kenyan Cabinet Secretary
# Omamo Before Their Meeting"), months and places that follow a title in datelines.
_NOT_NAME = (
    r"(?:And|Or|Before|After|Their|His|Her|At|With|For|To|Of|During|Following|Ahead|Joint|Press|Remarks"
    r"|Availability|Meeting|Meetings|Call|Calls|Readout|Statement|The|Today|On|In|Washington|Kingdom|Republic|General"
    r"|January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
_NAME_WORD = (
    rf"(?:[A-Z]\.|(?:I{{1,3}}|IV|VI{{0,3}})\b|(?!{_NOT_NAME})"
    r"[A-ZÀ-ÖØ-ÞĀ-Ž][^\W\d_A-Z]+(?:-[A-Z]?[^\W\d_A-Z]+)*|(?:bin|al|el|von|van|de|da)(?:-[A-Z][^\W\d_A-Z]+|(?=\s+[A-Z])))"
)
_PERSON = re.compile(
    rf"\b{_TITLES}\s+(?!of\b)(?:Dr\.?\s+)?({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,4}})(['’]s\b)?(?:,\s*Jr\.)?"
    rf"(?:\s+of\s+(?:the\s+)?(?!{_NOT_NAME})[A-Z][\w\-]+(?:\s+(?:of\s+)?[A-Z][\w\-]+){{0,2}})?"
)
_CONTACT = {
    "call": re.compile(r"\b(spoke|speaks|call|called|phone|telephone|video ?conference|virtual(?:ly)?)\b", re.I),
    "meeting": re.compile(r"\b(met|meets|meeting|meet|hosted|hosts|welcomed|received|visit(?:ed|s)?|talks)\b", re.I),
}
# Announcements, briefings and messages mention contacts without being one.
_NOT_A_CONTACT = re.compile(
    r"\b(will|to travel|travel to|plans? to|is scheduled|upcoming|ahead of|press call|press briefing"
    r"|background briefing|national day|independence day)\b",
    re.I,
)
_PLACE = re.compile(
    r"(?:\bvisit(?:ed|ing)?\s+to\s+|\b(?:met|meeting|talks|hosted|visited)\b[^.,;]{0,40}?\bin\s+)"
    rf"(?:the Republic of |the Kingdom of |the )?(?!{_NOT_NAME})([A-Z][\w\-]+(?:,? [A-Z][\w\-]+)?)"
)
_DAY = re.compile(
    r"\b(yesterday|on (?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r" \d{1,2}\b(?!,? \d{4}))",
    re.I,
)
TOPICS = (
    "energy",
    "trade",
    "investment",
    "security",
    "defense",
    "climate",
    "health",
    "COVID-19",
    "migration",
    "tourism",
    "transport",
    "sanctions",
    "humanitarian",
    "nuclear",
    "cyber",
    "technology",
    "food security",
    "human rights",
    "democracy",
    "elections",
    "Ukraine",
    "Russia",
    "China",
    "Iran",
    "Gaza",
    "Israel",
    "Afghanistan",
    "Indo-Pacific",
    "NATO",
)


@dataclass
class Record:
    kind: str  # "call", "meeting" or "" (a statement or article that records no contact)
    participants: list[str] = field(default_factory=list)
    place: str = ""
    topics: list[str] = field(default_factory=list)
    day: date | None = None  # the day the contact sentence gives ("yesterday", "on May 3"), if any

    @property
    def surnames(self) -> set[str]:
        """Last name words of the participants (for matching two reports of one contact)."""
        out = set()
        for person in self.participants:
            words = [w for w in re.sub(r"\s+of\s+.*$|,\s*Jr\.", "", person).split() if w[:1].isupper()]
            if words:
                out.add(words[-1].strip(".,").lower())
        return out


def participants(text: str, possessive: bool = True) -> list[str]:
    """Titled people as written, each once (the fullest form), in order of mention.

    ``possessive=False`` leaves out people named in the possessive ("to reaffirm President Biden's
    commitment"): after the contact verb they are mentioned, not present.
    """
    people: list[tuple[tuple[str, ...], str]] = []
    for match in _PERSON.finditer(" ".join(text.split())):
        words = (w.strip(".,") for w in match.group(1).split())
        name = tuple(w for w in words if len(w) > 1 and w not in ("Jr", "Sr"))
        if not name or (match.group(2) and not possessive):
            continue
        person = re.sub(r"['’]s\b", "", match.group(0)).strip()
        same = [i for i, (known, _) in enumerate(people) if _same_person(name, known)]
        if not same:
            people.append((name, person))
        elif len(person) > len(people[same[0]][1]):
            people[same[0]] = (name, person)  # the fuller form
    return [person for _, person in people]


def _same_person(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One person in two forms: "Biden" and "Joseph Biden"; "Joe Biden" and "Joseph R. Biden"
    (the same last name); "Andr" and "Andrés Manuel López Obrador" (a cut-off form).

    >>> _same_person(("Joe", "Biden"), ("Joseph", "Biden")), _same_person(("Andr",), ("Andrés", "Obrador"))
    (True, True)
    >>> participants("President Joe Biden met President Joseph R. Biden Jr and President Lopez Obrador")
    ['President Joseph R. Biden Jr', 'President Lopez Obrador']
    >>> _same_person(("Hayashi",), ("Park", "Jin"))
    False
    """
    short, long = sorted((a, b), key=len)
    return a[-1] == b[-1] or all(any(w.startswith(x) for w in long) for x in short)


# Topics matched as words, except where a place or a qualifier makes the word mean something else.
_TOPIC_PATTERNS = {
    "China": r"\bChina\b(?!\s+Sea)",
    "NATO": r"\bNATO\b(?!\s+(?:Summit|partners))",  # "on the sidelines of the NATO Summit" is a venue
    "security": r"(?<!economic )(?<!energy )(?<!food )\bsecurity\b",
}


def topics(text: str, limit: int = 5) -> list[str]:
    """The listed subjects the text names, most mentioned first."""
    counts = {t: len(re.findall(_TOPIC_PATTERNS.get(t, rf"\b{re.escape(t)}\b"), text, re.I)) for t in TOPICS}
    ranked = sorted((t for t, c in counts.items() if c), key=lambda t: -counts[t])
    return ranked[:limit]


def contact_sentence(text: str, max_sentences: int = 4) -> tuple[str, str, int]:
    """``(kind, sentence, where its contact verb starts)``: the first opening sentence that
    reports a contact ("President Biden spoke today with …"), or ``("", "", 0)``. Announcements
    ("will travel") are not contacts."""
    from rag.text import sentence_spans

    for start, end in sentence_spans(text[:2000])[:max_sentences]:
        sentence = " ".join(text[start:end].split())
        if _NOT_A_CONTACT.search(sentence):
            continue
        verb = next(((k, m) for k, pattern in _CONTACT.items() if (m := pattern.search(sentence))), None)
        if verb and participants(sentence):
            return verb[0], sentence, verb[1].start()
    return "", "", 0


def contact_day(sentence: str, dated: date | None) -> date | None:
    """The day a contact sentence gives, relative to the document's date: "met yesterday" is the
    day before; "on May 3" is May 3 of that year (of the year before if that would be later).

    >>> contact_day("They met yesterday in Washington.", date(2022, 5, 18))
    datetime.date(2022, 5, 17)
    >>> contact_day("The Secretary met Foreign Minister Akiba on May 3.", date(2022, 5, 5))
    datetime.date(2022, 5, 3)
    """
    found = _DAY.search(sentence)
    if not found or dated is None:
        return None
    if found.group(1).lower() == "yesterday":
        return dated - timedelta(days=1)
    from rag.metadata import parse_date

    day = parse_date(f"{found.group(1)[3:]}, {dated.year}")
    if day and day > dated:
        day = parse_date(f"{found.group(1)[3:]}, {dated.year - 1}")
    return day


def read_record(title: str, text: str, dated: date | None = None) -> Record:
    """What kind of contact a document reports, who took part, where, when and about what.

    The participants are those the title names (when the title reports the contact) and those
    the contact sentence names as present; people the text only mentions are not participants.
    """
    topics_of = topics(text)
    if _NOT_A_CONTACT.search(title):
        return Record("", [], "", topics_of)
    kind, sentence, verb = contact_sentence(text)
    titled = participants(title) if any(p.search(title) for p in _CONTACT.values()) else []
    if not kind:
        return Record("", titled, "", topics_of)
    present = participants(sentence[:verb]) + participants(sentence[verb:], possessive=False)
    people = participants("; ".join(titled + present))
    if len(people) < 2:  # a contact has two sides: a press briefing that mentions "a call" is not one
        return Record("", people, "", topics_of)
    found = _PLACE.search(sentence) if kind == "meeting" else None
    where = found.group(1) if found else ""  # not the dateline: that is where the report was filed
    return Record(kind, people, where, topics_of, contact_day(sentence, dated))
