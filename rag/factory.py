"""The one place that turns settings into components (embedder, store, chat model, writer).

Everything is built on request, never at import; callers cache what they build (the CLI for
one run, the UI with ``st.cache_resource``).
"""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from rag.settings import Settings, SettingsError


def make_embeddings(settings: Settings) -> Embeddings:
    if settings.embeddings == "openai":
        if not settings.openai_configured:
            raise SettingsError("RAG_EMBEDDINGS=openai needs OPENAI_API_KEY (or RAG_OPENAI_BASE_URL)")
        from langchain_openai import OpenAIEmbeddings

        embeddings = OpenAIEmbeddings(
            model=settings.openai_embedding_model,
            api_key=settings.openai_api_key,
            base_url=settings.openai_base_url,
            timeout=settings.openai_timeout,
        )
        embeddings.name = f"openai:{settings.openai_embedding_model}"
        return embeddings
    from rag.embeddings import MiniLMEmbeddings

    return MiniLMEmbeddings(threads=settings.threads)


def make_store(settings: Settings, embeddings: Embeddings):
    from rag.chroma_ef import chroma_embedding_function
    from rag.embeddings import embedder_name
    from rag.store import ChromaStore

    function = chroma_embedding_function(embeddings, settings.embeddings)
    return ChromaStore(settings, function, embedder_name(embeddings))


def make_keyword_index(settings: Settings):
    """The BM25 keyword index: a SQLite file in the data folder (also with a Chroma server)."""
    from rag.keyword import KeywordIndex

    return KeywordIndex(settings.data_dir / f"{settings.collection_prefix}_keyword.sqlite")


def local_model_path(settings: Settings, prepare: bool = False):
    """The GGUF to load: ``RAG_LOCAL_MODEL_PATH``, else the packaged model (joined if asked)."""
    from rag.answer.local_llm import LocalModelUnavailable, model_ready, prepare_model

    if settings.local_model_path:
        if not settings.local_model_path.exists():
            raise LocalModelUnavailable(f"RAG_LOCAL_MODEL_PATH: no file at {settings.local_model_path}")
        return settings.local_model_path
    if not prepare and not model_ready(settings.model_cache_dir):
        return None
    return prepare_model(settings.model_cache_dir)


def local_available(settings: Settings) -> bool:
    """The runtime is installed and a model file is ready (or its parts are, to be joined)."""
    from rag.answer.local_llm import model_ready, part_paths, runtime_installed

    if not runtime_installed():
        return False
    if settings.local_model_path:
        return settings.local_model_path.exists()
    return model_ready(settings.model_cache_dir) or part_paths() is not None


def resolve_backend(settings: Settings, requested: str | None = None) -> str:
    """``auto`` → openai if configured, else local if installed, else extractive."""
    backend = requested or settings.backend
    if backend != "auto":
        return backend
    if settings.openai_configured:
        return "openai"
    if local_available(settings):
        return "local"
    return "extractive"


def make_chat_model(settings: Settings, backend: str):
    """The LangChain chat model behind a model backend (``local`` or ``openai``)."""
    if backend == "openai":
        if not settings.openai_configured:
            raise SettingsError("backend 'openai' needs OPENAI_API_KEY or RAG_OPENAI_BASE_URL")
        from langchain_openai import ChatOpenAI

        from rag.answer.chat import GuardedChat

        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
        model = ChatOpenAI(
            model=settings.openai_model,
            api_key=key,
            base_url=settings.openai_base_url,
            timeout=settings.openai_timeout,
            max_retries=0,  # GuardedChat retries, with a cap on Retry-After and never after text was shown
            temperature=0,
            max_completion_tokens=settings.max_answer_tokens,
        )
        return GuardedChat(
            inner=model,
            retries=settings.openai_retries,
            timeout=settings.openai_timeout,
            max_wait=settings.openai_max_retry_wait,
            server=settings.openai_base_url or "the OpenAI API",
            redact=settings.openai_api_key,
        )
    if backend == "local":
        from rag.answer.local_llm import LlamaCppChatModel, LocalModelUnavailable, runtime_installed

        if not runtime_installed():
            raise LocalModelUnavailable("llama-cpp-python is not installed: run `make install-llm`")
        return LlamaCppChatModel(
            model_path=local_model_path(settings, prepare=True),
            n_ctx=settings.local_context,
            threads=settings.threads,
            max_tokens=settings.max_answer_tokens,
        )
    raise SettingsError(f"RAG_BACKEND: unknown backend '{backend}' (use auto, extractive, local or openai)")


# What the local model reads in all, by how it is asked: together, the first token waits on all of
# it; by source, only on the first source (RAG_LOCAL_FIRST_CHARS). Measured in docs/benchmarks.md.
SOURCE_CHARS = {"together": 900, "by-source": 1100}


def local_writing(settings: Settings, chunk_count: int) -> str:
    """How the local model is asked (``RAG_LOCAL_WRITING``), ``auto`` resolved by the archive's size.

    By source the first token comes after half the wait and more key facts are kept, but asked
    about one source alone the 1.5B model answers a question its source is silent on (the
    sample article's "lithium mine") where, given all sources together, it declines. In an
    archive of ``MIN_CHUNKS`` or more such a question is declined before any model runs (the
    subject check, :mod:`rag.answer.unmentioned`); below that the check cannot tell a rare
    subject from a paraphrase, so ``auto`` asks together there (docs/benchmarks.md, "Eighth session").

    >>> s = Settings(local_writing="auto")
    >>> local_writing(s, 3), local_writing(s, 16_085)
    ('together', 'by-source')
    >>> local_writing(s.model_copy(update={"local_writing": "together"}), 16_085)
    'together'
    """
    from rag.answer.unmentioned import MIN_CHUNKS

    if settings.local_writing != "auto":
        return settings.local_writing
    return "by-source" if chunk_count >= MIN_CHUNKS else "together"


def make_writer(settings: Settings, backend: str, chat_model=None, writing: str | None = None):
    """The writer for a resolved backend; ``chat_model`` overrides the built one (tests, fakes).
    ``writing`` is the local model's resolved :func:`local_writing` (default: as set, ``auto`` as
    together); a server's model is asked as ``RAG_OPENAI_WRITING`` says."""
    from rag.answer.extractive import ExtractiveWriter

    if backend == "extractive":
        return ExtractiveWriter()
    from rag.answer.chat import ChatWriter

    if backend == "local":
        writing = writing or local_writing(settings, 0)
        max_chars = settings.local_source_chars or SOURCE_CHARS[writing]
    else:
        writing = settings.openai_writing
        max_chars = SOURCE_CHARS[writing] if writing == "by-source" else 6000
    model = chat_model or make_chat_model(settings, backend)
    if writing == "by-source":
        from rag.answer.by_source import BySourceWriter

        return BySourceWriter(
            model,
            backend,
            max_chars=max_chars,
            first_chars=settings.local_first_chars,
            first_message_chars=settings.local_first_message_chars or None,
        )
    return ChatWriter(model, backend, max_chars=max_chars)
