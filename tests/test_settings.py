"""Configuration: precedence (flags, then EXTRACT_* / OPENAI_* environment, then [tool.extract], then
defaults), errors that name the setting and where it came from, and where the API key may be sent."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fault_server import LOOPBACK_ALLOWED_HOSTS, completion_body, first_option

from extract.cli import cli
from extract.errors import ConfigError
from extract.settings import Settings, load_settings

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "harbour-flood.md"  # a quote only the model settles
KEY = "sk-secret-from-the-environment"


def file_with(tmp_path: Path, body: str) -> Path:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.extract]\n" + body, encoding="utf-8")
    return pyproject


def test_precedence_flags_env_pyproject_defaults(tmp_path: Path) -> None:
    pyproject = file_with(tmp_path, 'backend = "rules"\ntimeout = 5\nmodel = "from-file"\n')
    env = {"EXTRACT_MODEL": "from-env", "EXTRACT_TIMEOUT": "7.5", "OPENAI_API_KEY": "sk-env"}
    settings = load_settings({"model": "from-flag", "backend": None}, environ=env, pyproject=pyproject)
    assert settings.model == "from-flag"  # flag beats env and file
    assert settings.timeout == 7.5  # env beats file
    assert settings.backend == "rules"  # file beats default (the flag was not given)
    assert settings.max_retries == Settings().max_retries  # default
    assert settings.api_key == "sk-env"
    assert "sk-env" not in repr(settings)
    assert settings.notes == ()


def test_bad_values_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="backend must be one of auto, openai, local, rules, not 'gpt'"):
        load_settings({"backend": "gpt"}, environ={}, pyproject=tmp_path / "none.toml")
    with pytest.raises(ConfigError, match="use_cache must be true or false"):
        load_settings(environ={"EXTRACT_USE_CACHE": "maybe"}, pyproject=tmp_path / "none.toml")
    key_file = file_with(tmp_path, 'api_key = "sk-nope"\n')
    with pytest.raises(ConfigError, match="api_key does not belong in a file"):
        load_settings(environ={}, pyproject=key_file)


@pytest.mark.parametrize(
    ("flags", "env", "body", "message"),
    [
        ({}, {"EXTRACT_TIMEOUT": "abc"}, "", "^EXTRACT_TIMEOUT: timeout must be a number, not 'abc'$"),
        ({}, {"EXTRACT_TIMEOUT": "-1"}, "", "^EXTRACT_TIMEOUT: timeout must be a positive number of seconds"),
        ({}, {"EXTRACT_CONCURRENCY": "2.5"}, "", "^EXTRACT_CONCURRENCY: concurrency must be a whole number"),
        ({}, {"EXTRACT_BACKEND": "locl"}, "", r"^EXTRACT_BACKEND: backend must be one of .*\(did you mean 'local'\?\)"),
        ({"timeout": -3.0}, {}, "", "^--timeout: timeout must be a positive number of seconds, not -3.0$"),
        ({}, {}, 'timeout = "soon"\n', r"pyproject.toml \[tool.extract\]: timeout must be a number, not 'soon'$"),
        ({}, {}, "max_retries = -1\n", r"\[tool.extract\]: max_retries cannot be negative, not -1$"),
        ({}, {}, "use_cache = 3\n", r"\[tool.extract\]: use_cache must be true or false, not 3$"),
        ({}, {}, "tiemout = 5\n", r"\[tool.extract\]: unknown setting 'tiemout' \(did you mean 'timeout'\?\)$"),
        ({}, {}, "notes = ['x']\n", r"\[tool.extract\]: unknown setting 'notes'$"),
        ({}, {}, "trust-file-base-url = true\n", "trust_file_base_url cannot be set in the file it would trust"),
    ],
)
def test_errors_name_the_setting_and_where_it_came_from(
    tmp_path: Path, flags: dict[str, Any], env: dict[str, str], body: str, message: str
) -> None:
    pyproject = file_with(tmp_path, body)
    with pytest.raises(ConfigError, match=message) as exc:
        load_settings(flags, environ=env, pyproject=pyproject)
    if body:
        assert str(pyproject) in str(exc.value)


def test_a_misspelt_variable_is_a_warning_and_other_tools_variables_are_left_alone(tmp_path: Path) -> None:
    env = {"EXTRACT_TIEMOUT": "5", "EXTRACT_LIVE": "1"}
    settings = load_settings(environ=env, pyproject=tmp_path / "none.toml")
    assert settings.timeout is None
    assert settings.notes == ("EXTRACT_TIEMOUT is not a setting (did you mean EXTRACT_TIMEOUT?); ignored",)


def test_toml_types_and_dashes(tmp_path: Path) -> None:
    pyproject = file_with(tmp_path, 'max-retries = 2\ntimeout = 5\nuse_cache = false\ncache_dir = "~/x"\n')
    settings = load_settings(environ={}, pyproject=pyproject)
    assert (settings.max_retries, settings.timeout, settings.use_cache) == (2, 5.0, False)
    assert settings.cache_dir == Path("~/x").expanduser()


# --- where the API key may go ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("flags", "env", "sent"),
    [
        ({}, {}, False),  # the base URL comes from ./pyproject.toml: the key is withheld
        ({}, {"EXTRACT_TRUST_FILE_BASE_URL": "1"}, True),  # opted in from the environment
        ({"trust_file_base_url": True}, {}, True),  # opted in on the command line
        ({"base_url": "http://127.0.0.1:9/v1"}, {}, True),  # the command line names the server
        ({}, {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}, True),  # so does the environment
    ],
)
def test_a_key_from_the_environment_goes_only_where_the_environment_or_the_command_line_says(
    tmp_path: Path, flags: dict[str, Any], env: dict[str, str], sent: bool
) -> None:
    pyproject = file_with(tmp_path, 'base_url = "http://attacker.example:8080/v1"\n')
    settings = load_settings(flags, environ={"OPENAI_API_KEY": KEY, **env}, pyproject=pyproject)
    assert settings.api_key == (KEY if sent else None)
    if sent:
        assert settings.notes == ()
    else:
        [note] = settings.notes
        assert note.startswith("OPENAI_API_KEY is not sent to http://attacker.example:8080, the base_url that ")
        assert str(pyproject) in note and "--trust-file-base-url" in note and KEY not in note


def test_the_file_may_name_openai_itself(tmp_path: Path) -> None:
    pyproject = file_with(tmp_path, 'base_url = "https://api.openai.com/v1"\n')
    assert load_settings(environ={"OPENAI_API_KEY": KEY}, pyproject=pyproject).api_key == KEY


class _Recorder(BaseHTTPRequestHandler):
    """An OpenAI-compatible server that records every request's Authorization header."""

    seen: list[str]

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, body: dict[str, Any]) -> None:
        self.seen.append(self.headers.get("Authorization", ""))
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._reply({"object": "list", "data": [{"id": "m", "object": "model", "created": 0, "owned_by": "x"}]})

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self._reply(completion_body(request, first_option(request).arguments, 1))


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    handler = type("Handler", (_Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.block_network(allowed_hosts=LOOPBACK_ALLOWED_HOSTS)
@pytest.mark.parametrize("trust", [False, True])
def test_a_planted_pyproject_never_receives_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recorder: tuple[str, list[str]], trust: bool
) -> None:
    base_url, seen = recorder
    file_with(tmp_path, f'base_url = "{base_url}"\nextraction = "assist"\n')
    monkeypatch.chdir(tmp_path)
    args = [str(FIXTURE), "--out", "-", "--cache-dir", "cache", *(["--trust-file-base-url"] if trust else [])]
    result = CliRunner().invoke(cli, args, env={"OPENAI_API_KEY": KEY})
    assert result.exit_code == 0, result.stderr
    assert len(seen) >= 2, "the server was not asked (GET /models, then the question)"
    if trust:
        assert set(seen) == {f"Bearer {KEY}"}
    else:
        assert all(KEY not in header for header in seen)
        assert result.stderr.count("warning: OPENAI_API_KEY is not sent to http://127.0.0.1:") == 1


def test_the_file_of_the_working_directory_is_named_as_such(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file_with(tmp_path, "tiemout = 5\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"^\./pyproject\.toml \[tool\.extract\]: unknown setting 'tiemout'"):
        load_settings(environ={})
