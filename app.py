"""Streamlit chat for the briefing assistant. Rendering only: all logic lives in ``rag``.

Run with ``make run`` (or ``streamlit run app.py``); it listens on 127.0.0.1 by default.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from rag.answer.base import Turn
from rag.formatting import (
    answer_markdown,
    answer_text_markdown,
    citation_heading,
    escape_markdown,
    quote_block,
    verification_summary,
)
from rag.settings import BACKENDS, SettingsError, load_settings

SAMPLE_QUESTION = "What energy cooperation was discussed with Serbia?"
MODES = ("Chat", "Briefing note")


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


def render_checks(checks) -> None:
    """What the verifier did: a one-line summary, and the removed sentences with the reason."""
    summary = verification_summary(checks)
    if summary:
        st.caption(summary)
    removed = [c for c in checks if c.status == "removed"]
    if removed:
        with st.expander(f"Removed by the verifier ({len(removed)})"):
            for check in removed:
                st.markdown(f"- ~~{escape_markdown(check.sentence)}~~ — {escape_markdown(check.reason)}")


def render_answer(answer, key: str) -> None:
    """An answer's notice, text, backend, numbered sources, verifier report and downloads."""
    if answer.notice:
        st.warning(answer.notice)
    st.markdown(answer_text_markdown(answer.answer))
    st.caption(f"Answered by: {answer.backend}" + (f" · as of {answer.as_of}" if answer.as_of else ""))
    render_checks(answer.checks)
    render_sources(answer.citations)
    left, right = st.columns(2)
    left.download_button("Download (Markdown)", answer_markdown(answer), file_name="answer.md", key=f"download-{key}")
    if answer.citations:
        right.button("Make this a briefing note", key=f"brief-{key}", on_click=to_briefing, args=(answer.question,))


def to_briefing(topic: str) -> None:
    """Button callback (runs before the page is drawn, so it may set the widgets' state)."""
    st.session_state.mode = "Briefing note"
    st.session_state.brief_topic = topic


def render_message(message: dict, key: str) -> None:
    with st.chat_message(message["role"]):
        if message["role"] == "user":
            st.markdown(answer_text_markdown(message["content"]))
        else:
            render_answer(message["answer"], key)


def sidebar(assistant) -> tuple[str, date]:
    with st.sidebar:
        st.header("Briefing assistant")
        st.radio("Mode", MODES, key="mode", horizontal=True)
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


def briefing_page(assistant, backend: str, as_of: date) -> None:
    """A briefing note on a topic: rendered from the editable template, downloadable as md/docx/pdf."""
    st.title("Briefing note")
    with st.form("brief"):
        topic = st.text_input("Topic or question", key="brief_topic", placeholder="e.g. Serbia energy cooperation")
        left, right = st.columns(2)
        since = left.date_input("Since", value=None, help="Only documents dated on or after this day.")
        until = right.date_input("Until", value=None, help="Only documents dated on or before this day.")
        submitted = st.form_submit_button("Write the note")
    if submitted and topic.strip():
        if since and until and since > until:
            st.error("“Since” is after “Until”: swap them or clear one.")
            return
        with st.spinner("Finding the sources and writing the note…"):
            from rag.briefing.note import Briefer

            st.session_state.note = Briefer(assistant).build(topic.strip(), since, until, as_of, backend)
    note = st.session_state.get("note")
    if note is not None:
        render_note(note)


def render_note(note) -> None:
    from rag.briefing.export import note_markdown

    markdown = note_markdown(note)
    if note.notice:
        st.warning(note.notice)
    st.markdown(markdown)
    render_checks(note.checks)
    if note.empty:
        return
    columns = st.columns(3)
    columns[0].download_button("Markdown", markdown, file_name="briefing-note.md", key="note-md")
    for column, fmt, mime in (
        (columns[1], "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (columns[2], "pdf", "application/pdf"),
    ):
        column.download_button(fmt.upper(), note_file(note, fmt), file_name=f"briefing-note.{fmt}", mime=mime)


def note_file(note, fmt: str) -> bytes:
    import tempfile
    from pathlib import Path

    from rag.briefing.export import export

    with tempfile.TemporaryDirectory() as folder:
        return export(note, fmt, Path(folder) / f"note.{fmt}").read_bytes()


def chat_page(assistant, backend: str, as_of: date) -> None:
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


def main() -> None:
    st.set_page_config(page_title="Briefing assistant", page_icon="🗂️", layout="wide")
    st.session_state.setdefault("messages", [])
    st.session_state.setdefault("mode", MODES[0])
    try:
        assistant = get_assistant()
    except SettingsError as error:
        st.error(f"Settings problem: {error}")
        st.stop()
    backend, as_of = sidebar(assistant)
    page = briefing_page if st.session_state.mode == "Briefing note" else chat_page
    try:
        page(assistant, backend, as_of)
    except Exception as error:  # never a bare traceback in the UI
        st.error(f"Something went wrong: {error}. Check the settings in the sidebar and the index.")


main()
