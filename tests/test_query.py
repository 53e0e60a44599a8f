"""Understanding a question once: names however spelled, titles however typed, periods, follow-ups.

Each case is a kind of question officials type (abbreviations, transliterations, descriptions
instead of names, years inside names, conversations), not one evaluation question.
"""

from datetime import date

import pytest

from rag.dates import parse_scope
from rag.lexical import key_terms
from rag.search.names import country_key, expand, names_in
from rag.search.query import understand

AS_OF = date(2022, 8, 1)


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("secstate call w kenya pres", "Secretary of State call with kenya President"),
        ("POTUS mtg w/ the Japanese PM", "the President meeting with the Japanese Prime Minister"),
        ("NSA and DFM talks re: grain", "National Security Advisor and Deputy Foreign Minister talks about grain"),
        ("FMs of the Quad", "Foreign Ministers of the Quad"),
        ("Armenia's top diplomat", "Armenia's Foreign Minister"),
        ("Washington's top diplomat in Baku", "the Secretary of State in Baku"),
        ("the Azerbaijani head of state", "the Azerbaijani President"),
        ("the new Italian premier", "the new Italian Prime Minister"),
    ],
)
def test_abbreviated_and_described_titles_are_written_out(typed, written):
    assert expand(typed) == written


def test_common_words_are_not_taken_for_abbreviations():
    assert expand("Did they press for a ceasefire? Was the premise wrong? Are we there?") == (
        "Did they press for a ceasefire? Was the premise wrong? Are we there?"
    )


@pytest.mark.parametrize(
    ("question", "document", "term"),
    [
        ("What did Aliev say?", "President Aliyev of Azerbaijan said", "aliev"),
        ("Zelensky's call", "President Zelenskyy spoke", "zelensky"),
        ("Plenković visit", "Prime Minister Plenkovic visited", "plenkovic"),
        ("the Bayramov-Vucevic meeting", "Bayramov met Vučević", "vucevic"),
        ("kenya pres", "the Kenyan President", "kenya"),
        ("DPRK missile tests", "North Korea's missile tests", "north korea"),
        ("Türkiye's position", "Turkish officials said", "turkey"),
    ],
)
def test_a_name_spelled_another_way_is_the_same_name(question, document, term):
    assert term in key_terms(question)
    assert names_in(document, [term]) == {term}


@pytest.mark.parametrize(
    ("term", "document"),
    [
        ("vucic", "Prime Minister Vucevic spoke"),  # another man
        ("ruto", "Prime Minister Rutte spoke"),  # short names must match exactly
        ("australia", "Austrian officials"),
        ("iran", "Iraqi officials"),
        ("niger", "Nigeria's President"),
    ],
)
def test_a_different_name_is_not_taken_for_a_variant(term, document):
    assert names_in(document, [term]) == set()


def test_lower_case_us_is_a_pronoun_and_the_united_states_is_never_a_counterpart():
    assert country_key("us") is None and country_key("US") == "united states"
    assert key_terms("Did the US tell us about Kenya?") == ["kenya"]


def test_a_year_inside_a_name_or_after_the_as_of_date_is_not_a_period():
    assert not parse_scope("What was agreed at Expo 2020?", AS_OF).active
    assert not parse_scope("What about the Agenda 2063 goals?", AS_OF).active
    assert not parse_scope("What is planned for 2030?", AS_OF).active
    assert parse_scope("What was agreed in 2021?", AS_OF).range() == (date(2021, 1, 1), date(2022, 1, 2))


def test_one_year_serves_both_ends_of_a_period():
    scope = parse_scope("between the early-March and mid-April 2022 meetings", AS_OF)
    assert scope.range() == (date(2022, 3, 1), date(2022, 4, 22))
    assert parse_scope("between November and February 2022", AS_OF).range() == (date(2021, 11, 1), date(2022, 3, 2))


def test_a_month_typed_with_two_digits_is_a_month_and_year():
    assert parse_scope("calls w aliyev july 21", AS_OF).range() == (date(2021, 7, 1), date(2021, 8, 2))
    assert parse_scope("FM call Jun '21", AS_OF).range() == (date(2021, 6, 1), date(2021, 7, 2))
    assert parse_scope("What happened on July 21?", AS_OF).range() == (date(2022, 7, 21), date(2022, 7, 23))


def test_a_period_takes_in_the_reports_of_its_last_days_and_around_widens_a_day():
    assert parse_scope("the call on 18 April 2022", AS_OF).range() == (date(2022, 4, 18), date(2022, 4, 20))
    assert parse_scope("the call around 18 April 2022", AS_OF).range() == (date(2022, 4, 15), date(2022, 4, 21))


def test_a_year_naming_something_gives_way_to_the_period_the_question_states():
    scope = parse_scope("Under the 2017 sanctions law, what was done in late January 2018?", AS_OF)
    assert scope.range() == (date(2018, 1, 21), date(2018, 2, 2))
    assert parse_scope("calls w al-alimi apr vs aug 2022", AS_OF).range() == (date(2022, 4, 1), date(2022, 8, 1))


def test_months_take_the_year_the_question_states_and_several_make_one_period():
    scope = parse_scope("Compare the two 2021 calls: what was stressed in April versus August?", AS_OF)
    assert scope.range() == (date(2021, 4, 1), date(2021, 9, 2))
    scope = parse_scope("late 2019: what happened in October, and what was said in December?", AS_OF)
    assert scope.range() == (date(2019, 10, 1), date(2020, 1, 2))


def test_a_period_after_the_as_of_date_is_labelled_as_it_is():
    scope = parse_scope("What was said in March 2023?", AS_OF)
    assert scope.since == date(2023, 3, 1) and scope.until == date(2023, 3, 31)


def test_a_new_counterpart_replaces_the_old_one_and_the_rest_carries_over():
    first = understand("What has the US discussed with Armenia's foreign minister in 2022?", AS_OF)
    second = understand("And with Azerbaijan?", AS_OF, first)
    assert second.names == ("azerbaijan",) and second.roles == ("foreign minister",)
    assert second.scope == first.scope
    assert "Armenia" not in second.text and "Azerbaijan" in second.text
    assert "carried over" in second.understood() and "in 2022" in second.understood()


def test_a_new_period_replaces_the_old_one_in_the_conversations_year():
    first = understand("What did Blinken and Kuleba discuss in July 2022?", AS_OF)
    second = understand("And in March?", AS_OF, first)
    assert second.scope.range() == (date(2022, 3, 1), date(2022, 4, 2))
    assert second.names == first.names and "July" not in second.text


def test_latest_drops_the_period_and_a_new_subject_keeps_the_counterpart():
    first = understand("What did the Secretary discuss with Qatar in March 2022?", AS_OF)
    latest = understand("What's the latest on LNG?", AS_OF, first)
    assert latest.kind == "latest" and not (latest.scope.since or latest.scope.until)
    assert "qatar" in latest.names and "LNG" in latest.text
    subject = understand("and what about energy?", AS_OF, first)
    assert subject.subjects == ("energy",) and subject.names == ("qatar",) and subject.scope == first.scope


def test_a_question_that_stands_alone_is_not_read_as_a_follow_up():
    first = understand("What did Blinken and Kuleba discuss in July 2022?", AS_OF)
    second = understand("What did the Secretary discuss with Kenya's President Ruto in June 2022?", AS_OF, first)
    assert second.names == ("kenya", "ruto") and not second.carried


def test_after_that_starts_where_the_previous_period_ends():
    first = understand("What came out of Blinken's May 2022 meeting with Turkish FM Cavusoglu?", AS_OF)
    later = understand("Any contact with him after that?", AS_OF, first)
    assert later.scope.range() == (date(2022, 6, 3), AS_OF) and later.names == first.names


def test_a_follow_up_asking_for_another_kind_of_contact_says_so():
    first = understand("Brief me on Blinken's face-to-face meeting with Pakistan's FM Bhutto in May 2022", AS_OF)
    call = understand("And the latest call between them?", AS_OF, first)
    assert call.contact == "call" and "meeting" not in call.text and call.kind == "latest"


def test_in_a_chat_a_bare_month_is_in_the_year_under_discussion():
    first = understand("What did Pompeo say about Venezuela in late February 2019?", AS_OF)
    question = "after guaido's move at the end of april, what did pompeo claim maduro was about to do?"
    later = understand(question, AS_OF, first)
    assert later.scope.range() == (date(2019, 4, 21), date(2019, 5, 2))
