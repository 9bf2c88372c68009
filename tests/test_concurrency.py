"""``--concurrency N``: N articles at once against the fault server, a bounded read-ahead, the feed in input
order, and one shared backoff when the server answers 429.

Assertions are on what the server saw (requests in flight at once, arrival times), never on wall time.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pytest
from click.testing import CliRunner
from fault_server import LOOPBACK_ALLOWED_HOSTS, FaultServer, Step, first_option

from extract.cli import cli
from extract.engines.local import READ_AHEAD, BatchSummary, run_batch
from extract.errors import ConfigError
from extract.model.client import Answer, Meter, Request
from extract.model.connect import open_model
from extract.read import Article
from extract.settings import Settings, load_settings
from extract.write import FeedWriter

pytestmark = pytest.mark.block_network(allowed_hosts=LOOPBACK_ALLOWED_HOSTS)


def text_of(i: int) -> str:
    """An article whose quote the rules cannot attribute, so it costs exactly one model question."""
    return (f"Finance Minister Anna Berg met central bank governor Paul Roth in Oslo on Monday to discuss a "
            f"budget that grows by {i % 7 + 2} percent next year.\n"
            f"“Spending on schools in district {i} rises and hospitals get more money.”\n")


def is_article(request: dict[str, Any], i: int) -> bool:
    return f"district {i} rises" in json.dumps(request["messages"], ensure_ascii=False)


def articles(n: int) -> list[Article]:
    return [Article(id=f"a{i:02d}", text=text_of(i), source=f"batch.jsonl:{i + 1}") for i in range(n)]


def write_batch(path: Path, n: int) -> list[str]:
    path.write_text("".join(json.dumps({"id": f"a{i:02d}", "text": text_of(i)}) + "\n" for i in range(n)),
                    encoding="utf-8")
    return [f"a{i:02d}" for i in range(n)]


def feed_ids(out: Path) -> list[str]:
    return [json.loads(line)["article"]["id"] for line in (out / "facts.jsonl").read_text("utf-8").splitlines()]


def settings_for(server: FaultServer, tmp_path: Path) -> Settings:
    return Settings(backend="openai", extraction="assist", base_url=server.base_url, api_key="sk-test",
                    model="fault-model", cache_dir=tmp_path / "cache", timeout=5.0, max_retries=2, quiet=True)


@pytest.mark.parametrize("concurrency", [1, 4])
def test_articles_run_at_once_and_the_feed_keeps_input_order(tmp_path: Path, concurrency: int) -> None:
    def script(request: dict[str, Any]) -> Step:  # the first article answers last
        return Step.stall(0.6 if is_article(request, 0) else 0.2, then=first_option(request))

    batch = articles(8)
    with FaultServer(script) as server:
        with FeedWriter(str(tmp_path / "out")) as writer, open_model(settings_for(server, tmp_path)) as decider:
            summary = run_batch(batch, decider, writer, concurrency=concurrency)
        assert server.calls == 8
        if concurrency == 1:
            assert server.max_in_flight == 1
        else:
            assert 2 <= server.max_in_flight <= concurrency
    assert (summary.done, summary.failed, summary.model_calls) == (8, 0, 8)
    assert feed_ids(tmp_path / "out") == [a.id for a in batch]


class GatedModel:
    """Asks nobody. The first ``width`` questions wait for each other, so they must be open at once; the
    first article's question also waits for ``release`` (or 5 s), holding up the feed behind it."""

    backend: Literal["openai", "local", "rules"] = "rules"
    model: str | None = None
    extraction: Literal["full", "assist", "rules"] = "assist"

    def __init__(self, width: int) -> None:
        self._barrier = threading.Barrier(width, timeout=5.0)
        self._lock = threading.Lock()
        self._asked = 0
        self.release = threading.Event()
        self.open = 0
        self.max_open = 0

    def answer(self, request: Request, meter: Meter) -> Answer | None:
        with self._lock:
            self._asked += 1
            first = self._asked <= self._barrier.parties
            self.open += 1
            self.max_open = max(self.max_open, self.open)
        try:
            if first:
                self._barrier.wait()  # BrokenBarrierError unless `width` questions are open at once
            if "district 0 " in request.variables["quote"]:
                self.release.wait(5.0)
            time.sleep(0.001)
        finally:
            with self._lock:
                self.open -= 1
        return None


def test_a_slow_article_holds_a_bounded_window_and_progress_comes_once_per_input(tmp_path: Path) -> None:
    concurrency, n = 3, 150
    bound = concurrency + READ_AHEAD
    decider = GatedModel(concurrency)
    read = 0
    held: list[int] = []
    reported: list[int] = []

    def inputs() -> Iterator[Article]:
        nonlocal read
        for article in articles(n):
            read += 1
            held.append(read - len(reported))  # read and not yet written, counting this one
            if read == bound:
                decider.release.set()  # the window is full: let the first article finish
            yield article

    def progress(summary: BatchSummary, total: int | None) -> None:
        reported.append(summary.done)

    with FeedWriter(str(tmp_path / "out")) as writer:
        summary = run_batch(inputs(), decider, writer, concurrency=concurrency, progress=progress)
    assert summary.done == n and reported == list(range(1, n + 1))
    assert decider.max_open == concurrency
    assert max(held) == bound  # filled while the first article was slow, never beyond
    assert feed_ids(tmp_path / "out") == [f"a{i:02d}" for i in range(n)]


def test_a_429_makes_every_thread_wait_for_retry_after(tmp_path: Path) -> None:
    limited: list[float] = []
    lock = threading.Lock()
    count = 0

    def script(request: dict[str, Any]) -> Step:
        nonlocal count
        with lock:
            count += 1
            if count == 4:  # while three other requests are being answered
                limited.append(time.monotonic())
                return Step.status(429, retry_after=1)
        return Step.stall(0.2, then=first_option(request))

    ids = write_batch(tmp_path / "batch.jsonl", 12)
    with FaultServer(script) as server:
        result = CliRunner().invoke(
            cli, [str(tmp_path / "batch.jsonl"), "--out", str(tmp_path / "out"), "--backend", "openai",
                  "--extraction", "assist",
                  "--base-url", server.base_url, "--model", "fault-model", "--cache-dir", str(tmp_path / "cache")],
            env={"EXTRACT_CONCURRENCY": "4", "OPENAI_API_KEY": "sk-test", "EXTRACT_MAX_RETRIES": "2"},
        )
        arrivals = server.timestamps
        assert server.max_in_flight >= 2
    assert result.exit_code == 0, result.stderr
    [at] = limited
    # Requests sent before the 429 reached the client may land just after it; after that, nobody sends
    # anything until Retry-After (1 s) has passed.
    grace = 0.15
    assert [round(t - at, 3) for t in arrivals if at + grace < t < at + 1.0] == []
    assert len([t for t in arrivals if t >= at + 1.0]) >= 2  # the retry, and the rest of the batch
    assert len(arrivals) == 13  # twelve questions, one of them asked twice
    assert feed_ids(tmp_path / "out") == ids
    assert "done 12, skipped 0, cached 0, failed 0" in result.stderr


def test_a_failed_article_under_concurrency_fails_alone(tmp_path: Path) -> None:
    def script(request: dict[str, Any]) -> Step:
        return Step.status(401) if is_article(request, 3) else Step.stall(0.05, then=first_option(request))

    ids = write_batch(tmp_path / "batch.jsonl", 8)
    with FaultServer(script) as server:
        result = CliRunner().invoke(
            cli, [str(tmp_path / "batch.jsonl"), "--out", str(tmp_path / "out"), "--backend", "openai",
                  "--extraction", "assist",
                  "--base-url", server.base_url, "--model", "fault-model", "--cache-dir", str(tmp_path / "cache"),
                  "--concurrency", "3"],
            env={"OPENAI_API_KEY": "sk-test"},
        )
    assert result.exit_code == 1
    assert "done 7, skipped 0, cached 0, failed 1" in result.stderr
    assert feed_ids(tmp_path / "out") == [i for i in ids if i != "a03"]
    [error] = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text("utf-8").splitlines()]
    assert error == {"id": "a03", "input": f"{tmp_path / 'batch.jsonl'}:4", "stage": "ask",
                     "error": f"model call failed: HTTP 401 from {server.base_url}"}


def test_concurrency_setting(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.extract]\nconcurrency = 3\n", encoding="utf-8")
    assert load_settings(environ={}, pyproject=pyproject).concurrency == 3
    assert load_settings(environ={"EXTRACT_CONCURRENCY": "5"}, pyproject=pyproject).concurrency == 5
    assert load_settings({"concurrency": 2}, environ={"EXTRACT_CONCURRENCY": "5"}, pyproject=pyproject).concurrency == 2
    assert load_settings(environ={}, pyproject=tmp_path / "none.toml").concurrency == 1
    with pytest.raises(ConfigError, match="concurrency must be at least 1"):
        load_settings(environ={"EXTRACT_CONCURRENCY": "0"}, pyproject=tmp_path / "none.toml")
