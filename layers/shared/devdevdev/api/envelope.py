"""The response envelope and the Slice JSON of the contract (docs/rules.md#conv-envelope, #conv-slice)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from devdevdev.api.inputs import safe_text

JSON = "application/json;charset=UTF-8"  # the content type of every JSON answer


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def to_json(value: Any) -> str:
    """JSON with Korean written as UTF-8, never as ``\\u`` escapes.

    Never fails on a stored string: a lone surrogate (which the input boundary refuses, but an item written before
    it, or by another path, may hold) is written as U+FFFD, so the text can always be encoded as UTF-8."""
    return safe_text(json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_default))


def success(data: Any = None) -> dict[str, Any]:
    """``{"resultType": "SUCCESS", "data": ...}``; without data just ``{"resultType": "SUCCESS"}``."""
    body: dict[str, Any] = {"resultType": "SUCCESS"}
    if data is not None:
        body["data"] = data
    return body


def success_list(datas: Sequence[Any]) -> dict[str, Any]:
    """The envelope of endpoints that answer a Java ``List``: the items go in ``datas``."""
    return {"resultType": "SUCCESS", "datas": list(datas)}


def failure(message: str, error_code: int) -> dict[str, Any]:
    """``{"resultType": "FAIL", "message": ..., "errorCode": ...}``."""
    return {"resultType": "FAIL", "message": message, "errorCode": error_code}


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
