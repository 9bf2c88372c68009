"""Which extraction a run uses, decided in one place (``extract.model.connect.choose``) and said in the log."""

from __future__ import annotations

import pytest
from fault_server import LOOPBACK_ALLOWED_HOSTS, FaultServer

from extract.errors import ConfigError
from extract.model.connect import choose
from extract.settings import Settings

pytestmark = pytest.mark.block_network(allowed_hosts=LOOPBACK_ALLOWED_HOSTS)


@pytest.mark.parametrize(("settings", "extraction"), [
    (Settings(backend="openai", api_key="sk-x"), "full"),
    (Settings(backend="openai", api_key="sk-x", model="gpt-4o"), "full"),
    (Settings(backend="local", model="smollm2-135m-instruct"), "assist"),
    (Settings(backend="local", model="gemma3-270m"), "assist"),
    (Settings(backend="local", model="/models/qwen2.5-7b-instruct-q4.gguf"), "full"),
    (Settings(backend="rules"), "rules"),
    (Settings(backend="openai", api_key="sk-x", extraction="assist"), "assist"),
    (Settings(backend="local", extraction="full"), "full"),
    (Settings(backend="openai", api_key="sk-x", extraction="rules"), "rules"),
])
def test_auto_picks_assist_for_the_packaged_tiny_models_and_full_for_any_other(
    settings: Settings, extraction: str
) -> None:
    chosen = choose(settings)
    assert chosen.extraction == extraction
    assert f"extraction: {extraction}" in chosen.describe()


def test_the_run_says_what_it_chose_and_why() -> None:
    line = choose(Settings(backend="openai", api_key="sk-x")).describe()
    assert line.startswith("backend: openai, model: gpt-4o-mini, extraction: full (")
    assert "sk-x" not in line


def test_full_extraction_needs_a_model() -> None:
    with pytest.raises(ConfigError, match="needs a model"):
        choose(Settings(backend="rules", extraction="full"))


def test_a_server_named_without_a_model_reports_the_model_it_serves() -> None:
    with FaultServer([]) as server:
        chosen = choose(Settings(backend="openai", base_url=server.base_url))
    assert chosen.model == "fault-model" and chosen.extraction == "full"
    assert server.base_url in chosen.describe()


def test_a_wrong_base_url_fails_fast_naming_it_without_its_credentials() -> None:
    with pytest.raises(ConfigError, match=r"cannot list the models of http://127\.0\.0\.1:9/v1") as err:
        choose(Settings(backend="openai", base_url="http://user:secret@127.0.0.1:9/v1?key=abc"))
    assert "secret" not in str(err.value) and "abc" not in str(err.value)


def test_timeouts_and_modes_follow_the_extraction() -> None:
    assert choose(Settings(backend="openai", api_key="x")).timeout == 600
    assert choose(Settings(backend="openai", api_key="x", extraction="assist")).timeout == 60
    assert choose(Settings(backend="openai", api_key="x", timeout=5)).timeout == 5
    assert choose(Settings(backend="openai", api_key="x", base_url="http://127.0.0.1:11434/v1",
                           model="llama3.1")).mode == "json_schema"
    assert choose(Settings(backend="openai", api_key="x")).mode == "tools"
