"""The model client: one :class:`Request` in, one validated Pydantic answer out, through instructor.

A :class:`Request` is a named prompt, its variables, and the Pydantic model the answer must fill, plus an
optional ``check`` that grounds the answer in the article (unknown anchor ids, names the article never
gives...). :class:`ModelClient` sends it through ``instructor`` (forced tool call by default; llama.cpp
turns the schema into a grammar), re-asks with the check's message when it fails (``max_reasks``), and
returns the last answer with whatever the check still found, so the caller keeps what holds.

``tenacity`` retries transient failures (timeouts, connection errors, 429 honouring Retry-After, 5xx)
with bounded exponential backoff and jitter. One :class:`RateGate` per client is shared by every thread: a
429 holds it for the Retry-After, and no thread sends until it opens. Answers are cached on disk under
:func:`request_key`, which is also the ``custom_id`` of the same request in a Batch API file, so batch
answers and live answers fill one cache. A server that cannot be reached at all is given up on after
the first request's retries: later requests get no answer at once and the rules' answers stand.

This package is the only place that imports ``openai`` or ``instructor`` (with the Batch API engine).
"""

from __future__ import annotations

import contextlib
import datetime
import email.utils
import hashlib
import json
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, ValidationError, create_model, model_validator
from tenacity import RetryCallState, Retrying, retry_if_exception, wait_exponential_jitter

from extract.errors import ModelCallError, NewsfactsError
from extract.model.cache import AnswerCache
from extract.model.prompts import load_prompt
from extract.settings import Settings

if TYPE_CHECKING:  # imported lazily: openai alone takes ~1.7 s to import, and a cached run never needs it
    import instructor
    import openai

Backend = Literal["openai", "local", "rules"]
Extraction = Literal["full", "assist", "rules"]
ModelMode = Literal["tools", "json_schema", "md_json"]
MAX_RETRY_AFTER = 60.0


@dataclass(frozen=True)
class Request:
    """One question to the model about one article.

    ``answer_model`` is the schema the model fills (sent as a tool or a JSON schema); ``check`` returns the
    problems of an answer that parses (anchor ids that do not exist, names the article never gives): a
    non-empty list makes instructor re-ask with it. The caller validates the final answer itself.
    """

    prompt_id: str
    variables: Mapping[str, str]
    answer_model: type[BaseModel]
    article_id: str
    article_sha256: str
    max_tokens: int = 64
    check: Callable[[Any], list[str]] | None = field(default=None, compare=False)

    def messages(self) -> list[dict[str, str]]:
        return load_prompt(self.prompt_id).render(self.variables)


@dataclass(frozen=True)
class Answer:
    """A parsed answer, and what its check still found after the last re-ask (empty when it holds)."""

    value: Any
    problems: tuple[str, ...] = ()
    from_cache: bool = False


@dataclass
class Meter:
    """What asking the model cost for one article; copied into the feed record's provenance."""

    model_calls: int = 0
    cache_hits: int = 0
    attempts: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model_seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


class Model(Protocol):
    """What the pipeline asks: a live client, a scripted fake, a Batch API file, or nobody (rules)."""

    backend: Backend
    model: str | None
    extraction: Extraction

    def answer(self, request: Request, meter: Meter) -> Answer | None:
        """The answer, or None when there is none (no model, unreachable, no valid answer)."""
        ...


@dataclass
class NoModel:
    """No model: every request goes unanswered, so the deterministic rules' answers stand."""

    backend: Backend = "rules"
    model: str | None = None
    extraction: Extraction = "rules"

    def answer(self, request: Request, meter: Meter) -> Answer | None:
        return None


def request_key(request: Request, model: str | None) -> str:
    """A stable id of (article id, article sha256, prompt version and text, model, answer schema,
    question): the answer cache's key and the request's ``custom_id`` in a Batch API file."""
    prompt = load_prompt(request.prompt_id)
    material = {
        "article": request.article_id,
        "sha256": request.article_sha256,
        "prompt": prompt.id,
        "prompt_sha256": prompt.sha256,
        "model": model,
        "schema": request.answer_model.model_json_schema(),
        "variables": dict(request.variables),
    }
    digest = hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()
    return f"nf-{digest[:40]}"


def answer_tokens(request: Request, settings: Settings) -> int:
    """The request's answer budget, capped by the ``max_answer_tokens`` setting when there is one."""
    return min(request.max_tokens, settings.max_answer_tokens or request.max_tokens)


def instructor_mode(mode: ModelMode) -> Any:
    import instructor

    return {"tools": instructor.Mode.TOOLS, "json_schema": instructor.Mode.JSON_SCHEMA,
            "md_json": instructor.Mode.MD_JSON}[mode]


def request_body(request: Request, *, model: str, mode: ModelMode, max_tokens: int | None = None) -> dict[str, Any]:
    """The chat-completions body the live path sends for ``request`` (first attempt), for Batch API files."""
    from instructor.v2.core.response import handle_response_model

    _, body = handle_response_model(
        request.answer_model, mode=instructor_mode(mode), messages=request.messages(), model=model,
        temperature=0, max_tokens=max_tokens or request.max_tokens,
    )
    return dict(body)


def parse_completion(request: Request, completion: Any, *, mode: ModelMode) -> Answer:
    """Parse a chat completion (a live one or a Batch API output line's body) as the live path does.

    Raises:
        ValueError: the completion does not hold an answer of the request's schema.
    """
    from instructor.v2.core.response_model import prepare_response_model
    from openai.types.chat import ChatCompletion

    try:
        if isinstance(completion, dict):
            completion = ChatCompletion.model_validate(completion)
        parser = prepare_response_model(request.answer_model)
        value = parser.from_response(completion, mode=instructor_mode(mode))  # type: ignore[union-attr]
    except (ValidationError, json.JSONDecodeError) as err:
        raise ValueError(f"answer does not fit the schema: {_first_error(err)}") from err
    except Exception as err:  # instructor's own parse errors (no tool call, cut at max_tokens)
        raise ValueError(f"no answer in the completion: {type(err).__name__}") from err
    return Answer(value, tuple(request.check(value)) if request.check else ())


def _first_error(err: Exception) -> str:
    if isinstance(err, ValidationError) and err.errors():
        first = err.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(err)[:200]


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


class ModelClient:
    """Answers requests with a model behind an OpenAI-compatible endpoint, through instructor.

    Safe to share between threads: the client is connected once under a lock, attempts are counted per
    thread, and every request first passes the client's :class:`RateGate`.
    """

    def __init__(
        self,
        connect: Callable[[], openai.OpenAI],
        *,
        backend: Literal["openai", "local"],
        model: str,
        extraction: Extraction,
        settings: Settings,
        cache: AnswerCache | None,
        mode: ModelMode = "tools",
        where: str = "the model server",
    ) -> None:
        self.backend: Backend = backend
        self.model: str | None = model
        self.extraction: Extraction = extraction
        self.mode: ModelMode = mode
        self.where = where
        self._settings = settings
        self._cache = cache
        self._connect = connect
        self._client: instructor.Instructor | None = None
        self._client_lock = threading.Lock()
        self._local = threading.local()  # this thread's attempt count for the request it is sending
        self.gate = RateGate()
        self.unreachable: str | None = None  # set once the server could not be reached at all
        self.trace: Callable[[str], None] | None = None  # with -v: one line per request and its answer
        self.startup_seconds = 0.0  # time the embedded server took to start, when this run started it

    @property
    def client(self) -> instructor.Instructor:
        """Connected on first use: a run whose answers are all cached never starts a server."""
        with self._client_lock:
            if self._client is None:
                import instructor

                # instructor logs every failed attempt at ERROR, with the server's reply in the message;
                # this module reports failures itself (Meter.failures), without bodies.
                logging.getLogger("instructor").setLevel(logging.CRITICAL)
                client = instructor.from_openai(self._connect(), mode=instructor_mode(self.mode))
                client.on("completion:kwargs", self._before_request)
                self._client = client
            return self._client

    def _before_request(self, *args: Any, **kwargs: Any) -> None:
        """instructor calls this before every request, re-asks included: wait out a rate limit, count it."""
        self.gate.wait()
        self._local.attempts = getattr(self._local, "attempts", 0) + 1

    def answer(self, request: Request, meter: Meter) -> Answer | None:
        if self.trace is None:
            return self._answer(request, meter)
        began, calls = time.monotonic(), meter.model_calls
        answer = self._answer(request, meter)
        how = "asked" if meter.model_calls > calls else "from the cache" if answer is not None else "not asked"
        self.trace(f"model: {request.article_id}: {request.prompt_id} {how} in {time.monotonic() - began:.1f}s: "
                   f"{describe_answer(answer)}")
        return answer

    def _answer(self, request: Request, meter: Meter) -> Answer | None:
        key = request_key(request, self.model)
        cached = self._cached(key, request)
        if cached is not None:
            meter.cache_hits += 1
            return cached
        if self.unreachable is not None:
            meter.failures.append(f"{request.prompt_id}: not asked, {self.unreachable}")
            return None
        meter.model_calls += 1
        try:
            answer, usage = self._ask(request, meter)
        except ModelCallError as err:
            if self.unreachable is None:
                raise  # this request failed (HTTP error, timeouts): the article fails, a rerun retries it
            # The server cannot be reached at all: the rules' answers stand, here and for every later request.
            meter.failures.append(f"{request.prompt_id}: {err.message}")
            return None
        meter.prompt_tokens += usage[0]
        meter.completion_tokens += usage[1]
        if self._cache is not None and answer is not None:
            self._cache.set(key, {"answer": _dump(answer.value), "problems": list(answer.problems),
                                  "usage": list(usage)})
        return answer

    def _cached(self, key: str, request: Request) -> Answer | None:
        entry = self._cache.get(key) if self._cache is not None else None
        if entry is None:
            return None
        try:
            value = request.answer_model.model_validate(entry["answer"])
        except (KeyError, TypeError, ValidationError):
            return None  # an entry of another shape is a miss, asked again and replaced
        problems = tuple(request.check(value)) if request.check else ()
        return Answer(value, problems, from_cache=True)

    def _ask(self, request: Request, meter: Meter) -> tuple[Answer | None, tuple[int, int]]:
        import openai
        from instructor.core import IncompleteOutputException, InstructorRetryException

        self._local.attempts = 0
        try:
            client = self.client  # connects (or starts the local server) outside the timed part
        except NewsfactsError as err:  # the embedded server or its model is missing or did not start
            self.unreachable = err.message
            raise ModelCallError(f"model not available: {err.message}", original=err) from err
        began = time.monotonic()
        try:
            for attempt in Retrying(
                retry=retry_if_exception(_is_transient),
                wait=self._backoff,
                stop=_stop(self._settings.max_retries),
                reraise=True,
            ):
                with attempt:
                    value, completion = self._create(client, request)
        except IncompleteOutputException as err:
            meter.attempts += self._local.attempts
            meter.model_seconds += time.monotonic() - began
            meter.failures.append(f"{request.prompt_id}: answer cut off at "
                                  f"{answer_tokens(request, self._settings)} tokens")
            completion = getattr(err, "last_completion", None)
            return None, _usage(getattr(completion, "usage", None))
        except InstructorRetryException as err:
            meter.attempts += self._local.attempts
            meter.model_seconds += time.monotonic() - began
            return self._salvage(request, err, meter), _usage(getattr(err, "total_usage", None))
        except (openai.OpenAIError, json.JSONDecodeError) as err:
            meter.attempts += self._local.attempts
            meter.model_seconds += time.monotonic() - began
            if isinstance(err, openai.APIConnectionError) and not isinstance(err, openai.APITimeoutError):
                self.unreachable = f"could not connect to {self.where}"
            raise ModelCallError(f"model call failed: {describe_error(err, self.where)}", original=err) from err
        meter.attempts += self._local.attempts
        meter.model_seconds += time.monotonic() - began
        return Answer(value, ()), _usage(completion.usage)

    def _create(self, client: instructor.Instructor, request: Request) -> tuple[Any, Any]:
        """One instructor call; transport errors it wrapped are unwrapped so tenacity can retry them."""
        import openai
        from instructor.core import InstructorRetryException

        try:
            return client.chat.completions.create_with_completion(
                model=self.model or "",
                response_model=_checked(request),
                messages=request.messages(),  # type: ignore[arg-type]
                max_retries=self._settings.max_reasks,
                temperature=0,
                max_tokens=answer_tokens(request, self._settings),
            )
        except InstructorRetryException as err:
            # Unless the last failure was parsing a completion, it was the transport (or a body cut short).
            cause = err.__cause__
            parse_errors = [attempt.exception for attempt in err.failed_attempts or ()]
            if isinstance(cause, openai.OpenAIError | json.JSONDecodeError) and cause not in parse_errors:
                raise cause from None
            raise

    def _salvage(self, request: Request, err: Exception, meter: Meter) -> Answer | None:
        """After the last re-ask: the last answer that parses, with the problems its check found, so the
        caller keeps what holds; None when nothing parses."""
        completion = getattr(err, "last_completion", None)
        if completion is not None:
            with contextlib.suppress(ValueError):
                answer = parse_completion(request, completion, mode=self.mode)
                meter.failures.append(f"{request.prompt_id}: answer kept in part after "
                                      f"{getattr(err, 'n_attempts', '?')} attempts ({len(answer.problems)} problems)")
                return answer
        meter.failures.append(f"{request.prompt_id}: no valid answer after {getattr(err, 'n_attempts', '?')} attempts")
        return None

    def _backoff(self, state: RetryCallState) -> float:
        """The wait before the next try; a 429 makes every thread wait, not only this one."""
        import openai

        seconds = wait_for_retry(state)
        if state.outcome is not None and isinstance(state.outcome.exception(), openai.RateLimitError):
            self.gate.hold(seconds)
        return seconds


def _stop(max_retries: int) -> Callable[[RetryCallState], bool]:
    """Stop after ``max_retries`` retries, and after one retry of a timeout: a server too slow for the
    whole answer once is likely to be too slow again, and each try costs the whole timeout."""
    import openai

    def stop(state: RetryCallState) -> bool:
        if state.attempt_number > max_retries:
            return True
        err = state.outcome.exception() if state.outcome is not None else None
        return isinstance(err, openai.APITimeoutError) and state.attempt_number >= 2

    return stop


def describe_answer(answer: Answer | None) -> str:
    """One line on an answer for ``-v``: the choice made, or how many items of each list, and the problems."""
    if answer is None:
        return "no answer (the rules' items stand)"
    value = answer.value
    if hasattr(value, "answer"):
        said = repr(value.answer)
    else:
        lists = {name: len(v) for name, v in vars(value).items() if isinstance(v, list)}
        said = ", ".join(f"{n} {name}" for name, n in lists.items()) or type(value).__name__
    problems = f"; {len(answer.problems)} problems: {answer.problems[0]}" if answer.problems else ""
    return said + problems


def _checked(request: Request) -> type[BaseModel]:
    """The answer model with the request's check as a validator, so a failing check makes instructor
    re-ask with its message. Same name, docstring and fields: the schema sent is the answer model's."""
    if request.check is None:
        return request.answer_model
    check = request.check

    def grounded(self: BaseModel) -> BaseModel:
        problems = check(self)
        if problems:
            raise ValueError("; ".join(problems[:20]))
        return self

    base = request.answer_model
    validators: dict[str, Any] = {"grounded": model_validator(mode="after")(grounded)}
    return create_model(base.__name__, __base__=base, __doc__=base.__doc__, __module__=base.__module__,
                        __validators__=validators)


def _dump(value: Any) -> Any:
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value


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


def wait_for_retry(state: RetryCallState) -> float:
    """Honour the server's wait when it sends a usable one (:func:`retry_after`); otherwise exponential
    backoff with jitter."""
    import openai

    err = state.outcome.exception() if state.outcome else None
    if isinstance(err, openai.APIStatusError):
        seconds = retry_after(err.response.headers)
        if seconds is not None:
            return seconds
    return float(wait_exponential_jitter(multiplier=0.5, max=20.0)(state))


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """The wait a response asks for, clamped to [0, 60] s: ``retry-after-ms`` (OpenAI's), else
    ``Retry-After`` in seconds or as an HTTP date (a date passed is 0). None when there is none usable:
    "nan", "inf", a negative number or text that is neither a number nor a date."""
    def finite(value: str | None) -> float | None:
        with contextlib.suppress(TypeError, ValueError):
            number = float(value or "")
            if math.isfinite(number) and number >= 0:
                return number
        return None

    millis = finite(headers.get("retry-after-ms"))
    if millis is not None:
        return min(millis / 1000, MAX_RETRY_AFTER)
    header = headers.get("retry-after")
    seconds = finite(header)
    if seconds is None and header:
        with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
            when = email.utils.parsedate_to_datetime(header)
            if when.tzinfo is None:  # RFC 9110 dates are GMT
                when = when.replace(tzinfo=datetime.UTC)
            seconds = max(0.0, when.timestamp() - (time.time() if now is None else now))
    return None if seconds is None else min(seconds, MAX_RETRY_AFTER)


def describe_error(err: Exception, where: str = "the model server") -> str:
    """A one-line reason that never includes request headers (and so never the API key)."""
    import openai

    if isinstance(err, openai.APIStatusError):
        return f"HTTP {err.status_code} from {where}"
    if isinstance(err, openai.APITimeoutError):
        return f"timed out waiting for {where}"
    if isinstance(err, openai.APIConnectionError):
        return f"could not connect to {where}"
    if isinstance(err, json.JSONDecodeError):
        return f"{where} sent a truncated or invalid JSON body"
    return type(err).__name__
