"""The Streamlit app, driven with Streamlit's AppTest on the extractive backend: every page and the main flows.

Tests that only ask questions share the session's sample index (conversations are saved into a
copy); tests that upload, delete or save write into their own copy of it.
"""

import shutil
from pathlib import Path

import pytest
from conftest import SERBIA_QUESTION

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
QUOTE = "The importance of cooperation in the field of production and export of alternative energy was noted."
ARTICLE = (
    "date 2025-02-10\n# Jordan and Serbia sign a water agreement\n\n"
    "AMMAN, Jordan, February 10. Jordan and Serbia signed an agreement on water management, Petra reports.\n"
)


@pytest.fixture
def data_dir(sample_index, tmp_path):
    """A private copy of the sample index (2 MB at most), so a test may write into it."""
    target = tmp_path / "index"
    shutil.copytree(sample_index, target)
    return target


def start(monkeypatch, data_dir, tmp_path, **env):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RAG_OPENAI_API_KEY", "RAG_OPENAI_BASE_URL", "RAG_APP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RAG_DATA_DIR", str(data_dir))
    monkeypatch.setenv("RAG_BACKEND", "extractive")
    monkeypatch.setenv("RAG_UPLOADS_DIR", str(tmp_path / "corpus" / "uploads"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    st.cache_resource.clear()  # the assistant is cached per process; each test gets its own settings
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    return at


@pytest.fixture
def app(monkeypatch, data_dir, tmp_path):
    return start(monkeypatch, data_dir, tmp_path)


def all_markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def page(at, name: str):
    at.switch_page(f"ui/pages/{name}.py").run()
    assert not at.exception
    return at


def ask(at, question: str = SERBIA_QUESTION):
    at.chat_input[0].set_value(question).run()
    assert not at.exception
    return at


def test_first_screen_shows_index_and_backend(app):
    captions = " ".join(c.value for c in app.sidebar.caption)
    assert "Index: 1 documents, 3 chunks" in captions
    assert "In use: **extractive**" in captions
    assert app.sidebar.selectbox[0].value == "extractive"
    assert "answers quote the sources verbatim" in captions  # the backend's status


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("chat", "Diplomatic briefing assistant"),
        ("briefing", "Briefing note"),
        ("corpus", "Corpus"),
        ("timeline", "Timeline"),
        ("conversations", "Conversations"),
        ("settings", "Settings"),
    ],
)
def test_every_page_renders(app, name, title):
    assert page(app, name).title[0].value == title
    assert not app.error


def test_asking_the_sample_question_shows_a_cited_answer(app):
    ask(app)
    text = all_markdown(app)
    assert "alternative energy" in text
    assert "**[1]**" in text and "Trend, 2024\\-12\\-23" in text  # numbered source with outlet and date
    assert f":orange-background[{QUOTE}]" in text  # the quote, highlighted inside its surrounding text
    assert any("Answered by: extractive" in c.value for c in app.caption)
    assert len(app.chat_message) == 2


def test_a_source_card_shows_the_quote_in_context_and_the_whole_article(app):
    ask(app)
    cards = [m.value for m in app.markdown if f":orange-background[{QUOTE}]" in m.value]
    in_context = next(card for card in cards if len(card) < 1000)
    assert "satisfaction with the current state of cooperation" in in_context  # the sentence before
    assert "Azerbaijan's potential in the field of green energy" in in_context  # …and after
    whole = [e for e in app.expander if e.label == "Whole article"]
    assert whole and "Jeyhun Bayramov met with Serbian Prime Minister" in whole[0].markdown[0].value


def test_an_answer_can_be_downloaded_and_copied_as_markdown(app):
    ask(app)
    assert [b.proto.label for b in app.get("download_button")] == ["Download (Markdown)"]
    assert any("**Sources**" in c.value and QUOTE.split(" in ")[0] in c.value for c in app.code)


def test_follow_up_question_uses_the_conversation(app):
    ask(app, "What did Azerbaijan and Serbia discuss about tourism?")
    ask(app, "And about air links?")
    assert len(app.chat_message) == 4
    assert "direct air transport communication" in app.chat_message[3].markdown[0].value
    understood = [c.value for c in app.chat_message[3].caption if c.value.startswith("Understood as:")]
    assert understood == ["Understood as: Azerbaijan · Serbia — carried over: Azerbaijan, Serbia"]


def test_unanswerable_question_is_declined_with_the_reason_and_the_closest_documents(app):
    ask(app, "What did Norway say about fisheries?")
    shown = all_markdown(app)
    assert "do not answer this question: no document in scope names “Norway”" in shown
    assert "**Closest documents (1)**" in shown and "**Sources" not in shown
    assert any("Understood as: Norway" in c.value for c in app.caption)


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
    ask(app)
    assert any(c.value.startswith("Verifier: ") and "supported" in c.value for c in app.caption)


def test_briefing_page_writes_a_cited_note_with_downloads(app):
    page(app, "briefing")
    app.text_input(key="brief_topic").set_value("Serbia energy cooperation")
    app.button[0].click().run()  # the form's "Write the note"
    assert not app.exception
    text = all_markdown(app)
    assert "# Briefing note: Serbia energy cooperation" in text and "## Chronology of contacts" in text
    assert "Miloš Vučević" in text and "## Sources" in text
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == ["Markdown", "DOCX", "PDF"]


def test_an_answer_becomes_a_briefing_note_on_request(app):
    ask(app)
    next(b for b in app.button if b.label == "Make this a briefing note").click().run()
    assert not app.exception
    assert app.title[0].value == "Briefing note"
    assert app.text_input(key="brief_topic").value == SERBIA_QUESTION


def test_a_stopped_answer_leaves_the_question_and_a_note(app):
    app.session_state["messages"] = [{"role": "user", "content": SERBIA_QUESTION}]
    app.session_state["stopped"] = True  # what the Stop button's callback records before the rerun
    app.run()
    assert not app.exception
    assert len(app.chat_message) == 2
    assert "Stopped before the answer was finished" in app.chat_message[1].markdown[0].value


def test_a_stopped_model_answer_keeps_the_quotes_shown_meanwhile(app, data_dir):
    from rag.assistant import Assistant
    from rag.settings import load_settings

    draft = Assistant(load_settings(data_dir=data_dir)).ask(SERBIA_QUESTION, backend="extractive")
    app.session_state["messages"] = [{"role": "user", "content": SERBIA_QUESTION}]
    app.session_state["draft"] = draft  # what the chat page keeps when the draft is shown
    app.session_state["stopped"] = True
    app.run()
    assert not app.exception
    assert "Stopped before the model finished" in app.chat_message[1].warning[0].value
    assert draft.citations and f"**Sources ({len(draft.citations)})**" in all_markdown(app)
    assert ":orange-background[" in all_markdown(app)  # each source card shows its quote in context


def test_filters_narrow_retrieval(app):
    app.sidebar.text_input(key="filter_counterparts").set_value("Norway").run()
    ask(app)
    assert "No document in the corpus matches the filters \\(naming: Norway\\)" in all_markdown(app)
    app.sidebar.text_input(key="filter_counterparts").set_value("Serbia").run()
    app.sidebar.multiselect(key="filter_outlets").set_value(["Trend"]).run()
    ask(app)
    assert f":orange-background[{QUOTE}]" in all_markdown(app)


def test_a_date_filter_outside_the_corpus_is_reported(app):
    from datetime import date

    app.sidebar.date_input(key="filter_dates").set_value((date(2020, 1, 1), date(2020, 12, 31))).run()
    ask(app)
    assert "No document in the corpus is dated" in all_markdown(app)


def test_conversations_are_saved_listed_renamed_reopened_and_deleted(monkeypatch, data_dir, tmp_path):
    at = start(monkeypatch, data_dir, tmp_path)
    ask(at)
    at = start(monkeypatch, data_dir, tmp_path)  # a restart: a new process cache, a new session
    page(at, "conversations")
    assert at.selectbox(key="conversation_pick").options[0].startswith(SERBIA_QUESTION)
    chosen = at.selectbox(key="conversation_pick").value
    at.text_input(key=f"title-{chosen}").set_value("Serbia energy")
    next(b for b in at.button if b.label == "Rename").click().run()
    assert at.selectbox(key="conversation_pick").options[0].startswith("Serbia energy · 2 messages")
    next(b for b in at.button if b.label == "Open in the chat").click().run()
    assert at.title[0].value == "Diplomatic briefing assistant" and len(at.chat_message) == 2
    assert f":orange-background[{QUOTE}]" in all_markdown(at)  # the sources come back too
    page(at, "conversations")
    at.checkbox(key=f"confirm-{chosen}").check().run()
    next(b for b in at.button if b.label == "Delete").click().run()
    assert "No saved conversations yet" in at.caption[0].value


def test_upload_indexes_the_file_and_lists_it(app, tmp_path):
    page(app, "corpus")
    app.file_uploader[0].upload("jordan-water.md", ARTICLE.encode(), "text/markdown")
    app.button[0].click().run()  # "Add to the corpus"
    assert not app.exception
    assert any("Indexing done: 1 added" in s.value for s in app.success)
    assert "2 documents" in app.caption[0].value
    titles = list(app.dataframe[0].value["title"])
    assert "Jordan and Serbia sign a water agreement" in titles
    assert (tmp_path / "corpus" / "uploads" / "jordan-water.md").is_file()


def test_a_refused_upload_names_the_file_and_what_to_do(app):
    page(app, "corpus")
    app.file_uploader[0].upload("report.pdf", b"not a pdf at all", "application/pdf")
    app.button[0].click().run()
    assert not app.exception
    assert "report.pdf" in app.error[0].value and "export the document as PDF again" in app.error[0].value
    assert "1 documents" in app.caption[0].value


def test_the_document_table_searches_sorts_and_deletes(app, tmp_path):
    page(app, "corpus")
    app.file_uploader[0].upload("jordan-water.md", ARTICLE.encode(), "text/markdown")
    app.button[0].click().run()
    app.text_input(key="corpus_search").set_value("water").run()
    assert list(app.dataframe[0].value["title"]) == ["Jordan and Serbia sign a water agreement"]
    app.text_input(key="corpus_search").set_value("").run()
    app.selectbox(key="corpus_sort").set_value("Oldest first").run()
    assert list(app.dataframe[0].value["date"]) == ["2024-12-23", "2025-02-10"]
    uploaded = tmp_path / "corpus" / "uploads" / "jordan-water.md"
    app.multiselect(key="corpus_delete").set_value([uploaded.resolve().as_posix()])  # the document id: its path
    next(c for c in app.checkbox if c.label.startswith("Yes, remove")).check()
    next(b for b in app.button if b.label == "Delete").click().run()
    assert not app.exception
    assert any(s.value.startswith("Deleted 1") for s in app.success)
    assert "Jordan and Serbia sign a water agreement" not in list(app.dataframe[0].value["title"])
    assert not uploaded.exists()  # an uploaded file goes too, or re-indexing would bring it back
    ask(page(app, "chat"), "What water agreement did Jordan and Serbia sign?")
    assert "do not answer this question" in all_markdown(app)  # gone from both indexes


def test_timeline_plots_the_documents_naming_a_counterpart(app):
    page(app, "timeline")
    app.text_input(key="timeline_topic").set_value("Serbia").run()
    assert not app.exception
    assert "1 documents in 1 months" in app.main.caption[0].value
    chart = app.get("vega_lite_chart")[0].proto
    assert '"tooltip"' in chart.spec and '"field": "title"' in chart.spec and "pick" in chart.selection_mode
    app.selectbox(key="timeline_open").select_index(1).run()  # open the document (as a click on its point does)
    assert "Jeyhun Bayramov met with Serbian Prime Minister" in all_markdown(app)
    app.text_input(key="timeline_topic").set_value("Norway").run()
    assert "No dated document names" in app.info[0].value


def test_settings_apply_to_the_session_and_never_show_the_key(app):
    page(app, "settings")
    app.text_input(key="settings_key").input("sk-test-secret-123")
    app.number_input(key="settings_top_k").set_value(3)
    next(b for b in app.button if b.label == "Apply").click().run()
    assert not app.exception
    assert app.session_state["overrides"]["top_k"] == 3
    assert app.text_input(key="settings_key").value == ""  # not kept in the field, never shown again
    shown = all_markdown(app) + " ".join(c.value for c in app.caption) + " ".join(s.value for s in app.success)
    assert "sk-test-secret-123" not in shown and "Applied to this session" in shown
    assert "set for this session" in app.text_input(key="settings_key").placeholder
    app.switch_page("ui/pages/chat.py").run()
    ask(app)  # answers still work with the session's settings (depth 3)
    assert "alternative energy" in all_markdown(app)
    session = app.session_state["session_assistant"][2]
    assert session.settings.top_k == 3 and session.settings.openai_api_key.get_secret_value() == "sk-test-secret-123"
    assert "sk-test-secret-123" not in repr(session.settings)


def test_a_password_hides_everything_until_it_is_given(monkeypatch, data_dir, tmp_path):
    at = start(monkeypatch, data_dir, tmp_path, RAG_APP_PASSWORD="correct horse")
    assert not at.sidebar.caption and not at.chat_input and at.text_input[0].label == "Password"
    at.text_input[0].input("wrong")
    at.button[0].click().run()
    assert "Wrong password" in at.error[0].value and not at.chat_input
    at.text_input[0].input("correct horse")
    at.button[0].click().run()
    assert not at.exception
    assert at.chat_input and "Index: 1 documents, 3 chunks" in " ".join(c.value for c in at.sidebar.caption)


def test_single_sign_on_is_required_when_configured(app):
    app.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    app.user = {"is_logged_in": False}
    app.run()
    assert not app.exception
    assert [b.label for b in app.button] == ["Log in"] and not app.chat_input
    app.user = {"is_logged_in": True, "email": "officer@example.org"}
    app.run()
    assert app.chat_input


def test_a_click_on_the_timeline_selects_its_document():
    from ui.timeline import selected

    assert selected({"selection": {"pick": [{"doc_id": "corpus/a.txt"}]}}) == "corpus/a.txt"
    assert selected({"selection": {"pick": []}}) is None and selected(None) is None
