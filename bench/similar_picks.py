"""나도 고민 했는데 픽픽픽 at 100 and 1,000 candidates: the endpoint's latency with a cold candidate cache (the matrix
is read from the table and built) and a warm one (only the version is checked), and the DynamoDB requests of each.

It runs on a stack of its own (DynamoDB Local in memory), through the real code: picks created by the pick
repository, embedded by the embed step, then ``GET /picks/{pickId}/similarties`` through the local gateway (a
payload-v2 event to the picks handler). Offline vectors have 512 dimensions; ``text-embedding-3-small`` ones 1,536,
so the 1,000-candidate case also runs with 1,536-dimension vectors (a stand-in provider, no network), the size the
cold path reads in AWS.

    make bench BENCH=similar_picks            CANDIDATES=100,1000 REPEATS=30 by default (environment variables)
"""

from __future__ import annotations

import json
import os
import statistics
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from bench.notifications import RequestCounter
from bench.results import results_dir

TOPICS = (
    "자바 vs 코틀린",
    "리액트 vs 뷰",
    "탭 vs 스페이스",
    "점심 메뉴",
    "모노레포 vs 멀티레포",
    "ORM vs SQL",
    "맥 vs 윈도우",
)


class OpenAISized:
    """Vectors of ``text-embedding-3-small``'s size (1,536), derived from the offline ones: the cold path's reads are
    what matter here, not their meaning."""

    model = "bench-1536"

    def __init__(self) -> None:
        from devdevdev.embeddings.offline import OfflineEmbeddings

        self._offline = OfflineEmbeddings()

    def embed(self, texts: Sequence[str]) -> list[np.ndarray]:
        return [np.tile(v, 3) for v in self._offline.embed(texts)]


def _create_picks(runtime: Any, member_id: int, count: int, start: int) -> list[int]:
    from devdevdev.store.picks import APPROVAL, FIRST, SECOND, OptionDraft

    ids = []
    for n in range(start, start + count):
        pick_id = runtime.ids.next_id("pick")
        first, second = runtime.ids.next_ids("pick_option", 2)
        runtime.picks.create(
            pick_id=pick_id,
            title=f"{TOPICS[n % len(TOPICS)]} 고민 {n}번째",
            member_id=member_id,
            status=APPROVAL,
            options=(OptionDraft(FIRST, first, "첫째", None), OptionDraft(SECOND, second, "둘째", None)),
            now=runtime.clock.now(),
        )
        ids.append(pick_id)
    return ids


def _measure(client: Any, runtime: Any, pick_ids: list[int], repeats: int, cold: bool) -> dict[str, Any]:
    from devdevdev.embeddings.similarity import CandidateCache

    counter = RequestCounter()
    times = []
    uninstall = counter.install()
    try:
        for n in range(repeats):
            if cold:
                runtime.candidate_cache = CandidateCache()  # a new instance: the matrix is read and built
            pick_id = pick_ids[(n * 7919) % len(pick_ids)]
            started = time.perf_counter()
            response = client.get(f"/devdevdev/api/v1/picks/{pick_id}/similarties")
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200 and len(response.json()["datas"]) == 3, response.text
    finally:
        uninstall()
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
        "requests_per_call": {k: round(v / repeats, 2) for k, v in sorted(counter.requests.items())},
    }


def run(candidate_counts: Sequence[int] = (100, 1000), repeats: int = 30, openai_sized: bool = True) -> dict:
    from starlette.testclient import TestClient

    from infra.local import services

    os.environ.update(services.LOCAL_CREDENTIALS)
    dynamodb_port = services.free_port()
    dynamodb = services.start_dynamodb(dynamodb_port)
    try:
        endpoint = f"http://127.0.0.1:{dynamodb_port}"
        table = f"bench-{uuid.uuid4().hex[:8]}"
        from devdevdev.auth.tokens import TokenClaims  # noqa: F401 (the handlers' imports, loaded before timing)
        from devdevdev.clock import Clock
        from devdevdev.embeddings.offline import OfflineEmbeddings
        from devdevdev.runtime import Runtime, use_runtime
        from devdevdev.services.similar_picks import embed_picks
        from devdevdev.settings import Settings
        from devdevdev.store.schema import ensure_table

        from infra.local.gateway import create_app

        settings = Settings.from_env({"STAGE": "test", "TABLE_NAME": table, "DYNAMODB_ENDPOINT": endpoint})
        ensure_table(services.dynamodb_client(endpoint), table)
        runtime = Runtime(settings, Clock())
        use_runtime(runtime)
        member, _ = runtime.members.create(
            email="bench@devdevdev.com", social_type="KAKAO", role="ROLE_USER", nickname="bench", now=datetime.now(UTC)
        )
        client = TestClient(create_app(()), base_url="http://127.0.0.1:8080")
        offline = OfflineEmbeddings()
        pick_ids: list[int] = []
        cases = []
        for count in sorted(candidate_counts):
            new = _create_picks(runtime, member.id, count - len(pick_ids), len(pick_ids))
            for start in range(0, len(new), 100):
                embed_picks(runtime, offline, new[start : start + 100])
            pick_ids += new
            client.get(f"/devdevdev/api/v1/picks/{pick_ids[0]}/similarties")  # load the handler once
            cases.append(_case(client, runtime, pick_ids, repeats, offline.model, 512))
        if openai_sized:
            sized = OpenAISized()
            for start in range(0, len(pick_ids), 100):
                embed_picks(runtime, sized, pick_ids[start : start + 100])
            cases.append(_case(client, runtime, pick_ids, repeats, sized.model, 1536))
        return {"when": datetime.now(UTC).isoformat(timespec="seconds"), "repeats": repeats, "cases": cases}
    finally:
        from devdevdev.runtime import use_runtime

        use_runtime(None)
        services.stop(dynamodb)


def _case(client: Any, runtime: Any, pick_ids: list[int], repeats: int, model: str, dimensions: int) -> dict:
    return {
        "candidates": len(pick_ids),
        "model": model,
        "dimensions": dimensions,
        "cold": _measure(client, runtime, pick_ids, repeats, cold=True),
        "warm": _measure(client, runtime, pick_ids, repeats, cold=False),
    }


def main() -> None:
    counts = [int(c) for c in os.environ.get("CANDIDATES", "100,1000").split(",") if c.strip()]
    result = run(counts, int(os.environ.get("REPEATS", "30")))
    (results_dir() / "similar_picks.json").write_text(json.dumps(result, indent=2) + "\n")
    for case in result["cases"]:
        print(
            f"{case['candidates']:>5} candidates, {case['dimensions']} dimensions: "
            f"cold {case['cold']['median_ms']} ms (p95 {case['cold']['p95_ms']}), "
            f"warm {case['warm']['median_ms']} ms (p95 {case['warm']['p95_ms']}); "
            f"requests cold {case['cold']['requests_per_call']}, warm {case['warm']['requests_per_call']}"
        )
