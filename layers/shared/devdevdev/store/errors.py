"""Translating DynamoDB failures into domain terms, in one place."""

from __future__ import annotations

from pynamodb.exceptions import PynamoDBException, TransactWriteError

CONDITION_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CANCELED = "TransactionCanceledException"
THROTTLED = ("ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded")


def is_condition_failure(error: PynamoDBException) -> bool:
    """True when a write was refused by its condition (alone or inside a cancelled transaction)."""
    if error.cause_response_code == CONDITION_FAILED:
        return True
    if isinstance(error, TransactWriteError) and error.cause_response_code == TRANSACTION_CANCELED:
        reasons = error.cancellation_reasons or []
        return any(reason is not None and reason.code == "ConditionalCheckFailed" for reason in reasons)
    return False


def cancellation_codes(error: TransactWriteError) -> list[str | None]:
    """Per operation of a cancelled transaction: its failure code, or None."""
    return [reason.code if reason is not None else None for reason in (error.cancellation_reasons or [])]
