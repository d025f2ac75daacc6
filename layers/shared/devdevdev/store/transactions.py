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
    """A condition of the transaction did not hold; ``failed`` are the indexes of the failed operations, in the order
    the caller's ``build`` wrote them."""

    def __init__(self, failed: list[int]) -> None:
        super().__init__(f"condition failed on operation(s) {failed}")
        self.failed = failed


class _Recorder:
    """Passes operations to the transaction and remembers their order: PynamoDB sends condition checks, deletes,
    puts and updates in that order, and DynamoDB reports cancellation reasons in the order sent, so failures are
    mapped back to the order the caller wrote them in."""

    _SENT_ORDER = ("condition_check", "delete", "save", "update")

    def __init__(self, write: TransactWrite) -> None:
        self._write = write
        self._kinds: list[str] = []

    def __getattr__(self, kind: str) -> Callable:
        operation = getattr(self._write, kind)

        def record(*args, **kwargs):  # type: ignore[no-untyped-def]
            self._kinds.append(kind)
            return operation(*args, **kwargs)

        return record

    def build_index(self, sent_index: int) -> int:
        sent = [i for kind in self._SENT_ORDER for i, k in enumerate(self._kinds) if k == kind]
        return sent[sent_index] if sent_index < len(sent) else sent_index


class Contended(Exception):
    """The transaction kept conflicting with concurrent ones (or was throttled) after every retry."""


def commit(build: Callable[[TransactWrite], None], *, attempts: int = 12, rng: random.Random | None = None) -> None:
    """Run ``build(write)`` in a transaction; retry on conflicts with concurrent transactions (jittered backoff).

    Raises :class:`ConditionFailed` when a condition is false (the caller re-reads and decides), or
    :class:`Contended` when the retries run out.
    """
    rng = rng or random.Random()
    for attempt in range(attempts):
        recorder: _Recorder | None = None
        try:
            with transaction() as write:
                recorder = _Recorder(write)
                build(recorder)  # type: ignore[arg-type]
            return
        except TransactWriteError as error:
            codes = cancellation_codes(error) if error.cause_response_code == TRANSACTION_CANCELED else []
            failed = sorted(
                recorder.build_index(i) if recorder else i
                for i, code in enumerate(codes)
                if code == "ConditionalCheckFailed"
            )
            if failed:
                raise ConditionFailed(failed) from error
            retryable = error.cause_response_code in (*THROTTLED, "TransactionConflictException") or any(
                code in RETRYABLE_REASONS for code in codes
            )
            if not retryable:
                raise
        time.sleep(rng.uniform(0, min(0.5, 0.01 * 2**attempt)))
    raise Contended()
