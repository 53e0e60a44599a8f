"""A failing model server never breaks an answer: bounded retries, then extractive with a notice.

Each test scripts the fake OpenAI-compatible server (tests/fake_openai.py) and checks how many
requests it saw, the notice the user reads, and that the retries waited no longer than their
settings allow (measured between the server's requests; the whole answer gets only a loose bound,
as it also embeds and ranks, which a loaded CI machine slows down).
"""

from __future__ import annotations

import time

import pytest
from conftest import SERBIA_QUESTION
from fake_openai import FakeOpenAI, closed_port_url

from rag.assistant import Assistant
from rag.settings import load_settings

TIMEOUT, RETRIES, MAX_WAIT = 0.5, 2, 0.3
ATTEMPTS = RETRIES + 1
WHOLE_ANSWER_BOUND = 30  # seconds: far below a client's default timeouts (600 s), far above the work
MODEL_ANSWER = "Alternative energy production and export were discussed [1]."


@pytest.fixture
def ask(sample_index, embeddings, monkeypatch, tmp_path):
    """``ask(url)`` -> (answer, seconds, events) through a fresh assistant on the openai backend."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RAG_OPENAI_API_KEY", "RAG_OPENAI_BASE_URL", "RAG_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)

    def run(url: str):
        settings = load_settings(
            data_dir=sample_index,
            backend="openai",
            openai_base_url=url,
            openai_api_key="sk-test-key",
            openai_timeout=TIMEOUT,
            openai_retries=RETRIES,
            openai_max_retry_wait=MAX_WAIT,
        )
        started = time.monotonic()
        events = list(Assistant(settings, embeddings=embeddings).events(SERBIA_QUESTION))
        assert events[-1].kind == "answer"
        return events[-1].value, time.monotonic() - started, events

    return run


def fails_over(answer, *words: str) -> None:
    """The extractive answer, cited, with a notice that says what failed."""
    assert answer.backend == "extractive" and answer.citations
    assert answer.notice.startswith("The openai backend failed") and answer.notice.endswith("answering extractively.")
    for word in words:
        assert word in answer.notice


def gaps(fake: FakeOpenAI) -> list[float]:
    times = [r["at"] for r in fake.requests]
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def waited(fake: FakeOpenAI) -> float:
    """Seconds from the first request to the last: what the retries cost."""
    return sum(gaps(fake))


def test_server_errors_are_retried_and_a_later_success_is_used(ask):
    with FakeOpenAI(script=[(500, {}), (502, {})]) as fake:
        answer, seconds, _ = ask(fake.url)
    assert answer.backend == "openai" and answer.answer == MODEL_ANSWER and not answer.notice
    assert len(fake.requests) == 3 and waited(fake) < 2 and seconds < WHOLE_ANSWER_BOUND


def test_persistent_5xx_gives_up_after_the_retries(ask):
    with FakeOpenAI(script=[(503, {})] * 10) as fake:
        answer, seconds, _ = ask(fake.url)
    fails_over(answer, "HTTP 503", "upstream exploded", f"{ATTEMPTS} attempts", "RAG_OPENAI_RETRIES=2")
    assert len(fake.requests) == ATTEMPTS
    assert all(gap >= 0.25 for gap in gaps(fake))  # backoff 0.5 s, capped at MAX_WAIT
    assert waited(fake) < 2 and seconds < WHOLE_ANSWER_BOUND


def test_retry_after_is_respected_up_to_the_cap(ask):
    with FakeOpenAI(script=[(429, {"Retry-After": "0.2"}), (429, {"Retry-After": "120"})]) as fake:
        answer, seconds, _ = ask(fake.url)
    assert answer.backend == "openai" and len(fake.requests) == 3
    first, second = gaps(fake)
    assert 0.18 <= first < 1.0  # the server's 0.2 s (not the 120 s of the next)
    assert MAX_WAIT - 0.02 <= second < 1.0  # 120 s asked, MAX_WAIT given
    assert seconds < WHOLE_ANSWER_BOUND


def test_rate_limiting_that_never_ends_falls_back(ask):
    with FakeOpenAI(script=[(429, {"Retry-After": "60"})] * 10) as fake:
        answer, seconds, _ = ask(fake.url)
    fails_over(answer, "HTTP 429", "rate limited")
    assert len(fake.requests) == ATTEMPTS and waited(fake) < 2 and seconds < WHOLE_ANSWER_BOUND


def test_timeouts_are_retried_then_named_with_their_setting(ask):
    with FakeOpenAI(script=["stall"] * 10, stall=2.0) as fake:
        answer, seconds, _ = ask(fake.url)
    fails_over(answer, "RAG_OPENAI_TIMEOUT=0.5 s", f"{ATTEMPTS} attempts")
    assert len(fake.requests) == ATTEMPTS
    assert waited(fake) < ATTEMPTS * TIMEOUT + RETRIES * MAX_WAIT + 1.5 and seconds < WHOLE_ANSWER_BOUND


def test_refused_connection_names_the_base_url_setting(ask):
    answer, seconds, _ = ask(closed_port_url())
    fails_over(answer, "cannot connect to http://127.0.0.1:", "RAG_OPENAI_BASE_URL", f"{ATTEMPTS} attempts")
    assert seconds < WHOLE_ANSWER_BOUND


def test_a_dropped_connection_before_any_text_is_retried(ask):
    with FakeOpenAI(script=["hangup"]) as fake:
        answer, _, _ = ask(fake.url)
    assert answer.backend == "openai" and len(fake.requests) == 2


def test_authentication_errors_are_not_retried(ask):
    with FakeOpenAI(script=[(401, {})] * 10) as fake:
        answer, _, _ = ask(fake.url)
    fails_over(answer, "HTTP 401", "OPENAI_API_KEY", "1 attempt,")
    assert len(fake.requests) == 1


def test_malformed_json_chunk_falls_back_without_retrying(ask):
    with FakeOpenAI(script=["malformed"] * 10) as fake:
        answer, _, _ = ask(fake.url)
    fails_over(answer, "malformed response")
    assert len(fake.requests) == 1


@pytest.mark.parametrize("how", ["truncate", "cut"])
def test_a_stream_cut_mid_answer_is_not_shown_as_complete(ask, how):
    with FakeOpenAI(script=[how] * 10) as fake:
        answer, seconds, events = ask(fake.url)
    streamed = "".join(e.value for e in events if e.kind == "token")
    assert streamed and MODEL_ANSWER.startswith(streamed.strip())  # the user saw the start …
    fails_over(answer, "closed the stream before the answer was finished", "1 attempt,")
    assert streamed.strip() not in answer.answer  # … and the final answer is not that fragment
    assert len(fake.requests) == 1 and seconds < WHOLE_ANSWER_BOUND
