"""The conversations page: saved chats (in the data folder) listed, opened, renamed, deleted."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from ui.common import conversations, fail


def label(saved) -> str:
    when = datetime.fromtimestamp(saved.updated).strftime("%Y-%m-%d %H:%M")
    return f"{saved.title} · {saved.messages} messages · {when}"


def page() -> None:
    st.title("Conversations")
    book = conversations()
    saved = {s.id: s for s in book.list()}
    if not saved:
        st.caption("No saved conversations yet: every chat is saved here as you ask.")
        return
    chosen = st.selectbox("Conversation", list(saved), format_func=lambda i: label(saved[i]), key="conversation_pick")
    left, middle, right = st.columns(3)
    left.button("Open in the chat", on_click=open_conversation, args=(chosen,))
    title = middle.text_input("New title", value=saved[chosen].title, key=f"title-{chosen}")
    if middle.button("Rename"):
        try:
            book.rename(chosen, title)
            st.rerun()
        except ValueError as error:
            st.error(str(error))
    confirmed = right.checkbox("Yes, delete it", key=f"confirm-{chosen}")
    if right.button("Delete", disabled=not confirmed):
        book.delete(chosen)
        if st.session_state.get("conversation_id") == chosen:
            st.session_state.conversation_id, st.session_state.messages = None, []
        st.rerun()


def open_conversation(conversation: int) -> None:
    """Button callback: load the messages into this session and go to the chat."""
    try:
        st.session_state.messages = conversations().load(conversation)
        st.session_state.conversation_id = conversation
        st.session_state.goto = "chat"
    except Exception as error:  # a damaged file is reported, not raised
        fail("Opening the conversation", error)
