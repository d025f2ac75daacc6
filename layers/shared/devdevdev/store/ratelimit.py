"""Fixed one-minute windows kept in the table, so the limits hold across every Lambda instance.

Two kinds:

- :class:`RateLimiter`, on every request: one item per source IP and minute holds the IP's total (``hits``) and one
  counter per client of that IP (an attribute named after a hash of the client's anonymous id). One conditional
  ``UpdateItem`` per request adds 1 to both, and only when the IP is under its ceiling and the client under its
  limit; a refused request writes nothing, so a client over its own limit does not use up its neighbours' budget.
  A new client gets a counter only while the IP's total is under the ceiling (and under
  :data:`MAX_CLIENTS_PER_WINDOW`), which bounds the item far below DynamoDB's 400 KB whatever the cookies.
- :class:`FailureLimiter`, on failed authentications: one counter per subject (a service name, a source IP) and
  minute, all of a request's subjects counted in one conditional transaction. Past the limit every attempt of
  that subject is refused until the window ends, even a right one.

Windows expire through the TTL attribute.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.operand import Path
from pynamodb.transactions import TransactWrite

from devdevdev.store import keys
from devdevdev.store.errors import is_condition_failure
from devdevdev.store.models import RateWindowItem
from devdevdev.store.transactions import ConditionFailed, Contended, commit

WINDOW_SECONDS = 60
# Client counters one window item may hold: 10,000 × about 21 bytes is about 210 KB, under the 400 KB item limit.
MAX_CLIENTS_PER_WINDOW = 10_000


def seconds_to_window_end(epoch_seconds: int) -> int:
    """What ``Retry-After`` says: whole seconds until the current window ends (1 to 60)."""
    return WINDOW_SECONDS - epoch_seconds % WINDOW_SECONDS


def _expiry(minute: int) -> datetime:
    return datetime.fromtimestamp((minute + 2) * WINDOW_SECONDS, UTC)


def client_attribute(client: str | None) -> str:
    """The counter of one client inside its IP's window item: ``c`` and 16 hex digits of a hash of its anonymous
    id (any length, any characters; no id at all is a client too: the IP's cookieless requests)."""
    digest = hashlib.blake2b((client or "").encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    return f"c{digest}"


class RateLimiter:
    """Counts requests per client (source IP + anonymous id) and per IP, per minute."""

    def __init__(self, per_client: int, per_ip: int) -> None:
        self.per_client = per_client
        self.per_ip = per_ip

    def hit(self, source_ip: str, client: str | None, epoch_seconds: int) -> bool:
        """Count one request of ``client`` behind ``source_ip``; False (and nothing counted) when the IP has
        reached its ceiling or the client its limit in this window."""
        minute = epoch_seconds // WINDOW_SECONDS
        hits = RateWindowItem.hits
        counter = Path(client_attribute(client))
        ip_under_ceiling = hits.does_not_exist() | (hits < self.per_ip)
        tracked = min(self.per_ip, MAX_CLIENTS_PER_WINDOW)
        client_under_limit = (counter < self.per_client) | (
            counter.does_not_exist() & (hits.does_not_exist() | (hits < tracked))
        )
        item = RateWindowItem(*keys.rate_window(source_ip, minute))
        try:
            item.update(
                actions=[hits.add(1), counter.add(1), RateWindowItem.expires_at.set(_expiry(minute))],
                condition=ip_under_ceiling & client_under_limit,
            )
        except UpdateError as error:
            if is_condition_failure(error):
                return False
            raise
        return True


class FailureLimiter:
    """Counts failed attempts per subject and minute; a subject past the limit is refused until its window ends."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def blocked(self, subjects: Sequence[str], epoch_seconds: int) -> bool:
        """Whether any of ``subjects`` has used up its failures in this window (one consistent batch read)."""
        minute = epoch_seconds // WINDOW_SECONDS
        found = RateWindowItem.batch_get(
            [keys.auth_failures(subject, minute) for subject in subjects], consistent_read=True
        )
        return any(int(item.hits) >= self.limit for item in found)

    def record(self, subjects: Sequence[str], epoch_seconds: int) -> bool:
        """Count one failure against every subject at once; True (and nothing counted) when any of them has no
        failure left in this window. One transaction with a condition per subject, so concurrent failures of the
        same subjects take the remaining slots in one order for all of them: exactly ``limit`` are answered as
        failures, whatever the interleaving (per-subject updates in turn could give one request the last slot of
        the IP and another the last of the service name, and refuse both)."""
        minute = epoch_seconds // WINDOW_SECONDS
        hits = RateWindowItem.hits
        under_limit = hits.does_not_exist() | (hits < self.limit)

        def build(write: TransactWrite) -> None:
            for subject in subjects:
                write.update(
                    RateWindowItem(*keys.auth_failures(subject, minute)),
                    actions=[hits.add(1), RateWindowItem.expires_at.set(_expiry(minute))],
                    condition=under_limit,
                )

        try:
            commit(build)
        except (ConditionFailed, Contended):
            return True  # kept contending: refusing is the safe answer for failed authentications
        return False
