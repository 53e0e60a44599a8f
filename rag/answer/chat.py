"""The language-model writer: any LangChain ``BaseChatModel`` (local llama.cpp, OpenAI, fakes).

The model sees a tight context: the best few sentences, each widened by a neighbour sentence,
merged per document and numbered. Small local models process prompts at ~45 tokens/s, so
every sentence of context costs the user about half a second before the first word.

A model behind a network (``GuardedChat``) is retried a bounded number of times on 429, 5xx,
timeouts and refused connections, but only before any text was shown, and a stream the server
cut off is an error rather than a short answer: the assistant then answers extractively with a
notice. Its error messages name the setting to check and never contain the API key.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime

from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.chat_models import generate_from_stream
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import SecretStr

from rag.answer.base import DocumentText, Turn, Writer, refusal_text
from rag.answer.passages import Passage, chronological, leading, merge_adjacent, widen_in_body
from rag.prompts import render

_MARKERS = re.compile(r"\s?\[\d+\]")
MIN_SCORE = 0.30  # below this nothing is worth showing a model; it declines without a call


class ChatWriter(Writer):
    def __init__(self, model: BaseChatModel, name: str, max_sources: int = 4, max_chars: int = 2400):
        self.model, self.name = model, name
        self.max_sources, self.max_chars = max_sources, max_chars

    def sources(self, question: str, ranked: list[Passage], document_text: DocumentText) -> list[Passage]:
        """The best passages, each with a sentence of context on either side while ``max_chars`` allows.

        The budget is strict: a local model's first token waits on every prompt token (about 40 a
        second here). A passage that does not fit goes without its context; the first one, if still
        too long, keeps only its leading sentences (at least one). See docs/benchmarks.md, "The
        local model".
        """
        kept, used = [], 0
        for passage in self.best(ranked):
            room = self.max_chars - used
            candidates = [widen_in_body(passage, document_text), passage] + ([] if kept else [leading(passage, room)])
            fitting = next((c for c in candidates if len(c.text) <= room), None if kept else candidates[-1])
            if fitting is not None:
                kept.append(fitting)
                used += len(fitting.text)
        return chronological(merge_adjacent(kept, document_text))

    def best(self, ranked: list[Passage]) -> list[Passage]:
        """Up to ``max_sources`` of the best ranked passages worth showing a model: first the best
        passage of each document close to the best (as the extractive answer chooses them), then
        their next best. Four sentences of one press briefing would hide the readout that answers.
        """
        from rag.answer.extractive import DOCUMENT_BAND

        worthy = [p for p in ranked if p.score >= MIN_SCORE]
        if not worthy:
            return []
        close = [p for p in worthy if p.score >= worthy[0].score * DOCUMENT_BAND]
        firsts = list({p.doc_id: p for p in reversed(close)}.values())[::-1]
        firsts.sort(key=close.index)
        rest = [p for p in worthy[: self.max_sources * 2] if p not in firsts]
        return (firsts + rest)[: self.max_sources]

    def messages(self, question: str, sources: list[Passage], history: list[Turn]) -> list:
        system = render("answer_system.j2", refusal=refusal_text())
        user = render(
            "answer_user.j2", sources=sources, history=earlier_turns(history), question=question, max_sentences=4
        )
        return [SystemMessage(system), HumanMessage(user)]

    def stream(self, question: str, sources: list[Passage], history: list[Turn]) -> Iterator[str]:
        if not sources:
            yield refusal_text()
            return
        for chunk in self.model.stream(self.messages(question, sources, history)):
            if chunk.content:
                yield chunk.content if isinstance(chunk.content, str) else str(chunk.content)


def earlier_turns(history: list[Turn]) -> list[Turn]:
    """The last four turns without their markers: an old [n] means another answer's sources."""
    return [Turn(t.role, _MARKERS.sub("", t.content)) for t in history[-4:]]


class ModelFailed(RuntimeError):
    """A model server failed in a way retries did not cure; the message names the setting to check."""


class StreamCut(ConnectionError):
    """The stream ended without a finish reason: the server closed it before the answer was done."""


class GuardedChat(BaseChatModel):
    """Streams from ``inner`` with bounded retries before the first token and a complete-stream check."""

    inner: BaseChatModel
    retries: int = 2
    timeout: float = 60.0
    max_wait: float = 5.0  # a server's Retry-After is respected up to this many seconds
    server: str = "the server"
    redact: SecretStr | None = None

    @property
    def _llm_type(self) -> str:
        return f"guarded-{self.inner._llm_type}"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        return generate_from_stream(self._stream(messages, stop, run_manager, **kwargs))

    def _stream(self, messages, stop=None, run_manager=None, **kwargs) -> Iterator[ChatGenerationChunk]:
        for attempt in range(self.retries + 1):
            streamed = False
            try:
                for piece in self._complete_stream(messages, stop, **kwargs):
                    streamed = streamed or bool(piece.message.content)
                    yield piece
                return
            except Exception as error:
                if streamed or attempt == self.retries or not retryable(error):
                    raise ModelFailed(self.describe(error, attempt + 1, streamed)) from error
                time.sleep(self.wait(error, attempt))

    def _complete_stream(self, messages, stop, **kwargs) -> Iterator[ChatGenerationChunk]:
        finished = False
        for message in self.inner.stream(messages, stop=stop, **kwargs):
            finished = finished or bool(message.response_metadata.get("finish_reason"))
            yield ChatGenerationChunk(message=message)
        if not finished:
            raise StreamCut

    def wait(self, error: Exception, attempt: int) -> float:
        """The server's Retry-After when it gives one, else exponential backoff; capped either way."""
        after = retry_after(getattr(error, "response", None))
        return min(0.5 * 2**attempt if after is None else after, self.max_wait)

    def describe(self, error: Exception, attempts: int, streamed: bool) -> str:
        import openai

        where = self.server
        if isinstance(error, StreamCut) or (streamed and isinstance(error, openai.APIConnectionError)):
            text = f"{where} closed the stream before the answer was finished"
        elif isinstance(error, openai.APITimeoutError):
            text = f"no reply from {where} within RAG_OPENAI_TIMEOUT={self.timeout:g} s"
        elif isinstance(error, openai.APIConnectionError):
            text = f"cannot connect to {where} (check RAG_OPENAI_BASE_URL)"
        elif isinstance(error, openai.APIStatusError):
            text = f"HTTP {error.status_code} from {where}: {server_message(error)}{_HINTS.get(error.status_code, '')}"
        elif isinstance(error, ValueError):
            text = f"{where} sent a malformed response ({type(error).__name__})"
        else:
            text = f"{type(error).__name__}: {error}"
        tries = f"{attempts} attempt{'s' if attempts > 1 else ''}, RAG_OPENAI_RETRIES={self.retries}"
        return redact(f"{text} ({tries})", self.redact)


_HINTS = {
    401: " — check OPENAI_API_KEY",
    403: " — check OPENAI_API_KEY",
    404: " — check RAG_OPENAI_MODEL",
    429: " — rate limited",
}


def retryable(error: Exception) -> bool:
    """429, 5xx, 408, timeouts, refused or dropped connections: worth another try."""
    import openai

    if isinstance(error, StreamCut | openai.APIConnectionError | ConnectionError | TimeoutError):
        return True
    return isinstance(error, openai.APIStatusError) and (error.status_code in (408, 429) or error.status_code >= 500)


def retry_after(response) -> float | None:
    """Seconds from a ``Retry-After`` (seconds or HTTP date) or ``retry-after-ms`` header."""
    headers = getattr(response, "headers", None) or {}
    try:
        if headers.get("retry-after-ms"):
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
        value = headers.get("retry-after")
        if not value:
            return None
        if value.strip().replace(".", "", 1).isdigit():
            return float(value)
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def server_message(error) -> str:
    """The server's own short explanation (``{"error": {"message": …}}``), on one line."""
    body = error.body if isinstance(error.body, dict) else {}
    message = body.get("message") or (body.get("error") or {}).get("message") if body else ""
    return " ".join(str(message or "no explanation").split())[:80]


def redact(text: str, secret: SecretStr | None) -> str:
    """The text with the API key replaced (servers sometimes echo it in errors)."""
    value = secret.get_secret_value() if secret else ""
    return text.replace(value, "***") if len(value) >= 4 else text
