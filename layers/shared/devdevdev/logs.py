"""The structured (JSON) logger every function shares: Powertools' logger, without its HTTP event handler, so the
functions that are not HTTP (the queue's worker, the embed step, the indexer) log the same way at a lighter cold
start.

Every line written during an invocation carries its correlation id (``correlation_id``: the API Gateway request id,
the SQS message id of the job being run, the state machine execution) and whether the invocation was a cold start.
The keys are kept per thread (Powertools' ``thread_safe_append_keys``, a context variable): the local gateway runs
many function instances in one process at once, and one request's id must never land on another's line.

The HTTP functions get all this from ``devdevdev.api.app.handle``; the others decorate their entry point::

    @observed("embed", correlation_id=lambda event, context: ...)
    def lambda_handler(event, context): ...
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from aws_lambda_powertools import Logger

from devdevdev import metrics, tracing

logger = Logger(service="devdevdev", json_default=str)

Handler = TypeVar("Handler", bound=Callable[..., Any])


@contextmanager
def correlated(**keys: object) -> Iterator[None]:
    """Add ``keys`` (``correlation_id=...``, ``cold_start=...``) to every line this thread logs inside; the keys it
    had before are back afterwards."""
    before = dict(logger.thread_safe_get_current_keys())
    logger.thread_safe_append_keys(**keys)
    try:
        yield
    finally:
        logger.thread_safe_clear_keys()
        if before:
            logger.thread_safe_append_keys(**before)


def lambda_request_id(context: Any) -> str | None:
    """Lambda's id of this invocation (None where there is no context: the local stack's direct calls)."""
    return getattr(context, "aws_request_id", None)


def observed(
    function: str,
    correlation_id: Callable[[Any, Any], str | None] | None = None,
    outcome: Callable[[Any], None] | None = None,
) -> Callable[[Handler], Handler]:
    """An entry point that is not HTTP (``function``: ``worker``, ``embed``, ``indexer``): its lines carry the
    correlation id ``correlation_id(event, context)`` gives (else Lambda's request id), the function's name and the
    cold-start flag; it is traced (``devdevdev.tracing``); its metrics are written once at its end; ``outcome`` is
    called with its result (to count what it did). An exception is logged with its type, and raised again (so Lambda
    and the state machine see it)."""

    def decorate(handler: Handler) -> Handler:
        traced = tracing.capture_lambda_handler(handler)
        warm: list[bool] = []

        @functools.wraps(handler)
        def run(event: Any, context: Any) -> Any:
            cold_start = not warm
            warm.append(True)
            correlation = (correlation_id(event, context) if correlation_id else None) or lambda_request_id(context)
            keys = {"function": function, "cold_start": cold_start, "correlation_id": correlation}
            with metrics.invocation(), correlated(**keys):
                try:
                    result = traced(event, context)
                except Exception:
                    logger.exception("invocation failed")  # exception_name and the traceback, by Powertools
                    raise
                if outcome is not None:
                    outcome(result)
                return result

        return run  # type: ignore[return-value]

    return decorate


def job_kind(body: str) -> str | None:
    """The ``kind`` a queue job's JSON body names (None when the body is not a JSON object)."""
    try:
        job = json.loads(body)
    except ValueError:
        return None
    kind = job.get("kind") if isinstance(job, dict) else None
    return str(kind) if kind is not None else None


def queue_job(handler: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """An SQS record handler whose lines carry the record's message id as the correlation id, and whose failure is
    logged with the job's kind and message id before it is raised again (the batch reports the record as failed)."""

    @functools.wraps(handler)
    def run(record: Any) -> Any:
        with correlated(correlation_id=record.message_id):
            try:
                return handler(record)
            except Exception:
                logger.exception(  # with exception_name and the traceback, by Powertools
                    "queue job failed",
                    extra={
                        "job": job_kind(record.body),
                        "message_id": record.message_id,
                        "receive_count": record.attributes.approximate_receive_count,
                    },
                )
                raise

    return run
