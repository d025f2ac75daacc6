"""The Slice JSON of the contract (docs/rules.md#conv-slice): one page of a cursor-paged list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _sort(sorted_by_id: bool) -> dict[str, bool]:
    return {"empty": not sorted_by_id, "sorted": sorted_by_id, "unsorted": not sorted_by_id}


def slice_page(
    content: Sequence[Any],
    *,
    size: int,
    has_next: bool,
    sorted_by_id: bool = False,
    page_number: int = 0,
    total_elements: int | None = None,
    total_origin_parent_comments: int | None = None,
) -> dict[str, Any]:
    """A Spring Data ``Slice`` exactly as the contract shows it, key order included.

    ``has_next`` must be exact: read one item ahead (``size + 1``) and pass whether it came back.
    ``sorted_by_id`` mirrors the ``@PageableDefault(sort="id")`` of the endpoints that declare it.
    ``total_elements`` (``SliceCustom``) and ``total_origin_parent_comments`` (``SliceCommentCustom``) appear only
    when given.
    """
    page: dict[str, Any] = {
        "content": list(content),
        "pageable": {
            "pageNumber": page_number,
            "pageSize": size,
            "sort": _sort(sorted_by_id),
            "offset": page_number * size,
            "paged": True,
            "unpaged": False,
        },
    }
    if total_elements is not None:
        page["totalElements"] = total_elements
    if total_origin_parent_comments is not None:
        page["totalOriginParentComments"] = total_origin_parent_comments
    page.update(
        {
            "size": size,
            "number": page_number,
            "sort": _sort(sorted_by_id),
            "first": page_number == 0,
            "last": not has_next,
            "numberOfElements": len(content),
            "empty": len(content) == 0,
        }
    )
    return page
