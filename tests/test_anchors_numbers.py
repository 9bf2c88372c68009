"""Number anchors: exact spans, values, units, kinds and qualifiers on short hand-written texts."""

from __future__ import annotations

import itertools

import pytest

from extract.anchors.base import NumberAnchor
from extract.anchors.numbers import find_numbers, parse_quantity

B = 1_000_000_000
M = 1_000_000

# (text, expected span, value, unit, kind, qualifier, value_high)
SINGLE = [
    pytest.param("approximately 69 percent of all major conventional arms", "approximately 69 percent", 69,
                 "percent", "quantity", "approximately", None, id="approx-percent"),
    pytest.param("the 12-day conflict", "12-day", 12, "day", "quantity", None, None, id="12-day"),
    pytest.param("a deal worth $3.65 billion", "$3.65 billion", 3.65 * B, "USD", "quantity", None, None,
                 id="usd-billion"),
    pytest.param("they took four of the nine seats", "four of the nine", 4, "count", "quantity", None, None,
                 id="four-of-nine"),
    pytest.param("a dozen eggs", "a dozen", 12, "count", "quantity", None, None, id="a-dozen"),
    pytest.param("between 300 and 400 people died", "between 300 and 400", 300, "count", "quantity", None,
                 400, id="between-and"),
    pytest.param("estimates of 1.2 and 1.35 billion", "1.2 and 1.35 billion", 1.2 * B, "count", "quantity",
                 None, 1.35 * B, id="and-range-billion"),
    pytest.param("between 1.2 and 1.35 billion euros", "between 1.2 and 1.35 billion euros", 1.2 * B, "EUR",
                 "quantity", None, 1.35 * B, id="between-range-euros"),
    pytest.param("earnings of 61 cents a share", "61 cents", 0.61, "USD", "quantity", None, None, id="cents"),
    pytest.param("the euro levy rises by 20 cents", "20 cents", 0.2, "EUR", "quantity", None, None,
                 id="euro-cents"),
    pytest.param("a stamp costs 85 pence", "85 pence", 0.85, "GBP", "quantity", None, None, id="pence"),
    pytest.param("fined A$48.5 million", "A$48.5 million", 48.5 * M, "other:aud", "quantity", None, None,
                 id="aud-lowercase"),
    pytest.param("costs of between A$10 million and A$15 million", "between A$10 million and A$15 million",
                 10 * M, "other:aud", "quantity", None, 15 * M, id="aud-range"),
    pytest.param("a 5 megawatts plant", "5 megawatts", 5, "other:mw", "quantity", None, None, id="mw-lower"),
    pytest.param("Hermes-900 drones", "Hermes-900", 900, "count", "identifier", None, None, id="hermes-900"),
    pytest.param("imports between 2016 and 2020 rose", "between 2016 and 2020", 2016, "count", "year", None,
                 2020, id="between-years"),
    pytest.param("from 2016 to 2020", "from 2016 to 2020", 2016, "count", "year", None, 2020,
                 id="from-years"),
    pytest.param("the 2016-2020 period", "2016-2020", 2016, "count", "year", None, 2020, id="dash-years"),
    pytest.param("the 2019-20 season", "2019-20", 2019, "count", "year", None, 2020, id="season"),
    pytest.param("in 2023, prices rose", "2023", 2023, "count", "year", None, None, id="in-2023"),
    pytest.param("no cut since 1994", "1994", 1994, "count", "year", None, None, id="since-1994"),
    pytest.param("the 2020 Nagorno-Karabakh war", "2020", 2020, "count", "year", None, None, id="year-adj"),
    pytest.param("2,000 people fled", "2,000", 2000, "count", "quantity", None, None, id="2,000-people"),
    pytest.param("it sent 2000 troops", "2000", 2000, "count", "quantity", None, None, id="2000-troops"),
    pytest.param("on June 13 the strikes began", "13", 13, "count", "date_part", None, None, id="june-13"),
    pytest.param("on 13 June", "13", 13, "count", "date_part", None, None, id="13-june"),
    pytest.param("by June 13th", "13th", 13, "count", "date_part", None, None, id="june-13th"),
    pytest.param("filed on 2025-06-27.", "2025-06-27", 27, "count", "date_part", None, None, id="iso-date"),
    pytest.param("it lasted eight years", "eight years", 8, "year", "quantity", None, None, id="eight-years"),
    pytest.param("more than 1,000 people", "more than 1,000", 1000, "count", "quantity", "more than", None,
                 id="more-than"),
    pytest.param("up 2.5 percentage points", "2.5 percentage points", 2.5, "percentage_point", "quantity",
                 None, None, id="pp"),
    pytest.param("a cut of 25 basis points", "25 basis points", 25, "other:basis_point", "quantity", None,
                 None, id="bp"),
    pytest.param("it paid €40m for him", "€40m", 40 * M, "EUR", "quantity", None, None, id="eur-m"),
    pytest.param("a £1.5bn loss", "£1.5bn", 1.5 * B, "GBP", "quantity", None, None, id="gbp-bn"),
    pytest.param("USD 1.2 billion in aid", "USD 1.2 billion", 1.2 * B, "USD", "quantity", None, None,
                 id="usd-code"),
    pytest.param("a US$1.2bn loan", "US$1.2bn", 1.2 * B, "USD", "quantity", None, None, id="us-dollar"),
    pytest.param("EUR 40 million", "EUR 40 million", 40 * M, "EUR", "quantity", None, None, id="eur-code"),
    pytest.param("40 million euros", "40 million euros", 40 * M, "EUR", "quantity", None, None,
                 id="euros-word"),
    pytest.param("a £100,000 fine", "£100,000", 100_000, "GBP", "quantity", None, None, id="gbp-plain"),
    pytest.param("paid 3 million pounds", "3 million pounds", 3 * M, "GBP", "quantity", None, None,
                 id="pounds-word"),
    pytest.param("a 6.2-magnitude earthquake", "6.2-magnitude", 6.2, "magnitude", "quantity", None, None,
                 id="magnitude-adj"),
    pytest.param("a magnitude 5.1 quake", "magnitude 5.1", 5.1, "magnitude", "quantity", None, None,
                 id="magnitude-before"),
    pytest.param("the magnitude-7.8 quake", "magnitude-7.8", 7.8, "magnitude", "quantity", None, None,
                 id="magnitude-hyphen"),
    pytest.param("69 per cent", "69 per cent", 69, "percent", "quantity", None, None, id="per-cent"),
    pytest.param("turnout was 69%.", "69%", 69, "percent", "quantity", None, None, id="percent-sign"),
    pytest.param("inflation fell to -0.5% in May", "-0.5%", -0.5, "percent", "quantity", None, None,
                 id="negative"),
    pytest.param("rates of 0.25 applied", "0.25", 0.25, "count", "quantity", None, None, id="decimal"),
    pytest.param("twenty-five soldiers", "twenty-five", 25, "count", "quantity", None, None, id="spelled"),
    pytest.param("twelve people", "twelve", 12, "count", "quantity", None, None, id="twelve"),
    pytest.param("a hundred people", "a hundred", 100, "count", "quantity", None, None, id="a-hundred"),
    pytest.param("two million people", "two million", 2 * M, "count", "quantity", None, None,
                 id="two-million"),
    pytest.param("half a million people", "half a million", 500_000, "count", "quantity", None, None,
                 id="half-a-million"),
    pytest.param("an eight-year war", "eight-year", 8, "year", "quantity", None, None, id="eight-year"),
    pytest.param("a three-month truce", "three-month", 3, "month", "quantity", None, None, id="three-month"),
    pytest.param("a 24-hour strike", "24-hour", 24, "hour", "quantity", None, None, id="24-hour"),
    pytest.param("a 20-year-old man", "20-year-old", 20, "year", "quantity", None, None, id="age"),
    pytest.param("300-400 people", "300-400", 300, "count", "quantity", None, 400, id="dash-range"),
    pytest.param("300 to 400 people", "300 to 400", 300, "count", "quantity", None, 400, id="to-range"),
    pytest.param("3-5 days", "3-5 days", 3, "day", "quantity", None, 5, id="day-range"),
    pytest.param("between $94.5 and $95.1 billion", "between $94.5 and $95.1 billion", 94.5 * B, "USD",
                 "quantity", None, 95.1 * B, id="money-range"),
    pytest.param("some 200 soldiers", "some 200", 200, "count", "quantity", "about", None, id="some"),
    pytest.param("roughly 80 percent", "roughly 80 percent", 80, "percent", "quantity", "approximately", None,
                 id="roughly"),
    pytest.param("at least 12 people", "at least 12", 12, "count", "quantity", "at least", None,
                 id="at-least"),
    pytest.param("up to 5,000 troops", "up to 5,000", 5000, "count", "quantity", "up to", None, id="up-to"),
    pytest.param("nearly 3.5 million voters", "nearly 3.5 million", 3.5 * M, "count", "quantity", "nearly",
                 None, id="nearly"),
    pytest.param("fewer than 50 staff", "fewer than 50", 50, "count", "quantity", "less than", None,
                 id="fewer-than"),
    pytest.param("about €4.5 trillion", "about €4.5 trillion", 4.5e12, "EUR", "quantity", "about", None,
                 id="qual-currency"),
    pytest.param("30 km away", "30 km", 30, "other:km", "quantity", None, None, id="km"),
    pytest.param("1.2 million tonnes of grain", "1.2 million tonnes", 1.2 * M, "other:tonne", "quantity",
                 None, None, id="tonnes"),
    pytest.param("1 million barrels of oil", "1 million barrels", 1 * M, "other:barrel", "quantity", None,
                 None, id="barrels"),
    pytest.param("the F-35 jet", "F-35", 35, "count", "identifier", None, None, id="f-35"),
    pytest.param("COVID-19 cases", "COVID-19", 19, "count", "identifier", None, None, id="covid"),
    pytest.param("the G7 summit", "G7", 7, "count", "identifier", None, None, id="g7"),
    pytest.param("a Boeing 737 crashed", "Boeing 737", 737, "count", "identifier", None, None, id="boeing"),
    pytest.param("Flight 370 vanished", "Flight 370", 370, "count", "identifier", None, None, id="flight"),
    pytest.param("under Article 5 of the treaty", "Article 5", 5, "count", "identifier", None, None,
                 id="article"),
    pytest.param("Resolution 2231 expires", "Resolution 2231", 2231, "count", "identifier", None, None,
                 id="resolution"),
    pytest.param("at No. 10 today", "No. 10", 10, "count", "identifier", None, None, id="no-10"),
    pytest.param("a 16x9 screen", "16x9", 16, "count", "identifier", None, None, id="16x9"),
    pytest.param("at 10:30 on Friday", "10:30", 10.5, "count", "time_of_day", None, None, id="clock"),
    pytest.param("at 3 p.m. local time", "3 p.m.", 15, "count", "time_of_day", None, None, id="pm"),
    pytest.param("from 9am", "9am", 9, "count", "time_of_day", None, None, id="9am"),
    pytest.param("the 21st century", "21st", 21, "count", "ordinal", None, None, id="21st"),
    pytest.param("for the first time", "first", 1, "count", "ordinal", None, None, id="first"),
    pytest.param("the third round", "third", 3, "count", "ordinal", None, None, id="third"),
]


@pytest.mark.parametrize(("text", "span", "value", "unit", "kind", "qualifier", "high"), SINGLE)
def test_single_anchor(text: str, span: str, value: float, unit: str, kind: str, qualifier: str | None,
                       high: float | None) -> None:
    anchors = find_numbers(text)
    assert len(anchors) == 1, anchors
    a = anchors[0]
    assert text.count(span) == 1
    start = text.index(span)
    assert (a.start, a.end, a.text) == (start, start + len(span), span)
    assert a.value == pytest.approx(value)
    assert (a.unit, a.kind, a.qualifier) == (unit, kind, qualifier)
    assert a.value_high == (None if high is None else pytest.approx(high))
    assert a.id == ""


@pytest.mark.parametrize("text", [
    "No one was hurt.", "It was one of the worst days.", "One day he left.", "They help one another.",
    "dozens of people", "hundreds of homes", "at half-time",
    "over a year ago", "twice a day", "micro-drones were used",
    "Formula One drivers", "two-thirds of voters", "a one-off payment", "",
])
def test_no_anchor(text: str) -> None:
    assert find_numbers(text) == []


def _triples(text: str) -> list[tuple[str, float, str, str]]:
    return [(a.text, a.value, a.unit, a.kind) for a in find_numbers(text)]


def test_two_quantities_with_nouns() -> None:
    text = "Broadcasts in 27 languages in 23 countries"
    anchors = find_numbers(text)
    assert [(a.start, a.end, a.text, a.unit, a.kind, a.noun) for a in anchors] == [
        (14, 16, "27", "count", "quantity", "languages"),
        (30, 32, "23", "count", "quantity", "countries"),
    ]


def test_full_date_is_day_and_year() -> None:
    text = "on April 28, 2025, talks resumed"
    assert [(a.start, a.end, a.kind, a.value) for a in find_numbers(text)] == [
        (9, 11, "date_part", 28.0), (13, 17, "year", 2025.0)]


def test_change_is_not_a_range() -> None:
    assert _triples("inflation rose from 3% to 4%") == [("3%", 3.0, "percent", "quantity"),
                                                       ("4%", 4.0, "percent", "quantity")]


def test_two_years_with_and_stay_separate() -> None:
    assert _triples("in 2019 and 2020") == [("2019", 2019.0, "count", "year"),
                                            ("2020", 2020.0, "count", "year")]


@pytest.mark.parametrize(("text", "noun"), [
    ("20 drones", "drones"), ("20 Israeli drones", "drones"), ("they took four of the nine seats", "seats"),
    ("the 12-day conflict", "conflict"), ("more than 1,000 people", "people"), ("12 new cases", "cases"),
    ("300 were killed", None), ("up 5%", None),
])
def test_noun(text: str, noun: str | None) -> None:
    anchors = find_numbers(text)
    assert len(anchors) == 1
    assert anchors[0].noun == noun


def test_parse_quantity() -> None:
    assert parse_quantity("$1,300 million") == (1_300_000_000.0, None, "USD", None)
    assert parse_quantity("$1,300 million") != parse_quantity("$1,200 million")
    assert parse_quantity("approximately 69 percent") == (69.0, None, "percent", "approximately")
    assert parse_quantity("between 1.2 and 1.35 billion euros") == (1.2 * B, 1.35 * B, "EUR", None)
    assert parse_quantity("a dozen") == (12.0, None, "count", None)
    assert parse_quantity(" 20 drones ") == (20.0, None, "count", None)
    assert parse_quantity("2.5 percentage points") == (2.5, None, "percentage_point", None)


@pytest.mark.parametrize("expr", ["in 2023", "Hermes-900", "June 13", "12 and 13 June", "hello", "", "3-1",
                                  "20 drones and 3 tanks", "first"])
def test_parse_quantity_rejects(expr: str) -> None:
    assert parse_quantity(expr) is None


PARAGRAPHS = {
    "central_bank": (
        "The European Central Bank cut its deposit rate by 25 basis points to 2.0% on Thursday, its eighth "
        "cut since June 2024. President Christine Lagarde said inflation would average 2.1 per cent in 2025 "
        "and 1.6% in 2026. Some 19 of the 26 governors backed the move; markets had priced in a roughly 80 "
        "percent chance of a cut. The bank holds about €4.5 trillion of bonds and stops reinvesting €15bn a "
        "month."),
    "earthquake": (
        "A magnitude 6.2 earthquake struck at 4:17am on Monday, February 6, 2023, killing at least 1,500 "
        "people and injuring more than 10,000. The quake hit at a depth of 10 km, about 33 km from Gaziantep."
        " "
        "Rescue teams from 65 countries joined the search; one survivor was pulled out after 128 hours. It "
        "was the deadliest quake since 1999, when some 17,000 people died. No one expected aftershocks of up "
        "to magnitude-7.5 within nine hours."),
    "election": (
        "The Social Democrats won 120 of the 630 seats, up from 98 in 2021, with 25.7 percent of the vote, a "
        "gain of 2.5 percentage points. Turnout was 82.5%, the highest since 1990. Between 2016 and 2020 the "
        "party lost nearly half its members. Four of the nine regional premiers belong to the coalition. "
        "Polls published on 2025-02-20 showed the far right at 20.8 per cent."),
    "football": (
        "Arsenal beat Chelsea 3-1 on Sunday, a week after signing the 24-year-old striker for £40m, rising "
        "to £50m with add-ons, on a five-year contract. He scored twice in 17 minutes. The club, which last "
        "won the league in 2004, has spent more than £1.2bn on transfers since 2015. The 2-2 draw in the "
        "first leg came after a 1-0 defeat in October at the 60,704-seat stadium."),
    "earnings": (
        "Apple reported revenue of $94.9 billion for the quarter ended September 28, up 6% year on year, and "
        "earnings per share of $1.64. Services hit a record US$ 25 billion. The company returned over $29 "
        "billion to shareholders and employs about 161,000 people. Its shares rose 2.3% to $228.52. Analysts "
        "had expected between $94.5 and $95.1 billion. Call +1 408 996 1010 or read the Form 10-K."),
}

EXPECTED_IN_PARAGRAPHS = {
    "central_bank": [("25 basis points", "quantity"), ("2024", "year"), ("Some 19 of the 26", "quantity"),
                     ("about €4.5 trillion", "quantity"), ("eighth", "ordinal")],
    "earthquake": [("magnitude 6.2", "quantity"), ("4:17am", "time_of_day"), ("6", "date_part"),
                   ("at least 1,500", "quantity"), ("one", "quantity"), ("1999", "year"),
                   ("up to magnitude-7.5", "quantity")],
    "election": [("120 of the 630", "quantity"), ("Between 2016 and 2020", "year"),
                 ("Four of the nine", "quantity"), ("2025-02-20", "date_part")],
    "football": [("3", "quantity"), ("1", "quantity"), ("£40m", "quantity"), ("five-year", "quantity"),
                 ("2", "quantity"), ("1", "quantity"), ("0", "quantity"), ("more than £1.2bn", "quantity")],
    "earnings": [("$94.9 billion", "quantity"), ("28", "date_part"), ("over $29 billion", "quantity"),
                 ("+1 408 996 1010", "identifier"), ("Form 10-K", "identifier")],
}


def _check_invariants(text: str, anchors: list[NumberAnchor]) -> None:
    for a in anchors:
        assert 0 <= a.start < a.end <= len(text)
        assert text[a.start:a.end] == a.text
    for prev, nxt in itertools.pairwise(anchors):
        assert prev.end <= nxt.start


@pytest.mark.parametrize("name", sorted(PARAGRAPHS))
def test_paragraph_invariants(name: str) -> None:
    text = PARAGRAPHS[name]
    anchors = find_numbers(text)
    _check_invariants(text, anchors)
    found = {(a.text, a.kind) for a in anchors}
    for expected in EXPECTED_IN_PARAGRAPHS[name]:
        assert expected in found, (expected, sorted(found))


def test_invariants_on_odd_text() -> None:
    text = ("x-1 1- -1 1-x $ 1,2,3 1.2.3.4 ..5 5.. 12,000,00 1e5 ,5 $-5 £ 3 (5) [7] 5/5/5 1/2 10:30:45 "
            "No.5 G-7s 7G a-1b 2nd3 one-two-three twenty twenty-twenty a a dozen an hundred " * 3)
    _check_invariants(text, find_numbers(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("profit of £41m, or 2.5p a share", [("£41m", 41 * M, "GBP"), ("2.5p", 0.025, "GBP")]),
        ("a $5 fee and the 4p engine", [("$5", 5, "USD")]),
        ("down 17.2% by 1030 GMT", [("17.2%", 17.2, "percent"), ("1030", 10.5, "count")]),
    ],
)
def test_glued_pence_and_24_hour_clock(text: str, expected: list[tuple[str, float, str]]) -> None:
    assert [(a.text, pytest.approx(a.value), a.unit) for a in find_numbers(text)] == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Haze from the 2015 fires caused deaths", "year"),
        ("according to a 2016 study", "year"),
        ("made him its number one target", "identifier"),
        ("sent 1500 troops to the border", "quantity"),
    ],
)
def test_years_after_a_determiner_and_number_one(text: str, kind: str) -> None:
    [anchor] = find_numbers(text)
    assert anchor.kind == kind


def test_parse_quantity_reads_what_follows_only_to_tell_a_count_from_a_pronoun() -> None:
    assert parse_quantity("one", after=" shot on target") == (1, None, "count", None)
    assert parse_quantity("12", after="-day war") is None  # the quantity as written would be "12-day"
    assert parse_quantity("2.5p", context="profit of £41m, or ") == (0.025, None, "GBP", None)
    assert parse_quantity("2.5p") is None  # pence only where the money is pounds


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a 3-1 win", [("3", 3), ("1", 1)]),
        ("Arsenal beat Chelsea 2-0 on Sunday", [("2", 2), ("0", 0)]),
        ("When you lose 5-0, it is hard", [("5", 5), ("0", 0)]),
        ("bogey (6-5-5-5-5) to end", [("6", 6), ("5", 5), ("5", 5), ("5", 5), ("5", 5)]),
    ],
)
def test_a_score_is_a_count_per_side(text: str, expected: list[tuple[str, float]]) -> None:
    anchors = find_numbers(text)
    assert [(a.text, a.value) for a in anchors] == expected
    assert {(a.unit, a.kind) for a in anchors} == {("count", "quantity")}


# Units and currencies the libraries know (pint, babel), glued or spaced, in ranges and with signs.
UNITS = [
    pytest.param("a 25-yard run", "25-yard", 25, "other:yard", None, id="yard-adj"),
    pytest.param("which sports 707 horsepower.", "707 horsepower", 707, "other:horsepower", None, id="hp"),
    pytest.param("torque of 645 pound-feet", "645 pound-feet", 645, "other:pound_foot", None, id="lb-ft"),
    pytest.param("a torque of 350 newton metres", "350 newton metres", 350, "other:newton_metre", None,
                 id="newton-metre"),
    pytest.param("towing 7,200 pounds", "7,200 pounds", 7200, "other:pound", None, id="pound-weight"),
    pytest.param("500mg tablets", "500mg", 500, "other:mg", None, id="mg-glued"),
    pytest.param("a 256GB model", "256GB", 256, "other:gb", None, id="gb-glued"),
    pytest.param("with 4 GB of RAM", "4 GB", 4, "other:gb", None, id="gb-spaced"),
    pytest.param("a 4,000mAh battery", "4,000mAh", 4000, "other:mah", None, id="mah"),
    pytest.param("a 5.8in screen", "5.8in", 5.8, "other:inch", None, id="inch-glued"),
    pytest.param("a 6.2-inch screen", "6.2-inch", 6.2, "other:inch", None, id="inch-adj"),
    pytest.param("a 12MP camera", "12MP", 12, "other:megapixel", None, id="mp-glued"),
    pytest.param("a 48-megapixel sensor", "48-megapixel", 48, "other:megapixel", None, id="megapixel"),
    pytest.param("at 60 miles per hour", "60 miles per hour", 60, "other:mph", None, id="mph-words"),
    pytest.param("at 100 mph", "100 mph", 100, "other:mph", None, id="mph"),
    pytest.param("winds of 70km/h", "70km/h", 70, "other:km/h", None, id="kmh-glued"),
    pytest.param("winds of 185 kilometers per hour", "185 kilometers per hour", 185, "other:km/h", None,
                 id="kmh-words"),
    pytest.param("a 6.2-liter V8", "6.2-liter", 6.2, "other:litre", None, id="liter-adj"),
    pytest.param("between 15kHz and 17kHz", "between 15kHz and 17kHz", 15, "other:khz", 17, id="khz-range"),
    pytest.param("highs of 36C", "36C", 36, "other:celsius", None, id="celsius-glued"),
    pytest.param("26.2 miles long", "26.2 miles", 26.2, "other:mile", None, id="miles"),
    pytest.param("it lost minus 5 yards", "minus 5 yards", -5, "other:yard", None, id="minus-word"),
    pytest.param("from $370,000 to $5.5 million", "from $370,000 to $5.5 million", 370_000, "USD", 5.5 * M,
                 id="from-to-range"),
    pytest.param("a net loss of US$55,931,000", "US$55,931,000", 55_931_000, "USD", None, id="us-dollar-plain"),
    pytest.param("sales of RM5 million", "RM5 million", 5 * M, "other:myr", None, id="ringgit-symbol"),
    pytest.param("a HK$2.5bn deal", "HK$2.5bn", 2.5 * B, "other:hkd", None, id="hkd"),
    pytest.param("a ¥500 fee", "¥500", 500, "other:jpy", None, id="yen-sign"),
    pytest.param("JPY 20 billion", "JPY 20 billion", 20 * B, "other:jpy", None, id="jpy-code"),
    pytest.param("worth 500 million yuan", "500 million yuan", 500 * M, "other:cny", None, id="yuan"),
    pytest.param("CNY 3bn in loans", "CNY 3bn", 3 * B, "other:cny", None, id="cny-code"),
    pytest.param("AU$12 million", "AU$12 million", 12 * M, "other:aud", None, id="aud-au"),
    pytest.param("AUD 12 million", "AUD 12 million", 12 * M, "other:aud", None, id="aud-code"),
    pytest.param("12 million Australian dollars", "12 million Australian dollars", 12 * M, "other:aud", None,
                 id="aud-words"),
    pytest.param("shares at C$21.30", "C$21.30", 21.3, "other:cad", None, id="cad"),
    pytest.param("Rs 500 crore", "Rs 500 crore", 5 * B, "other:inr", None, id="rupees-crore"),
    pytest.param("₹2 lakh", "₹2 lakh", 200_000, "other:inr", None, id="rupee-sign-lakh"),
    pytest.param("worth 1.5e6 tonnes", "1.5e6 tonnes", 1.5 * M, "other:tonne", None, id="exponent"),
]


@pytest.mark.parametrize(("text", "span", "value", "unit", "high"), UNITS)
def test_units_and_currencies(text: str, span: str, value: float, unit: str, high: float | None) -> None:
    quantities = [a for a in find_numbers(text) if a.kind == "quantity"]
    assert len(quantities) == 1, quantities
    a = quantities[0]
    assert (a.text, a.unit) == (span, unit)
    assert a.value == pytest.approx(value)
    assert a.value_high == (None if high is None else pytest.approx(high))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a 63-year-old teacher", ("63-year-old", 63, "year")),
        ("Jacob Daniel Burke, 51, of Taneytown", ("51", 51, "year")),
        ("Smith, aged 45, said", ("45", 45, "year")),
        ("Jones (45) said", ("45", 45, "year")),
        ("32 killed, half of them civilians", ("half", 50, "percent")),
        ("less than half of the votes", ("less than half", 50, "percent")),
        ("not seen in a half-century", ("a half-century", 50, "year")),
        ("fells record by more than a minute", ("more than a minute", 1, "minute")),
        ("a new world record in 2 hours 1 minute 39 seconds.", ("2 hours 1 minute 39 seconds", 7299, "other:second")),
        ("coming in at 2 hours, 1 minute, 39 seconds in", ("2 hours, 1 minute, 39 seconds", 7299, "other:second")),
        ("The previous record was 2:02:57, reports", ("2:02:57", 7377, "other:second")),
        ("he served 3 years and 6 months", ("3 years", 3, "year")),
        ("he served 3 years and 6 months", ("6 months", 6, "month")),
        ("reaching +5 on the day", ("+5", 5, "count")),
        ("he was -2 through four holes", ("-2", -2, "count")),
    ],
)
def test_ages_halves_and_compound_durations(text: str, expected: tuple[str, float, str]) -> None:
    quantities = [a for a in find_numbers(text) if a.kind == "quantity"]
    assert expected in [(a.text, a.value, a.unit) for a in quantities]


def test_half_of_a_match_or_year_is_no_figure() -> None:
    text = "in the second half of the season and the first half of 2019"
    assert [a for a in find_numbers(text) if a.kind == "quantity"] == []


@pytest.mark.parametrize(
    ("text", "span"),
    [("the new iPhone 11 costs", "iPhone 11"), ("the S&P 500 index", "S&P 500"),
     ("a Snapdragon 636 chip", "Snapdragon 636"), ("the 787 Dreamliner", "787"), ("a supercharged V8", "V8"),
     ("a Category 4 hurricane", "Category 4")],
)
def test_identifiers_are_not_counts(text: str, span: str) -> None:
    assert [(a.text, a.kind) for a in find_numbers(text)] == [(span, "identifier")]


def test_of_the_total_stops_at_a_compound_adjective() -> None:
    text = "four of the nine-person committee and seven of the nine judges"
    assert [(a.text, a.value, a.noun) for a in find_numbers(text)] == [
        ("four", 4, None), ("nine-person", 9, "person"), ("seven of the nine", 7, "judges")]


@pytest.mark.parametrize("text", [
    "up 1.79e+308 percent", "a gain of 10^400", "999,999,999,999,999,999,999 dollars", "1e400 people",
    "12345678901234567890 people",
])
def test_absurd_or_exponent_values_are_not_figures(text: str) -> None:
    # Never a value the text does not state: not 308 percent, not 10 and 400, not 1e21 USD.
    assert [a for a in find_numbers(text) if a.kind == "quantity"] == []


@pytest.mark.parametrize("invisible", ["\u200d", "\u200b", "\u2060", "\ufeff", "\u00ad"])
def test_invisible_character_inside_a_number_is_not_read(invisible: str) -> None:
    # "$1<ZWJ>.5 billion" shows as $1.5 billion: reading it as $1 (and passing grounded) would be wrong.
    for text in (f"sales of $1{invisible}.5 billion", f"sales of $1.5 bil{invisible}lion", f"a 1{invisible}5 km walk"):
        assert [(a.text, a.value) for a in find_numbers(text) if a.kind == "quantity"] == []
        assert parse_quantity(text.split("of ")[-1]) is None


GOLF = ("Kisner reached -5 and the top of the leaderboard thanks to birdies through 13, 14 and 15. Johnson "
        "carded a +5 round of 76. Koepka scorched through the back nine with five birdies, but a run of bogey, "
        "par, bogey (6-5-5) left him at 72.")


def test_golf_scores_are_strokes_and_holes_are_labels() -> None:
    found = {(a.text, a.unit, a.kind) for a in find_numbers(GOLF)}
    for score in ("-5", "+5", "76", "6", "5"):
        assert (score, "other:stroke", "quantity") in found, (score, sorted(found))
    for hole in ("13", "14", "15", "nine"):
        assert (hole, "count", "identifier") in found, (hole, sorted(found))
    assert ("five", "count", "quantity") in found  # five birdies: a count


def test_signed_numbers_outside_golf_stay_counts() -> None:
    assert [(a.text, a.value, a.unit) for a in find_numbers("the index moved -5 and then +5 points")][:1] == [
        ("-5", -5, "count")]


@pytest.mark.parametrize(
    ("text", "span", "kind"),
    [
        ("deputies responded to the 4400 block of Baptist Road", "4400", "identifier"),
        ("in two easy steps:\n1. Tap in your navigation bar.", "1", "identifier"),
    ],
)
def test_addresses_and_list_marks_are_labels(text: str, span: str, kind: str) -> None:
    assert (span, kind) in [(a.text, a.kind) for a in find_numbers(text)]


@pytest.mark.parametrize("text", ["neck and neck in the primary two weeks ago", "a year later they met",
                                  "three days earlier"])
def test_relative_time_references_are_not_figures(text: str) -> None:
    assert [a for a in find_numbers(text) if a.kind == "quantity"] == []


def test_a_point_lead_among_percentages_is_percentage_points() -> None:
    text = "Bloomberg won 51 percent to 46 percent, short of the 16-point lead polls gave him."
    assert ("16-point", "percentage_point") in [(a.text, a.unit) for a in find_numbers(text)]
    assert [(a.text, a.unit) for a in find_numbers("a 10-point plan")] == [("10-point", "other:point")]


def test_number_dense_text_reads_the_same_in_place() -> None:
    # parse_quantity_at reads a bounded window; on text packed with numbers it agrees with the full scan.
    from extract.anchors.numbers import parse_quantity_at

    text = " ".join(["12", "3.5%", "$4.5 billion", "7-2", "45 km", "between 5 and 6", "A$3m", "-5",
                     "half of them", "from $370,000 to $5.5 million", "256GB", "four of the nine", "4,000mAh",
                     "GB 1", "5.8in °C 31", "iPhone 11", "Burke, 51,", "2:02:57"] * 20)
    for a in find_numbers(text):
        if a.kind == "quantity":
            assert parse_quantity_at(text, a.start, a.end) == (a.value, a.value_high, a.unit, a.qualifier), a


def test_two_currencies_are_two_figures() -> None:
    assert [(a.text, a.unit) for a in find_numbers("from £1.2m and €500,000")] == [("£1.2m", "GBP"),
                                                                                   ("€500,000", "EUR")]


@pytest.mark.parametrize(("text", "quantity", "value"), [
    ("two backing a quarter-point cut", "quarter-point", 0.25),
    ("cut rates by a quarter point to 4%", "quarter point", 0.25),
    ("a half-point rise in yields", "half-point", 0.5),
    ("raised by a quarter percentage point", "quarter percentage point", 0.25),
])
def test_a_share_of_a_point_is_percentage_points(text: str, quantity: str, value: float) -> None:
    [found] = [n for n in find_numbers(text) if n.unit == "percentage_point"]
    assert (found.text, found.value, text[found.start:found.end]) == (quantity, value, quantity)


def test_a_quarter_of_something_else_is_no_figure() -> None:
    found = find_numbers("first-quarter profit; a quarter of the staff; quarter-final")
    assert [n.text for n in found if n.kind == "quantity"] == []


@pytest.mark.parametrize(
    ("text", "span", "low", "high"),
    [
        ("they stayed three or four days", "three or four days", 3, 4),
        ("one or two goals a game", "one or two", 1, 2),
        ("growth of 5% or 6% a year", "5% or 6%", 5, 6),
    ],
)
def test_x_or_y_is_a_range(text: str, span: str, low: float, high: float) -> None:
    (anchor,) = [a for a in find_numbers(text) if a.kind == "quantity"]
    assert (anchor.text, anchor.value, anchor.value_high) == (span, low, high)


@pytest.mark.parametrize("text", ["in 2016 or 2017", "1 or 100 people"])
def test_x_or_y_far_apart_is_no_range(text: str) -> None:
    assert all(a.value_high is None for a in find_numbers(text))


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("the car stopped near milepost 256, police said", ["256"]),
        ("stay inside and call 911 if you are hurt", ["911"]),
        ("when the committee next meets on December 15 and 16.", ["16"]),
        ("talks with UFCW Locals 328, 371 and 919 ended", ["328", "371", "919"]),
        ("the Standard & Poor’s 500 index fell", ["500"]),
    ],
)
def test_labels_are_identifiers_not_figures(text: str, labels: list[str]) -> None:
    found = [a.text.split()[-1] for a in find_numbers(text) if a.kind == "identifier"]
    assert found == labels
    assert not [a for a in find_numbers(text) if a.kind == "quantity"]


def test_a_count_after_a_district_noun_is_still_a_count() -> None:
    assert [a.kind for a in find_numbers("The district closed 4 schools and 5 clinics")] == ["quantity", "quantity"]


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("a crowd of 5 000 fans", "5 000", 5000),
        ("a crowd of 12\u00a0500 fans watched", "12\u00a0500", 12500),
        ("the index rose 5 000.5 points", "5 000.5 points", 5000.5),
    ],
)
def test_thousands_grouped_by_spaces(text: str, span: str, value: float) -> None:
    (anchor,) = [a for a in find_numbers(text) if a.kind == "quantity"]
    assert (anchor.text, anchor.value) == (span, value)


def test_a_year_then_a_count_is_not_one_number() -> None:
    assert [a.value for a in find_numbers("the 2019 500 race")] == [2019, 500]
