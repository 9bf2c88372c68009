"""The published JSON Schema is the models' output, and the models reject what the contract forbids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from extract.cli import cli
from schemas import Evidence, Figure, feed_json_schema, report_json_schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schemas" / "feed.schema.json"


def test_committed_schema_matches_the_models() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == feed_json_schema(), "models changed: run `python -m extract schema > schemas/feed.schema.json`"


def test_schema_command_prints_the_schema() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == feed_json_schema()


def test_evidence_length_must_match_its_offsets() -> None:
    with pytest.raises(ValidationError):
        Evidence(text="69 percent", start=10, end=15)


def test_figure_unit_must_be_a_known_unit() -> None:
    span = Evidence(text="12", start=0, end=2)
    with pytest.raises(ValidationError):
        Figure(id="f1", value=12, unit="furlongs", about=None, source=None, quantity=span, evidence=span)
    assert Figure(id="f1", value=12, unit="other:km", about=None, source=None, quantity=span, evidence=span)


REPORT_FILE = SCHEMA_FILE.with_name("report.schema.json")


def test_committed_report_schema_matches_the_models() -> None:
    committed = json.loads(REPORT_FILE.read_text(encoding="utf-8"))
    assert committed == report_json_schema(), "run `python -m extract schema --report > schemas/report.schema.json`"
