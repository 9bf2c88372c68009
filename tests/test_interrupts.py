"""Ctrl-C and SIGTERM while model calls hang: the run says so, leaves the feed whole and exits (130, 143)
without waiting for the calls; a second Ctrl-C exits at once, without a traceback.

Every run is a subprocess against the fault server, whose answers wait until the test ends. Assertions are
on exit codes and output; the timeouts only guard against a run that never ends.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fault_server import LOOPBACK_ALLOWED_HOSTS, FaultServer, Step, first_option

pytestmark = pytest.mark.block_network(allowed_hosts=LOOPBACK_ALLOWED_HOSTS)

REPO = Path(__file__).resolve().parent.parent
ARTICLES = 12
GUARD = 60  # seconds; a run that has not ended by then is a failure, not slowness


def text_of(i: int) -> str:
    """An article whose quote the rules cannot attribute, so it costs exactly one model question."""
    return (f"Finance Minister Anna Berg met central bank governor Paul Roth in Oslo on Monday to discuss a "
            f"budget that grows by {i % 7 + 2} percent next year.\n"
            f"“Spending on schools in district {i} rises and hospitals get more money.”\n")


@pytest.fixture
def hanging(tmp_path: Path) -> Iterator[FaultServer]:
    """A server that answers the first two articles' questions and holds every other one until the test ends."""
    (tmp_path / "batch.jsonl").write_text(
        "".join(json.dumps({"id": f"h{i:02d}", "text": text_of(i)}) + "\n" for i in range(ARTICLES)), encoding="utf-8")

    def script(request: dict[str, Any]) -> Step:
        words = json.dumps(request["messages"], ensure_ascii=False)
        if "district 0 " in words or "district 1 " in words:
            return first_option(request)
        return Step.stall(GUARD * 3, then=first_option(request))  # woken when the server stops

    with FaultServer(script) as server:
        yield server


def start(tmp_path: Path, server: FaultServer, *extra: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTRACT_", "OPENAI_"))}
    env.update(OPENAI_API_KEY="sk-test", EXTRACT_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, "-m", "extract", "batch.jsonl", "--out", "out", "--backend", "openai", "--extraction",
         "assist", "--base-url", server.base_url, "--model", "fault-model", "--timeout", "600", *extra],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_for_hanging(tmp_path: Path, server: FaultServer, process: subprocess.Popen[str], calls: int) -> None:
    """Until the two articles that get answers are in the feed and ``calls`` requests have been sent."""
    feed = tmp_path / "out" / "facts.jsonl"
    deadline = time.monotonic() + GUARD
    while time.monotonic() < deadline and process.poll() is None:
        if server.calls >= calls and feed.is_file() and feed.read_bytes().count(b"\n") >= 2:
            break
        time.sleep(0.01)
    assert process.poll() is None, f"the run ended before the signal: {process.communicate()[1]}"
    assert server.calls >= calls, f"the run did not get to {calls} model calls"
    time.sleep(0.2)  # the hanging calls are well under way


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    try:
        _, stderr = process.communicate(timeout=GUARD)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
        pytest.fail(f"the run was still running {GUARD}s after the signal: {stderr}")
    return process.returncode, stderr


def feed_ids(tmp_path: Path) -> list[str]:
    data = (tmp_path / "out" / "facts.jsonl").read_bytes()
    assert data == b"" or data.endswith(b"\n"), "the feed ends in a partial line"
    return [json.loads(line)["article"]["id"] for line in data.split(b"\n") if line]


def test_ctrl_c_with_hanging_model_calls_exits_130_without_waiting_for_them(
    tmp_path: Path, hanging: FaultServer
) -> None:
    process = start(tmp_path, hanging, "--concurrency", "4")
    wait_for_hanging(tmp_path, hanging, process, 2 + 2)  # two answered, at least two hanging
    process.send_signal(signal.SIGINT)
    code, stderr = finish(process)
    assert code == 130, stderr
    assert "interrupted: articles finished so far are in the feed; run again to resume" in stderr
    assert "Traceback" not in stderr
    assert feed_ids(tmp_path) == ["h00", "h01"]


def test_a_second_ctrl_c_exits_at_once_without_a_traceback(tmp_path: Path, hanging: FaultServer) -> None:
    process = start(tmp_path, hanging, "--concurrency", "4")
    wait_for_hanging(tmp_path, hanging, process, 2 + 2)
    process.send_signal(signal.SIGINT)
    time.sleep(0.3)
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    code, stderr = finish(process)
    # 130 from the handler, or killed by SIGINT (a shell reports that as 130 too) when the second signal
    # lands after Python has begun shutting down and put the default handlers back.
    assert code in (130, -signal.SIGINT), stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert feed_ids(tmp_path) == ["h00", "h01"]


def test_sigterm_is_an_interruption_with_a_message_and_exit_143(tmp_path: Path, hanging: FaultServer) -> None:
    process = start(tmp_path, hanging)
    wait_for_hanging(tmp_path, hanging, process, 3)  # one at a time: two answered, the third hanging
    process.send_signal(signal.SIGTERM)
    code, stderr = finish(process)
    assert code == 143, stderr
    assert "terminated: articles finished so far are in the feed; run again to resume" in stderr
    assert "Traceback" not in stderr
    assert feed_ids(tmp_path) == ["h00", "h01"]
