"""The toggle loop shared by bookmarks and recommends: read the state, write its opposite, and when a concurrent
toggle of the same item won (the write's condition failed), read again a little later."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from devdevdev.domain.errors import Errors
from devdevdev.store.transactions import ConditionFailed, Contended

T = TypeVar("T")
TOGGLE_ATTEMPTS = 20


def _race(_: ConditionFailed) -> None:
    """Every failed condition, whatever its reasons, is a lost race: read again."""


def toggle(
    read: Callable[[], bool | None],
    write: Callable[[bool | None], T],
    *,
    on_condition: Callable[[ConditionFailed], None] = _race,
) -> T:
    """``write(read())`` until a write holds, up to 20 attempts with jitter; ``on_condition`` looks at the failed
    condition's reasons (``ConditionFailed.reasons``, named by the store's write) and may raise for one that is not
    a lost race. Running out of attempts (or of transaction retries) → 500/503
    ``일시적으로 오류가 발생했습니다.``."""
    for attempt in range(TOGGLE_ATTEMPTS):
        if attempt:
            time.sleep(random.uniform(0, 0.02))
        current = read()
        try:
            return write(current)
        except ConditionFailed as failed:
            on_condition(failed)
        except Contended:
            break
    raise Errors.TEMPORARY_FAILURE.error()
