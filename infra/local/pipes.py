"""The local stack's stand-in for the EventBridge Pipe and the Step Functions state machine of pick embeddings.

Stream records (from ``infra.local.streams.StreamPump``) pass the same filter as in AWS
(``devdevdev.embeddings.pipeline.STREAM_FILTER``), and each batch runs one "execution" with the same retry policy
on the same handlers (``functions/picks/embed.py``): ``lambda_handler``, then ``failure_handler`` when it still
fails. ``sleep`` is the wait between retries (tests pass one that does not wait).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from devdevdev.embeddings.pipeline import run_execution, selected


class EmbeddingPipe:
    """Filters stream records and runs the embedding state machine on those that pass."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        from functions.picks.embed import failure_handler, lambda_handler

        self._task = lambda_handler
        self._on_failure = failure_handler
        self._sleep = sleep
        self.executions: list[dict[str, Any]] = []  # the outputs, newest last (the local "execution history")

    def apply(self, records: list[dict[str, Any]]) -> int:
        """Run one execution for the records the filter passes; how many passed."""
        passed = selected(records)
        if passed:
            output = run_execution({"records": passed}, self._task, self._on_failure, sleep=self._sleep)
            self.executions.append(output)
            del self.executions[:-100]
        return len(passed)
