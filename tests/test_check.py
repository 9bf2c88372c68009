"""In-article checks: hand-written articles that keep or break each rule get the expected status and reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from extract.anchors import find_anchors
from extract.article import extract_article
from extract.check import check_article
from extract.model.client import NoModel
from extract.read import Article
from schemas import Check, FeedRecord


def _record(text: str, published: str | None = None, title: str | None = None) -> FeedRecord:
    day = dt.date.fromisoformat(published) if published else None
    return extract_article(Article(id="t", text=text, source="test", published=day, title=title),
                           NoModel(), run_id="test")


def _checks(record: FeedRecord, rule: str) -> list[Check]:
    return [c for c in record.checks if c.rule == rule]


WAR = ("The conflict between the two countries began on June 13, when air strikes hit the capital. "
       "A ceasefire took effect on June 24, bringing an end to the {n}-day conflict.\n")


def test_duration_agrees_with_dates_counted_inclusively() -> None:
    [check] = _checks(_record(WAR.format(n=12)), "duration_vs_range")
    assert check.status == "pass"
    assert check.detail == "12 days agrees with June 13 to June 24 counted inclusively"


def test_duration_that_disagrees_with_dates_fails() -> None:
    [check] = _checks(_record(WAR.format(n=10)), "duration_vs_range")
    assert check.status == "fail"
    assert check.detail == "10 days disagrees with June 13 to June 24, which is 12 days inclusive"


def test_duration_counted_by_subtraction_is_a_warning() -> None:
    [check] = _checks(_record(WAR.format(n=11)), "duration_vs_range")
    assert check.status == "warn"


BRIEF = "The {n}-day war ... began on June 13 and ended with a ceasefire on June 24, the ministry said.\n"


@pytest.mark.parametrize(("n", "status"), [(12, "pass"), (11, "warn"), (10, "fail")])
def test_start_and_end_in_one_sentence_are_read_as_a_pair(n: int, status: str) -> None:
    """Both dates of one span: June 13 opens the war and June 24 closes it (never "June 13 to June 13")."""
    [check] = _checks(_record(BRIEF.format(n=n)), "duration_vs_range")
    assert check.status == status
    assert "June 13 to June 24" in check.detail


@pytest.mark.parametrize("text", [
    "The strike lasted 10 days, from March 4 to March 13, the union said.\n",
    "Between March 4 and March 13, dockworkers held a 10-day strike at the port.\n",
    "The 10-day strike began on March 4 and ended on March 13 with a pay deal.\n",
    "The 10-day strike began on March 4 and lasted until March 13, the union said.\n",
    "The strike began on March 4. It lasted until March 13, ending the 10-day strike.\n",
    "The 10-day strike began on March 4 and ended on March 13 after talks that started on March 10.\n",
    "A 10-day summit opened on March 4 and closed on March 13 in Geneva.\n",
])
def test_each_way_of_stating_a_span_pairs_its_two_dates(text: str) -> None:
    [check] = _checks(_record(text), "duration_vs_range")
    assert (check.status, check.detail) == ("pass", "10 days agrees with March 4 to March 13 counted inclusively")


@pytest.mark.parametrize(("text", "why"), [
    ("The 12-day war began on June 13, officials said.\n",
     "the article gives when the war began ('June 13') but not when it ended"),
    ("The 12-day war ended with a ceasefire on June 24.\n",
     "the article gives when the war ended ('June 24') but not when it began"),
    ("The 12-day war began on June 13. The summit in Brussels ended on June 30.\n",
     "the article gives when the war began ('June 13') but not when it ended"),
    ("The 10-day strike began on March 3 and the talks ended on March 20.\n",
     "the article gives when the strike began ('March 3') but not when it ended"),
    ("The conflict, which began on June 13, saw heavy air strikes. A ceasefire came into effect earlier this "
     "week on Tuesday, ending the 12-day war.\n",
     "the end of the war ('earlier this week on Tuesday') cannot be dated"),
])
def test_a_span_with_one_end_or_the_ends_of_two_things_is_undetermined(text: str, why: str) -> None:
    """Never a fail: a start without an end (or the end of something else) cannot contradict a duration."""
    [check] = _checks(_record(text), "duration_vs_range")
    assert check.status == "undetermined"
    assert check.detail.endswith(why)


@pytest.mark.parametrize("text", [
    "The 12-day war devastated the region, officials said on June 30.\n",
    "The company has 28 days to lodge an appeal, the court said on March 3.\n",
])
def test_a_duration_without_dates_of_its_thing_is_not_checked(text: str) -> None:
    assert _checks(_record(text), "duration_vs_range") == []


def test_relative_ceasefire_date_resolves_against_publication() -> None:
    text = ("The conflict, which began on June 13, saw heavy air strikes. A ceasefire came into effect earlier "
            "this week on Tuesday, ending the 12-day war.\n")
    [check] = _checks(_record(text, published="2025-06-26"), "duration_vs_range")
    assert check.status == "pass"


@pytest.mark.parametrize(("weekday", "status"), [("Tuesday", "pass"), ("Monday", "fail")])
def test_weekday_must_match_its_date(weekday: str, status: str) -> None:
    record = _record(f"The truce took effect on {weekday}, June 24, 2025, officials said.\n")
    [check] = _checks(record, "weekday_vs_date")
    assert check.status == status
    if status == "fail":
        assert check.detail == "'Monday, June 24, 2025': 2025-06-24 is a Tuesday, not a Monday"


def test_parts_must_add_up_to_the_stated_total() -> None:
    good = _record("Officials said 12 people were killed in Jumla and 8 in Kalikot, 20 in total.\n")
    bad = _record("Officials said 12 people were killed in Jumla and 8 in Kalikot, 21 in total.\n")
    assert [c.status for c in _checks(good, "part_vs_total")] == ["pass"]
    [check] = _checks(bad, "part_vs_total")
    assert check.status == "fail"
    assert check.detail == "12 + 8 = 20, but the stated total is 21"


def test_headline_and_body_must_state_the_same_toll() -> None:
    body = "Rescuers said on Thursday that the earthquake killed 974 people in the western districts.\n"
    assert [c.status for c in _checks(_record(body, title="Quake kills 974 people"), "headline_vs_body")] == ["pass"]
    [check] = _checks(_record(body, title="Quake kills 967 people"), "headline_vs_body")
    assert check.status == "fail"
    assert check.detail == "headline says '967', the body says 974"


def test_a_figure_whose_value_is_not_in_its_text_is_not_grounded() -> None:
    text = "The deal is worth $1,200 million, the company said.\n"
    record = _record(text)
    [figure] = record.figures
    assert figure.value == 1_200_000_000
    tampered = record.model_copy(update={"figures": [figure.model_copy(update={"value": 1_300_000_000.0})]})
    [check] = _checks(tampered.model_copy(update={"checks": check_article(text, find_anchors(text), tampered)}),
                      "grounded")
    assert check.status == "fail"
    assert "'$1,200 million' reads as 1,200,000,000 USD, not 1,300,000,000 USD" in check.detail


def test_every_evidence_span_is_checked() -> None:
    [check] = _checks(_record(WAR.format(n=12)), "evidence_exact")
    assert check.status == "pass"


# ---------------------------------------------------------------------------------------------- seeds

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _seed(stem: str, published: str | None = None) -> FeedRecord:
    return _record((SEEDS / f"{stem}.txt").read_text(encoding="utf-8"), published)


def test_seed_004_tuesday_resolves_against_publication_date() -> None:
    """Published Thursday 2025-06-26, "earlier this week on Tuesday" is 2025-06-24: the ceasefire."""
    text = (SEEDS / "004_0c482b0b10fe7e75.txt").read_text(encoding="utf-8")
    times = find_anchors(text, dt.date(2025, 6, 26)).times
    tuesday = [t for t in times if t.text == "earlier this week on Tuesday"]
    assert [t.date for t in tuesday] == ["2025-06-24"]
    ceasefire = [e for e in _seed("004_0c482b0b10fe7e75", "2025-06-26").events if "ceasefire" in e.evidence.text]
    assert ceasefire and ceasefire[0].date == "2025-06-24"


def test_seed_004_without_publication_date_leaves_tuesday_unresolved() -> None:
    text = (SEEDS / "004_0c482b0b10fe7e75.txt").read_text(encoding="utf-8")
    tuesday = [t for t in find_anchors(text, None).times if t.text == "earlier this week on Tuesday"]
    assert tuesday and tuesday[0].date is None and tuesday[0].reason


@pytest.mark.parametrize("stem", ["001_2f07fd0f5ed94aae", "004_0c482b0b10fe7e75"])
def test_seed_twelve_day_war_agrees_with_its_dates(stem: str) -> None:
    """The seeds that state both the start (June 13) and the ceasefire (June 24, "earlier this week on
    Tuesday" in 004); seed 002 states only the start (undetermined here), so its "12-day" is checked across
    articles (tests/test_crosscheck.py)."""
    record = _seed(stem, "2025-06-26")
    twelve = {f.id for f in record.figures if f.quantity.text == "12-day"}
    verdicts = [c for c in _checks(record, "duration_vs_range") if c.target in twelve]
    assert verdicts and all(c.status == "pass" for c in verdicts), verdicts


def test_seed_002_states_only_the_start_of_the_war() -> None:
    [check] = _checks(_seed("002_0ebfe744452b42cc", "2025-06-26"), "duration_vs_range")
    assert check.status == "undetermined" and "began ('June 13th') but not when it ended" in check.detail


def test_seed_000_sipri_figure_is_grounded_with_source_and_period() -> None:
    record = _seed("000_2ef88da32bef47c9")
    sipri = [f for f in record.figures if "69 percent" in f.quantity.text]
    assert [(f.value, f.unit, f.source, f.period, f.qualifier) for f in sipri] == [
        (69, "percent", "SIPRI", "2016-2020", "approximately")]
    assert [c.status for c in _checks(record, "grounded") if c.target == sipri[0].id] == ["pass"]


def test_a_day_that_does_not_exist_in_any_known_year_is_no_date() -> None:
    from extract.anchors import TimeAnchor
    from extract.check import _as_date

    _as_date(TimeAnchor(0, 6, "Feb 29", "date", month=2, day=29))  # a leap day without a year: no ValueError
    assert _as_date(TimeAnchor(0, 6, "Feb 30", "date", month=2, day=30)) is None
