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
