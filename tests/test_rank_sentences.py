"""Sentences are ranked with each distinct text embedded once: copies of a readout (republished
under another id) score exactly as the original and cost nothing more to rank."""

from rag.answer.passages import rank_sentences
from rag.store import Hit

READOUT = (
    "Secretary Blinken spoke with Foreign Secretary Truss about Ukraine. "
    "They discussed energy security in Europe and support for Kyiv."
)


class CountingEmbeddings:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, inner):
        self.inner, self.texts = inner, []
        self.name = inner.name  # an index built with the real embedder accepts it

    def embed_documents(self, texts):
        self.texts += list(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        self.texts.append(text)
        return self.inner.embed_query(text)


def hit(doc_id: str) -> Hit:
    return Hit(f"{doc_id}:0", READOUT, {"doc_id": doc_id, "start": 0, "title": "Call with Truss"}, 0.8)


def test_copies_of_a_readout_rank_alike_and_are_embedded_once(embeddings):
    counting = CountingEmbeddings(embeddings)
    question = "What was said about energy security in Europe?"
    ranked = rank_sentences(question, [hit("a"), hit("a~1"), hit("a~2")], counting)
    assert len(ranked) == 6  # two sentences from each of the three documents
    assert {p.doc_id for p in ranked[:3]} == {"a", "a~1", "a~2"}  # the energy sentence, in every copy
    assert len({p.score for p in ranked[:3]}) == 1 and "energy" in ranked[0].text
    assert len(counting.texts) == 3 == len(set(counting.texts))  # the question and the two sentences, once each


def test_sentences_of_documents_that_cannot_answer_are_not_embedded(embeddings):
    """Embedding sentences is most of the first second of an answer: a readout about another
    counterpart is dropped before its sentences are embedded, and the ranking is unchanged."""
    from rag.answer.passages import answering_sentences

    other = "Secretary Blinken spoke with Foreign Minister Wang Yi about trade. They discussed export controls."
    hits = [hit("a"), Hit("b:0", other, {"doc_id": "b", "start": 0, "title": "Call with Wang Yi"}, 0.7)]
    texts = {"a": READOUT, "b": other}
    question = "What was discussed with Truss about Ukraine?"
    counting = CountingEmbeddings(embeddings)
    ranked = answering_sentences(question, hits, counting, texts.__getitem__)
    assert {p.doc_id for p in ranked} == {"a"}
    assert not any("Wang Yi" in t or "export" in t for t in counting.texts)  # b's sentences never embedded
    everything = rank_sentences(question, hits, embeddings)
    assert [(p.start, p.score) for p in ranked] == [(p.start, p.score) for p in everything if p.doc_id == "a"]


def test_a_follow_up_over_the_same_documents_embeds_only_what_is_new(embeddings):
    """A follow-up question reads the same readouts again: their sentences' vectors are kept
    (bounded), so only the new question is embedded, and the sentences score exactly as before."""
    from rag.memo import Lru

    counting, memory = CountingEmbeddings(embeddings), Lru(100)
    rank_sentences("What was said about energy security in Europe?", [hit("a")], counting, memory=memory)
    embedded = len(counting.texts)
    follow_up = "And what about support for Kyiv?"
    again = rank_sentences(follow_up, [hit("a")], counting, memory=memory)
    assert counting.texts[embedded:] == [follow_up]
    assert again == rank_sentences(follow_up, [hit("a")], embeddings)  # the same as without the memory


def test_the_assistant_remembers_sentence_vectors_across_questions_and_sessions(sample_index, embeddings):
    """In the product path: a follow-up over the same article embeds only the question and its
    search query, and a session with its own settings uses the same memory."""
    from rag.answer.base import Turn
    from rag.assistant import Assistant
    from rag.session import with_overrides
    from rag.settings import load_settings

    counting = CountingEmbeddings(embeddings)
    assistant = Assistant(load_settings(data_dir=sample_index, backend="extractive"), embeddings=counting)
    question = "What did Serbia and the EU agree on energy?"
    first = assistant.ask(question)
    assert first.retrieved and len(assistant.sentence_vectors) > 1
    embedded = len(counting.texts)
    follow_up = "What else did they agree?"
    assistant.ask(follow_up, history=[Turn("user", question), Turn("assistant", first.answer)])
    # the follow-up is searched as the question it continues (rag.search.query), already embedded once
    assert set(counting.texts[embedded:]) <= {follow_up, question}
    session = with_overrides(assistant, top_k=3)
    assert session is not assistant and session.sentence_vectors is assistant.sentence_vectors
