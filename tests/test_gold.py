"""The hand-written gold set (gold/) is well-formed and exact: every span indexes its article text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from extract.evaluate import STATEMENT_KINDS, UNIT_PATTERN, Span, evaluate, load_gold, read_article_text

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "gold"
FILES = sorted((GOLD / "annotations").glob("*.json"))
#: Every annotation file of every gold folder (the team's sets and the real-article halves).
SETS = ("annotations", "heldout/annotations", "blind/annotations", "realdev/annotations", "realblind/annotations",
        "realdev2/annotations", "realblind2/annotations")
ALL_FILES = [f for folder in SETS for f in sorted((GOLD / folder).glob("*.json"))]
OPENING_QUOTES = "\"'“‘«”`"  # real pages open with ” and typewriter `` too
CLOSING_QUOTES = "\"'”’»"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _load(file: Path) -> tuple[dict[str, Any], str]:
    data = json.loads(file.read_text(encoding="utf-8"))
    root = file.parent.parent.parent  # as load_gold: relative to the parent of the gold folder
    text, _ = read_article_text(root / data["path"])
    return data, text


def _ids(files: list[Path]) -> list[str]:
    return [f"{f.parent.parent.name}/{f.stem}" for f in files]


def test_gold_set_covers_seeds_and_articles() -> None:
    stems = {f.stem for f in FILES}
    seeds = {p.stem for p in (ROOT / "seeds").glob("*.txt")}
    articles = {p.stem for p in (GOLD / "articles").glob("*.md")}
    assert seeds <= stems
    assert articles <= stems
    assert len(articles) >= 9


def test_every_gold_file_parses() -> None:
    gold = load_gold(GOLD)
    assert set(gold) == {f.stem for f in FILES}
    for article in gold.values():
        assert article.text
        assert article.statements or article.figures or article.events


@pytest.mark.parametrize("file", ALL_FILES, ids=_ids(ALL_FILES))
def test_annotation_shape(file: Path) -> None:
    data, _ = _load(file)
    assert data["id"] == file.stem
    assert not Path(data["path"]).is_absolute() and (file.parent.parent.parent / data["path"]).is_file()
    assert set(data) == {"id", "path", "figures", "statements", "events"}
    for figure in data["figures"]:
        assert {"value", "unit", "about", "source", "evidence"} <= set(figure)
        assert isinstance(figure["value"], int | float)
        if figure.get("value_high") is not None:
            assert figure["value_high"] > figure["value"]
        assert figure["about"]
    for statement in data["statements"]:
        assert {"speaker", "kind", "text", "evidence"} <= set(statement)
        assert statement["speaker"] and statement["text"]
    for event in data["events"]:
        assert {"kind", "summary", "actors", "date", "location", "evidence"} <= set(event)
        assert event["kind"] == event["kind"].lower() and event["summary"]
        assert isinstance(event["actors"], list)
        assert event["date"] is None or ISO_DATE.match(event["date"])


@pytest.mark.parametrize("file", ALL_FILES, ids=_ids(ALL_FILES))
def test_every_evidence_is_exact(file: Path) -> None:
    data, text = _load(file)
    for group in ("figures", "statements", "events"):
        for item in data[group]:
            evidence = item["evidence"]
            assert text[evidence["start"] : evidence["end"]] == evidence["text"], (group, evidence)
            assert evidence["end"] > evidence["start"]


@pytest.mark.parametrize("file", ALL_FILES, ids=_ids(ALL_FILES))
def test_units_are_allowed(file: Path) -> None:
    data, _ = _load(file)
    for figure in data["figures"]:
        assert UNIT_PATTERN.match(figure["unit"]), figure


@pytest.mark.parametrize("file", ALL_FILES, ids=_ids(ALL_FILES))
def test_statement_kinds_and_quote_marks(file: Path) -> None:
    data, text = _load(file)
    for statement in data["statements"]:
        assert statement["kind"] in STATEMENT_KINDS, statement
        if statement["kind"] != "quote":
            continue
        quoted = statement["evidence"]["text"]
        assert quoted[0] in OPENING_QUOTES, quoted
        if statement.get("unclosed"):
            # A quote the source never closes ends where its paragraph (or the article) ends.
            end = statement["evidence"]["end"]
            assert end == len(text) or text[end] == "\n", quoted
        else:
            assert quoted[-1] in CLOSING_QUOTES, quoted
        assert len(statement["text"].split()) >= 3, quoted


@pytest.mark.parametrize("file", ALL_FILES, ids=_ids(ALL_FILES))
def test_no_duplicate_items(file: Path) -> None:
    data, _ = _load(file)
    for group in ("figures", "events"):
        spans = [(i["evidence"]["start"], i["evidence"]["end"]) for i in data[group]]
        assert len(spans) == len(set(spans)), group
    keys = [(s["kind"], s["evidence"]["start"], s["evidence"]["end"]) for s in data["statements"]]
    assert len(keys) == len(set(keys))


def ev(span: Span) -> dict[str, Any]:
    return {"text": span.text, "start": span.start, "end": span.end}


def test_gold_scored_against_itself_is_perfect() -> None:
    gold = load_gold(GOLD)
    feed = []
    for article in gold.values():
        feed.append(
            {
                "article": {"id": article.id},
                "figures": [
                    {"id": f"f{i}", "value": f.value, "value_high": f.value_high, "unit": f.unit, "about": f.about,
                     "source": f.source, "evidence": ev(f.evidence)}
                    for i, f in enumerate(article.figures)
                ],
                "statements": [
                    {"id": f"s{i}", "speaker": s.speaker, "kind": s.kind, "text": s.text, "date": None,
                     "evidence": ev(s.evidence)}
                    for i, s in enumerate(article.statements)
                ],
                "events": [
                    {"id": f"e{i}", "kind": e.kind, "summary": e.summary, "actors": list(e.actors), "date": e.date,
                     "location": e.location, "evidence": ev(e.evidence)}
                    for i, e in enumerate(article.events)
                ],
            }
        )  # fmt: skip
    report = evaluate(gold, feed)
    assert not report.missing
    for item_type, counts in report.totals.items():
        assert counts.fp == 0 and counts.fn == 0, item_type
    assert report.grounded == report.predicted
