"""Output formats and streams: ``--format jsonl|json``, ``--out -`` (data alone on stdout), the summary line,
exit codes and the shape of errors.jsonl."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from extract.cli import cli

GOOD = "The central bank raised its rate by 25 basis points to 4.5 percent on Thursday, officials said.\n"
OTHER = "Unemployment fell to 3.9 percent in May, the statistics office said on Friday.\n"


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, [*args, "--backend", "rules"], input=stdin)


def inputs(tmp_path: Path) -> Path:
    """Two good articles, a duplicate id, and two bad lines: warnings and errors on stderr."""
    batch = tmp_path / "batch.jsonl"
    lines = [{"id": "x", "text": GOOD}, {"id": "y", "text": OTHER}, {"id": "x", "text": OTHER}, {"id": "z"}]
    batch.write_text("".join(json.dumps(line) + "\n" for line in lines) + "{not json\n", encoding="utf-8")
    return batch


def test_json_format_writes_one_array_beside_the_durable_feed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(str(inputs(tmp_path)), "--out", str(out), "--format", "json")
    assert result.exit_code == 1
    lines = [json.loads(line) for line in (out / "facts.jsonl").read_text("utf-8").splitlines()]
    array = json.loads((out / "facts.json").read_text("utf-8"))
    assert array == lines
    assert [record["article"]["id"] for record in array] == ["x", "y", "x~2"]
    assert f"-> {out / 'facts.json'}" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["errors.jsonl", "facts.json", "facts.jsonl", "report.json"]

    again = run(str(inputs(tmp_path)), "--out", str(out), "--format", "json")  # resumed: the array is the feed
    assert "done 0, skipped 3" in again.stderr
    assert json.loads((out / "facts.json").read_text("utf-8")) == array


def test_stdout_jsonl_carries_feed_lines_only(tmp_path: Path) -> None:
    result = run(str(inputs(tmp_path)), "--out", "-")
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]  # every line is a record, nothing else
    assert [record["article"]["id"] for record in records] == ["x", "y", "x~2"]
    assert result.stdout.endswith("\n")
    for expected in ("backend: rules", "duplicate id 'x'", 'missing "text"', "malformed JSON line",
                     "done 3, skipped 0, cached 0, failed 2", "-> stdout"):
        assert expected in result.stderr
    assert not (Path.cwd() / "-").exists()


def test_stdout_json_is_one_array(tmp_path: Path) -> None:
    result = run("-", "--out", "-", "--format", "json", stdin=json.dumps({"id": "s", "text": GOOD}) + "\n")
    assert result.exit_code == 0
    [record] = json.loads(result.stdout)
    assert record["article"]["id"] == "s"
    assert "done 1" in result.stderr
    empty = run("-", "--out", "-", "--format", "json", stdin="{not json\n")
    assert empty.exit_code == 1 and json.loads(empty.stdout) == []


def test_failures_give_exit_code_1_a_summary_and_error_lines(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "empty.txt").write_text(" \n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(str(tmp_path / "good.txt"), str(tmp_path / "empty.txt"), str(tmp_path / "gone.txt"),
                 "--out", str(out))
    assert result.exit_code == 1
    assert "done 1, skipped 0, cached 0, failed 2;" in result.stderr
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text("utf-8").splitlines()]
    assert errors == [
        {"id": "empty", "input": str(tmp_path / "empty.txt"), "stage": "read", "error": "empty article (no text)"},
        {"id": None, "input": str(tmp_path / "gone.txt"), "stage": "read", "error": "no such file or folder"},
    ]
    assert run(str(tmp_path / "good.txt"), "--out", str(tmp_path / "ok"), "-q").exit_code == 0


def test_quiet_prints_errors_only_and_verbose_reaches_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    quiet = run(str(inputs(tmp_path)), "--out", str(out), "-q")
    assert quiet.exit_code == 1
    lines = quiet.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines)  # no warning, no summary
    assert 'missing "text"' in lines[0] and "malformed JSON line" in lines[1]

    import extract.cli.run

    seen: list[bool] = []
    real = extract.cli.run.open_model

    def spy(settings: Any, **kwargs: Any) -> Any:
        seen.append(settings.verbose)
        return real(settings, **kwargs)

    monkeypatch.setattr(extract.cli.run, "open_model", spy)
    assert run(str(tmp_path / "batch.jsonl"), "--out", str(tmp_path / "v"), "-v").exit_code == 1
    assert run(str(tmp_path / "batch.jsonl"), "--out", str(tmp_path / "w")).exit_code == 1
    assert seen == [True, False]
    both = run(str(tmp_path / "batch.jsonl"), "--out", str(tmp_path / "x"), "-q", "-v")
    assert both.exit_code == 2 and "-q and -v contradict each other" in both.stderr
