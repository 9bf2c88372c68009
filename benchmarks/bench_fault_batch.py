"""A 1,000-article batch through the fault server with 10% injected failures, two runs started at once into
the same folder, and a kill -9: is every article either in the feed exactly once or in errors.jsonl?

Usage::

    python benchmarks/bench_fault_batch.py [--articles 1000] [--concurrency 8] [--kill-after 10] [--alone]

Each article is built from paragraphs of ``seeds/`` after a synthetic pair of paragraphs (two names, then a
quote nobody is said to have spoken) so that every article asks the model at least once; ids and texts are
distinct. ``tests/fault_server.py`` answers on 127.0.0.1, and 10% of the articles (chosen with a fixed seed)
get a fault on their question:

* 3%: HTTP 500 once, then an answer (retried, recovers);
* 2%: a stall past the client timeout once, then an answer (retried, recovers);
* 1%: HTTP 429 with Retry-After 0.5 once, then an answer (every thread waits, recovers);
* 1%: an answer outside the options every time (re-asked, then the rules' answer stands: in the feed);
* 2%: HTTP 400 every time (permanent: in errors.jsonl);
* 1%: a body cut off mid-JSON every time (retried, then given up: in errors.jsonl).

The batch runs as ``python -m extract`` in a subprocess, with short timeouts and retries set through the
environment. Unless ``--alone``, a second run of the same command starts at the same moment into the same
folder: the folder lock lets one of them through and the other must exit 2 at once. ``--kill-after S`` sends
SIGKILL to the run still going after S seconds, then the same command runs again (it resumes), and once
more after that (a settled feed: only the articles whose model answers failed are extracted again).
Prints: articles in the feed exactly once, in errors.jsonl, in neither (must be 0), in both (must be 0),
duplicates in the feed (must be 0), model requests, and wall time. Exits 1 if a must-be-0 is not, or if
the concurrent second run was not refused.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from fault_server import FaultServer, Step, first_option  # noqa: E402

FAULTS = {  # share of articles -> fault
    "500_once": 0.03,
    "stall_once": 0.02,
    "429_once": 0.01,
    "off_list_always": 0.01,
    "400_always": 0.02,
    "truncated_always": 0.01,
}
_MARKER = re.compile(r"in ward (\d+) rises")


def seed_paragraphs() -> list[str]:
    paragraphs: list[str] = []
    for path in sorted((REPO / "seeds").glob("*.txt")):
        paragraphs += [p.strip() for p in path.read_text(encoding="utf-8").splitlines() if len(p.strip()) > 120]
    return paragraphs


def build_batch(path: Path, n: int) -> list[str]:
    paragraphs = seed_paragraphs()
    ids = []
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            head = (f"Finance Minister Anna Berg met central bank governor Paul Roth in Oslo on Monday to discuss "
                    f"a budget that grows by {i % 9 + 1} percent next year.\n"
                    f"“Spending on schools in ward {i} rises and hospitals get more money.”\n")
            body = "\n".join(paragraphs[(i * 3 + k) % len(paragraphs)] for k in range(2))
            ids.append(f"bench-{i:04d}")
            handle.write(json.dumps({"id": ids[-1], "text": head + body + "\n"}, ensure_ascii=False) + "\n")
    return ids


def plan_faults(n: int, seed: int) -> dict[int, str]:
    rng = random.Random(seed)
    chosen = rng.sample(range(n), sum(round(share * n) for share in FAULTS.values()))
    plan: dict[int, str] = {}
    for fault, share in FAULTS.items():
        for _ in range(round(share * n)):
            plan[chosen.pop()] = fault
    return plan


class Script:
    """Answers each request by the fault planned for the article its question comes from."""

    def __init__(self, plan: dict[int, str]) -> None:
        self.plan = plan
        self.faulted: set[int] = set()
        self.lock = threading.Lock()

    def __call__(self, request: dict[str, Any]) -> Step:
        match = _MARKER.search(json.dumps(request.get("messages", []), ensure_ascii=False))
        article = int(match.group(1)) if match else -1
        fault = self.plan.get(article)
        with self.lock:
            first = article not in self.faulted
            self.faulted.add(article)
        if fault == "500_once" and first:
            return Step.status(500)
        if fault == "stall_once" and first:
            return Step.stall(3.0)
        if fault == "429_once" and first:
            return Step.status(429, retry_after=0.5)
        if fault == "off_list_always":
            return Step.raw('{"answer": "Nobody Listed"}')
        if fault == "400_always":
            return Step.status(400)
        if fault == "truncated_always":
            return Step.truncated_json()
        return first_option(request)


def start_extract(folder: Path, base_url: str, concurrency: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTRACT_", "OPENAI_"))}
    env.update(OPENAI_API_KEY="sk-bench", EXTRACT_CACHE_DIR=str(folder / "cache"), EXTRACT_TIMEOUT="1.0",
               EXTRACT_MAX_RETRIES="2", PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, "-m", "extract", "batch.jsonl", "--out", "out", "--backend", "openai",
         "--extraction", "assist", "--base-url",
         base_url, "--model", "fault-model", "--concurrency", str(concurrency)],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


def finish(process: subprocess.Popen[str], kill_after: float | None) -> tuple[int, str]:
    """Wait for the run; SIGKILL it after ``kill_after`` seconds if it is still going."""
    try:
        _, stderr = process.communicate(timeout=kill_after)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        _, stderr = process.communicate()
    return process.returncode, stderr


def count(folder: Path, ids: list[str]) -> dict[str, int]:
    feed = Counter(json.loads(line)["article"]["id"]
                   for line in (folder / "out" / "facts.jsonl").read_bytes().split(b"\n") if line)
    errors = {json.loads(line)["id"]
              for line in (folder / "out" / "errors.jsonl").read_bytes().split(b"\n") if line}
    once = {i for i, n in feed.items() if n == 1}
    return {
        "articles": len(ids),
        "in feed exactly once": len(once & set(ids)),
        "in errors.jsonl": len(errors & set(ids)),
        "in neither (must be 0)": len(set(ids) - set(feed) - errors),
        "in both (must be 0)": len(set(feed) & errors),
        "duplicates in feed (must be 0)": sum(1 for n in feed.values() if n > 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--kill-after", type=float, default=None, help="SIGKILL the first run after S seconds.")
    parser.add_argument("--alone", action="store_true", help="No second run started at the same time.")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ids = build_batch(folder / "batch.jsonl", args.articles)
        plan = plan_faults(args.articles, args.seed)
        expected_failed = sum(1 for fault in plan.values() if fault.endswith("_always") and fault != "off_list_always")
        refused = None
        with FaultServer(Script(plan)) as server:
            began = time.monotonic()
            first = start_extract(folder, server.base_url, args.concurrency)
            second = None if args.alone else start_extract(folder, server.base_url, args.concurrency)
            runs: list[tuple[str, int, str, float]] = []
            if second is not None:  # one of the two gets the folder; the other must be refused at once
                while first.poll() is None and second.poll() is None:
                    time.sleep(0.01)
                loser, winner = (first, second) if first.poll() is not None else (second, first)
                code, stderr = finish(loser, None)
                refused = code == 2 and "another run is writing into this folder" in stderr
                runs.append(("concurrent run", code, stderr, time.monotonic() - began))
                first = winner
            code, stderr = finish(first, args.kill_after)
            runs.append(("run", code, stderr, time.monotonic() - began))
            if code == -signal.SIGKILL:
                feed = (folder / "out" / "facts.jsonl").read_bytes()
                lines, whole = feed.count(b"\n"), feed.endswith(b"\n") or not feed
                print(f"run killed after {args.kill_after:.0f}s: {lines} lines in the feed, last line whole: {whole}")
                for name in ("resumed run", "settled run"):
                    again = time.monotonic()
                    code, stderr = finish(start_extract(folder, server.base_url, args.concurrency), None)
                    runs.append((name, code, stderr, time.monotonic() - again))
            requests = server.calls
        wall = time.monotonic() - began
        for name, code, stderr, seconds in runs:
            lines = stderr.splitlines()
            summary = next((line for line in lines if line.startswith("done ")), None) or next(
                (line for line in lines if line.startswith("error: ")), "(no summary)")
            print(f"{name}: exit {code}, {seconds:.1f}s: {summary}")
        results = count(folder, ids)
        faults = Counter(plan.values())
        print(f"injected: {sum(faults.values())} articles ({', '.join(f'{k} {v}' for k, v in faults.items())}); "
              f"expected in errors.jsonl: {expected_failed}")
        for name, value in results.items():
            print(f"{name:>32}: {value}")
        if refused is not None:
            print(f"{'concurrent run refused (exit 2)':>32}: {refused}")
        print(f"{'model requests':>32}: {requests}")
        print(f"{'wall time':>32}: {wall:.1f}s ({args.concurrency} at once)")
    bad = results["in neither (must be 0)"] + results["in both (must be 0)"] + results["duplicates in feed (must be 0)"]
    return 1 if bad or refused is False else 0


if __name__ == "__main__":
    sys.exit(main())
