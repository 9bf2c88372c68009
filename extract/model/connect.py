"""Which model answers, and how much it is asked: the one place that decides, from :class:`Settings`.

``--backend auto`` picks ``openai`` when an API key or base URL is configured, else ``local`` when the
embedded server and its model package are both installed, else ``rules``. ``--extraction auto`` picks
``assist`` (small constrained questions) for the packaged tiny models and ``full`` (the model fills the
article's facts) for every other model; ``rules`` asks nothing. :func:`open_model` yields the chosen
:class:`~extract.model.client.Model` and stops the embedded server, if it started one, when the block ends.
Its openai client holds every request, answer included, to the timeout (:mod:`extract.model.deadline`).
"""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from extract.errors import ConfigError, NewsfactsError
from extract.model.cache import AnswerCache
from extract.model.client import Backend, Extraction, Model, ModelClient, ModelMode, NoModel
from extract.model.local_server import LocalServer, llama_server_available, locate_model
from extract.settings import LOCAL_MODELS, Settings

if TYPE_CHECKING:
    import openai

OPENAI_DEFAULT_MODEL = "gpt-4o-mini"
#: Seconds to wait for one answer when not configured: a constrained choice is a few tokens, a full
#: extraction a few thousand.
DEFAULT_TIMEOUT = {"full": 600.0, "assist": 60.0, "rules": 60.0}
#: Context the embedded server is started with for full extraction (prompt, article and answer).
FULL_CONTEXT = 8192


@dataclass(frozen=True)
class Choice:
    """What a run will use, and why, in one line for the log."""

    backend: Backend
    model: str | None
    extraction: Extraction
    mode: ModelMode
    base_url: str | None
    reason: str
    timeout: float = 60.0

    def describe(self) -> str:
        where = f" at {redact_url(self.base_url)}" if self.base_url else ""
        model = f", model: {self.model}{where}" if self.model else ""
        return f"backend: {self.backend}{model}, extraction: {self.extraction} ({self.reason})"


def choose(settings: Settings) -> Choice:
    """Resolve ``auto`` backend, model, extraction and mode.

    Raises:
        ConfigError: a combination that cannot work (full extraction without a model).
    """
    backend, why = _backend(settings)
    model = None if backend == "rules" else settings.model or (
        settings.local_model if backend == "local" else
        served_model(settings) if settings.base_url else OPENAI_DEFAULT_MODEL)
    tiny = backend == "local" and model in LOCAL_MODELS
    extraction: Extraction
    if settings.extraction == "auto":
        extraction = "rules" if backend == "rules" else "assist" if tiny else "full"
        why += "; " + ("rules only" if backend == "rules" else
                       "a packaged tiny model answers only constrained questions" if tiny else
                       "the model fills the facts")
    else:
        extraction = settings.extraction
        if extraction != "rules" and backend == "rules":
            raise ConfigError(f"extraction {extraction!r} needs a model: set --backend openai or local")
    mode: ModelMode = settings.model_mode if settings.model_mode != "auto" else \
        "json_schema" if backend == "openai" and _is_ollama(settings.base_url) else "tools"
    base_url = settings.base_url if backend == "openai" else None
    return Choice(backend, model, extraction, mode, base_url, why, settings.timeout or DEFAULT_TIMEOUT[extraction])


def _is_ollama(base_url: str | None) -> bool:
    """Ollama's default port: it honours a JSON schema (``response_format``, v0.5+) but not a forced tool."""
    return base_url is not None and urllib.parse.urlsplit(base_url).port == 11434


def redact_url(url: str) -> str:
    """A base URL fit for logs and errors: scheme, host, port and path, without credentials or query."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", "")) or "the model server"


def served_model(settings: Settings) -> str:
    """The model an OpenAI-compatible server serves (the first of ``GET /models``), for a run that names a
    base URL but no model: llama.cpp, vLLM and Ollama all answer it. Fails fast on a wrong URL.

    Raises:
        ConfigError: the server cannot be reached or lists no model.
    """
    url = f"{(settings.base_url or '').rstrip('/')}/models"
    headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                    timeout=min(settings.timeout or 10.0, 10.0)) as response:
            listed = json.load(response).get("data") or []
    except (urllib.error.URLError, OSError, ValueError, AttributeError) as err:
        reason = getattr(err, "reason", None) or type(err).__name__
        raise ConfigError(f"cannot list the models of {redact_url(url)} ({reason}); check --base-url, "
                          "or name the model with --model") from None
    ids = [m.get("id") for m in listed if isinstance(m, dict) and isinstance(m.get("id"), str)]
    if not ids:
        raise ConfigError(f"{redact_url(url)} lists no model; name one with --model")
    return str(ids[0])


def _backend(settings: Settings) -> tuple[Backend, str]:
    if settings.backend != "auto":
        return settings.backend, "as configured"
    if settings.api_key or settings.base_url:
        return "openai", "auto: an API key or base URL is set"
    if not llama_server_available():
        return "rules", "auto: no API key or base URL, and the embedded server is not installed"
    try:
        locate_model(settings.model or settings.local_model)
    except ConfigError as err:
        return "rules", f"auto: embedded server installed but {err.message}"
    return "local", "auto: the embedded model"


@contextlib.contextmanager
def open_model(settings: Settings, *, log: Callable[[str], None] | None = None) -> Iterator[Model]:
    """Yield the model the settings choose; the embedded server, if started, stops when the block ends."""
    chosen = choose(settings)
    if log is not None:
        log(chosen.describe())
    if chosen.extraction == "rules" or chosen.backend == "rules":
        yield NoModel()
        return

    def warn(message: str) -> None:
        if log is not None:
            log(f"warning: {message}")

    cache = AnswerCache(str(settings.cache_dir / "answers"), warn=warn) if settings.use_cache else None
    if cache is not None and cache.note:
        warn(cache.note)
    with contextlib.ExitStack() as stack:
        if cache is not None:
            stack.callback(cache.close)
        if chosen.backend == "openai":
            def connect() -> openai.OpenAI:
                import openai

                from extract.model.deadline import deadline_client

                return openai.OpenAI(api_key=settings.api_key or "unused", base_url=settings.base_url,
                                     timeout=chosen.timeout, max_retries=0,
                                     http_client=deadline_client(chosen.timeout))

            remote = ModelClient(connect, backend="openai", model=chosen.model or "", extraction=chosen.extraction,
                                 settings=settings, cache=cache, mode=chosen.mode,
                                 where=redact_url(settings.base_url) if settings.base_url else "the OpenAI API")
            remote.trace = log if settings.verbose else None
            yield remote
            return
        model = chosen.model or settings.local_model
        n_ctx = max(settings.n_ctx, FULL_CONTEXT) if chosen.extraction == "full" else settings.n_ctx

        def start_local() -> openai.OpenAI:
            try:
                server = stack.enter_context(LocalServer(
                    model, n_ctx=n_ctx, n_threads=settings.n_threads, start_timeout=settings.server_start_timeout,
                ))
            except NewsfactsError as err:
                # The client marks itself unreachable and never calls this again: one warning for the run,
                # and each article keeps the rules' answers instead of failing.
                warn(f"local model not available: {err.message}; the rules' answers stand wherever the model "
                     "would have been asked (scripts/setup-local installs the embedded model)")
                raise
            client.startup_seconds = server.startup_seconds
            if log is not None:
                log(f"local model {model} ready in {server.startup_seconds:.1f}s")
            import openai

            from extract.model.deadline import deadline_client

            return openai.OpenAI(api_key="local", base_url=server.base_url, timeout=chosen.timeout,
                                 max_retries=0, http_client=deadline_client(chosen.timeout))

        client = ModelClient(start_local, backend="local", model=model, extraction=chosen.extraction,
                             settings=settings, cache=cache, mode=chosen.mode, where="the embedded model server")
        client.trace = log if settings.verbose else None
        yield client
