"""Shared fixtures: vcr configuration, and the model server that recording (never replay) needs.

Replay (the default, and CI): ``record_mode="none"``; a request missing from its cassette fails the test.
Recording: ``python -m pytest -m vcr --record-mode=rewrite`` starts the embedded llama.cpp server (needs
``scripts/setup-local``) and writes ``tests/cassettes/<module>/<test>.yaml``. Host and port are left out
of request matching (the server runs on a free port); the request body is matched, so a prompt or schema
change makes replay fail loudly until the cassettes are re-recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from extract.settings import Settings

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
REPLAY_BASE_URL = "http://127.0.0.1:8765/v1"
LOCAL_MODEL = "smollm2-135m-instruct"


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    # No "record_mode" here: it would override --record-mode; pytest-recording's default is "none".
    return {
        "match_on": ["method", "path", "query", "body"],
        "filter_headers": ["authorization", "x-api-key", "openai-organization", "cookie", "set-cookie"],
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="session")
def model_base_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """Where recorded tests send model calls: a real local server when recording, else a dummy URL."""
    if request.config.getoption("--record-mode", default="none") in (None, "none"):
        yield REPLAY_BASE_URL
        return
    from extract.model.local_server import LocalServer

    with LocalServer(LOCAL_MODEL, n_ctx=8192) as server:  # room for a full extraction's prompt and answer
        yield server.base_url


@pytest.fixture
def model_settings(model_base_url: str, tmp_path: Path) -> Settings:
    """Settings that send every question to the model (fresh cache), as the local backend does."""
    return Settings(backend="openai", extraction="assist", base_url=model_base_url, api_key="sk-test-not-a-real-key",
                    model=LOCAL_MODEL, cache_dir=tmp_path / "cache", quiet=True, max_retries=0)
