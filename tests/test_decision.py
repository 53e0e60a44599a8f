"""The answer decision: answer, answer in part, or decline — each with what the official needs.

The evidence is built from small documents (rag.answer.decision.gather reads names, roles and
whose contact it is); the archive's subject counts come from a fake with the two answers the
decision asks of it.
"""

from datetime import date

from rag.answer.decision import MIN_RELEVANCE, decide, gather
from rag.search.query import understand

DOCS = {
    "serbia-energy": ("Azerbaijan and Serbia discuss energy", "Bayramov met Serbian Prime Minister Vučević on energy."),
    "serbia-tourism": ("Serbia tourism talks", "Serbia and Azerbaijan discussed tourism and direct flights."),
    "kenya": ("Call with Kenyan President Ruto", "Secretary Blinken spoke with President Ruto of Kenya on Haiti."),
    "aliyev": ("Call with President Aliyev", "Secretary Blinken spoke with President Aliyev of Azerbaijan on peace."),
}


class Subjects:
    """The archive's answers: which words are distinctive, which the documents lack."""

    def __init__(self, distinctive=(), absent=()):
        self._distinctive, self._absent = set(distinctive), set(absent)

    def distinctive(self, words):
        return [w for w in words if w in self._distinctive]

    def absent(self, words, doc_ids):
        return [w for w in words if w in self._absent]


def decision(question: str, scores: dict[str, float], subjects=None):
    query = understand(question, date(2024, 12, 31))
    documents = [(d, {"title": DOCS[d][0], "url": f"https://x/{d}", "source": "Trend", "date": 20241223}) for d in DOCS]
    evidence = gather(query, documents, lambda d: DOCS[d][1])
    return decide(query, evidence, scores, subjects or Subjects())


def test_an_answer_lists_the_documents_it_may_cite():
    made = decision("What energy cooperation was discussed with Serbia?", {"serbia-energy": 0.8, "serbia-tourism": 0.5})
    assert made.outcome == "answer" and made.documents == {"serbia-energy", "serbia-tourism"}


def test_a_counterpart_named_in_another_spelling_is_found():
    made = decision("What did the secstate and Aliev discuss?", {"aliyev": 0.7})
    assert made.outcome == "answer" and made.documents == {"aliyev"}


def test_a_decline_names_the_counterpart_no_document_names_and_shows_the_closest():
    made = decision("What energy cooperation was discussed with Norway?", {"serbia-energy": 0.8})
    assert (made.outcome, made.reason) == ("decline", "no document in scope names “Norway”")
    assert [c["doc_id"] for c in made.closest] == ["serbia-energy", "serbia-tourism", "kenya"]
    assert made.closest[0] == {
        "doc_id": "serbia-energy",
        "title": "Azerbaijan and Serbia discuss energy",
        "url": "https://x/serbia-energy",
        "source": "Trend",
        "date": "2024-12-23",
    }


def test_nothing_relevant_enough_is_declined_with_that_reason():
    made = decision("What energy cooperation was discussed with Serbia?", {"serbia-energy": MIN_RELEVANCE - 0.01})
    assert made.outcome == "decline" and "do not address" in made.reason


def test_a_distinctive_subject_no_document_mentions_declines_however_close_the_documents():
    subjects = Subjects(distinctive={"lithium"}, absent={"lithium"})
    made = decision("What was said about lithium with Serbia?", {"serbia-energy": 0.95}, subjects)
    assert made.outcome == "decline" and made.reason == "none of the documents on “Serbia” mentions “lithium”"


def test_a_partly_covered_question_is_answered_in_part_naming_what_is_missing():
    """The documents cover "tourism" but not "lithium": say so, then answer."""
    subjects = Subjects(distinctive={"lithium", "tourism"}, absent={"lithium"})
    made = decision("What about tourism and lithium with Serbia?", {"serbia-tourism": 0.6}, subjects)
    assert made.outcome == "partial" and made.missing == ("lithium",) and made.documents == {"serbia-tourism"}
    assert made.reason == "the sources do not mention “lithium”" and made.closest


def test_whose_contact_it_is_must_be_the_documents():
    """The Secretary's call with President Ruto does not answer a question about President Biden's."""
    made = decision("What did President Biden's call with Kenya's President Ruto cover?", {"kenya": 0.9})
    assert made.outcome == "decline" and "Biden" in made.reason
