"""The notification queue's consumer: each SQS record is one typed job (:mod:`devdevdev.jobs`: a publication to fan
out, a page of subscribers to deliver, a live message, a WebSocket greeting). A failed record is reported back
alone, so SQS retries only it and, after its retries, moves it to the dead-letter queue; a body that is no job is
logged with its message id and fails the same way."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from devdevdev import jobs
from devdevdev.logs import observed, queue_job
from devdevdev.runtime import get_runtime
from devdevdev.services.notifications import fanout

processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> None:
    fanout.run_job(get_runtime(), jobs.decode(record.body))


@observed("worker")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # each record's lines carry its message id; a failed job's line (a body that is no job included) names its
    # kind and message id
    return dict(
        process_partial_response(
            event=event, record_handler=queue_job(record_handler), processor=processor, context=context
        )
    )
