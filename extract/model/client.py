"""Stage 3, ask the model: small, constrained decisions around anchors, never free-form facts.

Input: a :class:`Question` (a named prompt, its variables, and the options the answer must be one of).
Output: one of the options, or ``None`` when the decider abstains and the rules' answer stands.

This is the only module that imports ``openai`` or ``instructor``. Every model call goes through
``instructor`` in ``Mode.TOOLS`` (a forced tool call: llama.cpp turns the schema into a grammar, and OpenAI
honours it too), with the options as a ``Literal`` enum so even a 135M-parameter model answers in a few
tokens and cannot answer outside the list. ``tenacity`` retries transient failures (timeouts, connection
errors, 429 honouring Retry-After, 5xx) with bounded exponential backoff and jitter; ``instructor`` re-asks
on a validation error, bounded by ``max_reasks``. One :class:`RateGate` per decider is shared by every
thread of a run: a 429 holds it for the Retry-After, and no thread sends a request until it opens. Answers
are cached on disk (``diskcache``, safe to share between threads) by backend, model, prompt version and
hash, answer schema, the article's sha256 and the question, so a second run over the same inputs makes no
model call.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import string
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal, Protocol

import diskcache
from pydantic import BaseModel, Field, create_model
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from extract.errors import ConfigError, ModelCallError
from extract.local_server import LocalServer, llama_server_available
from extract.settings import Settings

if TYPE_CHECKING:  # imported lazily: openai alone takes ~1.7 s to import, and a cached run never needs it
    import instructor
    import openai

_MAX_RETRY_AFTER = 60.0
_ANSWER_TOKENS = 64


@dataclass(frozen=True)
class Prompt:
    """A named, versioned prompt template; article text only ever enters through ``variables``."""

    name: str
    version: str
    system: str
    user: str

    @property
    def id(self) -> str:
        return f"{self.name}.{self.version}"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(f"{self.system}\0{self.user}".encode()).hexdigest()

    def render(self, variables: Mapping[str, str]) -> list[dict[str, str]]:
        """The chat messages; ``safe_substitute`` never re-reads what it inserts."""
        return [
            {"role": "system", "content": string.Template(self.system).safe_substitute(variables)},
            {"role": "user", "content": string.Template(self.user).safe_substitute(variables)},
        ]


@cache
def load_prompt(prompt_id: str) -> Prompt:
    """Load ``prompts/<name>.<version>.md`` (sections ``## system`` and ``## user``)."""
    name, _, version = prompt_id.rpartition(".")
    try:
        source = resources.files("prompts").joinpath(f"{prompt_id}.md").read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise ConfigError(f"no prompt template {prompt_id!r} in prompts/", original=err) from err
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in source.splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line[3:].strip(), [])
        elif current is not None:
            current.append(line)
    if "system" not in sections or "user" not in sections:
        raise ConfigError(f"prompt {prompt_id!r} needs '## system' and '## user' sections")
    return Prompt(name, version, "\n".join(sections["system"]).strip(), "\n".join(sections["user"]).strip())


@dataclass(frozen=True)
class Question:
    """One decision: which of ``options`` holds, given a prompt and its variables."""

    prompt_id: str
    variables: Mapping[str, str]
    options: tuple[str, ...]


@dataclass
class Meter:
    """What deciding one article cost; copied into the feed record's provenance."""

    model_calls: int = 0
    cache_hits: int = 0
    attempts: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model_seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


class Decider(Protocol):
    """Anything that can settle a :class:`Question`: a model, a scripted fake, or nobody (rules)."""

    backend: Literal["openai", "local", "rules"]
    model: str | None

    def choose(self, question: Question, *, article_sha256: str, meter: Meter) -> str | None: ...


class RulesDecider:
    """No model: abstains on every question, so the deterministic rules' answers stand."""

    backend: Literal["openai", "local", "rules"] = "rules"
    model: str | None = None

    def choose(self, question: Question, *, article_sha256: str, meter: Meter) -> str | None:
        return None


class AnswerCache:
    """diskcache with the failure modes made harmless: a corrupt entry is a miss, a corrupt cache is renewed.

    A cache database that cannot be opened (a crash mid-write, a truncated file) is moved aside as
    ``answers.corrupt-<time>`` and a fresh one started; if even that fails, the run goes on uncached.
    """

    def __init__(self, directory: str) -> None:
        self.note: str | None = None
        self._cache: diskcache.Cache | None = None
        try:
            self._cache = diskcache.Cache(directory)
        except Exception as err:  # sqlite3.DatabaseError and friends: never fatal
            aside = f"{directory}.corrupt-{int(time.time())}"
            try:
                os.replace(directory, aside)
                self._cache = diskcache.Cache(directory)
                self.note = f"answer cache was unreadable ({type(err).__name__}); moved to {aside}"
            except Exception:
                self.note = f"answer cache is unusable ({type(err).__name__}); running without it"

    def get(self, key: str) -> dict[str, Any] | None:
        if self._cache is None:
            return None
        try:
            value = self._cache.get(key)
        except Exception:  # any corruption (pickle, sqlite) means "not cached"
            return None
        return value if isinstance(value, dict) else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        if self._cache is not None:
            with contextlib.suppress(Exception):
                self._cache.set(key, value)

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()


class RateGate:
    """One backoff shared by every thread: after a 429, nobody sends a request until the wait is over.

    ``hold(seconds)`` closes the gate until ``seconds`` from now (never shortening an earlier hold);
    ``wait()`` blocks until it is open. Thread-safe.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._until = 0.0

    def hold(self, seconds: float) -> None:
        with self._lock:
            self._until = max(self._until, time.monotonic() + seconds)

    def wait(self) -> float:
        """Block until the gate is open; returns the seconds spent waiting."""
        waited = 0.0
        while True:
            with self._lock:
                remaining = self._until - time.monotonic()
            if remaining <= 0:
                return waited
            time.sleep(remaining)
            waited += remaining


class ModelDecider:
    """Settles questions with a model behind an OpenAI-compatible endpoint, through instructor.

    Safe to share between threads: the client is connected once under a lock, attempts are counted per
    thread, and every request first passes the decider's :class:`RateGate`.
    """

    def __init__(
        self,
        connect: Callable[[], openai.OpenAI],
        *,
        backend: Literal["openai", "local"],
        model: str,
        settings: Settings,
        cache: AnswerCache | None,
    ) -> None:
        self.backend: Literal["openai", "local", "rules"] = backend
        self.model: str | None = model
        self._settings = settings
        self._cache = cache
        self._connect = connect
        self._client: instructor.Instructor | None = None
        self._client_lock = threading.Lock()
        self._local = threading.local()  # this thread's attempt count for the question it is asking
        self.gate = RateGate()
        self.startup_seconds = 0.0  # time the embedded server took to start, when this run started it

    @property
    def client(self) -> instructor.Instructor:
        """Connected on first use: a run whose answers are all cached never starts a server."""
        with self._client_lock:
            if self._client is None:
                import instructor

                # instructor logs every failed attempt at ERROR, with the server's reply in the message;
                # this module reports failures itself (ModelCallError, Meter.failures), without bodies.
                logging.getLogger("instructor").setLevel(logging.CRITICAL)
                client = instructor.from_openai(self._connect(), mode=instructor.Mode.TOOLS)
                client.on("completion:kwargs", self._before_request)
                self._client = client
            return self._client

    def _before_request(self, *args: Any, **kwargs: Any) -> None:
        """instructor calls this before every request, re-asks included: wait out a rate limit, count it."""
        self.gate.wait()
        self._local.attempts = getattr(self._local, "attempts", 0) + 1

    def _backoff(self, state: RetryCallState) -> float:
        """The wait before the next try; a 429 makes every thread wait, not only this one."""
        import openai

        seconds = _wait_for_retry(state)
        if state.outcome is not None and isinstance(state.outcome.exception(), openai.RateLimitError):
            self.gate.hold(seconds)
        return seconds

    def choose(self, question: Question, *, article_sha256: str, meter: Meter) -> str | None:
        prompt = load_prompt(question.prompt_id)
        answer_model = _answer_model(question.options)
        key = self._cache_key(prompt, answer_model, article_sha256, question)
        cached = self._cache.get(key) if self._cache else None
        if cached is not None and cached.get("answer") in question.options:
            meter.cache_hits += 1
            return str(cached["answer"])
        answer, usage = self._ask(prompt, answer_model, question, meter)
        meter.prompt_tokens += usage[0]
        meter.completion_tokens += usage[1]
        if self._cache is not None and answer is not None:
            self._cache.set(key, {"answer": answer, "usage": usage})
        return answer

    def _create(
        self, client: instructor.Instructor, answer_model: type[BaseModel], messages: list[dict[str, str]]
    ) -> tuple[Any, Any]:
        """One instructor call; transport errors it wrapped are unwrapped so tenacity can retry them."""
        import openai
        from instructor.core import InstructorRetryException

        try:
            return client.chat.completions.create_with_completion(
                model=self.model or "",
                response_model=answer_model,
                messages=messages,  # type: ignore[arg-type]
                max_retries=self._settings.max_reasks,
                temperature=0,
                max_tokens=_ANSWER_TOKENS,
            )
        except InstructorRetryException as err:
            # Unless the last failure was parsing a completion, it was the transport (or a body cut short).
            cause = err.__cause__
            parse_errors = [attempt.exception for attempt in err.failed_attempts or ()]
            if isinstance(cause, openai.OpenAIError | json.JSONDecodeError) and cause not in parse_errors:
                raise cause from None
            raise

    def _cache_key(self, prompt: Prompt, answer_model: type[BaseModel], sha: str, question: Question) -> str:
        material = {
            "backend": self.backend,
            "model": self.model,
            "prompt": prompt.id,
            "prompt_sha256": prompt.sha256,
            "schema": answer_model.model_json_schema(),
            "article_sha256": sha,
            "variables": dict(question.variables),
        }
        return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()

    def _ask(
        self, prompt: Prompt, answer_model: type[BaseModel], question: Question, meter: Meter
    ) -> tuple[str | None, tuple[int, int]]:
        import openai
        from instructor.core import InstructorRetryException

        messages = prompt.render({**question.variables, "options": ", ".join(question.options)})
        self._local.attempts = 0
        meter.model_calls += 1
        client = self.client  # connects (or starts the local server) outside the timed part
        began = time.monotonic()
        try:
            for attempt in Retrying(
                retry=retry_if_exception(_is_transient),
                wait=self._backoff,
                stop=stop_after_attempt(self._settings.max_retries + 1),
                reraise=True,
            ):
                with attempt:
                    result, completion = self._create(client, answer_model, messages)
        except InstructorRetryException as err:
            meter.model_seconds += time.monotonic() - began
            meter.attempts += self._local.attempts
            meter.failures.append(f"{prompt.id}: no valid answer after {err.n_attempts} attempts")
            return None, _usage(getattr(err, "total_usage", None))
        except (openai.OpenAIError, json.JSONDecodeError) as err:
            meter.model_seconds += time.monotonic() - began
            meter.attempts += self._local.attempts
            raise ModelCallError(f"model call failed: {_describe(err)}", original=err) from err
        meter.model_seconds += time.monotonic() - began
        meter.attempts += self._local.attempts
        return str(result.answer), _usage(completion.usage)


@cache
def _answer_model(options: tuple[str, ...]) -> type[BaseModel]:
    """A one-field response model whose only valid answers are ``options``."""
    choice = Literal[options]  # type: ignore[valid-type]
    return create_model(
        "Answer", answer=(choice, Field(description="Exactly one of the listed options.")),
    )


def _usage(usage: Any) -> tuple[int, int]:
    if usage is None:
        return 0, 0
    return int(getattr(usage, "prompt_tokens", 0) or 0), int(getattr(usage, "completion_tokens", 0) or 0)


def _is_transient(err: BaseException) -> bool:
    """Worth another try: timeouts, dropped connections, 429, 5xx, and a body cut off mid-JSON."""
    import openai

    if isinstance(err, openai.APIConnectionError | openai.RateLimitError | json.JSONDecodeError):
        return True
    return isinstance(err, openai.APIStatusError) and err.status_code >= 500


def _wait_for_retry(state: RetryCallState) -> float:
    """Honour Retry-After when the server sends it; otherwise exponential backoff with jitter."""
    import openai

    err = state.outcome.exception() if state.outcome else None
    if isinstance(err, openai.APIStatusError):
        header = err.response.headers.get("retry-after")
        with contextlib.suppress(TypeError, ValueError):
            return min(max(float(header or ""), 0.0), _MAX_RETRY_AFTER)
    return float(wait_exponential_jitter(multiplier=0.5, max=20.0)(state))


def _describe(err: Exception) -> str:
    """A one-line reason that never includes request headers (and so never the API key)."""
    import openai

    if isinstance(err, openai.APIStatusError):
        return f"HTTP {err.status_code} from the model server"
    if isinstance(err, openai.APITimeoutError):
        return "timed out waiting for the model server"
    if isinstance(err, openai.APIConnectionError):
        return "could not connect to the model server"
    if isinstance(err, json.JSONDecodeError):
        return "the model server sent a truncated or invalid JSON body"
    return type(err).__name__


@contextlib.contextmanager
def open_decider(settings: Settings, *, log: Any = None) -> Iterator[Decider]:
    """Choose the backend from settings (the one place that branches on it) and yield a decider.

    ``auto`` picks ``openai`` when an API key or base URL is configured, else ``local`` when the
    embedded server is installed, else ``rules``. The local server is stopped when the block ends.
    """
    backend = resolve_backend(settings)
    if log is not None:
        log(f"backend: {backend}" + (" (auto)" if settings.backend == "auto" else ""))
    if backend == "rules":
        yield RulesDecider()
        return
    cache = AnswerCache(str(settings.cache_dir / "answers")) if settings.use_cache else None
    if cache is not None and cache.note and log is not None:
        log(f"warning: {cache.note}")
    with contextlib.ExitStack() as stack:
        if cache is not None:
            stack.callback(cache.close)
        if backend == "openai":
            def connect() -> openai.OpenAI:
                import openai

                return openai.OpenAI(
                    api_key=settings.api_key or "unused", base_url=settings.base_url,
                    timeout=settings.timeout, max_retries=0,
                )
            yield ModelDecider(connect, backend="openai", model=settings.model or "gpt-4o-mini",
                               settings=settings, cache=cache)
            return
        model = settings.model or settings.local_model

        def start_local() -> openai.OpenAI:
            server = stack.enter_context(LocalServer(
                model, n_ctx=settings.n_ctx, n_threads=settings.n_threads,
                start_timeout=settings.server_start_timeout,
            ))
            decider.startup_seconds = server.startup_seconds
            if log is not None:
                log(f"local model {model} ready in {server.startup_seconds:.1f}s")
            import openai

            return openai.OpenAI(api_key="local", base_url=server.base_url, timeout=settings.timeout,
                                 max_retries=0)

        decider = ModelDecider(start_local, backend="local", model=model, settings=settings, cache=cache)
        yield decider


def resolve_backend(settings: Settings) -> Literal["openai", "local", "rules"]:
    if settings.backend != "auto":
        return settings.backend
    if settings.api_key or settings.base_url:
        return "openai"
    return "local" if llama_server_available() else "rules"
