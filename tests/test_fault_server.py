"""Shows what each FaultServer Step does to the real ``openai`` client (and instructor in Mode.TOOLS).

pyproject adds ``--block-network`` (pytest-recording), which blocks 127.0.0.1 too unless allowed; the
module-level ``block_network(allowed_hosts=...)`` mark below allows loopback only. See the
``fault_server`` module docstring for details.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2
import instructor
import openai
import pytest
from fault_server import LOOPBACK_ALLOWED_HOSTS, FaultServer, Step, hash_fraction
from instructor.core import InstructorRetryException
from pydantic import BaseModel
from pytest_recording import network

pytestmark = pytest.mark.block_network(allowed_hosts=LOOPBACK_ALLOWED_HOSTS)

TOOL = "ExtractFacts"
CHAT: dict[str, Any] = {
    "model": "test-model",
    "messages": [{"role": "user", "content": "Extract."}],
    "tools": [{"type": "function", "function": {"name": TOOL, "parameters": {"type": "object"}}}],
    "tool_choice": {"type": "function", "function": {"name": TOOL}},
}


def client(server: FaultServer, timeout: float = 2.0, max_retries: int = 0) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=server.base_url, api_key="test-key", max_retries=max_retries, timeout=timeout
    )


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as s:
        yield s


# --- the network guard -----------------------------------------------------------------------------
def test_block_network_blocks_loopback_unless_allowed() -> None:
    assert not network.is_host_in_allowed_hosts("127.0.0.1", None)
    assert network.is_host_in_allowed_hosts("127.0.0.1", LOOPBACK_ALLOWED_HOSTS)
    assert not network.is_host_in_allowed_hosts("127.0.0.10", LOOPBACK_ALLOWED_HOSTS)


# --- ok / raw ------------------------------------------------------------------------------------
def test_ok_round_trips_tool_call_arguments() -> None:
    args = {"events": [{"anchor": "a1", "text": "Prices rose 3%"}], "n": 3}
    with FaultServer([Step.ok(args)]) as server:
        resp = client(server).chat.completions.create(**CHAT)
    choice = resp.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    call = (choice.message.tool_calls or [])[0]
    assert call.type == "function"
    assert call.function.name == TOOL
    assert json.loads(call.function.arguments) == args
    assert resp.model == "test-model"
    assert resp.usage is not None
    assert resp.usage.total_tokens == resp.usage.prompt_tokens + resp.usage.completion_tokens > 0
    assert server.calls == 1
    assert server.requests[0]["model"] == "test-model"
    assert server.requests[0]["tool_choice"]["function"]["name"] == TOOL


def test_ok_name_falls_back_to_first_tool() -> None:
    body = {**CHAT, "tool_choice": "required"}
    with FaultServer([Step.ok({})]) as server:
        resp = client(server).chat.completions.create(**body)
    assert (resp.choices[0].message.tool_calls or [])[0].function.name == TOOL


def test_raw_arguments_are_verbatim() -> None:
    raw = '{"events": [{"anchor": "zz-999", "value": 12345}], "extra": '  # not even valid JSON
    with FaultServer([Step.raw(raw)]) as server:
        resp = client(server).chat.completions.create(**CHAT)
    assert (resp.choices[0].message.tool_calls or [])[0].function.arguments == raw


# --- status codes --------------------------------------------------------------------------------
def test_429_is_rate_limit_error_with_retry_after() -> None:
    with (
        FaultServer([Step.status(429, retry_after=1.5)]) as server,
        pytest.raises(openai.RateLimitError) as exc,
    ):
        client(server).chat.completions.create(**CHAT)
    assert exc.value.status_code == 429
    assert exc.value.response.headers["retry-after"] == "1.5"
    assert exc.value.code == "rate_limit_exceeded"
    assert exc.value.type == "rate_limit_exceeded"


@pytest.mark.parametrize("code", [500, 503])
def test_5xx_is_internal_server_error(code: int) -> None:
    with FaultServer([Step.status(code)]) as server, pytest.raises(openai.InternalServerError) as exc:
        client(server).chat.completions.create(**CHAT)
    assert exc.value.status_code == code
    assert exc.value.type == "server_error"


def test_custom_error_body() -> None:
    body = {"error": {"message": "context too long", "type": "invalid_request_error", "code": "ctx"}}
    with FaultServer([Step.status(400, body=body)]) as server, pytest.raises(openai.BadRequestError) as exc:
        client(server).chat.completions.create(**CHAT)
    assert exc.value.code == "ctx"
    assert exc.value.body == body["error"]  # openai unwraps the "error" object
    assert "context too long" in exc.value.message


def test_client_backoff_honours_retry_after() -> None:
    with FaultServer([Step.status(429, retry_after=0.3), Step.status(503, retry_after=0.2)]) as server:
        resp = client(server, max_retries=2).chat.completions.create(**CHAT)
    assert resp.choices[0].finish_reason == "tool_calls"  # default Step.ok() after the script
    assert server.calls == 3
    first, second = server.intervals()
    assert 0.3 <= first < 0.9
    assert 0.2 <= second < 0.8


# --- transport faults ----------------------------------------------------------------------------
def test_stall_past_timeout_is_api_timeout_error() -> None:
    with FaultServer([Step.stall(5.0)]) as server:
        with pytest.raises(openai.APITimeoutError) as exc:
            client(server, timeout=0.5).chat.completions.create(**CHAT)
        started = time.monotonic()
    assert time.monotonic() - started < 1.0  # the pending 5 s stall does not hold up shutdown
    assert isinstance(exc.value.__cause__, httpx2.ReadTimeout)


def test_stall_within_timeout_then_answers() -> None:
    with FaultServer([Step.stall(0.2, then=Step.ok({"late": True}))]) as server:
        resp = client(server, timeout=2.0).chat.completions.create(**CHAT)
    assert json.loads((resp.choices[0].message.tool_calls or [])[0].function.arguments) == {"late": True}


def test_drop_mid_body_is_api_connection_error() -> None:
    with FaultServer([Step.drop_mid_body()]) as server, pytest.raises(openai.APIConnectionError) as exc:
        client(server).chat.completions.create(**CHAT)
    assert type(exc.value) is openai.APIConnectionError  # not the APITimeoutError subclass
    assert isinstance(exc.value.__cause__, httpx2.RemoteProtocolError)
    assert "without sending complete message body" in str(exc.value.__cause__)


def test_drop_mid_body_is_retried_by_the_client() -> None:
    with FaultServer([Step.drop_mid_body()]) as server:
        resp = client(server, max_retries=1).chat.completions.create(**CHAT)
    assert resp.choices[0].finish_reason == "tool_calls"
    assert server.calls == 2


def test_truncated_json_is_json_decode_error_and_not_retried() -> None:
    # The body arrives intact at the HTTP level; openai's response.json() fails outside its
    # retry/wrap loop, so this surfaces as a plain json.JSONDecodeError and is never retried.
    with FaultServer([Step.truncated_json()]) as server, pytest.raises(json.JSONDecodeError):
        client(server, max_retries=2).chat.completions.create(**CHAT)
    assert server.calls == 1


# --- scripting -----------------------------------------------------------------------------------
def test_callable_script_fails_first_two_then_succeeds() -> None:
    seen: list[dict[str, Any]] = []

    def script(body: dict[str, Any]) -> Step | None:  # None -> the server's default
        seen.append(body)
        return Step.status(500, retry_after=0.05) if len(seen) <= 2 else None

    with FaultServer(script, default=Step.ok({"ok": 1})) as server:
        resp = client(server, max_retries=2).chat.completions.create(**CHAT)
    assert json.loads((resp.choices[0].message.tool_calls or [])[0].function.arguments) == {"ok": 1}
    assert server.calls == 3
    assert len(server.timestamps) == 3


def test_hash_fraction_is_deterministic() -> None:
    bodies = [{**CHAT, "messages": [{"role": "user", "content": f"article {i}"}]} for i in range(400)]
    picked = [hash_fraction(b, 0.1) for b in bodies]
    assert picked == [hash_fraction(b, 0.1) for b in bodies]
    assert 20 <= sum(picked) <= 60

    def script(body: dict[str, Any]) -> Step:
        return Step.status(503) if hash_fraction(body, 0.1) else Step.ok({})

    with FaultServer(script) as server:
        c = client(server)
        outcomes = []
        for body in bodies[:30]:
            try:
                c.chat.completions.create(**body)
                outcomes.append(False)
            except openai.InternalServerError:
                outcomes.append(True)
    assert outcomes == picked[:30]


def test_concurrent_requests_are_all_counted_and_recorded() -> None:
    with FaultServer([Step.status(500)] * 3) as server:
        c = client(server)

        def one(i: int) -> bool:
            body = {**CHAT, "messages": [{"role": "user", "content": str(i)}]}
            try:
                c.chat.completions.create(**body)
                return True
            except openai.InternalServerError:
                return False

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(one, range(16)))
    assert server.calls == 16 and len(server.requests) == 16
    assert results.count(False) == 3
    assert sorted(r["messages"][0]["content"] for r in server.requests) == sorted(map(str, range(16)))
    assert server.timestamps == sorted(server.timestamps)


# --- other routes / lifecycle --------------------------------------------------------------------
def test_models_endpoint(server: FaultServer) -> None:
    models = client(server).models.list()
    assert [m.id for m in models.data] == ["fault-model"]
    assert server.calls == 0


def test_unknown_path_is_404(server: FaultServer) -> None:
    with pytest.raises(openai.NotFoundError):
        client(server).embeddings.create(model="m", input="x")


def test_base_url_and_stop_is_prompt_with_idle_keepalive() -> None:
    server = FaultServer([Step.stall(10.0)])
    with server:
        assert server.base_url.startswith("http://127.0.0.1:") and server.base_url.endswith("/v1")
        c = client(server, timeout=5.0)
        c.models.list()  # leaves an idle keep-alive connection open
        errors: list[BaseException] = []

        def stalled_call() -> None:
            try:
                c.chat.completions.create(**CHAT)
            except openai.APIError as err:
                errors.append(err)

        t = threading.Thread(target=stalled_call, daemon=True)
        t.start()
        deadline = time.monotonic() + 2
        while server.calls == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        started = time.monotonic()
    assert time.monotonic() - started < 1.0
    t.join(2.0)
    assert not t.is_alive()  # the stalled request was cut off by shutdown, not left hanging
    assert len(errors) == 1 and type(errors[0]) is openai.APIConnectionError


# --- instructor, Mode.TOOLS ----------------------------------------------------------------------
class Facts(BaseModel):
    figures: list[int]
    summary: str


def test_instructor_tools_mode_parses_ok_and_rejects_schema_failure() -> None:
    bad = Step.raw('{"figures": "many"}')
    script = [Step.ok({"figures": [1, 2], "summary": "s"}), bad, bad]
    with FaultServer(script) as server:
        ic = instructor.from_openai(client(server), mode=instructor.Mode.TOOLS)
        facts = ic.chat.completions.create(
            model="test-model",
            response_model=Facts,
            max_retries=1,
            messages=[{"role": "user", "content": "x"}],
        )
        assert facts.model_dump() == {"figures": [1, 2], "summary": "s"}
        with pytest.raises(InstructorRetryException):
            ic.chat.completions.create(
                model="test-model",
                response_model=Facts,
                max_retries=1,
                messages=[{"role": "user", "content": "x"}],
            )
    assert server.requests[0]["tool_choice"]["function"]["name"] == "Facts"
    assert server.calls == 3  # instructor's max_retries=1 means two attempts in this version
    reask = json.dumps(server.requests[2]["messages"])
    assert len(server.requests[2]["messages"]) > len(server.requests[1]["messages"])
    assert "figures" in reask  # the validation error is fed back to the model
