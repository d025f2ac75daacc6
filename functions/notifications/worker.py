"""The notification queue's consumer: each SQS record is one job (a publication to fan out, a page of subscribers
to deliver, a live message, a WebSocket greeting). A failed record is reported back alone, so SQS retries only it
and, after its retries, moves it to the dead-letter queue."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from devdevdev.logs import observed, queue_job
from devdevdev.runtime import get_runtime
from devdevdev.services import notifications

processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> None:
    notifications.run_job(get_runtime(), json.loads(record.body))


@observed("worker")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # each record's lines carry its message id; a failed job's line names its kind and message id
    return dict(
        process_partial_response(
            event=event, record_handler=queue_job(record_handler), processor=processor, context=context
        )
    )
