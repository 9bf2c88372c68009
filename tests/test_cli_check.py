"""`run` writes report.json; `check` re-checks any feed and reports across articles; `eval` scores a feed."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from extract.cli import cli
from schemas import report_json_schema

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
GOLD = Path(__file__).resolve().parent.parent / "gold"


def test_run_writes_a_valid_report_and_check_reproduces_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, [str(SEEDS), "--backend", "rules", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(report_json_schema()).validate(report)
    assert "cross-check: 5 articles" in result.stderr
    twelve = [g for g in report["figure_groups"] if g["unit"] == "day"]
    assert [g["verdict"] for g in twelve] == ["agree"]

    checked = CliRunner().invoke(cli, ["check", str(out / "facts.jsonl"), "--out", str(tmp_path / "r.json")])
    assert checked.exit_code == 0, checked.output
    again = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report.pop("built_from")["size"] == (out / "facts.jsonl").stat().st_size
    assert again.pop("built_from") is None
    assert again == report


def test_check_names_a_bad_feed_line_and_still_reports(tmp_path: Path) -> None:
    out = tmp_path / "out"
    CliRunner().invoke(cli, [str(SEEDS), "--backend", "rules", "--out", str(out), "-q"])
    feed = out / "facts.jsonl"
    feed.write_text(feed.read_text(encoding="utf-8") + '{"article": {}}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(feed)])
    assert result.exit_code == 1
    assert f"{feed}:6: not a feed line" in result.stderr
    assert json.loads(result.stdout)["articles"][0] == "000_2ef88da32bef47c9"


def test_check_flags_a_tampered_figure(tmp_path: Path) -> None:
    out = tmp_path / "out"
    CliRunner().invoke(cli, [str(SEEDS / "000_2ef88da32bef47c9.txt"), "--backend", "rules", "--out", str(out)])
    feed = out / "facts.jsonl"
    line = json.loads(feed.read_text(encoding="utf-8"))
    line["figures"][0]["value"] = 96.0
    feed.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(feed), "--out", str(tmp_path / "r.json")])
    assert "fail 000_2ef88da32bef47c9 grounded f1: 'approximately 69 percent' reads as 69 percent, not 96 percent" \
        in result.stderr


def test_eval_prints_scores(tmp_path: Path) -> None:
    out = tmp_path / "out"
    CliRunner().invoke(cli, [str(SEEDS), "--backend", "rules", "--out", str(out), "-q"])
    result = CliRunner().invoke(cli, ["eval", str(out / "facts.jsonl"), "--gold", str(GOLD)])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].split() == ["type", "tp", "fp", "fn", "P", "R", "F1"]
    assert "grounded" in result.output


def test_a_resume_that_wrote_nothing_keeps_the_report_and_a_new_article_rebuilds_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = [str(SEEDS), "--backend", "rules", "--out", str(out)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    report = out / "report.json"
    built = report.stat().st_mtime_ns
    assert json.loads(report.read_text(encoding="utf-8"))["built_from"]["size"] == (out / "facts.jsonl").stat().st_size
    assert sorted(p.name for p in out.iterdir()) == ["errors.jsonl", "facts.jsonl", "report.json"]

    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0 and "skipped 5" in again.stderr
    assert "cross-check: 5 articles" in again.stderr and "report.json kept" in again.stderr
    assert report.stat().st_mtime_ns == built, "nothing new: report.json is not rebuilt"

    extra = tmp_path / "extra.txt"
    extra.write_text("The 14-day war between Israel and Iran ended on June 24, officials in Tehran said.\n",
                     encoding="utf-8")
    more = CliRunner().invoke(cli, [*args[:1], str(extra), *args[1:]])
    assert more.exit_code == 0 and "cross-check: 6 articles" in more.stderr
    assert report.stat().st_mtime_ns != built
    assert json.loads(report.read_text(encoding="utf-8"))["articles"][-1] == "extra"
