"""What a piece of code costs in DynamoDB: requests by operation, and read and write units (table and each index)
from ``ReturnConsumedCapacity=INDEXES``, which every metered request asks for.

Every DynamoDB request of the runtime goes through PynamoDB's connection (``Connection._make_api_call``), so
metering patches that one method while a :class:`Meter` is active::

    with Meter() as meter:
        client.get("/devdevdev/api/v1/picks")
    meter.calls, meter.rcu, meter.wcu, meter.by_operation

DynamoDB Local reports consumed capacity as DynamoDB does (4 KB read units, halved for eventually consistent reads;
1 KB write units; each index copy written counted on the index), with two exceptions the meter corrects: a read
that finds nothing (Local: 0; DynamoDB: one unit, half when eventually consistent) and a write transaction (Local:
the units of one of its items; the meter bills every item, see ``transaction_units``). These are structural counts:
they do not depend on the machine's load.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
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
        self.read_units: defaultdict[str, float] = defaultdict(float)  # by "table" or index name
        self.write_units: defaultdict[str, float] = defaultdict(float)
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

    def _record(self, operation: str, response: dict[str, Any], consistent: bool = False) -> None:
        self.by_operation[operation] += 1
        units = self.read_units if operation in _READS else self.write_units
        consumed = response.get("ConsumedCapacity") or []
        total = 0.0
        first = "table"
        for capacity in consumed if isinstance(consumed, list) else [consumed]:
            parts = {"table": capacity.get("Table") or {}}
            for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
                parts.update(capacity.get(kind) or {})
            if not any(parts.values()):  # totals only
                parts = {"table": capacity}
            for name, part in parts.items():
                units[name] += float(part.get("CapacityUnits") or 0)
                total += float(part.get("CapacityUnits") or 0)
            first = next(iter(n for n, p in parts.items() if p), first)
        if operation in ("GetItem", "Query", "Scan") and total == 0:
            # DynamoDB bills a read that finds nothing as one read unit (half when eventually consistent);
            # DynamoDB Local reports 0.
            units[first] += 1.0 if consistent else 0.5

    def _record_transaction(self, kwargs: dict[str, Any], before: list, after: list) -> None:
        self.by_operation["TransactWriteItems"] += 1
        for name, value in transaction_units(kwargs, before, after).items():
            self.write_units[name] += value

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
            transaction = operation == "TransactWriteItems"
            before = _snapshot(connection.client, operation_kwargs) if transaction else []
            try:
                response = original(connection, operation, operation_kwargs)
            except Exception:
                meter._refused(operation)
                raise
            if transaction:
                meter._record_transaction(operation_kwargs, before, _snapshot(connection.client, operation_kwargs))
            else:
                meter._record(operation, response or {}, bool(operation_kwargs.get("ConsistentRead")))
            return response

        setattr(Connection, "_make_api_call", metered)  # noqa: B010 (a method replaced for the meter's life)
        return self

    def __exit__(self, *exc: object) -> None:
        from pynamodb.connection.base import Connection

        Connection._make_api_call = self._original  # type: ignore[method-assign]
        Meter._lock.release()


# Transactions -------------------------------------------------------------------------------------------------------
# DynamoDB Local answers a TransactWriteItems with the units of ONE of its items (a transaction of five puts reports
# 2), so the meter bills transactions itself, as DynamoDB prices them: every item of a transaction twice (prepare and
# commit) at 1 KB per unit, on the table and on each index entry the write adds, changes or removes (counting the
# index entries twice too is the conservative reading of the pricing page). It reads each item just before and just
# after the transaction (uncounted: straight on botocore's client) to know its sizes and index keys.

_KINDS = ("Put", "Update", "Delete", "ConditionCheck")


def _item_key(action: dict[str, Any], item: dict[str, Any] | None) -> dict[str, Any]:
    from devdevdev.store.schema import PARTITION_KEY, SORT_KEY

    if "Key" in action:
        return action["Key"]
    assert item is not None
    return {PARTITION_KEY: item[PARTITION_KEY], SORT_KEY: item[SORT_KEY]}


def _snapshot(client: Any, kwargs: dict[str, Any]) -> list[dict[str, Any] | None]:
    """Each item a transaction names, as it is now (None when absent): consistent BatchGets, 100 keys each."""
    from devdevdev.store.schema import PARTITION_KEY, SORT_KEY

    named = []
    for entry in kwargs["TransactItems"]:
        action = entry[next(k for k in _KINDS if k in entry)]
        named.append((action["TableName"], _item_key(action, action.get("Item"))))
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for start in range(0, len(named), 100):
        wanted: dict[str, Any] = {}
        for table, key in named[start : start + 100]:
            wanted.setdefault(table, {"Keys": [], "ConsistentRead": True})["Keys"].append(key)
        while wanted:
            response = client.batch_get_item(RequestItems=wanted)
            for table, items in response.get("Responses", {}).items():
                for item in items:
                    found[(table, item[PARTITION_KEY]["S"], item[SORT_KEY]["S"])] = item
            wanted = response.get("UnprocessedKeys") or {}
    return [found.get((table, key[PARTITION_KEY]["S"], key[SORT_KEY]["S"])) for table, key in named]


def _value_size(value: dict[str, Any]) -> int:
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode("utf-8"))
    if kind == "N":
        return (len(inner.lstrip("-").replace(".", "")) + 1) // 2 + 1
    if kind == "B":
        return len(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(v.encode("utf-8")) for v in inner)
    if kind == "NS":
        return sum(_value_size({"N": v}) for v in inner)
    if kind == "BS":
        return sum(len(v) for v in inner)
    if kind == "L":
        return 3 + sum(_value_size(v) + 1 for v in inner)
    if kind == "M":
        return 3 + sum(len(k.encode("utf-8")) + _value_size(v) + 1 for k, v in inner.items())
    raise ValueError(kind)


def item_size(item: dict[str, Any] | None) -> int:
    """An item's size as DynamoDB counts it: attribute names plus values (bytes)."""
    return sum(len(name.encode("utf-8")) + _value_size(value) for name, value in (item or {}).items())


def _units(size: int) -> int:
    return max(1, -(-size // 1024))


def _projected(item: dict[str, Any] | None, index: Any) -> dict[str, Any] | None:
    from devdevdev.store.schema import PARTITION_KEY, SORT_KEY

    if item is None or index.partition_key not in item or index.sort_key not in item:
        return None
    projection = index.projection_request()
    if projection["ProjectionType"] == "ALL":
        return item
    names = {PARTITION_KEY, SORT_KEY, index.partition_key, index.sort_key, *projection.get("NonKeyAttributes", ())}
    return {k: v for k, v in item.items() if k in names}


def transaction_units(
    kwargs: dict[str, Any], before: list[dict[str, Any] | None], after: list[dict[str, Any] | None]
) -> Counter[str]:
    """The write units DynamoDB bills for a committed TransactWriteItems, by table and index."""
    from devdevdev.store.schema import INDEXES

    units: Counter[str] = Counter()
    for old, new in zip(before, after, strict=True):
        units["table"] += 2 * _units(max(item_size(old), item_size(new)))
        for index in INDEXES:
            was, now = _projected(old, index), _projected(new, index)
            if was == now:
                continue
            keys_moved = (
                was is not None
                and now is not None
                and ((was[index.partition_key], was[index.sort_key]) != (now[index.partition_key], now[index.sort_key]))
            )
            entries = [e for e in ((was, now) if keys_moved or was is None or now is None else (now,)) if e]
            units[index.name] += sum(2 * _units(item_size(e)) for e in entries)
    return units
