"""The embedding steps of the Step Functions state machine (``devdevdev.embeddings.pipeline``).

``lambda_handler`` is the task: it embeds the current title of each pick its input names and stores the
embedding with the pick. Its input is ``{"records": [<DynamoDB stream records, as the Pipe delivers them>]}`` or
``{"pickId": 42}`` (the backfill, an operator). Transient provider errors are raised as ``EmbeddingThrottled``,
``EmbeddingTimeout`` or ``EmbeddingUnavailable``: Lambda reports the class name as the error, which the state
machine's retry matches. ``failure_handler`` is the catch: it records the final error on the picks' requests.
"""

from __future__ import annotations

import re
from typing import Any

from devdevdev import metrics
from devdevdev.logs import logger, observed
from devdevdev.runtime import get_runtime
from devdevdev.services import similar_picks

PICK_NUMBER = re.compile(r"[0-9]{1,19}")


def pick_ids_of(event: dict[str, Any] | list[Any]) -> list[int]:
    """The pick ids an execution's input names (stream records' ``PICK#<id>`` keys, or ``pickId``)."""
    if isinstance(event, list):  # the Pipe's batch as it is, without an input template
        event = {"records": event}
    ids: set[int] = set()
    if event.get("pickId") is not None:
        ids.add(int(event["pickId"]))
    for record in event.get("records") or []:
        partition = str(record.get("dynamodb", {}).get("Keys", {}).get("PK", {}).get("S", ""))
        prefix, _, number = partition.partition("#")
        if prefix == "PICK" and PICK_NUMBER.fullmatch(number):
            ids.add(int(number))
    return sorted(ids)


def execution_of(event: dict[str, Any] | list[Any], context: Any) -> str | None:
    """The state machine execution this step runs for, when the task's payload names it (``execution``)."""
    return str(event["execution"]) if isinstance(event, dict) and event.get("execution") else None


def count_embedded(result: dict[str, Any]) -> None:
    metrics.count("EmbeddingsMade", len(result["embedded"]))


def count_failed(result: dict[str, Any]) -> None:
    metrics.count("EmbeddingsFailed", len(result["pickIds"]), error=result["error"])


@observed("embed", correlation_id=execution_of, outcome=count_embedded)
def lambda_handler(event: dict[str, Any] | list[Any], context: Any) -> dict[str, Any]:
    runtime = get_runtime()
    pick_ids = pick_ids_of(event)
    summary = similar_picks.embed_picks(runtime, runtime.embedding_provider, pick_ids).as_dict()
    logger.info("embedded pick titles", extra={"picks": pick_ids, **summary})
    return {"pickIds": pick_ids, **summary}


@observed("embed-failure", correlation_id=execution_of, outcome=count_failed)
def failure_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    error = event.get("error") or {}
    name, cause = str(error.get("Error") or "Unknown"), str(error.get("Cause") or "")
    pick_ids = pick_ids_of(event)
    recorded = similar_picks.record_failure(get_runtime(), pick_ids, name, cause)
    logger.error("pick embedding failed", extra={"picks": pick_ids, "error": name, "cause": cause[:500]})
    return {"pickIds": pick_ids, "error": name, "recorded": {str(k): v for k, v in recorded.items()}}
