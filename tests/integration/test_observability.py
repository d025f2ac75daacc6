"""What a team running the API sees, on the local stack: each request's one JSON log line with its request id (the
id the answer carries in ``X-Request-Id``), the id named in an unexpected 5xx, a failing queue job's line, and the
metrics as EMF lines (docs/decisions.md, "Logs, metrics and traces")."""

from __future__ import annotations

import base64
import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any, cast

import boto3
import httpx
import pytest
from devdevdev import metrics

from infra.local.queues import QueuePump
from infra.local.services import LOCAL_CREDENTIALS
from tests.conftest import BASE, bearer, fail, new_member, tokens

pytestmark = pytest.mark.integration
ANON = {"Anonymous-Member-Id": "GA1.1.276672604.1715872960"}
MESSAGE_500 = "일시적으로 오류가 발생했습니다."


@pytest.fixture
def log_lines() -> Iterator[Callable[[], list[dict]]]:
    """The JSON lines the functions' logger writes while the test runs (every line must be JSON)."""
    from devdevdev.logs import logger

    buffer = io.StringIO()
    handler = cast(logging.StreamHandler, logger.registered_handler)
    previous = handler.setStream(buffer)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]
    finally:
        handler.setStream(previous)


@pytest.fixture
def emf(capsys, monkeypatch) -> Callable[[], list[dict]]:
    """The EMF documents written on stdout so far (each parsed, one per line)."""
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    monkeypatch.delenv("POWERTOOLS_DEV", raising=False)
    monkeypatch.delenv("POWERTOOLS_METRICS_NAMESPACE", raising=False)
    monkeypatch.setenv("STAGE", "test")  # as a function's environment names its stage in AWS
    capsys.readouterr()

    def read() -> list[dict]:
        lines = capsys.readouterr().out.splitlines()
        return [doc for doc in (json.loads(line) for line in lines if line.startswith("{")) if "_aws" in doc]

    return read


def requests_of(lines: list[dict], request_id: str) -> list[dict]:
    return [line for line in lines if line.get("message") == "request" and line.get("correlation_id") == request_id]


def metric_points(docs: list[dict]) -> list[tuple[str, str, dict[str, str], Any]]:
    """(name, unit, dimensions, values) of every metric in the EMF documents, checked against the format."""
    points = []
    for doc in docs:
        [directive] = doc["_aws"]["CloudWatchMetrics"]
        assert isinstance(doc["_aws"]["Timestamp"], int)
        [dimension_names] = directive["Dimensions"]
        dimensions = {name: doc[name] for name in dimension_names}
        for definition in directive["Metrics"]:
            points.append((definition["Name"], definition["Unit"], dimensions, doc[definition["Name"]]))
        assert directive["Namespace"] == "devdevdev-test"  # one namespace per stage (the tests' stage is "test")
    return points


def test_a_request_logs_one_json_line_with_the_id_its_answer_returns(client, log_lines):
    # When an anonymous visitor asks for a pick (an id in the path)
    response = client.get(f"{BASE}/picks/1", headers=ANON)
    # Then the answer names the request, and exactly one line of the log is that request's
    assert response.status_code == 200
    request_id = response.headers["x-request-id"]
    assert len(request_id) == 36  # a UUID, as API Gateway's
    [line] = requests_of(log_lines(), request_id)
    # with its route (the resource, not the raw path), its group, who asked, the outcome and the cold start
    assert line["route"] == "GET /picks/{pickId}" and line["group"] == "picks"
    assert line["anonymous_id"] == ANON["Anonymous-Member-Id"] and "member_id" not in line
    assert (line["level"], line["status"], line["cold_start"]) == ("INFO", 200, True)
    assert "error" not in line and "exception" not in line and line["duration_ms"] >= 0
    # A second request on the same (warm) instance is not a cold start, and has an id of its own
    again = client.get(f"{BASE}/picks/1", headers=ANON)
    assert again.headers["x-request-id"] != request_id
    [second] = requests_of(log_lines(), again.headers["x-request-id"])
    assert second["cold_start"] is False


def test_a_4xx_line_names_the_catalogue_error_and_counts_it(client, log_lines, emf):
    response = client.post(f"{BASE}/logout", headers={"Origin": "http://localhost:3000"})
    assert (response.status_code, response.json()) == (401, fail("유효하지 않은 회원 입니다.", 401))
    [line] = requests_of(log_lines(), response.headers["x-request-id"])
    assert (line["route"], line["group"], line["status"], line["error"]) == (
        "POST /logout",
        "auth",
        401,
        "INVALID_MEMBER",
    )
    points = metric_points(emf())
    assert ("RequestCount", "Count", {"group": "auth"}, [1.0]) in points
    assert ("ClientErrors", "Count", {"error": "INVALID_MEMBER"}, [1.0]) in points
    assert not [p for p in points if p[0] == "Errors"]


def test_an_unexpected_failure_names_the_request_id_in_its_500(client, log_lines, emf, monkeypatch):
    from devdevdev.services import picks

    def broken(*_args, **_kwargs):
        raise RuntimeError("the list broke")

    monkeypatch.setattr(picks, "list_picks", broken)
    response = client.get(f"{BASE}/picks", headers=ANON)
    request_id = response.headers["x-request-id"]
    # The envelope, the status and the contract's message, then the id a user can quote
    assert (response.status_code, response.json()) == (500, fail(f"{MESSAGE_500} (요청 ID: {request_id})", 500))
    [line] = requests_of(log_lines(), request_id)
    assert (line["level"], line["status"], line["exception_name"]) == ("ERROR", 500, "RuntimeError")
    assert "the list broke" in line["exception"]  # the traceback
    assert [p for p in metric_points(emf()) if p[0] == "Errors"] == [("Errors", "Count", {"group": "picks"}, [1.0])]


def test_a_storage_failure_is_the_503_envelope_naming_the_request_id(client, log_lines, monkeypatch):
    from devdevdev.services import picks
    from pynamodb.exceptions import GetError

    def broken(*_args, **_kwargs):
        raise GetError("the table is away")

    monkeypatch.setattr(picks, "list_picks", broken)
    response = client.get(f"{BASE}/picks", headers=ANON)
    request_id = response.headers["x-request-id"]
    assert (response.status_code, response.json()) == (500, fail(f"{MESSAGE_500} (요청 ID: {request_id})", 503))
    [line] = requests_of(log_lines(), request_id)
    assert (line["level"], line["exception_name"]) == ("ERROR", "GetError")


def test_the_live_gateway_returns_the_id_of_the_line_and_never_logs_a_secret(live, log_lines):
    # A member's request carrying every secret a client sends: a bearer token, a refresh cookie, an api-key, an email
    with httpx.Client(base_url=live.url) as http:
        issued = http.get(f"{BASE}/token/test/user").json()["data"]
        access, refresh = issued["accessToken"], issued["refreshToken"]
        email = json.loads(base64.urlsafe_b64decode(access.split(".")[1] + "==").decode())["email"]
        headers = {**bearer(access), "api-key": "local-crawler-key", "Cookie": f"DEVDEVDEV_REFRESH_TOKEN={refresh}"}
        response = http.get(f"{BASE}/mypage/picks", params={"email": email}, headers=headers)
    assert response.status_code == 200
    [line] = requests_of(log_lines(), response.headers["x-request-id"])
    assert (line["route"], line["group"], line["status"]) == ("GET /mypage/picks", "mypage", 200)
    assert isinstance(line["member_id"], int)
    everything = "\n".join(json.dumps(line, ensure_ascii=False) for line in log_lines())
    assert line["correlation_id"] in everything  # the check reads the lines the requests wrote
    for secret in (access, refresh, email, "local-crawler-key"):
        assert secret not in everything


def test_a_route_the_gateway_does_not_know_still_names_a_request_id(client):
    response = client.get(f"{BASE}/no-such-route")
    assert (response.status_code, response.json()) == (404, fail("요청한 API를 찾을 수 없습니다.", 404))
    assert len(response.headers["x-request-id"]) == 36


def test_the_business_metrics_come_from_the_routes_answers(client, emf):
    detail = client.get(f"{BASE}/picks/4", headers=ANON).json()["data"]
    option = detail["pickOptions"]["firstPickOption"]["id"]
    assert (
        client.post(f"{BASE}/picks/vote", headers=ANON, json={"pickId": 4, "pickOptionId": option}).status_code == 200
    )
    user = tokens(client)["accessToken"]
    body = {"contents": "좋은 글이네요", "isPickVotePublic": False}
    written = client.post(f"{BASE}/picks/4/comments", headers=bearer(user), json=body)
    assert written.status_code == 200, written.text
    assert client.get(f"{BASE}/articles", headers=ANON).status_code == 200
    points = metric_points(emf())
    assert [p for p in points if p[0] in ("VotesCast", "CommentsWritten")] == [
        ("VotesCast", "Count", {}, [1.0]),
        ("CommentsWritten", "Count", {}, [1.0]),
    ]
    [latency] = [p for p in points if p[0] == "SearchLatency"]
    assert latency[1:3] == ("Milliseconds", {}) and len(latency[3]) == 1 and latency[3][0] > 0
    # per group, never per id
    requests = [p for p in points if p[0] == "RequestCount"]
    assert {p[2]["group"] for p in requests} == {"picks", "auth", "comments", "articles"}
    assert all(set(p[2]) == {"group"} for p in requests)


def test_rate_limited_requests_are_counted(settings_env, emf):
    from infra.local.seed import seed
    from tests.conftest import build_runtime, make_client

    runtime = build_runtime(dict(settings_env, RATE_LIMIT_PER_MINUTE="1"))
    seed(runtime)
    client = make_client(runtime)
    assert client.get(f"{BASE}/picks", headers=ANON).status_code == 200
    assert client.get(f"{BASE}/picks", headers=ANON).status_code == 429
    points = metric_points(emf())
    assert ("RateLimited", "Count", {"group": "picks"}, [1.0]) in points
    assert ("ClientErrors", "Count", {"error": "TOO_MANY_REQUESTS"}, [1.0]) in points


def test_a_failing_queue_job_logs_its_kind_and_message_id(seeded, log_lines):
    settings = seeded.settings
    sqs = boto3.client(
        "sqs",
        endpoint_url=settings.sqs_endpoint,
        region_name=settings.region,
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    url = settings.notification_queue_url
    message_id = sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": "unheard-of"}))["MessageId"]
    assert QueuePump(settings.sqs_endpoint, url, settings.region).receive_once(wait_seconds=1) == 1
    [line] = [line for line in log_lines() if line["message"] == "queue job failed"]
    assert (line["job"], line["message_id"], line["correlation_id"]) == ("unheard-of", message_id, message_id)
    assert (line["level"], line["exception_name"], line["function"], line["receive_count"]) == (
        "ERROR",
        "MalformedJob",  # devdevdev.jobs: a body that is no job this version knows
        "worker",
        "1",
    )


def test_the_embed_step_counts_what_it_made_and_what_failed(seeded, log_lines, emf):
    from functions.picks.embed import failure_handler, lambda_handler

    execution = "arn:aws:states:local:000000000000:execution:embed:1"
    made = lambda_handler({"pickId": 1, "execution": execution}, None)
    [line] = [line for line in log_lines() if line["message"] == "embedded pick titles"]
    assert (line["correlation_id"], line["function"]) == (execution, "embed")
    failure = {"pickId": 2, "execution": execution, "error": {"Error": "EmbeddingThrottled", "Cause": "429"}}
    assert failure_handler(failure, None)["error"] == "EmbeddingThrottled"
    points = metric_points(emf())
    assert ("EmbeddingsMade", "Count", {}, [float(len(made["embedded"]))]) in points
    assert ("EmbeddingsFailed", "Count", {"error": "EmbeddingThrottled"}, [1.0]) in points


def test_metrics_written_outside_an_invocation_are_written_at_once(emf):
    metrics.count("Probe", 2, group="picks")
    assert metric_points(emf()) == [("Probe", "Count", {"group": "picks"}, [2.0])]


def test_a_websocket_route_logs_its_request_id_route_member_and_status(seeded, log_lines):
    from functions.notifications.websocket import lambda_handler

    def event(route: str, request_id: str, query: dict[str, str] | None = None) -> dict[str, Any]:
        context = {"routeKey": route, "connectionId": "conn-1", "requestId": request_id}
        context |= {"domainName": "127.0.0.1", "stage": "ws"}
        return {"requestContext": context, "queryStringParameters": query}

    refused = lambda_handler(event("$connect", "ws-refused"), None)
    assert (refused["statusCode"], json.loads(refused["body"])) == (
        405,
        fail("익명 회원은 사용할 수 없는 기능 입니다.", 405),
    )
    member_id, headers = new_member(seeded, "wslogged")
    member = headers["Authorization"].removeprefix("Bearer ")
    assert lambda_handler(event("$connect", "ws-accepted", {"token": member}), None) == {"statusCode": 200}
    assert lambda_handler(event("$disconnect", "ws-gone"), None) == {"statusCode": 200}
    lines = {line["correlation_id"]: line for line in log_lines() if line["message"] == "websocket route"}
    assert set(lines) == {"ws-refused", "ws-accepted", "ws-gone"}
    assert all(line["function"] == "websocket" and line["connection_id"] == "conn-1" for line in lines.values())
    refused_line, accepted, gone = lines["ws-refused"], lines["ws-accepted"], lines["ws-gone"]
    assert (refused_line["route"], refused_line["status"], refused_line["error"]) == (
        "$connect",
        405,
        "ANONYMOUS_NOT_ALLOWED",
    )
    assert "member_id" not in refused_line and member not in json.dumps(list(lines.values()))
    assert (accepted["route"], accepted["status"], accepted["member_id"]) == ("$connect", 200, member_id)
    assert (gone["route"], gone["status"]) == ("$disconnect", 200)
