"""Extraction quality and speed per backend on the gold set: the README's quality table.

Usage (the local rows need ``scripts/setup-local``; gemma needs ``NEWSFACTS_GEMMA=1 scripts/setup-local``)::

    python benchmarks/bench_quality.py [--backends rules,local:smollm2-135m-instruct,local:gemma3-270m]
    python benchmarks/bench_quality.py --backends rules,local:smollm2-135m-instruct/full --max-answer-tokens 1500
    python benchmarks/bench_quality.py --gold gold/heldout --inputs gold/heldout/articles   # held-out set

Each backend runs over every gold article (``gold/articles`` and ``seeds``) with an empty answer cache, so
every model decision is really made; the feed is then scored with ``python -m extract eval``'s rules.
Prints one Markdown row per backend: precision, recall and F1 per item type, the grounded rate, model
calls, and seconds per article (wall time of the whole run, model server start included, divided by the
number of articles; the start is also shown alone). The JSON of every row goes to
``benchmarks/results/quality.json``. Timings vary on a shared machine; compare rows from one run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from extract.engines.local import run_batch
from extract.evaluate import evaluate, load_gold, read_feed
from extract.model.client import ModelClient
from extract.model.connect import open_model
from extract.model.local_server import llama_server_available
from extract.read import iter_articles
from extract.settings import Settings
from extract.write import FeedWriter

ROOT = Path(__file__).resolve().parent.parent
TYPES = ("figures", "figures_unit", "statements", "statements_kind", "events")
BAR = {"figures_unit": 0.95, "statements": 0.85, "events": 0.70}


def run_backend(spec: str, inputs: list[str], gold_dir: Path, threads: int, **extra: Any) -> dict[str, Any]:
    """One row: ``spec`` is ``backend[:model][/extraction]`` (``local:smollm2-135m-instruct/full``)."""
    spec_model, _, extraction = spec.partition("/")
    backend, _, model = spec_model.partition(":")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(backend=backend, model=model or None, local_model=model or "smollm2-135m-instruct",  # type: ignore[arg-type]
                            extraction=extraction or "auto", cache_dir=Path(tmp) / "cache", quiet=True,  # type: ignore[arg-type]
                            n_threads=threads, **extra)
        began = time.monotonic()
        with FeedWriter(str(Path(tmp) / "out")) as writer, open_model(settings) as decider:
            summary = run_batch(iter_articles(inputs), decider, writer)
            startup = decider.startup_seconds if isinstance(decider, ModelClient) else 0.0
        wall = time.monotonic() - began
        feed = read_feed(Path(tmp) / "out" / "facts.jsonl")
    report = evaluate(load_gold(gold_dir), feed)
    scores = {t: {"p": c.precision, "r": c.recall, "f1": c.f1} for t, c in report.totals.items() if t in TYPES}
    extractor = [line["extractor"] for line in feed]
    return {
        "backend": spec,
        "articles": summary.done,
        "failed": summary.failed,
        "scores": scores,
        "grounded": report.grounded_rate,
        "model_calls": sum(e["model_calls"] for e in extractor),
        "model_seconds": sum(e["model_seconds"] for e in extractor),
        "startup": startup,
        "wall": wall,
        "per_article": wall / max(summary.done, 1),
        "slowest_in_model": max((e["model_seconds"] for e in extractor), default=0.0),
    }


def markdown(rows: list[dict[str, Any]]) -> str:
    head = "| backend | " + " | ".join(f"{t} P / R / F1" for t in TYPES) + \
        " | grounded | model calls | s/article (start) |"
    lines = [head, "|" + "---|" * (len(TYPES) + 4)]
    for row in rows:
        cells = [f"{row['scores'][t]['p']:.2f} / {row['scores'][t]['r']:.2f} / **{row['scores'][t]['f1']:.3f}**"
                 for t in TYPES]
        lines.append(f"| {row['backend']} | " + " | ".join(cells) + f" | {row['grounded']:.3f} | "
                     f"{row['model_calls']} | {row['per_article']:.2f} ({row['startup']:.1f} s) |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="rules,local:smollm2-135m-instruct,local:gemma3-270m")
    parser.add_argument("--gold", default=str(ROOT / "gold"))
    parser.add_argument("--inputs", default=f"{ROOT / 'gold' / 'articles'},{ROOT / 'seeds'}",
                        help="comma-separated article folders the gold annotates")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-answer-tokens", type=int, default=None,
                        help="cap on one answer's tokens (a tiny model in full extraction runs to the cap)")
    args = parser.parse_args()
    inputs = args.inputs.split(",")
    rows = []
    for spec in args.backends.split(","):
        if spec.startswith("local") and not llama_server_available():
            print(f"skipped {spec}: llama-cpp-python is not installed (scripts/setup-local)", file=sys.stderr)
            continue
        print(f"running {spec}...", file=sys.stderr)
        rows.append(run_backend(spec, inputs, Path(args.gold), args.threads, max_answer_tokens=args.max_answer_tokens))
    print(markdown(rows))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"quality-{Path(args.gold).name}.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    best = max(rows, key=lambda r: sum(r["scores"][t]["f1"] for t in BAR)) if rows else None
    if best is not None:
        print(f"\nbest on the bar's types: {best['backend']}", file=sys.stderr)
    return 0 if all(r["grounded"] == 1.0 and not r["failed"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
