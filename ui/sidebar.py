"""The sidebar under the page list: backend and its status, as-of date, retrieval filters, index counts."""

from __future__ import annotations

from datetime import date

import streamlit as st

from rag.settings import BACKENDS
from ui.common import assistant, filters, get_assistant


@st.cache_data(ttl=30, show_spinner=False)
def outlets(generation: str) -> list[str]:
    """Outlets in the index (cached per index generation: a write or delete refreshes it)."""
    from ui.corpus import corpus

    return corpus().outlets()


def sidebar() -> None:
    from rag.session import backend_status

    helper = assistant()
    with st.sidebar:
        st.header("Briefing assistant")
        backend = st.selectbox(
            "Answer backend", BACKENDS, index=BACKENDS.index(helper.settings.backend), key="backend_choice"
        )
        st.caption(f"In use: **{helper.resolve_backend(backend)}**")
        level, message = backend_status(helper, backend)
        (st.warning if level == "warning" else st.caption)(message)
        st.date_input("As of", value=date.today(), key="as_of_choice", help="Documents dated after this are ignored.")
        filter_section()
        try:
            counts = get_assistant().store.stats()
            st.caption(f"Index: {counts['documents']} documents, {counts['chunks']} chunks")
        except Exception as error:  # a store that cannot open is shown, not raised
            st.error(f"The index could not be opened: {error}. Check RAG_DATA_DIR / RAG_CHROMA_URL.")


def filter_section() -> None:
    with st.expander("Filters", expanded=filters().active):
        st.date_input("Dated between", value=(), key="filter_dates", help="Only documents dated in this range.")
        try:
            known = outlets(get_assistant().store.generation())
        except Exception:  # the index error is shown below the filters
            known = []
        st.multiselect("Outlets", known, key="filter_outlets")
        st.text_input(
            "Counterparts",
            key="filter_counterparts",
            placeholder="Serbia, Jordan",
            help="Documents naming any of them.",
        )
        if filters().active:
            st.caption(f"Answers use only documents: {filters().label}.")
