"""Crash safety and resume: kill -9 in the middle of a batch leaves whole lines only; running again into the
same folder finishes the rest, every article exactly once, with answers already paid for taken from the cache.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fault_server import LOOPBACK_ALLOWED_HOSTS, FaultServer, Step, first_option

from extract.cli import cli
from extract.write import FeedWriter

pytestmark = pytest.mark.block_network(allowed_hosts=LOOPBACK_ALLOWED_HOSTS)

REPO = Path(__file__).resolve().parent.parent
ARTICLES = 30


def text_of(i: int) -> str:
    """An article whose quote the rules cannot attribute, so it costs exactly one model question."""
    return (f"Finance Minister Anna Berg met central bank governor Paul Roth in Oslo on Monday to discuss a "
            f"budget that grows by {i % 7 + 2} percent next year.\n"
            f"“Spending on schools in district {i} rises and hospitals get more money.”\n")


def feed_lines(out: Path) -> list[dict[str, Any]]:
    data = (out / "facts.jsonl").read_bytes()
    assert data == b"" or data.endswith(b"\n"), "the feed ends in a partial line"
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]  # every line parses


def extract(tmp_path: Path, server: FaultServer, *extra: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTRACT_", "OPENAI_"))}
    env.update(OPENAI_API_KEY="sk-test", EXTRACT_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, "-m", "extract", "batch.jsonl", "--out", "out", "--backend", "openai",
         "--extraction", "assist",
         "--base-url", server.base_url, "--model", "fault-model", *extra],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


def test_kill_9_mid_batch_then_rerun_finishes_every_article_once(tmp_path: Path) -> None:
    ids = [f"k{i:02d}" for i in range(ARTICLES)]
    (tmp_path / "batch.jsonl").write_text(
        "".join(json.dumps({"id": ids[i], "text": text_of(i)}) + "\n" for i in range(ARTICLES)), encoding="utf-8")
    feed = tmp_path / "out" / "facts.jsonl"

    def slow(request: dict[str, Any]) -> Step:
        return Step.stall(0.1, then=first_option(request))

    with FaultServer(slow) as server:
        first = extract(tmp_path, server)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and first.poll() is None:
            if feed.is_file() and feed.read_bytes().count(b"\n") >= 3:
                break
            time.sleep(0.01)
        assert first.poll() is None, f"the run ended before it could be killed: {first.communicate()[1]}"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        first_requests = list(server.requests)

        kept = feed_lines(tmp_path / "out")
        assert 3 <= len(kept) < ARTICLES
        assert [line["article"]["id"] for line in kept] == ids[: len(kept)]
        before = feed.read_bytes()

        second = extract(tmp_path, server, "--concurrency", "4")
        _, stderr = second.communicate(timeout=60)
        second_requests = server.requests[len(first_requests):]

    assert second.returncode == 0, stderr
    lines = feed_lines(tmp_path / "out")
    assert feed.read_bytes().startswith(before)  # resumed by appending, nothing rewritten
    assert [line["article"]["id"] for line in lines] == ids  # every article exactly once, in input order
    assert all(line["extractor"]["model_calls"] + line["extractor"]["cache_hits"] == 1 for line in lines)
    resumed = lines[len(kept):]
    from_cache = [line for line in resumed if line["extractor"]["cache_hits"]]
    # What the first run was answered is not asked again: at most the one answer cut off by the kill.
    assert len(second_requests) + len(from_cache) == ARTICLES - len(kept)
    assert len(from_cache) <= 1
    assert sum(request in first_requests for request in second_requests) <= 1
    assert f"done {ARTICLES - len(kept)}, skipped {len(kept)}, cached {len(from_cache)}, failed 0" in stderr
    assert "answer cache" not in stderr  # the cache written by the killed run opened cleanly


# --- resume with the rules backend -------------------------------------------------------------------
GOOD = "The central bank raised its rate by 25 basis points to 4.5 percent on Thursday, officials said.\n"
OTHER = "Unemployment fell to 3.9 percent in May, the statistics office said on Friday.\n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--backend", "rules"])
    return result.exit_code, result.stderr


def test_rerun_skips_finished_articles_and_retries_failed_ones(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(OTHER, encoding="utf-8")
    (tmp_path / "c.txt").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    code, stderr = run(str(tmp_path), "--out", str(out))
    assert code == 1 and "done 2, skipped 0, cached 0, failed 1" in stderr
    before = (out / "facts.jsonl").read_bytes()
    assert [json.loads(e)["input"] for e in (out / "errors.jsonl").read_text("utf-8").splitlines()] == [
        str(tmp_path / "c.txt")]

    (tmp_path / "c.txt").write_text("Exports rose 12 percent in June, the ministry said.\n", encoding="utf-8")
    code, stderr = run(str(tmp_path), "--out", str(out))
    assert code == 0 and "done 1, skipped 2, cached 0, failed 0" in stderr
    assert "resuming" in stderr
    assert (out / "facts.jsonl").read_bytes().startswith(before)
    assert [line["article"]["id"] for line in feed_lines(out)] == ["a", "b", "c"]
    assert (out / "errors.jsonl").read_text("utf-8") == ""  # the errors of this run only: none

    code, stderr = run(str(tmp_path), "--out", str(out), "--resume")
    assert code == 0 and "done 0, skipped 3, cached 0, failed 0" in stderr


def test_a_changed_article_replaces_its_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(OTHER, encoding="utf-8")
    out = tmp_path / "out"
    assert run(str(tmp_path), "--out", str(out))[0] == 0
    old_b = feed_lines(out)[1]
    (tmp_path / "a.txt").write_text(GOOD.replace("25 basis points", "50 basis points"), encoding="utf-8")
    code, stderr = run(str(tmp_path), "--out", str(out))
    assert code == 0 and "done 1, skipped 1" in stderr
    assert "'a' changed since it was written" in stderr
    lines = feed_lines(out)
    assert [line["article"]["id"] for line in lines] == ["b", "a"]  # one line per id; the new one last
    assert lines[0] == old_b
    assert "50 basis points" in json.dumps(lines[1]["figures"])
    assert not list(out.glob("*.tmp"))


def test_fresh_starts_the_feed_over(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    assert run(str(tmp_path / "a.txt"), "--out", str(out))[0] == 0
    first_run = feed_lines(out)[0]["extractor"]["run_id"]
    code, stderr = run(str(tmp_path / "a.txt"), "--out", str(out), "--fresh")
    assert code == 0 and "done 1, skipped 0" in stderr
    [line] = feed_lines(out)
    assert line["extractor"]["run_id"] != first_run


def test_a_torn_last_line_is_cut_off_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(OTHER, encoding="utf-8")
    out = tmp_path / "out"
    assert run(str(tmp_path / "a.txt"), "--out", str(out))[0] == 0
    whole = (out / "facts.jsonl").read_bytes()
    (out / "facts.jsonl").write_bytes(whole + whole[: len(whole) // 2])  # a second line cut off mid-write
    code, stderr = run(str(tmp_path), "--out", str(out))
    assert code == 0 and "done 1, skipped 1" in stderr
    assert "cut off an unfinished end (line 2)" in stderr
    assert [line["article"]["id"] for line in feed_lines(out)] == ["a", "b"]


def test_two_lines_for_one_id_keep_the_later_one(tmp_path: Path) -> None:
    # What a crash between appending a changed article and dropping its old line leaves behind.
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    assert run(str(tmp_path / "a.txt"), "--out", str(out))[0] == 0
    [line] = feed_lines(out)
    newer = {**line, "article": {**line["article"], "sha256": "0" * 64, "title": "newer"}}
    with (out / "facts.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(newer) + "\n")
    with FeedWriter(str(out)) as writer:
        assert writer.written_sha256("a") == "0" * 64
    assert feed_lines(out) == [newer]
