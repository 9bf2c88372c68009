"""The Batch API engine against the fake Batch API server (real HTTP on 127.0.0.1): prepare, submit,
status, collect; output in random order, an error file, an expired batch with partial output, 5xx while
polling, a process that stops between submit and collect. Every article ends in the feed or in errors
exactly once, and nothing answered is sent (paid) twice.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from fake_batch_api import LOOPBACK_ALLOWED_HOSTS, FakeBatchAPI, Faults, tool_call_completion
from fault_server import FaultServer, Step

from extract.cli import cli
from extract.engines import batch_api

pytestmark = pytest.mark.block_network(allowed_hosts=LOOPBACK_ALLOWED_HOSTS)

ROOT = Path(__file__).resolve().parent.parent
INPUTS = [str(ROOT / "seeds"), str(ROOT / "tests" / "fixtures" / "dock-strike.md")]
ENV = {"OPENAI_API_KEY": "sk-batch-test", "EXTRACT_MAX_RETRIES": "3"}


def facts_for(body: dict[str, Any]) -> dict[str, Any]:
    """A deterministic answer to a full-extraction request: every listed quantity is a figure, every
    quotation is said by the first person the listing names, the first sentence is an event."""
    user = body["messages"][1]["content"]
    quantities = re.findall(r"^(Q\d+) ", user, re.MULTILINE)
    quotes = re.findall(r"^(U\d+) (S\d+) ", user, re.MULTILINE)
    people = re.findall(r"^- (.+) \(person\)$", user, re.MULTILINE)
    return {
        "figures": [{"quantity": q, "unit": None, "about": "a reported figure", "counted": None, "source": None,
                     "period": None} for q in quantities],
        "statements": [{"quote": u, "sentences": [s], "speaker": people[0], "kind": "quote", "claim": "what was said"}
                       for u, s in quotes if people],
        "events": [{"sentence": "S1", "kind": "other", "summary": "what happened", "actors": [], "time": None,
                    "location": None}],
    }


def responder(body: dict[str, Any]) -> dict[str, Any]:
    return tool_call_completion(body, facts_for(body))


def cli_run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env={**ENV, **(env or {})})


def prepared(tmp_path: Path, *extra: str) -> Path:
    out = tmp_path / "run"
    result = cli_run("batch", "prepare", *INPUTS, "--out", str(out), "--model", "gpt-4o-mini", *extra)
    assert result.exit_code == 0, result.stderr
    return out


def request_lines(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for path in sorted((out / "batch").glob("requests-*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines()]


def feed(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def comparable(line: dict[str, Any]) -> dict[str, Any]:
    """A record without what differs between runs and engines: run id, timing, answer counters, source."""
    extractor = {k: v for k, v in line["extractor"].items()
                 if k not in ("run_id", "model_seconds", "model_calls", "cache_hits", "attempts", "usage")}
    article = {k: v for k, v in line["article"].items() if k != "source"}
    return {**line, "extractor": extractor, "article": article}


def run_to_the_end(out: Path, server: FakeBatchAPI) -> Result:
    base = ["--base-url", server.base_url]
    assert cli_run("batch", "submit", str(out), *base).exit_code == 0
    assert cli_run("batch", "status", str(out), "--wait", "--poll", "0.02", *base).exit_code == 0
    return cli_run("batch", "collect", str(out), *base)


def test_prepare_writes_one_request_line_per_question(tmp_path: Path) -> None:
    out = prepared(tmp_path)
    lines = request_lines(out)
    assert len(lines) == 6  # five seeds and the fixture, one full-extraction request each
    for line in lines:
        assert set(line) == {"custom_id", "method", "url", "body"}
        assert line["method"] == "POST" and line["url"] == "/v1/chat/completions"
        assert re.fullmatch(r"nf-[0-9a-f]{40}", line["custom_id"])
        body = line["body"]
        assert body["model"] == "gpt-4o-mini" and body["tool_choice"]["function"]["name"] == "FactsAnswer"
    assert len({line["custom_id"] for line in lines}) == len(lines)
    state = json.loads((out / "batch" / "state.json").read_text(encoding="utf-8"))
    assert state["model"] == "gpt-4o-mini" and state["extraction"] == "full"
    assert [s["requests"] for s in state["shards"]] == [6] and not (out / "facts.jsonl").exists()
    # Prepared twice into the same folder: refused, nothing touched.
    again = cli_run("batch", "prepare", *INPUTS, "--out", str(out))
    assert again.exit_code == 2 and "already prepared" in again.stderr


def test_shards_stay_under_the_request_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_api, "MAX_REQUESTS", 4)
    out = prepared(tmp_path)
    state = batch_api.BatchState.load(out / "batch")
    assert [s.requests for s in state.shards] == [4, 2]
    assert sum(1 for _ in request_lines(out)) == 6


def test_batch_round_trip_gives_the_live_records(tmp_path: Path) -> None:
    out = prepared(tmp_path)
    with FakeBatchAPI(responder, faults=Faults(shuffle_seed=7)) as server:
        result = run_to_the_end(out, server)
        assert not server.responder_errors
    assert result.exit_code == 0, result.stderr
    batched = feed(out / "facts.jsonl")
    assert len(batched) == 6 and (out / "report.json").exists()
    # The same answers, live, through the fault server: the same records.
    with FaultServer(lambda body: Step.ok(facts_for(body))) as live:
        done = cli_run(*INPUTS, "--out", str(tmp_path / "live"), "--backend", "openai", "--base-url", live.base_url,
                       "--model", "gpt-4o-mini", "--extraction", "full", "--cache-dir", str(tmp_path / "cache"), "-q")
    assert done.exit_code == 0, done.stderr
    assert [comparable(x) for x in batched] == [comparable(x) for x in feed(tmp_path / "live" / "facts.jsonl")]
    assert any(item["by"] == "model" for line in batched for item in line["figures"])


def test_failed_and_expired_requests_are_resubmitted_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_api, "MAX_REQUESTS", 3)  # two shards: the first has a failure, the second expires
    out = prepared(tmp_path)
    ids = [line["custom_id"] for line in request_lines(out)]
    first = Faults(fail_ids={ids[1]}, shuffle_seed=3)
    second = Faults(expire_after=1)
    with FakeBatchAPI(responder, batch_faults=[first, second]) as server:
        partial = run_to_the_end(out, server)
        assert partial.exit_code == 1  # three articles wait for their answers
        assert len(feed(out / "facts.jsonl")) == 3 and len(feed(out / "errors.jsonl")) == 3
        assert all("has no answer" in e["error"] for e in feed(out / "errors.jsonl"))
        final = run_to_the_end(out, server)
        assert final.exit_code == 0, final.stderr
        executions = server.executions
        retried = server.batches[-1].custom_ids
    assert sorted(retried) == sorted([ids[1], ids[4], ids[5]])  # the failed and the expired, alone
    assert all(executions[i] == 1 for i in ids if i != ids[1])  # nothing answered was run twice
    lines = feed(out / "facts.jsonl")
    assert sorted(x["article"]["id"] for x in lines) == sorted({x["article"]["id"] for x in lines})
    assert len(lines) == 6 and feed(out / "errors.jsonl") == []


def test_5xx_while_polling_is_retried(tmp_path: Path) -> None:
    out = prepared(tmp_path)
    with FakeBatchAPI(responder, faults=Faults(poll_errors=[500, 503, 502, 500, 503])) as server:
        result = run_to_the_end(out, server)
    assert result.exit_code == 0, result.stderr
    assert len(feed(out / "facts.jsonl")) == 6


def test_a_batch_created_by_a_run_that_died_before_saving_it_is_adopted(tmp_path: Path) -> None:
    out = prepared(tmp_path)
    with FakeBatchAPI(responder) as server:
        assert cli_run("batch", "submit", str(out), "--base-url", server.base_url).exit_code == 0
        state_file = out / "batch" / "state.json"
        state = json.loads(state_file.read_text(encoding="utf-8"))
        for shard in state["shards"]:  # as if killed after creating the batch, before writing its id
            shard["batch_id"] = None
        state_file.write_text(json.dumps(state), encoding="utf-8")
        assert cli_run("batch", "submit", str(out), "--base-url", server.base_url).exit_code == 0
        assert len(server.batches) == 1 and len(server.uploads) == 1
        # A new process (a new server instance over the same API state) collects from the state alone.
        with FakeBatchAPI(responder, state=server.state) as later:
            collected = cli_run("batch", "collect", str(out), "--base-url", later.base_url)
            assert cli_run("batch", "status", str(out), "--wait", "--poll", "0.02",
                           "--base-url", later.base_url).exit_code == 0
            collected = cli_run("batch", "collect", str(out), "--base-url", later.base_url)
        assert max(server.state.executions.values()) == 1
    assert collected.exit_code == 0, collected.stderr
    assert len(feed(out / "facts.jsonl")) == 6


def test_collect_output_files_made_elsewhere_in_any_order(tmp_path: Path) -> None:
    out = prepared(tmp_path)
    lines = request_lines(out)
    answers = [{"id": f"vllm-{i}", "custom_id": line["custom_id"],
                "response": {"status_code": 200, "request_id": f"r{i}", "body": responder(line["body"])},
                "error": None} for i, line in enumerate(lines)]
    random.Random(5).shuffle(answers)
    half = len(answers) // 2
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(a) + "\n" for a in answers[:half]), encoding="utf-8")
    (tmp_path / "b.jsonl").write_text("".join(json.dumps(a) + "\n" for a in answers[half:]), encoding="utf-8")
    result = cli_run("batch", "collect", str(out), "--responses", str(tmp_path / "b.jsonl"),
                     "--responses", str(tmp_path / "a.jsonl"))
    assert result.exit_code == 0, result.stderr
    records = feed(out / "facts.jsonl")
    assert [r["article"]["id"] for r in records] == sorted(r["article"]["id"] for r in records)
    assert len(records) == 6 and all(r["extractor"]["extraction"] == "full" for r in records)


def test_an_answer_that_does_not_fit_is_noted_and_the_rules_stand(tmp_path: Path) -> None:
    out = prepared(tmp_path)
    lines = request_lines(out)
    broken = [{"custom_id": line["custom_id"], "response": {"status_code": 200, "body": tool_call_completion(
        line["body"], '{"figures": "not a list"}')}, "error": None} for line in lines]
    (tmp_path / "broken.jsonl").write_text("".join(json.dumps(b) + "\n" for b in broken), encoding="utf-8")
    result = cli_run("batch", "collect", str(out), "--responses", str(tmp_path / "broken.jsonl"))
    assert result.exit_code == 0, result.stderr
    for record in feed(out / "facts.jsonl"):
        assert all(item["by"] == "rules" for kind in ("figures", "statements", "events") for item in record[kind])
        assert any("unusable" in failure for failure in record["extractor"]["model_failures"])


def test_collect_with_unanswered_requests_exits_1_and_quiet_prints_only_errors(tmp_path: Path) -> None:
    out = prepared(tmp_path)
    lines = request_lines(out)
    answers = [{"custom_id": line["custom_id"], "response": {"status_code": 200, "body": responder(line["body"])},
                "error": None} for line in lines[1:]]  # the first request is never answered
    (tmp_path / "part.jsonl").write_text("".join(json.dumps(a) + "\n" for a in answers), encoding="utf-8")
    result = cli_run("batch", "collect", str(out), "--responses", str(tmp_path / "part.jsonl"), "-q")
    assert result.exit_code == 1
    assert "done " not in result.stderr and "cross-check" not in result.stderr
    assert len(feed(out / "facts.jsonl")) == len(lines) - 1
    assert len(feed(out / "errors.jsonl")) == 1
