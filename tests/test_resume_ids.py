"""Resume: which id each input is written under, and what counts as done.

Ids renamed for duplicates are unique against every id (real ones included), so a rerun finds every line it
wrote and settles; rerunning part of the inputs keeps the others' lines; a line made with another backend,
model or prompt, or whose model requests failed, is extracted again unless ``--resume-on content``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from fault_server import LOOPBACK_ALLOWED_HOSTS, FaultServer, Step, first_option

from extract.cli import cli

GOOD = "The central bank raised its rate by 25 basis points to 4.5 percent on Thursday, officials said."
RULES = ["--backend", "rules"]


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def feed(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "facts.jsonl").read_bytes().split(b"\n") if line]


def story(n: int) -> str:
    return f"{GOOD} Story {n}.\n"


def test_renamed_ids_are_unique_against_real_ones_and_a_rerun_settles(tmp_path: Path) -> None:
    rows = [("a", 1), ("a", 2), ("a~2", 3), ("a", 4), ("a~2", 5)]
    (tmp_path / "ids.jsonl").write_text("".join(json.dumps({"id": i, "text": story(n)}) + "\n" for i, n in rows),
                                        encoding="utf-8")
    out = tmp_path / "out"
    first = run(str(tmp_path / "ids.jsonl"), "--out", str(out), *RULES)
    assert first.exit_code == 0, first.stderr
    records = feed(out)
    ids = [r["article"]["id"] for r in records]
    assert len(set(ids)) == len(rows) == len(records)  # nothing dropped when the feed closed
    assert ids == ["a", "a~2", "a~2~2", "a~3", "a~2~3"]  # first come keeps its id; the rest take free ones
    assert [r["article"]["source"].rsplit(":", 1)[1] for r in records] == ["1", "2", "3", "4", "5"]
    assert f"{tmp_path / 'ids.jsonl'}:3: duplicate id 'a~2', written as 'a~2~2'" in first.stderr
    for _ in range(2):
        again = run(str(tmp_path / "ids.jsonl"), "--out", str(out), *RULES)
        assert again.exit_code == 0
        assert "done 0, skipped 5" in again.stderr
        assert feed(out) == records


def test_rerunning_part_of_the_inputs_keeps_the_others_and_writes_nothing_twice(tmp_path: Path) -> None:
    for folder, n in (("d1", 1), ("d2", 2)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(story(n), encoding="utf-8")
    out = tmp_path / "out"
    assert run(str(tmp_path / "d1"), str(tmp_path / "d2"), "--out", str(out), *RULES).exit_code == 0
    before = feed(out)
    assert [(r["article"]["id"], Path(r["article"]["source"]).parent.name) for r in before] == [
        ("story", "d1"), ("story~2", "d2")]
    subset = run(str(tmp_path / "d2"), "--out", str(out), *RULES)
    assert subset.exit_code == 0, subset.stderr
    assert "done 0, skipped 1" in subset.stderr
    assert (f"{tmp_path / 'd2' / 'story.txt'}: id 'story' is in the feed from another input "
            f"({tmp_path / 'd1' / 'story.txt'}), written as 'story~2'") in subset.stderr
    assert feed(out) == before
    (tmp_path / "d2" / "story.txt").write_text(story(3), encoding="utf-8")  # d2 changes: its own line is replaced
    changed = run(str(tmp_path / "d2"), "--out", str(out), *RULES)
    assert changed.exit_code == 0 and "done 1, skipped 0" in changed.stderr
    after = feed(out)
    assert [r["article"]["id"] for r in after] == ["story", "story~2"] and after[0] == before[0]
    assert after[1]["article"]["sha256"] != before[1]["article"]["sha256"]


def model_args(server: FaultServer, tmp_path: Path) -> list[str]:
    return ["--backend", "openai", "--extraction", "assist", "--base-url", server.base_url, "--model", "fault-model",
            "--cache-dir", str(tmp_path / "cache")]


def write_quotes(path: Path, n: int) -> None:
    """Articles whose quote the rules cannot attribute, so each asks the model one question."""
    path.write_text("".join(json.dumps({"id": f"q{i}", "text": (
        f"Finance Minister Anna Berg met central bank governor Paul Roth in Oslo on Monday to discuss a budget "
        f"that grows by {i + 2} percent next year.\n“Spending on schools in district {i} rises.”\n")}) + "\n"
        for i in range(n)), encoding="utf-8")


ENV = {"OPENAI_API_KEY": "sk-test", "EXTRACT_MAX_RETRIES": "0"}


@pytest.mark.block_network(allowed_hosts=LOOPBACK_ALLOWED_HOSTS)
def test_a_line_made_with_another_configuration_is_extracted_again(tmp_path: Path) -> None:
    write_quotes(tmp_path / "q.jsonl", 3)
    out = tmp_path / "out"
    assert run(str(tmp_path / "q.jsonl"), "--out", str(out), *RULES).exit_code == 0
    with FaultServer(first_option) as server:
        model = run(str(tmp_path / "q.jsonl"), "--out", str(out), *model_args(server, tmp_path), env=ENV)
        assert model.exit_code == 0, model.stderr
        assert "done 3, skipped 0" in model.stderr and server.calls == 3
        assert model.stderr.count("extracted by another configuration (rules, model None") == 1  # said once
        records = feed(out)
        assert [(r["article"]["id"], r["extractor"]["backend"]) for r in records] == [
            ("q0", "openai"), ("q1", "openai"), ("q2", "openai")]  # one line per article: the old ones replaced
        same = run(str(tmp_path / "q.jsonl"), "--out", str(out), *model_args(server, tmp_path), env=ENV)
        assert "done 0, skipped 3" in same.stderr and server.calls == 3
    content = run(str(tmp_path / "q.jsonl"), "--out", str(out), *RULES, "--resume-on", "content")
    assert content.exit_code == 0 and "done 0, skipped 3" in content.stderr
    assert feed(out) == records
    back = run(str(tmp_path / "q.jsonl"), "--out", str(out), *RULES)
    assert "done 3, skipped 0" in back.stderr and {r["extractor"]["backend"] for r in feed(out)} == {"rules"}


@pytest.mark.block_network(allowed_hosts=LOOPBACK_ALLOWED_HOSTS)
def test_a_line_whose_model_failed_is_extracted_again_when_the_model_answers(tmp_path: Path) -> None:
    write_quotes(tmp_path / "q.jsonl", 3)
    out = tmp_path / "out"
    with FaultServer(default=Step.drop_mid_body()) as server:  # unreachable in effect: the rules' answers stand
        down = run(str(tmp_path / "q.jsonl"), "--out", str(out), *model_args(server, tmp_path), env=ENV)
    assert down.exit_code == 0, down.stderr
    assert all(r["extractor"]["model_failures"] for r in feed(out))
    assert "done 3, skipped 0, cached 0, failed 0; 1 model calls, 3 model failures" in down.stderr
    with FaultServer(first_option) as server:
        kept = run(str(tmp_path / "q.jsonl"), "--out", str(out), *model_args(server, tmp_path), "--resume-on",
                   "content", env=ENV)
        assert "done 0, skipped 3" in kept.stderr and server.calls == 0
        up = run(str(tmp_path / "q.jsonl"), "--out", str(out), *model_args(server, tmp_path), env=ENV)
        assert up.exit_code == 0 and "done 3, skipped 0" in up.stderr and server.calls == 3
        assert "whose model requests failed when they were written are extracted again" in up.stderr
        assert [r["extractor"]["model_failures"] for r in feed(out)] == [[], [], []]
        assert {r["statements"][0]["speaker"] for r in feed(out)} <= {"Anna Berg", "Paul Roth"}
        settled = run(str(tmp_path / "q.jsonl"), "--out", str(out), *model_args(server, tmp_path), env=ENV)
        assert "done 0, skipped 3" in settled.stderr and server.calls == 3
    assert Counter(r["article"]["id"] for r in feed(out)) == {"q0": 1, "q1": 1, "q2": 1}


@pytest.mark.block_network(allowed_hosts=LOOPBACK_ALLOWED_HOSTS)
def test_the_summary_counts_model_calls_whose_articles_failed(tmp_path: Path) -> None:
    write_quotes(tmp_path / "q.jsonl", 3)
    with FaultServer(default=Step.status(500)) as server:
        result = run(str(tmp_path / "q.jsonl"), "--out", str(tmp_path / "out"), *model_args(server, tmp_path), env=ENV)
    assert result.exit_code == 1
    assert server.calls == 3
    assert "done 0, skipped 0, cached 0, failed 3; 3 model calls, 3 model failures in " in result.stderr
