"""What a team running the stack sees and is woken by: traces, logs kept for the stage's retention, alarms on every
part (all to one topic) and the stage's dashboard (docs/operations.md is the runbook)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import aws_cdk as cdk
from aws_cdk.assertions import Template
from devdevdev.stages import stage

from infra.app import build_app
from infra.parts import monitoring
from tests.infra.conftest import NO_BUNDLING
from tests.infra.test_stack import resources


def _metrics(alarm: dict) -> list[dict]:
    """The metrics an alarm watches: its own, or those of its math expression."""
    properties = alarm["Properties"]
    if "MetricName" in properties:
        return [{k: properties.get(k) for k in ("Namespace", "MetricName", "Dimensions")}]
    return [m["MetricStat"]["Metric"] for m in properties["Metrics"] if "MetricStat" in m]


def _alarms_on(template: Template, namespace: str, metric_name: str, dimension: str, value: object) -> list[dict]:
    """The alarms watching ``metric_name`` of ``namespace`` with the dimension ``dimension`` = ``value``."""
    return [
        alarm
        for alarm in resources(template, "AWS::CloudWatch::Alarm").values()
        if any(
            m["Namespace"] == namespace
            and m["MetricName"] == metric_name
            and {"Name": dimension, "Value": value} in (m.get("Dimensions") or [])
            for m in _metrics(alarm)
        )
    ]


def _topic(template: Template) -> str:
    (topic,) = resources(template, "AWS::SNS::Topic")
    return topic


def test_every_function_is_traced_and_configured_for_the_stage(template, dev):
    for stage_name, synthesized in (("prod", template), ("dev", dev[1])):
        config = stage(stage_name)
        for name, function in resources(synthesized, "AWS::Lambda::Function").items():
            properties = function["Properties"]
            assert properties["TracingConfig"] == {"Mode": "Active"}, name
            variables = properties["Environment"]["Variables"]
            assert variables["POWERTOOLS_METRICS_NAMESPACE"] == f"devdevdev-{stage_name}", name
            assert variables["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false", name
            assert variables["POWERTOOLS_LOG_LEVEL"] == config.log_level, name
            assert float(variables["POWERTOOLS_LOGGER_SAMPLE_RATE"]) == config.log_sample_rate, name
    prod_variables = [
        f["Properties"]["Environment"]["Variables"] for f in resources(template, "AWS::Lambda::Function").values()
    ]
    assert {v["POWERTOOLS_LOG_LEVEL"] for v in prod_variables} == {"INFO"}  # no DEBUG in prod
    assert {float(v["POWERTOOLS_LOGGER_SAMPLE_RATE"]) for v in prod_variables} == {0.01}  # but 1 in 100 sampled


def test_every_function_logs_to_its_own_log_group_with_the_stages_retention(template, dev):
    for stage_name, synthesized in (("prod", template), ("dev", dev[1])):
        log_groups = resources(synthesized, "AWS::Logs::LogGroup")
        functions = resources(synthesized, "AWS::Lambda::Function")
        used = [f["Properties"]["LoggingConfig"]["LogGroup"]["Ref"] for f in functions.values()]
        assert len(set(used)) == len(functions)
        for log_group in used:
            assert log_groups[log_group]["Properties"]["RetentionInDays"] == stage(stage_name).log_retention_days


def test_every_function_has_alarms_on_errors_throttles_and_duration_near_its_timeout(template):
    for name, function in resources(template, "AWS::Lambda::Function").items():
        ref = {"Ref": name}
        (errors,) = _alarms_on(template, "AWS/Lambda", "Errors", "FunctionName", ref)
        assert errors["Properties"]["Threshold"] == monitoring.FUNCTION_ERRORS
        (throttles,) = _alarms_on(template, "AWS/Lambda", "Throttles", "FunctionName", ref)
        assert throttles["Properties"]["Threshold"] == 1
        (duration,) = _alarms_on(template, "AWS/Lambda", "Duration", "FunctionName", ref)
        timeout_ms = function["Properties"]["Timeout"] * 1000
        assert duration["Properties"]["Threshold"] == monitoring.NEAR_TIMEOUT * timeout_ms, name
        assert duration["Properties"]["ExtendedStatistic"] == "p99"


def test_the_queue_state_machine_table_api_and_search_domain_have_their_alarms(template):
    queues = resources(template, "AWS::SQS::Queue")
    (queue,) = [q for q, properties in queues.items() if "RedrivePolicy" in properties["Properties"]]
    (dead_letters,) = [q for q in queues if q != queue]
    name_of = lambda q: {"Fn::GetAtt": [q, "QueueName"]}  # noqa: E731
    (dlq,) = _alarms_on(template, "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", name_of(dead_letters))
    assert (dlq["Properties"]["Threshold"], dlq["Properties"]["ComparisonOperator"]) == (
        1,
        "GreaterThanOrEqualToThreshold",
    )  # one dead letter is enough
    (age,) = _alarms_on(template, "AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", name_of(queue))
    assert age["Properties"]["Threshold"] == monitoring.QUEUE_OLDEST_SECONDS

    (machine,) = resources(template, "AWS::StepFunctions::StateMachine")
    assert _alarms_on(template, "AWS/States", "ExecutionsFailed", "StateMachineArn", {"Ref": machine})

    (table,) = resources(template, "AWS::DynamoDB::GlobalTable")
    for metric in ("ThrottledRequests", "SystemErrors"):
        (alarm,) = _alarms_on(template, "AWS/DynamoDB", metric, "TableName", {"Ref": table})
        operations = {
            d["Value"] for m in _metrics(alarm) for d in m["Dimensions"] if d["Name"] == "Operation"
        }  # every operation the code sends
        assert {"GetItem", "Query", "UpdateItem", "TransactWriteItems"} <= operations, metric

    (http_api,) = [
        name for name, api in resources(template, "AWS::ApiGatewayV2::Api").items()
        if api["Properties"]["ProtocolType"] == "HTTP"
    ]  # fmt: skip
    (rate,) = _alarms_on(template, "AWS/ApiGateway", "5xx", "ApiId", {"Ref": http_api})
    assert {m["MetricName"] for m in _metrics(rate)} == {"5xx", "Count"}  # a rate, not a count
    (latency,) = _alarms_on(template, "AWS/ApiGateway", "Latency", "ApiId", {"Ref": http_api})
    assert latency["Properties"]["ExtendedStatistic"] == "p99"

    (domain,) = resources(template, "AWS::OpenSearchService::Domain")
    for metric in ("ClusterStatus.red", "ClusterStatus.yellow", "FreeStorageSpace", "JVMMemoryPressure"):
        assert len(_alarms_on(template, "AWS/ES", metric, "DomainName", {"Ref": domain})) == 1, metric
    (storage,) = _alarms_on(template, "AWS/ES", "FreeStorageSpace", "DomainName", {"Ref": domain})
    assert storage["Properties"]["ComparisonOperator"] == "LessThanOrEqualToThreshold"
    assert storage["Properties"]["Threshold"] == 0.25 * stage("prod").search_volume_gb * 1024


def test_a_single_node_domain_has_no_yellow_alarm(dev):
    # one data node can never place a replica shard: yellow is its normal state, red is still watched
    (domain,) = resources(dev[1], "AWS::OpenSearchService::Domain")
    assert not _alarms_on(dev[1], "AWS/ES", "ClusterStatus.yellow", "DomainName", {"Ref": domain})
    assert _alarms_on(dev[1], "AWS/ES", "ClusterStatus.red", "DomainName", {"Ref": domain})


def test_every_alarm_notifies_the_one_topic_when_it_fires_and_clears(template, dev):
    for synthesized in (template, dev[1]):
        topic = {"Ref": _topic(synthesized)}
        alarms = resources(synthesized, "AWS::CloudWatch::Alarm")
        assert len(alarms) >= 3 * len(resources(synthesized, "AWS::Lambda::Function")) + 10
        for name, alarm in alarms.items():
            assert alarm["Properties"]["AlarmActions"] == [topic], name
            assert alarm["Properties"]["OKActions"] == [topic], name
            assert "docs/operations.md#" in alarm["Properties"]["AlarmDescription"], name


def test_every_alarms_runbook_section_exists():
    runbook = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    anchors = {
        line.removeprefix("### ").strip().lower().replace(" ", "-")
        for line in runbook.splitlines()
        if line.startswith("### ")
    }
    source = Path(monitoring.__file__).read_text()
    cited = {part.split('"')[0] for part in source.split('runbook="')[1:]}
    assert cited and cited <= anchors, cited - anchors


def test_the_stages_dashboard_graphs_the_signals_and_the_business_metrics(template):
    (dashboard,) = resources(template, "AWS::CloudWatch::Dashboard").values()
    assert dashboard["Properties"]["DashboardName"] == "devdevdev-prod"
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for _, names in monitoring.BUSINESS_METRICS:
        for name in names:
            assert f'Namespace=\\\\\\"devdevdev-prod\\\\\\" MetricName=\\\\\\"{name}\\\\\\"' in body, name
    for _, name in monitoring.LATENCY_METRICS:
        assert f'MetricName=\\\\\\"{name}\\\\\\"' in body, name
    for signal in (
        "ApproximateAgeOfOldestMessage",
        "ExecutionsFailed",
        "JVMMemoryPressure",
        "ThrottledRequests",
        "5xx",
    ):
        assert signal in body, signal
    expected = {"RequestCount", "Errors", "VotesCast", "CommentsWritten", "NotificationsWritten"}
    expected |= {
        "NotificationsDeliveredLive",
        "FanOutLag",
        "EmbeddingsMade",
        "EmbeddingsFailed",
        "SearchLatency",
        "RateLimited",
    }
    graphed = {n for _, group in monitoring.BUSINESS_METRICS for n in group} | {
        n for _, n in monitoring.LATENCY_METRICS
    }
    assert graphed == expected


def test_the_stages_alarm_email_subscribes_to_the_topic(dev):
    assert resources(dev[1], "AWS::SNS::Subscription") == {}  # no address: subscribe by hand (README, Deploy)
    config = dataclasses.replace(stage("dev"), alarm_email="oncall@example.com")
    _, stack = build_app(config, nag=False, app=cdk.App(context=NO_BUNDLING))
    synthesized = Template.from_stack(stack)
    (subscription,) = resources(synthesized, "AWS::SNS::Subscription").values()
    assert subscription["Properties"]["Protocol"] == "email"
    assert subscription["Properties"]["Endpoint"] == "oncall@example.com"
    assert subscription["Properties"]["TopicArn"] == {"Ref": _topic(synthesized)}
