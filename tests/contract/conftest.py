"""One seeded stage on a real port per module: the reference tests only read it or write their own members' data,
and seeding a stage per test would cost more than the tests themselves."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra.local import services
from tests.conftest import LiveServer, build_runtime, seed_stage, served, stage_env


@pytest.fixture(scope="module")
def stage(dynamodb_endpoint: str, s3_endpoint: str) -> Iterator[LiveServer]:
    """The demo data (``infra.local.seed``) served on a real port, with the notification worker in the background."""
    from devdevdev.runtime import use_runtime

    runtime = build_runtime(stage_env(dynamodb_endpoint, s3_endpoint))
    seed_stage(runtime)
    with served(runtime) as server:
        yield server
    settings = runtime.settings
    use_runtime(None)
    services.dynamodb_client(settings.dynamodb_endpoint or "").delete_table(TableName=settings.table_name)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give each schemathesis operation's test its own node id (``...[GET /path]``, its name).

    schemathesis 4 renames each operation's item after pytest has derived the node id from the function's name, so
    every operation has the same node id; pytest-xdist, which hands tests to workers by node id, then runs one of them
    and reports the file done. ``test_every_operation_but_the_listed_ones_was_exercised`` fails if this stops working
    (the node id is pytest's ``_id``, derived from the parent's as pytest itself does)."""
    for item in items:
        parent = item.parent
        if (
            parent is not None
            and getattr(item, "operation_label", None)
            and item.nodeid != f"{parent.nodeid}::{item.name}"
        ):
            item._id = parent._id.child(item.name)
