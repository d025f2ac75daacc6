"""One page of a list index: the shared shape of every cursor list."""

from __future__ import annotations

from typing import Any, TypeVar

from pynamodb.expressions.condition import Condition

from devdevdev.store.models import TableModel

M = TypeVar("M", bound=TableModel)


def query_page(
    model: type[M], partition: str, *, index_name: str, condition: Condition | None, size: int
) -> tuple[list[M], bool]:
    """Items of ``partition`` in ``index_name`` in descending sort-key order, below ``condition``'s bound:
    (the first ``size`` items, whether there are more). Reads ``size + 1`` so that ``last`` is exact."""
    items: list[Any] = list(
        model.query(
            partition,
            range_key_condition=condition,
            index_name=index_name,
            scan_index_forward=False,
            limit=size + 1,
            page_size=size + 1,
        )
    )
    return items[:size], len(items) > size
