"""The checkable facts of a sentence: names, numbers, dates — and whether a source states them.

A sentence may only say what its cited source says. Paraphrase is fine, but a name, number,
month or date that the source does not contain is an invented or mixed-up fact, whatever an
embedding similarity says. The citation's metadata (title, outlet, date, place) counts as
part of the source: "2024-12-23, Trend: …" is checked against the document's date and outlet.

>>> facts("On 23 December, Serbia's Vučić and Bayramov signed 3 deals worth $1,000 million.")
['23', 'december', 'serbia', 'vucic', 'bayramov', '3', '1000', 'million']
>>> source = "Bayramov met Serbian President Vucic on December 23 and signed three agreements."
>>> missing(facts("Bayramov and Vučić signed 3 agreements on December 23."), source)
[]
>>> missing(facts("Bayramov and Vučić signed 4 agreements in Belgrade."), source)
['4', 'belgrade']
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.lexical import _GENERIC, STOPWORDS, fold, key_terms, names_in, porter_stems

_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WORD = re.compile(r"[A-Za-zÀ-ž][A-Za-zÀ-ž'’\-]*")
SUBJECT = "subject:"  # a fact that is a word the question asked about
_SCALES = ("thousand", "million", "billion", "trillion", "percent")
_NUMBER_WORDS = dict(
    zip("one two three four five six seven eight nine ten eleven twelve".split(), map(str, range(1, 13)), strict=True)
)
MONTHS = "january february march april may june july august september october november december".split()
# Capitalised only because they start a sentence or a clause: not names.
_STARTERS = frozenset(
    """both they he she it its this these those there here also however additionally furthermore meanwhile
    moreover leaders officials discussions talks topics key other further finally overall according during
    in on at as after before while since following today yesterday earlier later then together neither either
    several many some most no one two three four five six seven eight nine ten first second third last next
    he's she's they're we i you sources source note note: unverified yes""".split()
)


def numbers_in(text: str) -> list[str]:
    """Digits as written, without thousands separators: ``"$1,000.5" -> ['1000.5']``."""
    return [m.group(0).replace(",", "").rstrip(".") for m in _NUMBER.finditer(text)]


def _iso_dates(text: str) -> tuple[str, list[str]]:
    """ISO dates replaced by their parts' words (``2024-12-23`` -> ``23 december 2024``)."""
    found = []

    def spell(match: re.Match) -> str:
        year, month, day = match.groups()
        if not 1 <= int(month) <= 12:
            return match.group(0)
        found.append(match.group(0))
        return f" {int(day)} {MONTHS[int(month) - 1]} {year} "

    return _ISO_DATE.sub(spell, text), found


# Who acted matters as much as the name: "The Secretary of State met Vučević" is false when the
# source says Azerbaijan's Foreign Minister did. A role in a sentence must occur in its source.
ROLES = {
    "vice president": r"vice[ -]president",
    "national security advisor": r"national security advis[eo]r",
    "prime minister": r"prime minister|premier",
    "foreign minister": r"foreign minister|minister (?:of|for) foreign affairs|foreign secretary",
    "crown prince": r"crown prince",
    "secretary": r"secretary",
    "president": r"president",
    "chancellor": r"chancellor",
    "king": r"\bking\b|his majesty",
    "emir": r"\bemir\b|\bamir\b",
}
_ROLE = re.compile(r"\b(" + "|".join(sorted(ROLES, key=len, reverse=True)) + r")\b", re.I)


def roles(sentence: str) -> list[str]:
    """The roles a sentence names, as ``role:<name>`` facts (``vice president`` is not ``president``).

    >>> roles("The Secretary of State and Vice President Harris met Prime Minister Kishida.")
    ['role:secretary', 'role:vice president', 'role:prime minister']
    """
    return list(dict.fromkeys(f"role:{m.group(1).lower()}" for m in _ROLE.finditer(sentence)))


_TITLED = re.compile(r"(?i:" + _ROLE.pattern + r")(?:\s+of\s+State)?\s+(?:[A-Z]\.\s*)*[A-ZÀ-Ž][\w\-]")


def actor_roles(question: str) -> list[str]:
    """The roles a question names without a name: who acted ("the Secretary's call with
    President Aliyev" asks about the Secretary; "President Aliyev" is named, so his role adds
    nothing the name does not).

    >>> actor_roles("What did the Secretary of State discuss with Serbian Prime Minister Vučević?")
    ['role:secretary']
    >>> actor_roles("What did Secretary Blinken and Foreign Minister Bayramov discuss?")
    []
    """
    return roles(_TITLED.sub(" ", question))


# A titled name ("President Biden", "Secretary Antony J. Blinken's"); group 3: the possessive.
_TITLED_NAME = re.compile(
    r"(?i:" + _ROLE.pattern + r")(?:\s+of\s+State)?((?:\s+(?:[A-Z]\.|[A-ZÀ-Ž][\w\-]*))+)(['’]s?\b)?"
)


def titled_people(question: str, possessive: bool = False) -> list[str]:
    """People the question names with a title, folded like :func:`rag.lexical.key_terms` (the
    last word of the name); with ``possessive``, only those whose contact it asks about.

    "President Biden's call with Azerbaijan's President Aliyev" is about Biden's call: a readout
    of the Secretary's call with Aliyev names Aliyev and Azerbaijan, yet cannot answer it.

    >>> titled_people("Give me the readout of President Biden's phone call with Azerbaijan's President Aliyev.")
    ['biden', 'aliyev']
    >>> titled_people("Give me the readout of President Biden's phone call with Azerbaijan's President Aliyev.", True)
    ['biden']
    >>> titled_people("What did Secretary Antony J. Blinken's call with Kenya's President William Ruto cover?", True)
    ['blinken']
    >>> titled_people("List our contacts with Azerbaijan's president this year")
    []
    """
    found = [
        term
        for match in _TITLED_NAME.finditer(question)
        if match.group(3) or not possessive
        for term in key_terms(match.group(2).split()[-1])
    ]
    return list(dict.fromkeys(found))


def facts(sentence: str) -> list[str]:
    """Names (folded), numbers, months and roles in ``sentence``, in order, each once."""
    text, _ = _iso_dates(sentence)
    found: list[str] = roles(sentence)
    for match in re.finditer(rf"{_NUMBER.pattern}|{_WORD.pattern}", text):
        token = match.group(0)
        if token[0].isdigit():
            found.append(token.replace(",", "").rstrip("."))
            continue
        word = fold(token)
        if word in MONTHS or word in _SCALES:
            found.append(word)
        elif word in _NUMBER_WORDS:
            found.append(_NUMBER_WORDS[word])
        elif token.isupper() and 2 <= len(token) <= 6 and word not in _GENERIC:
            found.append(token)  # an acronym stays upper case: "UN" may be written "United Nations"
        elif token[0].isupper() and _is_name(word, text, match.start()):
            found.append(word)
    return list(dict.fromkeys(found))


def spells(acronym: str, text: str) -> bool:
    """Whether ``text`` has the acronym or a run of capitalised words with its initials.

    >>> spells("UN", "at the United Nations General Assembly"), spells("MSS", "Multinational Security Support")
    (True, True)
    >>> spells("EU", "European leaders met in the Union hall")
    False
    """
    if re.search(rf"\b{acronym}\b", text):
        return True
    words = [w for w in re.findall(r"[A-Za-z][\w\-]*", text) if w.lower() not in ("of", "the", "and", "for", "on")]
    initials = "".join(w[0] if w[0].isupper() else " " for w in words)
    return acronym in initials


def _is_name(word: str, text: str, start: int) -> bool:
    if len(word) < 2 or word in _GENERIC or word in STOPWORDS or word in _STARTERS:
        return False
    before = text[:start].rstrip()
    sentence_start = not before or before[-1] in ".:!?-–—\n"
    return not sentence_start or word not in _COMMON_WORDS


# Ordinary words that start sentences ("Energy cooperation was…"): not names there.
_COMMON_WORDS = frozenset(
    """energy trade security cooperation economic investment climate defense defence health the discussion
    talks meeting call agreement agreements relations bilateral regional global international humanitarian
    support assistance sanctions peace war conflict military nuclear migration tourism transport
    infrastructure education technology agriculture water food digital cyber human rights democracy
    elections issues efforts plans progress projects relationship partnership partners representatives
    delegation delegations participants parties sides officials countries nations ministers presidents""".split()
)


@lru_cache(maxsize=512)
def source_vocabulary(source: str) -> tuple[frozenset[str], frozenset[str], str]:
    """(numbers, folded words, folded text) of a source, for repeated checks against it."""
    text, _ = _iso_dates(source)
    folded = " ".join(fold_text(text).split())  # "National Security\nAdvisor" is one role
    numbers = set(numbers_in(text))
    for word, digit in _NUMBER_WORDS.items():
        if re.search(rf"\b{word}\b", folded):
            numbers.add(digit)
    numbers |= {n.lstrip("0") for n in numbers if n.lstrip("0")}
    return frozenset(numbers), frozenset(re.findall(r"[a-z][a-z'\-]*", folded)), folded


def fold_text(text: str) -> str:
    from rag.lexical import ascii_text

    return ascii_text(text).lower()


def repeated_subjects(sentence: str, subjects: list[str]) -> list[str]:
    """The words of what the question asks about (:func:`rag.lexical.asked_about`) that
    ``sentence`` repeats, as facts. Asked about graphite supplies, the local model wrote "Jake
    Sullivan and Azerbaijan's Hikmat Hajiyev discussed graphite supplies [1]" from a readout of
    that call which never mentions graphite, and the verifier let it through on the names
    (docs/benchmarks.md, "Seventh session"). Words are compared by their Porter stems.

    >>> repeated_subjects("They agreed to boost coffee exporting [1].", ["coffee", "exports", "lithium"])
    ['subject:coffee', 'subject:exports']
    """
    said = porter_stems(sentence)
    return [SUBJECT + word for word in subjects if porter_stems(word) <= said]


def missing(sentence_facts: list[str], source: str) -> list[str]:
    """The facts of a sentence that ``source`` (passage text plus its metadata) does not state."""
    numbers, words, folded = source_vocabulary(source)
    absent = []
    for fact in sentence_facts:
        if fact.startswith(SUBJECT):
            if not porter_stems(fact.removeprefix(SUBJECT)) <= porter_stems(source):
                absent.append(fact)
        elif fact.startswith("role:"):
            if not re.search(ROLES[fact[5:]], folded):
                absent.append(fact)
        elif fact.isupper():
            if not spells(fact, source):
                absent.append(fact)
        elif fact[0].isdigit():
            if fact not in numbers and fact.lstrip("0") not in numbers:
                absent.append(fact)
        elif fact in MONTHS or fact in _SCALES:
            if fact not in words and fact[:3] + "." not in folded and not (fact == "percent" and "%" in folded):
                absent.append(fact)
        elif fact not in words and not names_in(folded, [fact]):
            absent.append(fact)
    return absent
