"""Test session: a real DynamoDB Local (started here, in memory) and moto's S3 server; a fresh table per test,
built from the same key schema the CDK stack uses. A missing service fails the session with a clear message.

Under pytest-xdist (``make test`` runs ``-n auto``) each worker is a session of its own: its own DynamoDB Local, moto
server, tables and queues, on free ports."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple

import pytest
from starlette.testclient import TestClient

from infra.local import services

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime

os.environ.update(services.LOCAL_CREDENTIALS)
BASE = "/devdevdev/api/v1"


class LocalDynamoDB:
    """The session's DynamoDB Local, restarted on the same port between test modules once enough tables have come
    and gone: it keeps every stream record it wrote, deleted tables' included, and each write costs more as they pile
    up (measured: a write after 7,000 records cost twice the first). Tests and module fixtures never see a restart:
    it happens before a module's first test, when the last module's fixtures are gone."""

    RESTART_AFTER_TABLES = 40

    def __init__(self) -> None:
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.tables = 0  # created since the last start
        self.module = ""

    def start(self, port: int) -> None:
        self.port = port
        self.process = services.start_dynamodb(port)
        self.tables = 0

    def stop(self) -> None:
        if self.process is not None:
            services.stop(self.process)
            self.process = None

    def before(self, module: str) -> None:
        """Called before each test: restart between modules when due."""
        if self.process is not None and module != self.module and self.tables >= self.RESTART_AFTER_TABLES:
            self.stop()
            self.start(self.port)
        self.module = module


DYNAMODB = LocalDynamoDB()


def pytest_runtest_setup(item: pytest.Item) -> None:
    DYNAMODB.before(item.nodeid.split("::", 1)[0])


def pytest_terminal_summary(terminalreporter) -> None:
    """Say plainly when the search suite ran without OpenSearch (it runs on the embedded engine always, and on
    OpenSearch only when ``OPENSEARCH_URL`` names a node)."""
    ran_search = any(
        getattr(report, "nodeid", "").startswith("tests/search/")
        for reports in terminalreporter.stats.values()
        for report in reports
    )
    if ran_search and not os.environ.get("OPENSEARCH_URL"):
        terminalreporter.write_sep("-", "search engines")
        terminalreporter.write_line(
            "The OpenSearch engine was NOT run (OPENSEARCH_URL is unset): tests/search ran on the embedded engine "
            "only. To run it: start an OpenSearch node, then OPENSEARCH_URL=http://localhost:9200 make test "
            "(or .venv/bin/python -m pytest tests/search). Without a node, the adapter's index mapping and queries "
            "are type-checked against OpenSearch's API specification (tests/search/test_opensearch_spec.py)."
        )


@pytest.fixture(scope="session")
def dynamodb_endpoint() -> Iterator[str]:
    try:
        DYNAMODB.start(services.free_port())
    except services.MissingPrerequisite as missing:
        pytest.fail(f"DynamoDB Local cannot start: {missing}", pytrace=False)
    yield f"http://127.0.0.1:{DYNAMODB.port}"
    DYNAMODB.stop()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    port = services.free_port()
    server = services.start_s3(port)
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def settings_env(dynamodb_endpoint: str, s3_endpoint: str) -> dict[str, str]:
    """The environment of a test stage, on a table and a notification queue of its own."""
    return stage_env(dynamodb_endpoint, s3_endpoint)


def stage_env(dynamodb_endpoint: str, s3_endpoint: str) -> dict[str, str]:
    """The environment of a new test stage (its own table and queue) on the session's services."""
    from infra.local.queues import ensure_queue

    table = f"t-{uuid.uuid4().hex[:12]}"
    return {
        "STAGE": "test",
        "TABLE_NAME": table,
        "DYNAMODB_ENDPOINT": dynamodb_endpoint,
        "S3_ENDPOINT": s3_endpoint,
        "SQS_ENDPOINT": s3_endpoint,  # moto's server serves SQS too
        "NOTIFICATION_QUEUE_URL": ensure_queue(s3_endpoint, f"{table}-notifications", visibility_seconds=1),
        "IMAGES_BUCKET": "devdevdev-images-test",
    }


def build_runtime(env: dict[str, str], clock=None):
    """A runtime for ``env`` with its table created and made current for the handlers."""
    from devdevdev.clock import Clock
    from devdevdev.runtime import Runtime, use_runtime
    from devdevdev.settings import Settings
    from devdevdev.store.schema import ensure_table

    settings = Settings.from_env(env)
    ensure_table(services.dynamodb_client(settings.dynamodb_endpoint or ""), settings.table_name)
    DYNAMODB.tables += 1
    runtime = Runtime(settings, clock or Clock())
    use_runtime(runtime)
    return runtime


@pytest.fixture
def runtime(settings_env):
    """A runtime with an empty table; the handlers use it."""
    from devdevdev.runtime import use_runtime

    built = build_runtime(settings_env)
    yield built
    use_runtime(None)
    services.dynamodb_client(built.settings.dynamodb_endpoint or "").delete_table(TableName=built.settings.table_name)


@pytest.fixture
def seeded(runtime):
    """The runtime with the local stack's demo data."""
    seed_stage(runtime)
    return runtime


# The demo data's items, per kind of clock: (clock's type, its time if fixed, crawler keys' ARN) → items.
_SEEDED_ITEMS: dict[tuple, list[dict]] = {}


def seed_stage(runtime) -> None:
    """What ``infra.local.seed.seed(runtime)`` writes, in a few requests: the demo data is seeded once per session
    (and per kind of clock) into a table of its own, whose items every later stage gets copies of with BatchWriteItem
    (about 60 requests of seeding, most of a test's setup, become 3). The copies go through the table's stream like
    the seed's writes, so the article index and the embeddings follow as they do after ``seed``."""
    from devdevdev.clock import Clock, FixedClock

    clock = runtime.clock
    if type(clock) is Clock:
        kind: tuple = (Clock, None, runtime.settings.crawler_keys_arn)
    elif type(clock) is FixedClock:
        kind = (FixedClock, clock.now(), runtime.settings.crawler_keys_arn)
    else:  # a clock of the test's own: seed it as it is
        from infra.local.seed import seed

        seed(runtime)
        return
    if kind not in _SEEDED_ITEMS:
        _SEEDED_ITEMS[kind] = _demo_items(runtime)
    _put_items(
        services.dynamodb_client(runtime.settings.dynamodb_endpoint or ""),
        runtime.settings.table_name,
        _SEEDED_ITEMS[kind],
    )


def _demo_items(runtime) -> list[dict]:
    """The demo data's items, seeded into a table of their own (then deleted) with the runtime's clock and settings."""
    from devdevdev.clock import Clock, FixedClock
    from devdevdev.runtime import Runtime
    from devdevdev.store.models import bind
    from devdevdev.store.schema import ensure_table

    from infra.local.seed import seed

    settings = runtime.settings.model_copy(update={"table_name": f"seed-{uuid.uuid4().hex[:12]}"})
    client = services.dynamodb_client(settings.dynamodb_endpoint or "")
    ensure_table(client, settings.table_name)
    clock = Clock() if type(runtime.clock) is Clock else FixedClock(runtime.clock.now())
    try:
        seed(Runtime(settings, clock))  # binds the models to the seed's table...
        items: list[dict] = []
        request: dict = {"TableName": settings.table_name, "ConsistentRead": True}
        while True:
            page = client.scan(**request)
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                return items
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    finally:
        bind(runtime.settings.table_name, runtime.settings.dynamodb_endpoint, runtime.settings.region)  # ...and back
        client.delete_table(TableName=settings.table_name)


def _put_items(client, table_name: str, items: list[dict]) -> None:
    for start in range(0, len(items), 25):  # BatchWriteItem's limit
        request = {table_name: [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]}
        while request:
            request = client.batch_write_item(RequestItems=request).get("UnprocessedItems")


def stream_pump(runtime):
    """The local stream pump of the runtime's table, feeding the article indexer and the embedding pipeline (whose
    retries do not wait in tests)."""
    from infra.local.streams import StreamPump, followers

    settings = runtime.settings
    return StreamPump(
        settings.dynamodb_endpoint, settings.table_name, settings.region, followers(runtime, sleep=lambda _: None)
    )


def make_client(runtime) -> TestClient:
    from infra.local.gateway import create_app

    app = create_app(runtime.settings.cors_allowed_origins, stream_pump(runtime))
    return TestClient(app, base_url="http://127.0.0.1:8080")


@pytest.fixture
def client(seeded) -> TestClient:
    """HTTP through the local gateway (payload-v2 events, real handlers) on the seeded table."""
    return make_client(seeded)


def tokens(client: TestClient, who: str = "user") -> dict[str, str]:
    response = client.get(f"{BASE}/token/test/{who}")
    assert response.status_code == 200, response.text
    return response.json()["data"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# The keys of a SliceCustom (a Slice with totalElements), in the contract's order.
SLICE_WITH_TOTAL_KEYS = [
    "content",
    "pageable",
    "totalElements",
    "size",
    "number",
    "sort",
    "first",
    "last",
    "numberOfElements",
    "empty",
]


def fail(message: str, code: int) -> dict:
    return {"resultType": "FAIL", "message": message, "errorCode": code}


NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


class ClockedStage(NamedTuple):
    client: TestClient
    runtime: object
    clock: object


@pytest.fixture
def clocked(settings_env) -> Iterator[ClockedStage]:
    """A seeded stage on a clock the test moves (``clock.advance``), so every time it writes is known:
    (client, runtime, clock)."""
    from devdevdev.clock import FixedClock
    from devdevdev.runtime import use_runtime

    clock = FixedClock(NOW)
    runtime = build_runtime(settings_env, clock)
    seed_stage(runtime)
    yield ClockedStage(make_client(runtime), runtime, clock)
    use_runtime(None)
    services.dynamodb_client(runtime.settings.dynamodb_endpoint or "").delete_table(
        TableName=runtime.settings.table_name
    )


def new_member(runtime, name: str, role: str = "ROLE_USER") -> tuple[int, dict[str, str]]:
    """A member made straight in the table (email ``<name>@devdevdev.com``, nickname ``name``): (its id, its bearer
    headers). For tests that need many distinct members (the test-token endpoint has only two)."""
    from devdevdev.auth.tokens import TokenClaims

    email = f"{name}@devdevdev.com"
    member, _ = runtime.members.create(
        email=email, social_type="KAKAO", role=role, nickname=name, now=datetime.now(UTC)
    )
    return member.id, bearer(runtime.tokens.issue(TokenClaims(email, "KAKAO", role)).access_token)


def run_jobs(runtime) -> int:
    """Run the notification worker on every job queued so far (and the jobs those queue); how many there were.
    The local stack's queue pump does this in the background."""
    from infra.local.queues import QueuePump

    settings = runtime.settings
    return QueuePump(settings.sqs_endpoint, settings.notification_queue_url, settings.region).drain()


class LiveServer(NamedTuple):
    url: str  # http://127.0.0.1:<port>
    runtime: Runtime


def start_live_server(runtime):
    """The gateway on a real port (uvicorn in a thread), for what the in-process test client cannot do: streamed
    responses and WebSockets. Returns (server, thread, url)."""
    import threading

    import uvicorn

    from infra.local.gateway import UVICORN_OPTIONS, create_app

    port = services.free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(runtime.settings.cors_allowed_origins, stream_pump(runtime)),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            ws="websockets-sansio",
            timeout_graceful_shutdown=1,
            **UVICORN_OPTIONS,  # as make run: no server banner, the peer address rather than X-Forwarded-For
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    import time

    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the live gateway did not start"
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture
def live(seeded) -> Iterator[LiveServer]:
    """The seeded stage served on a real port, with the notification worker following the queue in the background
    (as ``make run`` does)."""
    with served(seeded) as server:
        yield server


@contextmanager
def served(runtime) -> Iterator[LiveServer]:
    """The runtime's stage on a real port, with the notification worker following its queue in the background."""
    from infra.local.queues import QueuePump

    server, thread, url = start_live_server(runtime)
    settings = runtime.settings
    pump = QueuePump(settings.sqs_endpoint, settings.notification_queue_url, settings.region)
    pump.run_in_background()
    try:
        yield LiveServer(url, runtime)
    finally:
        pump.stop()
        server.should_exit = True
        thread.join(timeout=10)
