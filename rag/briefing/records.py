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
(['energy', 'trade', 'security', 'Ukraine'], 'call')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TITLES = (
    r"(?:Vice |Deputy |Acting |Crown |Prime |Foreign |Defense |Defence |Finance |Interior )?"
    r"(?:President|Prime Minister|Minister(?: of (?:Foreign Affairs|Defen[cs]e|Energy|Economy|Finance|[A-Z]\w+))?"
    r"|Foreign Minister|Secretary(?: of State| General| of Defense)?|Secretary-General|Chancellor|King|Queen"
    r"|Prince|Emir|Sultan|Premier|Ambassador|National Security Advisor|Taoiseach|Chairman|Chairwoman|Chair)"
)
_NAME_WORD = (
    r"(?:[A-Z]\.|(?:I{1,3}|IV|VI{0,3})\b|(?!(?:Call|Meeting|Readout|Statement|The|Today|On|In)\b)"
    r"[A-ZÀ-ÖØ-ÞĀ-Ž][^\W\d_A-Z]+(?:-[A-Z]?[^\W\d_A-Z]+)*|(?:bin|al|el|von|van|de|da)(?:-[A-Z][^\W\d_A-Z]+)?)"
)
_PERSON = re.compile(
    rf"\b{_TITLES}\s+(?!of\b)({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,4}})(?:['’]s\b)?(?:,\s*Jr\.)?"
    rf"(?:\s+of\s+(?:the\s+)?[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)?"
)
_CONTACT = {
    "call": re.compile(r"\b(spoke|speaks|call|called|phone|telephone|video ?conference|virtual(?:ly)?)\b", re.I),
    "meeting": re.compile(r"\b(met|meets|meeting|meet|hosted|hosts|welcomed|received|visit(?:ed|s)?|talks)\b", re.I),
}
_PLACE = re.compile(
    r"(?:\bvisit(?:ed|ing)?\s+to\s+|\b(?:met|meeting|talks|hosted|visited)\b[^.]{0,60}?\bin\s+)"
    r"(?:the Republic of |the )?([A-Z][\w\-]+(?:,? [A-Z][\w\-]+)?)"
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

    @property
    def surnames(self) -> set[str]:
        """Last name words of the participants (for matching two reports of one contact)."""
        out = set()
        for person in self.participants:
            words = [w for w in re.sub(r"\s+of\s+.*$|,\s*Jr\.", "", person).split() if w[:1].isupper()]
            if words:
                out.add(words[-1].strip(".,").lower())
        return out


def participants(text: str) -> list[str]:
    """Titled people as written, each once (the fullest form), in order of mention."""
    people: list[tuple[frozenset[str], str]] = []
    for match in _PERSON.finditer(" ".join(text.split())):
        name = frozenset(w.strip(".,") for w in match.group(1).split() if len(w.strip(".,")) > 1)
        if not name:
            continue
        person = re.sub(r"['’]s\b", "", match.group(0)).strip()
        same = [i for i, (known, _) in enumerate(people) if name <= known or known <= name]
        if not same:
            people.append((name, person))
        elif len(person) > len(people[same[0]][1]):
            people[same[0]] = (name | people[same[0]][0], person)  # the fuller form
    return [person for _, person in people]


def topics(text: str, limit: int = 5) -> list[str]:
    """The listed subjects the text names, most mentioned first."""
    counts = {t: len(re.findall(rf"\b{re.escape(t)}\b", text, re.I)) for t in TOPICS}
    ranked = sorted((t for t, c in counts.items() if c), key=lambda t: -counts[t])
    return ranked[:limit]


def read_record(title: str, text: str) -> Record:
    """What kind of contact a document reports, who took part, where, and about what."""
    opening = f"{title}. {text[:800]}"
    kind = next((k for k, pattern in _CONTACT.items() if pattern.search(opening)), "")
    found = _PLACE.search(" ".join(text[:800].split())) if kind == "meeting" else None
    where = found.group(1) if found else ""  # not the dateline: that is where the report was filed
    people = participants(opening) if kind else []
    if len(people) < 2:  # a contact has two sides: a press briefing that mentions "a call" is not one
        return Record("", people, "", topics(text))
    return Record(kind, people, where, topics(text))
