"""Tiny lexical helpers: content words, crude stems and key terms of a question.

>>> sorted(stems("What energy cooperation was discussed with Serbia?"))
['cooper', 'energy', 'serbia']
>>> key_terms("What energy cooperation was discussed with Serbia?")
['serbia']
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-zÀ-ž][A-Za-zÀ-ž'\-]*")
STOPWORDS = frozenset(
    """a an the and or but of to in on at by for with from about as into over under than then this that these
    those is are was were be been being have has had do does did what which who whom whose when where why how
    any all some each every our their his her its it they them we us you your i me my not no nor so if also
    between during since until after before per via can could would should will shall may might must there here
    discussed discuss said say says tell told brief briefing me list show give please latest recent most
    anything something regarding concerning""".split()
)
# Capitalised words in questions that name roles or institutions, not counterparts.
_GENERIC = frozenset(
    """what which who when where why how did does do is are was were list brief tell give show please and
    president prime minister foreign secretary state department government ministry minister's
    united states u.s us america american white house readout call calls meeting meetings
    january february march april may june july august september october november december""".split()
)


def stem(word: str) -> str:
    return word.lower()[:6]


def stems(text: str) -> set[str]:
    """Crude stems of the content words (``'Serbian' -> 'serbia'``)."""
    return {stem(w) for w in _WORD.findall(text) if w.lower() not in STOPWORDS and len(w) > 2}


def key_terms(question: str) -> list[str]:
    """Stems of proper names in the question: a source that names none of them cannot answer it."""
    terms = []
    for match in _WORD.finditer(question):
        word = match.group(0)
        if word[0].isupper() and word.lower() not in _GENERIC and len(word) > 2:
            terms.append(stem(word))
    return list(dict.fromkeys(terms))


def overlap(question_stems: set[str], text: str) -> float:
    """Share of the question's content stems that occur in ``text`` (0..1)."""
    if not question_stems:
        return 0.0
    return len(question_stems & stems(text)) / len(question_stems)
