"""The chat page: questions, streamed answers with a Stop button, saved as a conversation."""

from __future__ import annotations

import streamlit as st

from rag.answer.base import Turn
from rag.formatting import answer_text_markdown
from ui.answers import render_answer, render_draft, render_message
from ui.common import assistant, choices, conversations, fail

SAMPLE_QUESTION = "What energy cooperation was discussed with Serbia?"
STOPPED = "Stopped before the answer was finished (nothing unchecked is shown). Ask again to get the whole answer."
STOPPED_WITH_DRAFT = "Stopped before the model finished: this is the answer quoted from the sources."
# The first call's words stream before any check; in 19 of 77 evaluation answers a streamed
# sentence was then removed or reworded by the verifier (docs/benchmarks.md, "Twelfth session").
UNCHECKED = "Being written by the {backend} model, not yet checked against the sources: the checked answer replaces it."


def stop() -> None:
    """The "Stop answering" button's callback: the rerun it causes ends the stream; this records why."""
    st.session_state.stopped = True


def record_stop() -> None:
    """After Stop: the question stays in the conversation, followed by the checked quotes shown
    while the model wrote (if they were on screen) or a note instead of an answer."""
    messages, draft = st.session_state.messages, st.session_state.pop("draft", None)
    if st.session_state.pop("stopped", False) and messages and messages[-1]["role"] == "user":
        if draft is not None and draft.question == messages[-1]["content"]:
            draft.notice = STOPPED_WITH_DRAFT
            messages.append({"role": "assistant", "content": draft.answer, "answer": draft})
        else:
            messages.append({"role": "assistant", "content": STOPPED})
        save()


def answer_question(question: str) -> dict:
    chosen, helper = choices(), assistant()
    earlier = st.session_state.messages[:-1]  # the last message is this question
    history = [Turn(m["role"], m["content"]) for m in earlier]
    with st.chat_message("assistant"):
        status, draft, text = st.empty(), st.empty(), st.empty()  # the model's text streams below the sources
        stopper = st.empty()
        stopper.button("Stop answering", key="stop", on_click=stop, help="Stop writing this answer")
        streamed, answer = "", None
        backend = helper.resolve_backend(chosen.backend)
        events = helper.events(question, chosen.as_of, chosen.backend, history, chosen.filters)
        for event in events:
            if event.kind == "status":
                status.caption(event.value)
            elif event.kind == "draft":
                st.session_state.draft = event.value  # kept if Stop ends the model's answer
                with draft.container():
                    render_draft(event.value, backend)
            elif event.kind == "token":
                streamed += event.value
                with text.container():
                    st.caption(UNCHECKED.format(backend=backend))
                    st.markdown(answer_text_markdown(streamed) + " ▌")
            elif event.kind == "answer":
                answer = event.value
        for placeholder in (status, text, draft, stopper):
            placeholder.empty()
        st.session_state.pop("draft", None)
        render_answer(answer, str(len(history)))
    return {"role": "assistant", "content": answer.answer, "answer": answer}


def save() -> None:
    """Every exchange is saved at once, so a closed tab or a restart loses nothing."""
    try:
        state = st.session_state
        state.conversation_id = conversations().save(state.get("conversation_id"), state.messages)
    except Exception as error:  # the answer is still shown; only saving failed
        fail("Saving the conversation", error)


def new_conversation() -> None:
    st.session_state.messages = []
    st.session_state.conversation_id = None


def page() -> None:
    st.title("Diplomatic briefing assistant")
    st.sidebar.button("New conversation", on_click=new_conversation)
    record_stop()
    messages = st.session_state.messages
    if not messages:
        st.caption(f"Ask about the corpus, e.g. “{SAMPLE_QUESTION}” Every answer cites its sources.")
    for number, message in enumerate(messages):
        render_message(message, str(number))
    question = st.chat_input("Ask a question about the corpus")
    if not question:
        return
    messages.append({"role": "user", "content": question})
    render_message(messages[-1], "new")
    try:
        messages.append(answer_question(question))
    except Exception as error:  # never a bare traceback in the UI
        messages.pop()
        fail("Answering the question", error)
        return
    save()
