"""A scripted, fault-injecting OpenAI-compatible HTTP server for tests.

What it is for
--------------
The pipeline talks to an OpenAI-compatible ``/v1/chat/completions`` endpoint through the ``openai``
client (``httpx2`` underneath) and ``instructor`` in ``Mode.TOOLS``. Cassettes replay happy paths;
this server lets a test script the unhappy ones -- rate limits with ``Retry-After``, 5xx errors,
stalls past the client timeout, connections dropped mid-body, cut-off JSON, and tool-call arguments
that parse as JSON but fail the schema or cite made-up anchors -- and then inspect what the client
sent (``requests``), how often (``calls``), when (``timestamps`` / ``intervals()``) and how many at
once (``max_in_flight``).

Usage::

    from fault_server import FaultServer, Step   # tests/ is on sys.path under pytest (no __init__.py)

    with FaultServer([Step.status(429, retry_after=0.2), Step.ok({"events": []})]) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=1)
        ...
        assert server.calls == 2 and server.intervals()[0] >= 0.2

A ``Step`` answers ONE ``POST /v1/chat/completions``. A list script is consumed in order, after which
``default`` answers (``Step.ok({})`` unless given). A callable script ``fn(request_body) -> Step``
decides per request (returning ``None`` falls back to ``default``); ``hash_fraction(body, 0.1)``
picks a deterministic ~10% of requests by a hash of the body; ``first_option(body)`` answers a
constrained choice (a tool whose ``answer`` is an enum, as ``extract.ask`` sends) with its first option
that is not ``unknown``. ``GET /v1/models`` answers a one-model
list so readiness probes work. Any other path gets a 404 with an OpenAI-style error body.

Which ``openai`` (3.3.0) exception each fault produces (``max_retries=0``; see test_fault_server.py):

* ``Step.status(429, ...)``       -> ``openai.RateLimitError`` (``e.response.headers["retry-after"]`` set)
* ``Step.status(500)``            -> ``openai.InternalServerError``
* ``Step.status(503)``            -> ``openai.InternalServerError`` (status_code 503; any code >= 500)
* ``Step.stall(s)`` past timeout  -> ``openai.APITimeoutError`` (a subclass of ``APIConnectionError``)
* ``Step.drop_mid_body()``        -> ``openai.APIConnectionError`` exactly (not the timeout subclass);
  its ``__cause__`` is ``httpx2.RemoteProtocolError`` ("peer closed connection without sending
  complete message body")
* ``Step.truncated_json()``       -> ``json.JSONDecodeError`` -- NOT an ``openai`` exception: the
  body is read fine and ``response.json()`` fails in ``_process_response``, outside the client's
  retry/wrap loop, so it is never retried either.
* ``Step.drip(0.2)``              -> the whole response (status line, headers, body) one byte every
  0.2 s: no single read waits long, so only a deadline on the whole request ends it.

The client honours ``Retry-After`` only when ``0 < value <= 60`` seconds (``retry-after-ms`` wins if
present); otherwise it falls back to jittered exponential backoff from 0.5 s.

Network blocking (pytest-recording 0.14.1)
-------------------------------------------
pyproject's ``addopts`` has ``--block-network``. pytest-recording patches ``socket.socket.connect`` /
``connect_ex`` and, with no allowed hosts configured, blocks EVERY address including 127.0.0.1
(``is_host_in_allowed_hosts`` returns False when the list is None; the "local servers are not
touched" docstring only means ``bind``/``accept`` are not patched). Unallowed, every call fails as
``openai.APIConnectionError`` caused by ``RuntimeError("Network is disabled for host '127.0.0.1'")``
(checked). Ways to allow loopback, as read
from ``pytest_recording/plugin.py``'s ``allowed_hosts`` fixture (first non-empty wins):

1. ``@pytest.mark.block_network(allowed_hosts=[...])`` (or module-level ``pytestmark``) -- used here;
2. the ``--allowed-hosts`` CLI option (comma-separated regexes);
3. ``"allowed_hosts"`` in a ``vcr_config`` fixture.

Entries are regexes applied with ``re.match`` (prefix match), hence ``LOOPBACK_ALLOWED_HOSTS``
anchors the end. Note the registered ``allowed_hosts`` *marker* is NOT read by the fixture:
``@pytest.mark.allowed_hosts([...])`` has no effect.

Boundedness
-----------
Binds 127.0.0.1 on port 0 and never opens an outgoing connection. ``__exit__`` wakes every stall
(they wait on an Event, not ``time.sleep``), shuts down open client sockets, stops the accept loop
and joins the threads with a timeout. Handler sockets have a read timeout, so an idle keep-alive
connection cannot pin a thread forever.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal

__all__ = ["LOOPBACK_ALLOWED_HOSTS", "FaultServer", "Step", "first_option", "hash_fraction"]

#: Regexes for pytest-recording's ``allowed_hosts`` that let a client reach this server only.
LOOPBACK_ALLOWED_HOSTS: list[str] = [r"127\.0\.0\.1$"]

MODEL_ID = "fault-model"
#: Upper bound for a socket read in a handler (request line, headers, body, idle keep-alive).
HANDLER_READ_TIMEOUT = 5.0

StepKind = Literal["ok", "status", "stall", "drop_mid_body", "truncated_json", "drip"]
Script = list["Step"] | Callable[[dict[str, Any]], "Step | None"] | None

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


def _error_body(code: int, message: str | None = None) -> dict[str, Any]:
    err_type, err_code = _ERROR_TYPES.get(
        code, ("server_error" if code >= 500 else "invalid_request_error", str(code))
    )
    return {
        "error": {
            "message": message or f"fault injected: HTTP {code}",
            "type": err_type,
            "code": err_code,
            "param": None,
        }
    }


def hash_fraction(body: dict[str, Any], fraction: float, salt: str = "") -> bool:
    """True for a deterministic ``fraction`` of request bodies (by SHA-256 of canonical JSON)."""
    digest = hashlib.sha256((salt + json.dumps(body, sort_keys=True, default=str)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < fraction


@dataclass(frozen=True)
class Step:
    """How to answer one chat-completions request. Build with the classmethod constructors."""

    kind: StepKind
    arguments: str = "{}"
    status_code: int = 200
    retry_after: float | None = None
    body: dict[str, Any] | None = None
    seconds: float = 0.0
    then: Step | None = None
    headers: dict[str, str] = field(default_factory=dict)
    count: int | None = None

    @classmethod
    def ok(cls, arguments: dict[str, Any] | list[Any] | str = "{}") -> Step:
        """A valid chat.completion with one tool call; dict/list arguments are json.dumps'ed."""
        args = arguments if isinstance(arguments, str) else json.dumps(arguments)
        return cls(kind="ok", arguments=args)

    @classmethod
    def raw(cls, arguments_str: str) -> Step:
        """A valid completion whose tool-call ``arguments`` is exactly ``arguments_str``."""
        return cls(kind="ok", arguments=arguments_str)

    @classmethod
    def status(
        cls,
        code: int,
        retry_after: float | None = None,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Step:
        """An error status with an OpenAI-style error body (or ``body``) and optional Retry-After."""
        return cls(
            kind="status", status_code=code, retry_after=retry_after, body=body, headers=dict(headers or {})
        )

    @classmethod
    def stall(cls, seconds: float, then: Step | None = None) -> Step:
        """Wait ``seconds`` (woken early by server shutdown), then answer ``then`` (default ok)."""
        return cls(kind="stall", seconds=seconds, then=then)

    @classmethod
    def drip(cls, interval: float, then: Step | None = None, count: int | None = None) -> Step:
        """Send the response ``then`` (default ok; not a drop or a drip) one byte every ``interval`` seconds:
        its first ``count`` bytes (default all), then the rest at once. Stops when the client hangs up."""
        return cls(kind="drip", seconds=interval, then=then, count=count)

    @classmethod
    def drop_mid_body(cls) -> Step:
        """200 headers with a Content-Length larger than what is written, half a body, then close."""
        return cls(kind="drop_mid_body")

    @classmethod
    def truncated_json(cls) -> Step:
        """200 with a consistent Content-Length but a cut-off JSON document as the body."""
        return cls(kind="truncated_json")


def first_option(request: dict[str, Any]) -> Step:
    """A valid answer to a constrained choice: the first option of the tool's ``answer`` enum that is not
    ``unknown`` (``{}`` when the request has no such enum)."""
    tools = request.get("tools") or [{}]
    properties = ((tools[0].get("function") or {}).get("parameters") or {}).get("properties") or {}
    options = [o for o in (properties.get("answer") or {}).get("enum") or [] if o != "unknown"]
    return Step.ok({"answer": options[0]} if options else {})


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
    return "fault_tool"


def completion_body(request: dict[str, Any], arguments: str, seq: int) -> dict[str, Any]:
    """The chat.completion JSON that instructor's Mode.TOOLS parses."""
    prompt_tokens = max(1, len(json.dumps(request.get("messages", []), default=str)) // 4)
    completion_tokens = max(1, len(arguments) // 4)
    return {
        "id": f"chatcmpl-fault-{seq}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model") or MODEL_ID,
        "system_fingerprint": "fault-server",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": None,
                    "refusal": None,
                    "tool_calls": [
                        {
                            "id": f"call_fault_{seq}",
                            "type": "function",
                            "function": {"name": _tool_name(request), "arguments": arguments},
                        }
                    ],
                },
                "logprobs": None,
                "finish_reason": "tool_calls",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    fault: FaultServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like a real server; Content-Length always sent
    disable_nagle_algorithm = True  # else headers + body as two writes cost a 40 ms delayed ACK
    server_version = "FaultServer/1.0"
    timeout = HANDLER_READ_TIMEOUT  # socket read timeout, set by StreamRequestHandler.setup()
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.fault._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.server.fault._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionError, TimeoutError, OSError):
            self.close_connection = True

    # --- plumbing -------------------------------------------------------------------------------
    def _send_json(self, code: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _path(self) -> str:
        path = self.path.split("?", 1)[0].rstrip("/")
        return path[3:] if path.startswith("/v1/") else path

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    # --- routes ---------------------------------------------------------------------------------
    def do_GET(self) -> None:
        if self._path() == "/models":
            self._send_json(
                200,
                {
                    "object": "list",
                    "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "fault-server"}],
                },
            )
        else:
            self._send_json(404, _error_body(404, f"no route GET {self.path}"))

    def do_POST(self) -> None:
        raw = self._read_body()
        if self._path() != "/chat/completions":
            self._send_json(404, _error_body(404, f"no route POST {self.path}"))
            return
        try:
            request = json.loads(raw or b"{}")
        except ValueError:
            request = None
        if not isinstance(request, dict):
            self.server.fault._record({"_invalid_json": raw.decode("utf-8", "replace")})
            try:
                self._send_json(400, _error_body(400, "request body is not a JSON object"))
            finally:
                self.server.fault._answered()
            return
        seq = self.server.fault._record(request)
        try:
            self._answer(self.server.fault._next_step(request), request, seq)
        finally:
            self.server.fault._answered()

    def _answer(self, step: Step, request: dict[str, Any], seq: int) -> None:
        fault = self.server.fault
        if step.kind == "ok":
            self._send_json(200, completion_body(request, step.arguments, seq))
        elif step.kind == "status":
            headers = dict(step.headers)
            if step.retry_after is not None:
                ra = step.retry_after
                headers["Retry-After"] = str(int(ra)) if float(ra).is_integer() else repr(float(ra))
            self._send_json(
                step.status_code,
                step.body if step.body is not None else _error_body(step.status_code),
                headers,
            )
        elif step.kind == "stall":
            if fault._stopping.wait(step.seconds):  # shutdown requested: give up silently
                self.close_connection = True
                return
            self._answer(step.then or Step.ok(), request, seq)
        elif step.kind == "drip":
            then = step.then or Step.ok()
            if then.kind in ("drip", "drop_mid_body", "stall"):
                raise ValueError(f"Step.drip cannot send a {then.kind} step")
            real, buffer = self.wfile, io.BytesIO()
            self.wfile = buffer  # render the whole response, headers included, then send it slowly
            try:
                self._answer(then, request, seq)
            finally:
                self.wfile = real
            data = buffer.getvalue()
            slow = len(data) if step.count is None else min(step.count, len(data))
            try:
                for i in range(slow):
                    if fault._stopping.wait(step.seconds):
                        self.close_connection = True
                        return
                    self.wfile.write(data[i : i + 1])
                    self.wfile.flush()
                self.wfile.write(data[slow:])
                self.wfile.flush()
            except OSError:  # the client gave up on the answer and closed the connection
                self.close_connection = True
        elif step.kind == "drop_mid_body":
            data = json.dumps(completion_body(request, "{}", seq)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data) + 64))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_WR)  # FIN now; finish() closes the socket
        elif step.kind == "truncated_json":
            full = json.dumps(completion_body(request, "{}", seq)).encode()
            data = full[: len(full) // 2]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        else:  # pragma: no cover - Literal exhausts the kinds
            raise AssertionError(step.kind)


class FaultServer:
    """Scripted OpenAI-compatible server on 127.0.0.1:<free port>; use as a context manager."""

    def __init__(self, script: Script = None, default: Step | None = None) -> None:
        self._script = script
        self._default = default or Step.ok()
        self._lock = threading.Lock()
        self._script_lock = threading.Lock()
        self._stopping = threading.Event()
        self._script_pos = 0
        self._seq = itertools.count(1)
        self._conns: set[socket.socket] = set()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self.requests: list[dict[str, Any]] = []
        self._timestamps: list[float] = []
        self._in_flight = 0
        self._max_in_flight = 0
        self.base_url = ""
        self.port = 0

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self) -> FaultServer:
        if self._httpd is not None:
            raise RuntimeError("FaultServer already started")
        self._stopping.clear()
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.fault = self
        self._httpd = httpd
        self.port = int(httpd.server_address[1])
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"FaultServer:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()  # wakes every stall immediately
        httpd.shutdown()  # stops the accept loop (returns within poll_interval)
        httpd.server_close()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:  # unblocks handlers waiting on idle keep-alive reads
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        if self._thread is not None:
            self._thread.join(timeout)
        while time.monotonic() < deadline:  # handler threads are daemons; wait for them, boundedly
            with self._lock:
                if not self._conns:
                    break
            time.sleep(0.01)

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- inspection -----------------------------------------------------------------------------
    @property
    def calls(self) -> int:
        """Number of POST /v1/chat/completions requests received."""
        with self._lock:
            return len(self._timestamps)

    @property
    def timestamps(self) -> list[float]:
        """``time.monotonic()`` at which each chat request's body had been read, in order."""
        with self._lock:
            return list(self._timestamps)

    @property
    def max_in_flight(self) -> int:
        """The most chat requests being answered at the same moment (read, not yet fully answered)."""
        with self._lock:
            return self._max_in_flight

    def intervals(self) -> list[float]:
        """Seconds between consecutive chat requests (e.g. to check Retry-After was honoured)."""
        ts = self.timestamps
        return [b - a for a, b in itertools.pairwise(ts)]

    # --- used by the handler --------------------------------------------------------------------
    def _record(self, request: dict[str, Any]) -> int:
        now = time.monotonic()
        with self._lock:
            self.requests.append(request)
            self._timestamps.append(now)
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
            return next(self._seq)

    def _answered(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _next_step(self, request: dict[str, Any]) -> Step:
        script = self._script
        with self._script_lock:  # serialises stateful callables too (they must not block)
            if callable(script):
                return script(request) or self._default
            if script is not None and self._script_pos < len(script):
                step = script[self._script_pos]
                self._script_pos += 1
                return step
        return self._default

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._conns.add(conn)
            else:
                self._conns.discard(conn)
