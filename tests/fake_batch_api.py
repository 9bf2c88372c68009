"""A fake, fault-injecting OpenAI **Batch API** (files + batches) served over real HTTP, for tests.

What it is for
--------------
A Batch API driver uploads a JSON Lines input file, creates a batch, polls it, downloads the output
(and error) file and matches lines back to requests by ``custom_id``. This server implements enough of
the API for the official ``openai`` client (3.3.0) to do all of that against ``base_url=server.base_url``
-- ``client.files.create/retrieve/content/list/delete`` and ``client.batches.create/retrieve/cancel/list``
-- answers each request in a batch with a ``responder`` (a function of the chat.completions request
body), injects the faults a driver must survive, and records what was submitted and run so a test can
assert, for instance, that no request was paid for twice.

Usage::

    from fake_batch_api import LOOPBACK_ALLOWED_HOSTS, FakeBatchAPI, Faults, tool_call_responder

    pytestmark = pytest.mark.block_network(allowed_hosts=LOOPBACK_ALLOWED_HOSTS)

    with FakeBatchAPI(tool_call_responder({"events": []}), faults=Faults(shuffle_seed=1)) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0)
        f = client.files.create(file=("in.jsonl", jsonl_bytes), purpose="batch")
        batch = client.batches.create(input_file_id=f.id, endpoint="/v1/chat/completions",
                                      completion_window="24h")
        while batch.status not in ("completed", "failed", "expired", "cancelled"):
            batch = client.batches.retrieve(batch.id)  # each poll advances one stage; no sleeping
        lines = client.files.content(batch.output_file_id).text.splitlines()
        assert server.executions.most_common(1)[0][1] == 1  # nothing was run (paid) twice

Lifecycle
---------
``POST /v1/batches`` answers ``validating``. Each successful ``GET /v1/batches/{id}`` is a *poll*; after
``polls_per_stage`` polls in a stage (default 1; ``0`` = the first poll already shows the terminal
state) the batch moves on: ``validating -> in_progress -> finalizing -> completed``, i.e. with the
default the 3rd poll shows ``completed``. The input file is validated (JSON Lines; per line a unique
non-empty ``custom_id``, ``method == "POST"``, ``url`` equal to the batch endpoint, ``body`` an object
with a ``model`` string, one model per file) when the batch leaves ``validating``; a bad file makes it
``failed`` with ``errors.data[] = {code, message, param, line}`` (1-based physical line numbers;
codes ``invalid_json_line``, ``missing_required_parameter``, ``duplicate_custom_id``,
``invalid_method``, ``invalid_url``, ``invalid_body``, ``mismatched_model``, ``empty_file`` -- the
fake's own choice of codes; match on ``line``, not ``code``) and ``request_counts`` all 0. The
responder runs when the batch leaves ``in_progress``; ``output_file_id`` / ``error_file_id`` appear
only in the terminal state, and each only when it has at least one line (so either may be ``None``).
``request_counts.total`` is 0 while validating; ``completed`` counts output lines and ``failed`` the
requests that ran and failed -- expired and cancelled requests are in neither, so ``completed + failed``
may be less than ``total``. ``usage`` sums the ``usage`` of successful bodies.

Output file lines (OpenAI's Batch output format)::

    {"id": "batch_req_...", "custom_id": "a1", "response": {"status_code": 200, "request_id": "req_...",
     "body": {<chat.completion>}}, "error": null}

Error file lines come in the two shapes OpenAI produces. A request that got an HTTP error answer
(``fail_ids``, or a responder raising ``RequestFailed(400, ...)``) -- as observed from the real API
(openai/openai-openapi#302) -- carries the error in the response body and ``"error": null``::

    {"id": "batch_req_...", "custom_id": "a2", "response": {"status_code": 400, "request_id": "req_...",
     "body": {"error": {"message": "...", "type": "invalid_request_error", "param": null, "code": "..."}}},
     "error": null}

A request that never got an HTTP answer -- expired (``batch_expired``, with OpenAI's documented
message), cancelled (``batch_cancelled``) or ``RequestFailed(None, ..., code="request_timeout")`` --
has ``"response": null`` and ``"error": {"code": ..., "message": ...}``. A driver should handle both.

Answers
-------
``responder(body) -> chat.completion dict`` gets a copy of one request's ``body``. Build answers with
``chat_completion(request, content="{}")`` (the default responder) or
``tool_call_completion(request, arguments, name=None)`` (a forced tool call, as instructor's
``Mode.TOOLS`` expects; the name defaults to ``tool_choice``'s function, else the first tool);
``tool_call_responder(arguments)`` wraps the latter (``arguments``: dict/list/str, or a callable of the
body returning one). Raise ``RequestFailed(status_code, message, code=, type=, param=)`` to put that
request in the error file. Any other exception is kept in ``server.responder_errors`` and the request
gets a 500 line, so a test can ``assert not server.responder_errors``. The responder runs inside the
server's lock: it must be quick and must not call the server.

Faults (``Faults``, a frozen dataclass; every field defaults to "no fault")
--------------------------------------------------------------------------
``FakeBatchAPI(faults=...)`` applies to every batch; ``batch_faults=[...]`` overrides it for the Nth
batch created (0-based, counted in the shared ``state``; ``None`` entries fall back), or a callable
``(index, custom_ids) -> Faults | None`` decides from the batch's contents.

* ``shuffle_seed: int | None`` -- output and error lines in a random order (``random.Random(seed)``).
* ``fail_ids: Collection[str] | Callable[[str], bool]`` -- these custom_ids get an HTTP-error line
  (``fail_status``, default 500; ``fail_message``) in the error file instead of an answer.
* ``expire_after: int | None`` -- the batch ends ``expired`` (after ``in_progress``, no
  ``finalizing``) with only its first N valid requests (input order) run; the rest get
  ``batch_expired``. ``0`` runs none (no output file); N >= the number of requests just completes.
* ``poll_errors: Sequence[int]`` -- the first ``len(poll_errors)`` ``GET /v1/batches/{id}`` of this
  batch answer these statuses (e.g. ``(500, 503)``) without advancing it; with
  ``Retry-After: poll_retry_after`` when set (the client's own backoff is >= 0.5 s otherwise).
* ``create_errors: Sequence[int]`` -- the first attempts to create this batch are refused with these
  statuses (e.g. ``(429,)``), with ``Retry-After: create_retry_after`` when set. Attempts are
  counted per batch index, so a default ``Faults(create_errors=(429,))`` refuses each batch once.
* ``fail_batch: bool`` -- the whole batch ends ``failed`` when it leaves ``validating``
  (``errors.data[0].code == "fault_injected"``, ``line`` None), however good its file is.
* ``polls_per_stage: int | None`` -- overrides the server's ``polls_per_stage`` for this batch.

Which ``openai`` (3.3.0) exception each HTTP answer produces (``max_retries=0``; verified in
test_fake_batch_api.py). The client retries 408/409/429/>=500 itself when ``max_retries > 0``:

* ``poll_errors`` 500 / 503          -> ``openai.InternalServerError`` (``status_code`` 500 / 503)
* ``create_errors`` 429              -> ``openai.RateLimitError`` (``e.response.headers["retry-after"]``)
* unknown file / batch id            -> ``openai.NotFoundError`` (404), also for deleted files
* bad ``batches.create`` arguments   -> ``openai.BadRequestError`` (400): endpoint other than
  ``/v1/chat/completions``, ``completion_window`` other than ``24h``, input file purpose not ``batch``
* cancelling a batch already failed/completed/expired/cancelled -> ``openai.BadRequestError`` (400;
  409 would be retried by the client). Cancelling a cancelling batch returns it unchanged.

Cancel: ``validating``/``in_progress``/``finalizing`` -> ``cancelling``; the next poll shows
``cancelled``. Requests already run (all of them once ``finalizing``) keep their lines; the others get
``batch_cancelled`` lines.

Inspection
----------
``server.uploads`` (every ``StoredFile`` uploaded, in order), ``server.files`` (by id, including
generated output/error files), ``server.batches`` (every ``BatchRecord``: ``id``, ``index``,
``custom_ids``, ``status``, ``faults``, ``polls``...), ``server.submissions`` (``Counter``: times each
custom_id was in a created batch), ``server.executions`` (``Counter``: times each custom_id was run --
answered or failed, never expired/cancelled/invalid; i.e. "paid for"), ``server.route_counts``
(``Counter`` per route of this server instance, e.g. ``"GET /v1/batches/{id}"``, faulted answers
included), ``server.batch(id)`` (the live record), ``server.file_lines(id)``, ``server.responder_errors``.
``error_body(status, message, type=, code=, param=)`` builds the OpenAI-style error JSON used here.

State across instances
----------------------
Files, batches and counters live in ``server.state`` (a ``BatchAPIState``, in memory).
``FakeBatchAPI(state=old.state)`` serves the same data on a new port -- e.g. a test kills a client
process between submit and collect and a later process collects. ``route_counts``, the responder and
the faults belong to the server instance (a batch keeps the faults it was created with).

Network blocking and boundedness are as in ``fault_server`` (see its docstring): tests need
``pytestmark = pytest.mark.block_network(allowed_hosts=LOOPBACK_ALLOWED_HOSTS)``; the server binds
127.0.0.1 port 0, never connects out, and ``__exit__`` returns within about two seconds.
"""

from __future__ import annotations

import contextlib
import copy
import json
import random
import re
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs

from fault_server import LOOPBACK_ALLOWED_HOSTS

__all__ = [
    "CANCELLED_MESSAGE",
    "CHAT_COMPLETIONS",
    "EXPIRED_MESSAGE",
    "LOOPBACK_ALLOWED_HOSTS",
    "TERMINAL_STATUSES",
    "BatchAPIState",
    "BatchRecord",
    "FakeBatchAPI",
    "Faults",
    "RequestFailed",
    "StoredFile",
    "chat_completion",
    "default_responder",
    "error_body",
    "tool_call_completion",
    "tool_call_responder",
]

CHAT_COMPLETIONS = "/v1/chat/completions"
MODEL_ID = "fake-batch-model"
#: OpenAI's documented message for requests that did not run before the completion window ended.
EXPIRED_MESSAGE = "This request could not be executed before the completion window expired."
CANCELLED_MESSAGE = "This request was not executed because the batch was cancelled."
TERMINAL_STATUSES = frozenset({"completed", "failed", "expired", "cancelled"})
#: Upper bound for a socket read in a handler (request line, headers, body, idle keep-alive).
HANDLER_READ_TIMEOUT = 5.0
_STAGES = ("validating", "in_progress", "finalizing", "completed")

Responder = Callable[[dict[str, Any]], dict[str, Any]]
BatchFaults = Sequence["Faults | None"] | Callable[[int, list[str]], "Faults | None"]

_ERROR_TYPES: dict[int, tuple[str, str]] = {
    400: ("invalid_request_error", "bad_request"),
    401: ("invalid_request_error", "invalid_api_key"),
    404: ("invalid_request_error", "not_found"),
    408: ("timeout", "request_timeout"),
    429: ("rate_limit_exceeded", "rate_limit_exceeded"),
    500: ("server_error", "internal_error"),
    502: ("server_error", "bad_gateway"),
    503: ("server_error", "service_unavailable"),
    504: ("server_error", "gateway_timeout"),
}


def error_body(
    status: int,
    message: str | None = None,
    *,
    type: str | None = None,
    code: str | None = None,
    param: str | None = None,
) -> dict[str, Any]:
    """An OpenAI-style ``{"error": {message, type, param, code}}`` body for an HTTP status."""
    default_type, default_code = _ERROR_TYPES.get(
        status, ("server_error" if status >= 500 else "invalid_request_error", str(status))
    )
    return {
        "error": {
            "message": message or f"fault injected: HTTP {status}",
            "type": type or default_type,
            "param": param,
            "code": code or default_code,
        }
    }


def _new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:24]


# --- answers -----------------------------------------------------------------------------------------
class RequestFailed(Exception):
    """Raised by a responder: this request goes to the error file instead of the output file.

    With an HTTP ``status_code`` the line is ``response: {status_code, request_id, body: {"error":
    {...}}}, error: null``; with ``status_code=None`` it is ``response: null, error: {code, message}``
    (``code`` defaults to ``"request_timeout"``).
    """

    def __init__(
        self,
        status_code: int | None = 500,
        message: str = "request failed (fault injected)",
        *,
        code: str | None = None,
        type: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.code = code
        self.type = type
        self.param = param


def _usage(request: dict[str, Any], text: str) -> dict[str, int]:
    prompt = max(1, len(json.dumps(request.get("messages", []), default=str)) // 4)
    completion = max(1, len(text) // 4)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def chat_completion(request: dict[str, Any], content: str = "{}") -> dict[str, Any]:
    """A minimal valid chat.completion answering ``request`` with an assistant message ``content``."""
    return {
        "id": _new_id("chatcmpl-"),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model") or MODEL_ID,
        "system_fingerprint": "fake-batch-api",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": _usage(request, content),
    }


def default_responder(request: dict[str, Any]) -> dict[str, Any]:
    """The default answer: ``chat_completion(request, "{}")``."""
    return chat_completion(request)


def _tool_name(request: dict[str, Any]) -> str:
    choice = request.get("tool_choice")
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name")
        if isinstance(name, str) and name:
            return name
    tools = request.get("tools")
    if isinstance(tools, list) and tools and isinstance(tools[0], dict):
        name = (tools[0].get("function") or {}).get("name")
        if isinstance(name, str) and name:
            return name
    return "fake_tool"


def tool_call_completion(
    request: dict[str, Any], arguments: dict[str, Any] | list[Any] | str = "{}", name: str | None = None
) -> dict[str, Any]:
    """A chat.completion with one forced tool call (``finish_reason="tool_calls"``, ``content=None``).

    ``arguments`` is json.dumps'ed unless already a string (then used verbatim, valid JSON or not);
    ``name`` defaults to ``tool_choice``'s function name, else the first tool's, else ``fake_tool``.
    """
    args = arguments if isinstance(arguments, str) else json.dumps(arguments)
    body = chat_completion(request)
    body["choices"][0]["message"] = {
        "role": "assistant",
        "content": None,
        "refusal": None,
        "tool_calls": [
            {
                "id": _new_id("call_"),
                "type": "function",
                "function": {"name": name or _tool_name(request), "arguments": args},
            }
        ],
    }
    body["choices"][0]["finish_reason"] = "tool_calls"
    body["usage"] = _usage(request, args)
    return body


def tool_call_responder(
    arguments: dict[str, Any] | list[Any] | str | Callable[[dict[str, Any]], dict[str, Any] | list[Any] | str],
) -> Responder:
    """A responder answering every request with ``tool_call_completion`` (``arguments`` may be a
    callable of the request body; it may raise ``RequestFailed``)."""

    def respond(request: dict[str, Any]) -> dict[str, Any]:
        args = arguments(request) if callable(arguments) else arguments
        return tool_call_completion(request, args)

    return respond


# --- faults --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Faults:
    """What goes wrong with one batch (see the module docstring). Defaults: nothing."""

    shuffle_seed: int | None = None
    fail_ids: Collection[str] | Callable[[str], bool] = frozenset()
    fail_status: int = 500
    fail_message: str = "request failed (fault injected)"
    expire_after: int | None = None
    poll_errors: Sequence[int] = ()
    poll_retry_after: float | None = None
    create_errors: Sequence[int] = ()
    create_retry_after: float | None = None
    fail_batch: bool = False
    polls_per_stage: int | None = None

    def fails(self, custom_id: str) -> bool:
        """Whether ``fail_ids`` picks ``custom_id``."""
        ids = self.fail_ids
        if callable(ids):
            return bool(ids(custom_id))
        if isinstance(ids, str):
            return custom_id == ids
        return custom_id in ids


# --- state ---------------------------------------------------------------------------------------
@dataclass
class StoredFile:
    """A file held by the fake: uploaded (``purpose="batch"``) or generated (``"batch_output"``)."""

    id: str
    filename: str
    purpose: str
    data: bytes
    created_at: int
    deleted: bool = False

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", "replace")

    def lines(self) -> list[dict[str, Any]]:
        """The file parsed as JSON Lines (blank lines skipped)."""
        return [json.loads(line) for line in self.data.splitlines() if line.strip()]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "file",
            "bytes": len(self.data),
            "created_at": self.created_at,
            "expires_at": self.created_at + 30 * 86400 if self.purpose.startswith("batch") else None,
            "filename": self.filename,
            "purpose": self.purpose,
            "status": "processed",
            "status_details": None,
        }


@dataclass
class BatchRecord:
    """One batch, as the fake tracks it. ``custom_ids`` are those of the input lines that parsed."""

    id: str
    index: int
    input_file_id: str
    endpoint: str
    completion_window: str
    metadata: dict[str, str] | None
    created_at: int
    faults: Faults
    polls_per_stage: int
    custom_ids: list[str]
    requests: list[tuple[str, dict[str, Any]]]
    validation_errors: list[dict[str, Any]]
    model: str | None
    status: str = "validating"
    stage: int = 0
    polls: int = 0
    poll_errors_sent: int = 0
    executed: bool = False
    output_lines: list[dict[str, Any]] = field(default_factory=list)
    error_lines: list[dict[str, Any]] = field(default_factory=list)
    unexecuted: list[str] = field(default_factory=list)
    output_file_id: str | None = None
    error_file_id: str | None = None
    times: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        if self.status == "validating" or (self.status == "failed" and not self.executed):
            return {"total": 0, "completed": 0, "failed": 0}
        return {"total": len(self.requests), "completed": len(self.output_lines), "failed": len(self.error_lines)}

    def usage(self) -> dict[str, Any] | None:
        if self.status not in TERMINAL_STATUSES or not self.output_lines:
            return None
        prompt = completion = 0
        for line in self.output_lines:
            usage = line["response"]["body"].get("usage") or {}
            prompt += int(usage.get("prompt_tokens") or 0)
            completion += int(usage.get("completion_tokens") or 0)
        return {
            "input_tokens": prompt,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": completion,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": prompt + completion,
        }

    def to_json(self) -> dict[str, Any]:
        terminal = self.status in TERMINAL_STATUSES
        errors = None
        if self.status == "failed":
            errors = {"object": "list", "data": self.validation_errors}
        return {
            "id": self.id,
            "object": "batch",
            "endpoint": self.endpoint,
            "model": self.model,
            "errors": errors,
            "input_file_id": self.input_file_id,
            "completion_window": self.completion_window,
            "status": self.status,
            "output_file_id": self.output_file_id if terminal else None,
            "error_file_id": self.error_file_id if terminal else None,
            "created_at": self.created_at,
            "in_progress_at": self.times.get("in_progress_at"),
            "expires_at": self.created_at + 86400,
            "finalizing_at": self.times.get("finalizing_at"),
            "completed_at": self.times.get("completed_at"),
            "failed_at": self.times.get("failed_at"),
            "expired_at": self.times.get("expired_at"),
            "cancelling_at": self.times.get("cancelling_at"),
            "cancelled_at": self.times.get("cancelled_at"),
            "request_counts": self.counts(),
            "usage": self.usage(),
            "metadata": self.metadata,
        }


@dataclass
class BatchAPIState:
    """Everything the API "remembers"; share it between server instances with ``state=``."""

    files: dict[str, StoredFile] = field(default_factory=dict)
    uploads: list[StoredFile] = field(default_factory=list)
    batches: dict[str, BatchRecord] = field(default_factory=dict)
    submissions: Counter[str] = field(default_factory=Counter)
    executions: Counter[str] = field(default_factory=Counter)
    create_attempts: Counter[int] = field(default_factory=Counter)
    responder_errors: list[BaseException] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)


def _parse_input(
    data: bytes, endpoint: str
) -> tuple[list[str], list[tuple[str, dict[str, Any]]], list[dict[str, Any]], str | None]:
    """(custom_ids seen, valid requests, validation errors, model) for an input file's bytes."""
    custom_ids: list[str] = []
    requests: list[tuple[str, dict[str, Any]]] = []
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    model: str | None = None

    def error(line: int | None, code: str, message: str, param: str | None = None) -> None:
        errors.append({"code": code, "message": message, "param": param, "line": line})

    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except ValueError:
            error(number, "invalid_json_line", "This line is not parseable as valid JSON.")
            continue
        if not isinstance(obj, dict):
            error(number, "invalid_json_line", "This line is not a JSON object.")
            continue
        ok = True
        cid = obj.get("custom_id")
        if not isinstance(cid, str) or not cid:
            error(number, "missing_required_parameter", "custom_id must be a non-empty string.", "custom_id")
            ok = False
        else:
            custom_ids.append(cid)
            if cid in seen:
                error(
                    number,
                    "duplicate_custom_id",
                    "The custom_id for this request is a duplicate of another request. "
                    "The custom_id parameter must be unique for each request in a batch.",
                    "custom_id",
                )
                ok = False
            seen.add(cid)
        if obj.get("method") != "POST":
            error(number, "invalid_method", "The method must be POST.", "method")
            ok = False
        if obj.get("url") != endpoint:
            error(number, "invalid_url", f"The url must match the batch endpoint {endpoint}.", "url")
            ok = False
        body = obj.get("body")
        if not isinstance(body, dict):
            error(number, "invalid_body", "The body must be a JSON object.", "body")
            ok = False
        elif not isinstance(body.get("model"), str) or not body["model"]:
            error(number, "missing_required_parameter", "body.model must be a non-empty string.", "body.model")
            ok = False
        elif model is not None and body["model"] != model:
            error(
                number,
                "mismatched_model",
                f"The model {body['model']!r} differs from the model {model!r} of earlier lines; "
                "a batch may use one model only.",
                "body.model",
            )
            ok = False
        elif model is None:
            model = body["model"]
        if ok and isinstance(cid, str) and isinstance(body, dict):
            requests.append((cid, body))
    if not custom_ids and not errors:
        error(None, "empty_file", "The input file contains no requests.")
    return custom_ids, requests, errors, model


def _parse_multipart(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes]]:
    """``{field name: (filename or None, bytes)}`` of a multipart/form-data body."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        return {}
    delimiter = b"--" + match.group(1).encode("latin-1")
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        part = part.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, _, data = part.partition(b"\r\n\r\n")
        disposition = ""
        for header in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = header.partition(":")
            if key.strip().lower() == "content-disposition":
                disposition = value
        name = re.search(r'\bname="([^"]*)"', disposition)
        filename = re.search(r'\bfilename="([^"]*)"', disposition)
        if name:
            fields[name.group(1)] = (filename.group(1) if filename else None, data)
    return fields


class _HTTPError(Exception):
    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def _not_found(kind: str, ident: str) -> _HTTPError:
    return _HTTPError(404, error_body(404, f"No such {kind} object: {ident}", code=None))


def _bad_request(message: str, param: str | None = None) -> _HTTPError:
    return _HTTPError(400, error_body(400, message, code="invalid_request", param=param))


# --- HTTP plumbing (as in fault_server) --------------------------------------------------------------
class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    api: FakeBatchAPI


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "FakeBatchAPI/1.0"
    timeout = HANDLER_READ_TIMEOUT
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.api._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.server.api._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionError, TimeoutError, OSError):
            self.close_connection = True

    def _send(self, code: int, data: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-request-id", _new_id("req_"))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _dispatch(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        path, _, query = self.path.partition("?")
        path = path.rstrip("/")
        path = path[3:] if path.startswith("/v1/") else path
        try:
            result = self.server.api._route(method, path, parse_qs(query), raw, self.headers.get("Content-Type", ""))
        except _HTTPError as err:
            self._send(err.status, json.dumps(err.body).encode(), "application/json", err.headers)
            return
        if isinstance(result, bytes):
            self._send(200, result, "application/octet-stream")
        else:
            self._send(200, json.dumps(result).encode(), "application/json")

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")


_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(r"/files"), "POST /v1/files"),
    ("GET", re.compile(r"/files"), "GET /v1/files"),
    ("GET", re.compile(r"/files/(?P<id>[^/]+)"), "GET /v1/files/{id}"),
    ("DELETE", re.compile(r"/files/(?P<id>[^/]+)"), "DELETE /v1/files/{id}"),
    ("GET", re.compile(r"/files/(?P<id>[^/]+)/content"), "GET /v1/files/{id}/content"),
    ("POST", re.compile(r"/batches"), "POST /v1/batches"),
    ("GET", re.compile(r"/batches"), "GET /v1/batches"),
    ("GET", re.compile(r"/batches/(?P<id>[^/]+)"), "GET /v1/batches/{id}"),
    ("POST", re.compile(r"/batches/(?P<id>[^/]+)/cancel"), "POST /v1/batches/{id}/cancel"),
]


# --- the server ----------------------------------------------------------------------------------
class FakeBatchAPI:
    """Fake OpenAI files + batches API on 127.0.0.1:<free port>; use as a context manager."""

    def __init__(
        self,
        responder: Responder | None = None,
        *,
        faults: Faults | None = None,
        batch_faults: BatchFaults = (),
        polls_per_stage: int = 1,
        state: BatchAPIState | None = None,
    ) -> None:
        if polls_per_stage < 0:
            raise ValueError("polls_per_stage must be >= 0")
        self.responder: Responder = responder or default_responder
        self.faults: Faults = faults or Faults()
        self.batch_faults: BatchFaults = batch_faults
        self.polls_per_stage = polls_per_stage
        self.state: BatchAPIState = state if state is not None else BatchAPIState()
        self._route_counts: Counter[str] = Counter()
        self._conn_lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""
        self.port = 0

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self) -> FakeBatchAPI:
        if self._httpd is not None:
            raise RuntimeError("FakeBatchAPI already started")
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.api = self
        self._httpd = httpd
        self.port = int(httpd.server_address[1])
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"FakeBatchAPI:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        with self._conn_lock:
            conns = list(self._conns)
        for conn in conns:  # unblocks handlers waiting on idle keep-alive reads
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        if self._thread is not None:
            self._thread.join(timeout)
        while time.monotonic() < deadline:
            with self._conn_lock:
                if not self._conns:
                    break
            time.sleep(0.01)

    def __enter__(self) -> FakeBatchAPI:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._conn_lock:
            if add:
                self._conns.add(conn)
            else:
                self._conns.discard(conn)

    # --- inspection (copies, taken under the lock) -----------------------------------------------
    @property
    def uploads(self) -> list[StoredFile]:
        """Every file uploaded with ``POST /v1/files``, in order (deleted ones too)."""
        with self.state.lock:
            return list(self.state.uploads)

    @property
    def files(self) -> dict[str, StoredFile]:
        """Every file by id: uploads and generated output/error files."""
        with self.state.lock:
            return dict(self.state.files)

    @property
    def batches(self) -> list[BatchRecord]:
        """Every batch created, in order of creation."""
        with self.state.lock:
            return list(self.state.batches.values())

    def batch(self, batch_id: str) -> BatchRecord:
        with self.state.lock:
            return self.state.batches[batch_id]

    def file_lines(self, file_id: str) -> list[dict[str, Any]]:
        """A stored file parsed as JSON Lines."""
        with self.state.lock:
            return self.state.files[file_id].lines()

    @property
    def submissions(self) -> Counter[str]:
        """How many created batches held each custom_id (over all batches, whatever their fate)."""
        with self.state.lock:
            return Counter(self.state.submissions)

    @property
    def executions(self) -> Counter[str]:
        """How many times each custom_id was run (answered or failed): what would be paid for."""
        with self.state.lock:
            return Counter(self.state.executions)

    @property
    def route_counts(self) -> Counter[str]:
        """Requests this instance received per route, e.g. ``"GET /v1/batches/{id}"``."""
        with self.state.lock:
            return Counter(self._route_counts)

    @property
    def responder_errors(self) -> list[BaseException]:
        """Unexpected exceptions raised by the responder (each turned into a 500 error line)."""
        with self.state.lock:
            return list(self.state.responder_errors)

    # --- routing ----------------------------------------------------------------------------------
    def _route(
        self, method: str, path: str, query: dict[str, list[str]], raw: bytes, content_type: str
    ) -> dict[str, Any] | bytes:
        for route_method, pattern, name in _ROUTES:
            match = pattern.fullmatch(path)
            if route_method == method and match:
                with self.state.lock:
                    self._route_counts[name] += 1
                    return self._handle(name, match.groupdict().get("id") or "", query, raw, content_type)
        with self.state.lock:
            self._route_counts[f"{method} <unknown>"] += 1
        raise _HTTPError(404, error_body(404, f"no route {method} {path}"))

    def _handle(
        self, name: str, ident: str, query: dict[str, list[str]], raw: bytes, content_type: str
    ) -> dict[str, Any] | bytes:
        if name == "POST /v1/files":
            return self._upload(raw, content_type)
        if name == "GET /v1/files":
            purpose = _first(query, "purpose")
            files = [f for f in self.state.files.values() if not f.deleted and purpose in (None, f.purpose)]
            return self._page([f.to_json() for f in reversed(files)], query)
        if name == "GET /v1/files/{id}":
            return self._file(ident).to_json()
        if name == "DELETE /v1/files/{id}":
            self._file(ident).deleted = True
            return {"id": ident, "object": "file", "deleted": True}
        if name == "GET /v1/files/{id}/content":
            return self._file(ident).data
        if name == "POST /v1/batches":
            return self._create(raw)
        if name == "GET /v1/batches":
            return self._page([b.to_json() for b in reversed(self.state.batches.values())], query)
        if name == "GET /v1/batches/{id}":
            return self._poll(self._batch(ident))
        if name == "POST /v1/batches/{id}/cancel":
            return self._cancel(self._batch(ident))
        raise AssertionError(name)  # pragma: no cover

    def _file(self, file_id: str) -> StoredFile:
        stored = self.state.files.get(file_id)
        if stored is None or stored.deleted:
            raise _not_found("File", file_id)
        return stored

    def _batch(self, batch_id: str) -> BatchRecord:
        record = self.state.batches.get(batch_id)
        if record is None:
            raise _not_found("Batch", batch_id)
        return record

    @staticmethod
    def _page(items: list[dict[str, Any]], query: dict[str, list[str]]) -> dict[str, Any]:
        after = _first(query, "after")
        try:
            limit = max(1, min(100, int(_first(query, "limit") or "20")))
        except ValueError as err:
            raise _bad_request("limit must be an integer", "limit") from err
        if after is not None:
            ids = [item["id"] for item in items]
            items = items[ids.index(after) + 1 :] if after in ids else []
        page = items[:limit]
        return {
            "object": "list",
            "data": page,
            "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None,
            "has_more": len(items) > limit,
        }

    # --- files ------------------------------------------------------------------------------------
    def _store(self, filename: str, purpose: str, data: bytes) -> StoredFile:
        stored = StoredFile(_new_id("file-"), filename, purpose, data, int(time.time()))
        self.state.files[stored.id] = stored
        return stored

    def _upload(self, raw: bytes, content_type: str) -> dict[str, Any]:
        fields = _parse_multipart(content_type, raw)
        if "file" not in fields:
            raise _bad_request("multipart field 'file' is required", "file")
        purpose = fields.get("purpose", (None, b""))[1].decode("utf-8", "replace")
        if not purpose:
            raise _bad_request("multipart field 'purpose' is required", "purpose")
        filename, data = fields["file"]
        stored = self._store(filename or "upload", purpose, data)
        self.state.uploads.append(stored)
        return stored.to_json()

    # --- batches ------------------------------------------------------------------------------------
    def _faults_for(self, index: int, custom_ids: list[str]) -> Faults:
        chosen: Faults | None = None
        if callable(self.batch_faults):
            chosen = self.batch_faults(index, list(custom_ids))
        elif index < len(self.batch_faults):
            chosen = self.batch_faults[index]
        return chosen or self.faults

    def _create(self, raw: bytes) -> dict[str, Any]:
        try:
            params = json.loads(raw or b"{}")
        except ValueError as err:
            raise _bad_request("request body is not valid JSON") from err
        if not isinstance(params, dict):
            raise _bad_request("request body must be a JSON object")
        input_file_id = params.get("input_file_id")
        if not isinstance(input_file_id, str):
            raise _bad_request("input_file_id is required", "input_file_id")
        endpoint = params.get("endpoint")
        if endpoint != CHAT_COMPLETIONS:
            raise _bad_request(f"endpoint must be {CHAT_COMPLETIONS} in this fake, got {endpoint!r}", "endpoint")
        if params.get("completion_window") != "24h":
            raise _bad_request("completion_window must be '24h'", "completion_window")
        metadata = params.get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise _bad_request("metadata must be an object", "metadata")
        stored = self._file(input_file_id)
        if stored.purpose != "batch":
            raise _bad_request(
                f"input file {input_file_id} has purpose {stored.purpose!r}, not 'batch'", "input_file_id"
            )
        custom_ids, requests, errors, model = _parse_input(stored.data, endpoint)
        index = len(self.state.batches)
        faults = self._faults_for(index, custom_ids)
        attempt = self.state.create_attempts[index]
        self.state.create_attempts[index] += 1
        if attempt < len(faults.create_errors):
            status = faults.create_errors[attempt]
            raise _HTTPError(
                status,
                error_body(status, f"fault injected: HTTP {status} on batch create"),
                _retry_after(faults.create_retry_after),
            )
        record = BatchRecord(
            id=_new_id("batch_"),
            index=index,
            input_file_id=input_file_id,
            endpoint=endpoint,
            completion_window="24h",
            metadata=dict(metadata) if metadata is not None else None,
            created_at=int(time.time()),
            faults=faults,
            polls_per_stage=faults.polls_per_stage if faults.polls_per_stage is not None else self.polls_per_stage,
            custom_ids=custom_ids,
            requests=requests,
            validation_errors=errors,
            model=model,
        )
        self.state.batches[record.id] = record
        self.state.submissions.update(custom_ids)
        return record.to_json()

    def _poll(self, record: BatchRecord) -> dict[str, Any]:
        if record.poll_errors_sent < len(record.faults.poll_errors):
            status = record.faults.poll_errors[record.poll_errors_sent]
            record.poll_errors_sent += 1
            raise _HTTPError(
                status,
                error_body(status, f"fault injected: HTTP {status} on batch retrieve"),
                _retry_after(record.faults.poll_retry_after),
            )
        record.polls += 1
        if record.status == "cancelling":
            self._finish(record, "cancelled")
        elif record.status not in TERMINAL_STATUSES:
            k = record.polls_per_stage
            target = len(_STAGES) - 1 if k == 0 else min(len(_STAGES) - 1, record.polls // k)
            while record.stage < target and record.status not in TERMINAL_STATUSES:
                self._advance(record)
        return record.to_json()

    def _advance(self, record: BatchRecord) -> None:
        now = int(time.time())
        if record.stage == 0:  # leaving validating
            if record.faults.fail_batch and not record.validation_errors:
                record.validation_errors = [
                    {
                        "code": "fault_injected",
                        "message": "The batch failed (fault injected).",
                        "param": None,
                        "line": None,
                    }
                ]
            if record.validation_errors:
                record.status = "failed"
                record.times["failed_at"] = now
                return
            record.stage, record.status = 1, "in_progress"
            record.times["in_progress_at"] = now
        elif record.stage == 1:  # leaving in_progress
            limit = record.faults.expire_after
            self._execute(record, limit)
            if limit is not None and limit < len(record.requests):
                self._finish(record, "expired")
                return
            record.stage, record.status = 2, "finalizing"
            record.times["finalizing_at"] = now
        elif record.stage == 2:  # leaving finalizing
            record.stage = 3
            self._finish(record, "completed")

    def _execute(self, record: BatchRecord, limit: int | None) -> None:
        record.executed = True
        for position, (cid, body) in enumerate(record.requests):
            if limit is not None and position >= limit:
                record.unexecuted.append(cid)
                continue
            self.state.executions[cid] += 1
            if record.faults.fails(cid):
                record.error_lines.append(
                    _http_error_line(
                        cid,
                        record.faults.fail_status,
                        error_body(record.faults.fail_status, record.faults.fail_message),
                    )
                )
                continue
            try:
                answer = self.responder(copy.deepcopy(body))
            except RequestFailed as failure:
                if failure.status_code is None:
                    record.error_lines.append(_line_error(cid, failure.code or "request_timeout", failure.message))
                else:
                    record.error_lines.append(
                        _http_error_line(
                            cid,
                            failure.status_code,
                            error_body(
                                failure.status_code,
                                failure.message,
                                type=failure.type,
                                code=failure.code,
                                param=failure.param,
                            ),
                        )
                    )
                continue
            except Exception as err:  # a bug in the test's responder: keep it, answer 500
                self.state.responder_errors.append(err)
                record.error_lines.append(_http_error_line(cid, 500, error_body(500, f"responder raised {err!r}")))
                continue
            record.output_lines.append(
                {
                    "id": _new_id("batch_req_"),
                    "custom_id": cid,
                    "response": {"status_code": 200, "request_id": _new_id("req_"), "body": answer},
                    "error": None,
                }
            )

    def _finish(self, record: BatchRecord, status: str) -> None:
        now = int(time.time())
        if status == "cancelled" and not record.executed:
            record.unexecuted = [cid for cid, _ in record.requests]
        code, message = (
            ("batch_expired", EXPIRED_MESSAGE) if status == "expired" else ("batch_cancelled", CANCELLED_MESSAGE)
        )
        error_lines = record.error_lines + [_line_error(cid, code, message) for cid in record.unexecuted]
        output_lines = list(record.output_lines)
        if record.faults.shuffle_seed is not None:
            rng = random.Random(record.faults.shuffle_seed)
            rng.shuffle(output_lines)
            rng.shuffle(error_lines)
        if output_lines:
            record.output_file_id = self._store(f"{record.id}_output.jsonl", "batch_output", _jsonl(output_lines)).id
        if error_lines:
            record.error_file_id = self._store(f"{record.id}_error.jsonl", "batch_output", _jsonl(error_lines)).id
        record.status = status
        record.times[f"{status}_at"] = now

    def _cancel(self, record: BatchRecord) -> dict[str, Any]:
        if record.status in TERMINAL_STATUSES:
            raise _bad_request(f"Cannot cancel a batch with status {record.status!r}.")
        if record.status != "cancelling":
            record.status = "cancelling"
            record.times["cancelling_at"] = int(time.time())
        return record.to_json()


def _first(query: dict[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[0] if values else None


def _retry_after(seconds: float | None) -> dict[str, str]:
    if seconds is None:
        return {}
    return {"Retry-After": str(int(seconds)) if float(seconds).is_integer() else repr(float(seconds))}


def _http_error_line(custom_id: str, status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": _new_id("batch_req_"),
        "custom_id": custom_id,
        "response": {"status_code": status, "request_id": _new_id("req_"), "body": body},
        "error": None,
    }


def _line_error(custom_id: str, code: str, message: str) -> dict[str, Any]:
    return {
        "id": _new_id("batch_req_"),
        "custom_id": custom_id,
        "response": None,
        "error": {"code": code, "message": message},
    }


def _jsonl(lines: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(line).encode() + b"\n" for line in lines)
