"""Sentence spans and chunks: every offset points at the exact text it claims."""

import json

from conftest import SAMPLE, shared_file

from rag.metadata import split_header
from rag.text import chunk_spans, sentence_spans


def sample_body() -> str:
    return split_header(SAMPLE.read_text(encoding="utf-8"))[1]


def test_glued_dateline_is_its_own_sentence():
    text = sample_body()
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert sentences[0] == "BAKU, Azerbaijan, December 23."
    assert sentences[1].startswith("Azerbaijani Foreign Minister Jeyhun Bayramov met with Serbian Prime Minister")
    assert "The importance of cooperation in the field of production and export of alternative energy was noted." in (
        sentences
    )


def test_abbreviations_and_initials_do_not_split():
    text = "Secretary Antony J. Blinken met U.S. Ambassador Smith on Sept. 5 in Kyiv. They discussed aid."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Secretary Antony J. Blinken met U.S. Ambassador Smith on Sept. 5 in Kyiv.",
        "They discussed aid.",
    ]


def check_chunks(text: str, max_chars: int) -> list:
    chunks = chunk_spans(text, max_chars=max_chars)
    assert chunks, "a non-empty document gives at least one chunk"
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert 0 < len(chunk.text) <= max_chars
    covered = set()
    for chunk in chunks:
        covered.update(range(chunk.start, chunk.end))
    for start, end in sentence_spans(text):  # no sentence is lost between chunks
        assert start in covered and end - 1 in covered
    return chunks


def test_sample_chunks_have_valid_offsets():
    chunks = check_chunks(sample_body(), 1000)
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_text_without_full_stops_is_still_cut_to_size():
    check_chunks("word " * 3000, 1000)


def test_very_long_press_briefing_chunks_correctly():
    path = shared_file("state_dept_press_releases.jsonl")
    longest = max((json.loads(line)["text"] for line in path.open(encoding="utf-8")), key=len)
    assert len(longest) > 70_000
    chunks = check_chunks(longest, 1000)
    assert len(chunks) > 70
