"""What a 100,000-article Batch API run costs here: prepare and collect throughput, memory and file sizes.

Usage::

    python benchmarks/bench_batch_plan.py --articles 1000

Builds N distinct articles from the sample and gold texts (each with a numbered dateline, so every text and
request differs), runs ``batch prepare``, answers every request with a deterministic stand-in (every listed
quantity a figure, every quotation said by the first person named: about as long an answer as a model's),
then ``batch collect --responses``. Reports articles per second and per core for both steps (wall and CPU
time of this one process), peak RSS, and the size of the request and response files per article; then
scales them to 100,000 articles. The model's own time (the Batch API promises 24 h) is not part of it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fake_batch_api import tool_call_completion  # noqa: E402

from extract.cli import cli  # noqa: E402
from extract.read import Article, iter_articles  # noqa: E402


def articles(n: int, folder: Path) -> Path:
    texts = [a.text for a in iter_articles([str(ROOT / "seeds"), str(ROOT / "gold" / "articles"),
                                             str(ROOT / "gold" / "heldout" / "articles")]) if isinstance(a, Article)]
    path = folder / "articles.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            text = f"Report {i} (Example Wire) -\n\n{texts[i % len(texts)]}"
            handle.write(json.dumps({"id": f"a{i:06d}", "text": text, "published": "2025-06-26"}) + "\n")
    return path


def answer(body: dict[str, Any]) -> dict[str, Any]:
    user = body["messages"][1]["content"]
    people = re.findall(r"^- (.+) \(person\)$", user, re.MULTILINE)
    facts = {
        "figures": [{"quantity": q, "unit": None, "about": "a reported figure", "counted": None, "source": None,
                     "period": None} for q in re.findall(r"^(Q\d+) ", user, re.MULTILINE)],
        "statements": [{"quote": u, "sentences": [s], "speaker": people[0], "kind": "quote", "claim": "said"}
                       for u, s in re.findall(r"^(U\d+) (S\d+) ", user, re.MULTILINE) if people],
        "events": [{"sentence": "S2", "kind": "other", "summary": "what happened", "actors": [], "time": None,
                    "location": None}],
    }
    return tool_call_completion(body, facts)


def timed(step: Any) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    step()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args()
    n = args.articles
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inputs = articles(n, folder)
        out = folder / "run"
        runner = CliRunner()

        def prepare() -> None:
            result = runner.invoke(cli, ["batch", "prepare", str(inputs), "--out", str(out), "--model", "gpt-4o-mini",
                                         "-q"])
            assert result.exit_code == 0, result.stderr

        prep = timed(prepare)
        requests = sorted((out / "batch").glob("requests-*.jsonl"))
        request_bytes = sum(p.stat().st_size for p in requests)
        responses = folder / "responses.jsonl"
        with responses.open("w", encoding="utf-8") as handle:
            for path in requests:
                for raw in path.open(encoding="utf-8"):
                    line = json.loads(raw)
                    handle.write(json.dumps({"custom_id": line["custom_id"], "response": {
                        "status_code": 200, "body": answer(line["body"])}, "error": None}) + "\n")
        response_bytes = responses.stat().st_size

        def collect() -> None:
            result = runner.invoke(cli, ["batch", "collect", str(out), "--responses", str(responses), "-q"])
            assert result.exit_code == 0, result.stderr

        coll = timed(collect)
        lines = sum(1 for _ in (out / "facts.jsonl").open(encoding="utf-8"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cores = len(os.sched_getaffinity(0))
    rows = [
        ("articles", f"{n} ({lines} in the feed)"),
        ("prepare", f"{prep[0]:.1f} s wall, {prep[1]:.1f} s CPU: {n / prep[1]:.0f} articles per CPU-second"),
        ("collect", f"{coll[0]:.1f} s wall, {coll[1]:.1f} s CPU: {n / coll[1]:.0f} articles per CPU-second"),
        ("request files", f"{request_bytes / n / 1024:.1f} KB per article"),
        ("response files", f"{response_bytes / n / 1024:.1f} KB per article"),
        ("peak RSS (this process)", f"{peak:.0f} MB"),
        ("100,000 articles, one process", f"prepare {1e5 * prep[1] / n / 3600:.2f} h and collect "
                                          f"{1e5 * coll[1] / n / 3600:.2f} h of CPU; request files "
                                          f"{1e5 * request_bytes / n / 1e9:.1f} GB in "
                                          f"{max(1, round(1e5 * request_bytes / n / (190 * 2**20) + 0.5))} shards"),
        ("cores here", str(cores)),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key.ljust(width)}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
