"""Per-session settings over one shared assistant, and a plain-words status of each backend.

The app holds one :class:`~rag.assistant.Assistant` per process (embedder, index, local model).
A user who changes the model, server, API key or retrieval depth on the Settings page gets a
:class:`SessionAssistant`: new settings, but the shared index, searcher, text cache and the
non-OpenAI writers (the local model is loaded once per process, not once per user).
"""

from __future__ import annotations

import socket
import time
from urllib.parse import urlparse

from pydantic import SecretStr

from rag.assistant import Assistant

OVERRIDABLE = ("openai_model", "openai_base_url", "openai_api_key", "top_k")


class SessionAssistant(Assistant):
    """An assistant with its own settings that reuses ``shared``'s loaded components."""

    def __init__(self, shared: Assistant, settings):
        super().__init__(settings, embeddings=shared.embeddings, store=shared.store)
        self.shared = shared
        self.searcher = shared.searcher
        self.sentence_vectors = shared.sentence_vectors  # same embedder: its vectors serve every session

    def writer(self, backend: str):
        return super().writer(backend) if backend == "openai" else self.shared.writer(backend)

    def document_text(self, doc_id: str) -> str:
        return self.shared.document_text(doc_id)

    def refresh_texts(self) -> None:
        self.shared.refresh_texts()  # the texts are the shared assistant's


def with_overrides(shared: Assistant, **changes) -> Assistant:
    """``shared`` itself when nothing differs, else a :class:`SessionAssistant` (empty values are ignored)."""
    changes = {k: v for k, v in changes.items() if k in OVERRIDABLE and v not in (None, "")}
    if "openai_api_key" in changes:
        changes["openai_api_key"] = SecretStr(str(changes["openai_api_key"]))
    current = {k: getattr(shared.settings, k) for k in changes}
    if not changes or changes == current:
        return shared
    return SessionAssistant(shared, shared.settings.model_copy(update=changes))


_REACHABLE: dict[str, tuple[float, bool]] = {}


def reachable(url: str, timeout: float = 1.0, cache_seconds: float = 30.0) -> bool:
    """Whether a TCP connection to the server opens (cached briefly: the sidebar asks on every rerun)."""
    parsed = urlparse(url)
    if not parsed.hostname:
        return False
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    key = f"{parsed.hostname}:{port}"
    checked = _REACHABLE.get(key)
    if checked and time.monotonic() - checked[0] < cache_seconds:
        return checked[1]
    try:
        with socket.create_connection((parsed.hostname, port), timeout=timeout):
            ok = True
    except OSError:
        ok = False
    _REACHABLE[key] = (time.monotonic(), ok)
    return ok


def backend_status(assistant: Assistant, requested: str) -> tuple[str, str]:
    """``(level, message)`` for the sidebar: level is "ok" or "warning". Never shows the API key."""
    settings = assistant.settings
    chosen = assistant.resolve_backend(requested)
    if chosen == "extractive":
        if requested == "auto":
            return "ok", "extractive: no model configured or installed, answers quote the sources"
        return "ok", "extractive: answers quote the sources verbatim"
    if chosen == "local":
        from rag.factory import local_available

        if getattr(assistant, "shared", assistant).loaded("local"):
            return "ok", "local model: loaded"
        if not local_available(settings):
            return "warning", "local model not installed (make install-llm): answering extractively"
        return "ok", "local model: installed, loads with the first question (about a minute)"
    server = settings.openai_base_url or "https://api.openai.com/v1"
    if not settings.openai_configured:
        return "warning", "openai: no API key or base URL (Settings page or OPENAI_API_KEY): answering extractively"
    if not reachable(server):
        return "warning", f"OpenAI-compatible server {server} unreachable: answering extractively"
    return "ok", f"openai: {settings.openai_model} at {server}"
