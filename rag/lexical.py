"""Tiny lexical helpers: content words, crude stems, and the names a question is about.

>>> sorted(stems("What energy cooperation was discussed with Serbia?"))
['cooper', 'energy', 'serbia']
>>> key_terms("Every call between the Secretary and Kenya's President Kenyatta?")
['kenya', 'kenyatta']
>>> text = "Secretary Blinken spoke with Kenyan President Kenyatta and Swedish PM Andersson."
>>> [names_in(text, [t]) for t in ("kenya", "sweden", "japan")]
[{'kenya'}, {'sweden'}, set()]
>>> sorted(names_in("President Vucic of Serbia", key_terms("Serbia's President Vučić")))
['serbia', 'vucic']
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

_WORD = re.compile(r"[A-Za-zÀ-ž][A-Za-zÀ-ž'’\-]*")
STOPWORDS = frozenset(
    """a an the and or but of to in on at by for with from about as into over under than then this that these
    those is are was were be been being have has had do does did what which who whom whose when where why how
    any all some each every our their his her its it they them we us you your i me my not no nor so if also
    between during since until after before per via can could would should will shall may might must there here
    discussed discuss said say says tell told brief briefing me list show give please latest recent most
    anything something regarding concerning""".split()
)
# Capitalised words in questions that name roles, institutions, months or start a sentence,
# not counterparts.
_GENERIC = frozenset(
    """what which who when where why how did does do is are was were list brief tell give show please and
    every each all any summarize summarise compare describe explain outline provide find name enumerate
    according has have had in on at for from since between during after before the a an our we us
    president prime minister foreign secretary state department government ministry minister's
    vice national security advisor adviser spokesperson ambassador chancellor king queen prince crown
    general leader leaders readout readouts call calls meeting meetings statement statements
    assembly council union nations summit conference congress parliament administration office embassy
    joint press release briefing ministers presidents
    united states u.s us usa america american white house washington
    january february march april may june july august september october november december""".split()
)
# Adjectives that do not share a prefix with their country's name.
DEMONYMS = {
    "finnish": "finland",
    "french": "france",
    "dutch": "netherlands",
    "british": "britain",
    "danish": "denmark",
    "polish": "poland",
    "spanish": "spain",
    "irish": "ireland",
    "swiss": "switzerland",
    "filipino": "philippines",
    "emirati": "emirates",
    "cypriot": "cyprus",
    "welsh": "wales",
    "scottish": "scotland",
    "swedish": "sweden",
    "chinese": "china",
    "norwegian": "norway",
    "greek": "greece",
    "turkish": "turkey",
    "italian": "italy",
    "maltese": "malta",
}


_ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_POSSESSIVE = re.compile(r"'s?$")


def ascii_text(text: str) -> str:
    """Diacritics dropped and curly apostrophes straightened, once per text (it is the slow part)."""
    if text.isascii():
        return text
    text = text.replace("’", "'")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def fold(word: str) -> str:
    """Lower case, no diacritics, no possessive: ``"Vučić's" -> "vucic"``."""
    return _POSSESSIVE.sub("", ascii_text(word).lower()).strip("-'")


@lru_cache(maxsize=8192)  # chunks come back for many questions; their stems do not change
def stems(text: str) -> frozenset[str]:
    """Crude stems of the content words (``'Serbian' -> 'serbia'``)."""
    words = _ASCII_WORD.findall(ascii_text(text).lower())
    return frozenset(_POSSESSIVE.sub("", w)[:6] for w in words if w not in STOPWORDS and len(w) > 2)


def key_terms(question: str) -> list[str]:
    """Names in the question (folded): a source that names none of them cannot answer it.

    A run of capitalised words is one name and counts by its last word ("Luis Arce" -> "arce"):
    a shared first name says nothing about who is meant.

    >>> key_terms("What did President Biden and Bolivia's President Luis Arce discuss?")
    ['biden', 'bolivia', 'arce']
    """
    terms, run = [], []
    for match in _WORD.finditer(question):
        word = match.group(0)
        folded = fold(word)
        name = word[0].isupper() and folded not in _GENERIC and len(folded) > 2
        adjacent = run and question[run[-1][1] : match.start()] == " "
        if run and not (name and adjacent):
            terms.append(run[-1][0])
            run = []
        if name:
            run.append((DEMONYMS.get(folded, folded), match.end()))
    if run:
        terms.append(run[-1][0])
    return list(dict.fromkeys(terms))


_LOWER_WORD = re.compile(r"(?<![\w'’])[a-zà-ž]+(?![\w'’])")
# How questions are asked, not what they are about: what happened, when, how often, in what words.
QUESTION_WORDS = frozenset(
    """agree agreed agreeing agreement agreements outcome outcomes result results topic topics issue issues
    point points focus focused agenda purpose main key cover covered covering talk talked talking talks
    mention mentioned raise raised raising happen happened happening occur occurred ask asked want wanted
    position positions stance view views relation relations relationship ties contact contacts conversation
    conversations exchange exchanged update updates summary details detail phone phoned spoke speak speaking
    spoken take took taken place came come coming bring brought new newly first last next early late mid
    week weeks month months year years day days today yesterday ago recent recently time times many much
    often ever also just only still yet again both either other else another more less same different kind
    sort way ways thing things matter matters meet met visit visited visiting side sides counterpart
    counterparts word words message messages note noted stated statement comment comments remarks readout
    anything everything nothing whether exactly really actually end beginning start middle later earlier
    following previous former shortly around pass passed convey conveyed deliver delivered send sent share
    shared relay relayed engage engaged address addressed respond responded handle handled approach
    approached deal dealt react reacted""".split()
)


def topic_words(question: str) -> list[str]:
    """The question's lower-case content words that say what it is about, once each: not names
    (:func:`key_terms`), nor the words of asking.

    >>> topic_words("What was agreed about the Serbian lithium mine in early-April 2024?")
    ['lithium', 'mine']
    """
    words = (w for w in _LOWER_WORD.findall(question) if len(w) > 2)
    return list(dict.fromkeys(w for w in words if w not in STOPWORDS | _GENERIC | QUESTION_WORDS))


_ABOUT = re.compile(
    r"\b(?:about|on|regarding|concerning|over)\s+(.+?)(?=\s(?:with|in|at|during|when|between|from|to|by|for|after|before)\b|[?,.;]|$)"
)


def asked_about(question: str) -> list[str]:
    """The topic words in what the question asks *about* ("… discuss about coffee exports?"): its
    subject, not the verbs it frames the answer with ("thank", "demand"), which a faithful
    paraphrase repeats though its source put them otherwise.

    >>> asked_about("What did Biden and Lula discuss about coffee exports in 2023?")
    ['coffee', 'exports']
    >>> asked_about("What did the President demand of Netanyahu on their 4 April 2024 call?")
    []
    """
    return [word for match in _ABOUT.finditer(question) for word in topic_words(match.group(1))]


_PORTER = threading.local()  # one in-memory FTS5 table per thread, made on first use


@lru_cache(maxsize=4096)  # sources and questions come back sentence after sentence
def porter_stems(text: str) -> frozenset[str]:
    """The Porter stems of the words of ``text``, by SQLite FTS5's tokenizer (the keyword index's
    own), so "exports", "exporting" and "export" meet.

    >>> sorted(porter_stems("Coffee exports; exporting supplies."))
    ['coffe', 'export', 'suppli']
    """
    if not hasattr(_PORTER, "db"):
        _PORTER.db = sqlite3.connect(":memory:")
        _PORTER.db.executescript(
            "CREATE VIRTUAL TABLE words USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2');"
            "CREATE VIRTUAL TABLE vocabulary USING fts5vocab(words, 'row');"
        )
    db = _PORTER.db
    db.execute("DELETE FROM words")
    db.execute("INSERT INTO words(text) VALUES (?)", (text,))
    return frozenset(row[0] for row in db.execute("SELECT term FROM vocabulary"))


_SUFFIXES = frozenset(["", *"s es n ns an ans ian ians ean eans ese i is ic ish ite ites ia land istan vian".split()])


def _same_name(term: str, word: str) -> bool:
    """One name and its adjective: ``kenya ~ kenyan``, ``japan ~ japanese``, ``lebanon ~ lebanese``.

    Not ``amir ~ amir-abdollahian`` (another word after a hyphen) nor ``niger ~ nile``.

    >>> [_same_name(a, b) for a, b in [("kenya", "kenyan"), ("lebanon", "lebanese"), ("amir", "amir-abdollahian")]]
    [True, True, False]
    """
    common = 0
    for a, b in zip(term, word, strict=False):
        if a != b:
            break
        common += 1
    shorter, longer = sorted((term, word), key=len)
    if common == len(shorter):
        return longer[common:] in _SUFFIXES
    return common >= max(5, len(shorter) - 2)


@lru_cache(maxsize=4096)
def _name_pattern(term: str) -> re.Pattern:
    """Words that start like ``term`` (its first three letters), or an irregular adjective of it."""
    adjectives = [a for a, country in DEMONYMS.items() if country == term]
    starts = "|".join(re.escape(x) for x in [term[:3], *adjectives])
    return re.compile(rf"\b(?:{starts})[a-z'\-]*")


def _named_at(lowered: str, term: str) -> Iterator[int]:
    """Where ``lowered`` (``ascii_text(text).lower()``) names ``term`` or its adjective."""
    for match in _name_pattern(term).finditer(lowered):
        word = _POSSESSIVE.sub("", match.group(0)).strip("-'")
        if _same_name(term, DEMONYMS.get(word, word)):
            yield match.start()


def names_in(text: str, terms) -> set[str]:
    """The terms (from :func:`key_terms`) that ``text`` mentions, as names or their adjectives."""
    lowered = ascii_text(text).lower()
    return {term for term in terms if next(_named_at(lowered, term), None) is not None}


def named_near(text: str, term: str, others, window: int = 1500) -> bool:
    """Whether ``text`` names ``term`` within ``window`` characters of one of ``others``.

    >>> named_near("President Biden spoke with President Aliyev.", "biden", {"aliyev"})
    True
    >>> named_near("The Biden administration. " + "x " * 1000 + "President Aliyev's office.", "biden", {"aliyev"})
    False
    """
    lowered = ascii_text(text).lower()
    near = [at for other in others for at in _named_at(lowered, other)]
    return any(abs(at - other_at) <= window for at in _named_at(lowered, term) for other_at in near)


def overlap(question_stems: set[str], text: str) -> float:
    """Share of the question's content stems that occur in ``text`` (0..1)."""
    if not question_stems:
        return 0.0
    return len(question_stems & stems(text)) / len(question_stems)


def name_coverage(terms, text: str) -> float:
    """Share of the question's names that ``text`` mentions (0..1)."""
    terms = set(terms)
    return len(names_in(text, terms)) / len(terms) if terms else 0.0
