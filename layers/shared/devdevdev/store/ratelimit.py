"""Fixed one-minute windows kept in the table, so the limits hold across every Lambda instance.

Two kinds:

- :class:`RateLimiter`, on every request: one item per source IP and minute holds what the IP has reserved
  (``hits``) and what each client of that IP has reserved (an attribute named after a hash of the client's
  anonymous id). An instance does not write per request: one conditional ``UpdateItem`` reserves a block of hits
  for the IP and/or the client (only while the IP stays under its ceiling and the client under its limit), and the
  requests that follow in the same instance and minute spend the blocks it holds. So the limits are never passed,
  whatever the number of instances; what a request can lose is the unspent rest of the blocks other instances
  hold (fewer than a block each). A refused request spends nothing, so a client over its own limit does not use up
  its neighbours' budget. Once the table says a client (or the IP) has nothing left in the window, the instance
  refuses it without asking again. A new client gets a counter only while the IP has reserved fewer than
  :data:`MAX_CLIENTS_PER_WINDOW` hits, which bounds the item far below DynamoDB's 400 KB whatever the cookies.
- :class:`FailureLimiter`, on failed authentications: one counter per subject (a service name, a source IP) and
  minute, all of a request's subjects counted in one conditional transaction. Past the limit every attempt of
  that subject is refused until the window ends, even a right one.

Windows expire through the TTL attribute.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.operand import Path

from devdevdev.store import keys
from devdevdev.store.errors import is_condition_failure
from devdevdev.store.models import RateWindowItem
from devdevdev.store.transactions import ConditionFailed, Contended, Writes, commit

WINDOW_SECONDS = 60
# Client counters one window item may hold: 10,000 × about 21 bytes is about 210 KB, under the 400 KB item limit.
MAX_CLIENTS_PER_WINDOW = 10_000
# The largest block one reservation takes, unless set (``RATE_LIMIT_BLOCK``); never more than a tenth of a limit.
DEFAULT_BLOCK = 10
# Reservations one request may try when other instances keep taking what it read as left (each try follows a read).
MAX_ATTEMPTS = 20
# What a failed condition of :meth:`FailureLimiter.record` means: a subject has no failure left in the window.
FAILURES_USED_UP = "failures-used-up"


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


def block_size(limit: int, block: int) -> int:
    """How many hits one reservation takes against ``limit``: ``block``, but at most a tenth of the limit (at least
    1), so each other instance can hold back at most a tenth of it."""
    return max(1, min(block, limit // 10))


@dataclass
class _Window:
    """What this instance holds of one IP's window: the unspent reserved hits of the IP and of each client, and
    what the table has said is used up until the window ends."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    ip_left: int = 0
    ip_used_up: bool = False
    clients_left: dict[str, int] = field(default_factory=dict)
    clients_used_up: set[str] = field(default_factory=set)


class RateLimiter:
    """Counts requests per client (source IP + anonymous id) and per IP, per minute, reserving from the table in
    blocks. One instance of it per process (a Lambda instance); thread-safe."""

    def __init__(self, per_client: int, per_ip: int, block: int = DEFAULT_BLOCK) -> None:
        self.per_client = per_client
        self.per_ip = per_ip
        self.client_block = block_size(per_client, block)
        self.ip_block = block_size(per_ip, block)
        self._windows: dict[tuple[str, int], _Window] = {}
        self._minute = 0
        self._lock = threading.Lock()

    def hit(self, source_ip: str, client: str | None, epoch_seconds: int) -> bool:
        """Count one request of ``client`` behind ``source_ip``; False (and nothing counted) when the IP has
        reached its ceiling or the client its limit in this window. No table call while this instance holds
        reserved hits of both."""
        minute = epoch_seconds // WINDOW_SECONDS
        attribute = client_attribute(client)
        window = self._window(source_ip, minute)
        with window.lock:  # an instance serves one request at a time; the local stack's threads share one limiter
            need_ip = window.ip_left == 0
            need_client = window.clients_left.get(attribute, 0) == 0
            if (need_ip and window.ip_used_up) or (need_client and attribute in window.clients_used_up):
                return False
            if (need_ip or need_client) and not self._reserve(window, source_ip, minute, attribute, need_ip):
                return False
            window.ip_left -= 1
            window.clients_left[attribute] -= 1
            return True

    def _window(self, source_ip: str, minute: int) -> _Window:
        with self._lock:
            if minute > self._minute:  # a new minute: the blocks of past windows are worth nothing now
                self._windows = {key: w for key, w in self._windows.items() if key[1] >= minute}
                self._minute = minute
            return self._windows.setdefault((source_ip, minute), _Window())

    def _reserve(self, window: _Window, source_ip: str, minute: int, attribute: str, need_ip: bool) -> bool:
        """Reserve a block for the IP (when ``need_ip``) and one for the client (when it has none left here), in
        one conditional update; when it fails, read what is left and reserve that much. False when the IP or the
        client has nothing left (remembered until the window ends: the table's counts only grow)."""
        need_client = window.clients_left.get(attribute, 0) == 0
        ip_take = self.ip_block if need_ip else 0
        client_take = self.client_block if need_client else 0
        for _ in range(MAX_ATTEMPTS):
            if self._update(source_ip, minute, attribute, ip_take, client_take):
                window.ip_left += ip_take
                window.clients_left[attribute] = window.clients_left.get(attribute, 0) + client_take
                return True
            hits, counter = self._read(source_ip, minute, attribute)
            if need_ip:
                ip_take = min(ip_take, self.per_ip - hits)
                if ip_take <= 0:
                    window.ip_used_up = True
                    return False
            if need_client:
                if counter is None:
                    left = self.per_client if hits < MAX_CLIENTS_PER_WINDOW else 0
                else:
                    left = self.per_client - counter
                client_take = min(client_take, left)
                if client_take <= 0:
                    window.clients_used_up.add(attribute)
                    return False
        return False  # other instances kept taking what was left: refused, nothing reserved

    def _update(self, source_ip: str, minute: int, attribute: str, ip_take: int, client_take: int) -> bool:
        """One conditional ``UpdateItem`` adding ``ip_take`` to the IP's hits and ``client_take`` to the client's,
        only if neither passes its limit; False when the condition failed."""
        hits = RateWindowItem.hits
        counter = Path(attribute)
        actions: list = [RateWindowItem.expires_at.set(_expiry(minute))]
        conditions = []
        if ip_take:
            actions.append(hits.add(ip_take))
            conditions.append(hits.does_not_exist() | (hits <= self.per_ip - ip_take))
        if client_take:
            actions.append(counter.add(client_take))
            conditions.append(
                (counter <= self.per_client - client_take)
                | (counter.does_not_exist() & (hits.does_not_exist() | (hits < MAX_CLIENTS_PER_WINDOW)))
            )
        condition = conditions[0] if len(conditions) == 1 else conditions[0] & conditions[1]
        try:
            RateWindowItem(*keys.rate_window(source_ip, minute)).update(actions=actions, condition=condition)
        except UpdateError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    @staticmethod
    def _read(source_ip: str, minute: int, attribute: str) -> tuple[int, int | None]:
        """The IP's reserved hits and the client's (None: the client has no counter yet), in one consistent read.
        The client's counter is an attribute the model does not declare, so the item is read as DynamoDB sends it."""
        pk, sk = keys.rate_window(source_ip, minute)
        item = RateWindowItem._get_connection().get_item(pk, sk, consistent_read=True).get("Item") or {}
        hits = int(item["hits"]["N"]) if "hits" in item else 0
        return hits, int(item[attribute]["N"]) if attribute in item else None


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
        the IP and another the last of the service name, and refuse both). Each subject's write fails as
        :data:`FAILURES_USED_UP`; a transaction that keeps contending is refused too (the safe answer here)."""
        minute = epoch_seconds // WINDOW_SECONDS
        hits = RateWindowItem.hits
        under_limit = hits.does_not_exist() | (hits < self.limit)

        def build(write: Writes) -> None:
            for subject in subjects:
                write.update(
                    RateWindowItem(*keys.auth_failures(subject, minute)),
                    actions=[hits.add(1), RateWindowItem.expires_at.set(_expiry(minute))],
                    condition=under_limit,
                    reason=FAILURES_USED_UP,
                )

        try:
            commit(build)
        except ConditionFailed as failed:
            if FAILURES_USED_UP in failed:
                return True
            raise
        except Contended:
            return True  # kept contending: refusing is the safe answer for failed authentications
        return False
