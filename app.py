"""Streamlit chat for the briefing assistant. Rendering only: all logic lives in ``rag``.

Run with ``make run`` (or ``streamlit run app.py``); it listens on 127.0.0.1 by default.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from rag.answer.base import Turn
from rag.formatting import answer_markdown, answer_text_markdown, citation_heading, quote_block
from rag.settings import BACKENDS, SettingsError, load_settings

SAMPLE_QUESTION = "What energy cooperation was discussed with Serbia?"


@st.cache_resource(show_spinner="Loading the embedding model and opening the index…")
def get_assistant():
    """One assistant (embedder, store, models) per server process, shared by all sessions."""
    from rag.assistant import Assistant

    return Assistant(load_settings())


def render_sources(citations) -> None:
    if not citations:
        return
    with st.expander(f"Sources ({len(citations)})", expanded=True):
        for citation in citations:
            st.markdown(citation_heading(citation))
            st.markdown(quote_block(citation.quote))


def render_answer(answer, key: str) -> None:
    """An answer's notice, text, backend, numbered sources and a Markdown download."""
    if answer.notice:
        st.warning(answer.notice)
    st.markdown(answer_text_markdown(answer.answer))
    st.caption(f"Answered by: {answer.backend}" + (f" · as of {answer.as_of}" if answer.as_of else ""))
    render_sources(answer.citations)
    st.download_button("Download (Markdown)", answer_markdown(answer), file_name="answer.md", key=f"download-{key}")


def render_message(message: dict, key: str) -> None:
    with st.chat_message(message["role"]):
        if message["role"] == "user":
            st.markdown(answer_text_markdown(message["content"]))
        else:
            render_answer(message["answer"], key)


def sidebar(assistant) -> tuple[str, date]:
    with st.sidebar:
        st.header("Briefing assistant")
        settings = assistant.settings
        backend = st.selectbox("Answer backend", BACKENDS, index=BACKENDS.index(settings.backend))
        st.caption(f"In use: **{assistant.resolve_backend(backend)}**")
        as_of = st.date_input("As of", value=date.today(), help="Documents dated after this are ignored.")
        try:
            counts = assistant.store.stats()
            st.caption(f"Index: {counts['documents']} documents, {counts['chunks']} chunks")
        except Exception as error:  # a store that cannot open is shown, not raised
            st.error(f"The index could not be opened: {error}")
        if st.button("New conversation"):
            st.session_state.messages = []
    return backend, as_of


def answer_question(assistant, question: str, backend: str, as_of: date) -> dict:
    earlier = st.session_state.messages[:-1]  # the last message is this question
    history = [Turn(m["role"], m["content"]) for m in earlier]
    with st.chat_message("assistant"):
        status, text = st.empty(), st.empty()
        streamed = ""
        answer = None
        for event in assistant.events(question, as_of=as_of, backend=backend, history=history):
            if event.kind == "status":
                status.caption(event.value)
            elif event.kind == "token":
                streamed += event.value
                text.markdown(answer_text_markdown(streamed) + " ▌")
            elif event.kind == "answer":
                answer = event.value
        status.empty()
        text.empty()
        render_answer(answer, str(len(history)))
    return {"role": "assistant", "content": answer.answer, "answer": answer}


def main() -> None:
    st.set_page_config(page_title="Briefing assistant", page_icon="🗂️", layout="wide")
    st.session_state.setdefault("messages", [])
    try:
        assistant = get_assistant()
    except SettingsError as error:
        st.error(f"Settings problem: {error}")
        st.stop()
    backend, as_of = sidebar(assistant)
    st.title("Diplomatic briefing assistant")
    if not st.session_state.messages:
        st.caption(f"Ask about the corpus, e.g. “{SAMPLE_QUESTION}” Every answer cites its sources.")
    for number, message in enumerate(st.session_state.messages):
        render_message(message, str(number))
    question = st.chat_input("Ask a question about the corpus")
    if not question:
        return
    st.session_state.messages.append({"role": "user", "content": question})
    render_message(st.session_state.messages[-1], "new")
    try:
        st.session_state.messages.append(answer_question(assistant, question, backend, as_of))
    except Exception as error:  # never a bare traceback in the UI
        st.error(f"The question could not be answered: {error}. Check the settings in the sidebar and the index.")


main()
