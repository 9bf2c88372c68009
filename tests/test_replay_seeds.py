"""End to end over seeds/ with recorded model answers (cassettes), through the same HTTP path as a live run.

Re-record with ``python -m pytest tests/test_replay_seeds.py --record-mode=rewrite`` after
``scripts/setup-local``; CI replays with recording off and the network blocked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from extract.engines.local import run_batch
from extract.model.connect import open_model
from extract.read import iter_articles
from extract.settings import Settings
from extract.write import FeedWriter
from schemas import feed_json_schema

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
# The seeds' quotes are all attributed by the rules now; this article has one that only the model can settle.
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "harbour-flood.md"

# One cassette for the module: every test replays the same recorded answers for the seeds.
pytestmark = [
    pytest.mark.vcr,
    pytest.mark.default_cassette("seeds.yaml"),
    pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1$"]),
]


def _run(settings: Settings, out: Path) -> list[dict[str, Any]]:
    with FeedWriter(str(out)) as writer, open_model(settings) as decider:
        summary = run_batch(iter_articles([str(SEEDS), str(FIXTURE)]), decider, writer)
    assert summary.failed == 0, summary.failures
    return [json.loads(line) for line in (out / "facts.jsonl").read_text(encoding="utf-8").splitlines()]


def _texts() -> dict[str, str]:
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    texts[FIXTURE.stem] = FIXTURE.read_text(encoding="utf-8").split("---\n", 2)[2]
    return texts


def test_seed_feed_validates_and_every_span_is_exact(model_settings: Settings, tmp_path: Path) -> None:
    lines = _run(model_settings, tmp_path / "out")
    texts = _texts()
    validator = jsonschema.Draft202012Validator(feed_json_schema())
    assert [line["article"]["id"] for line in lines] == [*sorted(p.stem for p in SEEDS.glob("*.txt")),
                                                          FIXTURE.stem]
    assert sum(line["extractor"]["model_calls"] for line in lines) > 0, "the model was never asked"
    for line in lines:
        validator.validate(line)
        text = texts[line["article"]["id"]]
        spans = [i["evidence"] for kind in ("figures", "statements", "events") for i in line[kind]]
        spans += [f["quantity"] for f in line["figures"]]
        assert spans
        for span in spans:
            assert text[span["start"] : span["end"]] == span["text"]


def test_sipri_and_twelve_day_figures(model_settings: Settings, tmp_path: Path) -> None:
    lines = {line["article"]["id"]: line for line in _run(model_settings, tmp_path / "out")}
    sipri = [f for f in lines["000_2ef88da32bef47c9"]["figures"] if "69 percent" in f["quantity"]["text"]]
    assert [(f["value"], f["unit"], f["source"]) for f in sipri] == [(69, "percent", "SIPRI")]
    assert sipri[0]["period"] == "2016-2020"
    for seed in ("001_2f07fd0f5ed94aae", "002_0ebfe744452b42cc", "004_0c482b0b10fe7e75"):
        twelve = [f for f in lines[seed]["figures"] if f["quantity"]["text"] == "12-day"]
        assert twelve and all((f["value"], f["unit"]) == (12, "day") for f in twelve), seed


def test_model_settles_a_quote_the_rules_cannot(model_settings: Settings, tmp_path: Path) -> None:
    [line] = [x for x in _run(model_settings, tmp_path / "out") if x["article"]["id"] == FIXTURE.stem]
    assert line["extractor"]["model_calls"] + line["extractor"]["cache_hits"] == 1
    [quote] = [s for s in line["statements"] if s["kind"] == "quote"]
    assert quote["speaker"] in ("Lena Ortiz", "Harbour Board", None)


def test_second_run_makes_no_model_call(model_settings: Settings, tmp_path: Path) -> None:
    first = _run(model_settings, tmp_path / "first")
    second = _run(model_settings, tmp_path / "second")
    assert sum(line["extractor"]["model_calls"] for line in first) > 0
    assert sum(line["extractor"]["model_calls"] for line in second) == 0
    assert sum(line["extractor"]["cache_hits"] for line in second) == sum(
        line["extractor"]["model_calls"] for line in first
    ) + sum(line["extractor"]["cache_hits"] for line in first)
    strip = ("extractor",)
    assert [{k: v for k, v in a.items() if k not in strip} for a in first] == [
        {k: v for k, v in b.items() if k not in strip} for b in second
    ]
