"""Speed of the embedded backend on the sample articles, per stage, as ratios measured in one run.

Usage (after ``scripts/setup-local``)::

    python benchmarks/bench_seeds.py [--model smollm2-135m-instruct] [--inputs seeds]
    python benchmarks/bench_seeds.py --inputs seeds,gold/articles,gold/heldout/articles,tests/fixtures

Prints: model server start, prompt tokens and tokens/s, generated tokens and tokens/s, total wall time,
the ratio of total time to time spent inside the model (pipeline overhead), and the wall time of a second
run over the same inputs, which must make zero model calls (answers come from the cache). Prompt and
generation speed are split by replaying a sample of the run's own requests with streaming: the time to
the first streamed token is prompt processing, the rest is generation. Timings vary on a shared machine;
the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import openai

from extract.engines.local import run_batch
from extract.model.client import ModelClient
from extract.model.connect import open_model
from extract.model.local_server import LocalServer
from extract.read import iter_articles
from extract.settings import Settings
from extract.write import FeedWriter


def run_once(settings: Settings, inputs: str, out: Path) -> dict[str, Any]:
    began = time.monotonic()
    with FeedWriter(str(out)) as writer, open_model(settings) as decider:
        summary = run_batch(iter_articles(inputs.split(",")), decider, writer)
        startup = decider.startup_seconds if isinstance(decider, ModelClient) else 0.0
    wall = time.monotonic() - began
    lines = [json.loads(x) for x in (out / "facts.jsonl").read_text(encoding="utf-8").splitlines()]
    extractor = [line["extractor"] for line in lines]
    return {
        "articles": summary.done,
        "failed": summary.failed,
        "wall": wall,
        "startup": startup,
        "model_calls": sum(e["model_calls"] for e in extractor),
        "cache_hits": sum(e["cache_hits"] for e in extractor),
        "model_seconds": sum(e["model_seconds"] for e in extractor),
        "prompt_tokens": sum(e["usage"]["prompt_tokens"] for e in extractor),
        "completion_tokens": sum(e["usage"]["completion_tokens"] for e in extractor),
        "per_article_max": max(e["model_seconds"] for e in extractor) if extractor else 0.0,
    }


def streaming_probe(model: str, requests: list[dict[str, Any]], n_threads: int) -> tuple[float, float]:
    """Prompt and generation tokens/s from streamed replays of the run's own requests."""
    prompt_rates: list[float] = []
    gen_rates: list[float] = []
    with LocalServer(model, n_threads=n_threads) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="local", max_retries=0)
        for request in requests:
            began = time.monotonic()
            first: float | None = None
            for chunk in client.chat.completions.create(**request, stream=True):
                if first is None and chunk.choices:
                    first = time.monotonic()
            end = time.monotonic()
            # llama.cpp's stream carries no usage: count the same request's tokens without streaming.
            usage = client.chat.completions.create(**request).usage
            if first is None or usage is None:
                continue
            prompt_rates.append(usage.prompt_tokens / max(first - began, 1e-6))
            if usage.completion_tokens > 1 and end > first:
                gen_rates.append((usage.completion_tokens - 1) / (end - first))
    return (statistics.median(prompt_rates) if prompt_rates else float("nan"),
            statistics.median(gen_rates) if gen_rates else float("nan"))


def sample_requests(inputs: str, model: str, limit: int) -> list[dict[str, Any]]:
    """The chat requests the pipeline makes: the same messages and answer schema, as a forced tool call."""
    from extract import rules
    from extract.anchors import find_anchors
    from extract.model.client import request_body
    from extract.model.questions import speaker_questions

    requests: list[dict[str, Any]] = []
    for item in iter_articles(inputs.split(",")):
        if isinstance(item, Exception):
            continue
        draft = rules.draft(item.text, find_anchors(item.text, item.published))
        for _, request in speaker_questions(item, draft):
            requests.append(request_body(request, model=model, mode="tools"))
            if len(requests) >= limit:
                return requests
    return requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--inputs", default="seeds", help="comma-separated files or folders")
    parser.add_argument("--probe", type=int, default=6, help="requests replayed with streaming")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(backend="local", extraction="assist", model=args.model, cache_dir=Path(tmp) / "cache",
                            quiet=True,
                            n_threads=args.threads)
        cold = run_once(settings, args.inputs, Path(tmp) / "cold")
        warm = run_once(settings, args.inputs, Path(tmp) / "warm")
    prompt_rate, gen_rate = streaming_probe(args.model, sample_requests(args.inputs, args.model, args.probe),
                                            args.threads)
    inside = cold["startup"] + cold["model_seconds"]
    rows = [
        ("model", args.model),
        ("articles", f"{cold['articles']} ({cold['failed']} failed)"),
        ("model server start", f"{cold['startup']:.1f} s"),
        ("model calls (cold run)", f"{cold['model_calls']}"),
        ("prompt tokens", f"{cold['prompt_tokens']} at {prompt_rate:.0f} tok/s (streamed probe, median)"),
        ("generated tokens", f"{cold['completion_tokens']} at {gen_rate:.0f} tok/s (streamed probe, median)"),
        ("time inside the model", f"{cold['model_seconds']:.1f} s (+ {cold['startup']:.1f} s start)"),
        ("cold run, total wall", f"{cold['wall']:.1f} s ({cold['wall'] / max(cold['articles'], 1):.1f} s/article)"),
        ("slowest article in the model", f"{cold['per_article_max']:.1f} s"),
        ("total / inside model", f"{cold['wall'] / inside:.2f}" if inside else "n/a"),
        ("cached run, total wall", f"{warm['wall']:.2f} s with {warm['model_calls']} model calls, "
                                   f"{warm['cache_hits']} cache hits"),
        ("cold / cached", f"{cold['wall'] / warm['wall']:.0f}x" if warm["wall"] else "n/a"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    return 0 if warm["model_calls"] == 0 and cold["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
