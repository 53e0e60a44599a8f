"""The counterpart check: a question is answered only from documents naming who it asks about.

A mixed-up counterpart (the Azerbaijani foreign minister's meeting reported as the Secretary's)
is worse than no answer, so these cases are declined; questions about several contacts are
answered from several documents.
"""

from rag.answer.passages import Passage, answerable

DOCS = {
    "azerbaijan-fm": "Azerbaijan's Foreign Minister Bayramov met Serbian Prime Minister Vucevic in Belgrade.",
    "secretary-aliyev": "Secretary Blinken spoke with President Aliyev of Azerbaijan about peace talks.",
    "president-pashinyan": "President Biden spoke with Prime Minister Pashinyan of Armenia on Tuesday.",
    "secretary-croatia": "Secretary Blinken spoke with Croatian Prime Minister Plenkovic about Serbian relations.",
    "president-kenyatta": "President Biden spoke with President Kenyatta of Kenya about Ethiopia.",
    "president-ruto": "President Biden spoke with President Ruto of Kenya about Haiti.",
    "briefing": "Reporters asked about the Biden administration's budget. "
    + "More questions. " * 200
    + "QUESTION: President Aliyev's office issued a statement on Azerbaijan.",
}


def passages(*doc_ids: str) -> list[Passage]:
    return [Passage(doc_id=d, start=0, end=len(DOCS[d]), text=DOCS[d]) for d in doc_ids]


def kept(question: str, *doc_ids: str) -> set[str]:
    return {p.doc_id for p in answerable(question, passages(*doc_ids), DOCS.__getitem__)}


def test_a_role_the_question_names_must_be_in_the_document():
    assert kept("What did the Secretary of State discuss with Vucevic?", "azerbaijan-fm") == set()


def test_one_document_with_the_role_and_another_with_the_name_do_not_make_an_answer():
    question = "What did the Secretary of State discuss with Serbian Prime Minister Vucevic?"
    assert kept(question, "azerbaijan-fm", "secretary-croatia") == set()


def test_the_document_naming_the_role_and_counterpart_answers():
    assert kept("What did the Secretary discuss with Aliyev?", "secretary-aliyev", "azerbaijan-fm") == {
        "secretary-aliyev"
    }


def test_two_roles_can_be_answered_by_two_documents():
    question = "What did the Secretary discuss with Aliyev and the President with Pashinyan?"
    assert kept(question, "secretary-aliyev", "president-pashinyan") == {"secretary-aliyev", "president-pashinyan"}


def test_a_role_no_document_names_declines_the_question():
    question = "What did the Vice President discuss with Aliyev and Pashinyan?"
    assert kept(question, "secretary-aliyev", "president-pashinyan") == set()


def test_without_roles_names_alone_decide():
    assert kept("What was discussed with Vucevic?", "azerbaijan-fm") == {"azerbaijan-fm"}


def test_another_officials_call_with_the_counterpart_is_not_the_one_asked_about():
    question = "Give me the readout of President Biden's phone call with Azerbaijan's President Aliyev."
    assert kept(question, "secretary-aliyev") == set()


def test_a_call_with_the_countrys_previous_leader_is_not_the_one_asked_about():
    question = "What did President Biden's call with Kenya's President Ruto cover?"
    assert kept(question, "president-kenyatta", "president-ruto") == {"president-ruto"}


def test_names_pages_apart_in_a_briefing_do_not_make_a_call_between_them():
    question = "Give me the readout of President Biden's phone call with Azerbaijan's President Aliyev."
    assert kept(question, "briefing") == set()
    assert kept("What did the briefing say about Biden and Aliyev?", "briefing") == {"briefing"}


def test_a_reporters_question_in_a_briefing_transcript_is_not_a_source_statement():
    from rag.answer.passages import without_reporters

    text = (
        "MR PRICE: Good afternoon. QUESTION: I want to turn to Venezuela. Is the Maduro government serious? "
        "MR PRICE: We have urged the parties to return to dialogue."
    )
    spans = [(s, text.index(".", s) + 1) for s in (text.index("I want"), text.index("We have"))]
    found = [Passage("briefing", s, e, text[s:e]) for s, e in spans]
    assert [p.text for p in without_reporters(found, lambda _: text)] == [
        "We have urged the parties to return to dialogue."
    ]
