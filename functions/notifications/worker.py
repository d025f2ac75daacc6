"""The notification queue's consumer: each SQS record is one typed job (:mod:`devdevdev.jobs`: a publication to fan
out, a page of subscribers to deliver, a live message, a WebSocket greeting). A failed record is reported back
alone, so SQS retries only it and, after its retries, moves it to the dead-letter queue; a body that is no job is
logged with its message id and fails the same way."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from devdevdev import jobs
from devdevdev.logs import logger
from devdevdev.runtime import get_runtime
from devdevdev.services.notifications import fanout

processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> None:
    try:
        job = jobs.decode(record.body)
    except jobs.MalformedJob as error:
        logger.error("notification job not understood", extra={"message_id": record.message_id, "error": str(error)})
        raise
    fanout.run_job(get_runtime(), job)


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dict(
        process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
    )
