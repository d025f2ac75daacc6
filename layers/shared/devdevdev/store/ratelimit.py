"""A fixed-window rate limit kept in the table, so it holds across every Lambda instance.

One ``UpdateItem`` per request (``ADD hits 1``, returning the new count); windows expire through the TTL attribute.
"""

from __future__ import annotations

from datetime import UTC, datetime

from devdevdev.store import keys
from devdevdev.store.models import RateWindowItem

WINDOW_SECONDS = 60


class RateLimiter:
    """Counts requests per client and minute."""

    def __init__(self, limit_per_minute: int) -> None:
        self.limit = limit_per_minute

    def hit(self, client: str, epoch_seconds: int) -> bool:
        """Count one request of ``client``; False when it goes over the limit of its window."""
        minute = epoch_seconds // WINDOW_SECONDS
        item = RateWindowItem(*keys.rate_window(client, minute))
        item.update(
            actions=[
                RateWindowItem.hits.add(1),
                RateWindowItem.expires_at.set(datetime.fromtimestamp((minute + 2) * WINDOW_SECONDS, UTC)),
            ]
        )
        return int(item.hits) <= self.limit


def client_key(source_ip: str, ga_cookie: str | None) -> str:
    """Who a request counts against: the ``_ga`` cookie with the source IP, or the IP alone (as upstream)."""
    return f"{ga_cookie}-{source_ip}" if ga_cookie else source_ip
