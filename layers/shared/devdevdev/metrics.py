"""Business and operational metrics as CloudWatch embedded metric format (EMF) lines, one namespace per stage.

The call sites only name what happened (``metrics.count("VotesCast")``); how the lines are written and flushed is
this module's concern (issue 22 replaces the per-call line with one flush per invocation)."""

from __future__ import annotations

import os

from aws_lambda_powertools.metrics import MetricUnit, single_metric


def _namespace() -> str:
    return os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or f"devdevdev-{os.environ.get('STAGE', 'local')}"


def count(name: str, value: float = 1, **dimensions: str) -> None:
    """Add ``value`` to the count ``name`` (dimensions: a few low-cardinality names, never an id)."""
    _emit(name, value, MetricUnit.Count, dimensions)


def milliseconds(name: str, value: float, **dimensions: str) -> None:
    """Record a duration ``name`` in milliseconds (a latency, a lag)."""
    _emit(name, value, MetricUnit.Milliseconds, dimensions)


def _emit(name: str, value: float, unit: MetricUnit, dimensions: dict[str, str]) -> None:
    with single_metric(name=name, unit=unit, value=value, namespace=_namespace()) as metric:
        for key, dimension in dimensions.items():
            metric.add_dimension(name=key, value=dimension)
