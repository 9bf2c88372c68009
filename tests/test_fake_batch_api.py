"""Drives FakeBatchAPI with the real ``openai`` client: the Batch API lifecycle, each fault, and the
exception each HTTP fault produces. Loopback is allowed through pytest-recording's
``block_network(allowed_hosts=...)`` mark, as in test_fault_server.py.
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import openai
import pytest
from fake_batch_api import (
    EXPIRED_MESSAGE,
    LOOPBACK_ALLOWED_HOSTS,
    TERMINAL_STATUSES,
    FakeBatchAPI,
    Faults,
    RequestFailed,
    chat_completion,
    tool_call_completion,
    tool_call_responder,
)
from openai.types import Batch
from openai.types.chat import ChatCompletion, ChatCompletionMessageFunctionToolCall

pytestmark = pytest.mark.block_network(allowed_hosts=LOOPBACK_ALLOWED_HOSTS)

ENDPOINT: Final = "/v1/chat/completions"
TOOL = "ExtractFacts"


def client(server: FakeBatchAPI, max_retries: int = 0) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=max_retries, timeout=5.0)


def chat_body(i: int | str) -> dict[str, Any]:
    return {
        "model": "test-model",
        "messages": [{"role": "user", "content": f"article {i}"}],
        "tools": [{"type": "function", "function": {"name": TOOL, "parameters": {"type": "object"}}}],
        "tool_choice": {"type": "function", "function": {"name": TOOL}},
    }


def jsonl(ids: list[str], **override: Any) -> bytes:
    lines = [{"custom_id": cid, "method": "POST", "url": ENDPOINT, "body": chat_body(cid), **override} for cid in ids]
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def ids(n: int, prefix: str = "r") -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


def submit(c: openai.OpenAI, data: bytes, **kwargs: Any) -> Batch:
    f = c.files.create(file=("input.jsonl", data), purpose="batch")
    return c.batches.create(input_file_id=f.id, endpoint=ENDPOINT, completion_window="24h", **kwargs)


def poll(c: openai.OpenAI, batch: Batch, limit: int = 50) -> Batch:
    for _ in range(limit):
        if batch.status in TERMINAL_STATUSES:
            return batch
        batch = c.batches.retrieve(batch.id)
    raise AssertionError(f"batch still {batch.status} after {limit} polls")


def tool_arguments(body: dict[str, Any]) -> Any:
    call = (ChatCompletion.model_validate(body).choices[0].message.tool_calls or [])[0]
    assert isinstance(call, ChatCompletionMessageFunctionToolCall)
    return json.loads(call.function.arguments)


def lines(c: openai.OpenAI, file_id: str | None) -> list[dict[str, Any]]:
    assert file_id is not None
    return [json.loads(line) for line in c.files.content(file_id).text.splitlines()]


# --- the happy path --------------------------------------------------------------------------------
def test_upload_create_poll_download() -> None:
    with FakeBatchAPI(tool_call_responder(lambda body: {"echo": body["messages"][0]["content"]})) as server:
        c = client(server)
        data = jsonl(ids(3))
        f = c.files.create(file=("input.jsonl", data), purpose="batch")
        assert (f.object, f.purpose, f.bytes, f.filename) == ("file", "batch", len(data), "input.jsonl")
        assert c.files.retrieve(f.id) == f
        assert c.files.content(f.id).content == data

        batch = c.batches.create(input_file_id=f.id, endpoint=ENDPOINT, completion_window="24h", metadata={"run": "t1"})
        assert batch.status == "validating" and batch.metadata == {"run": "t1"}
        statuses: list[str] = [batch.status]
        while batch.status not in TERMINAL_STATUSES:
            batch = c.batches.retrieve(batch.id)
            statuses.append(batch.status)
        assert statuses == ["validating", "in_progress", "finalizing", "completed"]
        assert batch.request_counts is not None
        assert batch.request_counts.model_dump() == {"total": 3, "completed": 3, "failed": 0}
        assert batch.error_file_id is None and batch.errors is None
        assert batch.model == "test-model" and batch.completed_at is not None
        assert batch.usage is not None and batch.usage.total_tokens > 0

        out_file = c.files.retrieve(batch.output_file_id or "")
        assert out_file.purpose == "batch_output"
        out = lines(c, batch.output_file_id)
    assert [line["custom_id"] for line in out] == ids(3)
    for i, line in enumerate(out):
        assert line["id"].startswith("batch_req_") and line["error"] is None
        assert line["response"]["status_code"] == 200 and line["response"]["request_id"].startswith("req_")
        completion = ChatCompletion.model_validate(line["response"]["body"])
        call = (completion.choices[0].message.tool_calls or [])[0]
        assert call.type == "function" and call.function.name == TOOL
        assert json.loads(call.function.arguments) == {"echo": f"article r{i}"}
    assert server.submissions == server.executions == {cid: 1 for cid in ids(3)}
    assert server.route_counts["GET /v1/batches/{id}"] == 3
    assert server.route_counts["POST /v1/files"] == 1 and server.route_counts["POST /v1/batches"] == 1
    assert [u.id for u in server.uploads] == [f.id]
    assert server.batches[0].custom_ids == ids(3) and server.batches[0].status == "completed"
    assert not server.responder_errors


def test_default_responder_and_completion_helpers() -> None:
    with FakeBatchAPI() as server:
        c = client(server)
        out = lines(c, poll(c, submit(c, jsonl(["a"]))).output_file_id)
    message = ChatCompletion.model_validate(out[0]["response"]["body"]).choices[0].message
    assert message.role == "assistant" and message.content == "{}" and message.tool_calls is None

    body = chat_body(1)
    assert chat_completion(body, "hi")["choices"][0]["message"]["content"] == "hi"
    raw = tool_call_completion({**body, "tool_choice": "required"}, '{"x": ', name=None)
    call = raw["choices"][0]["message"]["tool_calls"][0]
    assert call["function"] == {"name": TOOL, "arguments": '{"x": '}  # verbatim string, first tool's name
    assert tool_call_completion(body, {"a": 1}, name="Other")["choices"][0]["message"]["tool_calls"][0]["function"] == {
        "name": "Other",
        "arguments": '{"a": 1}',
    }


@pytest.mark.parametrize(("per_stage", "polls"), [(0, 1), (1, 3), (2, 6)])
def test_polls_per_stage(per_stage: int, polls: int) -> None:
    with FakeBatchAPI(polls_per_stage=per_stage) as server:
        c = client(server)
        batch = submit(c, jsonl(ids(2)))
        for _ in range(polls - 1):
            assert c.batches.retrieve(batch.id).status != "completed"
        assert c.batches.retrieve(batch.id).status == "completed"


# --- faults ---------------------------------------------------------------------------------------
def test_shuffled_output_is_complete_and_seeded() -> None:
    orders = []
    for _ in range(2):
        with FakeBatchAPI(faults=Faults(shuffle_seed=7)) as server:
            c = client(server)
            out = lines(c, poll(c, submit(c, jsonl(ids(20)))).output_file_id)
        orders.append([line["custom_id"] for line in out])
    assert orders[0] != ids(20)
    assert sorted(orders[0]) == sorted(ids(20))
    assert orders[0] == orders[1]  # same seed, same order


def test_failing_ids_go_to_the_error_file() -> None:
    def responder(body: dict[str, Any]) -> dict[str, Any]:
        content = body["messages"][0]["content"]
        if content == "article r3":
            raise RequestFailed(400, "context too long", code="context_length_exceeded", param="messages")
        if content == "article r4":
            raise RequestFailed(None, "timed out")
        return tool_call_completion(body, {})

    faults = Faults(fail_ids={"r1", "r2"}, fail_status=503)
    with FakeBatchAPI(responder, faults=faults) as server:
        c = client(server)
        batch = poll(c, submit(c, jsonl(ids(6))))
        out = lines(c, batch.output_file_id)
        err = {line["custom_id"]: line for line in lines(c, batch.error_file_id)}
    assert batch.status == "completed"
    assert batch.request_counts is not None
    assert batch.request_counts.model_dump() == {"total": 6, "completed": 2, "failed": 4}
    assert sorted(line["custom_id"] for line in out) == ["r0", "r5"]
    assert sorted(err) == ["r1", "r2", "r3", "r4"]
    injected = err["r1"]
    assert injected["error"] is None and injected["response"]["status_code"] == 503
    assert injected["response"]["body"]["error"]["type"] == "server_error"
    assert err["r3"]["response"]["status_code"] == 400
    assert err["r3"]["response"]["body"]["error"] == {
        "message": "context too long",
        "type": "invalid_request_error",
        "param": "messages",
        "code": "context_length_exceeded",
    }
    assert err["r4"]["response"] is None
    assert err["r4"]["error"] == {"code": "request_timeout", "message": "timed out"}
    assert server.executions == {cid: 1 for cid in ids(6)}  # failed requests ran (and were paid for)


def test_fail_ids_predicate_and_responder_bug() -> None:
    def buggy(body: dict[str, Any]) -> dict[str, Any]:
        raise KeyError("oops")

    with FakeBatchAPI(buggy, faults=Faults(fail_ids=lambda cid: cid.endswith("0"))) as server:
        c = client(server)
        batch = poll(c, submit(c, jsonl(ids(2))))
        err = {line["custom_id"]: line for line in lines(c, batch.error_file_id)}
    assert batch.output_file_id is None  # no successful line, no output file
    assert err["r0"]["response"]["status_code"] == 500
    assert "responder raised" in err["r1"]["response"]["body"]["error"]["message"]
    assert [type(e) for e in server.responder_errors] == [KeyError]


def test_expired_batch_has_partial_output() -> None:
    with FakeBatchAPI(faults=Faults(expire_after=3, shuffle_seed=1)) as server:
        c = client(server)
        batch = submit(c, jsonl(ids(5)))
        statuses: list[str] = [batch.status]
        while batch.status not in TERMINAL_STATUSES:
            batch = c.batches.retrieve(batch.id)
            statuses.append(batch.status)
        out = lines(c, batch.output_file_id)
        err = lines(c, batch.error_file_id)
    assert statuses == ["validating", "in_progress", "expired"]
    assert batch.expired_at is not None and batch.completed_at is None
    assert batch.request_counts is not None
    assert batch.request_counts.model_dump() == {"total": 5, "completed": 3, "failed": 0}
    assert sorted(line["custom_id"] for line in out) == ["r0", "r1", "r2"]
    assert sorted(line["custom_id"] for line in err) == ["r3", "r4"]
    for line in err:
        assert line["response"] is None
        assert line["error"] == {"code": "batch_expired", "message": EXPIRED_MESSAGE}
    assert server.executions == {"r0": 1, "r1": 1, "r2": 1}
    assert server.submissions == {cid: 1 for cid in ids(5)}


def test_5xx_while_polling_then_polling_works() -> None:
    with FakeBatchAPI(faults=Faults(poll_errors=(500, 503))) as server:
        c = client(server)
        batch = submit(c, jsonl(ids(2)))
        for code in (500, 503):
            with pytest.raises(openai.InternalServerError) as exc:
                c.batches.retrieve(batch.id)
            assert exc.value.status_code == code
            assert exc.value.type == "server_error"
        assert c.batches.retrieve(batch.id).status == "in_progress"  # faulted polls did not advance it
        assert poll(c, batch).status == "completed"
    assert server.route_counts["GET /v1/batches/{id}"] == 5
    assert server.batches[0].poll_errors_sent == 2 and server.batches[0].polls == 3


def test_5xx_while_polling_is_retried_by_the_client() -> None:
    with FakeBatchAPI(faults=Faults(poll_errors=(503,), poll_retry_after=0.05)) as server:
        c = client(server, max_retries=1)
        batch = submit(c, jsonl(ids(1)))
        assert c.batches.retrieve(batch.id).status == "in_progress"
    assert server.route_counts["GET /v1/batches/{id}"] == 2


def test_429_on_create_is_rate_limit_error_then_create_works() -> None:
    with FakeBatchAPI(faults=Faults(create_errors=(429,), create_retry_after=2)) as server:
        c = client(server)
        f = c.files.create(file=("in.jsonl", jsonl(ids(2))), purpose="batch")
        with pytest.raises(openai.RateLimitError) as exc:
            c.batches.create(input_file_id=f.id, endpoint=ENDPOINT, completion_window="24h")
        assert exc.value.status_code == 429 and exc.value.response.headers["retry-after"] == "2"
        assert server.batches == [] and server.submissions == {}
        batch = c.batches.create(input_file_id=f.id, endpoint=ENDPOINT, completion_window="24h")
        assert poll(c, batch).status == "completed"
    assert server.route_counts["POST /v1/batches"] == 2
    assert server.submissions == {"r0": 1, "r1": 1}


def test_429_on_create_is_retried_by_the_client_honouring_retry_after() -> None:
    with FakeBatchAPI(faults=Faults(create_errors=(429,), create_retry_after=0.1)) as server:
        c = client(server, max_retries=1)
        started = time.monotonic()
        batch = submit(c, jsonl(ids(1)))
        assert time.monotonic() - started >= 0.1
        assert batch.status == "validating"
    assert server.route_counts["POST /v1/batches"] == 2


def test_malformed_input_file_fails_the_batch_with_line_numbers() -> None:
    good = {"custom_id": "a", "method": "POST", "url": ENDPOINT, "body": chat_body("a")}
    rows = [
        json.dumps(good),  # 1 ok
        "{not json",  # 2
        json.dumps(good),  # 3 duplicate custom_id
        json.dumps({**good, "custom_id": "b", "url": "/v1/embeddings"}),  # 4 wrong url
        json.dumps({**good, "custom_id": "c", "method": "GET"}),  # 5 wrong method
        json.dumps({**good, "custom_id": "d", "body": "text"}),  # 6 body not an object
        json.dumps({**good, "custom_id": ""}),  # 7 empty custom_id
        "[1, 2]",  # 8 not an object
        json.dumps({**good, "custom_id": "e", "body": {**chat_body("e"), "model": "other"}}),  # 9
    ]
    with FakeBatchAPI() as server:
        c = client(server)
        batch = submit(c, "\n".join(rows).encode())
        assert batch.status == "validating"
        batch = poll(c, batch)
    assert batch.status == "failed" and batch.failed_at is not None
    assert batch.output_file_id is None and batch.error_file_id is None
    assert batch.request_counts is not None
    assert batch.request_counts.model_dump() == {"total": 0, "completed": 0, "failed": 0}
    assert batch.errors is not None and batch.errors.object == "list"
    found = {(e.line, e.code) for e in batch.errors.data or []}
    assert found == {
        (2, "invalid_json_line"),
        (3, "duplicate_custom_id"),
        (4, "invalid_url"),
        (5, "invalid_method"),
        (6, "invalid_body"),
        (7, "missing_required_parameter"),
        (8, "invalid_json_line"),
        (9, "mismatched_model"),
    }
    assert server.executions == {}  # nothing ran
    assert server.batches[0].custom_ids == ["a", "a", "b", "c", "d", "e"]


def test_empty_input_file_and_fail_batch_fault() -> None:
    with FakeBatchAPI(batch_faults=[None, Faults(fail_batch=True)]) as server:
        c = client(server)
        empty = poll(c, submit(c, b"\n"))
        forced = poll(c, submit(c, jsonl(ids(2))))
    assert empty.status == "failed" and empty.errors is not None
    assert [(e.code, e.line) for e in empty.errors.data or []] == [("empty_file", None)]
    assert forced.status == "failed" and forced.errors is not None
    assert [e.code for e in forced.errors.data or []] == ["fault_injected"]
    assert server.executions == {}


def test_batch_faults_callable_picks_by_content() -> None:
    def pick(index: int, custom_ids: list[str]) -> Faults | None:
        return Faults(expire_after=0) if "x1" in custom_ids else None

    with FakeBatchAPI(batch_faults=pick) as server:
        c = client(server)
        ok = poll(c, submit(c, jsonl(["a1"])))
        expired = poll(c, submit(c, jsonl(["x1", "x2"])))
        err = lines(c, expired.error_file_id)
    assert ok.status == "completed"
    assert expired.status == "expired" and expired.output_file_id is None
    assert sorted(line["custom_id"] for line in err) == ["x1", "x2"]
    assert server.batches[1].faults.expire_after == 0


def test_bad_create_arguments_and_unknown_ids() -> None:
    with FakeBatchAPI() as server:
        c = client(server)
        f = c.files.create(file=("in.jsonl", jsonl(["a"])), purpose="batch")
        other = c.files.create(file=("notes.txt", b"x"), purpose="user_data")
        with pytest.raises(openai.BadRequestError):
            c.batches.create(input_file_id=f.id, endpoint="/v1/embeddings", completion_window="24h")
        with pytest.raises(openai.BadRequestError):
            c.batches.create(input_file_id=other.id, endpoint=ENDPOINT, completion_window="24h")
        with pytest.raises(openai.NotFoundError) as exc:
            c.batches.create(input_file_id="file-nope", endpoint=ENDPOINT, completion_window="24h")
        assert "file-nope" in exc.value.message
        with pytest.raises(openai.NotFoundError):
            c.files.retrieve("file-nope")
        with pytest.raises(openai.NotFoundError):
            c.files.content("file-nope")
        with pytest.raises(openai.NotFoundError):
            c.batches.retrieve("batch_nope")
        with pytest.raises(openai.NotFoundError):
            c.batches.cancel("batch_nope")
        assert c.files.delete(f.id).deleted
        with pytest.raises(openai.NotFoundError):
            c.files.retrieve(f.id)
        assert [x.id for x in c.files.list(purpose="user_data")] == [other.id]
    assert server.batches == []
    assert len(server.uploads) == 2  # deleted uploads stay inspectable


# --- cancel / list / counts -------------------------------------------------------------------------
def test_cancel() -> None:
    with FakeBatchAPI() as server:
        c = client(server)
        batch = submit(c, jsonl(ids(3)))
        assert c.batches.retrieve(batch.id).status == "in_progress"
        cancelling = c.batches.cancel(batch.id)
        assert cancelling.status == "cancelling" and cancelling.cancelling_at is not None
        assert c.batches.cancel(batch.id).status == "cancelling"  # idempotent
        cancelled = c.batches.retrieve(batch.id)
        assert cancelled.status == "cancelled" and cancelled.cancelled_at is not None
        assert cancelled.output_file_id is None
        err = lines(c, cancelled.error_file_id)
        assert {line["custom_id"] for line in err} == set(ids(3))
        assert all(line["response"] is None and line["error"]["code"] == "batch_cancelled" for line in err)
        with pytest.raises(openai.BadRequestError):
            c.batches.cancel(batch.id)

        done = poll(c, submit(c, jsonl(["z"])))
        with pytest.raises(openai.BadRequestError) as exc:
            c.batches.cancel(done.id)
        assert "completed" in exc.value.message
    assert server.executions == {"z": 1}


def test_cancel_while_finalizing_keeps_the_answers() -> None:
    with FakeBatchAPI() as server:
        c = client(server)
        batch = submit(c, jsonl(ids(2)))
        c.batches.retrieve(batch.id)
        assert c.batches.retrieve(batch.id).status == "finalizing"
        c.batches.cancel(batch.id)
        cancelled = c.batches.retrieve(batch.id)
        assert cancelled.status == "cancelled" and cancelled.error_file_id is None
        assert [line["custom_id"] for line in lines(c, cancelled.output_file_id)] == ids(2)


def test_list_batches_newest_first_with_cursor() -> None:
    with FakeBatchAPI() as server:
        c = client(server)
        created = [submit(c, jsonl([f"b{i}"])).id for i in range(3)]
        page = c.batches.list(limit=2)
        assert [b.id for b in page.data] == created[::-1][:2]
        assert page.has_more is True
        raw = c.batches.with_raw_response.list(limit=2).http_response.json()
        assert raw["object"] == "list"
        assert (raw["first_id"], raw["last_id"]) == (created[2], created[1])
        assert [b.id for b in c.batches.list(limit=2)] == created[::-1]  # auto-pagination with after=
        last = c.batches.list(limit=2, after=created[1])
        assert [b.id for b in last.data] == [created[0]] and last.has_more is False
    assert server.route_counts["GET /v1/batches"] == 5


def test_submission_counts_show_resubmission() -> None:
    with FakeBatchAPI(faults=Faults(expire_after=1)) as server:
        c = client(server)
        first = poll(c, submit(c, jsonl(["a", "b"])))
        assert first.status == "expired"
        server.faults = Faults()  # the retry batch is not faulted
        retry_ids = [line["custom_id"] for line in lines(c, first.error_file_id)]
        assert poll(c, submit(c, jsonl(retry_ids))).status == "completed"
    assert server.submissions == {"a": 1, "b": 2}
    assert server.executions == {"a": 1, "b": 1}  # nothing was paid for twice
    assert max(server.executions.values()) == 1


def test_state_survives_a_new_server_instance() -> None:
    with FakeBatchAPI() as first:
        c = client(first)
        batch = submit(c, jsonl(ids(2)))
        assert c.batches.retrieve(batch.id).status == "in_progress"
    with FakeBatchAPI(tool_call_responder({"late": True}), state=first.state) as second:
        c2 = client(second)
        done = poll(c2, c2.batches.retrieve(batch.id))
        out = lines(c2, done.output_file_id)
        assert [b.id for b in c2.batches.list()] == [batch.id]
    assert done.status == "completed"
    assert tool_arguments(out[0]["response"]["body"]) == {"late": True}
    assert second.submissions == {"r0": 1, "r1": 1}
    assert "POST /v1/batches" not in second.route_counts and first.route_counts["POST /v1/batches"] == 1


def test_concurrent_clients_and_bounded_shutdown() -> None:
    server = FakeBatchAPI()
    with server:
        c = client(server)
        c.batches.list()  # leaves an idle keep-alive connection open

        def run(i: int) -> str:
            return poll(c, submit(c, jsonl(ids(3, prefix=f"t{i}-")))).status

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(run, range(8)))
        started = time.monotonic()
    assert time.monotonic() - started < 1.0
    assert statuses == ["completed"] * 8
    assert len(server.batches) == 8 and sum(server.executions.values()) == 24
    assert max(server.executions.values()) == 1
    assert server.base_url.startswith("http://127.0.0.1:") and server.base_url.endswith("/v1")
    assert not any(t.name.startswith(f"FakeBatchAPI:{server.port}") for t in threading.enumerate())
