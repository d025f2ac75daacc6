"""The embedding pipeline's one source of truth, shared by the CDK stack and the local stack.

AWS: the table's stream → an EventBridge Pipe filtered by :data:`STREAM_FILTER` → a Step Functions state machine
whose task invokes ``functions/picks/embed.lambda_handler`` with the retry policy below, and whose catch hands the
input and the error to ``functions/picks/embed.failure_handler``. Locally, :func:`run_execution` plays that state
machine with the same policy on the same handlers (``infra/local/pipes.py``).

What starts an execution: creating a pick, or changing its title, writes an embedding request marker
(``PICK#<id>`` / ``EMBEDDING_REQUEST#<revision>``) in the same transaction. Only the INSERT of such a marker passes
the filter. Votes, views and comments change the pick item and never start one. Storing the embedding writes
another item and deletes the markers (REMOVE), and recording a failure modifies them (MODIFY): neither passes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from devdevdev.store.keys import EMBEDDING_REQUEST_PREFIX

STREAM_FILTER: dict[str, Any] = {
    "eventName": ["INSERT"],
    "dynamodb": {"Keys": {"SK": {"S": [{"prefix": EMBEDDING_REQUEST_PREFIX}]}}},
}
"""The Pipe's filter pattern on DynamoDB stream records (EventBridge / Lambda FilterCriteria syntax)."""

RETRY_ERRORS: tuple[str, ...] = (
    "EmbeddingThrottled",
    "EmbeddingTimeout",
    "EmbeddingUnavailable",
    "Lambda.TooManyRequestsException",
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "States.Timeout",
)
"""The errors the task retries: the provider's transient ones (exception class names) and Lambda's own."""

RETRY_INTERVAL_SECONDS = 2
RETRY_BACKOFF_RATE = 2.0
RETRY_MAX_ATTEMPTS = 5
"""Step Functions' ``Retry``: ``MaxAttempts`` retries after the first try, waiting 2, 4, 8, 16, 32 s."""

TASK_TIMEOUT_SECONDS = 60
"""The task's ``TimeoutSeconds`` (States.Timeout); the embed Lambda's own timeout should be a little shorter."""


def retry_delays() -> list[float]:
    """The waits before each retry, in order."""
    return [RETRY_INTERVAL_SECONDS * RETRY_BACKOFF_RATE**n for n in range(RETRY_MAX_ATTEMPTS)]


def matches(pattern: Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    """Whether ``event`` passes an EventBridge filter ``pattern`` (the subset :data:`STREAM_FILTER` uses: nested
    objects, lists of exact values, ``{"prefix": ...}``, ``{"exists": bool}``)."""
    for name, wanted in pattern.items():
        present = isinstance(event, Mapping) and name in event
        value = event.get(name) if present else None
        if isinstance(wanted, Mapping):
            if not present or not isinstance(value, Mapping) or not matches(wanted, value):
                return False
        elif not any(_matches_value(rule, present, value) for rule in wanted):
            return False
    return True


def _matches_value(rule: Any, present: bool, value: Any) -> bool:
    if isinstance(rule, Mapping):
        if "prefix" in rule:
            return present and isinstance(value, str) and value.startswith(rule["prefix"])
        if "exists" in rule:
            return present is bool(rule["exists"])
        raise ValueError(f"unsupported filter rule: {rule}")
    return present and value == rule


def selected(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stream records the Pipe would pass on."""
    return [r for r in records if matches(STREAM_FILTER, r)]


Task = Callable[[dict[str, Any], Any], dict[str, Any]]


def run_execution(
    execution_input: dict[str, Any],
    task: Task,
    on_failure: Task,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """One execution of the state machine, in process: ``task`` with the retry policy, then ``on_failure`` with the
    input plus ``{"error": {"Error", "Cause"}}`` when it still fails (an error not in :data:`RETRY_ERRORS` goes
    there at once, as the catch-all ``States.ALL`` does). Returns the output of whichever ran last."""
    delays = retry_delays()
    attempt = 0
    while True:
        try:
            return task(execution_input, None)
        except Exception as error:  # noqa: BLE001 (the state machine's catch: every error is recorded, never lost)
            name = type(error).__name__
            if name in RETRY_ERRORS and attempt < len(delays):
                sleep(delays[attempt])
                attempt += 1
                continue
            cause = json.dumps({"errorMessage": str(error), "errorType": name}, ensure_ascii=False)
            return on_failure({**execution_input, "error": {"Error": name, "Cause": cause}}, None)
