"""Each function's memory (MB), chosen by the cost bench (``make bench BENCH=cost``, bench/README.md) as a
power-tuning run would: the cheapest of Lambda's sizes whose modelled p95 duration meets the function's latency
budget, from the CPU time and I/O wait measured per call. The CDK stack reads it (``infra/stack.py``); the bench
prints its own choice beside these, so a change in the code's cost shows there first.
"""

from __future__ import annotations

FUNCTION_MEMORY_MB: dict[str, int] = {
    # the HTTP API's functions (budget: p95 of 250 ms in the handler)
    "AuthFunction": 512,
    "PicksFunction": 512,
    "ArticlesFunction": 512,
    "CommentsFunction": 512,
    "MypageFunction": 512,
    "NotificationsFunction": 512,
    # what the API's writes start (budget: p95 of 2 s)
    "ArticleIndexerFunction": 512,
    "NotificationWorkerFunction": 512,
    "EmbedFunction": 512,
    # not driven by the bench's traffic (the live channel, the embedding failure path): kept at the measured floor
    "WebSocketFunction": 512,
    "EmbedFailureFunction": 512,
}


def memory_mb(function_name: str) -> int:
    """The memory of the function with this construct id; an unknown function is a configuration error."""
    try:
        return FUNCTION_MEMORY_MB[function_name]
    except KeyError:
        raise ValueError(f"no memory size for {function_name!r} in infra/sizing.py") from None
