"""One answer on screen: notice, text, verifier report, source cards, copy/download, "make a note"."""

from __future__ import annotations

import streamlit as st

from rag.formatting import (
    answer_markdown,
    answer_text_markdown,
    citation_heading,
    document_heading,
    escape_markdown,
    highlighted,
    opening_words,
    quote_block,
    quote_in_context,
    verification_summary,
)
from ui.common import assistant


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


def source_card(citation) -> None:
    """Title (linked), outlet, date; the quote highlighted in its surrounding text; the whole article."""
    text = assistant().document_text(citation.doc_id)
    in_place = bool(text) and text[citation.start : citation.end] == citation.quote
    with st.container(border=True):
        st.markdown(citation_heading(citation))
        if not in_place:  # the document was deleted or changed since: show the quote alone
            st.markdown(quote_block(citation.quote))
            return
        st.markdown(quote_in_context(text, citation.start, citation.end))
        with st.expander("Whole article"):
            st.markdown(highlighted(text, citation.start, citation.end))


def render_sources(citations) -> None:
    if not citations:
        return
    st.markdown(f"**Sources ({len(citations)})**")
    for citation in citations:
        source_card(citation)


def render_draft(answer, backend: str) -> None:
    """The extractive answer shown while a model writes: sources in a fraction of a second.

    No buttons: the final answer replaces this in the same run and brings its own.
    """
    st.caption(f"Quoted from the sources while the {backend} model writes; its checked answer replaces this.")
    st.markdown(answer_text_markdown(answer.answer))
    render_sources(answer.citations)


def closest_card(card: dict) -> None:
    """A document that came closest to a declined or partly answered question: heading, opening, whole text."""
    text = assistant().document_text(card["doc_id"])
    with st.container(border=True):
        st.markdown(document_heading(card["title"] or card["doc_id"], card["url"], card["source"], card["date"]))
        if text:
            st.markdown(quote_block(opening_words(text)))
            with st.expander("Whole article"):
                st.markdown(escape_markdown(text))


def render_closest(decision) -> None:
    """For a decline or a partial answer: the closest documents, so the official can check or rephrase."""
    if decision is None or decision.outcome == "answer" or not decision.closest:
        return
    label = "Closest documents" if decision.outcome == "decline" else "Also close to the question"
    st.markdown(f"**{label} ({len(decision.closest)})**")
    for card in decision.closest:
        closest_card(card)


def render_answer(answer, key: str) -> None:
    """An answer's understood question, notice, text, backend, verifier report, numbered sources
    (or, for a decline, the closest documents) and actions."""
    if answer.understood:
        st.caption(answer.understood)
    if answer.notice:
        st.warning(answer.notice)
    st.markdown(answer_text_markdown(answer.answer))
    st.caption(f"Answered by: {answer.backend}" + (f" · as of {answer.as_of}" if answer.as_of else ""))
    render_checks(answer.checks)
    render_sources(answer.citations)
    render_closest(answer.decision)
    markdown = answer_markdown(answer)
    left, middle, right = st.columns(3)
    left.download_button("Download (Markdown)", markdown, file_name="answer.md", key=f"download-{key}")
    with middle.popover("Copy (Markdown)"):
        st.code(markdown, language="markdown")  # the code block's copy button copies it verbatim
    if answer.citations:
        right.button("Make this a briefing note", key=f"brief-{key}", on_click=to_briefing, args=(answer.question,))


def to_briefing(topic: str) -> None:
    """Button callback (runs before the page is drawn, so it may set the note page's topic)."""
    st.session_state.brief_topic = topic
    st.session_state.goto = "briefing"


def render_message(message: dict, key: str) -> None:
    with st.chat_message(message["role"]):
        if message.get("answer") is not None:
            render_answer(message["answer"], key)
        else:
            st.markdown(answer_text_markdown(message["content"]))
