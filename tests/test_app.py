"""The Streamlit chat, driven with Streamlit's AppTest on the extractive backend."""

from pathlib import Path

import pytest
from conftest import SERBIA_QUESTION

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def app(sample_index, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("RAG_DATA_DIR", str(sample_index))
    monkeypatch.setenv("RAG_BACKEND", "extractive")
    st.cache_resource.clear()  # the assistant is cached per process; each test gets its own settings
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    return at


def all_markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_first_screen_shows_index_and_backend(app):
    captions = " ".join(c.value for c in app.sidebar.caption)
    assert "Index: 1 documents, 3 chunks" in captions
    assert "In use: **extractive**" in captions
    assert app.sidebar.selectbox[0].value == "extractive"


def test_asking_the_sample_question_shows_a_cited_answer(app):
    app.chat_input[0].set_value(SERBIA_QUESTION).run()
    assert not app.exception
    text = all_markdown(app)
    assert "alternative energy" in text
    assert "**[1]**" in text and "Trend, 2024\\-12\\-23" in text  # numbered source with outlet and date
    assert "> The importance of cooperation in the field of production and export of alternative energy" in text
    assert any("Answered by: extractive" in c.value for c in app.caption)
    assert len(app.chat_message) == 2


def test_follow_up_question_uses_the_conversation(app):
    app.chat_input[0].set_value("What did Azerbaijan and Serbia discuss about tourism?").run()
    app.chat_input[0].set_value("And about air links?").run()
    assert not app.exception
    assert len(app.chat_message) == 4
    assert "direct air transport communication" in app.chat_message[3].markdown[0].value


def test_unanswerable_question_is_declined_without_sources(app):
    app.chat_input[0].set_value("What did Norway say about fisheries?").run()
    assert "do not answer this question" in all_markdown(app)
    assert not app.expander


def test_a_broken_setting_is_shown_not_raised(monkeypatch, sample_index):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("RAG_TOP_K", "lots")
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert "RAG_TOP_K" in at.error[0].value


def test_answers_show_what_the_verifier_checked(app):
    app.chat_input[0].set_value(SERBIA_QUESTION).run()
    assert any(c.value.startswith("Verifier: ") and "supported" in c.value for c in app.caption)


def test_briefing_mode_writes_a_cited_note_with_downloads(app):
    app.sidebar.radio[0].set_value("Briefing note").run()
    app.text_input(key="brief_topic").set_value("Serbia energy cooperation")
    app.button[0].click().run()  # the form's "Write the note"
    assert not app.exception
    text = all_markdown(app)
    assert "# Briefing note: Serbia energy cooperation" in text and "## Chronology of contacts" in text
    assert "Miloš Vučević" in text and "## Sources" in text
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == ["Markdown", "DOCX", "PDF"]


def test_an_answer_becomes_a_briefing_note_on_request(app):
    app.chat_input[0].set_value(SERBIA_QUESTION).run()
    next(b for b in app.button if b.label == "Make this a briefing note").click().run()
    assert not app.exception
    assert app.sidebar.radio[0].value == "Briefing note"
    assert app.text_input(key="brief_topic").value == SERBIA_QUESTION
