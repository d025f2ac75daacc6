"""Time, behind a port so that tests can move it."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    """The real clock. Everything that needs "now" takes a clock, never calls time directly."""

    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        return datetime.now(UTC)

    def epoch_seconds(self) -> int:
        """Whole seconds since the epoch."""
        return int(time.time())


class FixedClock(Clock):
    """A clock that stands still until told to move (tests, benchmarks)."""

    def __init__(self, at: datetime) -> None:
        self._at = at

    def now(self) -> datetime:
        return self._at

    def epoch_seconds(self) -> int:
        return int(self._at.timestamp())

    def advance(self, **delta: float) -> None:
        """Move the clock forward by a ``timedelta(**delta)``."""
        from datetime import timedelta

        self._at = self._at + timedelta(**delta)
