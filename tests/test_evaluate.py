"""The matching rules of extract.evaluate, on small hand-built examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from extract.evaluate import (
    GoldArticle,
    GoldError,
    GoldEvent,
    GoldFigure,
    GoldStatement,
    Span,
    evaluate,
    format_report,
    greedy_match,
    load_gold,
    names_match,
)

TEXT = (
    "Revenue rose to $1,200 million, the company said. "  # 0..49
    "“We are very pleased with the quarter,” said Dana Whitfield. "
    "Analysts expect $1,300 million next year."
)


def span(text: str, snippet: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(snippet, start + 1)
    return Span(start, start + len(snippet), snippet)


def ev(s: Span) -> dict[str, Any]:
    return {"text": s.text, "start": s.start, "end": s.end}


def article(
    text: str = TEXT,
    *,
    figures: tuple[GoldFigure, ...] = (),
    statements: tuple[GoldStatement, ...] = (),
    events: tuple[GoldEvent, ...] = (),
    article_id: str = "a1",
) -> GoldArticle:
    return GoldArticle(
        id=article_id,
        path=Path(f"{article_id}.txt"),
        text=text,
        published=None,
        figures=figures,
        statements=statements,
        events=events,
    )


def line(article_id: str = "a1", **items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "article": {"id": article_id},
        "figures": items.get("figures", []),
        "statements": items.get("statements", []),
        "events": items.get("events", []),
    }


def fig(value: float, unit: str, s: Span, **extra: Any) -> dict[str, Any]:
    return {"id": "f1", "value": value, "unit": unit, "about": None, "source": None, "evidence": ev(s), **extra}


def stm(speaker: str | None, s: Span, kind: str = "quote") -> dict[str, Any]:
    return {"id": "s1", "speaker": speaker, "kind": kind, "text": s.text, "date": None, "evidence": ev(s)}


def evt(s: Span | None, actors: list[str], date: str | None) -> dict[str, Any]:
    evidence = ev(s) if s is not None else None
    return {"id": "e1", "kind": "other", "summary": "", "actors": actors, "date": date, "location": None,
            "evidence": evidence}  # fmt: skip


GOLD_FIGURE = GoldFigure(1.2e9, "USD", "revenue", None, span(TEXT, "$1,200 million"))


# ------------------------------------------------------------------------------------------------ figures


def test_figure_with_right_value_and_overlap_is_a_hit() -> None:
    report = evaluate({"a1": article(figures=(GOLD_FIGURE,))}, [line(figures=[fig(1.2e9, "USD", span(TEXT, "1,200"))])])
    assert (report.totals["figures"].tp, report.totals["figures"].fp, report.totals["figures"].fn) == (1, 0, 0)
    assert report.totals["figures_unit"].tp == 1


def test_figure_with_right_value_but_no_overlap_is_a_miss() -> None:
    wrong_place = span(TEXT, "$1,300 million")
    report = evaluate({"a1": article(figures=(GOLD_FIGURE,))}, [line(figures=[fig(1.2e9, "USD", wrong_place)])])
    counts = report.totals["figures"]
    assert (counts.tp, counts.fp, counts.fn) == (0, 1, 1)
    assert counts.precision == 0.0 and counts.recall == 0.0 and counts.f1 == 0.0


def test_figure_with_wrong_value_is_a_miss() -> None:
    # "$1,300 million" predicted where gold has 1,200 million: overlapping span, different value.
    report = evaluate(
        {"a1": article(figures=(GOLD_FIGURE,))}, [line(figures=[fig(1.3e9, "USD", GOLD_FIGURE.evidence)])]
    )
    assert report.totals["figures"].tp == 0
    assert report.totals["figures"].fn == 1


def test_figure_value_tolerance_is_relative() -> None:
    close = 1.2e9 * (1 + 1e-12)
    report = evaluate(
        {"a1": article(figures=(GOLD_FIGURE,))}, [line(figures=[fig(close, "USD", GOLD_FIGURE.evidence)])]
    )
    assert report.totals["figures"].tp == 1


def test_figure_unit_is_scored_separately() -> None:
    report = evaluate(
        {"a1": article(figures=(GOLD_FIGURE,))}, [line(figures=[fig(1.2e9, "EUR", GOLD_FIGURE.evidence)])]
    )
    assert report.totals["figures"].tp == 1
    assert report.totals["figures_unit"].tp == 0
    assert report.totals["figures_unit"].fn == 1


def test_ranges_match_only_when_both_bounds_match() -> None:
    text = "Revenue of between $1.2 and $1.35 billion is expected."
    s = span(text, "between $1.2 and $1.35 billion")
    gold = {"a1": article(text, figures=(GoldFigure(1.2e9, "USD", "guidance", None, s, value_high=1.35e9),))}
    both = evaluate(gold, [line(figures=[fig(1.2e9, "USD", s, value_high=1.35e9)])])
    low_only = evaluate(gold, [line(figures=[fig(1.2e9, "USD", s)])])
    wrong_high = evaluate(gold, [line(figures=[fig(1.2e9, "USD", s, value_high=1.3e9)])])
    assert both.totals["figures"].tp == 1
    assert low_only.totals["figures"].tp == 0
    assert wrong_high.totals["figures"].tp == 0


def test_predicted_range_never_matches_a_single_gold_value() -> None:
    report = evaluate(
        {"a1": article(figures=(GOLD_FIGURE,))},
        [line(figures=[fig(1.2e9, "USD", GOLD_FIGURE.evidence, value_high=1.3e9)])],
    )
    assert report.totals["figures"].tp == 0


def test_figure_quantity_span_is_preferred_over_sentence_evidence() -> None:
    sentence = span(TEXT, "Analysts expect $1,300 million next year.")
    gold_fig = GoldFigure(1.3e9, "USD", "forecast", None, span(TEXT, "$1,300 million"))
    pred = fig(1.3e9, "USD", sentence, quantity=ev(span(TEXT, "$1,300 million")))
    report = evaluate({"a1": article(figures=(gold_fig,))}, [line(figures=[pred])])
    assert report.totals["figures"].tp == 1
    assert report.grounded == 1


# --------------------------------------------------------------------------------------------- statements


def _overlap_case(overlap_chars: int) -> tuple[GoldArticle, dict[str, Any]]:
    """Gold span of 100 characters and a predicted span of 100 that share ``overlap_chars``."""
    text = "x" * 300
    gold_span = Span(100, 200, "x" * 100)
    start = 200 - overlap_chars
    pred_span = Span(start, start + 100, "x" * 100)
    gold = article(text, statements=(GoldStatement("Dana Whitfield", "reported", "x", gold_span),))
    return gold, line(statements=[stm("Whitfield", pred_span, kind="reported")])


def test_statement_needs_30_percent_overlap_of_the_shorter_span() -> None:
    gold, pred29 = _overlap_case(29)
    assert evaluate({"a1": gold}, [pred29]).totals["statements"].tp == 0
    gold, pred31 = _overlap_case(31)
    assert evaluate({"a1": gold}, [pred31]).totals["statements"].tp == 1


def test_statement_overlap_uses_the_shorter_span() -> None:
    text = "x" * 400
    sentence = Span(0, 300, "x" * 300)
    quote = Span(100, 140, "x" * 40)  # 40 chars, fully inside: 100% of the shorter span
    gold = article(text, statements=(GoldStatement("Dana Whitfield", "reported", "x", sentence),))
    assert evaluate({"a1": gold}, [line(statements=[stm("Whitfield", quote)])]).totals["statements"].tp == 1


def test_statement_speaker_must_match() -> None:
    q = span(TEXT, "“We are very pleased with the quarter,”")
    gold = article(statements=(GoldStatement("Dana Whitfield", "quote", q.text[1:-1], q),))
    assert evaluate({"a1": gold}, [line(statements=[stm("Dana Whitfield", q)])]).totals["statements"].tp == 1
    assert evaluate({"a1": gold}, [line(statements=[stm("Chief Executive Whitfield", q)])]).totals["statements"].tp == 1
    assert evaluate({"a1": gold}, [line(statements=[stm("Dana Smith", q)])]).totals["statements"].tp == 0
    assert evaluate({"a1": gold}, [line(statements=[stm(None, q)])]).totals["statements"].tp == 0


def test_statement_kind_is_scored_separately() -> None:
    q = span(TEXT, "“We are very pleased with the quarter,”")
    gold = article(statements=(GoldStatement("Dana Whitfield", "quote", q.text[1:-1], q),))
    report = evaluate({"a1": gold}, [line(statements=[stm("Whitfield", q, kind="reported")])])
    assert report.totals["statements"].tp == 1
    assert report.totals["statements_kind"].tp == 0


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        ("Tiago Araújo", "Araujo", True),
        ("Milena Vuković", "MILENA VUKOVIC", True),
        ("Masoud Pezeshkian", "President Masoud Pezeshkian", True),
        ("Masoud Pezeshkian", "Masoud", False),
        ("Masoud Pezeshkian", "Pezeshkian's office", False),
        ("Iranian presidential office", "Iranian presidential office", True),
        ("Iranian presidential office", "presidential office of Iran", True),
        ("Iranian presidential office", "Azerbaijani government", False),
        ("Redbank Resources", "Redbank", True),
        ("Norvale Systems", "Norvale Systems Inc.", True),
        ("Stockholm International Peace Research Institute (SIPRI)", "SIPRI", True),
        ("Monetary Policy Committee", "Bank of England Monetary Policy Committee", True),
        ("Treasury", "Treasury", True),
        ("Vietnam's foreign ministry", "Vietnamese foreign ministry", True),
        ("Vietnam's foreign ministry", "Philippine foreign ministry", False),
        (None, "Anyone", False),
    ],
)
def test_names_match(gold: str | None, predicted: str, expected: bool) -> None:
    assert names_match(gold, predicted) is expected


# ------------------------------------------------------------------------------------------------- events

EVENT_TEXT = "The court ruled on Thursday. The company said it would appeal. Shares fell."


def _gold_event(date: str | None = "2025-08-14") -> GoldArticle:
    s = span(EVENT_TEXT, "The court ruled on Thursday.")
    return article(EVENT_TEXT, events=(GoldEvent("ruling", "ruling", ("Redbank Resources",), date, None, s),))


def test_event_matches_by_overlap_alone() -> None:
    pred = evt(span(EVENT_TEXT, "court ruled"), [], None)
    assert evaluate({"a1": _gold_event()}, [line(events=[pred])]).totals["events"].tp == 1


def test_event_matches_by_date_and_actor_without_overlap() -> None:
    pred = evt(span(EVENT_TEXT, "Shares fell."), ["Redbank"], "2025-08-14")
    assert evaluate({"a1": _gold_event()}, [line(events=[pred])]).totals["events"].tp == 1


def test_event_needs_both_date_and_actor_without_overlap() -> None:
    elsewhere = span(EVENT_TEXT, "Shares fell.")
    wrong_date = evt(elsewhere, ["Redbank Resources"], "2025-08-13")
    wrong_actor = evt(elsewhere, ["Helen Moriarty"], "2025-08-14")
    assert evaluate({"a1": _gold_event()}, [line(events=[wrong_date])]).totals["events"].tp == 0
    assert evaluate({"a1": _gold_event()}, [line(events=[wrong_actor])]).totals["events"].tp == 0


def test_null_dates_never_match_by_date() -> None:
    pred = evt(span(EVENT_TEXT, "Shares fell."), ["Redbank Resources"], None)
    assert evaluate({"a1": _gold_event(date=None)}, [line(events=[pred])]).totals["events"].tp == 0


# ------------------------------------------------------------------------------------------ one-to-one


def test_matching_is_one_to_one() -> None:
    duplicate = fig(1.2e9, "USD", GOLD_FIGURE.evidence)
    report = evaluate({"a1": article(figures=(GOLD_FIGURE,))}, [line(figures=[duplicate, duplicate])])
    counts = report.totals["figures"]
    assert (counts.tp, counts.fp, counts.fn) == (1, 1, 0)
    assert counts.precision == 0.5 and counts.recall == 1.0


def test_greedy_matching_takes_the_best_overlap_first() -> None:
    # The pipeline's quote lies inside the gold reported sentence as well as on the gold quote: the exact
    # quote pairs with the quote, the sentence with the sentence, although both pairs qualify both ways.
    text = "Aliyev denied the claims, saying Azerbaijan “would not in any way allow it.”"
    sentence = Span(0, len(text), text)
    quote = span(text, "“would not in any way allow it.”")
    gold = article(
        text,
        statements=(
            GoldStatement("Ilham Aliyev", "denial", text, sentence),
            GoldStatement("Ilham Aliyev", "quote", quote.text[1:-1], quote),
        ),
    )
    feed = line(statements=[stm("Aliyev", quote, "quote"), stm("Aliyev", sentence, "denial")])
    report = evaluate({"a1": gold}, [feed])
    assert report.totals["statements"].tp == 2
    assert report.totals["statements_kind"].tp == 2


def test_greedy_match_breaks_ties_by_text_order() -> None:
    pairs = greedy_match(2, 2, lambda i, j: (1.0,))
    assert pairs == [(0, 0), (1, 1)]


# ----------------------------------------------------------------------------------------------- grounded


def test_grounded_rate_counts_a_wrong_span() -> None:
    good = fig(1.2e9, "USD", GOLD_FIGURE.evidence)
    shifted = fig(1.2e9, "USD", Span(GOLD_FIGURE.evidence.start + 1, GOLD_FIGURE.evidence.end + 1, "$1,200 million"))
    missing = {"id": "s1", "speaker": "Whitfield", "kind": "quote", "text": "x", "date": None}
    report = evaluate({"a1": article(figures=(GOLD_FIGURE,))}, [line(figures=[good, shifted], statements=[missing])])
    assert report.predicted == 3
    assert report.grounded == 1
    assert report.grounded_rate == pytest.approx(1 / 3)
    assert report.articles["a1"].grounded == 1


def test_grounded_rate_ignores_unscored_articles() -> None:
    good = fig(1.2e9, "USD", GOLD_FIGURE.evidence)
    bogus = fig(1.0, "count", Span(0, 3, "zzz"))
    report = evaluate({"a1": article(figures=(GOLD_FIGURE,))}, [line(figures=[good]), line("other", figures=[bogus])])
    assert report.unscored == ["other"]
    assert (report.grounded, report.predicted) == (1, 1)


# ---------------------------------------------------------------------------------------- report, totals


def test_missing_articles_count_as_all_missed() -> None:
    a1 = article(figures=(GOLD_FIGURE,))
    a2 = article(figures=(GOLD_FIGURE,), article_id="a2")
    report = evaluate({"a1": a1, "a2": a2}, [line(figures=[fig(1.2e9, "USD", GOLD_FIGURE.evidence)])])
    assert report.missing == ["a2"]
    counts = report.totals["figures"]
    assert (counts.tp, counts.fp, counts.fn) == (1, 0, 1)
    assert counts.recall == 0.5
    assert report.articles["a2"].in_feed is False
    assert report.articles["a2"].counts["figures"].recall == 0.0


def test_micro_average_sums_counts_over_articles() -> None:
    three = tuple(GoldFigure(1.0, "count", None, None, Span(i, i + 1, "x")) for i in range(3))
    one = (GoldFigure(1.0, "count", None, None, Span(0, 1, "x")),)
    gold = {"a1": article("xxxx", figures=three), "a2": article("xxxx", figures=one, article_id="a2")}
    hit = fig(1.0, "count", Span(0, 1, "x"))
    report = evaluate(gold, [line("a1", figures=[hit]), line("a2", figures=[hit])])
    assert report.totals["figures"].recall == pytest.approx(2 / 4)  # not the mean of 1/3 and 1/1


def test_empty_gold_and_empty_prediction_score_one() -> None:
    report = evaluate({"a1": article()}, [line()])
    assert report.totals["events"].f1 == 1.0
    assert report.grounded_rate == 1.0


def test_format_report_lists_types_articles_and_missing() -> None:
    gold = {"a1": article(figures=(GOLD_FIGURE,)), "a2": article(article_id="a2")}
    text = format_report(evaluate(gold, [line(figures=[fig(1.2e9, "USD", GOLD_FIGURE.evidence)])]), details=True)
    for expected in ("figures", "figures_unit", "statements", "events", "grounded", "missing from feed", "a1", "a2"):
        assert expected in text


# ----------------------------------------------------------------------------------------------- loading


def test_load_gold_reads_front_matter_articles(tmp_path: Path) -> None:
    gold_dir = tmp_path / "gold"
    (gold_dir / "articles").mkdir(parents=True)
    (gold_dir / "annotations").mkdir()
    body = "PARIS (Wire) - Prices rose 2% on Tuesday.\n"
    (gold_dir / "articles" / "x.md").write_text("---\ntitle: T\npublished: 2025-03-20\n---\n" + body, encoding="utf-8")
    s = span(body, "2%")
    annotation = {
        "id": "x",
        "path": "gold/articles/x.md",
        "figures": [{"value": 2, "unit": "percent", "about": "prices", "source": None, "evidence": ev(s)}],
        "statements": [],
        "events": [],
    }
    (gold_dir / "annotations" / "x.json").write_text(json.dumps(annotation), encoding="utf-8")
    gold = load_gold(gold_dir)
    assert gold["x"].text == body
    assert gold["x"].published == "2025-03-20"
    assert gold["x"].figures[0].evidence == s

    annotation["figures"][0]["evidence"]["start"] += 1  # type: ignore[index]
    (gold_dir / "annotations" / "x.json").write_text(json.dumps(annotation), encoding="utf-8")
    with pytest.raises(GoldError):
        load_gold(gold_dir)
