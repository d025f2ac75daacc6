"""Write transactions with the retries DynamoDB asks for, and their failures in domain terms."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from devdevdev.store.errors import THROTTLED, TRANSACTION_CANCELED, cancellation_codes
from devdevdev.store.models import transaction

RETRYABLE_REASONS = ("TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded")


class ConditionFailed(Exception):
    """A condition of the transaction did not hold; ``failed`` are the indexes of the operations that failed."""

    def __init__(self, failed: list[int]) -> None:
        super().__init__(f"condition failed on operation(s) {failed}")
        self.failed = failed


class Contended(Exception):
    """The transaction kept conflicting with concurrent ones (or was throttled) after every retry."""


def commit(build: Callable[[TransactWrite], None], *, attempts: int = 12, rng: random.Random | None = None) -> None:
    """Run ``build(write)`` in a transaction; retry on conflicts with concurrent transactions (jittered backoff).

    Raises :class:`ConditionFailed` when a condition is false (the caller re-reads and decides), or
    :class:`Contended` when the retries run out.
    """
    rng = rng or random.Random()
    for attempt in range(attempts):
        try:
            with transaction() as write:
                build(write)
            return
        except TransactWriteError as error:
            codes = cancellation_codes(error) if error.cause_response_code == TRANSACTION_CANCELED else []
            failed = [i for i, code in enumerate(codes) if code == "ConditionalCheckFailed"]
            if failed:
                raise ConditionFailed(failed) from error
            retryable = error.cause_response_code in (*THROTTLED, "TransactionConflictException") or any(
                code in RETRYABLE_REASONS for code in codes
            )
            if not retryable:
                raise
        time.sleep(rng.uniform(0, min(0.5, 0.01 * 2**attempt)))
    raise Contended()
