"""The parts of observability that need no stack: the route groups and business metrics against the route table,
the error names, the metric batches, the per-thread log keys, and tracing in a Lambda-like process (docs/decisions.md,
"Logs, metrics and traces")."""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import cast

import pytest
from devdevdev import logs, metrics
from devdevdev.api import app
from devdevdev.domain.errors import bad_request, catalogue

from bench.cold_start import FUNCTIONS, forbidden_loaded, lambda_env
from infra import routes

ROOT = Path(__file__).resolve().parents[2]


def test_every_route_is_counted_under_the_group_that_serves_it():
    for route in routes.ROUTES:
        assert app.route_group(app.route_of({"routeKey": route.route_key})) == route.group, route.route_key


def test_the_business_metrics_name_routes_of_the_table():
    keys = {app.route_of({"routeKey": route.route_key}) for route in routes.ROUTES}
    assert set(app.SUCCESS_METRICS) <= keys and set(app.LATENCY_METRICS) <= keys
    assert set(app.SUCCESS_METRICS.values()) == {"VotesCast", "CommentsWritten"}


def test_a_route_is_the_resource_never_the_raw_path():
    event = {"routeKey": "GET /devdevdev/api/v1/picks/{pickId}", "rawPath": "/devdevdev/api/v1/picks/42"}
    assert app.route_of(event) == "GET /picks/{pickId}"
    assert app.route_of({"rawPath": "/devdevdev/api/v1/picks/42", "requestContext": {"http": {"method": "GET"}}}) == (
        "GET ?"
    )


def test_an_error_is_named_as_in_the_catalogue():
    for name, spec in catalogue().items():
        assert app.error_name(spec) == name
    assert app.error_name(bad_request("아무 메시지").spec) == "BAD_REQUEST"


@pytest.fixture
def stdout_lines(capsys, monkeypatch):
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    monkeypatch.delenv("POWERTOOLS_DEV", raising=False)
    monkeypatch.delenv("POWERTOOLS_METRICS_NAMESPACE", raising=False)
    monkeypatch.setenv("STAGE", "prod")
    capsys.readouterr()
    return lambda: [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]


def test_an_invocation_writes_one_emf_line_per_dimension_set_at_its_end(stdout_lines):
    with metrics.invocation():
        metrics.count("RequestCount", group="picks")
        metrics.count("RequestCount", group="picks")
        with metrics.invocation():  # nested: written with the outer one
            metrics.count("Errors", group="picks")
        metrics.milliseconds("SearchLatency", 12.5)
        assert stdout_lines() == []
    docs = stdout_lines()
    assert len(docs) == 2
    by_dimensions = {tuple(doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0]): doc for doc in docs}
    grouped, plain = by_dimensions[("group",)], by_dimensions[()]
    assert grouped["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "devdevdev-prod"
    assert (grouped["group"], grouped["RequestCount"], grouped["Errors"]) == ("picks", [1.0, 1.0], [1.0])
    assert plain["SearchLatency"] == [12.5]
    assert plain["_aws"]["CloudWatchMetrics"][0]["Metrics"] == [{"Name": "SearchLatency", "Unit": "Milliseconds"}]


def test_an_invocation_that_raises_still_writes_its_metrics(stdout_lines):
    with pytest.raises(RuntimeError), metrics.invocation():
        metrics.count("EmbeddingsFailed", error="EmbeddingThrottled")
        raise RuntimeError("boom")
    [doc] = stdout_lines()
    assert (doc["error"], doc["EmbeddingsFailed"]) == ("EmbeddingThrottled", [1.0])


def test_disabled_metrics_write_nothing(stdout_lines, monkeypatch):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")  # make run's default
    with metrics.invocation():
        metrics.count("RequestCount", group="picks")
    metrics.count("RequestCount", group="picks")
    assert stdout_lines() == []


@pytest.fixture
def log_lines():
    buffer = io.StringIO()
    handler = cast(logging.StreamHandler, logs.logger.registered_handler)
    previous = handler.setStream(buffer)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    finally:
        handler.setStream(previous)


def test_the_correlation_keys_are_per_thread_and_restored(log_lines):
    barrier = threading.Barrier(8)

    def request(number: int) -> None:
        with logs.correlated(correlation_id=f"request-{number}"):
            barrier.wait()  # every thread holds its key at once
            logs.logger.info("line", extra={"number": number})
            barrier.wait()

    threads = [threading.Thread(target=request, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with logs.correlated(correlation_id="outer"):
        with logs.correlated(correlation_id="inner", cold_start=True):
            logs.logger.info("inner")
        logs.logger.info("outer")
    logs.logger.info("outside")
    lines = log_lines()
    assert sorted((line["number"], line["correlation_id"]) for line in lines if line["message"] == "line") == [
        (n, f"request-{n}") for n in range(8)
    ]
    inner, outer, outside = lines[8:]
    assert (inner["correlation_id"], inner["cold_start"]) == ("inner", True)
    assert outer["correlation_id"] == "outer" and "cold_start" not in outer
    assert "correlation_id" not in outside


def test_an_observed_entry_point_logs_its_failure_and_raises_it(log_lines, stdout_lines):
    @logs.observed("embed", correlation_id=lambda event, context: event["execution"])
    def handler(event, context):
        metrics.count("EmbeddingsMade", 0)
        raise TimeoutError("provider slow")

    with pytest.raises(TimeoutError):
        handler({"execution": "exec-1"}, None)
    [line] = log_lines()
    assert (line["message"], line["level"], line["exception_name"]) == ("invocation failed", "ERROR", "TimeoutError")
    assert (line["correlation_id"], line["function"], line["cold_start"]) == ("exec-1", "embed", True)
    [doc] = stdout_lines()
    assert doc["EmbeddingsMade"] == [0.0]


def test_a_job_kind_is_read_from_its_body_only_when_it_is_json():
    assert logs.job_kind('{"kind": "publish", "companyId": 1}') == "publish"
    assert logs.job_kind("not json") is None and logs.job_kind("[1, 2]") is None and logs.job_kind("{}") is None


@pytest.mark.parametrize(
    "function", [f for f in FUNCTIONS if f.name != "notifications.websocket"], ids=lambda f: f.name
)
def test_no_function_loads_the_xray_sdk_at_import_even_in_lambda(function):
    env = {**lambda_env(function), "LAMBDA_TASK_ROOT": "/var/task"}
    assert forbidden_loaded(function.module, ("aws_xray_sdk",), env) == []


TRACED = """
import json, botocore.client, botocore.session
from botocore.stub import Stubber
from devdevdev import tracing

@tracing.capture_lambda_handler
def handler(event, context):
    client = botocore.session.get_session().create_client(
        "dynamodb", region_name="ap-northeast-2", aws_access_key_id="k", aws_secret_access_key="s"
    )
    with Stubber(client) as stub:
        stub.add_response("get_item", {})
        client.get_item(TableName="t", Key={"PK": {"S": "a"}})
    tracing.annotate(route="GET /picks")
    import requests
    return {"botocore": hasattr(botocore.client, "_xray_enabled"),
            "requests": hasattr(requests.Session.request, "__wrapped__")}

print(json.dumps(handler({}, None)))
"""


def test_in_lambda_the_handler_and_its_aws_calls_are_traced():
    daemon = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    daemon.bind(("127.0.0.1", 0))
    daemon.settimeout(10)
    port = daemon.getsockname()[1]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join((str(ROOT / "layers" / "shared"), str(ROOT))),
        "LAMBDA_TASK_ROOT": "/var/task",
        "AWS_REGION": "ap-northeast-2",
        "POWERTOOLS_SERVICE_NAME": "devdevdev-PicksFunction",
        "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
        "AWS_XRAY_DAEMON_ADDRESS": f"127.0.0.1:{port}",
    }
    result = subprocess.run([sys.executable, "-c", TRACED], env=env, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    # botocore is patched at once (loaded), requests when the handler first imported it
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"botocore": True, "requests": True}
    segments: list[dict] = []
    while len(segments) < 2:
        datagram = daemon.recv(65536).decode()
        segments.append(json.loads(datagram.split("\n", 1)[1]))
    daemon.close()
    by_name = {segment["name"]: segment for segment in segments}
    assert by_name["dynamodb"]["aws"]["operation"] == "GetItem" and by_name["dynamodb"]["namespace"] == "aws"
    invocation = by_name["## handler"]
    assert invocation["annotations"] == {"ColdStart": True, "Service": "devdevdev-PicksFunction", "route": "GET /picks"}
    assert by_name["dynamodb"]["parent_id"] == invocation["id"]
