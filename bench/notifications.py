"""Publishing to 10,000 subscribers: the time from the crawler's request to the last notification written, and what
DynamoDB did for each notification.

It runs on a stack of its own (DynamoDB Local in memory, moto's SQS), through the real code: the publish service
(claims, queued job), then the worker draining the queue as Lambda's event source would (the first page of 1,000
subscribers inside the publish job, the other nine as delivery jobs), with 1% of the subscribers connected (SSE
inboxes), so the live push is measured too. Requests are counted at PynamoDB's connection, and read and write units
by :class:`bench.meter.Meter` (``ReturnConsumedCapacity=INDEXES``: the table and each index).

    make bench BENCH=notifications            SUBSCRIBERS=10000 ARTICLES=3 by default (environment variables)
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.meter import Meter
from bench.results import results_dir


def _kind(item: dict[str, Any]) -> str:
    """An item's kind: its sort key's prefix (``NOTIFICATION``), or its partition's for the SSE inboxes (``LIVE``)."""
    pk, sk = item["PK"]["S"], item["SK"]["S"]
    return "LIVE" if pk.startswith("LIVE#") else sk.split("#", 1)[0]


class RequestCounter:
    """Counts DynamoDB requests by operation, and the items written by kind of item (puts and updates, alone, in
    batches or in transactions). Units come from :class:`bench.meter.Meter`, which bills transactions item by item."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.written: Counter[str] = Counter()
        self.keys_read = 0

    def install(self) -> Callable[[], None]:
        """Start counting; returns the function that stops it."""
        from pynamodb.connection.base import Connection

        original = Connection._make_api_call
        counter = self

        def counted(connection: Any, operation: str, kwargs: dict) -> dict:
            counter.requests[operation] += 1
            if operation == "BatchWriteItem":
                for requests in kwargs["RequestItems"].values():
                    for request in requests:
                        if "PutRequest" in request:
                            counter.written[_kind(request["PutRequest"]["Item"])] += 1
            elif operation == "PutItem":
                counter.written[_kind(kwargs["Item"])] += 1
            elif operation == "TransactWriteItems":
                for action in kwargs["TransactItems"]:
                    if "Put" in action:
                        counter.written[_kind(action["Put"]["Item"])] += 1
                    elif "Update" in action:
                        counter.written[_kind(action["Update"]["Key"])] += 1
            elif operation == "BatchGetItem":
                counter.keys_read += sum(len(v["Keys"]) for v in kwargs["RequestItems"].values())
            return original(connection, operation, kwargs)

        setattr(Connection, "_make_api_call", counted)  # noqa: B010 (replaced for the bench's life)

        def uninstall() -> None:
            Connection._make_api_call = original  # type: ignore[method-assign]

        return uninstall


def _subscribe_all(runtime: Any, company_id: int, member_ids: range, now: datetime) -> None:
    """Subscriptions written straight in batches (the bench measures the fan-out, not 10,000 subscribe calls)."""
    from devdevdev.store.companies import subscription_item
    from devdevdev.store.models import SubscriptionItem

    with SubscriptionItem.batch_write() as batch:
        for member_id in member_ids:
            batch.save(subscription_item(member_id, company_id, member_id, now))


def _per(units: Mapping[str, float], count: int) -> dict[str, float]:
    """Units per notification, by table or index, and their total."""
    per = {name: round(value / count, 3) for name, value in sorted(units.items()) if value}
    return {**per, "total": round(sum(units.values()) / count, 3)}


def run(subscribers: int, article_count: int, connected_share: float = 0.01) -> dict[str, Any]:
    from devdevdev.services.notifications.publish import Announcement, publish
    from devdevdev.store.articles import ArticleDraft
    from devdevdev.store.notifications import Connection

    from bench.stack import local_stage
    from infra.local.queues import QueuePump

    with local_stage() as stage:  # seeded, with the notification queue
        runtime, env = stage.runtime, stage.env
        now = runtime.clock.now()
        first_member = 1_000_000
        members = range(first_member, first_member + subscribers)
        _subscribe_all(runtime, 1, members, now)
        article_ids = []
        for n in range(article_count):
            article_id = runtime.ids.next_id("article")
            draft = ArticleDraft(
                company_id=1,
                title=f"벤치마크 글 {n}",
                contents="내용",
                author="벤치",
                reg_date="2026-01-01",
                tech_article_url=f"https://bench.example.com/{n}",
                thumbnail_url=None,
            )
            runtime.articles.insert(article_id, draft, now)
            article_ids.append(article_id)
        connected = members[:: max(int(1 / connected_share), 1)]
        for member_id in connected:
            runtime.notifications.connect(
                Connection(f"bench-{member_id}", member_id, "sse"), now, timedelta(minutes=10)
            )

        counter = RequestCounter()
        pump = QueuePump(env["SQS_ENDPOINT"], env["NOTIFICATION_QUEUE_URL"], runtime.settings.region)
        meter = Meter().__enter__()
        uninstall = counter.install()
        try:
            started = time.perf_counter()
            publish(runtime, Announcement("SUBSCRIPTION", 1, tuple(article_ids)))
            answered = time.perf_counter()
            jobs = pump.drain()
            finished = time.perf_counter()
        finally:
            uninstall()
            meter.__exit__(None, None, None)

        expected = subscribers * article_count
        written = sum(runtime.notifications.unread_count(m) for m in (members[0], members[-1]))
        assert written == 2 * article_count, "the fan-out did not reach every subscriber"
        result = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "subscribers": subscribers,
            "articles": article_count,
            "notifications": expected,
            "connected": len(connected),
            "publish_answered_ms": round((answered - started) * 1000, 1),
            "fan_out_seconds": round(finished - started, 2),
            "notifications_per_second": round(expected / (finished - started)),
            "worker_jobs": jobs,
            "requests": dict(counter.requests),
            "item_writes_per_notification": round(counter.written["NOTIFICATION"] / expected, 3),
            "counter_writes_per_notification": round(counter.written["UNREAD"] / expected, 3),
            "write_units_per_notification": _per(meter.write_units, expected),
            "read_units_per_notification": _per(meter.read_units, expected),
            "batch_get_keys_per_notification": round(counter.keys_read / expected, 3),
            "live_messages": counter.written["LIVE"],
            "writes_by_kind": dict(counter.written),
        }
        return result


def main() -> None:
    subscribers = int(os.environ.get("SUBSCRIBERS", "10000"))
    article_count = int(os.environ.get("ARTICLES", "3"))
    result = run(subscribers, article_count)
    (results_dir() / "notifications.json").write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"Published {article_count} article(s) to {subscribers:,} subscribers: "
        f"answered in {result['publish_answered_ms']} ms, "
        f"{result['notifications']:,} notifications written in {result['fan_out_seconds']} s "
        f"({result['notifications_per_second']:,}/s) by {result['worker_jobs']} worker jobs; "
        f"per notification {result['item_writes_per_notification']} item writes, "
        f"{result['counter_writes_per_notification']} counter writes, "
        f"{result['write_units_per_notification']['total']} write units {result['write_units_per_notification']}, "
        f"{result['read_units_per_notification']['total']} read units; {result['live_messages']} live messages."
    )
    print(json.dumps(result["requests"], sort_keys=True))
