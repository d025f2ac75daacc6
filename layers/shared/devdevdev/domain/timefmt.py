"""The contract's date formats (docs/rules.md#conv-dates).

Instants are stored in UTC; they are rendered in the caller's zone (Asia/Seoul unless the request says otherwise).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")


def local_datetime(at: datetime, zone: ZoneInfo = SEOUL) -> str:
    """ISO local date-time as Spring writes a LocalDateTime: ``2025-08-31T12:34:56.123456`` (fraction only if any)."""
    local = at.astimezone(zone).replace(tzinfo=None)
    return local.isoformat(timespec="microseconds" if local.microsecond else "seconds")


def spaced_datetime(at: datetime, zone: ZoneInfo = SEOUL) -> str:
    """``yyyy-MM-dd HH:mm:ss``, the format of fields carrying ``@JsonFormat`` (comment and pick ``createdAt``)."""
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
