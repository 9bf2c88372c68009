"""Full extraction by the embedded model, replayed: SmolLM2-135M's recorded answers to the facts prompt.

A 135M-parameter model cannot read an article: given the facts prompt it answers with empty lists (as
recorded here), or repeats itself, runs to the token cap or names what the article never says. What this
shows is that nothing it says is trusted blindly: every item in the feed is grounded in the text (exact
spans, numbers as written), an answer either holds item by item or is set aside with its reason, and the
rules' items stand, unchanged, wherever the model's do not.

Re-record with ``python -m pytest tests/test_replay_full.py --record-mode=rewrite`` after
``scripts/setup-local`` (a few minutes on 2 cores).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from extract.article import extract_article
from extract.engines.local import run_batch
from extract.model.client import NoModel
from extract.model.connect import open_model
from extract.read import Article, iter_articles
from extract.settings import Settings
from extract.write import FeedWriter
from schemas import feed_json_schema

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTICLES = [FIXTURES / "dock-strike.md", FIXTURES / "harbour-flood.md"]

pytestmark = [
    pytest.mark.vcr,
    pytest.mark.default_cassette("full.yaml"),
    pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1$"]),
]


def run(model_base_url: str, tmp_path: Path) -> list[dict[str, Any]]:
    settings = Settings(backend="openai", extraction="full", base_url=model_base_url, api_key="sk-test-not-a-real-key",
                        model="smollm2-135m-instruct", cache_dir=tmp_path / "cache", quiet=True, max_retries=0,
                        max_answer_tokens=700, timeout=900)
    with FeedWriter(str(tmp_path / "out")) as writer, open_model(settings) as model:
        summary = run_batch(iter_articles([str(p) for p in ARTICLES]), model, writer)
    assert summary.failed == 0, summary.failures
    return [json.loads(line) for line in (tmp_path / "out" / "facts.jsonl").read_text("utf-8").splitlines()]


def test_the_tiny_models_answers_are_grounded_or_rejected(model_base_url: str, tmp_path: Path) -> None:
    lines = run(model_base_url, tmp_path)
    articles = {a.id: a for a in iter_articles([str(p) for p in ARTICLES]) if isinstance(a, Article)}
    texts = {key: a.text for key, a in articles.items()}
    validator = jsonschema.Draft202012Validator(feed_json_schema())
    for line in lines:
        validator.validate(line)
        extractor = line["extractor"]
        assert extractor["extraction"] == "full" and extractor["model_calls"] == 1  # one request per article
        text = texts[line["article"]["id"]]
        for kind in ("figures", "statements", "events"):
            for item in line[kind]:
                span = item["evidence"]
                assert text[span["start"]:span["end"]] == span["text"]
        for figure in line["figures"]:
            assert text[figure["quantity"]["start"]:figure["quantity"]["end"]] == figure["quantity"]["text"]
        assert all(c["status"] == "pass" for c in line["checks"] if c["rule"] in ("grounded", "evidence_exact"))
        # Whatever the model said either holds, or was set aside with its reason, or (an empty answer, or
        # one set aside whole) the rules' items stand exactly as a run without the model gives them.
        for rejected in line["rejected"]:
            assert rejected["reason"] and rejected["item"]["by"] == "model"
        by_model = [i for kind in ("figures", "statements", "events") for i in line[kind] if i["by"] == "model"]
        if not by_model:
            rules = extract_article(articles[line["article"]["id"]], NoModel(), run_id="rules")
            for kind in ("figures", "statements", "events"):
                spans = sorted((i["evidence"]["start"], i["evidence"]["end"]) for i in line[kind])
                assert spans == sorted((i.evidence.start, i.evidence.end) for i in getattr(rules, kind)), kind
    assert any(line["figures"] or line["statements"] for line in lines)


def test_replayed_answers_come_from_the_cache_the_second_time(model_base_url: str, tmp_path: Path) -> None:
    first = run(model_base_url, tmp_path)
    (tmp_path / "out" / "facts.jsonl").unlink()
    second = run(model_base_url, tmp_path)
    assert [line["extractor"]["model_calls"] for line in second] == [0, 0]
    strip = ("extractor",)
    assert [{k: v for k, v in a.items() if k not in strip} for a in first] == [
        {k: v for k, v in b.items() if k not in strip} for b in second]
