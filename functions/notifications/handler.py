"""Function group ``notifications``: the crawler's publish, the member's lists and read state, and the SSE stream.

The fan-out runs in ``worker.py`` (the queue's consumer); the WebSocket API's routes are in ``websocket.py``.
"""

from __future__ import annotations

import uuid
from typing import Any

from aws_lambda_powertools.event_handler import Response
from devdevdev.api.app import create_resolver, handle, ok, scope
from devdevdev.domain.errors import Errors
from devdevdev.domain.parsing import cursor_id, page_size
from devdevdev.services import notifications

app = create_resolver()
EVENT_STREAM = "text/event-stream;charset=UTF-8"
LIVE_CONNECTION_HEADER = "X-Live-Connection"  # read (and removed) by the local gateway, which keeps the stream open


@app.get("/notifications")
def stream() -> Response:
    """Server-Sent Events. The local gateway streams them for 5 minutes (live messages, heartbeats); in AWS, where
    HTTP APIs answer in one piece, the response carries the unread greeting and a ``retry`` hint, and the live
    channel is the WebSocket API."""
    current = scope(app)
    member_id = current.caller.require_member_id()
    types = notifications.parse_types(current.request.query.get("types"))
    streamed = current.runtime.settings.live_sse_enabled
    connection_id = uuid.uuid4().hex if streamed else None
    body, connection_id = notifications.open_sse(current.runtime, member_id, connection_id, types)
    headers = {"Cache-Control": "no-cache"}
    if connection_id is not None:
        headers[LIVE_CONNECTION_HEADER] = connection_id
    return Response(status_code=200, content_type=EVENT_STREAM, body=body, headers=headers)


@app.post("/notifications/<channel>")
def publish(channel: str) -> Response:
    """The crawler announces new articles of a company; the fan-out is queued and this answers at once."""
    from devdevdev.api import service_auth

    current = scope(app)
    if channel not in notifications.TYPES:
        raise Errors.INVALID_INPUT.error()
    service_auth.authenticate_request(current.runtime, current.request)
    notifications.publish(current.runtime, channel, current.request.json_body())
    return ok()


@app.patch("/notifications/read-all")
def read_all() -> Response:
    current = scope(app)
    member_id = current.caller.require_member_id()
    notifications.read_all(current.runtime, member_id, notifications.parse_types(current.request.query.get("types")))
    return ok()


@app.patch("/notifications/<notificationId>/read")
def read(notificationId: str) -> Response:  # noqa: N803 (the contract's parameter name)
    current = scope(app)
    notification_id = current.request.path_int("notificationId")
    return ok(notifications.read(current.runtime, current.caller.require_member_id(), notification_id))


@app.get("/notifications/page")
def notification_page() -> Response:
    current = scope(app)
    request = current.request
    member_id = current.caller.require_member_id()
    data = notifications.page(
        current.runtime,
        member_id,
        cursor_id(request.query.get("notificationId"), "notificationId"),
        page_size(request.query.get("size"), default=notifications.PAGE_SIZE),
        request.zone,
        notifications.parse_types(request.query.get("types")),
    )
    return ok(data)


@app.get("/notifications/popup")
def notification_popup() -> Response:
    current = scope(app)
    request = current.request
    member_id = current.caller.require_member_id()
    size = page_size(request.query.get("size"), default=notifications.POPUP_SIZE)
    types = notifications.parse_types(request.query.get("types"))
    return ok(notifications.popup(current.runtime, member_id, size, request.zone, types))


@app.get("/notifications/unread-count")
def unread_count() -> Response:
    current = scope(app)
    member_id = current.caller.require_member_id()
    types = notifications.parse_types(current.request.query.get("types"))
    return ok(notifications.unread_count(current.runtime, member_id, types))


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(app, event, context)
