"""Property-based tests: the splitter and the loaders hold their promises on arbitrary input.

Example counts are kept small so the file runs in seconds; a failure prints the smallest input
hypothesis found, which is the thing to add to the example-based tests once fixed.
"""

from __future__ import annotations

import html
import json
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rag.documents import Document, InputError
from rag.loaders import load_file
from rag.metadata import split_header
from rag.text import chunk_spans, sentence_spans

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that looks like news: words, sentence punctuation, abbreviations, quotes, line breaks.
PIECES = st.sampled_from(
    ["Mr.", "U.S.", "Sept.", "J.", "the", "Minister", "met", "Serbia", ".", "!", "?", "…", '"', "”", ")", "\n", "\n\n"]
)
NEWSY = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=60).map(" ".join)
ANY_TEXT = st.one_of(st.text(max_size=400), NEWSY)


def covered(spans: list[tuple[int, int]], text: str) -> set[int]:
    """Positions of the non-space characters that some span includes."""
    return {i for start, end in spans for i in range(start, end) if not text[i].isspace()}


@FAST
@given(ANY_TEXT)
@example("Secretary Blinken met the U.S. Ambassador. Then he left.")
@example("")
def test_sentences_are_ordered_stripped_and_lose_no_text(text):
    spans = sentence_spans(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        sentence = text[start:end]
        assert sentence == sentence.strip()
        previous_end = end
    assert covered(spans, text) == {i for i, char in enumerate(text) if not char.isspace()}


@FAST
@given(ANY_TEXT, st.integers(min_value=1, max_value=300), st.integers(min_value=0, max_value=2))
@example("One. Two two. Three three three.", 20, 1)
def test_chunks_are_exact_bounded_ordered_and_cover_every_sentence(text, max_chars, overlap):
    chunks = chunk_spans(text, max_chars=max_chars, overlap_sentences=overlap)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    for chunk in chunks:
        assert chunk.text == text[chunk.start : chunk.end]
        assert 0 <= chunk.start < chunk.end <= len(text)
        assert chunk.end - chunk.start <= max_chars
    for before, after in zip(chunks, chunks[1:], strict=False):
        assert before.start < after.start and before.end < after.end
    assert covered([(c.start, c.end) for c in chunks], text) == covered(sentence_spans(text), text)


def load_bytes(name: str, raw: bytes) -> list:
    """What the loaders make of ``raw`` saved as ``name`` (in a fresh folder)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(raw)
        return list(load_file(path))


def assert_storable(items: list) -> None:
    """Only documents or input errors come out, and a document can be hashed and stored (UTF-8)."""
    for item in items:
        assert isinstance(item, Document | InputError), item
        if isinstance(item, Document):
            item.content_hash(), item.text_hash()
            item.text.encode("utf-8")


@FILES
@given(st.sampled_from(["a.txt", "a.md", "a.html", "a.htm", "a.jsonl"]), st.binary(max_size=600))
@example("a.jsonl", b'{"url": "u", "text": "bad \\ud800 escape"}\n')
@example("a.jsonl", b"[" * 100_000 + b"]" * 100_000 + b"\n")
@example("a.txt", b"\xff\xfe\x00\x00")
@example("a.html", b"<html><body><article><p>\xe9t\xe9</p></article></body></html>")
def test_arbitrary_bytes_give_documents_or_input_errors(name, raw):
    assert_storable(load_bytes(name, raw))


@FILES
@given(st.text(max_size=400))
def test_text_file_keeps_its_text_verbatim(text):
    items = load_bytes("article.txt", text.encode("utf-8"))
    assert_storable(items)
    body = split_header(text.removeprefix("\ufeff"))[1].strip()
    if isinstance(items[0], Document):
        assert items[0].text == body
    else:
        assert not body or "\x00" in text or "in the future" in str(items[0])


PARAGRAPH = st.text(st.characters(categories=["L", "N", "P", "Zs"], exclude_characters="\xa0"), max_size=80)


@FILES
@given(st.lists(PARAGRAPH, min_size=1, max_size=5))
@example(["0\u16800"])  # a space that is not " " (Ogham space mark): found by hypothesis, kept by the loader
def test_html_article_paragraphs_are_the_text(paragraphs):
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    page = f"<html><head><title>T</title></head><body><nav>Menu</nav><article>{body}</article></body></html>"
    items = load_bytes("page.html", page.encode("utf-8"))
    assert_storable(items)
    expected = "\n\n".join(re.sub(r"\s+", " ", p.strip()) for p in paragraphs if p.strip())
    if expected:
        assert items[0].text == expected
    else:
        assert isinstance(items[0], InputError)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
RECORDS = st.dictionaries(
    st.sampled_from(["url", "id", "title", "text", "published", "date", "source", "creator", "place", "other"]),
    JSON_VALUES,
)


@FILES
@given(st.lists(RECORDS, max_size=4), st.text(max_size=200))
def test_jsonl_records_keep_their_text_and_report_their_line(records, text):
    lines = [
        json.dumps({**record, "url": f"https://example.org/{n}", "text": text}) for n, record in enumerate(records)
    ]
    items = load_bytes("feed.jsonl", "\n".join(lines).encode("utf-8"))
    assert_storable(items)
    assert len(items) == len(records)
    for number, item in enumerate(items, start=1):
        if isinstance(item, Document):
            assert item.text == text.strip() and item.origin.endswith(f"feed.jsonl:{number}")
        else:
            assert f"feed.jsonl:{number}" in str(item)
