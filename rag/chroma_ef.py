"""Our embedders as a *registered* Chroma embedding function.

Chroma records the function's name and config with each collection and rebuilds it when a
collection is reopened without one; the built-in default would try to download a model and
fail offline. Registering ours (lazily, when a store opens) keeps every path offline.
"""

from __future__ import annotations

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.utils.embedding_functions import register_embedding_function
from langchain_core.embeddings import Embeddings

from rag.embeddings import as_array


class BriefingEmbeddingFunction(EmbeddingFunction[Documents]):
    """Wraps a LangChain ``Embeddings`` so Chroma and LangChain share one model instance."""

    def __init__(self, embeddings: Embeddings, kind: str = "minilm"):
        self.embeddings = embeddings
        self.kind = kind

    def __call__(self, input: Documents) -> list[np.ndarray]:
        return list(as_array(self.embeddings, list(input)))

    @staticmethod
    def name() -> str:
        return "rag-briefing"

    def get_config(self) -> dict:
        return {"kind": self.kind}

    @staticmethod
    def build_from_config(config: dict) -> BriefingEmbeddingFunction:
        """Chroma calls this on every write; the live instance of that kind is reused."""
        kind = config.get("kind", "minilm")
        if kind not in _LIVE:
            from rag.factory import make_embeddings
            from rag.settings import load_settings

            _LIVE[kind] = BriefingEmbeddingFunction(make_embeddings(load_settings(embeddings=kind)), kind)
        return _LIVE[kind]

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]


_LIVE: dict[str, BriefingEmbeddingFunction] = {}


def chroma_embedding_function(embeddings: Embeddings, kind: str) -> BriefingEmbeddingFunction:
    register_embedding_function(BriefingEmbeddingFunction)
    _LIVE[kind] = BriefingEmbeddingFunction(embeddings, kind)
    return _LIVE[kind]
