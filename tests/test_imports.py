"""Importing the package is cheap: no Streamlit, no model, no client, no environment reads."""

import subprocess
import sys

CHECK = """
import sys, os
os.environ["RAG_BACKEND"] = "not-a-backend"   # would fail if settings were read at import
import rag, rag.assistant, rag.cli, rag.factory, rag.ingest, rag.store, rag.retrieval, rag.formatting
import rag.answer.chat, rag.answer.extractive, rag.answer.local_llm, rag.loaders
heavy = [m for m in ("streamlit", "llama_cpp", "onnxruntime", "chromadb", "openai") if m in sys.modules]
print(",".join(heavy))
"""


def test_importing_rag_loads_nothing_heavy():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"imported at module level: {out}"


def test_the_ui_never_allows_raw_html():
    """Source text is rendered through escaped Markdown only (rag.formatting)."""
    from pathlib import Path

    app = (Path(__file__).resolve().parent.parent / "app.py").read_text(encoding="utf-8")
    assert "unsafe_allow_html" not in app and "st.html" not in app and "components.html" not in app
