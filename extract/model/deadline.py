"""A deadline on a whole HTTP request, for the openai client's ``http_client``.

Input: the seconds one request may take; output: an ``httpx2.Client`` whose every request (connect, send,
headers and body) ends within them. httpx's own timeouts bound each read, not the answer: a server that
drips one byte every 0.2 s never trips a 5 s read timeout, and an answer could take forever. Here every
socket read and write is given at most the time left until the request's deadline, and none once it has
passed, so a slow or dripping server fails as a timeout (``httpx2.ReadTimeout``, which openai raises as
``APITimeoutError``) within the deadline plus one read.

The deadline is set when the transport starts a request and is kept, per thread, until the same thread
starts the next one: the body is read after ``handle_request`` returns, in the thread that sent it.
Proxies from the environment (``HTTPS_PROXY``) keep working and are bounded the same way.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

import httpcore2
import httpx2
import openai

_now = time.monotonic
_LIMITS = httpx2.Limits()  # only a default of the signatures below: httpx2 always passes its own
_deadlines = threading.local()  # .at: the monotonic time this thread's current request must end by


def _remaining(timeout: float | None, error: type[Exception]) -> float | None:
    """The timeout for one socket operation: the caller's, cut to the time left before the deadline."""
    at: float | None = getattr(_deadlines, "at", None)
    if at is None:
        return timeout
    left = at - _now()
    if left <= 0:
        raise error(f"no complete answer within {getattr(_deadlines, 'seconds', 0):g} s")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore2.NetworkStream):
    """A network stream whose reads and writes never outlast the request's deadline."""

    def __init__(self, inner: httpcore2.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(timeout, httpcore2.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore2.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _remaining(timeout, httpcore2.ConnectTimeout))
        return _Stream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore2.NetworkBackend):
    """httpcore's socket backend, with every stream it opens held to the deadline."""

    def __init__(self, inner: httpcore2.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore2.NetworkStream:
        stream = self._inner.connect_tcp(host, port, _remaining(timeout, httpcore2.ConnectTimeout), local_address,
                                         socket_options)
        return _Stream(stream)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore2.NetworkStream:
        stream = self._inner.connect_unix_socket(path, _remaining(timeout, httpcore2.ConnectTimeout), socket_options)
        return _Stream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class DeadlineTransport(httpx2.HTTPTransport):
    """httpx's transport with a deadline of ``seconds`` on each request, body included."""

    def __init__(self, seconds: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seconds = seconds
        # httpx2 builds its connection pool without a way to pass a network backend: set the pool's.
        pool = self._pool
        backend = getattr(pool, "_network_backend", None)
        if not isinstance(backend, httpcore2.NetworkBackend):  # pragma: no cover - a changed httpx2
            raise TypeError("httpx2's connection pool has no network backend to bound; a whole-answer "
                            "deadline cannot be set with this httpx2 version")
        pool._network_backend = _Backend(backend)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        _deadlines.at = _now() + self.seconds
        _deadlines.seconds = self.seconds
        return super().handle_request(request)


class DeadlineClient(openai.DefaultHttpxClient):
    """openai's default httpx client (its limits and redirects), every transport of it a DeadlineTransport,
    the proxies that ``trust_env`` finds included."""

    def __init__(self, seconds: float, **kwargs: Any) -> None:
        self.seconds = seconds
        kwargs.setdefault("timeout", httpx2.Timeout(seconds))
        super().__init__(**kwargs)

    def _init_transport(self, verify: Any = True, cert: Any = None, trust_env: bool = True, http1: bool = True,
                        http2: bool = False, limits: httpx2.Limits = _LIMITS,
                        transport: httpx2.BaseTransport | None = None) -> httpx2.BaseTransport:
        if transport is not None:
            return transport
        return DeadlineTransport(self.seconds, verify=verify, cert=cert, trust_env=trust_env, http1=http1,
                                 http2=http2, limits=limits)

    def _init_proxy_transport(self, proxy: httpx2.Proxy, verify: Any = True, cert: Any = None,
                              trust_env: bool = True, http1: bool = True, http2: bool = False,
                              limits: httpx2.Limits = _LIMITS) -> httpx2.BaseTransport:
        return DeadlineTransport(self.seconds, verify=verify, cert=cert, trust_env=trust_env, http1=http1,
                                 http2=http2, limits=limits, proxy=proxy)


def deadline_client(seconds: float) -> httpx2.Client:
    """The ``http_client`` for ``openai.OpenAI``: each request, its body included, ends within ``seconds``."""
    return DeadlineClient(seconds)
