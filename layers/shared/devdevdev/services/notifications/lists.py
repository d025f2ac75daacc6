"""A member's notifications (docs/rules.md#notifications): the page, the popup, the unread count and read state.

Each takes the notification types the client is shown (:func:`.filters.parse_types`): what it lists, counts and
marks read is only those.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from devdevdev.domain.errors import Errors
from devdevdev.domain.slices import slice_page
from devdevdev.domain.timefmt import local_datetime
from devdevdev.services.articles import main_item
from devdevdev.store.notifications import COMMENT_AND_REPLY, DOCUMENTED_TYPES, SUBSCRIPTION, Notification
from devdevdev.store.transactions import Contended

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime
    from devdevdev.store.articles import Article
    from devdevdev.store.companies import Company

PAGE_SIZE, POPUP_SIZE = 10, 5


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


def _articles(runtime: Runtime, notifications: list[Notification]) -> tuple[dict[int, Article], dict[int, Company]]:
    """The articles these notifications are about, and their companies (a BatchGet each)."""
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
