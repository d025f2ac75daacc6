"""Notifications (docs/rules.md#notifications): the crawler's publish, the fan-out worker, the lists, read state,
replies.

Publishing claims each article once (``COMPANY#<id>/PUBLISHED#<article>``, a conditional write) and queues one job;
it answers at once. The worker reads the company's subscribers a page of 1,000 at a time; each page becomes one
delivery (the first in the same invocation, the others as jobs of their own, so a company with 100,000 subscribers
fans out over many worker invocations): the notifications that are missing are written in batches, then the members
who got one are sent the live message. Every step is keyed, so a retried job writes nothing twice.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from aws_lambda_powertools import Logger

from devdevdev.domain.errors import Errors, bad_request
from devdevdev.domain.slices import slice_page
from devdevdev.domain.timefmt import local_datetime
from devdevdev.jobs import QUEUE_ERRORS
from devdevdev.services import live
from devdevdev.services.articles import main_item
from devdevdev.store.notifications import (
    COMMENT_AND_REPLY,
    DOCUMENTED_TYPES,
    SUBSCRIPTION,
    TYPES,
    Connection,
    Notification,
)
from devdevdev.store.transactions import Contended

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime

logger = Logger(service="devdevdev")
DELIVERY_PAGE = 1000  # subscribers per delivery job (its member ids fit an SQS message many times over)
PUBLISH_MAX_ARTICLES = 100
PAGE_SIZE, POPUP_SIZE = 10, 5
GREETING_DELAY_SECONDS = 1  # a WebSocket takes messages only once $connect has returned


def stored_message(company_name: str) -> str:
    return f"{company_name}에서 새로운 글이 올라왔어요!"


def published_message(company_name: str, count: int) -> str:
    return f"{company_name}에서 새로운 기슬블로그 {count}개가 올라왔어요!"  # the contract's text, typo included


def unread_message(count: int) -> str:
    return f"읽지 않은 알림이 {count}개 있어요!"


REPLY_MESSAGE = "회원님의 댓글에 새로운 답글이 달렸어요!"


# Which types a client is shown ------------------------------------------------------------------------------------


def parse_types(raw: str | None) -> frozenset[str]:
    """The ``types`` query parameter: the notification types a client renders, comma-separated (or repeated, which
    API Gateway joins with commas). Absent: ``SUBSCRIPTION`` only, the one type the contract's examples show, so a
    client written against them never meets an item it cannot render (docs/decisions.md). Anything else → 400."""
    if raw is None:
        return DOCUMENTED_TYPES
    names = [name.strip() for name in raw.split(",")]
    if not all(name in TYPES for name in names):
        raise bad_request(f"types 값이 올바르지 않습니다. 가능한 값: {', '.join(TYPES)}")
    return frozenset(names)


# Publish (the crawler) --------------------------------------------------------------------------------------------


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**53


def parse_publish(channel: str, body: dict[str, Any]) -> tuple[str, int, list[int]]:
    """(channel, companyId, distinct article ids in order), with the contract's messages for what is missing."""
    if channel not in TYPES:
        raise Errors.INVALID_INPUT.error()
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
    if len(articles) > PUBLISH_MAX_ARTICLES:
        raise bad_request(f"techArticles 는 한 번에 {PUBLISH_MAX_ARTICLES}개까지 보낼 수 있습니다.")
    ids: list[int] = []
    for entry in articles:
        article_id = entry.get("id") if isinstance(entry, dict) else None
        if not _positive_int(article_id):
            raise bad_request("techArticles[].id 는 1 이상의 정수여야 합니다.")
        if article_id not in ids:
            ids.append(article_id)
    return channel, company_id, ids


def publish(runtime: Runtime, channel: str, body: dict[str, Any]) -> None:
    """``POST /notifications/{channel}``: announce new articles of a company to its subscribers.

    Articles already announced are left out (so publishing again adds nothing). The fan-out is queued; a queue that
    cannot take it releases this request's claims and answers 503, so the crawler's retry announces them."""
    channel, company_id, article_ids = parse_publish(channel, body)
    if channel == COMMENT_AND_REPLY:
        return  # created by replies inside the API; the crawler has nothing to announce on this channel
    company = runtime.companies.get(company_id)
    if company is None:
        raise Errors.COMPANY_NOT_FOUND.error()
    articles = runtime.articles.get_many(article_ids)
    if any(a not in articles or articles[a].company_id != company_id for a in article_ids):
        raise Errors.ARTICLE_NOT_FOUND.error()
    now = runtime.clock.now()
    ids = runtime.ids.next_ids("notification", len(article_ids))
    claimed = [
        (article_id, notification_id)
        for article_id, notification_id in zip(article_ids, ids, strict=True)
        if runtime.notifications.claim_publication(company_id, article_id, notification_id, now)
    ]
    if not claimed:
        return
    job = {
        "kind": "publish",
        "companyId": company_id,
        "companyName": company.name,
        "articles": [[a, n] for a, n in claimed],
        "publishedAt": now.isoformat(),
    }
    try:
        runtime.jobs.send(job)
    except QUEUE_ERRORS:
        logger.exception("notification job not queued")
        for article_id, notification_id in claimed:
            runtime.notifications.release_publication(company_id, article_id, notification_id)
        raise Errors.TEMPORARY_FAILURE.error() from None


# The worker -------------------------------------------------------------------------------------------------------


def run_job(runtime: Runtime, job: dict[str, Any]) -> None:
    """One queued job. Raises on failure, so the queue retries it (and, after its retries, dead-letters it)."""
    kind = job.get("kind")
    if kind == "publish":
        fan_out(runtime, job)
    elif kind == "deliver":
        deliver(runtime, job, [int(m) for m in job["memberIds"]])
    elif kind == "live":
        members = [int(m) for m in job["memberIds"]]
        live.push(runtime, members, str(job["message"]), str(job.get("type", COMMENT_AND_REPLY)))
    elif kind == "greet":
        greet(runtime, str(job["connectionId"]))
    else:
        raise ValueError(f"unknown notification job: {kind!r}")


def fan_out(runtime: Runtime, job: dict[str, Any]) -> None:
    """Split a publication into deliveries of 1,000 subscribers: the first runs here, the rest are queued."""
    page: list[int] = []
    first = True
    queued: list[dict[str, Any]] = []
    for member_id in runtime.subscriptions.subscribers(int(job["companyId"]), page_size=DELIVERY_PAGE):
        page.append(member_id)
        if len(page) == DELIVERY_PAGE:
            if first:
                deliver(runtime, job, page)
                first = False
            else:
                queued.append({**job, "kind": "deliver", "memberIds": page})
            page = []
    if page:
        if first:
            deliver(runtime, job, page)
        else:
            queued.append({**job, "kind": "deliver", "memberIds": page})
    if queued:
        runtime.jobs.send_many(queued)


def deliver(runtime: Runtime, job: dict[str, Any], member_ids: list[int]) -> int:
    """Write one SUBSCRIPTION notification per member and article (those missing), then send the live message to the
    members who got a new one; how many notifications were written."""
    company_name = str(job["companyName"])
    published_at = datetime.fromisoformat(job["publishedAt"])
    articles = [(int(a), int(n)) for a, n in job["articles"]]
    delivery = runtime.notifications.add_missing(
        [
            Notification(
                id=notification_id,
                member_id=member_id,
                type=SUBSCRIPTION,
                message=stored_message(company_name),
                created_at=published_at,
                company_id=int(job["companyId"]),
                tech_article_id=article_id,
            )
            for member_id in member_ids
            for article_id, notification_id in articles
        ]
    )
    if delivery.members:
        live.push(runtime, delivery.members, published_message(company_name, len(articles)), SUBSCRIPTION)
    return delivery.written


def greet(runtime: Runtime, connection_id: str) -> None:
    """Tell a newly opened WebSocket how many notifications of its types are unread (nothing when none)."""
    connection = runtime.notifications.find_connection(connection_id)
    if connection is None:
        return
    count = runtime.notifications.unread_count(connection.member_id, connection.types)
    if count > 0:
        live.send_to(runtime, connection, unread_message(count))


# Replies ----------------------------------------------------------------------------------------------------------


def reply_notification(
    runtime: Runtime,
    *,
    parent_member_id: int | None,
    replier_member_id: int | None,
    kind: str,
    post_id: int,
    reply_id: int,
    parent_id: int,
    origin_id: int,
    now: datetime,
) -> Notification | None:
    """The COMMENT_AND_REPLY notification a reply gives the member who wrote the comment it answers (none for a guest's
    comment or one's own). It is written in the reply's own transaction, so neither exists without the other."""
    if parent_member_id is None or parent_member_id == replier_member_id:
        return None
    return Notification(
        id=runtime.ids.next_id("notification"),
        member_id=parent_member_id,
        type=COMMENT_AND_REPLY,
        message=REPLY_MESSAGE,
        created_at=now,
        pick_id=post_id if kind == "PICK" else None,
        tech_article_id=post_id if kind == "TECH" else None,
        comment_id=reply_id,
        parent_comment_id=parent_id,
        origin_comment_id=origin_id,
    )


def announce_reply(runtime: Runtime, notification: Notification) -> None:
    """Queue the live message of a reply notification (best effort: the notification itself is already stored); it
    reaches only the connections that asked for reply notifications."""
    job = {
        "kind": "live",
        "memberIds": [notification.member_id],
        "message": notification.message,
        "type": notification.type,
    }
    try:
        runtime.jobs.send(job)
    except QUEUE_ERRORS:  # the stored notification is what matters; the live message is a courtesy
        logger.exception("reply live message not queued")


# Lists ------------------------------------------------------------------------------------------------------------


def _comment_fields(notification: Notification) -> dict[str, Any]:
    """What opens the reply a COMMENT_AND_REPLY notification is about (not in the contract; added to its items)."""
    return {
        "message": notification.message,
        "pickId": notification.pick_id,
        "techArticleId": notification.tech_article_id,
        "commentId": notification.comment_id,
        "parentCommentId": notification.parent_comment_id,
        "originParentCommentId": notification.origin_comment_id,
    }


def _articles(runtime: Runtime, notifications: list[Notification]) -> tuple[dict, dict]:
    articles = runtime.articles.get_many({n.tech_article_id for n in notifications if n.tech_article_id})
    companies = runtime.companies.get_many({a.company_id for a in articles.values()})
    return articles, companies


def page(
    runtime: Runtime,
    member_id: int,
    cursor: int | None,
    size: int,
    zone: ZoneInfo,
    types: Collection[str] = DOCUMENTED_TYPES,
) -> dict[str, Any]:
    """``GET /notifications/page``: the notifications of ``types``, newest first below the cursor; ``totalElements``
    is their unread count."""
    notifications, has_next = runtime.notifications.page(member_id, cursor, size, types)
    articles, companies = _articles(runtime, notifications)
    content = []
    for n in notifications:
        article = articles.get(n.tech_article_id) if n.tech_article_id else None
        item: dict[str, Any] = {
            "notificationId": n.id,
            "type": n.type,
            "createdAt": local_datetime(n.created_at, zone),
            "isRead": n.is_read,
            "techArticle": main_item(article, companies.get(article.company_id), False, None) if article else None,
        }
        if n.type == COMMENT_AND_REPLY:
            item.update(_comment_fields(n))
        content.append(item)
    unread = runtime.notifications.unread_count(member_id, types)
    return slice_page(content, size=size, has_next=has_next, total_elements=unread)


def popup(
    runtime: Runtime, member_id: int, size: int, zone: ZoneInfo, types: Collection[str] = DOCUMENTED_TYPES
) -> dict[str, Any]:
    """``GET /notifications/popup``: the newest ``size`` of ``types``; no cursor, so ``last`` is always true (as
    upstream)."""
    notifications, _ = runtime.notifications.page(member_id, None, size, types)
    articles, companies = _articles(runtime, notifications)
    content = []
    for n in notifications:
        article = articles.get(n.tech_article_id) if n.tech_article_id else None
        company = companies.get(article.company_id) if article else None
        item: dict[str, Any] = {
            "id": n.id,
            "type": n.type,
            "title": article.title if n.type == SUBSCRIPTION and article else n.message,
            "createdAt": local_datetime(n.created_at, zone),
            "isRead": n.is_read,
            "companyName": company.name if n.type == SUBSCRIPTION and company else None,
            "techArticleId": n.tech_article_id,
        }
        if n.type == COMMENT_AND_REPLY:
            item.update(_comment_fields(n))
        content.append(item)
    unread = runtime.notifications.unread_count(member_id, types)
    return slice_page(content, size=size, has_next=False, total_elements=unread)


def unread_count(runtime: Runtime, member_id: int, types: Collection[str] = DOCUMENTED_TYPES) -> int:
    """``GET /notifications/unread-count``: the unread notifications this client is shown (its ``types``)."""
    return runtime.notifications.unread_count(member_id, types)


def read(runtime: Runtime, member_id: int, notification_id: int) -> dict[str, Any]:
    """``PATCH /notifications/{id}/read``: only the member's own notification (else 404), of any type (the client
    names it, so it was shown it); idempotent."""
    try:
        found = runtime.notifications.mark_read(member_id, notification_id)
    except Contended:
        raise Errors.TEMPORARY_FAILURE.error() from None
    if not found:
        raise Errors.NOTIFICATION_NOT_FOUND.error()
    return {"id": notification_id, "isRead": True}


def read_all(runtime: Runtime, member_id: int, types: Collection[str] = DOCUMENTED_TYPES) -> int:
    """``PATCH /notifications/read-all``: mark read what this client is shown (its ``types``), nothing it cannot see:
    a reply notification stays unread for the client that will show it."""
    try:
        return runtime.notifications.mark_all_read(member_id, types)
    except Contended:
        raise Errors.TEMPORARY_FAILURE.error() from None


# Live connections -------------------------------------------------------------------------------------------------


def open_sse(
    runtime: Runtime, member_id: int, connection_id: str | None, types: Collection[str] = DOCUMENTED_TYPES
) -> tuple[str, str | None]:
    """The start of ``GET /notifications``: (the first events, the connection id the local gateway streams from).

    With ``connection_id`` (the local gateway streams), the connection is registered for 5 minutes and a little more,
    so that live messages of ``types`` reach it; otherwise (AWS, where HTTP APIs do not stream) the response is
    one-shot and tells EventSource when to reconnect. The greeting counts the unread notifications of ``types``."""
    count = runtime.notifications.unread_count(member_id, types)
    events = live.sse_event(live.payload(unread_message(count), runtime.clock.now())) if count > 0 else ""
    if connection_id is None:
        return f"retry: {runtime.settings.sse_retry_millis}\n\n{events}", None
    ttl = timedelta(seconds=runtime.settings.sse_timeout_seconds + 60)
    connection = Connection(connection_id, member_id, live.SSE, types=frozenset(types))
    runtime.notifications.connect(connection, runtime.clock.now(), ttl)
    return events, connection_id


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
        Connection(connection_id, member_id, live.WEBSOCKET, endpoint, frozenset(types)), runtime.clock.now(), ttl
    )
    try:
        runtime.jobs.send({"kind": "greet", "connectionId": connection_id}, delay_seconds=GREETING_DELAY_SECONDS)
    except QUEUE_ERRORS:  # the connection works without its greeting
        logger.exception("greeting not queued")


def close_connection(runtime: Runtime, connection_id: str) -> None:
    runtime.notifications.disconnect(connection_id)


def take_live(runtime: Runtime, connection_id: str) -> list[str]:
    return runtime.notifications.take_live(connection_id)
