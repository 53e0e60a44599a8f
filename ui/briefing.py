"""The briefing-note page: a note on a topic from the editable template, downloadable as md/docx/pdf."""

from __future__ import annotations

import streamlit as st

from ui.answers import render_checks
from ui.common import assistant, choices, fail

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def page() -> None:
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
        write(topic.strip(), since, until)
    note = st.session_state.get("note")
    if note is not None:
        render_note(note)


def write(topic: str, since, until) -> None:
    from rag.briefing.note import Briefer

    chosen = choices()
    with st.spinner("Finding the sources and writing the note…"):
        try:
            st.session_state.note = Briefer(assistant()).build(topic, since, until, chosen.as_of, chosen.backend)
        except Exception as error:  # never a bare traceback in the UI
            fail("Writing the note", error)


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
    for column, (fmt, mime) in zip(columns[1:], FORMATS.items(), strict=True):
        column.download_button(fmt.upper(), note_file(note, fmt), file_name=f"briefing-note.{fmt}", mime=mime)


def note_file(note, fmt: str) -> bytes:
    import tempfile
    from pathlib import Path

    from rag.briefing.export import export

    with tempfile.TemporaryDirectory() as folder:
        return export(note, fmt, Path(folder) / f"note.{fmt}").read_bytes()
