"""Importing the package is cheap: no Streamlit, no model, no client, no environment reads."""

import subprocess
import sys

CHECK = """
import sys, os
os.environ["RAG_BACKEND"] = "not-a-backend"   # would fail if settings were read at import
import rag, rag.assistant, rag.cli, rag.factory, rag.ingest, rag.store, rag.retrieval, rag.formatting
import rag.access, rag.conversations, rag.corpus, rag.filters, rag.session, rag.timeline
import rag.answer.chat, rag.answer.extractive, rag.answer.local_llm, rag.loaders
heavy = [m for m in ("streamlit", "llama_cpp", "onnxruntime", "chromadb", "openai") if m in sys.modules]
print(",".join(heavy))
"""


def test_importing_rag_loads_nothing_heavy():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"imported at module level: {out}"


def test_the_ui_never_allows_raw_html():
    """Source text is rendered through escaped Markdown only (rag.formatting), on every page."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    files = [root / "app.py", *sorted((root / "ui").rglob("*.py"))]
    assert len(files) > 5
    for file in files:
        code = file.read_text(encoding="utf-8")
        assert "unsafe_allow_html" not in code and "st.html" not in code and "components.html" not in code, file


def test_importing_the_ui_modules_draws_nothing():
    """ui/ modules only define functions: importing them (as app.py does) has no side effects."""
    code = "import ui.access, ui.answers, ui.briefing, ui.chat, ui.common, ui.corpus, ui.conversations"
    code += ", ui.settings_page, ui.sidebar, ui.timeline; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok" and "Warning" not in out.stderr, out.stderr
