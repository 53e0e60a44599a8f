"""One Assistant shared by threads (as the Streamlit server shares it between sessions)."""

from __future__ import annotations

import random
import sys
import threading

from rag.assistant import Assistant


class Store:
    """Only what ``document_text`` needs: every document exists."""

    def document(self, doc_id: str):
        return f"text of {doc_id}", {}


def test_document_texts_are_safe_to_read_from_many_threads(settings):
    """More documents than the text cache holds: evictions by one thread never fail another's read."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so an unguarded check-then-read is caught
    assistant = Assistant(settings, store=Store(), embeddings=object())
    errors = []

    def read(seed: int):
        rng = random.Random(seed)
        for _ in range(20_000):
            doc_id = f"d{rng.randrange(400)}"
            try:
                assert assistant.document_text(doc_id) == f"text of {doc_id}"
            except Exception as error:  # collected: an exception in a thread would go unseen
                errors.append(repr(error))
                return

    try:
        threads = [threading.Thread(target=read, args=(seed,)) for seed in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []


def test_two_chat_models_over_one_local_model_never_run_it_at_once(monkeypatch, tmp_path):
    """The writer asked together and the one asked by source are two chat-model objects over the
    one ``Llama`` of the process (the UI's sessions can hold either while an upload moves the
    archive past the threshold); llama.cpp contexts are not safe to share between threads."""
    import time

    from langchain_core.messages import HumanMessage

    from rag.answer import local_llm

    class Llama:
        running = peak = 0

        def create_chat_completion(self, messages, max_tokens, temperature, stop, stream):
            Llama.running += 1
            Llama.peak = max(Llama.peak, Llama.running)
            time.sleep(0.05)
            Llama.running -= 1
            return {"choices": [{"message": {"content": "ok"}}]}

    path = tmp_path / "model.gguf"
    monkeypatch.setitem(local_llm._LOADED, (str(path), 2048, 2), Llama())
    models = [local_llm.LlamaCppChatModel(model_path=path) for _ in range(2)]
    threads = [threading.Thread(target=m.invoke, args=([HumanMessage("hi")],)) for m in models * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Llama.peak == 1
