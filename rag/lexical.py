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
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec latin
    deputy principal special envoy representative delegation sec dep
    islands island sea gulf strait river peninsula ocean corridor dam canal treaty accord agreement agreements
    act law initiative plan program programme process forum group party forces agency commission court fund
    bank organization organisation alliance coalition talks dispute war crisis deal framework declaration
    partnership strategy mission operation""".split()
)
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
    """Names in the question (folded), in order: a source that names none of them cannot answer it.

    Titles typed short or described are written out first (:func:`rag.search.names.expand`).
    Countries count however they are written, lower case too ("kenya pres"), as their key
    (:func:`rag.search.names.country_key`), except the United States, whose documents these mostly
    are. Any other run of capitalised words is one name and counts by its last word ("Luis Arce"
    -> "arce": a shared first name says nothing about who is meant); a hyphenated pair of names
    ("the Bayramov-Vucevic meeting") is two.

    >>> key_terms("What did President Biden and Bolivia's President Luis Arce discuss?")
    ['biden', 'bolivia', 'arce']
    >>> key_terms("What did Russia and Japan say about the Kuril Islands dispute?")
    ['russia', 'japan', 'kuril']
    >>> key_terms("secstate call w kenya pres re the Bayramov-Vučević mtg, US side")
    ['kenya', 'bayramov', 'vucevic']
    """
    from rag.search.names import expand

    return list(dict.fromkeys(key for _, _, key in name_spans(expand(question))))


def name_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, key)`` of each name :func:`key_terms` reads in ``text`` (already expanded),
    left to right; ``end`` stops before a possessive "'s".

    >>> text = "Did Armenia's FM Ararat Mirzoyan meet Bayramov-Vucevic?"
    >>> [(text[s:e], k) for s, e, k in name_spans(text)]
    [('Armenia', 'armenia'), ('Ararat Mirzoyan', 'mirzoyan'), ('Bayramov', 'bayramov'), ('Vucevic', 'vucevic')]
    """
    from rag.search.names import countries_in

    found: list[tuple[int, int, str]] = []
    spans = countries_in(text)
    found += [(s, _without_possessive(text, s, e), key) for s, e, key in spans if key not in OUR_SIDE]
    run: list[tuple[str, int, int]] = []  # (folded name, start, end) of the current capitalised run
    for match in _WORD.finditer(text):
        word, start = match.group(0), match.start()
        if any(s <= start < e for s, e, _ in spans):
            continue
        folded = fold(word)
        name = word[0].isupper() and folded not in _GENERIC and len(folded) > 2
        adjacent = run and text[run[-1][2] : start] == " "
        if run and not (name and adjacent):
            found.append((run[0][1], run[-1][2], run[-1][0]))
            run = []
        parts = _name_parts(text, word, start) if name else []
        if parts:
            *first, last = parts
            found += [(s, e, k) for k, s, e in first]
            run.append(last)
    if run:
        found.append((run[0][1], run[-1][2], run[-1][0]))
    return sorted(found)


def uncertain_names(text: str) -> set[str]:
    """The names of :func:`name_spans` that may be ordinary words: a lone capitalised word opening a
    sentence ("Trace …", "Besides Ukraine, …" — or "Kuleba call in March?"). Whether it is a name is
    for the documents to say (:func:`rag.answer.decision.by_usage`).

    >>> sorted(uncertain_names("Besides Ukraine, what came up? Kuleba call in March? Jake Sullivan's view?"))
    ['besides', 'kuleba']
    """
    from rag.search.names import country_key

    uncertain = set()
    for start, end, key in name_spans(text):
        words, before = text[start:end].split(), text[:start]
        lone = len(words) == 1 and not words[0].isupper() and not country_key(words[0])
        opening = not before.rstrip() or (before.rstrip()[-1] in ".?!:;(" and not before.endswith(("-", "–")))
        if lone and opening:
            uncertain.add(key)
    return uncertain


def _name_parts(text: str, word: str, start: int) -> list[tuple[str, int, int]]:
    """A capitalised word as name parts: "Bayramov-Vucevic" is two names; "Amir-Abdollahian"
    (a short first part), "Eui-yong" (a lower-case second) and "Aliyev's" are one; of
    "UXO-clearance" the acronym; of "State-aurescu" or "Vice-President" none (titles are no names).

    >>> [k for k, _, _ in _name_parts("x", "Eui-yong", 0)], [k for k, _, _ in _name_parts("x", "UXO-clearance", 0)]
    (['eui-yong'], ['uxo'])
    """
    pieces, offset, parts = word.split("-"), start, []
    whole = [(fold(word), start, _without_possessive(text, start, start + len(word)))]
    for piece in pieces:
        folded = fold(piece)
        if piece[:1].isupper() and folded not in _GENERIC and len(folded.strip("'")) > 1:
            parts.append((folded, offset, _without_possessive(text, offset, offset + len(piece))))
        offset += len(piece) + 1
    if len(pieces) == 1:
        return parts
    lower_rest = all(p[:1].islower() for p in pieces[1:])
    if parts and lower_rest and pieces[0][:1].isupper() and not pieces[0].isupper() and fold(pieces[0]) not in _GENERIC:
        return whole  # a hyphenated given name
    if len(parts) == len(pieces) and not all(len(p[0]) >= 5 for p in parts):
        return whole  # one surname
    return parts


def _without_possessive(text: str, start: int, end: int) -> int:
    match = re.search(r"['’]s?$", text[start:end])
    return start + match.start() if match else end


OUR_SIDE = frozenset(["united states"])


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
    words = (w for w in _LOWER_WORD.findall(question) if len(w) > 2 and not w.isdigit())
    return list(dict.fromkeys(w for w in words if w not in STOPWORDS | _GENERIC | QUESTION_WORDS))


_ABOUT = re.compile(
    r"\b(?:about|on|regarding|concerning|over)\s+(.+?)(?=\s(?:with|in|at|during|when|between|from|to|by|for|after|before)\b|[?,.;]|$)"
)


def names_asked_about(question: str) -> set[str]:
    """The names (:func:`name_spans`) in what the question asks *about*: its subject, not a party.

    >>> sorted(names_asked_about("What did the Secretary and Kuleba say about Eurovision?"))
    ['eurovision']
    """
    clauses = [m.span(1) for m in _ABOUT.finditer(question)]
    return {key for start, _, key in name_spans(question) if any(a <= start < b for a, b in clauses)}


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


def names_in(text: str, terms) -> set[str]:
    """The terms (from :func:`key_terms`) that ``text`` names, however spelled (:mod:`rag.search.names`)."""
    from rag.search.names import names_in as named

    return named(text, terms)


def named_near(text: str, term: str, others, window: int = 1500) -> bool:
    """Whether ``text`` names ``term`` within ``window`` characters of one of ``others``."""
    from rag.search.names import named_near as near

    return near(text, term, others, window)


def overlap(question_stems: set[str], text: str) -> float:
    """Share of the question's content stems that occur in ``text`` (0..1)."""
    if not question_stems:
        return 0.0
    return len(question_stems & stems(text)) / len(question_stems)


def name_coverage(terms, text: str) -> float:
    """Share of the question's names that ``text`` mentions (0..1)."""
    terms = set(terms)
    return len(names_in(text, terms)) / len(terms) if terms else 0.0
