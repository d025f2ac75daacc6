"""The monitoring part: one SNS topic every alarm notifies, the alarms on what can fail, and a dashboard per stage.

The alarms, their thresholds and what to do about each are in ``docs/operations.md`` (the runbook); an alarm's
description names its runbook section. Every alarm notifies the topic when it fires and when it clears. The stage's
``alarm_email`` subscribes an address to the topic (``make deploy`` with ``-c alarm_email=...`` too).

HTTP APIs publish no X-Ray traces of their own (only REST APIs do): a request's trace starts at its function, which
runs with active tracing.
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct
from devdevdev.stages import Stage

from infra.parts.api import Api
from infra.parts.data import Data
from infra.parts.embeddings import Embeddings
from infra.parts.functions import Runtime
from infra.parts.ids import Part
from infra.parts.notifications import Notifications
from infra.parts.search import Search

FIVE_MINUTES = cdk.Duration.minutes(5)
ONE_MINUTE = cdk.Duration.minutes(1)

# Thresholds (docs/operations.md explains each).
API_5XX_PERCENT = 1.0  # of the requests, over 5 minutes, twice in a row
API_P99_MS = 2000  # the handlers' budget is a p95 of 250 ms (infra/sizing.py)
FUNCTION_ERRORS = 3  # invocations that raised (or timed out) in 5 minutes
NEAR_TIMEOUT = 0.8  # of the function's timeout, at p99 over 5 minutes
QUEUE_OLDEST_SECONDS = 600  # a job waiting 10 minutes: the worker is down or far behind
STORAGE_FREE_SHARE = 0.25  # of a data node's volume
JVM_PRESSURE_PERCENT = 80
# The operations the code sends to the table (devdevdev.store): CloudWatch reports throttles and system errors by
# operation; an alarm's math expression takes at most 10 metrics.
TABLE_OPERATIONS = (
    dynamodb.Operation.GET_ITEM,
    dynamodb.Operation.BATCH_GET_ITEM,
    dynamodb.Operation.PUT_ITEM,
    dynamodb.Operation.UPDATE_ITEM,
    dynamodb.Operation.DELETE_ITEM,
    dynamodb.Operation.BATCH_WRITE_ITEM,
    dynamodb.Operation.QUERY,
    dynamodb.Operation.TRANSACT_WRITE_ITEMS,
    dynamodb.Operation.TRANSACT_GET_ITEMS,
)
# The business metrics the functions emit (devdevdev.metrics), in the stage's namespace, graphed whatever their
# dimensions (a SEARCH expression per name).
BUSINESS_METRICS = (
    ("Requests by route group", ("RequestCount", "Errors")),
    ("Community", ("VotesCast", "CommentsWritten")),
    ("Notifications", ("NotificationsWritten", "NotificationsDeliveredLive")),
    ("Embeddings", ("EmbeddingsMade", "EmbeddingsFailed")),
    ("Rate limited", ("RateLimited",)),
)
LATENCY_METRICS = (("Fan-out lag (ms)", "FanOutLag"), ("Search latency (ms)", "SearchLatency"))


@dataclass(frozen=True)
class Watched:
    """The parts whose resources the alarms and the dashboard watch."""

    api: Api
    runtime: Runtime
    data: Data
    search: Search
    notifications: Notifications
    embeddings: Embeddings


class Monitoring(Part):
    """The alarm topic, the alarms (:attr:`alarms`, by construct id) and the stage's dashboard."""

    def __init__(self, scope: Construct, construct_id: str, *, config: Stage, watched: Watched) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        self.namespace = f"devdevdev-{config.name}"
        self.topic = sns.Topic(self, "AlarmTopic", display_name=f"devdevdev {config.name} alarms", enforce_ssl=True)
        if config.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))
        self.alarms: dict[str, cw.Alarm] = {}
        self._action = cw_actions.SnsAction(self.topic)
        self._api(watched.api)
        self._functions(watched.runtime)
        self._notifications(watched.notifications)
        self._embeddings(watched.embeddings)
        self._table(watched.data)
        self._search(watched.search)
        self.dashboard = self._dashboard(watched)

    # -- alarms ---------------------------------------------------------------------------------------------------

    def alarm(
        self,
        construct_id: str,
        metric: cw.IMetric,
        *,
        threshold: float,
        description: str,
        runbook: str,
        comparison: cw.ComparisonOperator = cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluation_periods: int = 1,
        missing: cw.TreatMissingData = cw.TreatMissingData.NOT_BREACHING,
    ) -> cw.Alarm:
        """An alarm that notifies the topic when it fires and when it clears; its description ends with its
        runbook section."""
        alarm = cw.Alarm(
            self,
            construct_id,
            alarm_name=f"devdevdev-{self.config.name}-{construct_id}",
            metric=metric,
            threshold=threshold,
            comparison_operator=comparison,
            evaluation_periods=evaluation_periods,
            treat_missing_data=missing,
            alarm_description=f"{description} Runbook: docs/operations.md#{runbook}",
        )
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)
        self.alarms[construct_id] = alarm
        return alarm

    def _api(self, api: Api) -> None:
        http = api.http_api
        rate = cw.MathExpression(
            expression="100 * errors / MAX([requests, 1])",
            using_metrics={
                "errors": http.metric_server_error(period=FIVE_MINUTES, statistic="Sum"),
                "requests": http.metric_count(period=FIVE_MINUTES, statistic="Sum"),
            },
            label="5xx (% of requests)",
            period=FIVE_MINUTES,
        )
        self.alarm(
            "HttpApi5xxRate",
            rate,
            threshold=API_5XX_PERCENT,
            evaluation_periods=2,
            description=f"{API_5XX_PERCENT:g}% or more of the HTTP API's answers were 5xx, 10 minutes running.",
            runbook="http-api-5xx-rate",
        )
        self.alarm(
            "HttpApiLatencyP99",
            http.metric_latency(period=FIVE_MINUTES, statistic="p99"),
            threshold=API_P99_MS,
            evaluation_periods=3,
            description=f"The HTTP API's p99 latency was over {API_P99_MS} ms, 15 minutes running.",
            runbook="http-api-p99-latency",
        )

    def _functions(self, runtime: Runtime) -> None:
        for name, function in runtime.functions.items():
            self.alarm(
                f"{name}Errors",
                function.metric_errors(period=FIVE_MINUTES, statistic="Sum"),
                threshold=FUNCTION_ERRORS,
                description=f"{name} failed {FUNCTION_ERRORS} or more invocations in 5 minutes.",
                runbook="function-errors",
            )
            self.alarm(
                f"{name}Throttles",
                function.metric_throttles(period=FIVE_MINUTES, statistic="Sum"),
                threshold=1,
                description=f"Lambda throttled {name} (the account's or the function's concurrency is spent).",
                runbook="function-throttles",
            )
            timeout_ms = runtime.timeouts[name] * 1000
            self.alarm(
                f"{name}NearTimeout",
                function.metric_duration(period=FIVE_MINUTES, statistic="p99"),
                threshold=NEAR_TIMEOUT * timeout_ms,
                description=f"{name}'s p99 duration reached {NEAR_TIMEOUT:.0%} of its {timeout_ms // 1000} s timeout.",
                runbook="function-duration-near-timeout",
            )

    def _notifications(self, notifications: Notifications) -> None:
        self.alarm(
            "NotificationDeadLettersNotEmpty",
            notifications.dead_letters.metric_approximate_number_of_messages_visible(
                period=ONE_MINUTE, statistic="Maximum"
            ),
            threshold=1,
            description="A notification job failed five times and waits in the dead-letter queue.",
            runbook="notification-dead-letters-not-empty",
        )
        self.alarm(
            "NotificationQueueOldestMessage",
            notifications.queue.metric_approximate_age_of_oldest_message(period=FIVE_MINUTES, statistic="Maximum"),
            threshold=QUEUE_OLDEST_SECONDS,
            description=f"A notification job has waited {QUEUE_OLDEST_SECONDS // 60} minutes or more in the queue.",
            runbook="notification-queue-oldest-message",
        )

    def _embeddings(self, embeddings: Embeddings) -> None:
        machine = embeddings.state_machine
        self.alarm(
            "EmbeddingExecutionsFailed",
            cw.MathExpression(
                expression="failed + timedOut + aborted",
                using_metrics={
                    "failed": machine.metric_failed(period=FIVE_MINUTES, statistic="Sum"),
                    "timedOut": machine.metric_timed_out(period=FIVE_MINUTES, statistic="Sum"),
                    "aborted": machine.metric_aborted(period=FIVE_MINUTES, statistic="Sum"),
                },
                label="Failed, timed out or aborted executions",
                period=FIVE_MINUTES,
            ),
            threshold=1,
            description="An embedding execution failed, timed out or was aborted (its failure was not recorded).",
            runbook="embedding-executions-failed",
        )

    def _table(self, data: Data) -> None:
        table = data.table
        operations = list(TABLE_OPERATIONS)
        self.alarm(
            "TableThrottledRequests",
            table.metric_throttled_requests_for_operations(operations=operations, period=FIVE_MINUTES),
            threshold=1,
            description="DynamoDB throttled requests to the table (on-demand: a hot key, or a sudden peak).",
            runbook="table-throttled-requests",
        )
        self.alarm(
            "TableSystemErrors",
            table.metric_system_errors_for_operations(operations=operations, period=FIVE_MINUTES),
            threshold=1,
            description="DynamoDB answered requests to the table with 500s (its side).",
            runbook="table-system-errors",
        )

    def _search(self, search: Search) -> None:
        domain = search.domain
        config = self.config
        self.alarm(
            "SearchClusterRed",
            domain.metric_cluster_status_red(period=ONE_MINUTE, statistic="Maximum"),
            threshold=1,
            description="A primary shard of the search domain is unassigned: searches and indexing fail.",
            runbook="search-cluster-red",
        )
        if config.search_data_nodes > 1:  # one node can never place a replica: yellow is its normal state
            self.alarm(
                "SearchClusterYellow",
                domain.metric_cluster_status_yellow(period=ONE_MINUTE, statistic="Maximum"),
                threshold=1,
                evaluation_periods=5,
                description="A replica shard of the search domain is unassigned, 5 minutes running.",
                runbook="search-cluster-yellow",
            )
        free_mb = STORAGE_FREE_SHARE * config.search_volume_gb * 1024
        self.alarm(
            "SearchFreeStorageLow",
            domain.metric_free_storage_space(period=FIVE_MINUTES, statistic="Minimum"),
            threshold=free_mb,
            comparison=cw.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
            description=f"A search node has {STORAGE_FREE_SHARE:.0%} or less of its {config.search_volume_gb} GB free.",
            runbook="search-free-storage-low",
        )
        self.alarm(
            "SearchJvmMemoryPressure",
            domain.metric_jvm_memory_pressure(period=FIVE_MINUTES, statistic="Maximum"),
            threshold=JVM_PRESSURE_PERCENT,
            evaluation_periods=3,
            description=f"The search domain's JVM memory pressure was {JVM_PRESSURE_PERCENT}% or more, 15 minutes running.",
            runbook="search-jvm-memory-pressure",
        )

    # -- dashboard ------------------------------------------------------------------------------------------------

    def _dashboard(self, watched: Watched) -> cw.Dashboard:
        """The stage's dashboard: the alarms' state, then the same signals by part, then the business metrics."""
        dashboard = cw.Dashboard(self, "Dashboard", dashboard_name=f"devdevdev-{self.config.name}")
        http = watched.api.http_api
        functions = watched.runtime.functions
        notifications = watched.notifications
        machine = watched.embeddings.state_machine
        table = watched.data.table
        domain = watched.search.domain
        dashboard.add_widgets(
            cw.AlarmStatusWidget(title="Alarms", alarms=list(self.alarms.values()), width=24, height=4)
        )
        graphs = [
            _graph("HTTP API requests", [http.metric_count(statistic="Sum", period=FIVE_MINUTES)]),
            _graph(
                "HTTP API 4xx and 5xx",
                [
                    http.metric_client_error(statistic="Sum", period=FIVE_MINUTES),
                    http.metric_server_error(statistic="Sum", period=FIVE_MINUTES),
                ],
            ),
            _graph(
                "HTTP API latency (ms)",
                [http.metric_latency(statistic=s, period=FIVE_MINUTES, label=s) for s in ("p50", "p99")],
            ),
            _graph(
                "Function errors",
                [f.metric_errors(statistic="Sum", period=FIVE_MINUTES, label=n) for n, f in functions.items()],
            ),
            _graph(
                "Function throttles",
                [f.metric_throttles(statistic="Sum", period=FIVE_MINUTES, label=n) for n, f in functions.items()],
            ),
            _graph(
                "Function duration p99 (ms)",
                [f.metric_duration(statistic="p99", period=FIVE_MINUTES, label=n) for n, f in functions.items()],
            ),
            _graph(
                "Notification queue",
                [
                    notifications.queue.metric_approximate_number_of_messages_visible(
                        period=FIVE_MINUTES, label="waiting"
                    ),
                    notifications.dead_letters.metric_approximate_number_of_messages_visible(
                        period=FIVE_MINUTES, label="dead letters"
                    ),
                ],
                right=[
                    notifications.queue.metric_approximate_age_of_oldest_message(
                        period=FIVE_MINUTES, label="oldest (s)"
                    )
                ],
            ),
            _graph(
                "Embedding executions",
                [
                    machine.metric_started(period=FIVE_MINUTES, statistic="Sum"),
                    machine.metric_succeeded(period=FIVE_MINUTES, statistic="Sum"),
                    machine.metric_failed(period=FIVE_MINUTES, statistic="Sum"),
                    machine.metric_timed_out(period=FIVE_MINUTES, statistic="Sum"),
                ],
            ),
            _graph(
                "Table",
                [
                    table.metric_consumed_read_capacity_units(period=FIVE_MINUTES, label="read units"),
                    table.metric_consumed_write_capacity_units(period=FIVE_MINUTES, label="write units"),
                ],
            ),
            # two graphs: each expression names its metrics after the operations, and ids may not repeat in a graph
            _graph(
                "Table throttled requests",
                [
                    table.metric_throttled_requests_for_operations(
                        operations=list(TABLE_OPERATIONS), period=FIVE_MINUTES
                    )
                ],
            ),
            _graph(
                "Table system errors",
                [table.metric_system_errors_for_operations(operations=list(TABLE_OPERATIONS), period=FIVE_MINUTES)],
            ),
            _graph(
                "Search cluster status",
                [
                    domain.metric_cluster_status_red(period=ONE_MINUTE, label="red"),
                    domain.metric_cluster_status_yellow(period=ONE_MINUTE, label="yellow"),
                ],
            ),
            _graph("Search free storage (MB)", [domain.metric_free_storage_space(period=FIVE_MINUTES)]),
            _graph("Search JVM memory pressure (%)", [domain.metric_jvm_memory_pressure(period=FIVE_MINUTES)]),
        ]
        graphs += [
            _graph(title, [self._search_metric(name, "Sum") for name in names]) for title, names in BUSINESS_METRICS
        ]
        graphs += [_graph(title, [self._search_metric(name, "p99")]) for title, name in LATENCY_METRICS]
        for start in range(0, len(graphs), 3):
            dashboard.add_widgets(*graphs[start : start + 3])
        return dashboard

    def _search_metric(self, name: str, statistic: str) -> cw.MathExpression:
        """Every series of the business metric ``name`` in the stage's namespace, whatever its dimensions."""
        return cw.MathExpression(
            expression=f"SEARCH('Namespace=\"{self.namespace}\" MetricName=\"{name}\"', '{statistic}', 300)",
            using_metrics={},
            label=name,
            period=FIVE_MINUTES,
        )


def _graph(title: str, left: list[cw.IMetric], *, right: list[cw.IMetric] | None = None) -> cw.GraphWidget:
    return cw.GraphWidget(title=title, left=left, right=right or [], width=8, height=6)
