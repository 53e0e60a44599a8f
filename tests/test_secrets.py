"""The API key never shows: not in settings, logs, answers, exports or error messages."""

from __future__ import annotations

import json
import logging
import subprocess

import pytest
from conftest import ROOT, SERBIA_QUESTION
from fake_openai import FakeOpenAI

from rag.assistant import Assistant
from rag.factory import make_chat_model
from rag.formatting import answer_markdown
from rag.settings import load_settings

KEY = "sk-test-SECRET123"


@pytest.fixture
def settings_with_key(sample_index, monkeypatch, tmp_path):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RAG_OPENAI_BASE_URL", "RAG_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAG_OPENAI_API_KEY", KEY)

    def make(url: str):
        return load_settings(data_dir=sample_index, openai_base_url=url, openai_timeout=0.5, openai_max_retry_wait=0.1)

    return make


def visible(answer) -> str:
    """Everything a user or a log could see of an answer."""
    return "\n".join([repr(answer), json.dumps(answer.as_dict()), answer_markdown(answer), answer.notice])


def test_settings_and_the_model_object_hide_the_key(settings_with_key):
    settings = settings_with_key("http://127.0.0.1:9/v1")
    assert settings.openai_api_key.get_secret_value() == KEY  # it is read …
    model = make_chat_model(settings, "openai")
    for text in (repr(settings), str(settings), settings.model_dump_json(), repr(model), str(model)):
        assert KEY not in text  # … and never printed


@pytest.mark.parametrize(
    "script", [[], [(500, {})] * 5, [(401, {})], ["truncate"]], ids=["ok", "5xx", "401-echoing-key", "cut"]
)
def test_asking_through_a_server_never_shows_the_key(settings_with_key, embeddings, caplog, script):
    caplog.set_level(logging.DEBUG)
    with FakeOpenAI(script=script) as fake:
        fake.error_message = f"Incorrect API key provided: {KEY}"  # real servers echo (parts of) keys
        answer = Assistant(settings_with_key(fake.url), embeddings=embeddings).ask(SERBIA_QUESTION)
    assert fake.requests[0]["auth"] == f"Bearer {KEY}"  # the key was sent to the server …
    assert answer.backend == ("openai" if not script else "extractive")
    assert KEY not in visible(answer)  # … and appears nowhere else
    assert KEY not in caplog.text
    assert caplog.records, "nothing was logged at DEBUG: the log check would prove nothing"


def test_dotenv_files_are_not_committed():
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT, check=False).returncode == 0
    assert ignored or ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
