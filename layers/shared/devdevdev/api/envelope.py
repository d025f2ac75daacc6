"""The response envelope of the contract (docs/rules.md#conv-envelope); the Slice JSON is :mod:`devdevdev.domain.slices`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from devdevdev.domain.text import safe_text

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
