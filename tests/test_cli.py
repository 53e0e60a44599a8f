"""The command line: ingest/stats/ask shapes and exit codes, as scripts and CI use them."""

import json

import pytest
from conftest import CORPUS, SERBIA_QUESTION

from rag.cli import main

CITATION_KEYS = {"n", "doc_id", "url", "title", "date", "source", "quote"}


@pytest.fixture
def index(tmp_path, monkeypatch, settings):
    data = tmp_path / "cli-index"
    assert main(["ingest", str(CORPUS), "--data-dir", str(data), "--no-progress"]) == 0
    monkeypatch.setenv("RAG_BACKEND", "extractive")
    return data


def test_stats_json(index, capsys):
    capsys.readouterr()
    assert main(["stats", "--json", "--data-dir", str(index)]) == 0
    assert json.loads(capsys.readouterr().out) == {"documents": 1, "chunks": 3}


def test_ask_json_shape(index, capsys):
    capsys.readouterr()
    assert main(["ask", SERBIA_QUESTION, "--json", "--data-dir", str(index)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert {"question", "answer", "backend", "citations"} <= set(result)
    assert result["question"] == SERBIA_QUESTION and result["backend"] == "extractive"
    assert result["citations"] and set(result["citations"][0]) >= CITATION_KEYS
    assert result["citations"][0]["date"] == "2024-12-23"


def test_ask_plain_text_lists_sources(index, capsys):
    capsys.readouterr()
    main(["ask", SERBIA_QUESTION, "--data-dir", str(index)])
    out = capsys.readouterr().out
    assert "[1] Azerbaijani Foreign Minister" in out and "(Trend, 2024-12-23)" in out
    assert "(answered by: extractive)" in out


def test_batch_gives_one_result_per_line(index, tmp_path, capsys):
    batch = tmp_path / "questions.jsonl"
    lines = [
        {"question": SERBIA_QUESTION, "as_of": None, "id": "q1"},
        {"question": SERBIA_QUESTION, "as_of": "2024-12-01"},
        {"question": "Anything?", "as_of": "01/02/2024"},
        {"no_question": True},
    ]
    batch.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    capsys.readouterr()
    assert main(["ask", "--batch", str(batch), "--data-dir", str(index)]) == 1  # two bad lines
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(results) == 4
    assert results[0]["citations"] and results[0]["as_of"] == ""
    assert results[1]["citations"] == [] and results[1]["as_of"] == "2024-12-01"
    assert results[2]["error"].startswith(f"{batch}:3") and "not a date" in results[2]["error"]
    assert results[3]["error"] == f"{batch}:4: missing 'question'"


def test_batch_reads_a_follow_up_in_its_history_and_reports_the_decision(index, tmp_path, capsys):
    batch = tmp_path / "conversation.jsonl"
    lines = [
        {"question": "And about air links?", "history": ["What did Azerbaijan and Serbia discuss about tourism?"]},
        {"question": "And about air links?", "history": [{"role": "user", "content": "What did Norway say?"}]},
        {"question": "And?", "history": "not a list"},
    ]
    batch.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    capsys.readouterr()
    assert main(["ask", "--batch", str(batch), "--data-dir", str(index)]) == 1
    first, second, bad = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert "direct air transport" in first["answer"] and first["decision"]["outcome"] == "answer"
    assert (
        first["understood"].startswith("Understood as: Azerbaijan · Serbia") and "carried over" in first["understood"]
    )
    assert second["decision"]["outcome"] == "decline" and "Norway" in second["decision"]["reason"]
    assert second["decision"]["closest"] and second["citations"] == []
    assert bad["error"].startswith(f"{batch}:3") and "history" in bad["error"]


def test_ingest_failure_exits_nonzero_with_summary(tmp_path, settings, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n")
    assert main(["ingest", str(bad), "--data-dir", str(tmp_path / "i"), "--json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["failed"] == 1
    assert f"{bad}:1: malformed JSON" in captured.err


def test_the_file_size_cap_is_the_max_file_mb_setting(tmp_path, settings, capsys, monkeypatch):
    big = tmp_path / "big.txt"
    big.write_text("Ministers met in Belgrade. " * 800, encoding="utf-8")  # 21 KB
    monkeypatch.setenv("RAG_MAX_FILE_MB", "0.01")
    assert main(["ingest", str(big), "--data-dir", str(tmp_path / "i"), "--json"]) == 1
    assert "over the 0.01 MB cap" in capsys.readouterr().err
    monkeypatch.setenv("RAG_MAX_FILE_MB", "0.05")
    assert main(["ingest", str(big), "--data-dir", str(tmp_path / "i"), "--json"]) == 0


def test_bad_as_of_and_settings_are_clear_errors(index, capsys, monkeypatch):
    assert main(["ask", SERBIA_QUESTION, "--as-of", "yesterday", "--data-dir", str(index)]) == 2
    assert "--as-of: 'yesterday' is not a date" in capsys.readouterr().err
    monkeypatch.setenv("RAG_TOP_K", "-1")
    assert main(["stats", "--data-dir", str(index)]) == 2
    assert "RAG_TOP_K" in capsys.readouterr().err
