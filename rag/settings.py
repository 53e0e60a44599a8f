"""One settings object for every backend choice: environment, ``.env`` and CLI flags.

Every field is read from ``RAG_<NAME>`` (``RAG_DATA_DIR``, ``RAG_BACKEND`` …); the OpenAI key and
base URL are also read from the usual ``OPENAI_API_KEY`` / ``OPENAI_BASE_URL``. Nothing is read
at import: call :func:`load_settings`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

Backend = Literal["auto", "extractive", "local", "openai"]
BACKENDS: tuple[str, ...] = ("auto", "extractive", "local", "openai")


class SettingsError(ValueError):
    """A setting has a value that cannot work; the message names the variable to change."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RAG_", env_file=".env", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(Path(".rag"), description="where the index lives (Chroma + manifests)")
    chroma_url: str | None = Field(None, description="a `chroma run` server, e.g. http://127.0.0.1:8000")
    collection_prefix: str = Field("briefing", description="prefix of the Chroma collection names")
    embeddings: Literal["minilm", "openai"] = Field("minilm", description="embedding model")
    backend: Backend = Field("auto", description="who writes answers")
    openai_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("RAG_OPENAI_API_KEY", "OPENAI_API_KEY"), repr=False
    )
    openai_base_url: str | None = Field(
        None, validation_alias=AliasChoices("RAG_OPENAI_BASE_URL", "OPENAI_BASE_URL"), description="OpenAI-compatible"
    )
    openai_model: str = Field("gpt-4o-mini", description="chat model name at the OpenAI(-compatible) server")
    openai_embedding_model: str = Field("text-embedding-3-small")
    openai_timeout: float = Field(
        60.0, gt=0, description="seconds to wait for the server (per request and between chunks)"
    )
    openai_retries: int = Field(2, ge=0, le=10, description="retries on 429, 5xx, timeouts, refusals before any text")
    openai_max_retry_wait: float = Field(5.0, ge=0, le=60, description="cap on a server's Retry-After, in seconds")
    local_model_path: Path | None = Field(None, description="a GGUF file; default: the packaged Qwen2.5 1.5B")
    model_cache_dir: Path = Field(
        default_factory=lambda: Path.home() / ".cache" / "rag-briefing", description="joined model file"
    )
    threads: int = Field(2, ge=1, description="CPU threads for the embedder and the local model")
    top_k: int = Field(6, ge=1, le=50, description="passages given to the answer writer")
    max_answer_tokens: int = Field(350, ge=16)
    local_context: int = Field(2048, ge=512)
    local_source_chars: int | None = Field(
        None,
        ge=300,
        description="source text the local model reads in all (default 1,100 by source, 900 together)",
    )
    local_writing: Literal["auto", "together", "by-source"] = Field(
        "auto",
        description="how the local model is asked: all sources in one prompt, or one source at a time, best "
        "first; auto: one at a time in an archive large enough for the subject check (3,000 chunks)",
    )
    openai_writing: Literal["together", "by-source"] = Field(
        "together",
        description="how the model behind RAG_OPENAI_BASE_URL is asked: all sources in one prompt (a capable "
        "model), or one source at a time (a small one, such as the packaged 1.5B served by llama.cpp)",
    )
    local_first_chars: int = Field(
        400, ge=100, description="by-source: the first source's size, which the first token waits on"
    )
    local_first_message_chars: int = Field(
        540,
        ge=0,
        description="by-source: the first call's question, title line and source together, never more "
        "source than RAG_LOCAL_FIRST_CHARS gives (0: no bound beyond it); the first token waits on all of them",
    )
    max_file_mb: float = Field(50.0, gt=0, description="largest single file ingested or uploaded")
    uploads_dir: Path = Field(
        Path("corpus/uploads"), description="where the app saves uploaded files (re-index reads its parent)"
    )

    @property
    def openai_configured(self) -> bool:
        """An API key or a base URL (local OpenAI-compatible servers often need no key)."""
        return bool(self.openai_api_key or self.openai_base_url)


def load_settings(**overrides) -> Settings:
    """Settings from the environment and ``.env``, with CLI overrides (``None`` = not given)."""
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**given)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            name = str(item["loc"][0]) if item["loc"] else "?"
            variable = name if name.isupper() else f"RAG_{name.upper()}"
            problems.append(f"{variable}: {item['msg']} (got {item.get('input')!r})")
        raise SettingsError("invalid setting — " + "; ".join(problems)) from None
