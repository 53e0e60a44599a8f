"""Streamlit app for the briefing assistant: the frame around the pages. Rendering only (logic in ``rag``).

Run with ``make run`` (or ``streamlit run app.py``); it listens on 127.0.0.1 by default. Every run:
the access gate (password or single sign-on, when configured), then the page list and sidebar,
then the chosen page (``ui/pages/``, each drawn by a module of ``ui/``).
"""

from __future__ import annotations

import contextlib

import streamlit as st

from rag.settings import SettingsError
from ui.access import gate
from ui.common import get_assistant
from ui.sidebar import sidebar

PAGES = {  # file under ui/pages/ -> (title, icon)
    "chat": ("Chat", ":material/chat:"),
    "briefing": ("Briefing note", ":material/description:"),
    "corpus": ("Corpus", ":material/folder_open:"),
    "timeline": ("Timeline", ":material/timeline:"),
    "conversations": ("Conversations", ":material/history:"),
    "settings": ("Settings", ":material/settings:"),
}


def main() -> None:
    st.set_page_config(page_title="Briefing assistant", page_icon="🗂️", layout="wide")
    gate()  # nothing below runs for a visitor who is not let in
    st.session_state.setdefault("messages", [])
    st.session_state.setdefault("conversation_id", None)
    try:
        assistant = get_assistant()
    except SettingsError as error:
        st.error(f"Settings problem: {error}")
        st.stop()
    with contextlib.suppress(Exception):  # an unreachable store: the page that needs it says so, below
        assistant.refresh_texts()  # pages read document texts: not the old text of a re-indexed one
    pages = {
        name: st.Page(f"ui/pages/{name}.py", title=title, icon=icon, default=name == "chat")
        for name, (title, icon) in PAGES.items()
    }
    current = st.navigation(list(pages.values()))
    goto = st.session_state.pop("goto", None)  # set by buttons: "make this a briefing note", "open"
    if goto in pages:
        st.switch_page(pages[goto])
    sidebar()
    try:
        current.run()
    except Exception as error:  # never a bare traceback in the UI
        st.error(f"Something went wrong: {error}. Check the Settings page and the index (Corpus page).")


main()
