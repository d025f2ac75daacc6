"""Each function's memory (MB), chosen by the cost bench (``make bench BENCH=cost``, bench/README.md) as a
power-tuning run would: the cheapest of Lambda's sizes, 256 MB or more, whose modelled p95 duration meets the
function's latency budget, from the CPU time and I/O wait measured per call (the model and the budgets are in
``bench/cost.py``; the choice in ``docs/decisions.md``). The CDK stack reads it (``infra/stack.py``); the bench prints
its own choice beside these, so a change in what the code costs shows there first.
"""

from __future__ import annotations

FUNCTION_MEMORY_MB: dict[str, int] = {
    # the HTTP API's functions (budget: a p95 of 250 ms in the handler)
    "AuthFunction": 256,
    "PicksFunction": 384,  # a pick page and its vote state: about 70 ms of CPU per call at one vCPU (2026-12-06)
    "ArticlesFunction": 256,
    "CommentsFunction": 512,  # the heaviest handler: about 80 ms of CPU per call at one vCPU (2026-12-06)
    "MypageFunction": 256,
    "NotificationsFunction": 256,
    # what the API's writes start (budget: a p95 of 2 s): the floor meets it
    "ArticleIndexerFunction": 256,
    "NotificationWorkerFunction": 256,
    "EmbedFunction": 256,
    # not driven by the bench's traffic (the live channel, the embedding failure path): the floor
    "WebSocketFunction": 256,
    "EmbedFailureFunction": 256,
}


def memory_mb(function_name: str) -> int:
    """The memory of the function with this construct id; an unknown function is a configuration error."""
    try:
        return FUNCTION_MEMORY_MB[function_name]
    except KeyError:
        raise ValueError(f"no memory size for {function_name!r} in infra/sizing.py") from None
