"""Which notification types a client is shown (docs/rules.md#notifications): the ``types`` query parameter of the
lists, the count, read-all and the live channel."""

from __future__ import annotations

from devdevdev.domain.errors import bad_request
from devdevdev.store.notifications import DOCUMENTED_TYPES, TYPES


def parse_types(raw: str | None) -> frozenset[str]:
    """The notification types a client renders, comma-separated (or repeated, which API Gateway joins with commas).
    Absent: ``SUBSCRIPTION`` only, the one type the contract's examples show, so a client written against them never
    meets an item it cannot render (docs/decisions.md). Anything else → 400."""
    if raw is None:
        return DOCUMENTED_TYPES
    names = [name.strip() for name in raw.split(",")]
    if not all(name in TYPES for name in names):
        raise bad_request(f"types 값이 올바르지 않습니다. 가능한 값: {', '.join(TYPES)}")
    return frozenset(names)
