"""The gate in front of every page: OIDC (``st.login``) when ``[auth]`` is in secrets, else a password.

Called before anything else renders; ``st.stop()`` ends the run for a visitor not let in, so no
page, sidebar or index count is ever sent to them.
"""

from __future__ import annotations

import streamlit as st

from rag.access import PasswordGate, configured_password


def secrets() -> dict:
    """Streamlit secrets as a dict ({} when there is no secrets.toml)."""
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets file: access is configured by the environment only
        return {}


@st.cache_resource
def password_gate(password: str) -> PasswordGate:
    """One failure counter per server process: a new browser tab does not reset the delay."""
    return PasswordGate(password)


def gate() -> None:
    """Return only for a visitor who may see the app; otherwise show the login and stop."""
    found = secrets()
    if "auth" in found:
        oidc_gate()
        return
    password = configured_password(found)
    if password is None or st.session_state.get("authenticated"):
        return
    st.title("Briefing assistant")
    with st.form("login"):
        given = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Log in")
    if submitted:
        if password_gate(password).check(given):
            st.session_state.authenticated = True
            st.rerun()
        st.error("Wrong password. Each failed attempt waits longer before the next one.")
    st.stop()


def oidc_gate() -> None:
    if st.user.is_logged_in:
        return
    st.title("Briefing assistant")
    st.caption("Log in with your organisation's account to continue.")
    st.button("Log in", on_click=st.login)
    st.stop()


def log_out_button() -> None:
    """Log out (OIDC or password); explains when access is open."""
    if "auth" in secrets():
        st.caption(f"Logged in as {st.user.get('email') or st.user.get('name') or 'you'} (single sign-on).")
        st.button("Log out", on_click=st.logout)
    elif configured_password(secrets()):
        st.caption("Password protection is on.")
        st.button("Log out", on_click=lambda: st.session_state.update(authenticated=False))
    else:
        st.caption("Access is open (no RAG_APP_PASSWORD and no [auth] in secrets); the app listens on localhost only.")
