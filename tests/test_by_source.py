"""The local model asked source by source (``RAG_LOCAL_WRITING=by-source``), with fake chat models."""

import pytest
from conftest import SERBIA_QUESTION
from fakes import recording_chat

from rag.answer.base import refusal_text
from rag.answer.by_source import BySourceWriter
from rag.answer.passages import Passage
from rag.assistant import Assistant
from rag.factory import make_writer
from rag.settings import SettingsError, load_settings

DOCUMENTS = {
    "d1": "Leaders met in Belgrade. They agreed to build a gas interconnector by 2027. Tourism came up too.",
    "d2": "The ministers spoke by phone. They discussed renewable energy and a joint solar plant.",
    "d3": "A statement followed. It welcomed the gas interconnector agreement.",
}


def passage(doc_id: str, sentence: int, score: float) -> Passage:
    """The ``sentence``-th sentence of a document as a ranked passage."""
    text = DOCUMENTS[doc_id]
    starts = [0] + [i + 2 for i, c in enumerate(text) if c == "." and i + 2 < len(text)]
    start = starts[sentence]
    end = text.index(".", start) + 1
    return Passage(doc_id, start, end, text[start:end], title=f"Readout {doc_id}", source="MFA", score=score)


def sentence_in(texts: dict, doc_id: str, sentence: str, score: float, title: str) -> Passage:
    """``sentence`` of ``texts[doc_id]`` as a ranked passage, at its offsets."""
    start = texts[doc_id].index(sentence)
    return Passage(doc_id, start, start + len(sentence), sentence, title=title, source="MFA", score=score)


RANKED = [passage("d1", 1, 0.9), passage("d2", 1, 0.8), passage("d3", 1, 0.7)]
GAS = "What was agreed on gas?"  # a topic: names no one, so every document may answer it


def writer(*replies: str, first_chars: int = 400, max_chars: int = 1100) -> tuple[BySourceWriter, object]:
    chat = recording_chat(*replies)
    return BySourceWriter(chat, "local", max_chars=max_chars, first_chars=first_chars), chat


def test_each_source_gets_its_own_call_best_first_with_the_question_before_it():
    """The calls share the system prompt and the question: llama.cpp reads only the next source."""
    by_source, chat = writer("Gas was discussed [2].", "Solar power was discussed [1].", "A deal was welcomed")
    sources = by_source.sources(GAS, RANKED, DOCUMENTS.get)
    assert [s.doc_id for s in sources] == ["d1", "d2", "d3"]
    text = "".join(by_source.stream(GAS, sources, []))
    # Each call saw one source, so its sentences cite that source, whatever number the model wrote.
    assert text == "Gas was discussed [1].\n\nSolar power was discussed [2].\n\nA deal was welcomed [3]."
    assert len(chat.sent) == 3
    systems = {messages[0].content for messages in chat.sent}
    users = [messages[1].content for messages in chat.sent]
    assert len(systems) == 1 and "one numbered source" in systems.pop()
    for n, (user, source) in enumerate(zip(users, sources, strict=True), start=1):
        assert user.startswith("Question: What was agreed on gas?\n\nSource [")
        assert f"Source [{n}] Readout {source.doc_id} (MFA, undated)\n{source.text}" in user
        assert all(other.text not in user for other in sources if other is not source)


def test_a_silent_source_adds_nothing_and_a_repeated_point_is_dropped():
    by_source, _ = writer(
        "They agreed to build a gas interconnector by 2027 [1].",
        "NONE",
        "They agreed to build the gas interconnector by 2027 [3]. The statement welcomed the agreement [3].",
    )
    text = "".join(by_source.stream(GAS, by_source.sources(GAS, RANKED, DOCUMENTS.get), []))
    assert text == "They agreed to build a gas interconnector by 2027 [1].\n\nThe statement welcomed the agreement [3]."


def test_a_reply_that_starts_repeating_itself_is_cut_there_and_the_next_source_is_asked():
    """The small model looped on one sentence to its token limit (35 s to the checked answer)."""
    loop = "They agreed to build a gas interconnector [1]. It will be finished by 2027 [1]. "
    loop += "They agreed to build the gas interconnector [1]. " * 6
    by_source, chat = writer(loop + "Tourism came up too [1].", "Solar power was discussed [1].", "NONE")
    text = "".join(by_source.stream(GAS, by_source.sources(GAS, RANKED, DOCUMENTS.get), []))
    first, second = text.split("\n\n")
    assert first.startswith("They agreed to build a gas interconnector [1]. It will be finished by 2027 [1].")
    assert first.count("gas interconnector") == 2 and "Tourism" not in first  # stopped at the first repeat
    assert second == "Solar power was discussed [2]."
    assert len(chat.sent) == 3


def test_the_refusal_is_the_answer_only_when_every_source_is_silent():
    by_source, _ = writer("NONE", "NONE.", refusal_text())
    pieces = list(by_source.stream(GAS, by_source.sources(GAS, RANKED, DOCUMENTS.get), []))
    assert "".join(pieces) == refusal_text()


def test_the_first_source_is_bounded_and_the_rest_share_the_budget():
    """What the first token waits on is one short passage; what follows it and the others come after."""
    by_source, _ = writer(first_chars=60, max_chars=160)
    sources = by_source.sources(GAS, RANKED, DOCUMENTS.get)
    assert [s.text for s in sources] == [
        "They agreed to build a gas interconnector by 2027.",  # too long with its neighbours
        "Tourism came up too.",  # what followed it, next (not the byline-like sentence before)
        DOCUMENTS["d2"],  # the next best, widened by its neighbour; no room left for d3
    ]
    assert sum(len(s.text) for s in sources) <= 160
    assert all(DOCUMENTS[s.doc_id][s.start : s.end] == s.text for s in sources)  # offsets stay true


CALL = (
    "Office of the Spokesperson. Secretary Blinken spoke today with Botswana President Masisi about health. "
    "The Secretary noted the critical role that Botswana plays in the region. They discussed food security."
)
CONTACTS = {
    "call": (CALL, "Call with Botswana President Masisi"),
    "meeting": ("Secretary Blinken praised Botswana's elections.", "Meeting with Botswana's Foreign Minister"),
    "ruto": ("President Biden spoke with President Ruto about trade.", "Call with Kenyan President Ruto"),
}


def contact(doc_id: str, sentence: str, score: float) -> Passage:
    text, title = CONTACTS[doc_id]
    start = text.index(sentence)
    return Passage(doc_id, start, start + len(sentence), sentence, title=title, source="MFA", score=score)


def test_a_question_about_a_contact_reads_that_contacts_readouts_knowing_who_speaks():
    """Asked about one passage at a time, the model presented another meeting as the call asked
    about, and "The Secretary noted" as the counterpart's words (docs/benchmarks.md)."""
    ranked = [
        contact("call", "The Secretary noted the critical role that Botswana plays in the region.", 0.9),
        contact("meeting", "Secretary Blinken praised Botswana's elections.", 0.85),
        contact("ruto", "President Biden spoke with President Ruto about trade.", 0.8),
        contact("call", "They discussed food security.", 0.7),
    ]
    by_source, chat = writer(
        "Call with Botswana President Masisi (MFA, undated) The Secretary noted Botswana's critical role [1].",
        "They discussed food security [2].",
        first_chars=80,
    )
    question = "What did the Secretary discuss with Botswana's President Masisi?"
    sources = by_source.sources(question, ranked, lambda doc_id: CONTACTS[doc_id][0])
    assert [s.doc_id for s in sources] == ["call", "call"]  # not the other Botswana meeting, nor Kenya
    text = "".join(by_source.stream(question, sources, []))
    assert text == "The Secretary noted Botswana's critical role [1].\n\nThey discussed food security [2]."
    first, later = (messages[1].content for messages in chat.sent)
    opening = "Secretary Blinken spoke today with Botswana President Masisi about health."
    assert "the document opens" not in first  # what the first token waits on stays one passage
    assert f'the document opens "{opening}"' in later and later.endswith("They discussed food security.")
    # A contact the question also asks about is read too.
    both = "What did the Secretary discuss with Botswana's President Masisi and Kenya's President Ruto?"
    assert [s.doc_id for s in by_source.sources(both, ranked, lambda d: CONTACTS[d][0])] == ["call", "call", "ruto"]


def test_an_opening_that_only_says_who_spoke_with_whom_is_context_not_a_source():
    """Asked what such a sentence says about the talks, the model invented topics."""
    text = (
        "Office of the Spokesperson. Secretary Blinken spoke today with Sri Lankan Prime Minister Ranil Wickremesinghe."
        " The Secretary and the Prime Minister discussed economic challenges."
        " The Secretary affirmed support for reforms."
    )
    title = "Call with Sri Lankan Prime Minister Wickremesinghe"

    def ranked_sentence(sentence: str, score: float) -> Passage:
        return sentence_in({"sl": text}, "sl", sentence, score, title)

    ranked = [
        ranked_sentence("The Secretary and the Prime Minister discussed economic challenges.", 0.9),
        ranked_sentence("Secretary Blinken spoke today with Sri Lankan Prime Minister Ranil Wickremesinghe.", 0.85),
        ranked_sentence("The Secretary affirmed support for reforms.", 0.7),
    ]
    by_source, _ = writer(first_chars=70)
    question = "What did the Secretary and Sri Lanka's Prime Minister Wickremesinghe discuss?"
    sources = by_source.sources(question, ranked, {"sl": text}.get)
    assert [s.text for s in sources] == [ranked[0].text, ranked[2].text]
    assert sources[1].opening == ranked[1].text


def test_a_best_passage_that_only_says_who_met_whom_gives_way_to_its_documents_next_one():
    """Asked about "President Trump held a call with King Hamad of Bahrain." alone, the model wrote
    "King Hamad discussed the ongoing conflict in Yemen", streamed before any check; the call was
    about the Abraham Accords (docs/benchmarks.md, "Twelfth session"). The document stays first:
    the next best passage overall was another leader's call."""
    bahrain = (
        "Today, President Trump held a call with King Hamad of Bahrain. King Hamad congratulated the President. "
        "The two leaders discussed the Abraham Accords."
    )
    saudi = "President Trump held a call with Crown Prince Mohammed bin Salman. They discussed Yemen."
    texts = {"bh": bahrain, "sa": saudi}

    def ranked_sentence(doc_id: str, sentence: str, score: float) -> Passage:
        return sentence_in(texts, doc_id, sentence, score, f"Call {doc_id}")

    ranked = [
        ranked_sentence("bh", "Today, President Trump held a call with King Hamad of Bahrain.", 0.9),
        ranked_sentence("sa", "They discussed Yemen.", 0.8),
        ranked_sentence("bh", "The two leaders discussed the Abraham Accords.", 0.7),
    ]
    by_source, _ = writer(first_chars=60)
    sources = by_source.sources("What did President Trump discuss with King Hamad?", ranked, texts.get)
    assert sources[0].text == "The two leaders discussed the Abraham Accords."
    assert "King Hamad of Bahrain." not in sources[0].text
    # With room for its neighbours, the opening is read beside the passage that says something.
    wide, _ = writer(first_chars=400)
    first = wide.sources("What did President Trump discuss with King Hamad?", ranked, texts.get)[0]
    assert first.doc_id == "bh" and first.text.endswith("Abraham Accords.")
    # An opening with nothing else of its document ranked stays: there is nothing better to ask about.
    alone = by_source.sources("What did President Trump discuss with King Hamad?", ranked[:1], texts.get)
    assert alone[0].text == ranked[0].text


def test_a_bound_on_the_first_message_counts_the_question_and_title_and_keeps_a_neighbour_if_it_can():
    """The first token waits on the question and the title line as much as on the source."""
    from rag.answer.by_source import title_line

    text = DOCUMENTS["d1"]
    unbounded, _ = writer()
    assert unbounded.sources(GAS, RANKED, DOCUMENTS.get)[0].text == text  # a neighbour on each side
    bounded, _ = writer()
    bounded.first_message_chars = len(GAS) + len(title_line(RANKED[0])) + 75
    first = bounded.sources(GAS, RANKED, DOCUMENTS.get)[0]
    assert first.text == "They agreed to build a gas interconnector by 2027. Tourism came up too."  # the next one only
    assert len(GAS) + len(title_line(first)) + len(first.text) <= bounded.first_message_chars
    bounded.first_message_chars = 10  # no room at all: still the best sentence, whole
    assert bounded.sources(GAS, RANKED, DOCUMENTS.get)[0].text == RANKED[0].text


def test_a_bound_on_the_first_message_never_lengthens_the_first_source():
    """Where ``first_chars`` leaves the best sentence alone, a roomy bound adds no neighbour to it:
    a longer first prompt is a later first token."""
    best = RANKED[0].text
    unbounded, _ = writer(first_chars=len(best) + 25)  # both neighbours do not fit, the next one would
    assert unbounded.sources(GAS, RANKED, DOCUMENTS.get)[0].text == best
    bounded, _ = writer(first_chars=len(best) + 25)
    bounded.first_message_chars = 1000
    assert bounded.sources(GAS, RANKED, DOCUMENTS.get)[0].text == best  # "Tourism came up too." fits, unasked


def test_the_setting_chooses_the_writer_and_a_wrong_value_names_it(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    together = make_writer(load_settings(), "local", chat_model=recording_chat("x"))  # auto, no archive size: together
    assert not isinstance(together, BySourceWriter) and together.max_chars == 900
    monkeypatch.setenv("RAG_LOCAL_WRITING", "by-source")
    by_source = make_writer(load_settings(), "local", chat_model=recording_chat("x"))
    assert isinstance(by_source, BySourceWriter) and (by_source.max_chars, by_source.first_chars) == (1100, 400)
    assert by_source.first_message_chars == 540  # the first token's wait is bounded by default
    monkeypatch.setenv("RAG_LOCAL_SOURCE_CHARS", "1300")
    assert make_writer(load_settings(), "local", chat_model=recording_chat("x")).max_chars == 1300
    monkeypatch.setenv("RAG_LOCAL_FIRST_MESSAGE_CHARS", "600")
    assert make_writer(load_settings(), "local", chat_model=recording_chat("x")).first_message_chars == 600
    monkeypatch.setenv("RAG_LOCAL_FIRST_MESSAGE_CHARS", "0")  # off: only RAG_LOCAL_FIRST_CHARS bounds it
    assert make_writer(load_settings(), "local", chat_model=recording_chat("x")).first_message_chars is None
    monkeypatch.setenv("RAG_LOCAL_WRITING", "sometimes")
    with pytest.raises(SettingsError, match="RAG_LOCAL_WRITING"):
        load_settings()


def test_by_source_answers_are_checked_and_cited_in_the_product_path(sample_index, embeddings, monkeypatch):
    monkeypatch.setenv("RAG_LOCAL_WRITING", "by-source")
    chat = recording_chat(
        "The importance of cooperation in the field of production and export of alternative energy was noted [1]. "
        "Serbia criticised the energy policy of Azerbaijan harshly [1].",  # weakly supported: padding
        *["NONE"] * 3,
    )
    settings = load_settings(data_dir=sample_index, backend="auto")
    events = list(Assistant(settings, embeddings=embeddings, chat_models={"local": chat}).events(SERBIA_QUESTION))
    kinds = [e.kind for e in events]
    assert kinds.index("draft") < kinds.index("token")
    assert chat.sent and all(m[1].content.startswith("Question: ") for m in chat.sent)  # asked source by source
    answer = events[-1].value
    assert answer.backend == "local" and "alternative energy" in answer.answer
    # Shown flagged by the other writers, an unverified sentence is dropped here (mostly invented).
    assert "criticised" not in answer.answer and "(unverified)" not in answer.answer
    assert [c.reason.split(":")[0] for c in answer.checks if "criticised" in c.sentence] == ["unverified"]
    assert [c.date for c in answer.citations] == ["2024-12-23"]


READOUT = (
    "Office of the Spokesperson\n\nThe below is attributable to Spokesperson Ned Price:\n\n"
    "Secretary Blinken spoke today with Swiss President Cassis about the humanitarian situation in Afghanistan. "
    "They discussed support for Ukraine. The Secretary thanked Switzerland."
)


def readout_passage(sentence: str, score: float) -> Passage:
    start = READOUT.index(sentence)
    return Passage("r", start, start + len(sentence), sentence, title="Call with President Cassis", score=score)


def test_header_lines_are_neither_a_source_nor_part_of_the_first():
    """Asked about "Office of the Spokesperson" alone, the model is called for nothing; "The below
    is attributable to …" before the opening is half a second of the first token's wait."""
    ranked = [
        readout_passage(READOUT[READOUT.index("Secretary") : READOUT.index(" They")], 0.9),  # the opening
        readout_passage("Office of the Spokesperson", 0.8),
        readout_passage("The below is attributable to Spokesperson Ned Price:", 0.75),
        readout_passage("The Secretary thanked Switzerland.", 0.7),
    ]
    by_source, _ = writer()
    sources = by_source.sources("What did the Secretary discuss with President Cassis?", ranked, {"r": READOUT}.get)
    assert sources[0].text.startswith("Secretary Blinken spoke today") and "Spokesperson" not in sources[0].text
    assert sources[0].text.endswith("They discussed support for Ukraine.")  # the neighbour after it is kept
    assert all("Spokesperson" not in s.text for s in sources)
    assert all(READOUT[s.start : s.end] == s.text for s in sources)  # offsets stay true
