"""The port the notification services push live messages through; the adapter (the wire format, API Gateway's
management API, the SSE inbox) is :class:`devdevdev.api.live.LivePusher`, which the runtime provides as
``runtime.live``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from devdevdev.store.notifications import Connection


class LiveTransport(Protocol):
    def send(self, connections: Sequence[Connection], message: str, at: datetime) -> int:
        """Deliver ``message`` (dated ``at``) to these connections; how many took it."""
        ...
