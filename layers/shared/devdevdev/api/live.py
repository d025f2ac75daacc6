"""The live channel on the wire: the message's JSON, its Server-Sent Events, and the push to connections.

A live message is the contract's SSE payload ``{"message": ..., "createdAt": ...}``. :class:`LivePusher` is the
adapter behind the services' port (:class:`devdevdev.services.notifications.port.LiveTransport`): it takes the
connections the service chose and delivers the payload over each one's transport:

- ``websocket``: API Gateway's management API (``PostToConnection``) at the connection's endpoint; a connection that is
  gone (410) is deleted on the spot.
- ``sse`` (the local gateway's ``GET /notifications`` stream): the message is put in the connection's inbox in the
  table, which the stream polls.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from devdevdev.api.envelope import to_json
from devdevdev.domain.timefmt import local_datetime
from devdevdev.store.notifications import SSE, Connection

if TYPE_CHECKING:
    from devdevdev.store.notifications import NotificationRepository

logger = Logger(service="devdevdev")
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

    def __init__(self, region: str, notifications: NotificationRepository) -> None:
        self._region = region
        self._notifications = notifications
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

    def send(self, connections: Sequence[Connection], message: str, at: datetime) -> int:
        """Deliver ``message`` (dated ``at``) to these connections, 8 at a time; how many took it."""
        if not connections:
            return 0
        data = payload(message, at)
        if len(connections) == 1:
            return int(self._send_one(connections[0], data, at))
        with ThreadPoolExecutor(max_workers=min(PUSH_THREADS, len(connections))) as pool:
            return sum(pool.map(lambda connection: self._send_one(connection, data, at), connections))

    def _send_one(self, connection: Connection, data: str, at: datetime) -> bool:
        """Deliver one payload; False when the connection is gone (and now forgotten) or the send failed."""
        if connection.transport == SSE:
            self._notifications.queue_live(connection.id, time.time_ns(), data, at + INBOX_TTL)
            return True
        if not connection.endpoint:
            return False
        try:
            self._client(connection.endpoint).post_to_connection(ConnectionId=connection.id, Data=data.encode("utf-8"))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "GoneException":
                self._notifications.disconnect(connection.id)
            else:
                logger.warning("live send failed", extra={"connection": connection.id, "error": str(error)})
            return False
        except BotoCoreError as error:
            logger.warning("live send failed", extra={"connection": connection.id, "error": str(error)})
            return False
        return True
