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
