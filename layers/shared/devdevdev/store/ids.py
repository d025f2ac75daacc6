"""Numeric ids from atomic counters: increasing, unique, and below 2^53 (the web client reads them as JS numbers)."""

from __future__ import annotations

from pynamodb.exceptions import UpdateError

from devdevdev.store import keys
from devdevdev.store.errors import is_condition_failure
from devdevdev.store.models import CounterItem


class IdAllocator:
    """Hands out ids per kind of entity (``member``, ``pick``, ...) with one atomic ``ADD`` each."""

    def next_id(self, kind: str) -> int:
        """The next id of ``kind``."""
        return self.next_ids(kind, 1)[0]

    def next_ids(self, kind: str, count: int) -> list[int]:
        """``count`` consecutive new ids of ``kind``, in one ``ADD``."""
        pk, sk = keys.counter(kind)
        item = CounterItem(pk, sk)
        item.update(actions=[CounterItem.value.add(count)])
        last = int(item.value)
        return list(range(last - count + 1, last + 1))

    def reserve_up_to(self, kind: str, value: int) -> None:
        """Make sure later ids of ``kind`` are above ``value`` (after writing fixed ids, e.g. demo data)."""
        pk, sk = keys.counter(kind)
        item = CounterItem(pk, sk)
        try:
            item.update(
                actions=[CounterItem.value.set(value)],
                condition=CounterItem.value.does_not_exist() | (CounterItem.value < value),
            )
        except UpdateError as error:
            if not is_condition_failure(error):
                raise
