"""The notifications part (``functions/notifications``, ``devdevdev.services.notifications``): the fan-out queue and
its dead letters, the worker that drains it, and the live channel (the WebSocket API and its function)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.parts.functions import Runtime
from infra.parts.ids import Part

WORKER_TIMEOUT_SECONDS = 120


class Notifications(Part):
    """The fan-out jobs, with a dead-letter queue after 5 failed receives (kept 14 days for inspection); the worker
    on the queue, which pushes to the live connections; the WebSocket API ($connect, $disconnect, $default) on stage
    ``live``, whose URL the web client connects to."""

    def __init__(self, scope: Construct, construct_id: str, *, runtime: Runtime) -> None:
        super().__init__(scope, construct_id)
        self.dead_letters = sqs.Queue(
            self,
            "NotificationDeadLetters",
            retention_period=cdk.Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        self.queue = sqs.Queue(
            self,
            "NotificationQueue",
            visibility_timeout=cdk.Duration.seconds(6 * WORKER_TIMEOUT_SECONDS),  # six times, as AWS advises
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dead_letters, max_receive_count=5),
        )
        self.sockets = runtime.function(
            self, "WebSocketFunction", code="functions/notifications", handler="websocket.lambda_handler", timeout=10
        )
        self.worker = runtime.function(
            self,
            "NotificationWorkerFunction",
            code="functions/notifications",
            handler="worker.lambda_handler",
            timeout=WORKER_TIMEOUT_SECONDS,
        )
        self.grant_send(self.sockets)  # the greeting is a delayed job
        self.grant_send(self.worker)  # fan-out pages are jobs of their own
        self.worker.add_event_source(
            sources.SqsEventSource(
                self.queue, batch_size=10, max_batching_window=cdk.Duration.seconds(0), report_batch_item_failures=True
            )
        )
        integration = integrations.WebSocketLambdaIntegration
        self.websocket_api = apigw.WebSocketApi(
            self,
            "WebSocketApi",
            connect_route_options=apigw.WebSocketRouteOptions(
                integration=integration("ConnectIntegration", self.sockets)
            ),
            disconnect_route_options=apigw.WebSocketRouteOptions(
                integration=integration("DisconnectIntegration", self.sockets)
            ),
            default_route_options=apigw.WebSocketRouteOptions(
                integration=integration("DefaultIntegration", self.sockets)
            ),
        )
        self.websocket_stage = apigw.WebSocketStage(
            self,
            "WebSocketStage",
            web_socket_api=self.websocket_api,
            stage_name="live",
            auto_deploy=True,
            throttle=apigw.ThrottleSettings(rate_limit=500, burst_limit=1000),
        )
        self.websocket_api.grant_manage_connections(self.worker)

    @property
    def url(self) -> str:
        """The live channel's URL (wss://.../live)."""
        return self.websocket_stage.url

    def grant_send(self, function: lambda_.Function) -> None:
        """Send notification jobs; the function learns the queue's URL."""
        self.queue.grant_send_messages(function)
        function.add_environment("NOTIFICATION_QUEUE_URL", self.queue.queue_url)
