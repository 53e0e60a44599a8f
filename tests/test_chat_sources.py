"""What a model reads: the best passages within a strict character budget (a local model's first
token waits on every prompt token), with context sentences only when they fit."""

from rag.answer.chat import ChatWriter
from rag.answer.passages import Passage

DOC = (
    "The spokesperson said the following. "
    "The Secretary spoke with President Petro about the Peace Accord. "
    "They discussed counternarcotics and climate change. "
    "The call lasted an hour."
)
OTHER = "Officials met in Bogota. They signed a trade memorandum. Talks continue next month."
TEXTS = {"call": DOC, "trade": OTHER}


def passage(doc_id: str, sentence: str, score: float) -> Passage:
    start = TEXTS[doc_id].index(sentence)
    return Passage(doc_id, start, start + len(sentence), sentence, title="Call", source="Dept", score=score)


def cost(sources: list[Passage]) -> int:
    return sum(len(p.text) for p in sources)


RANKED = [
    passage("call", "The Secretary spoke with President Petro about the Peace Accord.", 0.9),
    passage("trade", "They signed a trade memorandum.", 0.8),
]


def sources(max_chars: int) -> list[Passage]:
    return ChatWriter(model=None, name="local", max_chars=max_chars).sources("q", RANKED, TEXTS.__getitem__)


def test_a_roomy_budget_gives_each_passage_its_neighbouring_sentences():
    found = sources(2000)
    assert [p.text for p in found] == [
        DOC[: DOC.index(" The call")],  # the sentence before and after the best one
        OTHER,
    ]


def test_a_tight_budget_drops_context_before_evidence_and_is_never_exceeded():
    budget = len(RANKED[0].text) + len(RANKED[1].text)
    found = sources(budget)
    assert [p.text for p in found] == [RANKED[0].text, RANKED[1].text]
    assert cost(found) <= budget


def test_a_first_passage_longer_than_the_budget_keeps_its_leading_sentence():
    long_first = passage("call", DOC[DOC.index("The Secretary") : DOC.index(" The call")], 0.9)
    writer = ChatWriter(model=None, name="local", max_chars=80)
    found = writer.sources("q", [long_first], TEXTS.__getitem__)
    assert [p.text for p in found] == ["The Secretary spoke with President Petro about the Peace Accord."]


def test_a_first_sentence_longer_than_the_budget_is_still_given():
    found = ChatWriter(model=None, name="local", max_chars=20).sources("q", RANKED, TEXTS.__getitem__)
    assert [p.text for p in found] == [RANKED[0].text]  # not nothing: the model would have no source


def test_the_context_before_a_passage_is_never_the_documents_header_lines():
    """Header lines ("Office of the Spokesperson", "The below is attributable to …:") say nothing a
    briefing reports, and a local model reads them at about 20 tokens a second."""
    text = "Office of the Spokesperson\n\nThe below is attributable to Spokesperson Ned Price:\n\n" + DOC[37:]
    opening = "The Secretary spoke with President Petro about the Peace Accord."
    start = text.index(opening)
    ranked = [Passage("call", start, start + len(opening), opening, title="Call", score=0.9)]
    found = ChatWriter(model=None, name="local", max_chars=2000).sources("q", ranked, {"call": text}.get)
    assert [p.text for p in found] == [text[start : text.index(" The call")]]
