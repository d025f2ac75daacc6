"""The fan-out worker (docs/rules.md#notifications): what each queued job does.

The worker reads the company's subscribers a page of 1,000 at a time; each page becomes one delivery (the first in
the same invocation, the others as :class:`~devdevdev.jobs.SubscriptionFanOut` jobs of their own, so a company with
100,000 subscribers fans out over many worker invocations): the notifications that are missing are written in
batches, then the members who got one are sent the live message. Every step is keyed, so a retried job writes
nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, assert_never

from devdevdev import metrics
from devdevdev.jobs import ArticlePublished, Greeting, Job, LiveMessage, SubscriptionFanOut
from devdevdev.services.notifications import live
from devdevdev.store.notifications import SUBSCRIPTION, Notification

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime

DELIVERY_PAGE = 1000  # subscribers per delivery job (its member ids fit an SQS message many times over)


def stored_message(company_name: str) -> str:
    return f"{company_name}에서 새로운 글이 올라왔어요!"


def published_message(company_name: str, count: int) -> str:
    return f"{company_name}에서 새로운 기슬블로그 {count}개가 올라왔어요!"  # the contract's text, typo included


def run_job(runtime: Runtime, job: Job) -> None:
    """One queued job. Raises on failure, so the queue retries it (and, after its retries, dead-letters it)."""
    if isinstance(job, ArticlePublished):
        fan_out(runtime, job)
    elif isinstance(job, SubscriptionFanOut):
        deliver(runtime, job.publication, job.member_ids)
    elif isinstance(job, LiveMessage):
        live.push(runtime, job.member_ids, job.message, job.notification_type)
    elif isinstance(job, Greeting):
        live.greet(runtime, job.connection_id)
    else:
        assert_never(job)


def fan_out(runtime: Runtime, publication: ArticlePublished) -> None:
    """Split a publication into deliveries of 1,000 subscribers: the first runs here, the rest are queued."""
    pages: list[tuple[int, ...]] = []
    page: list[int] = []
    for member_id in runtime.subscriptions.subscribers(publication.company_id, page_size=DELIVERY_PAGE):
        page.append(member_id)
        if len(page) == DELIVERY_PAGE:
            pages.append(tuple(page))
            page = []
            if len(pages) == 1:
                deliver(runtime, publication, pages[0])
    if page:
        pages.append(tuple(page))
        if len(pages) == 1:
            deliver(runtime, publication, pages[0])
    queued = [SubscriptionFanOut(publication, member_ids) for member_ids in pages[1:]]
    if queued:
        runtime.jobs.send_many(queued)


def deliver(runtime: Runtime, publication: ArticlePublished, member_ids: Sequence[int]) -> int:
    """Write one SUBSCRIPTION notification per member and article (those missing), then send the live message to the
    members who got a new one; how many notifications were written."""
    delivery = runtime.notifications.add_missing(
        [
            Notification(
                id=notification_id,
                member_id=member_id,
                type=SUBSCRIPTION,
                message=stored_message(publication.company_name),
                created_at=publication.published_at,
                company_id=publication.company_id,
                tech_article_id=article_id,
            )
            for member_id in member_ids
            for article_id, notification_id in publication.articles
        ]
    )
    if delivery.written:
        metrics.count("NotificationsWritten", delivery.written)
        lag = runtime.clock.now() - publication.published_at
        metrics.milliseconds("FanOutLag", max(0.0, lag.total_seconds() * 1000))
    if delivery.members:
        message = published_message(publication.company_name, len(publication.articles))
        live.push(runtime, delivery.members, message, SUBSCRIPTION)
    return delivery.written
