"""Diplomatic briefing assistant: cited answers from a ministry's corpus of articles and readouts.

Importing ``rag`` is cheap and has no side effects: nothing reads the environment, loads a
model or opens a client until it is used. Streamlit is never imported here (``app.py`` renders).

    from rag import Assistant, load_settings
    answer = Assistant(load_settings()).ask("What energy cooperation was discussed with Serbia?")
"""

from __future__ import annotations

__all__ = ["Assistant", "Ingestor", "Settings", "load_settings"]


def __getattr__(name: str):
    if name == "Assistant":
        from rag.assistant import Assistant

        return Assistant
    if name == "Ingestor":
        from rag.ingest import Ingestor

        return Ingestor
    if name in ("Settings", "load_settings"):
        from rag import settings

        return getattr(settings, name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
