"""The keyword index leaves out words most chunks contain, once the index is large."""

import pytest

from rag.keyword import KeywordIndex


@pytest.fixture
def archive(tmp_path):
    """40 chunks: every one about cooperation, every fourth about energy, one about Serbia."""
    index = KeywordIndex(tmp_path / "k.sqlite")
    for number in range(40):
        words = ["cooperation between ministries"]
        words += ["energy supplies"] if number % 4 == 0 else []
        words += ["with Serbia"] if number == 8 else []
        index.replace(f"d{number}", "h", [(f"d{number}#0", " ".join(words), 20240101 + number)])
    return index


def test_common_words_are_left_out_when_rarer_ones_remain(archive):
    archive.selective_from = 10
    # "cooperation" is in 100% of chunks, "energy" in 25% (both above 10%), "serbia" in 2.5%.
    assert archive.selective_terms(["cooperation", "energy", "serbia"]) == ["serbia"]
    # Only common words: the rarest one is searched, so the query still finds something.
    assert archive.selective_terms(["cooperation", "energies"]) == ["energies"]  # stemmed like the index
    assert [c for c, _ in archive.search("energy cooperation with Serbia", 5)] == ["d8#0"]


def test_a_word_no_chunk_contains_does_not_empty_the_query(archive):
    archive.selective_from = 10
    assert archive.selective_terms(["cooperation", "energy", "serbai"]) == ["energy", "serbai"]
    assert len(archive.search("energy cooperation with Serbai", 50)) == 10  # the chunks about energy


def test_counts_follow_new_chunks(archive):
    archive.selective_from = 10
    assert archive.selective_terms(["cooperation", "serbia"]) == ["serbia"]
    for number in range(40, 80):  # Serbia now in 41 of 80 chunks, above the share
        archive.replace(f"d{number}", "h", [(f"d{number}#0", "Serbia", 20250101)])
    assert archive.selective_terms(["cooperation", "serbia"]) == ["cooperation"]  # 40 of 80 against 41
    assert archive.selective_terms(["serbia", "ministries", "energy"]) == ["energy"]


def test_a_small_index_is_searched_with_every_word(archive):
    assert archive.selective_terms(["cooperation", "energy", "serbia"]) == ["cooperation", "energy", "serbia"]
    assert len(archive.search("energy cooperation with Serbia", 50)) == 40


def test_in_a_large_index_a_word_in_more_than_common_chunks_chunks_is_left_out(archive, monkeypatch):
    import rag.keyword

    archive.selective_from = 10
    monkeypatch.setattr(rag.keyword, "COMMON_SHARE", 0.5)  # "energy" (25%) is under the share ...
    assert archive.selective_terms(["energy", "serbia"]) == ["energy", "serbia"]
    monkeypatch.setattr(rag.keyword, "COMMON_CHUNKS", 5)  # ... but in 10 chunks, over the cap
    assert archive.selective_terms(["energy", "serbia"]) == ["serbia"]
