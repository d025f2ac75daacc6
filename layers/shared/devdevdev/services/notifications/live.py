"""Live delivery (docs/rules.md#notifications): the connections of the live channel and what is pushed to them.

A live message goes to every live connection of the members it is for whose client is shown its notification type,
found in the table (never in one process's memory, so any Lambda instance can push to any connection). The
services choose the connections and the message; the wire format and the transports are the adapter's, reached
through the port ``runtime.live`` (:class:`.port.LiveTransport`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from devdevdev import metrics
from devdevdev.jobs import QUEUE_ERRORS, Greeting
from devdevdev.store.notifications import DOCUMENTED_TYPES, SSE, SUBSCRIPTION, WEBSOCKET, Connection

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime

logger = Logger(service="devdevdev")
GREETING_DELAY_SECONDS = 1  # a WebSocket takes messages only once $connect has returned


def unread_message(count: int) -> str:
    return f"읽지 않은 알림이 {count}개 있어요!"


def push(runtime: Runtime, member_ids: Iterable[int], message: str, notification_type: str = SUBSCRIPTION) -> int:
    """Send ``message`` (about a notification of ``notification_type``) now to every live connection of these members
    whose client is shown that type; how many connections took it."""
    now = runtime.clock.now()
    connections = [c for c in runtime.notifications.connections(member_ids, now) if notification_type in c.types]
    if not connections:
        return 0
    sent = runtime.live.send(connections, message, now)
    if sent:
        metrics.count("NotificationsDeliveredLive", sent)
    return sent


def greet(runtime: Runtime, connection_id: str) -> None:
    """Tell a newly opened WebSocket how many notifications of its types are unread (nothing when none)."""
    connection = runtime.notifications.find_connection(connection_id)
    if connection is None:
        return
    count = runtime.notifications.unread_count(connection.member_id, connection.types)
    if count > 0:
        runtime.live.send([connection], unread_message(count), runtime.clock.now())


@dataclass(frozen=True)
class StreamStart:
    """The start of an SSE stream: the unread greeting (None when nothing is unread) dated ``at``; the connection the
    local gateway streams from, or (one-shot) the reconnection delay EventSource is told."""

    greeting: str | None
    at: datetime
    connection_id: str | None
    retry_millis: int | None


def open_sse(
    runtime: Runtime, member_id: int, connection_id: str | None, types: Collection[str] = DOCUMENTED_TYPES
) -> StreamStart:
    """The start of ``GET /notifications``.

    With ``connection_id`` (the local gateway streams), the connection is registered for 5 minutes and a little more,
    so that live messages of ``types`` reach it; otherwise (AWS, where HTTP APIs do not stream) the response is
    one-shot and tells EventSource when to reconnect. The greeting counts the unread notifications of ``types``."""
    count = runtime.notifications.unread_count(member_id, types)
    greeting = unread_message(count) if count > 0 else None
    now = runtime.clock.now()
    if connection_id is None:
        return StreamStart(greeting, now, None, runtime.settings.sse_retry_millis)
    ttl = timedelta(seconds=runtime.settings.sse_timeout_seconds + 60)
    runtime.notifications.connect(Connection(connection_id, member_id, SSE, types=frozenset(types)), now, ttl)
    return StreamStart(greeting, now, connection_id, None)


def open_websocket(
    runtime: Runtime,
    member_id: int,
    connection_id: str,
    endpoint: str,
    types: Collection[str] = DOCUMENTED_TYPES,
) -> None:
    """``$connect``: register the connection (with the notification types its client is shown), and queue the unread
    greeting (sent once the socket is open)."""
    ttl = timedelta(seconds=runtime.settings.websocket_ttl_seconds)
    runtime.notifications.connect(
        Connection(connection_id, member_id, WEBSOCKET, endpoint, frozenset(types)), runtime.clock.now(), ttl
    )
    try:
        runtime.jobs.send(Greeting(connection_id), delay_seconds=GREETING_DELAY_SECONDS)
    except QUEUE_ERRORS:  # the connection works without its greeting
        logger.exception("greeting not queued")


def close_connection(runtime: Runtime, connection_id: str) -> None:
    runtime.notifications.disconnect(connection_id)


def take_live(runtime: Runtime, connection_id: str) -> list[str]:
    """The payloads waiting for an SSE connection (the local gateway's stream polls them)."""
    return runtime.notifications.take_live(connection_id)
