"""What every page shares: the process-wide assistant, the session's one, the sidebar's choices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from rag.filters import Filters


@st.cache_resource(show_spinner="Loading the embedding model and opening the index…")
def get_assistant():
    """One assistant (embedder, store, models) per server process, shared by all sessions."""
    from rag.assistant import Assistant
    from rag.settings import load_settings

    return Assistant(load_settings())


@st.cache_resource
def get_conversations(data_dir: str):
    """The saved conversations of the data folder (one SQLite connection per process)."""
    from pathlib import Path

    from rag.conversations import Conversations

    return Conversations(Path(data_dir))


def conversations():
    return get_conversations(str(get_assistant().settings.data_dir))


def assistant():
    """The shared assistant, or this session's when the Settings page overrides something.

    A session's assistant is kept with the overrides it was made from, so its model client is
    built once, not on every rerun.
    """
    from rag.session import with_overrides

    shared, overrides = get_assistant(), st.session_state.get("overrides", {})
    made = st.session_state.get("session_assistant")
    if made is None or made[0] is not shared or made[1] != overrides:
        made = (shared, dict(overrides), with_overrides(shared, **overrides))
        st.session_state.session_assistant = made
    return made[2]


@dataclass(frozen=True)
class Choices:
    """What the sidebar set for this run."""

    backend: str
    as_of: date
    filters: Filters


def choices() -> Choices:
    state = st.session_state
    return Choices(state.get("backend_choice", "auto"), state.get("as_of_choice") or date.today(), filters())


def filters() -> Filters:
    state = st.session_state
    period = state.get("filter_dates") or ()
    since = period[0] if len(period) > 0 else None
    until = period[1] if len(period) > 1 else None
    counterparts = tuple(n.strip() for n in state.get("filter_counterparts", "").split(",") if n.strip())
    return Filters(since, until, tuple(state.get("filter_outlets", [])), counterparts)


def fail(action: str, error: Exception) -> None:
    """A failure the user can act on: what failed, why, where to look (never a traceback)."""
    st.error(f"{action} failed: {error}. Check the Settings page and the Corpus page (is the index there?).")
