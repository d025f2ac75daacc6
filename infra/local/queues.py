"""The local stack's stand-in for Lambda's SQS event source: the notification queue lives on moto's server (the same
SQS API the functions use in AWS, with a dead-letter queue after 5 receives), and this pump hands its messages to the
same worker code (``functions/notifications/worker.py``) as SQS events, deleting only the records the worker did not
report as failed: a failed job comes back after its visibility timeout, as in AWS.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from typing import Any

import boto3

from infra.local.services import LOCAL_CREDENTIALS

MAX_RECEIVES = 5
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def _client(endpoint: str, region: str) -> Any:
    return boto3.client(
        "sqs",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


def ensure_queue(endpoint: str, name: str, region: str = "ap-northeast-2", visibility_seconds: int = 30) -> str:
    """Create the queue and its dead-letter queue (``<name>-dlq``) if missing; the queue's URL."""
    client = _client(endpoint, region)
    dlq_url = client.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = client.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVES)})
    return client.create_queue(
        QueueName=name,
        Attributes={"VisibilityTimeout": str(visibility_seconds), "RedrivePolicy": redrive},
    )["QueueUrl"]


def worker_handler() -> Handler:
    from functions.notifications.worker import lambda_handler

    return lambda_handler


class QueuePump:
    """Receives the queue's messages and runs the worker on them, ten at a time (the event source's batch size)."""

    def __init__(self, endpoint: str, queue_url: str, region: str, handler: Handler | None = None) -> None:
        self._client = _client(endpoint, region)
        self._url = queue_url
        self._region = region
        self._handler = handler or worker_handler()
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def _event(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        arn = f"arn:aws:sqs:{self._region}:000000000000:{self._url.rsplit('/', 1)[-1]}"
        return {
            "Records": [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": m.get("Attributes", {}),
                    "messageAttributes": {},
                    "md5OfBody": hashlib.md5(m["Body"].encode("utf-8")).hexdigest(),  # noqa: S324 (SQS's checksum)
                    "eventSource": "aws:sqs",
                    "eventSourceARN": arn,
                    "awsRegion": self._region,
                }
                for m in messages
            ]
        }

    def receive_once(self, wait_seconds: int = 0) -> int:
        """One batch: how many messages were received (the worker's failures stay on the queue)."""
        with self._lock:
            messages = self._client.receive_message(
                QueueUrl=self._url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds, AttributeNames=["All"]
            ).get("Messages", [])
            if not messages:
                return 0
            try:
                result = self._handler(self._event(messages), None) or {}
                failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
            except Exception as error:  # noqa: BLE001 (as in AWS: an invocation that raises fails its whole batch)
                print(f"queue pump: the worker failed its batch: {error}")
                failed = {m["MessageId"] for m in messages}
            done = [m for m in messages if m["MessageId"] not in failed]
            if done:
                self._client.delete_message_batch(
                    QueueUrl=self._url,
                    Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
                )
            return len(messages)

    def drain(self) -> int:
        """Run every job visible now, and the jobs they queue; how many messages there were."""
        total = 0
        while True:
            received = self.receive_once()
            if not received:
                return total
            total += received

    def run_in_background(self) -> threading.Thread:
        """Long-poll the queue until :meth:`stop` (a job runs within a moment of being queued)."""

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    self.receive_once(wait_seconds=1)
                except Exception as error:  # noqa: BLE001 (keep serving the queue; report and go on)
                    print(f"queue pump: {error}")
                    self._stop.wait(1)

        thread = threading.Thread(target=loop, name="queue-pump", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()
