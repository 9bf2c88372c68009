"""Which of the rules' items to keep beside a capable model's: every merge policy scored on the same answers.

Usage::

    python -m extract batch prepare gold/realdev/articles --out run --model gpt-4o-mini
    # ... answers to run/batch/requests-*.jsonl in Batch API output format (a model, or a stand-in) ...
    python benchmarks/bench_merge_policy.py run --responses answers.jsonl --gold gold/realdev

For each :class:`~extract.merge.MergePolicy` (the rules keep, or not, their figures, quotes, reported
statements and events that the model did not mention), the prepared articles are extracted again with the
model's answers (exactly as ``batch collect`` does) and scored against the gold. Prints one row per
policy, best first by the sum of figures-with-unit, statements and events F1.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import sys
import tempfile
from pathlib import Path

from extract import article as article_module
from extract import merge as merge_module
from extract.engines import batch_api
from extract.engines.local import run_batch
from extract.evaluate import evaluate, load_gold, read_feed
from extract.write import FeedWriter

TYPES = ("figures", "figures_unit", "statements", "events")


def score(out: Path, responses: list[Path], gold: Path, policy: merge_module.MergePolicy) -> dict[str, float]:
    folder = out / "batch"
    state = batch_api.BatchState.load(folder)
    model = batch_api.answered_model(state, folder, responses)
    original = article_module.merge
    article_module.merge = functools.partial(merge_module.merge, policy=policy)  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory() as tmp, FeedWriter(tmp) as writer:
            run_batch(batch_api.state_inputs(state, out), model, writer)
            writer_feed = Path(tmp) / "facts.jsonl"
            report = evaluate(load_gold(gold), read_feed(writer_feed))
    finally:
        article_module.merge = original  # type: ignore[assignment]
    return {t: report.totals[t].f1 for t in TYPES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("batch", type=Path, help="the --out folder of `batch prepare`")
    parser.add_argument("--responses", type=Path, nargs="+", required=True)
    parser.add_argument("--gold", type=Path, required=True)
    args = parser.parse_args()
    rows: list[tuple[float, str, dict[str, float]]] = []
    for keep in itertools.product((False, True), repeat=4):
        policy = merge_module.MergePolicy(*keep)
        scores = score(args.batch, args.responses, args.gold, policy)
        name = ", ".join(f"{k} {'kept' if v else 'dropped'}" for k, v in zip(
            ("figures", "quotes", "reported", "events"), keep, strict=True))
        rows.append((scores["figures_unit"] + scores["statements"] + scores["events"], name, scores))
    rows.sort(key=lambda r: -r[0])
    default = merge_module.DEFAULT_POLICY
    print("| rules' own items the model did not mention | " + " | ".join(f"{t} F1" for t in TYPES) + " |")
    print("|---|" + "---|" * len(TYPES))
    for _, name, scores in rows:
        mark = " (default)" if name == ", ".join(f"{k} {'kept' if getattr(default, k) else 'dropped'}"
                                                   for k in ("figures", "quotes", "reported", "events")) else ""
        print(f"| {name}{mark} | " + " | ".join(f"{scores[t]:.3f}" for t in TYPES) + " |")
    return 0




if __name__ == "__main__":
    sys.exit(main())
