"""The live channel: one push path, two transports.

A live message is the contract's SSE payload ``{"message": ..., "createdAt": ...}``. It goes to every live connection
of the members it is for, found in the table (never in one process's memory, so any Lambda instance can push to any
connection):

- ``websocket``: API Gateway's management API (``PostToConnection``) at the connection's endpoint; a connection that is
  gone (410) is deleted on the spot.
- ``sse`` (the local gateway's ``GET /notifications`` stream): the message is put in the connection's inbox in the
  table, which the stream polls.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from devdevdev.api.envelope import to_json
from devdevdev.domain.timefmt import local_datetime
from devdevdev.store.notifications import SUBSCRIPTION, Connection

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime

logger = Logger(service="devdevdev")
WEBSOCKET, SSE = "websocket", "sse"
INBOX_TTL = timedelta(minutes=10)
PUSH_THREADS = 8


def payload(message: str, at: datetime) -> str:
    """The contract's live message: ``{"message": ..., "createdAt": "2025-04-06T00:00:00"}`` (Seoul time)."""
    return to_json({"message": message, "createdAt": local_datetime(at)})


def sse_event(data: str) -> str:
    """One unnamed Server-Sent Event."""
    return f"data: {data}\n\n"


def heartbeat_event(at: datetime) -> str:
    """The stream's keep-alive, as upstream sends it: an event named ``heartbeat`` (EventSource's ``onmessage`` does
    not see it) whose data is the Seoul time as a JSON string."""
    return f"event: heartbeat\ndata: {to_json(local_datetime(at))}\n\n"


class LivePusher:
    """Sends payloads to connections; management API clients are kept per endpoint (one per warm instance)."""

    def __init__(self, region: str) -> None:
        self._region = region
        self._clients: dict[str, Any] = {}

    def _client(self, endpoint: str) -> Any:
        if endpoint not in self._clients:
            import boto3  # on first use (a connected member)

            self._clients[endpoint] = boto3.client(
                "apigatewaymanagementapi",
                endpoint_url=endpoint,
                region_name=self._region,
                config=Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 2}),
            )
        return self._clients[endpoint]

    def send(self, runtime: Runtime, connection: Connection, data: str) -> bool:
        """Deliver one payload; False when the connection is gone (and now forgotten) or the send failed."""
        if connection.transport == SSE:
            now = runtime.clock.now()
            runtime.notifications.queue_live(connection.id, time.time_ns(), data, now + INBOX_TTL)
            return True
        if not connection.endpoint:
            return False
        try:
            self._client(connection.endpoint).post_to_connection(ConnectionId=connection.id, Data=data.encode("utf-8"))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "GoneException":
                runtime.notifications.disconnect(connection.id)
            else:
                logger.warning("live send failed", extra={"connection": connection.id, "error": str(error)})
            return False
        except BotoCoreError as error:
            logger.warning("live send failed", extra={"connection": connection.id, "error": str(error)})
            return False
        return True


def push(runtime: Runtime, member_ids: Iterable[int], message: str, notification_type: str = SUBSCRIPTION) -> int:
    """Send ``message`` (about a notification of ``notification_type``) now to every live connection of these members
    whose client is shown that type; how many connections took it."""
    connections = [
        c for c in runtime.notifications.connections(member_ids, runtime.clock.now()) if notification_type in c.types
    ]
    if not connections:
        return 0
    data = payload(message, runtime.clock.now())
    with ThreadPoolExecutor(max_workers=min(PUSH_THREADS, len(connections))) as pool:
        sent = list(pool.map(lambda c: runtime.live.send(runtime, c, data), connections))
    return sum(sent)


def send_to(runtime: Runtime, connection: Connection, message: str) -> bool:
    return runtime.live.send(runtime, connection, payload(message, runtime.clock.now()))
