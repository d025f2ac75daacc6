"""What a piece of code costs in DynamoDB: requests by operation, and read and write units (table and each index)
from ``ReturnConsumedCapacity=INDEXES``, which every metered request asks for.

Every DynamoDB request of the runtime goes through PynamoDB's connection (``Connection._make_api_call``), so
metering patches that one method while a :class:`Meter` is active::

    with Meter() as meter:
        client.get("/devdevdev/api/v1/picks")
    meter.calls, meter.rcu, meter.wcu, meter.by_operation

DynamoDB Local reports consumed capacity as DynamoDB does (4 KB read units, halved for eventually consistent reads;
1 KB write units; each index copy written counted on the index). These are structural counts: they do not depend on
the machine's load.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

_READS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}
# Operations that accept ReturnConsumedCapacity.
_METERED = {
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "Scan",
    "BatchGetItem",
    "BatchWriteItem",
    "TransactGetItems",
    "TransactWriteItems",
}


class Meter:
    """Counts DynamoDB requests and consumed capacity while active (a context manager; not reentrant)."""

    _lock = threading.Lock()

    def __init__(self) -> None:
        self.by_operation: Counter[str] = Counter()
        self.read_units: Counter[str] = Counter()  # by "table" or index name
        self.write_units: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()  # requests that raised (counted in by_operation too)
        self._original: Any = None

    @property
    def calls(self) -> int:
        return sum(self.by_operation.values())

    @property
    def rcu(self) -> float:
        return round(sum(self.read_units.values()), 3)

    @property
    def wcu(self) -> float:
        return round(sum(self.write_units.values()), 3)

    def reset(self) -> None:
        self.by_operation.clear()
        self.read_units.clear()
        self.write_units.clear()
        self.refused.clear()

    def snapshot(self) -> dict[str, Any]:
        """The counts so far, as plain data (for a benchmark's JSON result)."""
        return {
            "calls": self.calls,
            "by_operation": dict(self.by_operation),
            "refused": dict(self.refused),
            "rcu": self.rcu,
            "wcu": self.wcu,
            "read_units": {k: round(v, 3) for k, v in self.read_units.items()},
            "write_units": {k: round(v, 3) for k, v in self.write_units.items()},
        }

    def _record(self, operation: str, response: dict[str, Any]) -> None:
        self.by_operation[operation] += 1
        units = self.read_units if operation in _READS else self.write_units
        consumed = response.get("ConsumedCapacity") or []
        for capacity in consumed if isinstance(consumed, list) else [consumed]:
            parts = {"table": capacity.get("Table") or {}}
            for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
                parts.update(capacity.get(kind) or {})
            if not any(parts.values()):  # totals only
                parts = {"table": capacity}
            for name, part in parts.items():
                units[name] += float(part.get("CapacityUnits") or 0)

    def _refused(self, operation: str) -> None:
        """A request DynamoDB refused (a condition, a cancelled transaction): no ConsumedCapacity comes back, but a
        refused write is billed as at least one write unit per item it names, which is what is counted here."""
        self.by_operation[operation] += 1
        self.refused[operation] += 1
        if operation in ("PutItem", "UpdateItem", "DeleteItem"):
            self.write_units["table"] += 1

    def __enter__(self) -> Meter:
        from pynamodb.connection.base import Connection

        Meter._lock.acquire()
        original = Connection._make_api_call
        self._original = original
        meter = self

        def metered(connection: Any, operation: str, operation_kwargs: dict) -> dict:
            if operation in _METERED:
                operation_kwargs = dict(operation_kwargs, ReturnConsumedCapacity="INDEXES")
            try:
                response = original(connection, operation, operation_kwargs)
            except Exception:
                meter._refused(operation)
                raise
            meter._record(operation, response or {})
            return response

        Connection._make_api_call = metered  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        from pynamodb.connection.base import Connection

        Connection._make_api_call = self._original  # type: ignore[method-assign]
        Meter._lock.release()
