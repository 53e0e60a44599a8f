"""Declining, without a model, a question whose topic the matching documents never mention.

Asked "What was agreed about the Serbian lithium mine?" over an archive whose Serbia documents
never say "lithium", every writer used to answer from what was nearest: the extractive writer
quoted a sentence on the landmine threat, and the local model asked one source at a time
summarised the meeting. On the evaluation archive, asked about coffee with Brazil's Lula, football
with Kenya's Ruto, graphite, tuna, bitcoin, it wrote "President Biden and President Lula discussed
coffee exports [3]" and the like for all five (docs/benchmarks.md, "Seventh session"). Whether a
word occurs is a fact the keyword index answers exactly, so this check runs before any writer.

A question's topic words are its lower-case content words that are not the vocabulary of asking
(``QUESTION_WORDS``); names are the counterpart check's (:func:`rag.answer.passages.answerable`),
which also knows their adjectives. A topic word that no matching document contains declines the
question only if it is rare in the whole archive (at most ``RARE`` of its chunks, none in a small
one): a common word missing from the matches ("talk", "praise", "bid") is a paraphrase of what
they say, while a rare one ("lithium") is a subject they do not cover. On the 128 evaluation
questions it declined none; of the 8 unanswerable ones in ``eval/questions_topics.jsonl`` the
extractive answer now declines 8 (3 before), and the 6 answerable ones are all answered.

>>> topic_words("What was agreed about the Serbian lithium mine in early-April 2024?")
['lithium', 'mine']
"""

from __future__ import annotations

import re

from rag.lexical import _GENERIC, STOPWORDS

RARE = 1 / 3000  # a topic word in at most this share of the archive's chunks is a subject of its own
MIN_CHUNKS = 3000  # below this an archive's counts tell a subject from a paraphrase no better than chance
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
    anything everything nothing whether exactly really actually""".split()
)


def topic_words(question: str) -> list[str]:
    """The question's lower-case content words that say what it is about, once each."""
    words = (w for w in _LOWER_WORD.findall(question) if len(w) > 2)
    return list(dict.fromkeys(w for w in words if w not in STOPWORDS | _GENERIC | QUESTION_WORDS))


def unmentioned(question: str, doc_ids: set[str], keyword, min_chunks: int | None = None) -> list[str]:
    """The question's topic words that none of ``doc_ids`` contains and the archive hardly does
    (checked only in an archive of at least ``min_chunks``, default ``MIN_CHUNKS``)."""
    small = keyword is None or keyword.chunk_count() < (MIN_CHUNKS if min_chunks is None else min_chunks)
    if small or not doc_ids:
        return []
    absent = keyword.absent(topic_words(question), doc_ids)
    return [word for word, share in absent.items() if share <= RARE]


def declined(words: list[str]) -> str:
    """The refusal and the reason, naming the words: the reader can rephrase or widen the corpus.

    >>> declined(["lithium"])
    'The sources in the corpus do not answer this question: none of the documents it matches mentions “lithium”.'
    """
    from rag.answer.base import refusal_text

    named = " or ".join(f"“{w}”" for w in words)
    return f"{refusal_text().rstrip('.')}: none of the documents it matches mentions {named}."
