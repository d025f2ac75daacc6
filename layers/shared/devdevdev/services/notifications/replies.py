"""Reply notifications (docs/rules.md#notifications): a reply tells the author of the comment it answers.

The notification is written in the reply's own transaction (``services/comments.py`` adds it with
:func:`devdevdev.store.notifications.add_notification`); its live message is queued as a
:class:`~devdevdev.jobs.LiveMessage` job.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from devdevdev import metrics
from devdevdev.jobs import QUEUE_ERRORS, LiveMessage
from devdevdev.store.notifications import COMMENT_AND_REPLY, Notification

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime

logger = Logger(service="devdevdev")
REPLY_MESSAGE = "회원님의 댓글에 새로운 답글이 달렸어요!"


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
    """Once the reply and its notification are written: count it, and queue its live message (best effort: the
    notification itself is stored); the message reaches only the connections that asked for reply notifications."""
    metrics.count("NotificationsWritten", 1)
    try:
        runtime.jobs.send(LiveMessage((notification.member_id,), notification.message, notification.type))
    except QUEUE_ERRORS:  # the stored notification is what matters; the live message is a courtesy
        logger.exception("reply live message not queued")
