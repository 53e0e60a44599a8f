"""List questions: every matching contact once, in date order, each line cited."""

import json

from conftest import build

CALL = "Secretary Blinken spoke today with Ukrainian Foreign Minister Dmytro Kuleba about {topic}."


def readout(url: str, day: str, topic: str, title: str, extra: str = "") -> dict:
    text = CALL.format(topic=topic) + " The Secretary reaffirmed U.S. support for Ukraine." + extra
    return {"url": url, "title": title, "date": day, "text": text}


def test_a_contact_published_twice_is_listed_once_and_counted(settings, embeddings, tmp_path):
    """A readout posted on two sites (not identical: one adds a line) is one call, not two."""
    title = "Secretary Blinken's Call with Ukrainian Foreign Minister Kuleba"
    records = [
        readout("https://state.example/a", "2022-03-01", "humanitarian corridors", title),
        readout("https://mirror.example/a", "2022-03-01", "humanitarian corridors", title, " Posted by the embassy."),
        readout("https://state.example/b", "2022-05-10", "grain exports", title),
    ]
    corpus = tmp_path / "readouts.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    answer = build(settings, embeddings, [corpus]).ask(
        "List all of the Secretary's calls with Foreign Minister Kuleba."
    )
    lines = answer.answer.splitlines()
    assert lines[0] == (
        "2 documents in scope, oldest first (1 more with the same title and date as one of them not listed again):"
    )
    assert [line[:12] for line in lines[1:]] == ["- 2022-03-01", "- 2022-05-10"]
    assert "corridors" in lines[1] and "grain" in lines[2]
    assert [c.date for c in answer.citations] == ["2022-03-01", "2022-05-10"]


def test_a_which_calls_question_that_asks_for_them_all_is_answered_as_a_list(settings, embeddings, tmp_path):
    """A question "Which calls … ? List them all." lists every contact, even with a model backend: given it as
    a question, the local model answered "King Abdullah II of Jordan [1]" (docs/benchmarks.md)."""
    title = "Secretary Blinken's Call with Ukrainian Foreign Minister Kuleba"
    records = [
        readout("https://state.example/a", "2022-03-01", "humanitarian corridors", title),
        readout("https://state.example/b", "2022-05-10", "grain exports", title),
        readout("https://state.example/c", "2022-09-02", "demining", title),
    ]
    corpus = tmp_path / "readouts.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    answer = build(settings, embeddings, [corpus]).ask(
        "Which phone calls did the Secretary have with Foreign Minister Kuleba in 2022? List them all.",
        backend="extractive",
    )
    lines = answer.answer.splitlines()
    assert lines[0] == "3 documents in scope, oldest first:"
    assert [line[:12] for line in lines[1:]] == ["- 2022-03-01", "- 2022-05-10", "- 2022-09-02"]
