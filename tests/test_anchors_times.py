"""Tests for extract.anchors.times: spans are exact slices, dates resolve against the publication date."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from extract.anchors.base import TimeAnchor
from extract.anchors.times import (
    NO_PUB_WEEKDAY,
    NO_REF,
    NO_SUCH_DATE,
    NO_YEAR,
    PERIOD,
    find_times,
    inclusive_days,
    weekday_matches,
)

THU = dt.date(2025, 6, 26)  # a Thursday
FRI = dt.date(2025, 6, 27)


def anchor(text: str, published: dt.date | None, needle: str) -> TimeAnchor:
    """The one anchor whose span is exactly the first occurrence of ``needle``."""
    anchors = find_times(text, published)
    start = text.index(needle)
    found = [a for a in anchors if (a.start, a.end) == (start, start + len(needle))]
    assert len(found) == 1, anchors
    assert found[0].text == needle == text[found[0].start:found[0].end]
    return found[0]


CASES = [
    # text, published, span, kind, date, reason
    ("A ceasefire between Iran and Israel came into effect earlier this week on Tuesday.", THU,
     "earlier this week on Tuesday", "weekday", "2025-06-24", None),
    ("The minister spoke to reporters on Thursday.", THU, "Thursday", "weekday", "2025-06-26", None),
    ("Talks were held on Friday in Geneva.", THU, "Friday", "weekday", "2025-06-20", None),
    ("The two leaders will meet on Friday.", THU, "Friday", "weekday", "2025-06-27", None),
    ("Protesters gathered last Friday.", THU, "last Friday", "weekday", "2025-06-20", None),
    ("Parliament reconvenes next Monday.", THU, "next Monday", "weekday", "2025-06-30", None),
    ("The summit opens on Friday next week.", THU, "Friday next week", "weekday", "2025-07-04", None),
    ("Officials met last week on Tuesday.", THU, "last week on Tuesday", "weekday", "2025-06-17", None),
    ("The vote is this Friday.", THU, "this Friday", "weekday", "2025-06-27", None),
    ("The truce held on Tuesday, June 24.", THU, "Tuesday, June 24", "date", "2025-06-24", None),
    ("The conflict began on June 13, when Israel struck.", FRI, "June 13", "date", "2025-06-13", None),
    ("A ceasefire took effect on June 24.", FRI, "June 24", "date", "2025-06-24", None),
    ("He urged Aliyev during a call on June 26 to investigate.", FRI, "June 26", "date", "2025-06-26", None),
    ("Iran said on Thursday it would respond.", None, "Thursday", "weekday", None, NO_PUB_WEEKDAY),
    ("Hostilities broke out on June 13th.", None, "June 13th", "date", None, NO_YEAR),
    ("The talks were held on Tuesday, June 24, 2025.", None, "Tuesday, June 24, 2025", "date", "2025-06-24",
     None),
    ("Leaders met in Baku on April 28, 2025.", None, "April 28, 2025", "date", "2025-04-28", None),
    ("The report was released on 28 April 2025.", None, "28 April 2025", "date", "2025-04-28", None),
    ("Published 2025-06-27 by the desk.", None, "2025-06-27", "date", "2025-06-27", None),
    ("Fighting started on June 13th, 2025.", None, "June 13th, 2025", "date", "2025-06-13", None),
    ("Prices fell yesterday.", FRI, "yesterday", "relative", "2025-06-26", None),
    ("The vote is tomorrow.", FRI, "tomorrow", "relative", "2025-06-28", None),
    ("Markets rallied last week.", FRI, "last week", "relative", None, PERIOD),
    ("Output rose earlier this month.", FRI, "earlier this month", "relative", None, PERIOD),
    ("The deal was signed last year.", FRI, "last year", "relative", None, PERIOD),
    ("The storm hit a week ago.", FRI, "a week ago", "relative", "2025-06-20", None),
    ("Elections were held in June.", FRI, "June", "month", None, None),
    ("The embassy opened in Tel Aviv in 2023.", FRI, "2023", "year", None, None),
    ("Relations have soured since 2016.", FRI, "2016", "year", None, None),
    ("Growth slowed in mid-2023.", FRI, "2023", "year", None, None),
    ("Drones were used during the 2020 Nagorno-Karabakh war.", FRI, "2020", "year", None, None),
    ("Imports grew between 2016 and 2020.", FRI, "between 2016 and 2020", "period", None, None),
    ("Imports grew in 2016-2020.", FRI, "2016-2020", "period", None, None),
    ("Imports grew from 2016 to 2020.", FRI, "from 2016 to 2020", "period", None, None),
    ("Inflation was high in the 1990s.", FRI, "1990s", "period", None, None),
    ("Crops failed on February 29, 2025.", None, "February 29, 2025", "date", None, NO_SUCH_DATE),
]


@pytest.mark.parametrize(("text", "published", "span", "kind", "date", "reason"), CASES)
def test_span_kind_date_reason(
    text: str, published: dt.date | None, span: str, kind: str, date: str | None, reason: str | None
) -> None:
    a = anchor(text, published, span)
    assert (a.kind, a.date, a.reason, a.id) == (kind, date, reason, "")


def test_month_day_without_year_keeps_parts() -> None:
    a = anchor("Hostilities broke out on June 13th.", None, "June 13th")
    assert (a.year, a.month, a.day) == (None, 6, 13)


def test_on_is_not_part_of_the_span() -> None:
    text = "The truce began on June 26."
    a = anchor(text, FRI, "June 26")
    assert a.start == text.index("June")


def test_twelve_day_conflict_is_a_duration_of_the_adjective_only() -> None:
    a = anchor("The 12-day conflict ended on June 24.", FRI, "12-day")
    assert (a.kind, a.duration_days, a.date) == ("duration", 12.0, None)


def test_for_over_eight_years() -> None:
    a = anchor("For over eight years, OC Media has worked with local reporters.", FRI, "eight years")
    assert (a.kind, a.duration_days) == ("duration", 8 * 365)


@pytest.mark.parametrize(("text", "span", "days"), [
    ("a three-month review", "three-month", 90.0),
    ("It lasted a week.", "a week", 7.0),
    ("within 24 hours", "24 hours", 1.0),
    ("a twenty-four-hour strike", "twenty-four-hour", 1.0),
])
def test_durations(text: str, span: str, days: float) -> None:
    a = anchor(text, FRI, span)
    assert (a.kind, a.duration_days) == ("duration", pytest.approx(days))


def test_same_day_follows_the_preceding_date_in_the_paragraph() -> None:
    text = "Pezeshkian urged Aliyev during a call on June 26 to investigate. On the same day, media spoke."
    call = anchor(text, FRI, "June 26")
    same = anchor(text, FRI, "the same day")
    assert call.date == same.date == "2025-06-26"
    assert same.kind == "relative"


def test_days_later_counts_from_the_preceding_date() -> None:
    text = "The war began on June 13. Two days later, Iran retaliated. The next day, talks stalled."
    assert anchor(text, FRI, "Two days later").date == "2025-06-15"
    assert anchor(text, FRI, "The next day").date == "2025-06-14"


def test_same_day_after_a_weekday() -> None:
    text = "Iran filed a complaint on Tuesday. On the same day, Baku denied it."
    assert anchor(text, THU, "the same day").date == "2025-06-24"


def test_chained_relative_needs_a_date_in_the_same_paragraph() -> None:
    text = "The war began on June 13.\nThe next day, markets fell."
    a = anchor(text, FRI, "The next day")
    assert (a.date, a.reason) == (None, NO_REF)


def test_last_week_and_last_year_keep_their_parts() -> None:
    week = anchor("Markets rallied last week.", FRI, "last week")
    year = anchor("The deal was signed last year.", FRI, "last year")
    assert (week.year, week.month, year.year, year.month) == (2025, 6, 2024, None)


def test_in_june_takes_the_publication_year() -> None:
    a = anchor("Elections were held in June.", FRI, "June")
    assert (a.year, a.month) == (2025, 6)
    assert anchor("Elections were held in June.", None, "June").reason == NO_YEAR


def test_year_periods_set_year_and_year_end() -> None:
    a = anchor("Imports grew between 2016 and 2020.", FRI, "between 2016 and 2020")
    assert (a.year, a.year_end) == (2016, 2020)
    assert anchor("in the 1990s", FRI, "1990s").year_end == 1999


@pytest.mark.parametrize("span", ["from June 13 to June 24", "between June 13 and June 24", "June 13-24"])
def test_date_periods(span: str) -> None:
    a = anchor(f"Strikes continued {span}, officials said.", FRI, span)
    assert (a.kind, a.date, a.date_end) == ("period", "2025-06-13", "2025-06-24")


@pytest.mark.parametrize("text", [
    "Russia deployed 2,000 troops.",
    "About 2000 people attended.",
    "A crowd of 2000 people gathered.",
    "The 2000 protesters dispersed.",
])
def test_quantities_are_not_years(text: str) -> None:
    assert find_times(text, FRI) == []


def test_year_after_a_date_that_is_really_a_count() -> None:
    text = "On June 13, 2000 people marched."
    assert [a.text for a in find_times(text, FRI)] == ["June 13"]


def test_undated_month_day_more_than_60_days_ahead_is_last_year() -> None:
    a = anchor("The flood on December 28 destroyed homes.", dt.date(2025, 1, 10), "December 28")
    assert a.date == "2024-12-28"


def test_undated_month_day_in_future_context_is_next_year() -> None:
    a = anchor("Voters will go to the polls on January 5.", dt.date(2024, 12, 20), "January 5")
    assert a.date == "2025-01-05"


def test_without_publication_date_a_stated_full_date_supplies_the_year() -> None:
    text = "Photo taken on April 28, 2025.\n\nThe talks began on March 3 in Baku."
    a = anchor(text, None, "March 3")
    assert (a.date, a.reason) == ("2025-03-03", None)


def test_weekday_that_disagrees_with_the_date_keeps_the_stated_date() -> None:
    a = anchor("It happened on Monday, June 24, 2025.", None, "Monday, June 24, 2025")
    assert (a.kind, a.date) == ("date", "2025-06-24")
    assert not weekday_matches("Monday", a.date)


def test_months_ago_keeps_year_and_month() -> None:
    a = anchor("The mine closed three months ago.", FRI, "three months ago")
    assert (a.year, a.month, a.date, a.reason) == (2025, 3, None, PERIOD)


def test_inclusive_days() -> None:
    assert inclusive_days(dt.date(2025, 6, 13), dt.date(2025, 6, 24)) == 12
    assert inclusive_days(dt.date(2025, 6, 13), dt.date(2025, 6, 13)) == 1


def test_weekday_matches() -> None:
    assert weekday_matches("Tuesday", "2025-06-24")
    assert not weekday_matches("Monday", "2025-06-24")
    assert weekday_matches("thursday", "2025-06-26")


PARAGRAPHS = [
    # central bank meeting
    "The European Central Bank held rates at 2% on Thursday, June 5, after eight consecutive cuts since "
    "June 2024. President Christine Lagarde said the next decision, due on July 24, would depend on data. "
    "Inflation averaged 1.9% in May, down from 2.2% a year earlier, and the bank will publish new "
    "projections in September.\nThe following day, bond yields rose. Markets expect one more cut this year.",
    # earthquake
    "A magnitude 7.7 earthquake struck central Myanmar at 12:50 local time on Friday, 28 March 2025, killing "
    "more than 3,600 people. Rescuers worked for 72 hours in the rubble; two days later, aftershocks "
    "continued. It was the strongest quake in the region since 1912, and the government declared a "
    "week-long mourning period. Aid arrived from 2,000 volunteers over the next week.",
    # election
    "Voters in Poland will go to the polls on Sunday in a run-off between Rafał Trzaskowski and Karol "
    "Nawrocki. "
    "The first round on May 18 left neither with a majority. Turnout in 2020 was 68%, and the 2015-2020 "
    "term ended in a dispute. Results are expected on Monday, and the winner will be sworn in on August 6.",
    # football transfer
    "Real Madrid signed Trent Alexander-Arnold on a six-year contract last month, ending his 20-year "
    "association with Liverpool. The 26-year-old joined the academy in 2004 and made his debut on 25 "
    "October 2016. He is due to play at the Club World Cup from June 14 to July 13.",
    # quarterly earnings
    "Apple reported revenue of $95.4 billion for the three months ended March 29, up 5% from the "
    "year-ago quarter. Chief executive Tim Cook said on a call yesterday that tariffs would add $900 million "
    "in costs in the June quarter. Between 2019 and 2024 services revenue doubled; the 2024 fiscal year "
    "closed on September 28.",
]


@pytest.mark.parametrize("text", PARAGRAPHS)
@pytest.mark.parametrize("published", [dt.date(2025, 6, 6), None])
def test_spans_are_exact_sorted_and_disjoint(text: str, published: dt.date | None) -> None:
    anchors = find_times(text, published)
    assert anchors
    for a in anchors:
        assert text[a.start:a.end] == a.text
        assert a.date is None or a.year is not None
    for left, right in itertools.pairwise(anchors):
        assert left.end <= right.start


@pytest.mark.parametrize(("index", "expected"), [
    (0, {"Thursday, June 5", "June 2024", "July 24", "May", "a year earlier", "September",
         "The following day", "this year"}),
    (1, {"Friday, 28 March 2025", "72 hours", "two days later", "1912", "next week"}),
    (2, {"Sunday", "May 18", "2020", "2015-2020", "Monday", "August 6"}),
    (3, {"six-year", "last month", "20-year", "2004", "25 October 2016", "from June 14 to July 13"}),
    (4, {"three months", "March 29", "yesterday", "Between 2019 and 2024", "2024", "September 28"}),
])
def test_realistic_paragraph_finds(index: int, expected: set[str]) -> None:
    found = {a.text for a in find_times(PARAGRAPHS[index], dt.date(2025, 6, 6))}
    assert expected <= found, found


def test_realistic_resolution() -> None:
    bank = {a.text: a for a in find_times(PARAGRAPHS[0], dt.date(2025, 6, 6))}
    assert bank["Thursday, June 5"].date == "2025-06-05"
    assert bank["July 24"].date == "2025-07-24"
    assert bank["The following day"].reason == NO_REF
    vote = {a.text: a for a in find_times(PARAGRAPHS[2], dt.date(2025, 5, 30))}
    assert vote["Sunday"].date == "2025-06-01"
    assert vote["Monday"].date == "2025-06-02"
    quake = {a.text: a for a in find_times(PARAGRAPHS[1], dt.date(2025, 3, 31))}
    assert quake["two days later"].date == "2025-03-30"


@pytest.mark.parametrize(("text", "published", "span", "month"), [
    ("The fair closed on June 31.", FRI, "June 31", 6),
    ("It closed on Feb. 30 after a week.", FRI, "Feb. 30", 2),
    ("It closed on Feb. 30 after a week.", None, "Feb. 30", 2),
    ("Crops failed on February 29, 2025.", None, "February 29, 2025", 2),
    ("It ran on 31 April 2024.", None, "31 April 2024", 4),
])
def test_impossible_day_stays_unresolved_without_a_day(text: str, published: dt.date | None, span: str,
                                                       month: int) -> None:
    a = anchor(text, published, span)
    assert (a.kind, a.date, a.month, a.day, a.reason) == ("date", None, month, None, NO_SUCH_DATE)


def test_impossible_end_of_a_period_is_unresolved() -> None:
    a = anchor("The fair ran from June 28 to June 31.", FRI, "from June 28 to June 31")
    assert (a.kind, a.date, a.date_end, a.reason) == ("period", "2025-06-28", None, NO_SUCH_DATE)


def test_february_29_without_a_year_keeps_no_day() -> None:
    a = anchor("The festival began on Feb. 29.", None, "Feb. 29")
    assert (a.month, a.day, a.date) == (2, None, None)
    assert a.reason is not None and a.reason.startswith(NO_YEAR)


def test_article_with_an_impossible_date_is_kept() -> None:
    # Red-team #4: "June 31" used to fail the whole article with "day is out of range for month".
    from extract.article import extract_article
    from extract.model.client import NoModel
    from extract.read import Article

    text = "The fair ran from June 28 to June 31, officials said. It closed on Feb. 30 after a 3-day run."
    record = extract_article(Article(id="x", text=text, source="x", published=FRI), NoModel(), run_id="t")
    assert [f.quantity.text for f in record.figures] == ["3-day"]
    leap = "The festival began on Feb. 29 and ended on March 3 after a 4-day run, organisers said."
    record = extract_article(Article(id="y", text=leap, source="y"), NoModel(), run_id="t")
    assert [f.quantity.text for f in record.figures] == ["4-day"]
