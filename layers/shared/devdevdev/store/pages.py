"""One page of a list index, and the BatchGet that fills it: the shared shape of every cursor list.

No index projects what a list renders (a view or a vote would then rewrite every copy, docs/decisions.md): a list
Queries the keys of its index, then reads the items, and whatever else the page needs (the caller's own votes,
recommends, bookmarks, subscriptions; the authors), in one ``BatchGetItem`` of the one table.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple, TypeVar

from pynamodb.expressions.condition import Condition

from devdevdev.store.models import TableModel, _shared_connection
from devdevdev.store.schema import PARTITION_KEY, SORT_KEY

M = TypeVar("M", bound=TableModel)
FILTERED_PAGE_SIZE = 100  # items read per request when a filter may drop some
BATCH_GET_SIZE = 100  # BatchGetItem's limit of keys per request
UNPROCESSED_ATTEMPTS = 8  # rounds of unprocessed keys retried (with a short jittered back-off) before giving up

Key = tuple[str, str]
Wanted = tuple[type[TableModel], str, str]  # (the model an item is read as, its PK, its SK)


class Found(dict[Key, TableModel]):
    """Items read by :func:`batch_get`, by (PK, SK); a missing key is absent."""

    def of(self, model: type[M], key: Key) -> M | None:
        item = self.get(key)
        return item if isinstance(item, model) else None


def batch_get(wanted: Iterable[Wanted], *, consistent: bool = False) -> Found:
    """Items of any models of the table by key, in BatchGetItem requests of 100 keys (one request for a page),
    unprocessed keys retried. Keys asked twice are read once."""
    models: dict[Key, type[TableModel]] = {}
    for model, pk, sk in wanted:
        models.setdefault((pk, sk), model)
    found = Found()
    keys = list(models)
    table = TableModel.Meta.table_name
    connection = _shared_connection()
    for start in range(0, len(keys), BATCH_GET_SIZE):
        pending: list[dict[str, Any]] = [
            {PARTITION_KEY: {"S": pk}, SORT_KEY: {"S": sk}} for pk, sk in keys[start : start + BATCH_GET_SIZE]
        ]
        for attempt in range(UNPROCESSED_ATTEMPTS + 1):
            if attempt:
                time.sleep(random.uniform(0, 0.01 * 2**attempt))  # DynamoDB throttled part of the request
            request: dict[str, Any] = {"Keys": pending}
            if consistent:
                request["ConsistentRead"] = True
            response = connection.dispatch("BatchGetItem", {"RequestItems": {table: request}})
            for raw in response.get("Responses", {}).get(table, []):
                key = (raw[PARTITION_KEY]["S"], raw[SORT_KEY]["S"])
                found[key] = models[key].from_raw_data(raw)
            pending = response.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
            if not pending:
                break
        else:
            raise RuntimeError(f"BatchGetItem left {len(pending)} keys unprocessed")
    return found


class Page(NamedTuple):
    """A page of a list: its items in the index's order, whether more follow, and the other items read with them."""

    items: list[Any]
    has_next: bool
    joined: Found


def query_page(
    model: type[M],
    partition: str,
    *,
    index_name: str,
    condition: Condition | None,
    size: int,
    ascending: bool = False,
    filter_condition: Condition | None = None,
    join: Callable[[Sequence[Key]], Iterable[Wanted]] | None = None,
    projected: bool = False,
) -> Page:
    """Items of ``partition`` in ``index_name`` in descending (or ``ascending``) sort-key order within
    ``condition``'s bound: (the first ``size`` items, whether there are more, what ``join`` asked for).

    Reads ``size + 1`` keys so that ``has_next`` is exact; with a ``filter_condition`` (on attributes the index
    projects) it keeps reading pages until ``size + 1`` keys pass it or the index ends. Then one BatchGet reads the
    items and the keys ``join`` derives from the page's (PK, SK) keys, in the same request. An item deleted between
    the Query and the BatchGet is left out. ``projected``: the index projects everything the caller reads of the
    items (GSI1's companies): they are taken from the Query, and the BatchGet reads only what ``join`` asks for."""
    hits: list[Any] = list(
        model.query(
            partition,
            range_key_condition=condition,
            index_name=index_name,
            scan_index_forward=ascending,
            filter_condition=filter_condition,
            limit=size + 1,
            page_size=size + 1 if filter_condition is None else max(size + 1, FILTERED_PAGE_SIZE),
        )
    )
    page_keys = [(hit.pk, hit.sk) for hit in hits[:size]]
    if projected:
        found = batch_get(join(page_keys)) if join is not None and page_keys else Found()
        return Page(hits[:size], len(hits) > size, found)
    items, found = fill(model, page_keys, join)
    return Page(items, len(hits) > size, found)


def fill(
    model: type[M], page_keys: Sequence[Key], join: Callable[[Sequence[Key]], Iterable[Wanted]] | None = None
) -> tuple[list[M], Found]:
    """The items of ``page_keys`` in that order (those gone meanwhile left out), and everything read with them."""
    if not page_keys:
        return [], Found()
    wanted: list[Wanted] = [(model, pk, sk) for pk, sk in page_keys]
    if join is not None:
        wanted += list(join(page_keys))
    found = batch_get(wanted)
    items = [item for item in (found.of(model, key) for key in page_keys) if item is not None]
    return items, found
