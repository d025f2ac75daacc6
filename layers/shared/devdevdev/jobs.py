"""The notification queue: jobs for the fan-out worker (``functions/notifications/worker.py``).

In AWS it is an SQS queue with a dead-letter queue, feeding the worker Lambda; on the local stack and in tests it is
the same API on moto's server, and ``infra.local.queues`` hands its messages to the same worker code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

SEND_BATCH = 10  # SQS's SendMessageBatch limit


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

    def send(self, job: dict[str, Any], delay_seconds: int = 0) -> None:
        self._client.send_message(QueueUrl=self._url(), MessageBody=json.dumps(job), DelaySeconds=delay_seconds)

    def send_many(self, jobs: Sequence[dict[str, Any]]) -> None:
        """Send jobs ten at a time; a job SQS refuses raises (the caller's own retry resends them all)."""
        for start in range(0, len(jobs), SEND_BATCH):
            chunk = jobs[start : start + SEND_BATCH]
            response = self._client.send_message_batch(
                QueueUrl=self._url(),
                Entries=[{"Id": str(i), "MessageBody": json.dumps(job)} for i, job in enumerate(chunk)],
            )
            if response.get("Failed"):
                raise QueueRefused(f"SQS refused {len(response['Failed'])} job(s): {response['Failed'][0]}")
