"""Configuration: one frozen :class:`Settings`, built once and passed down explicitly.

Precedence, highest first (tested in ``tests/test_settings.py``):

1. command-line flags;
2. environment variables ``EXTRACT_<NAME>`` (``EXTRACT_BACKEND``, ``EXTRACT_MODEL``...), and the OpenAI
   client's own ``OPENAI_API_KEY`` / ``OPENAI_BASE_URL``;
3. the ``[tool.extract]`` table of ``pyproject.toml`` in the working directory;
4. the defaults below.

This is the only module that reads ``os.environ``, and it does so only when :func:`load_settings` is
called, never at import time. The API key is held in a field that ``repr`` never shows.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_args

from extract.errors import ConfigError

Backend = Literal["auto", "openai", "local", "rules"]
Extraction = Literal["auto", "full", "assist", "rules"]
ModelMode = Literal["auto", "tools", "json_schema", "md_json"]
LOCAL_MODELS = ("smollm2-135m-instruct", "gemma3-270m")


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsfacts"


@dataclass(frozen=True)
class Settings:
    """Everything a run can be told. Flags, environment and pyproject map onto these names."""

    backend: Backend = "auto"
    extraction: Extraction = "auto"
    model_mode: ModelMode = "auto"
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    local_model: str = "smollm2-135m-instruct"
    cache_dir: Path = field(default_factory=default_cache_dir)
    use_cache: bool = True
    timeout: float | None = None
    max_answer_tokens: int | None = None
    max_retries: int = 4
    max_reasks: int = 1
    n_threads: int = 2
    n_ctx: int = 2048
    server_start_timeout: float = 180.0
    encoding_errors: Literal["strict", "replace"] = "strict"
    concurrency: int = 1
    quiet: bool = False

    def __post_init__(self) -> None:
        if self.backend not in get_args(Backend):
            raise ConfigError(f"unknown backend {self.backend!r}; choose from {', '.join(get_args(Backend))}")
        if self.extraction not in get_args(Extraction):
            raise ConfigError(f"unknown extraction {self.extraction!r}; choose from {', '.join(get_args(Extraction))}")
        if self.model_mode not in get_args(ModelMode):
            raise ConfigError(f"unknown model_mode {self.model_mode!r}; choose from {', '.join(get_args(ModelMode))}")
        if self.max_retries < 0 or self.max_reasks < 0:
            raise ConfigError("retries cannot be negative")
        if self.timeout is not None and not self.timeout > 0:
            raise ConfigError(f"timeout must be a positive number of seconds, not {self.timeout}")
        if self.concurrency < 1:
            raise ConfigError(f"concurrency must be at least 1, not {self.concurrency}")


_ENV_ALIASES = {"api_key": "OPENAI_API_KEY", "base_url": "OPENAI_BASE_URL"}


def load_settings(
    flags: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    pyproject: Path | None = None,
) -> Settings:
    """Merge flags, environment, ``[tool.extract]`` and defaults, in that order of precedence.

    Args:
        flags: values given on the command line; ``None`` values count as not given.
        environ: the environment to read (``os.environ`` by default).
        pyproject: the pyproject.toml to read (``./pyproject.toml`` by default; missing is fine).

    Raises:
        ConfigError: for an unknown setting name, a value of the wrong type or an invalid backend.
    """
    env = os.environ if environ is None else environ
    merged: dict[str, Any] = {}
    merged.update(_from_pyproject(pyproject or Path("pyproject.toml")))
    merged.update(_from_environ(env))
    merged.update({k: v for k, v in (flags or {}).items() if v is not None})
    known = {f.name: f for f in fields(Settings)}
    unknown = set(merged) - set(known)
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    try:
        return Settings(**{name: _coerce(name, value) for name, value in merged.items()})
    except (TypeError, ValueError) as err:
        raise ConfigError(f"invalid setting: {err}", original=err) from err


def _from_environ(env: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name in _ENV_ALIASES and env.get(_ENV_ALIASES[f.name]):
            values[f.name] = env[_ENV_ALIASES[f.name]]
        key = f"EXTRACT_{f.name.upper()}"
        if env.get(key):
            values[f.name] = env[key]
    return values


def _from_pyproject(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{path}: cannot read [tool.extract]: {err}", original=err) from err
    table = data.get("tool", {}).get("extract", {})
    if "api_key" in table:
        raise ConfigError(f"{path}: api_key does not belong in a file; set OPENAI_API_KEY")
    return {k.replace("-", "_"): v for k, v in table.items()}


def _coerce(name: str, value: Any) -> Any:
    """Environment values arrive as strings; turn them into the field's type."""
    if not isinstance(value, str):
        return Path(value) if name == "cache_dir" else value
    if name == "cache_dir":
        return Path(value).expanduser()
    if name in ("use_cache", "quiet"):
        if value.lower() in ("1", "true", "yes", "on"):
            return True
        if value.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{name} must be true or false, not {value!r}")
    if name in ("timeout", "server_start_timeout"):
        if name == "timeout" and value.lower() in ("", "none"):
            return None
        return float(value)
    if name in ("max_retries", "max_reasks", "n_threads", "n_ctx", "concurrency", "max_answer_tokens"):
        return int(value)
    return value
