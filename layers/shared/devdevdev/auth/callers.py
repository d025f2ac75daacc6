"""What a warm instance remembers of its callers, so that an ordinary request reads nothing to know who it is.

- :class:`LiveLogins`: the member of a login (social type + email), read from the table (one consistent ``GetItem``
  of the login item, as before) at most once per ``recheck_seconds`` per login in this instance. An access token
  names its member (``memberId``), so a login read that finds another member (the login's member exited and the
  address signed up again) refuses the token. A request that may write (any method but GET and HEAD) reads the login
  whatever the instance knows. An exited member's access token is therefore refused at once on every write, in the
  instance that handled the exit and on every route that reads the member item, and within ``recheck_seconds`` on
  the other reads. Only live members are remembered: an unknown login is read every time.
- :class:`KnownAnonymous`: the anonymous member of an ``Anonymous-Member-Id``, which never changes once created.

Both are bounded (least recently used first out) and thread-safe (the local stack's threads share one runtime).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Generic, TypeVar

from devdevdev.auth.tokens import TokenClaims
from devdevdev.clock import Clock
from devdevdev.store.members import AnonymousMember, AnonymousMemberRepository, MemberRepository

# Entries one instance keeps: a few hundred KB at most.
MAX_ENTRIES = 10_000

K = TypeVar("K")
V = TypeVar("V")


class _Bounded(Generic[K, V]):
    """A dict that forgets its least recently used entry past ``capacity``."""

    def __init__(self, capacity: int) -> None:
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def pop(self, key: K) -> None:
        with self._lock:
            self._entries.pop(key, None)


class LiveLogins:
    """The live member of each login this instance has seen, checked again after ``recheck_seconds``."""

    def __init__(
        self, members: MemberRepository, clock: Clock, recheck_seconds: int, capacity: int = MAX_ENTRIES
    ) -> None:
        self._members = members
        self._clock = clock
        self._recheck_seconds = recheck_seconds
        self._checked: _Bounded[tuple[str, str], tuple[int, int]] = _Bounded(capacity)  # → (member id, checked at)

    def member_id(self, claims: TokenClaims, fresh: bool = False) -> int | None:
        """The id of the live member the token is for; None when the login has no live member, or another one
        than the token names. ``fresh`` reads the login whatever this instance knows (a write)."""
        key = (claims.social_type, claims.email)
        now = self._clock.epoch_seconds()
        known = None if fresh else self._checked.get(key)
        if known is not None and now - known[1] < self._recheck_seconds and claims.member_id in (None, known[0]):
            return known[0]
        member_id = self._members.member_id_for_login(claims.social_type, claims.email)
        if member_id is None:
            self._checked.pop(key)
            return None
        self._checked.put(key, (member_id, now))
        return member_id if claims.member_id in (None, member_id) else None

    def confirm(self, claims: TokenClaims, member_id: int) -> None:
        """The member item was just read live: the login needs no read for another ``recheck_seconds``."""
        self._checked.put((claims.social_type, claims.email), (member_id, self._clock.epoch_seconds()))

    def forget(self, social_type: str, email: str) -> None:
        """The login's member exited (or was found gone): the next request of the login reads the table."""
        self._checked.pop((social_type, email))


class KnownAnonymous:
    """Anonymous members by the id their browser sends: found or created once per instance."""

    def __init__(self, anonymous: AnonymousMemberRepository, capacity: int = MAX_ENTRIES) -> None:
        self._anonymous = anonymous
        self._known: _Bounded[str, AnonymousMember] = _Bounded(capacity)

    def find_or_create(self, header_id: str, now: Callable[[], datetime]) -> AnonymousMember:
        """The anonymous member of ``header_id`` (created on first sight, at ``now()``)."""
        known = self._known.get(header_id)
        if known is None:
            known = self._anonymous.find_or_create(header_id, now())
            self._known.put(header_id, known)
        return known
