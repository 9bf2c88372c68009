"""Configuration: one frozen :class:`Settings`, built once and passed down explicitly.

Precedence, highest first (tested in ``tests/test_settings.py``):

1. command-line flags;
2. environment variables ``EXTRACT_<NAME>`` (``EXTRACT_BACKEND``, ``EXTRACT_MODEL``...), and the OpenAI
   client's own ``OPENAI_API_KEY`` / ``OPENAI_BASE_URL``;
3. the ``[tool.extract]`` table of ``pyproject.toml`` in the working directory;
4. the defaults below.

Every value is read with the place it came from (``--timeout``, ``EXTRACT_TIMEOUT``, ``./pyproject.toml
[tool.extract]``), so a bad value is reported as ``EXTRACT_TIMEOUT: timeout must be a number, not 'abc'``,
and an unknown name in the file gets a did-you-mean.

The API key is read only from the environment. It is sent only to a base URL that the environment or the
command line names, or to OpenAI's own: a ``pyproject.toml`` in the folder you run in is not yours to trust
(a cloned repository can carry one), so when the base URL comes from that file the key is withheld, with a
warning, unless ``--trust-file-base-url`` or ``EXTRACT_TRUST_FILE_BASE_URL=1`` says to send it. That
opt-in cannot itself be set in the file (a file cannot vouch for itself), nor can ``api_key``.

This is the only module that reads ``os.environ``, and it does so only when :func:`load_settings` is
called, never at import time. The API key is held in a field that ``repr`` never shows.
"""

from __future__ import annotations

import difflib
import math
import os
import tomllib
import types
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from extract.errors import ConfigError

Backend = Literal["auto", "openai", "local", "rules"]
Extraction = Literal["auto", "full", "assist", "rules"]
ModelMode = Literal["auto", "tools", "json_schema", "md_json"]
LOCAL_MODELS = ("smollm2-135m-instruct", "gemma3-270m")
#: Hosts the API key may always be sent to, wherever the base URL was configured.
OPENAI_HOSTS = ("api.openai.com",)


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
    trust_file_base_url: bool = False
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
    verbose: bool = False
    #: The largest input file read, and the longest line of a ``-`` stream (``/dev/zero`` never ends).
    max_input_bytes: int = 50_000_000
    #: Warnings found while loading (a withheld API key, a misspelt variable); not a setting.
    notes: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if self.backend not in get_args(Backend):
            raise ConfigError(f"unknown backend {self.backend!r}; choose from {', '.join(get_args(Backend))}")
        if self.extraction not in get_args(Extraction):
            raise ConfigError(f"unknown extraction {self.extraction!r}; choose from {', '.join(get_args(Extraction))}")
        if self.model_mode not in get_args(ModelMode):
            raise ConfigError(f"unknown model_mode {self.model_mode!r}; choose from {', '.join(get_args(ModelMode))}")
        for name in ("max_retries", "max_reasks"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} cannot be negative, not {getattr(self, name)}")
        if self.timeout is not None and not (self.timeout > 0 and math.isfinite(self.timeout)):
            raise ConfigError(f"timeout must be a positive number of seconds, not {self.timeout}")
        if self.concurrency < 1:
            raise ConfigError(f"concurrency must be at least 1, not {self.concurrency}")


_ENV_ALIASES = {"api_key": "OPENAI_API_KEY", "base_url": "OPENAI_BASE_URL"}
#: Fields that are not settings: never read from flags, the environment or a file.
_NOT_SETTINGS = frozenset({"notes"})
#: Settings a pyproject.toml may not hold, and why.
_NOT_IN_FILE = {
    "api_key": "api_key does not belong in a file; set OPENAI_API_KEY",
    "trust_file_base_url": "trust_file_base_url cannot be set in the file it would trust; pass "
    "--trust-file-base-url or set EXTRACT_TRUST_FILE_BASE_URL=1",
}
#: The flag of a setting, where it is not ``--<name>``.
_FLAG_NAMES = {"use_cache": "--no-cache", "model_mode": "--mode", "quiet": "--quiet"}


def setting_names() -> list[str]:
    """The names a flag, an ``EXTRACT_<NAME>`` variable or ``[tool.extract]`` may set."""
    return [f.name for f in fields(Settings) if f.name not in _NOT_SETTINGS]


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

    Returns:
        The settings, with ``notes`` holding the warnings the caller should show.

    Raises:
        ConfigError: naming the setting and where it came from, for an unknown setting name, a value of
            the wrong type or out of range, or a setting that does not belong in a file.
    """
    env = os.environ if environ is None else environ
    path = pyproject or Path("pyproject.toml")
    label = str(path) if pyproject is not None else "./pyproject.toml"
    notes: list[str] = []
    merged: dict[str, tuple[Any, str]] = {}  # name -> (value, where it came from)
    merged.update(_from_pyproject(path, label))
    merged.update(_from_environ(env, notes))
    merged.update({k: (v, _flag_name(k)) for k, v in (flags or {}).items() if v is not None})
    hints = get_type_hints(Settings)
    values: dict[str, Any] = {}
    for name, (raw, where) in merged.items():
        if name not in hints or name in _NOT_SETTINGS:
            raise ConfigError(f"{where}: unknown setting {name!r}{_did_you_mean(name, setting_names())}")
        try:
            value = _coerce(name, raw, hints[name])
            Settings(**{name: value})  # each field's own checks, so an error names where the value came from
        except ValueError as err:
            raise ConfigError(f"{where}: {name} {err}", original=err) from err
        except ConfigError as err:
            raise ConfigError(f"{where}: {err.message}", original=err) from err
        values[name] = value
    if _withhold_key(values, merged):
        values["api_key"] = None
        notes.append(
            f"{merged['api_key'][1]} is not sent to {_host(values['base_url'])}, the base_url that {label} sets: "
            "a file in the folder you run in could send your key anywhere. To use that server with the key, "
            "pass --base-url or set OPENAI_BASE_URL, or pass --trust-file-base-url"
        )
    return Settings(**values, notes=tuple(notes))


def _withhold_key(values: Mapping[str, Any], merged: Mapping[str, tuple[Any, str]]) -> bool:
    """A key from the environment, a base URL from the file, no opt-in, and not OpenAI's own host."""
    if not values.get("api_key") or not values.get("base_url") or values.get("trust_file_base_url"):
        return False
    if not merged["base_url"][1].endswith("[tool.extract]"):
        return False
    parts = urllib.parse.urlsplit(str(values["base_url"]))
    return not (parts.scheme == "https" and parts.hostname in OPENAI_HOSTS)


def _host(url: str) -> str:
    """The URL without credentials, query or path, fit for a warning."""
    parts = urllib.parse.urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}"


def _flag_name(name: str) -> str:
    return _FLAG_NAMES.get(name, "--" + name.replace("_", "-"))


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _from_environ(env: Mapping[str, str], notes: list[str]) -> dict[str, tuple[Any, str]]:
    values: dict[str, tuple[Any, str]] = {}
    names = setting_names()
    for name in names:
        alias = _ENV_ALIASES.get(name)
        if alias and env.get(alias):
            values[name] = (env[alias], alias)
        key = f"EXTRACT_{name.upper()}"
        if env.get(key):
            values[name] = (env[key], key)
    for key in env:
        if key.startswith("EXTRACT_") and key[8:].lower() not in names:
            close = difflib.get_close_matches(key[8:].lower(), names, n=1, cutoff=0.75)
            if close:  # other tools' EXTRACT_* variables (EXTRACT_LIVE for the tests) are left alone
                notes.append(f"{key} is not a setting (did you mean EXTRACT_{close[0].upper()}?); ignored")
    return values


def _from_pyproject(path: Path, label: str) -> dict[str, tuple[Any, str]]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{label}: cannot read [tool.extract]: {err}", original=err) from err
    table = data.get("tool", {}).get("extract", {})
    where = f"{label} [tool.extract]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table of settings")
    values: dict[str, tuple[Any, str]] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name in _NOT_IN_FILE:
            raise ConfigError(f"{where}: {_NOT_IN_FILE[name]}")
        values[name] = (value, where)
    return values


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _coerce(name: str, value: Any, hint: Any) -> Any:
    """Turn a flag, environment string or TOML value into the field's type.

    Raises:
        ValueError: the value cannot be of that type; the message completes "<name> ...".
    """
    if get_origin(hint) in (Union, types.UnionType):
        if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
            return None
        hint = next(arg for arg in get_args(hint) if arg is not type(None))
    if get_origin(hint) is Literal:
        choices = [str(c) for c in get_args(hint)]
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}, not {value!r}"
                             f"{_did_you_mean(str(value), choices)}")
        return value
    if hint is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
            return value.strip().lower() in _TRUE
        raise ValueError(f"must be true or false, not {value!r}")
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise ValueError(f"must be a whole number, not {value!r}")
    if hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value.strip())
            except ValueError:
                pass
        raise ValueError(f"must be a number, not {value!r}")
    if hint is Path:
        if isinstance(value, str | os.PathLike):
            return Path(value).expanduser()
        raise ValueError(f"must be a path, not {value!r}")
    if hint is str and not isinstance(value, str):
        raise ValueError(f"must be a string, not {value!r}")
    return value
