"""``--engine ray``: Ray Data workers write the same feed as one process, resume after the driver is killed,
and a missing extra is one line and exit 2.

One local Ray instance serves the whole module (``ray.init`` takes seconds); the CLI runs in-process use it,
and the subprocess runs join it with ``--ray-address``. Ray is bound to the loopback address (its default
is the machine's own network address) so that no test traffic leaves 127.0.0.1. Assertions are on the
feed, errors.jsonl, the summary line and what the fault server saw, never on wall time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Read when ray is imported: without it, Ray binds to the machine's network address instead of loopback.
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")

import pytest
from click.testing import CliRunner, Result
from fault_server import LOOPBACK_ALLOWED_HOSTS, FaultServer, Step, first_option

from extract.cli import cli
from extract.engines.local import extractor_key, run_batch
from extract.engines.ray_data import (
    INSTALL_HINT,
    EngineError,
    _check_reachable,
    article_from_json,
    article_to_json,
    run_ray_batch,
)
from extract.errors import ConfigError
from extract.model.connect import open_model
from extract.read import Article, iter_articles
from extract.settings import Settings
from extract.write import FeedWriter

pytestmark = pytest.mark.block_network(allowed_hosts=LOOPBACK_ALLOWED_HOSTS)

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ray_address() -> Iterator[str]:
    """One local Ray instance for the module; yields the address other drivers join it by."""
    try:
        import ray
    except ImportError:
        if os.environ.get("CI"):
            raise  # CI installs the [ray] extra: its absence is a failure there, not a skip
        pytest.skip(f"Ray Data is not installed ({INSTALL_HINT})")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield str(ray.get_runtime_context().gcs_address)
    finally:
        ray.shutdown()


def text_of(i: int) -> str:
    """An article whose quote the rules cannot attribute, so it costs exactly one model question."""
    return (f"Finance Minister Anna Berg met central bank governor Paul Roth in Oslo on Monday to discuss a "
            f"budget that grows by {i % 7 + 2} percent next year.\n"
            f"“Spending on schools in district {i} rises and hospitals get more money.”\n")


def write_inputs(folder: Path) -> list[str]:
    """Seeds, generated articles (one id twice), a line that is no article and an empty file: every path."""
    folder.mkdir()
    for seed in sorted((REPO / "seeds").glob("*.txt")):
        (folder / seed.name).write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    rows = [json.dumps({"id": f"g{i}", "text": text_of(i)}) for i in range(6)]
    rows.insert(3, json.dumps({"id": "g1", "text": text_of(41)}))  # a duplicate id: written as g1~2
    rows.insert(5, "[1, 2]")  # not an object: an error in its place
    (folder / "zz_batch.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "zz_empty.txt").write_text("", encoding="utf-8")
    return [str(folder)]


def comparable(out: Path) -> list[dict[str, Any]]:
    """The feed's records less what must differ between runs: the run id and the timings."""
    records = []
    for line in (out / "facts.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        record["extractor"]["run_id"] = record["extractor"]["model_seconds"] = None
        records.append(record)
    return records


def summary_line(result: Result) -> str:
    """The ``done ...`` line without its wall time and destination."""
    line = next(x for x in result.stderr.splitlines() if x.startswith("done "))
    return line.split(" in ")[0]


def test_ray_writes_what_one_process_writes_with_the_rules(ray_address: str, tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in")
    common = [*inputs, "--backend", "rules", "--cache-dir", str(tmp_path / "cache")]
    local = CliRunner().invoke(cli, [*common, "--out", str(tmp_path / "local")])
    on_ray = CliRunner().invoke(cli, [*common, "--out", str(tmp_path / "ray"), "--engine", "ray",
                                      "--concurrency", "2"])
    assert local.exit_code == on_ray.exit_code == 1, on_ray.stderr  # the two bad inputs
    records = comparable(tmp_path / "ray")
    assert records == comparable(tmp_path / "local")
    assert [r["article"]["id"] for r in records][-7:] == ["g0", "g1", "g2", "g1~2", "g3", "g4", "g5"]
    assert len({r["extractor"]["run_id"] for r in map(json.loads, (tmp_path / "ray" / "facts.jsonl")
                                                      .read_text(encoding="utf-8").splitlines())}) == 1
    errors = (tmp_path / "ray" / "errors.jsonl").read_text(encoding="utf-8")
    assert errors == (tmp_path / "local" / "errors.jsonl").read_text(encoding="utf-8")
    assert len(errors.splitlines()) == 2
    assert summary_line(on_ray) == summary_line(local) == "done 12, skipped 0, cached 0, failed 2; 0 model calls"
    assert "duplicate id 'g1', written as 'g1~2'" in on_ray.stderr

    again = CliRunner().invoke(cli, [*common, "--out", str(tmp_path / "ray"), "--engine", "ray"])
    assert summary_line(again) == "done 0, skipped 12, cached 0, failed 2; 0 model calls"


def test_a_feed_on_stdout_holds_feed_lines_only(ray_address: str, tmp_path: Path) -> None:
    # Ray prints cluster messages on sys.stdout; while connected the engine points that at stderr.
    import ray

    def chatty(*args: Any, **kwargs: Any) -> Any:
        print("(raylet) a message Ray prints on sys.stdout")
        return {"CPU": 2.0}

    original = ray.cluster_resources
    result = None
    try:
        ray.cluster_resources = chatty
        result = CliRunner().invoke(cli, [str(REPO / "seeds"), "--backend", "rules", "--out", "-", "--engine", "ray",
                                          "--cache-dir", str(tmp_path / "cache")])
    finally:
        ray.cluster_resources = original
    assert result is not None and result.exit_code == 0, result and result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 5 and all(json.loads(line)["article"]["id"] for line in lines)
    assert "(raylet) a message" in result.stderr


def fault_script(request: dict[str, Any]) -> Step:
    """Every question answered with its first option, except article 4's, which the server always refuses."""
    if "district 4 rises" in json.dumps(request["messages"], ensure_ascii=False):
        return Step.status(400)
    return first_option(request)


def test_ray_with_a_model_matches_one_process_across_blocks(ray_address: str, tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps({"id": f"m{i:02d}", "text": text_of(i)}) + "\n" for i in range(9)),
                     encoding="utf-8")

    def settings(cache: str) -> Settings:
        return Settings(backend="openai", extraction="assist", base_url=server.base_url, api_key="sk-test",
                        model="fault-model", cache_dir=tmp_path / cache, timeout=5.0, max_retries=0, quiet=True)

    with FaultServer(fault_script) as server:
        with FeedWriter(str(tmp_path / "local")) as writer, open_model(settings("cache-local")) as model:
            local = run_batch(iter_articles([str(batch)]), model, writer)
            key = extractor_key(model)
        local_calls = server.calls
        with FeedWriter(str(tmp_path / "ray")) as writer:
            on_ray = run_ray_batch(iter_articles([str(batch)]), settings("cache-ray"), writer, extractor=key,
                                   workers=2, block_articles=5)  # two blocks: 5 and 4 articles
        ray_calls = server.calls - local_calls

    assert comparable(tmp_path / "ray") == comparable(tmp_path / "local")
    assert [r["article"]["id"] for r in comparable(tmp_path / "ray")] == [f"m{i:02d}" for i in range(9) if i != 4]
    assert (tmp_path / "ray" / "errors.jsonl").read_text("utf-8") == (tmp_path / "local" / "errors.jsonl").read_text(
        "utf-8")
    assert json.loads((tmp_path / "ray" / "errors.jsonl").read_text("utf-8"))["id"] == "m04"
    assert (on_ray.done, on_ray.failed, on_ray.model_calls, on_ray.model_failures) == (
        local.done, local.failed, local.model_calls, local.model_failures) == (8, 1, 9, 1)
    assert ray_calls == local_calls == 9  # each worker's own cache: nothing answered twice, nothing skipped


def test_a_worker_that_cannot_open_the_model_stops_the_run(ray_address: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(text_of(1), encoding="utf-8")
    broken = Settings(backend="rules", extraction="assist", cache_dir=tmp_path / "cache")  # no model to assist
    with open_model(Settings(backend="rules")) as rules:
        key = extractor_key(rules)
    with FeedWriter(str(tmp_path / "out")) as writer, pytest.raises(ConfigError, match="needs a model"):
        run_ray_batch(iter_articles([str(tmp_path / "a.txt")]), broken, writer, extractor=key)
    assert (tmp_path / "out" / "facts.jsonl").read_text("utf-8") == ""


ARTICLES = 24


def extract(tmp_path: Path, server: FaultServer, address: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTRACT_", "OPENAI_", "RAY_ADDRESS"))}
    env.update(OPENAI_API_KEY="sk-test", EXTRACT_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, "-m", "extract", "batch.jsonl", "--out", "out", "--engine", "ray", "--ray-address", address,
         "--concurrency", "2", "--backend", "openai", "--extraction", "assist", "--base-url", server.base_url,
         "--model", "fault-model"],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


def feed_ids(out: Path) -> list[str]:
    data = (out / "facts.jsonl").read_bytes()
    assert data == b"" or data.endswith(b"\n"), "the feed ends in a partial line"
    return [json.loads(line)["article"]["id"] for line in data.decode("utf-8").splitlines()]


def test_kill_9_of_the_driver_then_rerun_finishes_every_article_once(ray_address: str, tmp_path: Path) -> None:
    ids = [f"k{i:02d}" for i in range(ARTICLES)]
    (tmp_path / "batch.jsonl").write_text(
        "".join(json.dumps({"id": ids[i], "text": text_of(i)}) + "\n" for i in range(ARTICLES)), encoding="utf-8")
    feed = tmp_path / "out" / "facts.jsonl"

    def slow(request: dict[str, Any]) -> Step:
        return Step.stall(0.3, then=first_option(request))

    with FaultServer(slow) as server:
        first = extract(tmp_path, server, ray_address)
        deadline = time.monotonic() + 300  # a loaded machine starts Ray workers slowly
        while time.monotonic() < deadline and first.poll() is None:
            if feed.is_file() and feed.read_bytes().count(b"\n") >= 3:
                break
            time.sleep(0.01)
        assert first.poll() is None, f"the run ended before it could be killed: {first.communicate()[1]}"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        kept = feed_ids(tmp_path / "out")
        assert 3 <= len(kept) < ARTICLES
        assert kept == ids[: len(kept)]
        before = feed.read_bytes()

        second = extract(tmp_path, server, ray_address)
        _, stderr = second.communicate(timeout=300)

    assert second.returncode == 0, stderr
    assert feed.read_bytes().startswith(before)  # resumed by appending, nothing rewritten
    assert feed_ids(tmp_path / "out") == ids  # every article exactly once, in input order
    assert f"skipped {len(kept)}, " in stderr and "failed 0" in stderr


def test_a_missing_extra_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(text_of(1), encoding="utf-8")
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` meets where the extra is not installed
    monkeypatch.setitem(sys.modules, "ray.data", None)
    result = CliRunner().invoke(cli, [str(tmp_path / "a.txt"), "--backend", "rules", "--engine", "ray",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: --engine ray needs Ray Data, which is not installed: {INSTALL_HINT}"]
    assert not (tmp_path / "out").exists()  # refused before anything was opened


def test_ray_address_needs_the_ray_engine(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [str(tmp_path), "--ray-address", "127.0.0.1:6379"])
    assert result.exit_code == 2 and "--ray-address needs --engine ray" in result.stderr


def test_an_address_nobody_answers_fails_fast() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free once closed: nothing listens there
    with pytest.raises(EngineError, match=f"cannot reach the Ray cluster at 127.0.0.1:{port}"):
        _check_reachable(f"127.0.0.1:{port}")
    with pytest.raises(EngineError, match="is not host:port"):
        _check_reachable("head-node")


def test_an_article_crosses_to_a_worker_unchanged() -> None:
    article = Article(id="a1", text="Prices rose 3% on Monday.\n", source="in/a1.html",
                      published=dt.date(2024, 5, 6), published_source="front matter", title="Prices",
                      url="https://example.org/a1", outlet="Example", warnings=("odd date",), text_in_feed=True)
    back = article_from_json(article_to_json(article))
    assert back == article and back.sha256 == article.sha256
    plain = Article(id="b", text="Text.", source="b.txt")
    assert article_from_json(article_to_json(plain)) == plain
