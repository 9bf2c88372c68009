"""Event rules on the shapes real pages take: one event per happening told over nearby sentences,
background clauses, expectations, denials, quote frames, and the kinds a trigger gives.

Each passage is written for the test (none is copied from the gold sets).
"""

from __future__ import annotations

import datetime as dt

import pytest

from extract import rules
from extract.anchors import find_anchors

PUBLISHED = dt.date(2024, 3, 14)  # a Thursday


def _events(text: str) -> list[tuple[str, str | None, str]]:
    draft = rules.draft(text, find_anchors(text, PUBLISHED))
    return [(e.kind, e.date, e.sentence.text) for e in draft.events]


def test_a_restatement_after_the_dated_sentence_is_no_second_event() -> None:
    text = ("The city council approved the 2025 budget on Tuesday. The main opposition bloc voted against it. "
            "Parking fees will rise in May.")
    assert [(kind, date) for kind, date, _ in _events(text)] == [("decision", "2024-03-12")]


def test_an_undated_lead_gives_way_to_the_sentence_that_dates_the_happening() -> None:
    text = ("ACCRA, March 14 (Example Wire) - Rescuers searched collapsed homes after floods killed at least "
            "30 people in northern Ghana.\n"
            "The floods struck the region late on Tuesday after two days of heavy rain.")
    events = _events(text)
    assert len(events) == 1 and events[0][2].startswith("The floods struck")
    assert events[0][1] == "2024-03-12"


def test_a_sentence_with_a_time_of_its_own_is_another_happening() -> None:
    text = ("Mayor Ruth Okoye defeated challenger Sam Dale by 300 votes. In November 2019, Okoye won her bid for a "
            "first term with 61 percent of the vote.")
    assert len(_events(text)) == 2


def test_a_repeated_caption_is_an_event_at_each_occurrence() -> None:
    caption = "Prime Minister Ana Ruiz and President Omar Haddad met in Madrid on Monday."
    assert len(_events(f"{caption}\n{caption}\n")) == 2


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Mr. Dale held the seat he won in a special election in May.", id="relative-win"),
        pytest.param("Of the 12 cases, three involved patients who later died.", id="relative-death"),
        pytest.param("The storm was the fourth to strike the coast this year.", id="infinitive-weak"),
        pytest.param("This year's election was predicted to be close in every ward.", id="expected"),
        pytest.param("Under the agreement, signed in March, wages will rise by 3%.", id="future"),
        pytest.param("The club denied that the manager had resigned on Friday.", id="denied"),
        pytest.param("Bank staff cut their growth forecast for next year.", id="forecast"),
        pytest.param("Dustin Brant, meanwhile, carded a round of 74.", id="a-round-alone"),
    ],
)
def test_no_happening(text: str) -> None:
    assert _events(text) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        pytest.param("Pruitt urged the governor during a phone call on Wednesday to release the funds.", "call",
                     id="setting-of-speech"),
        pytest.param("“We will rebuild,” the minister said after flying over the valley on Wednesday.", "visit",
                     id="frame-setting"),
        pytest.param("The regional council declared a local state of emergency on Monday.", "decision",
                     id="declared"),
        pytest.param("The World Bank released $5 million in emergency funding for the region.", "aid", id="aid"),
        pytest.param("The case was brought in 2021 by a group of farmers.", "lawsuit", id="lawsuit"),
        pytest.param("In 1998, Cyclone Mara left more than 2,000 people dead.", "disaster", id="left-dead"),
        pytest.param("Ruiz completed a medical in Porto on Monday.", "transfer", id="medical"),
        pytest.param("The two at-large seats were won by their incumbents.", "election", id="seats-won-by"),
        pytest.param("Rovers had played Valencia in the cup on Wednesday.", "match", id="played-a-side"),
        pytest.param("It was the late goal by Ortiz which earned them the lead.", "match", id="cleft"),
    ],
)
def test_happenings(text: str, kind: str) -> None:
    assert [k for k, _, _ in _events(text)] == [kind]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        pytest.param("A federal judge on Wednesday blocked a state law that cut early voting.", "ruling",
                     id="blocked-a-law"),
        pytest.param("A 24-inch water main burst early Wednesday under Main Street.", "other", id="main-burst"),
    ],
)
def test_more_happenings(text: str, kind: str) -> None:
    assert [k for k, _, _ in _events(text)] == [kind]


@pytest.mark.parametrize(
    ("headline", "kind"),
    [
        ("Carmaker Voltra recalls 1.2 million sedans over faulty brakes", "recall"),
        ("Storm Odile leaves 4 dead, 200,000 without power", "disaster"),
        ("Ferreira pips Kowalczyk in Monaco thriller", "match"),
        ("Regional council adopts budget after long debate", "vote"),
        ("Opposition candidate concedes defeat in presidential race", "election"),
        ("Driver, 41, killed in crash on Route 9", "collision"),
        ("Dock workers return to work after nine-day strike", "strike"),
        ("Phone maker Lumo unveils its first folding handset in Seoul", "launch"),
        ("Riverton stays with Mayor Alvarez after a close count", "election"),
        ("Voters grant Mayor Okafor an unprecedented fifth term", "election"),
    ],
)
def test_a_headline_in_the_present_tense_states_a_happening(headline: str, kind: str) -> None:
    text = f"{headline}\n\nThe company gave no further details in its statement on Wednesday.\n"
    events = _events(text)
    assert [(k, s) for k, _, s in events][:1] == [(kind, headline)]


def test_a_headline_about_what_may_come_is_no_event() -> None:
    text = "Investors could see profit slide continue into autumn\n\nAnalysts expect weaker results.\n"
    assert _events(text) == []


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("The opposition leader conceded defeat in the election on Thursday.", "election"),
        ("The cabinet has given approval to the new rail line.", "decision"),
        ("The start-up has launched what it calls the cheapest phone on the market.", "launch"),
        ("He was charged in a fraud scheme that ran for years.", "arrest"),
        ("She entered the pleas in federal court.", "plea"),
        ("Prosecutors dropped a money-laundering count.", "decision"),
        ("The union came to a new tentative agreement with the chain.", "agreement"),
        ("The blaze was sparked by a car's trailer on a highway.", "disaster"),
        ("A male suspect is in custody after an early Saturday shooting.", "arrest"),
        ("The central bank said on Wednesday that it was keeping interest rates near zero.", "decision"),
    ],
)
def test_happenings_real_copy_tells_without_a_usual_trigger(sentence: str, kind: str) -> None:
    assert [k for k, _, _ in _events(sentence)] == [kind]


def test_conceding_defeat_is_a_happening_not_speech() -> None:
    draft = rules.draft("The opposition leader conceded defeat on Thursday.",
                        find_anchors("The opposition leader conceded defeat on Thursday.", PUBLISHED))
    assert draft.statements == ()


def test_a_meeting_scheduled_for_a_day_is_not_yet_an_event() -> None:
    assert _events("The third round of talks was scheduled for Monday.") == []



def test_the_place_of_a_happening_is_not_one_of_its_actors() -> None:
    draft = rules.draft("President Ana Ruiz met Prime Minister Tomas Berg for talks in Baku on Tuesday.",
                        find_anchors("President Ana Ruiz met Prime Minister Tomas Berg for talks in Baku on Tuesday.",
                                     PUBLISHED))
    (event,) = draft.events
    assert event.location == "Baku" and "Baku" not in event.actors
    assert set(event.actors) == {"Ana Ruiz", "Tomas Berg"}
