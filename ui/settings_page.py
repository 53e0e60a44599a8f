"""The settings page: this session's model, server, API key and retrieval depth; access status.

The API key is typed into a password field and kept only in this session's memory: it is never
shown again (the page says whether one is set), never saved with conversations, never logged.
"""

from __future__ import annotations

import streamlit as st

from ui.common import get_assistant


def page() -> None:
    st.title("Settings")
    settings = get_assistant().settings
    overrides = st.session_state.get("overrides", {})
    st.caption("The answer backend is chosen in the sidebar. Changes here apply to this browser session only.")
    message = st.session_state.pop("settings_message", None)
    with st.form("settings"):
        st.text_input(
            "Model (OpenAI-compatible)",
            value=overrides.get("openai_model") or settings.openai_model,
            key="settings_model",
        )
        st.text_input(
            "Base URL",
            value=overrides.get("openai_base_url") or settings.openai_base_url or "",
            placeholder="https://api.openai.com/v1, or e.g. http://127.0.0.1:11434/v1 (Ollama)",
            key="settings_base_url",
        )
        st.text_input("API key", type="password", placeholder=key_state(settings, overrides), key="settings_key")
        st.number_input(
            "Retrieval depth (passages per answer)",
            1,
            50,
            value=overrides.get("top_k") or settings.top_k,
            key="settings_top_k",
        )
        st.form_submit_button("Apply", on_click=apply)
    if message:
        getattr(st, message[0])(message[1])
    st.button("Back to the server's settings", on_click=reset, disabled=not overrides)
    access_section()


def key_state(settings, overrides: dict) -> str:
    """Whether a key is set, and where from; never the key itself."""
    if overrides.get("openai_api_key"):
        return "set for this session (type a new one to replace it)"
    return "set in the environment (type one to override)" if settings.openai_api_key else "not set"


def apply() -> None:
    """The form's callback: runs before the page is drawn, so the page shows the new state."""
    from rag.formatting import safe_url

    state = st.session_state
    base_url = state.settings_base_url.strip()
    if base_url and not safe_url(base_url):
        state.settings_message = ("error", "Base URL: give an http(s) address like http://127.0.0.1:8000/v1")
        return
    changed = {"openai_model": state.settings_model.strip(), "openai_base_url": base_url, "top_k": state.settings_top_k}
    changed["openai_api_key"] = state.settings_key or state.get("overrides", {}).get("openai_api_key", "")
    state.settings_key = ""  # the key lives only in the overrides, never in a widget that could redisplay it
    state.overrides = {k: v for k, v in changed.items() if v}
    state.settings_message = ("success", "Applied to this session.")


def reset() -> None:
    st.session_state.overrides = {}


def access_section() -> None:
    from ui.access import log_out_button

    st.subheader("Access")
    log_out_button()
