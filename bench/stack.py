"""A local stack for one benchmark: DynamoDB Local in memory and moto (S3, SQS) on free ports, a seeded table, the
runtime bound to it and the local gateway in front of the handlers.

    with local_stage() as stage:
        stage.client.get("/devdevdev/api/v1/picks")   # through the gateway and the picks handler
        stage.runtime                                   # the repositories, on the same table
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

BASE = "/devdevdev/api/v1"


@dataclass
class Stage:
    runtime: Any  # devdevdev.runtime.Runtime
    client: Any  # starlette.testclient.TestClient on the local gateway
    env: dict[str, str]


@contextmanager
def local_stage(seeded: bool = True, clock: Any = None, **settings: str) -> Iterator[Stage]:
    """A stage of its own (removed afterwards) with ``settings`` added to its environment; the demo data when
    ``seeded``; ``clock`` (a :class:`devdevdev.clock.Clock`) when given, else the real one."""
    from starlette.testclient import TestClient

    from infra.local import services
    from infra.local.queues import ensure_queue

    os.environ.update(services.LOCAL_CREDENTIALS)
    dynamodb_port, moto_port = services.free_port(), services.free_port()
    dynamodb = services.start_dynamodb(dynamodb_port)
    moto = services.start_s3(moto_port)
    try:
        endpoint, moto_endpoint = f"http://127.0.0.1:{dynamodb_port}", f"http://127.0.0.1:{moto_port}"
        table = f"bench-{uuid.uuid4().hex[:8]}"
        env = {
            "STAGE": "test",
            "TABLE_NAME": table,
            "DYNAMODB_ENDPOINT": endpoint,
            "S3_ENDPOINT": moto_endpoint,
            "SQS_ENDPOINT": moto_endpoint,
            "NOTIFICATION_QUEUE_URL": ensure_queue(moto_endpoint, f"{table}-notifications"),
            **settings,
        }
        from devdevdev.clock import Clock
        from devdevdev.runtime import Runtime, use_runtime
        from devdevdev.settings import Settings
        from devdevdev.store.schema import ensure_table

        from infra.local.gateway import create_app
        from infra.local.seed import seed

        ensure_table(services.dynamodb_client(endpoint), table)
        runtime = Runtime(Settings.from_env(env), clock or Clock())
        use_runtime(runtime)
        if seeded:
            seed(runtime)
        client = TestClient(create_app(()), base_url="http://127.0.0.1:8080")
        yield Stage(runtime, client, env)
    finally:
        from devdevdev.runtime import use_runtime

        use_runtime(None)
        moto.stop()
        services.stop(dynamodb)
