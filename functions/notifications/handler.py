"""Function group ``notifications``: the crawler's publish, the member's lists and read state, and the SSE stream.

Each route parses its request into typed values (the notification types shown, ids, sizes, the crawler's
:class:`~devdevdev.services.notifications.publish.Announcement`) and calls the services with them. The fan-out runs
in ``worker.py`` (the queue's consumer); the WebSocket API's routes are in ``websocket.py``.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeGuard

from aws_lambda_powertools.event_handler import Response
from devdevdev.api.app import RequestScope, create_resolver, handle, ok, scope
from devdevdev.api.live import payload, sse_event
from devdevdev.api.request import path_id
from devdevdev.domain.errors import Errors, bad_request
from devdevdev.domain.parsing import cursor_id, page_size
from devdevdev.services.notifications import lists, live
from devdevdev.services.notifications import publish as publishing
from devdevdev.services.notifications.filters import parse_types
from devdevdev.store.notifications import TYPES

app = create_resolver()
EVENT_STREAM = "text/event-stream;charset=UTF-8"
LIVE_CONNECTION_HEADER = "X-Live-Connection"  # read (and removed) by the local gateway, which keeps the stream open


def _types(current: RequestScope) -> frozenset[str]:
    return parse_types(current.request.query.get("types"))


def _positive_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**53


def announcement(channel: str, body: dict[str, Any]) -> publishing.Announcement:
    """The crawler's body (``companyId``, ``techArticles[].id``), with the contract's messages for what is missing;
    the article ids distinct, in order."""
    company_id = body.get("companyId")
    if company_id is None:
        raise Errors.NOTIFICATION_COMPANY_ID_REQUIRED.error()
    if not _positive_int(company_id):
        raise bad_request("companyId 는 1 이상의 정수여야 합니다.")
    articles = body.get("techArticles")
    if articles is None or articles == []:
        raise Errors.NOTIFICATION_ARTICLES_REQUIRED.error()
    if not isinstance(articles, list):
        raise bad_request("techArticles 는 배열이어야 합니다.")
    if len(articles) > publishing.PUBLISH_MAX_ARTICLES:
        raise bad_request(f"techArticles 는 한 번에 {publishing.PUBLISH_MAX_ARTICLES}개까지 보낼 수 있습니다.")
    ids: list[int] = []
    for entry in articles:
        article_id = entry.get("id") if isinstance(entry, dict) else None
        if not _positive_int(article_id):
            raise bad_request("techArticles[].id 는 1 이상의 정수여야 합니다.")
        if article_id not in ids:
            ids.append(article_id)
    return publishing.Announcement(channel, company_id, tuple(ids))


@app.get("/notifications")
def stream() -> Response:
    """Server-Sent Events. The local gateway streams them for 5 minutes (live messages, heartbeats); in AWS, where
    HTTP APIs answer in one piece, the response carries the unread greeting and a ``retry`` hint, and the live
    channel is the WebSocket API."""
    current = scope(app)
    member_id = current.caller.require_member_id()
    types = _types(current)
    connection_id = uuid.uuid4().hex if current.runtime.settings.live_sse_enabled else None
    start = live.open_sse(current.runtime, member_id, connection_id, types)
    body = sse_event(payload(start.greeting, start.at)) if start.greeting is not None else ""
    if start.retry_millis is not None:
        body = f"retry: {start.retry_millis}\n\n{body}"
    headers = {"Cache-Control": "no-cache"}
    if start.connection_id is not None:
        headers[LIVE_CONNECTION_HEADER] = start.connection_id
    return Response(status_code=200, content_type=EVENT_STREAM, body=body, headers=headers)


@app.post("/notifications/<channel>")
def publish(channel: str) -> Response:
    """The crawler announces new articles of a company; the fan-out is queued and this answers at once."""
    from devdevdev.api import service_auth

    current = scope(app)
    if channel not in TYPES:
        raise Errors.INVALID_INPUT.error()
    service_auth.authenticate_request(current.runtime, current.request)
    publishing.publish(current.runtime, announcement(channel, current.request.json_body()))
    return ok()


@app.patch("/notifications/read-all")
def read_all() -> Response:
    current = scope(app)
    member_id = current.caller.require_member_id()
    lists.read_all(current.runtime, member_id, _types(current))
    return ok()


@app.patch("/notifications/<notificationId>/read")
def read(notificationId: str) -> Response:
    current = scope(app)
    notification_id = path_id(notificationId, "notificationId")
    return ok(lists.read(current.runtime, current.caller.require_member_id(), notification_id))


@app.get("/notifications/page")
def notification_page() -> Response:
    current = scope(app)
    request = current.request
    member_id = current.caller.require_member_id()
    data = lists.page(
        current.runtime,
        member_id,
        cursor_id(request.query.get("notificationId"), "notificationId"),
        page_size(request.query.get("size"), default=lists.PAGE_SIZE),
        request.zone,
        _types(current),
    )
    return ok(data)


@app.get("/notifications/popup")
def notification_popup() -> Response:
    current = scope(app)
    request = current.request
    member_id = current.caller.require_member_id()
    size = page_size(request.query.get("size"), default=lists.POPUP_SIZE)
    return ok(lists.popup(current.runtime, member_id, size, request.zone, _types(current)))


@app.get("/notifications/unread-count")
def unread_count() -> Response:
    current = scope(app)
    member_id = current.caller.require_member_id()
    return ok(lists.unread_count(current.runtime, member_id, _types(current)))


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(app, event, context)
