"""Declining, without a model, a question whose topic the matching documents never mention.

Asked "What was agreed about the Serbian lithium mine?" over an archive whose Serbia documents
never say "lithium", every writer used to answer from what was nearest: the extractive writer
quoted a sentence on the landmine threat, and the local model asked one source at a time
summarised the meeting. On the evaluation archive, asked about coffee with Brazil's Lula, football
with Kenya's Ruto, graphite, tuna, bitcoin, it wrote "President Biden and President Lula discussed
coffee exports [3]" and the like for all five (docs/benchmarks.md, "Seventh session"). Whether a
word occurs is a fact the keyword index answers exactly, so this check runs before any writer.

A question's topic words are its lower-case content words that are not the vocabulary of asking
(:data:`rag.lexical.QUESTION_WORDS`); names are the counterpart check's (:func:`rag.answer.passages.answerable`),
which also knows their adjectives. A topic word that no matching document contains declines the
question only if it is rare in the whole archive (at most ``RARE`` of its chunks, none in a small
one): a common word missing from the matches ("talk", "praise", "bid") is a paraphrase of what
they say, while a rare one ("lithium") is a subject they do not cover. On the 128 evaluation
questions it declined none; of the 8 unanswerable ones in ``eval/questions_topics.jsonl`` the
extractive answer now declines 8 (3 before), and the 6 answerable ones are all answered.
"""

from __future__ import annotations

from rag.lexical import topic_words
from rag.search.names import fold, similar_name

RARE = 1 / 1000  # a subject word in at most this share of the archive's chunks is a subject of its own (calibrated)
MIN_CHUNKS = 3000  # below this an archive's counts tell a subject from a paraphrase no better than chance


class SubjectCheck:
    """Which of a question's subject words are distinctive, and which no given document mentions.

    ``document_text`` (optional) lets a word the documents spell otherwise count as mentioned:
    "behaviour" is in a readout that writes "behavior" (:func:`rag.search.names.similar_name`),
    and a word the archive never uses that starts a word of theirs is its abbreviation ("econ",
    "sanc", "mil" typed in haste).
    """

    def __init__(self, keyword, document_text=None, min_chunks: int | None = None, rare: float = RARE):
        self.keyword, self.document_text, self.rare = keyword, document_text, rare
        self.min_chunks = MIN_CHUNKS if min_chunks is None else min_chunks

    def checks(self) -> bool:
        return self.keyword is not None and self.keyword.chunk_count() >= self.min_chunks

    def distinctive(self, words: list[str]) -> list[str]:
        """The words in at most :data:`RARE` of the archive's chunks (none in a small archive),
        but for those that look like abbreviations (:func:`_looks_abbreviated`): what "pts" means
        is no subject to decline on."""
        words = [w for w in words if not _looks_abbreviated(w)]
        if not words or not self.checks():
            return []
        shares = self.keyword.shares(words)
        return [w for w in words if shares.get(w, 0.0) <= self.rare]

    def absent(self, words: list[str], doc_ids: set[str]) -> list[str]:
        """The distinctive words that none of ``doc_ids`` mentions, in any spelling."""
        words = [w for w in words if not _looks_abbreviated(w)]
        if not words or not doc_ids or not self.checks():
            return []
        absent = self.keyword.absent(words, doc_ids)
        missing = [word for word, share in absent.items() if share <= self.rare]
        if missing and self.document_text is not None:
            texts = [fold(self.document_text(d)) for d in doc_ids]
            vocabulary = {w for text in texts for w in _words(text)}
            missing = [
                w
                for w in missing
                if not _spelled_otherwise(fold(w), absent[w], vocabulary)
                and not (absent[w] == 0 and any(_initials(fold(w), text) for text in texts))
            ]
        return missing


def _spelled_otherwise(word: str, share: float, vocabulary: set[str]) -> bool:
    """Whether the documents' words include ``word`` spelled otherwise, or, for a word the archive
    never uses (``share`` 0), one it abbreviates.

    >>> _spelled_otherwise("behaviour", 0.001, {"behavior"}), _spelled_otherwise("econ", 0.0, {"economic"})
    (True, True)
    >>> _spelled_otherwise("lithium", 0.0001, {"energy", "lithuania"})
    False
    """
    similar = any(similar_name(word, v) for v in vocabulary if v[:1] == word[:1])
    return similar or (_abbreviation(word, share) and any(_abbreviates(word, v) for v in vocabulary))


def _looks_abbreviated(word: str) -> bool:
    """Short, with at most one vowel: "pts", "yday", "govt", "mtgs" (not "tuna", "gas" aside).

    >>> [_looks_abbreviated(w) for w in ("pts", "yday", "tuna", "lithium")]
    [True, True, False, False]
    """
    return len(word) <= 5 and sum(letter in "aeiou" for letter in word) <= 1


def _abbreviation(word: str, share: float) -> bool:
    """Whether a word may be an abbreviation: one the archive never uses, or a short one with at
    most one vowel ("pts", "yday", "govt"; not "tuna", which is a word).

    >>> _abbreviation("pts", 0.0001), _abbreviation("tuna", 0.0001), _abbreviation("anniv", 0.0)
    (True, False, True)
    """
    vowels = sum(letter in "aeiou" for letter in word)
    return len(word) >= 3 and (share == 0 or (len(word) <= 5 and vowels <= 1))


def _abbreviates(short: str, word: str) -> bool:
    """Whether ``short`` is ``word`` cut short: its start, or its letters in order from its first
    ("pts" points, "yday" yesterday, "dept" department, "anniv" anniversary).

    >>> [_abbreviates(a, b) for a, b in [("pts", "points"), ("yday", "yesterday"), ("dept", "department")]]
    [True, True, True]
    >>> _abbreviates("econ", "economic"), _abbreviates("econ", "ecology"), _abbreviates("pts", "pts")
    (True, False, False)
    """
    if len(word) <= len(short) or word[0] != short[0]:
        return False
    letters = iter(word)
    return all(letter in letters for letter in short)


def _initials(acronym: str, text: str) -> bool:
    """Whether ``text`` (folded) has consecutive words with the acronym's letters as initials,
    small words aside ("scs": "south china sea", "fta": "free trade agreement").

    >>> _initials("scs", "the south china sea dispute"), _initials("fta", "a free trade agreement")
    (True, True)
    >>> _initials("scs", "secretary sullivan")
    False
    """
    import re

    if not 2 <= len(acronym) <= 6 or not acronym.isalpha():
        return False
    small = r"(?:(?:of|the|and|for|on|in)\s+)?"
    pattern = r"\b" + small.join(rf"{letter}[a-z'\-]*\s+" for letter in acronym[:-1]) + small + rf"{acronym[-1]}[a-z]*"
    return re.search(pattern, text) is not None


def _words(text: str) -> set[str]:
    import re

    return set(re.findall(r"[a-z]{3,}", text))


def unmentioned(question: str, doc_ids: set[str], keyword, min_chunks: int | None = None) -> list[str]:
    """The question's topic words that none of ``doc_ids`` contains and the archive hardly does
    (checked only in an archive of at least ``min_chunks``, default ``MIN_CHUNKS``)."""
    return SubjectCheck(keyword, min_chunks=min_chunks).absent(topic_words(question), doc_ids)


def declined(words: list[str], what: str = "") -> str:
    """The refusal and the reason, naming the words: the reader can rephrase or widen the corpus.
    ``what`` replaces the refusal's "answer this question" (a note's "cover this topic").

    >>> declined(["lithium"])
    'The sources in the corpus do not answer this question: none of the documents it matches mentions “lithium”.'
    >>> declined(["lithium", "mine"], "cover this topic")
    'The sources in the corpus do not cover this topic: none of the documents it matches mentions “lithium” or “mine”.'
    """
    from rag.answer.base import refusal_text

    refusal = refusal_text().rstrip(".")
    if what:
        refusal = refusal.replace("answer this question", what)
    named = " or ".join(f"“{w}”" for w in words)
    return f"{refusal}: none of the documents it matches mentions {named}."
