"""Business and operational metrics as CloudWatch embedded metric format (EMF) lines, one namespace per stage.

The call sites only name what happened (``metrics.count("VotesCast")``); how the lines are written is this module's
concern. Within an invocation (:func:`invocation`, which every entry point opens: ``devdevdev.api.app.handle`` and
``devdevdev.logs.observed``) the metrics are collected and written once at its end, one EMF line per dimension set,
through Powertools' CloudWatch EMF provider (``flush_metrics``); a call outside any invocation (a script) is written
at once. ``POWERTOOLS_METRICS_DISABLED=true`` (``make run``'s default) writes nothing.

Dimensions are a few low-cardinality names (a route group, an error code's name), never an id.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

COUNT = "Count"
MILLISECONDS = "Milliseconds"

# (name, unit, value) by dimension set (sorted (name, value) pairs)
Batch = dict[tuple[tuple[str, str], ...], list[tuple[str, str, float]]]

# The local gateway runs many "instances" in one process, one per thread at a time: each thread has its own batch.
_local = threading.local()


def namespace() -> str:
    """``devdevdev-<stage>``, unless ``POWERTOOLS_METRICS_NAMESPACE`` names another."""
    return os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or f"devdevdev-{os.environ.get('STAGE', 'local')}"


def count(name: str, value: float = 1, **dimensions: str) -> None:
    """Add ``value`` to the count ``name`` (dimensions: a few low-cardinality names, never an id)."""
    _add(name, COUNT, value, dimensions)


def milliseconds(name: str, value: float, **dimensions: str) -> None:
    """Record a duration ``name`` in milliseconds (a latency, a lag)."""
    _add(name, MILLISECONDS, value, dimensions)


@contextmanager
def invocation() -> Iterator[None]:
    """Collect the metrics recorded inside, and write them once when it ends (even when it raises). Nested
    invocations (an entry point calling another's code) write with the outermost."""
    if getattr(_local, "batch", None) is not None:
        yield
        return
    _local.batch = {}
    try:
        yield
    finally:
        batch: Batch = _local.batch
        _local.batch = None
        write(batch)


def _add(name: str, unit: str, value: float, dimensions: dict[str, str]) -> None:
    key = tuple(sorted((k, str(v)) for k, v in dimensions.items()))
    batch: Batch | None = getattr(_local, "batch", None)
    if batch is None:
        write({key: [(name, unit, value)]})
    else:
        batch.setdefault(key, []).append((name, unit, value))


def write(batch: Batch) -> None:
    """Write each dimension set's metrics as one EMF line on stdout (where Lambda's log agent picks them up)."""
    if not batch:
        return
    # Loaded on the first write, not at a function's import (cold start).
    from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import AmazonCloudWatchEMFProvider

    for dimensions, entries in batch.items():
        # service="": no per-function "service" dimension (POWERTOOLS_SERVICE_NAME), so a metric of the API is one
        # series whichever function wrote it.
        provider = AmazonCloudWatchEMFProvider(namespace=namespace(), service="")
        for key, value in dimensions:
            provider.add_dimension(name=key, value=value)
        for name, unit, amount in entries:
            provider.add_metric(name=name, unit=unit, value=amount)
        provider.flush_metrics()
