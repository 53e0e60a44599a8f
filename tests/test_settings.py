"""One settings object: env vars, .env and overrides; errors name the variable to change."""

import pytest

from rag.factory import make_writer, resolve_backend
from rag.settings import SettingsError, load_settings


def test_environment_and_overrides(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAG_DATA_DIR", "/tmp/somewhere")
    monkeypatch.setenv("RAG_TOP_K", "9")
    assert load_settings().top_k == 9
    assert str(load_settings().data_dir) == "/tmp/somewhere"
    assert str(load_settings(data_dir="/tmp/flag").data_dir) == "/tmp/flag"  # a CLI flag wins


def test_dotenv_file_is_read(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RAG_BACKEND", raising=False)
    (tmp_path / ".env").write_text("RAG_BACKEND=extractive\n")
    assert load_settings().backend == "extractive"


def test_invalid_values_name_the_variable(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAG_BACKEND", "gpt5")
    with pytest.raises(SettingsError, match="RAG_BACKEND"):
        load_settings()
    monkeypatch.delenv("RAG_BACKEND")
    monkeypatch.setenv("RAG_TOP_K", "zero")
    with pytest.raises(SettingsError, match="RAG_TOP_K"):
        load_settings()


def test_auto_prefers_a_configured_openai_compatible_server(settings, monkeypatch):
    assert resolve_backend(settings, "auto") in ("local", "extractive")
    monkeypatch.setenv("RAG_OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    assert resolve_backend(load_settings(), "auto") == "openai"


def test_auto_without_model_runtime_is_extractive(settings, monkeypatch):
    import rag.answer.local_llm as local

    monkeypatch.setattr(local, "runtime_installed", lambda: False)
    assert resolve_backend(settings, "auto") == "extractive"


def test_openai_backend_without_configuration_says_what_to_set(settings):
    with pytest.raises(SettingsError, match="OPENAI_API_KEY"):
        make_writer(settings, "openai")


def test_api_key_is_never_shown(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-value")
    settings = load_settings()
    assert settings.openai_configured
    assert "sk-secret-value" not in repr(settings) and "sk-secret-value" not in str(settings.model_dump())
