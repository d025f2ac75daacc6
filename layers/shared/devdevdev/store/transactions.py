"""Write transactions with the retries DynamoDB asks for, and their failures in domain terms."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from devdevdev.store.errors import THROTTLED, TRANSACTION_CANCELED, cancellation_codes
from devdevdev.store.models import transaction

RETRYABLE_REASONS = ("TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded")


class ConditionFailed(Exception):
    """A condition of the transaction did not hold. ``reasons`` are the names the failed writes were given where
    they were written (``reason=`` on the write): what a failure means travels with the write, so reordering the
    writes of a transaction cannot change what the caller makes of it."""

    def __init__(self, reasons: frozenset[str]) -> None:
        super().__init__(f"condition failed: {sorted(reasons)}")
        self.reasons = reasons

    def __contains__(self, reason: object) -> bool:
        return reason in self.reasons


UNNAMED = "unnamed"  # the reason of a failed write that was given none


@dataclass
class _Operation:
    kind: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    reason: str


def written_order(operations: list[_Operation]) -> list[_Operation]:
    """The order the operations go to the transaction in: as written. Tests replace it (reversed, shuffled) to
    show that no caller depends on the order of the writes."""
    return operations


class Writes:
    """What ``build`` writes a transaction with: PynamoDB's four operations, each with the ``reason`` its condition
    means when it fails. The operations are collected, then handed to the transaction in :func:`written_order`.

    PynamoDB sends condition checks, deletes, puts and updates in that order, and DynamoDB reports cancellation
    reasons in the order sent, so a failed position maps back to the operation, and from it to its reason."""

    _SENT_ORDER = ("condition_check", "delete", "save", "update")

    def __init__(self) -> None:
        self._operations: list[_Operation] = []
        self._sent: list[_Operation] = []

    def _add(self, kind: str, args: tuple[Any, ...], kwargs: dict[str, Any], reason: str) -> None:
        self._operations.append(_Operation(kind, args, kwargs, reason))

    def condition_check(self, *args: Any, reason: str = UNNAMED, **kwargs: Any) -> None:
        self._add("condition_check", args, kwargs, reason)

    def delete(self, *args: Any, reason: str = UNNAMED, **kwargs: Any) -> None:
        self._add("delete", args, kwargs, reason)

    def save(self, *args: Any, reason: str = UNNAMED, **kwargs: Any) -> None:
        self._add("save", args, kwargs, reason)

    def update(self, *args: Any, reason: str = UNNAMED, **kwargs: Any) -> None:
        self._add("update", args, kwargs, reason)

    def send(self, write: TransactWrite) -> None:
        operations = written_order(list(self._operations))
        for operation in operations:
            getattr(write, operation.kind)(*operation.args, **operation.kwargs)
        self._sent = [operation for kind in self._SENT_ORDER for operation in operations if operation.kind == kind]

    def failed(self, sent_positions: list[int]) -> list[_Operation]:
        return [self._sent[i] for i in sent_positions if i < len(self._sent)]


class Contended(Exception):
    """The transaction kept conflicting with concurrent ones (or was throttled) after every retry."""


def commit(build: Callable[[Writes], None], *, attempts: int = 12, rng: random.Random | None = None) -> None:
    """Run ``build(write)`` in a transaction; retry on conflicts with concurrent transactions (jittered backoff).

    Every conditioned write names what its failure means: ``write.update(item, actions=..., condition=...,
    reason="pick-gone")``. Raises :class:`ConditionFailed` with the reasons of the failed writes when a condition is
    false (the caller re-reads and decides), or
    :class:`Contended` when the retries run out.
    """
    rng = rng or random.Random()
    for attempt in range(attempts):
        recorder = Writes()
        try:
            build(recorder)
            with transaction() as write:
                recorder.send(write)
            return
        except TransactWriteError as error:
            codes = cancellation_codes(error) if error.cause_response_code == TRANSACTION_CANCELED else []
            positions = [i for i, code in enumerate(codes) if code == "ConditionalCheckFailed"]
            if positions:
                raise ConditionFailed(
                    frozenset(operation.reason for operation in recorder.failed(positions))
                ) from error
            retryable = error.cause_response_code in (*THROTTLED, "TransactionConflictException") or any(
                code in RETRYABLE_REASONS for code in codes
            )
            if not retryable:
                raise
        time.sleep(rng.uniform(0, min(0.5, 0.01 * 2**attempt)))
    raise Contended()
