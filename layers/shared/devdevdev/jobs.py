"""The notification queue: typed jobs for the fan-out worker (``functions/notifications/worker.py``).

A job is one of four frozen messages. :func:`encode` and :func:`decode` are the one place that knows their JSON
(the queue's message body); every producer sends typed messages through :class:`JobQueue` and the worker decodes
them, so no job is built or read by string keys anywhere else. The body keeps the field names the queue has always
carried, so messages queued by the previous version are still understood.

In AWS the queue is an SQS queue with a dead-letter queue, feeding the worker Lambda; on the local stack and in tests
it is the same API on moto's server, and ``infra.local.queues`` hands its messages to the same worker code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

SEND_BATCH = 10  # SQS's SendMessageBatch limit


@dataclass(frozen=True)
class ArticlePublished:
    """The crawler announced new articles of a company: notify its subscribers (``kind: publish``)."""

    company_id: int
    company_name: str
    articles: tuple[tuple[int, int], ...]  # (article id, the notification id every subscriber's notification has)
    published_at: datetime


@dataclass(frozen=True)
class SubscriptionFanOut:
    """One page of a publication's subscribers to write notifications for (``kind: deliver``)."""

    publication: ArticlePublished
    member_ids: tuple[int, ...]


@dataclass(frozen=True)
class LiveMessage:
    """A live message for these members' connections that are shown ``notification_type`` (``kind: live``)."""

    member_ids: tuple[int, ...]
    message: str
    notification_type: str


@dataclass(frozen=True)
class Greeting:
    """The unread greeting of a WebSocket just opened (``kind: greet``)."""

    connection_id: str


Job = ArticlePublished | SubscriptionFanOut | LiveMessage | Greeting


class MalformedJob(ValueError):
    """A message body that is no job this version knows (unknown kind, missing or mistyped field)."""


# The codec --------------------------------------------------------------------------------------------------------


def _publication_fields(job: ArticlePublished) -> dict[str, Any]:
    return {
        "companyId": job.company_id,
        "companyName": job.company_name,
        "articles": [[article_id, notification_id] for article_id, notification_id in job.articles],
        "publishedAt": job.published_at.isoformat(),
    }


def _body(job: Job) -> dict[str, Any]:
    """The JSON value of a job (what :func:`encode` writes)."""
    if isinstance(job, ArticlePublished):
        return {"kind": "publish", **_publication_fields(job)}
    if isinstance(job, SubscriptionFanOut):
        return {"kind": "deliver", **_publication_fields(job.publication), "memberIds": list(job.member_ids)}
    if isinstance(job, LiveMessage):
        return {
            "kind": "live",
            "memberIds": list(job.member_ids),
            "message": job.message,
            "type": job.notification_type,
        }
    return {"kind": "greet", "connectionId": job.connection_id}


def encode(job: Job) -> str:
    """The queue's message body of a job."""
    return json.dumps(_body(job))


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _field(body: dict[str, Any], name: str, kind: type) -> Any:
    value = body.get(name)
    if not isinstance(value, kind) or (kind is int and not _is_id(value)):
        raise MalformedJob(f"{body.get('kind')!r} job: {name} is not a {kind.__name__}")
    return value


def _ids(body: dict[str, Any], name: str) -> tuple[int, ...]:
    values = _field(body, name, list)
    if not all(_is_id(value) for value in values):
        raise MalformedJob(f"{body.get('kind')!r} job: {name} holds a value that is not an id")
    return tuple(values)


def _publication(body: dict[str, Any]) -> ArticlePublished:
    pairs = _field(body, "articles", list)
    if not all(isinstance(pair, list) and len(pair) == 2 and all(_is_id(i) for i in pair) for pair in pairs):
        raise MalformedJob(f"{body.get('kind')!r} job: articles are not [article id, notification id] pairs")
    try:
        published_at = datetime.fromisoformat(_field(body, "publishedAt", str))
    except ValueError:
        raise MalformedJob(f"{body.get('kind')!r} job: publishedAt is not a date-time") from None
    return ArticlePublished(
        company_id=_field(body, "companyId", int),
        company_name=_field(body, "companyName", str),
        articles=tuple((article_id, notification_id) for article_id, notification_id in pairs),
        published_at=published_at,
    )


def decode(text: str) -> Job:
    """The job of a message body; :class:`MalformedJob` for anything else."""
    try:
        body = json.loads(text)
    except ValueError:
        raise MalformedJob("the body is not JSON") from None
    if not isinstance(body, dict):
        raise MalformedJob("the body is not a JSON object")
    kind = body.get("kind")
    if kind == "publish":
        return _publication(body)
    if kind == "deliver":
        return SubscriptionFanOut(_publication(body), _ids(body, "memberIds"))
    if kind == "live":
        notification_type = body.get("type", "COMMENT_AND_REPLY")  # the only type live jobs were ever queued for
        if not isinstance(notification_type, str):
            raise MalformedJob("'live' job: type is not a str")
        return LiveMessage(_ids(body, "memberIds"), _field(body, "message", str), notification_type)
    if kind == "greet":
        return Greeting(_field(body, "connectionId", str))
    raise MalformedJob(f"unknown notification job: {kind!r}")


# The queue --------------------------------------------------------------------------------------------------------


class QueueNotConfigured(RuntimeError):
    """No NOTIFICATION_QUEUE_URL in this function's settings."""


class QueueRefused(RuntimeError):
    """SQS did not take some of the jobs of a batch."""


# What sending a job can raise.
QUEUE_ERRORS = (BotoCoreError, ClientError, QueueNotConfigured, QueueRefused)


class JobQueue:
    def __init__(self, queue_url: str | None, region: str, endpoint: str | None = None) -> None:
        import boto3  # on first use: botocore is loaded anyway (the table's client), boto3's sessions are not

        self.queue_url = queue_url
        self._client = boto3.client(
            "sqs",
            region_name=region,
            endpoint_url=endpoint,
            config=Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"}),
        )

    def _url(self) -> str:
        if not self.queue_url:
            raise QueueNotConfigured("NOTIFICATION_QUEUE_URL is not set")
        return self.queue_url

    def send(self, job: Job, delay_seconds: int = 0) -> None:
        self._client.send_message(QueueUrl=self._url(), MessageBody=encode(job), DelaySeconds=delay_seconds)

    def send_many(self, jobs: Sequence[Job]) -> None:
        """Send jobs ten at a time; a job SQS refuses raises (the caller's own retry resends them all)."""
        for start in range(0, len(jobs), SEND_BATCH):
            chunk = jobs[start : start + SEND_BATCH]
            response = self._client.send_message_batch(
                QueueUrl=self._url(),
                Entries=[{"Id": str(i), "MessageBody": encode(job)} for i, job in enumerate(chunk)],
            )
            if response.get("Failed"):
                raise QueueRefused(f"SQS refused {len(response['Failed'])} job(s): {response['Failed'][0]}")
