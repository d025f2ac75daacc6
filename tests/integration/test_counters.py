"""Cheap counters: a view writes one small counter item, folded into the pick's sort keys now and then; the indexes
project no counter; a list is one Query and one BatchGet; an existing table is brought to the new projections."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from devdevdev.store.picks import FOLD_AGE, FOLD_VIEWS

from bench.meter import Meter
from infra.local import services
from tests.conftest import BASE

ANON = {"Anonymous-Member-Id": "GA1.1.276672604.1715872960"}


def most_viewed(client) -> list[tuple[int, int]]:
    content = client.get(f"{BASE}/picks?pickSort=MOST_VIEWED&size=5", headers=ANON).json()["data"]["content"]
    return [(item["id"], item["viewTotalCount"]) for item in content]


def test_a_view_writes_one_unit_and_the_order_follows_at_the_fold(clocked):
    client, runtime, clock = clocked
    # The first view of a pick that never folded folds at once (1 view in its sort keys)
    assert client.get(f"{BASE}/picks/1", headers=ANON).status_code == 200
    assert client.get(f"{BASE}/picks/2", headers=ANON).status_code == 200
    # When pick 1 is viewed again a minute later: one UpdateItem of its counter, 1 write unit, no index written
    clock.advance(minutes=1)
    with Meter() as meter:
        pick = runtime.picks.record_view(1, clock.now())
    assert pick is not None and (pick.view_total_count, pick.popular_score, pick.pending_views) == (2, 4, 1)
    assert dict(meter.by_operation) == {"GetItem": 1, "UpdateItem": 1}
    assert dict(meter.write_units) == {"table": 1.0}
    # Then the list shows the exact count, but MOST_VIEWED still orders pick 1 by its folded view (tie: id desc)
    assert most_viewed(client)[:2] == [(2, 1), (1, 2)]
    # Once the last fold is FOLD_AGE old, the next view folds: the order follows
    clock.advance(seconds=FOLD_AGE.total_seconds())
    with Meter() as meter:
        runtime.picks.record_view(1, clock.now())
    assert dict(meter.by_operation) == {"GetItem": 1, "UpdateItem": 2}
    assert meter.write_units["GSI3"] == 2.0 and meter.write_units["GSI2"] == 2.0  # re-keyed once for 2 views
    assert most_viewed(client)[:2] == [(1, 3), (2, 1)]
    detail = runtime.picks.get(1, with_views=True)
    assert (detail.view_total_count, detail.pending_views, detail.popular_score) == (3, 0, 6)


def test_views_fold_every_fold_views_and_none_is_lost_under_concurrency(clocked):
    client, runtime, clock = clocked
    runtime.picks.record_view(3, clock.now())  # the first view folds
    # When 4·FOLD_VIEWS views arrive at once, within FOLD_AGE
    with ThreadPoolExecutor(max_workers=8) as pool:
        picks = list(pool.map(lambda _: runtime.picks.record_view(3, clock.now()), range(4 * FOLD_VIEWS)))
    # Then every view counted once: each saw a distinct count, and the pick shows them all
    assert sorted(p.view_total_count for p in picks) == list(range(2, 4 * FOLD_VIEWS + 2))
    after = runtime.picks.get(3, with_views=True)
    assert (after.view_total_count, after.popular_score) == (4 * FOLD_VIEWS + 1, 2 * (4 * FOLD_VIEWS + 1))
    # and the sort keys lag by fewer than FOLD_VIEWS views, plus those in flight when a fold lost a race (8 threads)
    assert after.pending_views < FOLD_VIEWS + 8
    assert most_viewed(client)[0] == (3, 4 * FOLD_VIEWS + 1)
    # A forced fold (or the next due one) leaves nothing waiting
    assert runtime.picks.fold_views(3, clock.now()) is (after.pending_views > 0)
    assert runtime.picks.get(3, with_views=True).pending_views == 0


def test_a_vote_rewrites_no_index_and_the_popular_order_follows_at_the_fold(clocked):
    client, runtime, clock = clocked
    for pick_id in (4, 5):
        assert client.get(f"{BASE}/picks/{pick_id}", headers=ANON).status_code == 200  # folds: same score 2
    option = client.get(f"{BASE}/picks/4", headers=ANON).json()["data"]["pickOptions"]["firstPickOption"]["id"]
    with Meter() as meter:
        response = client.post(f"{BASE}/picks/vote", headers=ANON, json={"pickId": 4, "pickOptionId": option})
    assert response.status_code == 200
    assert not any(name.startswith("GSI") for name in meter.write_units)
    popular = client.get(f"{BASE}/picks?pickSort=POPULAR&size=5", headers=ANON).json()["data"]["content"]
    assert [(i["id"], i["popularScore"]) for i in popular[:2]] == [(5, 2), (4, 8)]  # exact score, order as folded
    clock.advance(seconds=FOLD_AGE.total_seconds())
    assert client.get(f"{BASE}/picks/4", headers=ANON).status_code == 200
    popular = client.get(f"{BASE}/picks?pickSort=POPULAR&size=5", headers=ANON).json()["data"]["content"]
    assert [(i["id"], i["popularScore"]) for i in popular[:2]] == [(4, 10), (5, 2)]


def test_a_members_pick_list_is_one_query_and_one_batch_get(client):
    user = client.get(f"{BASE}/token/test/user").json()["data"]["accessToken"]
    headers = {"Authorization": f"Bearer {user}"}
    option = client.get(f"{BASE}/picks/2", headers=headers).json()["data"]["pickOptions"]["firstPickOption"]["id"]
    assert (
        client.post(f"{BASE}/picks/vote", headers=headers, json={"pickId": 2, "pickOptionId": option}).status_code
        == 200
    )
    with Meter() as meter:
        response = client.get(f"{BASE}/picks?size=10", headers=headers)
    assert response.status_code == 200
    content = response.json()["data"]["content"]
    assert [i["id"] for i in content] == [5, 4, 3, 2, 1]
    assert [i["isVoted"] for i in content] == [False, False, False, True, False]
    assert meter.by_operation["Query"] == 1 and meter.by_operation["BatchGetItem"] == 1


def test_ensure_table_brings_an_existing_tables_indexes_to_the_new_projections(runtime):
    from devdevdev.store.models import CompanyItem
    from devdevdev.store.schema import INDEXES, create_table_request, ensure_table

    client = services.dynamodb_client(runtime.settings.dynamodb_endpoint or "")
    name = f"{runtime.settings.table_name}-old"
    # Given a table made by the previous schema (every index projecting ALL), with an item listed in GSI1
    request = create_table_request(name)
    for index in request["GlobalSecondaryIndexes"]:
        index["Projection"] = {"ProjectionType": "ALL"}
    client.create_table(**request)
    item = {"PK": {"S": "COMPANY#1"}, "SK": {"S": "PROFILE"}, "GSI1PK": {"S": "COMPANIES"}, "GSI1SK": {"N": "1"}}
    client.put_item(TableName=name, Item={**item, "name": {"S": "토스"}, "secret": {"S": "x"}})
    try:
        # When the table is ensured again
        assert ensure_table(client, name) is False
        # Then every index has the schema's projection, and the item is listed again through the new GSI1
        described = {
            i["IndexName"]: i for i in client.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"]
        }
        for index in INDEXES:
            assert described[index.name]["Projection"] == index.projection_request(), index.name
            assert described[index.name]["IndexStatus"] == "ACTIVE"
        listed = client.query(
            TableName=name,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :p",
            ExpressionAttributeValues={":p": {"S": "COMPANIES"}},
        )["Items"]
        assert listed == [{**item, "name": {"S": "토스"}}]  # what GSI1 projects, not the rest
        # and a second run changes nothing
        assert ensure_table(client, name) is False
        assert CompanyItem.Meta.table_name == runtime.settings.table_name
    finally:
        client.delete_table(TableName=name)


def test_the_writes_benchmark_runs_and_meets_the_goals():
    from bench.writes import measure

    results = measure(repeats=10)  # one whole fold cycle: the fold's units are shared by the 10 views it folds
    assert results["view"]["wcu"] <= 2
    assert results["vote"]["wcu"] <= 6
    for name in ("picks", "picks popular", "my picks", "my subscriptions"):
        own = results[f"page {name} (member)"]["by_operation"]
        assert own.get("Query") == 1 and own.get("BatchGetItem") == 1, (name, own)
    assert results["page companies (member)"]["by_operation"] == {"BatchGetItem": 1, "Query": 1}
    assert results["page companies (anonymous)"]["by_operation"] == {"Query": 1}
