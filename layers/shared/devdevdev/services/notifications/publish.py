"""The crawler's announcement (docs/rules.md#notifications): ``POST /notifications/{channel}``.

Publishing claims each article once (``COMPANY#<id>/PUBLISHED#<article>``, a conditional write) and queues one
:class:`~devdevdev.jobs.ArticlePublished` job for the fan-out worker (:mod:`.fanout`); it answers at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from devdevdev.domain.errors import Errors
from devdevdev.jobs import QUEUE_ERRORS, ArticlePublished
from devdevdev.store.notifications import COMMENT_AND_REPLY

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime

logger = Logger(service="devdevdev")
PUBLISH_MAX_ARTICLES = 100


@dataclass(frozen=True)
class Announcement:
    """What the crawler announces: on ``channel``, these articles (distinct, in order) of a company."""

    channel: str
    company_id: int
    article_ids: tuple[int, ...]


def publish(runtime: Runtime, announcement: Announcement) -> None:
    """Announce new articles of a company to its subscribers.

    Articles already announced are left out (so publishing again adds nothing). The fan-out is queued; a queue that
    cannot take it releases this request's claims and answers 503, so the crawler's retry announces them."""
    if announcement.channel == COMMENT_AND_REPLY:
        return  # created by replies inside the API; the crawler has nothing to announce on this channel
    company_id, article_ids = announcement.company_id, announcement.article_ids
    company = runtime.companies.get(company_id)
    if company is None:
        raise Errors.COMPANY_NOT_FOUND.error()
    articles = runtime.articles.get_many(article_ids)
    if any(a not in articles or articles[a].company_id != company_id for a in article_ids):
        raise Errors.ARTICLE_NOT_FOUND.error()
    now = runtime.clock.now()
    ids = runtime.ids.next_ids("notification", len(article_ids))
    claimed = tuple(
        (article_id, notification_id)
        for article_id, notification_id in zip(article_ids, ids, strict=True)
        if runtime.notifications.claim_publication(company_id, article_id, notification_id, now)
    )
    if not claimed:
        return
    try:
        runtime.jobs.send(ArticlePublished(company_id, company.name, claimed, now))
    except QUEUE_ERRORS:
        logger.exception("notification job not queued")
        for article_id, notification_id in claimed:
            runtime.notifications.release_publication(company_id, article_id, notification_id)
        raise Errors.TEMPORARY_FAILURE.error() from None
