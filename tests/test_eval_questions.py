"""The evaluation questions are sound: gold documents exist and contain the key facts."""

import json
import re
from pathlib import Path

import pytest
from conftest import SAMPLE, SHARED_DATA, shared_file

from rag.evaluation import TYPES, load_questions
from rag.metadata import split_header

QUESTIONS = Path(__file__).resolve().parent.parent / "eval" / "questions.jsonl"
# Written later, by someone who had not seen the answers, to test the local model's writing on
# contacts that were not used to tune it (docs/benchmarks.md, "Fifth session").
FRESH = QUESTIONS.with_name("questions_fresh.jsonl")
# Subjects the archive hardly mentions, asked about counterparts it does (rag/answer/unmentioned.py):
# the unanswerable ones must be declined, the answerable ones (a rare word their readout has) not.
TOPICS = QUESTIONS.with_name("questions_topics.jsonl")
SAMPLE_ID = "corpus/2024-12-23-trend-azerbaijan-serbia.txt"


@pytest.fixture(scope="module")
def questions():
    return load_questions(QUESTIONS)


@pytest.fixture(scope="module")
def gold_texts():
    files = [SHARED_DATA / "state_dept_press_releases.jsonl", SHARED_DATA / "wh_foreign_readouts.jsonl"]
    if not all(f.exists() for f in files):
        pytest.skip(f"the shared corpora are absent from {SHARED_DATA}")
    texts = {SAMPLE_ID: split_header(SAMPLE.read_text(encoding="utf-8"))[1]}
    for file in files:
        for line in file.open(encoding="utf-8"):
            record = json.loads(line)
            texts[record["url"]] = f"{record['title']}\n{record['text']}"
    return texts


def test_enough_questions_of_every_type(questions):
    assert len(questions) >= 80
    assert len({q.id for q in questions}) == len(questions)
    counts = {kind: sum(q.type == kind for q in questions) for kind in TYPES}
    assert all(count >= 5 for count in counts.values()), counts


def test_unanswerable_questions_have_no_gold(questions):
    for q in questions:
        assert (q.type == "unanswerable") == (not q.gold_urls), q.id
        if q.type == "unanswerable":
            assert q.must_include == [], q.id


def test_gold_documents_exist_and_contain_the_key_facts(questions, gold_texts):
    fresh = load_questions(FRESH)
    assert len(fresh) == 30 and not {q.id for q in fresh} & {q.id for q in questions}
    assert not {u for q in fresh for u in q.gold_urls} & {u for q in questions for u in q.gold_urls}
    topics = load_questions(TOPICS)
    assert len({q.id for q in questions + fresh + topics}) == len(questions + fresh + topics)
    for q in questions + fresh + topics:
        assert (q.type == "unanswerable") == (not q.gold_urls), q.id
        for url in q.gold_urls:
            assert url in gold_texts, f"{q.id}: gold url {url} is not in the corpus"
        golds = " ".join(gold_texts[url] for url in q.gold_urls).lower()
        for group in q.must_include:
            assert any(alternative.lower() in golds for alternative in group), f"{q.id}: {group} not in gold text"


def test_a_bad_question_line_names_file_and_line(tmp_path):
    from rag.documents import InputError

    bad = tmp_path / "q.jsonl"
    bad.write_text('{"id": "x", "type": "single", "question": "Q", "gold_urls": [], "must_include": []}\n{"id": 2}\n')
    with pytest.raises(InputError, match=f"{bad}:2: missing field 'type'"):
        load_questions(bad)


# The subject each unanswerable topic question asks about.
SUBJECTS = {"t001": "lithium", "t002": "bitcoin", "t003": "whaling", "t004": "eurovision"}
SUBJECTS |= {"t005": "coffee", "t006": "football", "t007": "graphite", "t008": "tuna"}
OUR_SIDE = {"biden", "blinken", "sullivan", "harris", "trump"}


def test_no_document_naming_the_counterpart_mentions_an_unanswerable_topic(gold_texts):
    """The topic questions declined as unanswerable really are: no document that names whom they
    ask about (country and person) mentions their subject."""
    from rag.lexical import key_terms, names_in

    unanswerable = [q for q in load_questions(TOPICS) if q.type == "unanswerable"]
    assert {q.id for q in unanswerable} == set(SUBJECTS)
    for q in unanswerable:
        counterpart = set(key_terms(q.question)) - OUR_SIDE
        for text in gold_texts.values():
            if re.search(rf"\b{SUBJECTS[q.id]}", text, re.IGNORECASE):
                assert names_in(text, counterpart) != counterpart, (q.id, text[:80])


EVAL = QUESTIONS.parent
NEW_FILES = sorted((EVAL / "dev").glob("*.jsonl")) + sorted((EVAL / "test").glob("*.jsonl"))
# The archive the new questions are asked of (docs/evaluation.md): a gold document of every
# answerable question or turn must be in it.
ARCHIVE_FILES = ["state_dept_press_releases.jsonl", "wh_foreign_readouts.jsonl", "news_foreign_affairs.jsonl"]


@pytest.fixture(scope="module")
def archive_texts():
    texts = {}
    for name in ARCHIVE_FILES:
        for line in shared_file(name).open(encoding="utf-8"):
            record = json.loads(line)
            texts[record["url"]] = f"{record['title']}\n{record['text']}"
    return texts


def test_the_new_questions_are_split_and_each_has_its_rewrites():
    assert {f.parent.name for f in NEW_FILES} == {"dev", "test"}
    originals = [q for f in NEW_FILES for q in load_questions(f) if q.style == "original"]
    rewrites = [q for f in NEW_FILES for q in load_questions(f) if q.rewrite_of]
    turns = [q for f in NEW_FILES for q in load_questions(f) if q.style == "turn"]
    assert len(originals) >= 150 and len({q.id for q in originals}) == len(originals)
    assert sorted(q.style for q in rewrites) == sorted(["terse", "variant"] * len(originals))
    assert len({q.id.split(".")[0] for q in turns}) >= 40 and all(q.history or q.id.endswith(".1") for q in turns)
    dev = {q.id for q in load_questions(EVAL / "dev" / "state.jsonl")}
    assert not dev & {q.id for q in load_questions(EVAL / "test" / "state.jsonl")}


def test_new_gold_documents_exist_and_contain_the_key_facts(archive_texts):
    for path in NEW_FILES:
        for q in load_questions(path):
            if q.rewrite_of:
                continue
            assert (q.type == "unanswerable") == (not q.gold_urls), q.id
            present = [u for u in q.gold_urls if u in archive_texts]
            assert present or q.type == "unanswerable", f"{q.id}: no gold document is in the archive"
            golds = " ".join(archive_texts[u] for u in present).lower()
            for group in q.must_include:
                assert any(alternative.lower() in golds for alternative in group), f"{q.id}: {group} not in gold text"
