"""One page of a list index: the shared shape of every cursor list."""

from __future__ import annotations

from typing import Any, TypeVar

from pynamodb.expressions.condition import Condition

from devdevdev.store.models import TableModel

M = TypeVar("M", bound=TableModel)
FILTERED_PAGE_SIZE = 100  # items read per request when a filter may drop some


def query_page(
    model: type[M],
    partition: str,
    *,
    index_name: str,
    condition: Condition | None,
    size: int,
    ascending: bool = False,
    filter_condition: Condition | None = None,
) -> tuple[list[M], bool]:
    """Items of ``partition`` in ``index_name`` in descending (or ``ascending``) sort-key order within
    ``condition``'s bound: (the first ``size`` items, whether there are more). Reads ``size + 1`` so that ``last`` is
    exact; with a ``filter_condition`` it keeps reading pages until ``size + 1`` items pass it or the index ends."""
    items: list[Any] = list(
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
    return items[:size], len(items) > size
