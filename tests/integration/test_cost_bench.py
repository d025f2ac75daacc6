"""The cost bench (``make bench BENCH=cost``), small: every endpoint of the mix measured through its own function,
what each write starts counted, the bill's lines adding up from ``bench/prices.py``, the same structural counts on
two runs, and the memory table choosing as stated."""

from __future__ import annotations

import math
import subprocess
from collections import Counter

import pytest

from bench import cost, prices
from bench.results import ROOT, SAVED, results_dir
from infra import routes, sizing


@pytest.fixture(scope="module")
def runs() -> tuple[dict, dict]:
    """Two small runs, each on a stage of its own: one call per endpoint, no warm-up call."""
    return cost.drive(repeats=1, members=4, warm=False), cost.drive(repeats=1, members=4, warm=False)


@pytest.fixture(scope="module")
def results(runs) -> dict:
    return runs[0]


def test_the_mix_is_80_percent_reads_and_20_percent_writes_over_known_routes():
    assert math.isclose(sum(e.share for e in cost.MIX), 100)
    assert math.isclose(sum(e.share for e in cost.MIX if not e.write), 80)
    assert math.isclose(sum(e.share for e in cost.MIX if e.write), 20)
    assert len({e.route for e in cost.MIX}) == len(cost.MIX)
    assert all(e.share > 0 and e.who in ("visitor", "member", "crawler", "cookie") for e in cost.MIX)


def test_every_endpoint_of_the_mix_is_measured_through_its_own_function(results):
    assert list(results) == [e.route for e in cost.MIX]
    for endpoint in cost.MIX:
        (sample,) = results[endpoint.route]
        assert sample.status == 200, endpoint.route
        route = next(r for r in routes.ROUTES if r.route_key == sample.route_key)
        assert endpoint.route.split(" ")[0] == route.method
        first = sample.invocations[0]
        assert first.function == cost.GROUP_FUNCTION[route.group], endpoint.route
        assert first.cpu_ms > 0 and first.wall_ms >= first.cpu_ms * 0.5
        assert sample.handler["calls"] >= 1 and sample.handler["rcu"] + sample.handler["wcu"] > 0, endpoint.route


def test_what_a_write_starts_is_counted_on_the_call_that_started_it(results):
    def only(route: str) -> cost.Sample:
        return results[route][0]

    created = only("POST /picks")
    assert created.executions == 1  # one embedding request → one Pipe event → one state machine execution
    assert [i.function for i in created.invocations] == ["PicksFunction", "EmbedFunction"]
    assert created.background["wcu"] > 0  # the embedding stored
    ingested = only("POST /articles (the crawler's ingestion)")
    assert ingested.indexed_records >= 1 and "ArticleIndexerFunction" in {i.function for i in ingested.invocations}
    published = only("POST /notifications/{channel} (the crawler's publish)")
    assert published.sqs_messages == published.worker_batches == 1  # the publish job, run by one worker invocation
    assert published.background["wcu"] >= 4  # a notification for each of the four members following company 1
    for route in ("GET /picks", "GET /notifications/unread-count", "POST /picks/vote"):
        sample = only(route)
        assert (sample.executions, sample.sqs_messages, sample.worker_batches) == (0, 0, 0), route
        assert [i.function for i in sample.invocations] == [sample.invocations[0].function], route


def _structure(sample: cost.Sample) -> tuple:
    return (
        sample.route_key,
        sample.status,
        sample.handler["by_operation"],
        sample.handler["read_units"],
        sample.handler["write_units"],
        sample.background["by_operation"],
        sample.background["read_units"],
        sample.background["write_units"],
        sample.sqs_messages,
        sample.worker_batches,
        sample.executions,
        sample.indexed_records,
        Counter(i.function for i in sample.invocations),
    )


def test_structural_counts_are_the_same_on_two_runs(runs):
    first, second = runs
    for endpoint in cost.MIX:
        assert [_structure(s) for s in first[endpoint.route]] == [_structure(s) for s in second[endpoint.route]], (
            endpoint.route
        )


def test_the_bill_adds_up_from_the_price_table(results):
    priced = cost.price(results)
    lines = priced["per_million"]
    assert math.isclose(sum(lines.values()), priced["per_million_total"], abs_tol=1e-3)
    assert math.isclose(
        priced["per_million_before_duration"], priced["per_million_total"] - lines["Lambda GB-s"], abs_tol=1e-3
    )
    by_endpoint = sum(e["usd_per_million_calls"] * e["share"] / 100 for e in priced["endpoints"])
    assert math.isclose(by_endpoint, priced["per_million_total"], rel_tol=1e-3)
    # one HTTP API request per call; DynamoDB's lines are the mix's units at the table's prices
    assert math.isclose(lines["HTTP API requests"], prices.HTTP_API_REQUEST.usd * 1e6, rel_tol=1e-9)
    units = {"wcu": 0.0, "rcu": 0.0}
    for endpoint in cost.MIX:
        (sample,) = results[endpoint.route]
        for unit in units:
            units[unit] += endpoint.share / 100 * (sample.handler[unit] + sample.background[unit])
    assert math.isclose(lines["DynamoDB writes"], units["wcu"] * prices.DYNAMODB_WRITE_UNIT.usd * 1e6, abs_tol=1e-3)
    assert math.isclose(lines["DynamoDB reads"], units["rcu"] * prices.DYNAMODB_READ_UNIT.usd * 1e6, abs_tol=1e-3)
    # the printout names every endpoint and the total
    printed = cost.report(priced)
    assert all(e.route[:65] in printed for e in cost.MIX) and f"{priced['per_million_total']:>8.3f}" in printed
    # the month: the mix's price per call times the calls, beside the always-on stacks from the same table
    month = priced["monthly"]
    assert month["original_stack_monthly"] == round(prices.original_stack_monthly(), 2)
    for row in month["rows"]:
        assert math.isclose(row["serverless_variable"], priced["per_million_total"] * row["calls"] / 1e6, abs_tol=0.01)
        assert math.isclose(
            row["serverless_with_prod_search"] - row["serverless_variable"],
            month["opensearch_monthly"]["prod"],
            abs_tol=0.02,
        )


def test_a_price_changed_in_the_table_changes_its_line_only(results, monkeypatch):
    before = cost.price(results)["per_million"]
    monkeypatch.setattr(prices, "HTTP_API_REQUEST", prices.Price(2.00 / 1e6, "per request", "test"))
    monkeypatch.setattr(prices, "DYNAMODB_WRITE_UNIT", prices.Price(prices.DYNAMODB_WRITE_UNIT.usd * 2, "per WRU", "t"))
    after = cost.price(results)["per_million"]
    assert math.isclose(after["HTTP API requests"], 2.0)
    assert math.isclose(after["DynamoDB writes"], before["DynamoDB writes"] * 2, rel_tol=1e-3)
    assert {k: v for k, v in after.items() if k not in ("HTTP API requests", "DynamoDB writes")} == {
        k: v for k, v in before.items() if k not in ("HTTP API requests", "DynamoDB writes")
    }


def test_the_memory_table_picks_the_cheapest_size_within_budget_and_above_the_floor(results):
    table = cost.tune(results)
    assert {row["function"] for row in table} >= set(cost.GROUP_FUNCTION.values()) | {
        cost.EMBED,
        cost.INDEXER,
        cost.WORKER,
    }
    for row in table:
        assert row["function"] in sizing.FUNCTION_MEMORY_MB
        steps = row["steps"]
        assert [s["memory_mb"] for s in steps] == list(cost.MEMORY_STEPS)
        # more memory never makes the modelled p95 longer
        assert all(a["p95_ms"] >= b["p95_ms"] for a, b in zip(steps, steps[1:], strict=False))
        sizes = [s for s in steps if s["memory_mb"] >= cost.MEMORY_FLOOR_MB]
        eligible = [s for s in sizes if s["p95_ms"] <= row["budget_ms"]]
        assert row["within_budget"] is bool(eligible)
        if not eligible:  # the best any size reaches, give or take 10 %
            eligible = [s for s in sizes if s["p95_ms"] <= min(s["p95_ms"] for s in sizes) * 1.1]
        assert row["chosen_mb"] == min(eligible, key=lambda s: (s["usd_per_million"], s["memory_mb"]))["memory_mb"]


def test_the_choice_is_the_cheapest_size_within_budget_else_near_the_best_reachable():
    def step(memory: int, p95: float, usd: float) -> dict:
        return {"memory_mb": memory, "p95_ms": p95, "usd_per_million": usd}

    steps = [step(128, 400, 0.5), step(256, 240, 0.6), step(512, 150, 0.7), step(1024, 120, 0.9)]
    assert cost.choose(steps, 250)["memory_mb"] == 256  # 128 would do it cheaper, but is under the floor
    assert cost.choose(steps, 200)["memory_mb"] == 512
    assert cost.choose(steps, 100)["memory_mb"] == 1024  # none within; 1,024 is the only one near the best (120)
    steps[-1] = step(1024, 140, 0.9)
    assert cost.choose(steps, 100)["memory_mb"] == 512  # 150 is within 10 % of the best (140), and cheaper


def test_the_duration_model_stretches_cpu_below_one_vcpu_and_keeps_the_io_wait():
    call = cost.Invocation("PicksFunction", cpu_ms=10.0, wall_ms=25.0)  # 15 ms waiting on I/O
    assert cost.duration_ms(call, 1769) == 25.0
    assert cost.duration_ms(call, 3008) == 25.0  # one thread gains nothing past one vCPU
    assert math.isclose(cost.duration_ms(call, 256), 10.0 * 1769 / 256 + 15.0)
    assert math.isclose(cost.billed_gb_seconds(call, 2048), 0.05)  # 25 ms at 2 GB
    assert math.isclose(cost.billed_gb_seconds(call, 1024), 0.033)  # 10 × 1769/1024 + 15 = 32.3 ms, billed as 33


def test_results_go_outside_the_tracked_tree_unless_saved(monkeypatch):
    monkeypatch.delenv("SAVE", raising=False)
    scratch = results_dir()
    ignored = subprocess.run(["git", "check-ignore", "-q", str(scratch / "cost.json")], cwd=ROOT, check=False)
    assert ignored.returncode == 0, f"{scratch} is not ignored by git: make bench would dirty git status"
    monkeypatch.setenv("SAVE", "1")
    assert results_dir() == SAVED
