r"""Sentence spans and sentence-aware chunks, always as character offsets into the document.

Everything downstream quotes the document verbatim, so nothing here rewrites text: a
sentence or a chunk is a ``(start, end)`` pair and its text is ``document[start:end]``.

>>> text = "BAKU, Azerbaijan, December 23.Azerbaijani Foreign Minister met Serbia's PM. Trend reports."
>>> [text[s:e] for s, e in sentence_spans(text)]
['BAKU, Azerbaijan, December 23.', "Azerbaijani Foreign Minister met Serbia's PM.", 'Trend reports.']
>>> sentence_spans("Secretary Blinken met the U.S. Ambassador. Then he left.")
[(0, 42), (43, 56)]
>>> text = "President Biden met Prime Minister Kishida Fumio of\nJapan today.\nThey discussed trade."
>>> [text[s:e] for s, e in sentence_spans(text)]
['President Biden met Prime Minister Kishida Fumio of\nJapan today.', 'They discussed trade.']
>>> len(sentence_spans("Harris met President Ferdinand R.\nMarcos Jr. at the Residence."))
1
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words whose trailing full stop does not end a sentence ("Mr. Smith", "Sept. 5").
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr st gen sen rep amb lt col maj capt gov pres prof jr sr no vs
    jan feb mar apr jun jul aug sep sept oct nov dec est inc corp co ltd dept
    e.g i.e u.s u.k u.n u.s.a e.u""".split()
)

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then
# either whitespace or (scraping artefact) an upper-case letter glued to the full stop.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|[A-Z“\"]|$)")
# A blank line, or a line break after sentence-final punctuation or before a bullet, ends a
# block; other single line breaks are hard-wrapped text ("Prime Minister Kishida Fumio of\nJapan").
# An initial at the end of a line ("President Ferdinand R.\nMarcos Jr.") does not end a block.
_PARAGRAPH = re.compile(r"\n\s*\n|(?<=[.!?:;\"”’)])(?<!\b[A-Z]\.)[ \t]*\n|\n(?=[ \t]*[\-•*#]\s)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def has_words(text: str) -> bool:
    """False for what carries no word at all: a list number ("1."), a lone marker ("[2]").

    >>> has_words("1."), has_words("[2]"), has_words("Talks resumed.")
    (False, False, True)
    """
    return bool(re.search(r"[^\W\d_]", text))


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at ``dot`` belongs to an abbreviation or an initial."""
    match = _WORD_BEFORE.search(text, max(0, dot - 12), dot)
    if not match:
        return False
    word = match.group(1).lower().rstrip(".")
    if len(word) == 1 and text[match.start(1)].isupper():  # "John F. Kennedy", "U.S."
        return True
    return word in _ABBREVIATIONS


def _next_starts_sentence(text: str, pos: int) -> bool:
    """A sentence starts after the boundary when the next visible character is not lower case."""
    rest = text[pos : pos + 40].lstrip()
    return not rest or not rest[0].islower()


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        stop = match.end()
        glued = stop < end and not text[stop].isspace()
        if text[match.start()] == "." and _is_abbreviation(text, match.start()):
            continue
        if glued and not (text[match.start() - 1 : match.start()].isalnum()):
            continue
        if not _next_starts_sentence(text, stop):
            continue
        spans.append((cursor, stop))
        cursor = stop
    spans.append((cursor, end))
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences; returns ``(start, end)`` offsets without surrounding space."""
    blocks, cursor = [], 0
    for match in _PARAGRAPH.finditer(text):
        blocks.append((cursor, match.start()))
        cursor = match.end()
    blocks.append((cursor, len(text)))
    spans = []
    for block_start, block_end in blocks:
        for start, end in _split_block(text, block_start, block_end):
            start, end = _strip(text, start, end)
            if end > start:
                spans.append((start, end))
    return spans


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences: ``document[start:end] == text``."""

    index: int
    start: int
    end: int
    text: str


def _split_long(start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut an over-long 'sentence' (tables, lists without stops) into ``limit``-sized pieces."""
    return [(s, min(s + limit, end)) for s in range(start, end, limit)]


def _next_first(sentences, first: int, last: int, max_chars: int, overlap: int) -> int:
    """Start the next chunk ``overlap`` sentences back, unless that leaves no room to move on."""
    candidate = max(first + 1, last + 1 - overlap)
    if sentences[last + 1][1] - sentences[candidate][0] > max_chars:
        return last + 1
    return candidate


def chunk_spans(text: str, max_chars: int = 1000, overlap_sentences: int = 1) -> list[Chunk]:
    """Pack whole sentences into chunks of at most ``max_chars``, overlapping by whole sentences.

    >>> doc = "One. Two two. Three three three."
    >>> [c.text for c in chunk_spans(doc, max_chars=20)]
    ['One. Two two.', 'Three three three.']
    >>> [c.text for c in chunk_spans(doc, max_chars=28)]
    ['One. Two two.', 'Two two. Three three three.']
    """
    sentences: list[tuple[int, int]] = []
    for start, end in sentence_spans(text):
        sentences.extend(_split_long(start, end, max_chars) if end - start > max_chars else [(start, end)])
    chunks: list[Chunk] = []
    first = 0
    while first < len(sentences):
        last = first
        while last + 1 < len(sentences) and sentences[last + 1][1] - sentences[first][0] <= max_chars:
            last += 1
        start, end = sentences[first][0], sentences[last][1]
        chunks.append(Chunk(len(chunks), start, end, text[start:end]))
        if last + 1 >= len(sentences):
            break
        first = _next_first(sentences, first, last, max_chars, overlap_sentences)
    return chunks
