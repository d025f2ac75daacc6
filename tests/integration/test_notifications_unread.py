"""The unread count as a counter item: moved in the same transactions that create and read notifications, exact
when they race (real threads), completed once for members whose notifications predate it, and as cheap at 300
unread as at none."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import BASE, NOW, new_member

pytestmark = pytest.mark.integration

BOTH = "?types=SUBSCRIPTION,COMMENT_AND_REPLY"
MESSAGE = "우아한형제들에서 새로운 글이 올라왔어요!"


def _notification(member_id: int, notification_id: int, kind: str = "SUBSCRIPTION", is_read: bool = False):
    from devdevdev.store.notifications import Notification

    return Notification(notification_id, member_id, kind, MESSAGE, NOW, is_read=is_read, tech_article_id=1)


def _count(client, headers, query: str = "") -> int:
    response = client.get(f"{BASE}/notifications/unread-count{query}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _truth(member_id: int, kind: str | None = None) -> int:
    """The member's unread notifications (of ``kind``), counted item by item in its partition."""
    from devdevdev.store import keys
    from devdevdev.store.models import NotificationItem

    return sum(
        1
        for item in NotificationItem.query(
            keys.member_partition(member_id),
            NotificationItem.sk.startswith(keys.NOTIFICATION_PREFIX),
            consistent_read=True,
        )
        if not item.is_read and (kind is None or item.type == kind)
    )


def _counter(member_id: int):
    from devdevdev.store import keys
    from devdevdev.store.models import UnreadCountItem

    return UnreadCountItem.get(*keys.unread_count(member_id), consistent_read=True)


def _count_items(member_id: int) -> list:
    from devdevdev.store import keys
    from devdevdev.store.models import UnreadCountItem

    return list(
        UnreadCountItem.query(
            keys.member_partition(member_id), UnreadCountItem.sk.startswith("UNREAD"), consistent_read=True
        )
    )


def test_the_count_follows_publish_read_one_and_read_all_and_lives_in_one_item(client, seeded):
    member_id, headers = new_member(seeded, "counted")
    seeded.notifications.add_missing([_notification(member_id, n) for n in (11, 12, 13)])
    seeded.notifications.add_missing([_notification(member_id, 14, "COMMENT_AND_REPLY")])
    assert (_count(client, headers), _count(client, headers, BOTH)) == (3, 4)
    counter = _counter(member_id)
    assert (counter.subscription, counter.comment_and_reply, counter.complete) == (3, 1, True)
    assert client.patch(f"{BASE}/notifications/12/read", headers=headers).status_code == 200
    assert client.patch(f"{BASE}/notifications/12/read", headers=headers).status_code == 200  # idempotent
    assert (_count(client, headers), _count(client, headers, BOTH)) == (2, 3)
    page = client.get(f"{BASE}/notifications/page", headers=headers).json()["data"]
    popup = client.get(f"{BASE}/notifications/popup", headers=headers).json()["data"]
    assert (page["totalElements"], popup["totalElements"]) == (2, 2)
    assert client.patch(f"{BASE}/notifications/read-all", headers=headers).status_code == 200
    assert (_count(client, headers), _count(client, headers, BOTH)) == (0, 1)
    items = _count_items(member_id)  # the counter, and read-all's lane that took the two off
    assert [i.sk for i in items] == ["UNREAD", "UNREAD#0"]
    assert (sum(i.subscription or 0 for i in items), sum(i.comment_and_reply or 0 for i in items)) == (0, 1)


def test_concurrent_reads_of_the_same_notification_uncount_it_once(client, seeded):
    member_id, headers = new_member(seeded, "reader")
    seeded.notifications.add_missing([_notification(member_id, n) for n in range(101, 111)])
    assert _count(client, headers) == 10
    targets = [101, 102, 103] * 6  # each notification read six times at once, alongside the others
    barrier = threading.Barrier(len(targets))

    def read(notification_id: int) -> int:
        barrier.wait()
        return client.patch(f"{BASE}/notifications/{notification_id}/read", headers=headers).status_code

    with ThreadPoolExecutor(max_workers=len(targets)) as pool:
        statuses = list(pool.map(read, targets))
    assert statuses == [200] * len(targets)
    assert _count(client, headers) == _truth(member_id) == 7


def test_read_all_racing_new_notifications_and_read_one_stays_exact(client, seeded):
    member_id, headers = new_member(seeded, "racer")
    seeded.notifications.add_missing([_notification(member_id, n) for n in range(1, 301)])
    assert _count(client, headers) == 300
    barrier = threading.Barrier(4)

    def read_all() -> int:
        barrier.wait()
        return client.patch(f"{BASE}/notifications/read-all", headers=headers).status_code

    def publish(first: int) -> int:
        barrier.wait()
        for start in range(first, first + 100, 10):  # ten small deliveries while read-all runs
            seeded.notifications.add_missing([_notification(member_id, n) for n in range(start, start + 10)])
        return 200

    def read_some() -> int:
        barrier.wait()
        return max(client.patch(f"{BASE}/notifications/{n}/read", headers=headers).status_code for n in range(1, 40))

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = [
            pool.submit(read_all),
            pool.submit(publish, 1001),
            pool.submit(publish, 2001),
            pool.submit(read_some),
        ]
        assert [r.result() for r in results] == [200, 200, 200, 200]
    truth = _truth(member_id)
    assert _count(client, headers) == truth
    assert 0 <= truth <= 200  # read-all took the 300 it found; what it did not see is still unread and counted
    assert client.patch(f"{BASE}/notifications/read-all", headers=headers).status_code == 200
    assert _count(client, headers) == _truth(member_id) == 0


@pytest.mark.parametrize("order", ["as written", "reversed"])
def test_read_all_leaves_out_what_was_read_meanwhile_whatever_the_order_of_its_writes(
    client, seeded, monkeypatch, order
):
    from devdevdev.store import notifications as store
    from devdevdev.store import transactions

    if order == "reversed":
        monkeypatch.setattr(transactions, "written_order", lambda operations: operations[::-1])
    member_id, headers = new_member(seeded, "reorder")
    seeded.notifications.add_missing([_notification(member_id, n) for n in range(1, 11)])
    assert _count(client, headers) == 10
    read_types = store._types

    def types_then_read_one(page):  # another request reads notification 3 while read-all is under way
        found = read_types(page)
        assert seeded.notifications.mark_read(member_id, 3)
        return found

    monkeypatch.setattr(store, "_types", types_then_read_one)
    response = client.patch(f"{BASE}/notifications/read-all", headers=headers)
    assert (response.status_code, response.json()) == (200, {"resultType": "SUCCESS"})
    assert _count(client, headers) == _truth(member_id) == 0
    items, _ = seeded.notifications.page(member_id, None, 10)
    assert [n.is_read for n in items] == [True] * 10


def test_a_retried_or_doubled_fan_out_page_counts_once(client, seeded):
    from devdevdev.jobs import ArticlePublished
    from devdevdev.services.notifications import fanout

    members = [new_member(seeded, f"fan{i}") for i in range(6)]
    for member_id, _ in members:
        seeded.subscriptions.subscribe(member_id, 1, seeded.ids.next_id("subscription"), NOW)
    job = ArticlePublished(
        company_id=1, company_name="우아한형제들", articles=((1, 701), (2, 702), (3, 703)), published_at=NOW
    )
    ids = [m for m, _ in members]
    # a delivery that crashed after some of its notifications: the counter moved with exactly those
    seeded.notifications.add_missing([_notification(ids[0], 701), _notification(ids[1], 702)])
    # the job delivered twice at once (SQS delivers at least once), then retried
    barrier = threading.Barrier(2)

    def deliver() -> int:
        barrier.wait()
        return fanout.deliver(seeded, job, ids)

    with ThreadPoolExecutor(max_workers=2) as pool:
        written = sum(pool.map(lambda _: deliver(), range(2)))
    assert written == 6 * 3 - 2
    assert fanout.deliver(seeded, job, ids) == 0
    for member_id, headers in members:
        assert _count(client, headers) == _truth(member_id) == 3


def test_members_whose_notifications_predate_the_counter_are_counted_once_from_them(client, seeded):
    from devdevdev.store.notifications import notification_item

    member_id, headers = new_member(seeded, "veteran")
    # notifications written before the counter existed (e.g. make run's persisted data): no counter item
    for n in range(1, 26):
        kind = "COMMENT_AND_REPLY" if n % 5 == 0 else "SUBSCRIPTION"
        notification_item(_notification(member_id, n, kind, is_read=n % 3 == 0)).save()
    # one of them read, and a new one published, before anything counted them
    assert client.patch(f"{BASE}/notifications/1/read", headers=headers).status_code == 200
    seeded.notifications.add_missing([_notification(member_id, 100)])
    counter = _counter(member_id)
    assert (counter.subscription, counter.complete) == (0, None)  # -1 + 1: only what happened since
    expected = (_truth(member_id, "SUBSCRIPTION"), _truth(member_id))
    assert expected == (13, 17)
    assert (_count(client, headers), _count(client, headers, BOTH)) == expected
    assert _counter(member_id).complete is True
    # from then on it moves with each write
    assert client.patch(f"{BASE}/notifications/2/read", headers=headers).status_code == 200
    seeded.notifications.add_missing([_notification(member_id, 101, "COMMENT_AND_REPLY")])
    assert (_count(client, headers), _count(client, headers, BOTH)) == (12, 17)


def test_completing_the_count_while_notifications_arrive_stays_exact(client, seeded):
    from devdevdev.store.notifications import notification_item

    member_id, headers = new_member(seeded, "busy")
    for n in range(1, 201):
        notification_item(_notification(member_id, n)).save()
    barrier = threading.Barrier(3)

    def arrive(first: int) -> None:
        barrier.wait()
        for n in range(first, first + 30):
            seeded.notifications.add_missing([_notification(member_id, n)])

    def count() -> list[int]:
        barrier.wait()
        return [_count(client, headers) for _ in range(5)]

    with ThreadPoolExecutor(max_workers=3) as pool:
        arrivals = [pool.submit(arrive, 1000), pool.submit(arrive, 2000)]
        counts = pool.submit(count).result()
        for arrival in arrivals:
            arrival.result()
    assert all(200 <= c <= 260 for c in counts) and counts == sorted(counts)
    assert _count(client, headers) == _truth(member_id) == 260


def test_the_unread_benchmark_costs_the_same_at_300_unread_as_at_100_and_the_count_as_at_none():
    from bench.unread import ENDPOINTS, run

    result = run(backlogs=(0, 100, 300))
    none, few, many = (result["measured"][k] for k in ("0", "100", "300"))
    for endpoint in ENDPOINTS:
        assert (many[endpoint]["calls"], many[endpoint]["rcu"]) == (few[endpoint]["calls"], few[endpoint]["rcu"])
        assert many[endpoint]["calls"] == none[endpoint]["calls"]
    assert many["unread-count"]["rcu"] == none["unread-count"]["rcu"]
    for row in (none, many):  # the count reads the counter items in the table, never the unread index
        assert set(row["unread-count"]["read_units"]) == {"table"}
    # the lists read 100 notifications either way; unread ones carry their unread-index keys (a few bytes more)
    assert many["page"]["rcu"] <= none["page"]["rcu"] + 0.5
