"""The benchmarks' DynamoDB meter: requests by operation and read/write units per table and index, as DynamoDB
reports them (``ReturnConsumedCapacity=INDEXES``)."""

from __future__ import annotations

from devdevdev.store.models import CounterItem

from bench.meter import Meter


def test_counts_requests_and_units_by_table_and_index(runtime):
    with Meter() as meter:
        CounterItem("METER#1", "A", value=1).save()
        CounterItem.get("METER#1", "A", consistent_read=True)
        CounterItem.get("METER#1", "A")
    assert dict(meter.by_operation) == {"PutItem": 1, "GetItem": 2}
    assert (meter.calls, meter.wcu, meter.rcu) == (3, 1.0, 1.5)  # 1 KB write; strong 4 KB read 1, eventual 0.5
    assert dict(meter.write_units) == {"table": 1.0}


def test_index_copies_are_counted_on_their_index(runtime):
    with Meter() as meter:
        CounterItem("METER#3", "B", value=1, gsi1pk="LIST", gsi1sk=1, gsi3pk="LIST", gsi3sk=7).save()
    assert meter.by_operation == {"PutItem": 1}
    assert dict(meter.write_units) == {"table": 1.0, "GSI1": 1.0, "GSI3": 1.0}
    assert meter.snapshot()["wcu"] == 3.0


def test_stops_counting_when_it_ends(runtime):
    with Meter() as meter:
        CounterItem("METER#4", "C").save()
    CounterItem("METER#4", "D").save()
    assert meter.calls == 1


def test_a_refused_conditional_write_counts_as_a_call_and_a_write_unit(runtime):
    from pynamodb.exceptions import PutError

    CounterItem("METER#5", "E").save()
    with Meter() as meter:
        try:
            CounterItem("METER#5", "E").save(condition=CounterItem.pk.does_not_exist())
        except PutError:
            pass
        else:
            raise AssertionError("the conditional put was not refused")
    assert (dict(meter.by_operation), dict(meter.refused), meter.wcu) == ({"PutItem": 1}, {"PutItem": 1}, 1.0)


def test_a_write_transaction_is_billed_for_every_item_and_index_entry(runtime):
    # DynamoDB Local reports one item's units for the whole transaction; DynamoDB bills each item twice
    from devdevdev.store.models import transaction

    with Meter() as meter, transaction() as write:
        for n in range(5):
            write.save(CounterItem(f"METER#T{n}", "A", value=1, gsi1pk="L", gsi1sk=n))
    assert meter.by_operation == {"TransactWriteItems": 1}
    assert dict(meter.write_units) == {"table": 10.0, "GSI1": 10.0}

    # a counter that does not move an index key or a projected attribute: the table only
    with Meter() as updates, transaction() as write:
        for n in range(3):
            write.update(CounterItem(f"METER#T{n}", "A"), actions=[CounterItem.value.add(1)])
    assert dict(updates.write_units) == {"table": 6.0}


def test_a_read_that_finds_nothing_costs_a_unit(runtime):
    with Meter() as meter:
        assert list(CounterItem.query("METER#none")) == []
        assert list(CounterItem.query("METER#none", consistent_read=True)) == []
    assert (meter.calls, dict(meter.read_units)) == (2, {"table": 1.5})
