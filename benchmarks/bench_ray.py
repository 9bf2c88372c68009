"""Throughput and memory of ``--engine ray`` against ``--engine local --concurrency N``, measured in one run.

Usage (after ``pip install -e ".[ray]"``)::

    python benchmarks/bench_ray.py [--articles 400] [--small 8] [--workers 2] [--model-workers 4]
                                   [--model-articles 200] [--stall 0.1]

Two workloads, each run as ``python -m extract`` in a subprocess (a fresh process, a fresh local Ray
instance for the Ray runs):

* rules: the rules backend, no model: CPU-bound, so at most one article per core at a time;
* model: the fault server (``tests/fault_server.py``, 127.0.0.1) as the model with ``--extraction assist``,
  every answer after ``--stall`` seconds, as a model server that is never the bottleneck would answer;
  one question per article, so the work is waiting, and more workers than cores help.

Articles are built from paragraphs of ``seeds/`` after a quote nobody is said to have spoken (so each costs
one model question); ids and texts are distinct. Each configuration runs twice, over ``--small`` articles and
over the full batch: the difference gives the steady rate (articles/s once started), the small run the fixed
cost (for Ray: starting the instance, the workers and their model clients). Memory is the peak, sampled
every 0.2 s, summed over the run's process tree (Ray's GCS, raylet and workers are its descendants): PSS
(shared pages divided among the processes that map them) and RSS (each process counted whole).
Timings vary on a shared machine; compare the ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from fault_server import FaultServer, Step, first_option  # noqa: E402


def seed_paragraphs() -> list[str]:
    paragraphs: list[str] = []
    for path in sorted((REPO / "seeds").glob("*.txt")):
        paragraphs += [p.strip() for p in path.read_text(encoding="utf-8").splitlines() if len(p.strip()) > 120]
    return paragraphs


def build_batch(path: Path, n: int) -> None:
    paragraphs = seed_paragraphs()
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            head = (f"Finance Minister Anna Berg met central bank governor Paul Roth in Oslo on Monday to discuss "
                    f"a budget that grows by {i % 9 + 1} percent next year.\n"
                    f"“Spending on schools in ward {i} rises and hospitals get more money.”\n")
            body = "\n".join(paragraphs[(i * 3 + k) % len(paragraphs)] for k in range(3))
            handle.write(json.dumps({"id": f"bench-{i:04d}", "text": head + body + "\n"}, ensure_ascii=False) + "\n")


def tree(root: int) -> list[int]:
    """``root`` and every process descending from it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def memory_kb(pids: list[int]) -> tuple[int, int]:
    """Summed PSS and RSS (kB) of ``pids``, from /proc/PID/smaps_rollup."""
    pss = rss = 0
    for pid in pids:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            name, _, value = line.partition(":")
            if name == "Pss":
                pss += int(value.split()[0])
            elif name == "Rss":
                rss += int(value.split()[0])
    return pss, rss


@dataclass
class Run:
    seconds: float
    peak_pss_mb: float
    peak_rss_mb: float
    summary: str


@contextmanager
def sampling(pid: int) -> Iterator[list[tuple[int, int]]]:
    samples: list[tuple[int, int]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            samples.append(memory_kb(tree(pid)))

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        done.set()
        thread.join()


def run_extract(folder: Path, batch: str, engine_args: list[str], model_args: list[str]) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTRACT_", "OPENAI_", "RAY_ADDRESS"))}
    # Ray binds its local instance to loopback, not the machine's network address.
    env.update(OPENAI_API_KEY="sk-bench", EXTRACT_CACHE_DIR=str(folder / f"cache-{time.monotonic_ns()}"),
               PYTHONPATH=str(REPO), RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0")
    out = folder / f"out-{time.monotonic_ns()}"
    began = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "extract", batch, "--out", str(out), *model_args, *engine_args],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    with sampling(process.pid) as samples:
        _, stderr = process.communicate()
    seconds = time.monotonic() - began
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(engine_args)} failed ({process.returncode}):\n{stderr}")
    summary = next((line for line in stderr.splitlines() if line.startswith("done ")), "(no summary)")
    pss = max((s[0] for s in samples), default=0) / 1024
    rss = max((s[1] for s in samples), default=0) / 1024
    return Run(seconds, pss, rss, summary)


def measure(folder: Path, name: str, n: int, small: int, configs: dict[str, list[str]],
            model_args: list[str]) -> list[dict[str, Any]]:
    build_batch(folder / f"{name}-small.jsonl", small)
    build_batch(folder / f"{name}-full.jsonl", n)
    rows = []
    for label, engine_args in configs.items():
        short = run_extract(folder, f"{name}-small.jsonl", engine_args, model_args)
        full = run_extract(folder, f"{name}-full.jsonl", engine_args, model_args)
        rate = (n - small) / max(full.seconds - short.seconds, 1e-9)
        rows.append({"workload": name, "engine": label, "articles": n, "wall_s": round(full.seconds, 1),
                     "fixed_s": round(short.seconds, 1), "steady_articles_per_s": round(rate, 1),
                     "overall_articles_per_s": round(n / full.seconds, 1),
                     "peak_pss_mb": round(full.peak_pss_mb), "peak_rss_mb": round(full.peak_rss_mb),
                     "summary": full.summary})
        print(f"{name:>5} {label:<24} wall {full.seconds:6.1f}s  fixed {short.seconds:5.1f}s  "
              f"steady {rate:6.1f}/s  overall {n / full.seconds:6.1f}/s  "
              f"peak PSS {full.peak_pss_mb:6.0f} MB  RSS {full.peak_rss_mb:6.0f} MB", flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=400, help="articles in the rules workload")
    parser.add_argument("--model-articles", type=int, default=200, help="articles in the model workload")
    parser.add_argument("--small", type=int, default=8, help="articles in the run that measures fixed costs")
    parser.add_argument("--workers", type=int, default=2, help="threads / Ray workers for the rules workload")
    parser.add_argument("--model-workers", type=int, default=4, help="threads / Ray workers with the model")
    parser.add_argument("--stall", type=float, default=0.1, help="seconds the fault server takes per answer")
    parser.add_argument("--json", type=Path, default=None,
                        help="also write the rows to this file")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    print(f"{os.cpu_count()} cores; Python {sys.version.split()[0]}; load average {load_before:.1f}", flush=True)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        w = str(args.workers)
        rows += measure(folder, "rules", args.articles, args.small, {
            "local": ["--engine", "local"],
            f"local --concurrency {w}": ["--engine", "local", "--concurrency", w],
            f"ray, {w} workers": ["--engine", "ray", "--concurrency", w],
        }, ["--backend", "rules"])

        def answer(request: dict[str, Any]) -> Step:
            return Step.stall(args.stall, then=first_option(request))

        with FaultServer(answer) as server:
            m = str(args.model_workers)
            model_args = ["--backend", "openai", "--extraction", "assist", "--base-url", server.base_url,
                          "--model", "fault-model"]
            rows += measure(folder, "model", args.model_articles, args.small, {
                "local": ["--engine", "local"],
                f"local --concurrency {m}": ["--engine", "local", "--concurrency", m],
                f"ray, {m} workers": ["--engine", "ray", "--concurrency", m],
            }, model_args)
    load_after = os.getloadavg()[0]
    print(f"load average {load_after:.1f} at the end (a loaded machine slows Ray's many processes most)")
    if args.json is not None:
        result = {"cores": os.cpu_count(), "load_average": [round(load_before, 2), round(load_after, 2)], "rows": rows}
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
