"""Configuration precedence: flags, then EXTRACT_* / OPENAI_* environment, then [tool.extract], then defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.errors import ConfigError
from extract.settings import Settings, load_settings


def test_precedence_flags_env_pyproject_defaults(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.extract]\nbackend = "rules"\ntimeout = 5\nmodel = "from-file"\n', encoding="utf-8")
    env = {"EXTRACT_MODEL": "from-env", "EXTRACT_TIMEOUT": "7.5", "OPENAI_API_KEY": "sk-env"}
    settings = load_settings({"model": "from-flag", "backend": None}, environ=env, pyproject=pyproject)
    assert settings.model == "from-flag"  # flag beats env and file
    assert settings.timeout == 7.5  # env beats file
    assert settings.backend == "rules"  # file beats default (the flag was not given)
    assert settings.max_retries == Settings().max_retries  # default
    assert settings.api_key == "sk-env"
    assert "sk-env" not in repr(settings)


def test_bad_values_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown backend"):
        load_settings({"backend": "gpt"}, environ={}, pyproject=tmp_path / "none.toml")
    with pytest.raises(ConfigError, match="use_cache must be true or false"):
        load_settings(environ={"EXTRACT_USE_CACHE": "maybe"}, pyproject=tmp_path / "none.toml")
    key_file = tmp_path / "pyproject.toml"
    key_file.write_text('[tool.extract]\napi_key = "sk-nope"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="api_key does not belong in a file"):
        load_settings(environ={}, pyproject=key_file)
