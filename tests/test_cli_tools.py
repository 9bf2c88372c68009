"""``eval --json``, ``eval`` and ``check`` on inputs that cannot be read: one error line, no traceback, and
no empty report standing in for a feed that was never read."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from extract.cli import cli
from extract.evaluate import evaluate, load_gold, read_feed
from schemas import feed_json_schema

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
GOLD = REPO / "gold"


@pytest.fixture(scope="module")
def seed_feed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("feed") / "out"
    result = CliRunner().invoke(cli, [str(SEEDS), "--backend", "rules", "--out", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    return out / "facts.jsonl"


def test_eval_json_is_the_same_scores_as_the_table(seed_feed: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", str(seed_feed), "--gold", str(GOLD), "--json", "--details"])
    assert result.exit_code == 0, result.stderr
    scores = json.loads(result.stdout)
    expected = evaluate(load_gold(GOLD), read_feed(seed_feed))
    assert set(scores) == {"totals", "grounded", "missing", "unscored", "articles"}
    for item_type, counts in expected.totals.items():
        assert scores["totals"][item_type] == {"tp": counts.tp, "fp": counts.fp, "fn": counts.fn,
                                               "precision": counts.precision, "recall": counts.recall,
                                               "f1": counts.f1}
    assert scores["grounded"] == {"grounded": expected.grounded, "predicted": expected.predicted,
                                  "rate": expected.grounded_rate}
    assert scores["missing"] == expected.missing and scores["unscored"] == expected.unscored
    assert sorted(scores["articles"]) == sorted(expected.articles)
    seed = scores["articles"][sorted(p.stem for p in SEEDS.glob("*.txt"))[0]]
    assert seed["in_feed"] and set(seed) == {"in_feed", "grounded", "predicted", "counts", "missed", "spurious"}
    table = CliRunner().invoke(cli, ["eval", str(seed_feed), "--gold", str(GOLD)])
    f1 = expected.totals["statements"].f1
    assert f"{f1:>8.3f}" in next(line for line in table.stdout.splitlines() if line.startswith("statements "))


def test_eval_without_gold_annotations_is_one_error(seed_feed: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", str(seed_feed), "--gold", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path}: no gold annotations (expected {tmp_path / 'annotations'}/*.json)\n"
    assert result.stdout == ""


@pytest.mark.parametrize(("content", "reason"), [
    ('{"article": {}}\n{"bad\n', "2: not a feed line: not JSON (Unterminated string starting at)"),
    ("[1, 2]\n", "1: not a feed line: not a JSON object"),
])
def test_eval_of_a_malformed_feed_is_one_error_naming_the_line(tmp_path: Path, content: str, reason: str) -> None:
    feed = tmp_path / "facts.jsonl"
    feed.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", str(feed), "--gold", str(GOLD)])
    assert result.exit_code == 1
    assert result.stderr == f"error: {feed}:{reason}\n"
    assert result.stdout == ""


def test_check_on_a_missing_feed_prints_one_error_and_no_report(tmp_path: Path) -> None:
    missing = tmp_path / "missing.jsonl"
    result = CliRunner().invoke(cli, ["check", str(missing)])
    assert result.exit_code == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {missing}: ")
    written = CliRunner().invoke(cli, ["check", str(missing), "--out", str(tmp_path / "report.json")])
    assert written.exit_code == 1 and not (tmp_path / "report.json").exists()


def test_check_still_reports_on_the_feeds_it_could_read(seed_feed: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.jsonl"
    result = CliRunner().invoke(cli, ["check", str(seed_feed), str(missing)])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert len(report["articles"]) == 5
    assert result.stderr.splitlines()[0].startswith(f"error: {missing}: ")


def test_newsfacts_is_the_same_command_line(tmp_path: Path) -> None:
    scripts = {e.name: e.value for e in importlib.metadata.entry_points(group="console_scripts")
               if e.dist is not None and e.dist.name == "newsfacts"}
    assert scripts == {"extract": "extract.cli:main", "newsfacts": "extract.cli:main"}
    outputs = []
    for module in ("newsfacts", "extract"):
        done = subprocess.run([sys.executable, "-m", module, "schema"], capture_output=True, text=True,
                              cwd=tmp_path, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1] and outputs[0]["title"] == feed_json_schema()["title"]
