"""X-Ray tracing through Powertools' Tracer, built only where it can send and only when first used.

In Lambda (``LAMBDA_TASK_ROOT`` set, ``POWERTOOLS_TRACE_DISABLED`` not true) the first traced invocation builds the
Tracer and patches, through the X-Ray SDK, botocore (every DynamoDB, S3, SQS, Secrets Manager call: pynamodb and
boto3 both go through it) and requests (the OpenSearch client's transport), so each call is a subsegment of the
invocation. The patches are registered as post-import hooks: a module the function never imports is never loaded
for them. Anywhere else (the local stack, the tests, a script) nothing is built and nothing is imported: the
handler runs as it is.

Responses are not recorded in traces (they can hold members' data); exceptions are, by Powertools' default.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

# The libraries whose calls become subsegments: botocore (DynamoDB, S3, SQS) and requests (OpenSearch).
PATCHED = ("botocore", "requests")

Handler = TypeVar("Handler", bound=Callable[..., Any])

_tracer: Any = None
_lock = threading.Lock()


def enabled() -> bool:
    """Whether traces can be sent: in Lambda, unless ``POWERTOOLS_TRACE_DISABLED`` is true (or SAM's emulator)."""
    if os.environ.get("POWERTOOLS_TRACE_DISABLED", "false").strip().lower() in ("1", "true", "yes", "on"):
        return False
    return bool(os.environ.get("LAMBDA_TASK_ROOT")) and not os.environ.get("AWS_SAM_LOCAL")


def tracer() -> Any:
    """The process's Tracer, built (and the libraries patched) on first use; None where tracing is off."""
    global _tracer
    if _tracer is not None or not enabled():
        return _tracer
    with _lock:
        if _tracer is None:
            import wrapt
            from aws_lambda_powertools import Tracer

            built = Tracer(auto_patch=False)
            for name in PATCHED:
                # runs at once if the module is already loaded, else when (if ever) it is imported
                wrapt.register_post_import_hook(_patcher(built, name), name)
            _tracer = built
    return _tracer


def _patcher(built: Any, name: str) -> Callable[[Any], None]:
    def patch(_module: Any) -> None:
        built.patch([name])

    return patch


def capture_lambda_handler(handler: Handler) -> Handler:
    """``handler`` as a traced invocation (Powertools' ``capture_lambda_handler``: a ``## <name>`` subsegment with
    the ColdStart and Service annotations, the exception as metadata) where tracing is on; as it is elsewhere."""
    traced: list[Callable[..., Any]] = []

    @functools.wraps(handler)
    def run(event: Any, context: Any) -> Any:
        current = tracer()
        if current is None:
            return handler(event, context)
        if not traced:
            traced.append(current.capture_lambda_handler(handler, capture_response=False))
        return traced[0](event, context)

    return run  # type: ignore[return-value]


def annotate(**annotations: str | int | bool) -> None:
    """Searchable annotations on the current (sub)segment (the route, the status); nothing where tracing is off."""
    current = tracer()
    if current is None:
        return
    for key, value in annotations.items():
        current.put_annotation(key=key, value=value)
