"""What a million calls of the web client's traffic cost, from what each call measurably does.

It runs on a stack of its own (``bench.stack.local_stage``: DynamoDB Local, moto's SQS, the local gateway in front
of the real handlers), with the table's stream followed by the same indexer and embedding pipeline as in AWS, and
the notification worker draining the queue. Every endpoint of :data:`MIX` is called ``REPEATS`` times; for each
call it records:

- the DynamoDB requests and their read and write units (``bench.meter.Meter``, ``ReturnConsumedCapacity=INDEXES``),
  of the handler and, separately, of what the call started (the indexer, the embedding step, the worker);
- the SQS messages sent (counted at the boto3 client), the worker invocations, the embedding executions (Step
  Functions) and the stream records the indexer got;
- the CPU time of each function invocation (the process's CPU clock around the handler, less the CPU of the moto
  server that runs in this process), its wall time, and the time its thread waited for a core (Linux's schedstat:
  the machine's load); the rest of the wall time is the I/O wait.

Prices come from ``bench/prices.py``. Dollars per million calls are the mix's weighted mean per call times a
million, each function billed at its memory in ``infra/sizing.py``. The memory table models each function's
duration at every Lambda size from the measured CPU time (CPU share proportional to memory, one vCPU at 1,769 MB)
plus the measured I/O wait, and picks the cheapest size whose p95 meets the function's budget.

    make bench BENCH=cost            REPEATS=8 by default (environment variable)
"""

from __future__ import annotations

import json
import math
import os
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bench import prices
from bench.meter import Meter
from bench.results import results_dir
from infra import routes

BASE = "/devdevdev/api/v1"
CRAWLER = {"service-name": "devdevdev-crawler", "api-key": "local-crawler-key"}
MAX_CURSOR = 9007199254740991

# Lambda's sizes a tuning run tries (MB); one full vCPU at 1,769 MB, a share proportional to memory below it.
MEMORY_STEPS = (128, 256, 384, 512, 640, 768, 1024, 1280, 1536, 1769, 2048, 3008)
FULL_VCPU_MB = 1769
# The latency budget of the p95 duration per function: the API's handlers answer a page's requests; what runs
# after a write (index, fan-out, embedding) only has to keep up.
HTTP_BUDGET_MS = 250
# No function goes below this (a stated floor, not measured in Lambda): importing a function's handler alone takes
# 60 MB of resident memory here, before the runtime's own, the clients and a request's working set.
MEMORY_FLOOR_MB = 256
BACKGROUND_BUDGET_MS = 2000
# The HTTP API's function groups, by construct id (infra/stack.py).
GROUP_FUNCTION = {
    "auth": "AuthFunction",
    "picks": "PicksFunction",
    "articles": "ArticlesFunction",
    "comments": "CommentsFunction",
    "mypage": "MypageFunction",
    "notifications": "NotificationsFunction",
}
INDEXER, WORKER, EMBED = "ArticleIndexerFunction", "NotificationWorkerFunction", "EmbedFunction"
BACKGROUND_BUDGETS = {INDEXER: BACKGROUND_BUDGET_MS, WORKER: BACKGROUND_BUDGET_MS, EMBED: BACKGROUND_BUDGET_MS}
# The indexer's event filter on the table's stream (infra/stack.py): records of article items only.
INDEXER_FILTER = {"dynamodb": {"Keys": {"SK": {"S": ["ARTICLE"]}}}}
# Each embedding execution enters two states (Records, Embed) on its happy path; a retry adds one per attempt.
TRANSITIONS_PER_EXECUTION = 2
# A worker invocation's SQS requests besides the send: the event source's receive and its batch delete.
SQS_REQUESTS_PER_WORKER_BATCH = 2


# -- the traffic mix ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None


@dataclass(frozen=True)
class Endpoint:
    """One line of the mix: ``share`` percent of all calls; ``who`` calls it (``visitor``: every other call logged
    in, the others a returning anonymous visitor; ``member``; ``crawler``; ``cookie``: a browser with a refresh
    cookie); ``build`` makes the n-th call's request (its set-up, if any, is not measured)."""

    route: str
    share: float
    who: str
    build: Callable[[World, int], Request]

    @property
    def write(self) -> bool:
        return not self.route.startswith("GET ")


@dataclass
class World:
    """The bench's data: members with tokens, the seeded picks and articles, comments to read and recommend."""

    client: Any
    runtime: Any
    members: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    pick_options: dict[int, tuple[int, int]] = field(default_factory=dict)
    pick_comments: list[int] = field(default_factory=list)
    tech_comments: list[int] = field(default_factory=list)
    notifications: dict[int, list[int]] = field(default_factory=dict)  # member index → unread notification ids
    ingested: list[int] = field(default_factory=list)
    published: set[int] = field(default_factory=set)

    def member(self, n: int) -> dict[str, str]:
        return self.members[n % len(self.members)][1]

    def visitor(self, n: int) -> dict[str, str]:
        anonymous = {"Anonymous-Member-Id": f"GA1.1.{100000 + n}.1715872960"}
        return {**self.member(n), **anonymous} if n % 2 == 0 else anonymous

    def headers(self, who: str, n: int) -> dict[str, str]:
        if who == "crawler":
            return dict(CRAWLER)
        if who == "cookie":  # the request carries its own credentials (a refresh cookie)
            return {}
        return {"visitor": self.visitor, "member": self.member}[who](n)


PICKS = (1, 2, 3, 4, 5)  # the seeded picks
ARTICLES = tuple(range(1, 9))  # the seeded articles
COMMENTED_PICK, COMMENTED_ARTICLE = 1, 1


def _get(path: str) -> Callable[[World, int], Request]:
    return lambda world, n: Request("GET", path)


def _vote(world: World, n: int) -> Request:
    pick = PICKS[n % len(PICKS)]
    return Request("POST", "/picks/vote", json={"pickId": str(pick), "pickOptionId": world.pick_options[pick][n % 2]})


def _new_pick(world: World, n: int) -> Request:
    option = {"pickOptionContent": "이유는 댓글로!", "pickOptionImageIds": []}
    body = {
        "pickTitle": f"벤치 픽 {n}: 탭 vs 스페이스",
        "pickOptions": {
            "firstPickOption": {"pickOptionTitle": "탭", **option},
            "secondPickOption": {"pickOptionTitle": "스페이스", **option},
        },
    }
    return Request("POST", "/picks", json=body)


def _ingest(world: World, n: int) -> Request:
    article = {
        "companyId": 1,  # the company every bench member follows: its publish reaches them
        "title": f"쿠버네티스 운영기 {n}편: 배치와 캐시",
        "contents": f"벤치 {n}번째 글의 본문입니다. " * 20,
        "author": "크롤러",
        "regDate": "2026-12-01",
        "techArticleUrl": f"https://blog.example.com/bench/{n}",
        "thumbnailUrl": f"https://blog.example.com/bench/{n}/thumbnail.png",
    }
    return Request("POST", "/articles", json={"techArticles": [article]})


def _publish(world: World, n: int) -> Request:
    """The crawler announces the newest article it ingested and has not announced yet (announcing one again adds
    nothing)."""
    article = next((a for a in reversed(world.ingested) if a not in world.published), 1)
    world.published.add(article)
    return Request("POST", "/notifications/SUBSCRIPTION", json={"companyId": 1, "techArticles": [{"id": article}]})


def _read_one(world: World, n: int) -> Request:
    member = n % len(world.members)
    ids = world.notifications.get(member) or []
    notification = ids.pop() if ids else 1
    return Request("PATCH", f"/notifications/{notification}/read")


def _refresh(world: World, n: int) -> Request:
    world.client.cookies.clear()
    pair = world.client.get(f"{BASE}/token/test/user").json()["data"]
    world.client.cookies.clear()
    return Request("POST", "/token/refresh", headers={"Cookie": f"DEVDEVDEV_REFRESH_TOKEN={pair['refreshToken']}"})


def _a(n: int) -> int:
    return ARTICLES[n % len(ARTICLES)]


MIX: tuple[Endpoint, ...] = (
    # reads: 80 %
    Endpoint("GET /picks", 12, "visitor", _get(f"/picks?size=9&pickId={MAX_CURSOR}&pickSort=LATEST")),
    Endpoint("GET /picks/{pickId}", 9, "visitor", lambda w, n: Request("GET", f"/picks/{PICKS[n % len(PICKS)]}")),
    Endpoint(
        "GET /picks/{pickId}/similarties",
        5,
        "visitor",
        lambda w, n: Request("GET", f"/picks/{PICKS[n % len(PICKS)]}/similarties"),
    ),
    Endpoint(
        "GET /picks/{pickId}/comments",
        7,
        "visitor",
        _get(
            f"/picks/{COMMENTED_PICK}/comments?pickCommentId={MAX_CURSOR}&size=10&pickCommentSort=LATEST"
            "&pickOptionTypes="
        ),
    ),
    Endpoint("GET /picks/{pickId}/comments/best", 2, "visitor", _get(f"/picks/{COMMENTED_PICK}/comments/best?size=3")),
    Endpoint("GET /articles", 9, "visitor", _get("/articles?size=10&techArticleSort=LATEST")),
    Endpoint(
        "GET /articles (keyword search)",
        3,
        "visitor",
        _get("/articles?size=10&techArticleSort=HIGHEST_SCORE&keyword=%EC%BF%A0%EB%B2%84%EB%84%A4%ED%8B%B0%EC%8A%A4"),
    ),
    Endpoint("GET /articles/{techArticleId}", 7, "visitor", lambda w, n: Request("GET", f"/articles/{_a(n)}")),
    Endpoint(
        "GET /articles/{techArticleId}/comments",
        4,
        "visitor",
        _get(f"/articles/{COMMENTED_ARTICLE}/comments?size=10&techCommentSort=LATEST"),
    ),
    Endpoint("GET /subscriptions/companies", 3, "visitor", _get("/subscriptions/companies?size=10")),
    Endpoint(
        "GET /subscriptions/companies/{companyId}",
        4,
        "visitor",
        lambda w, n: Request("GET", f"/subscriptions/companies/{1 + n % 4}"),
    ),
    Endpoint("GET /keywords/auto-complete", 2, "visitor", _get("/keywords/auto-complete?prefix=%EC%BF%A0")),
    Endpoint("GET /notifications/unread-count", 7, "member", _get("/notifications/unread-count")),
    Endpoint("GET /notifications/popup", 1.5, "member", _get("/notifications/popup?size=5")),
    Endpoint("GET /notifications/page", 1, "member", _get(f"/notifications/page?size=8&notificationId={MAX_CURSOR}")),
    Endpoint("GET /mypage/picks", 1, "member", _get(f"/mypage/picks?size=10&pickId={MAX_CURSOR}")),
    Endpoint(
        "GET /mypage/comments",
        1,
        "member",
        _get(f"/mypage/comments?size=5&pickCommentId={MAX_CURSOR}&techCommentId={MAX_CURSOR}&commentFilter=ALL"),
    ),
    Endpoint("GET /mypage/bookmarks", 1, "member", _get("/mypage/bookmarks?size=10&bookmarkSort=BOOKMARKED")),
    Endpoint(
        "GET /mypage/subscriptions/companies",
        0.5,
        "member",
        _get(f"/mypage/subscriptions/companies?size=8&companyId={MAX_CURSOR}"),
    ),
    # writes: 20 %
    Endpoint("POST /picks/vote", 5, "visitor", _vote),
    Endpoint(
        "POST /picks/{pickId}/comments",
        2,
        "visitor",
        lambda w, n: Request(
            "POST", f"/picks/{COMMENTED_PICK}/comments", json={"contents": f"벤치 댓글 {n}", "isPickVotePublic": False}
        ),
    ),
    Endpoint(
        "POST /picks/{pickId}/comments/{origin}/{parent} (reply)",
        1,
        "visitor",
        lambda w, n: Request(
            "POST",
            f"/picks/{COMMENTED_PICK}/comments/{w.pick_comments[0]}/{w.pick_comments[0]}",
            json={"contents": f"벤치 답글 {n}"},
        ),
    ),
    Endpoint(
        "POST /picks/{pickId}/comments/{pickCommentId}/recommends",
        2,
        "member",
        lambda w, n: Request(
            "POST", f"/picks/{COMMENTED_PICK}/comments/{w.pick_comments[n % len(w.pick_comments)]}/recommends"
        ),
    ),
    Endpoint(
        "POST /articles/{techArticleId}/bookmark",
        2,
        "member",
        lambda w, n: Request("POST", f"/articles/{_a(n)}/bookmark"),
    ),
    Endpoint(
        "POST /articles/{techArticleId}/recommend",
        2,
        "visitor",
        lambda w, n: Request("POST", f"/articles/{_a(n)}/recommend"),
    ),
    Endpoint(
        "POST /articles/{techArticleId}/comments",
        1,
        "visitor",
        lambda w, n: Request("POST", f"/articles/{COMMENTED_ARTICLE}/comments", json={"contents": f"벤치 댓글 {n}"}),
    ),
    Endpoint(
        "POST /articles/{techArticleId}/comments/{techCommentId}/recommends",
        1,
        "member",
        lambda w, n: Request(
            "POST", f"/articles/{COMMENTED_ARTICLE}/comments/{w.tech_comments[n % len(w.tech_comments)]}/recommends"
        ),
    ),
    Endpoint("PATCH /notifications/{notificationId}/read", 1.5, "member", _read_one),
    Endpoint("PATCH /notifications/read-all", 0.3, "member", lambda w, n: Request("PATCH", "/notifications/read-all")),
    Endpoint(
        "POST /subscriptions",
        0.4,
        "member",
        lambda w, n: Request("POST", "/subscriptions", json={"companyId": 2 + n % 3}),
    ),
    Endpoint("POST /picks", 0.3, "member", _new_pick),
    Endpoint("POST /token/refresh", 0.5, "cookie", _refresh),
    Endpoint("POST /articles (the crawler's ingestion)", 0.6, "crawler", _ingest),
    Endpoint("POST /notifications/{channel} (the crawler's publish)", 0.4, "crawler", _publish),
)


# -- measuring ------------------------------------------------------------------------------------------------------


@dataclass
class Invocation:
    function: str
    cpu_ms: float
    wall_ms: float
    queued_ms: float = 0.0  # runnable but waiting for a core (this machine's load, not the function's I/O)

    @property
    def io_ms(self) -> float:
        """The time the invocation waited on something else (DynamoDB, SQS): wall time less CPU and run queue."""
        return max(0.0, self.wall_ms - self.cpu_ms - self.queued_ms)


def _queued_ns() -> int:
    """This thread's time waiting on a run queue so far (Linux's schedstat), or 0 where the kernel does not say."""
    try:
        with open("/proc/thread-self/schedstat") as stat:
            return int(stat.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


@dataclass
class Sample:
    """One call and everything it caused."""

    route_key: str  # the route the gateway matched ("GET /devdevdev/api/v1/picks")
    status: int
    handler: dict[str, Any]  # Meter.snapshot() of the handler
    background: dict[str, Any]  # Meter.snapshot() of the indexer, the embedding step and the worker
    invocations: list[Invocation]
    sqs_sends: int = 0  # SendMessage / SendMessageBatch requests
    sqs_messages: int = 0
    worker_batches: int = 0
    executions: int = 0  # embedding state machine executions (Pipe events)
    indexed_records: int = 0


class Probe:
    """Counts, while installed: each function invocation's CPU and wall time, SQS sends, and moto's own CPU."""

    def __init__(self) -> None:
        self.invocations: list[Invocation] = []
        self.sqs_sends = 0
        self.sqs_messages = 0
        self.moto_cpu = 0.0

    def reset(self) -> None:
        self.invocations.clear()
        self.sqs_sends = self.sqs_messages = 0

    @contextmanager
    def timed(self, function: str) -> Iterator[None]:
        moto, cpu, wall, queued = self.moto_cpu, time.process_time(), time.perf_counter(), _queued_ns()
        try:
            yield
        finally:
            spent = time.process_time() - cpu - (self.moto_cpu - moto)
            self.invocations.append(
                Invocation(
                    function,
                    cpu_ms=spent * 1000,
                    wall_ms=(time.perf_counter() - wall) * 1000,
                    queued_ms=(_queued_ns() - queued) / 1e6,
                )
            )

    @contextmanager
    def installed(self) -> Iterator[Probe]:
        from botocore.client import BaseClient
        from moto.server import DomainDispatcherApplication

        from infra.local.gateway import InstancePool

        probe = self
        invoke, api_call, dispatch = (
            InstancePool.invoke,
            BaseClient._make_api_call,
            DomainDispatcherApplication.__call__,
        )

        def timed_invoke(pool: Any, event: dict[str, Any]) -> dict[str, Any]:
            with probe.timed(GROUP_FUNCTION[pool.group]):
                return invoke(pool, event)

        def counted_call(client: Any, operation: str, params: dict[str, Any]) -> Any:
            if client.meta.service_model.service_name == "sqs" and operation in ("SendMessage", "SendMessageBatch"):
                probe.sqs_sends += 1
                probe.sqs_messages += len(params.get("Entries", ())) if operation == "SendMessageBatch" else 1
            return api_call(client, operation, params)

        def moto_call(app: Any, environ: Any, start_response: Any) -> Any:
            started = time.thread_time()
            try:
                return dispatch(app, environ, start_response)
            finally:
                probe.moto_cpu += time.thread_time() - started

        setattr(InstancePool, "invoke", timed_invoke)  # noqa: B010 (methods replaced for the probe's life)
        setattr(BaseClient, "_make_api_call", counted_call)  # noqa: B010
        setattr(DomainDispatcherApplication, "__call__", moto_call)  # noqa: B010
        try:
            yield self
        finally:
            setattr(InstancePool, "invoke", invoke)  # noqa: B010
            setattr(BaseClient, "_make_api_call", api_call)  # noqa: B010
            setattr(DomainDispatcherApplication, "__call__", dispatch)  # noqa: B010


class Followers:
    """What follows a write, run at once after each call: the table's stream (the indexer on article records, the
    Pipe and the embedding state machine on embedding requests) and the notification queue (the worker)."""

    def __init__(self, runtime: Any, probe: Probe) -> None:
        from devdevdev.embeddings.pipeline import matches, selected
        from devdevdev.services.article_stream import apply_stream_records

        from infra.local.pipes import EmbeddingPipe
        from infra.local.queues import QueuePump, worker_handler
        from infra.local.streams import StreamPump

        self.probe = probe
        self.indexed = self.executions = self.batches = 0
        pipe = EmbeddingPipe(sleep=lambda _: None)
        worker = worker_handler()

        def apply(records: list[dict[str, Any]]) -> None:
            articles = [r for r in records if matches(INDEXER_FILTER, r)]
            if articles:
                self.indexed += len(articles)
                with probe.timed(INDEXER):
                    apply_stream_records(runtime, articles)
            passed = selected(records)
            if passed:
                self.executions += len(passed)
                for record in passed:  # the Pipe's batch size is 1: one execution per request
                    with probe.timed(EMBED):
                        pipe.apply([record])

        def work(event: dict[str, Any], context: Any) -> dict[str, Any]:
            self.batches += 1
            with probe.timed(WORKER):
                return worker(event, context)

        s = runtime.settings
        self.stream = StreamPump(s.dynamodb_endpoint, s.table_name, s.region, apply)
        self.queue = QueuePump(s.sqs_endpoint, s.notification_queue_url, s.region, work)

    def drain(self) -> None:
        while self.stream.drain() + self.queue.drain():
            pass


def measure(world: World, followers: Followers, probe: Probe, endpoint: Endpoint, n: int) -> Sample:
    request = endpoint.build(world, n)  # its set-up, if any, is not measured
    probe.reset()
    followers.indexed = followers.executions = followers.batches = 0
    headers = {**world.headers(endpoint.who, n), **request.headers}
    with Meter() as handler:
        response = world.client.request(request.method, BASE + request.path, headers=headers, json=request.json)
    with Meter() as background:
        followers.drain()
    world.client.cookies.clear()
    if response.status_code == 200 and endpoint.route.startswith("POST /articles (") and response.json().get("data"):
        world.ingested += [a["id"] for a in response.json()["data"]["techArticles"]]
    found = routes.match(request.method, BASE + request.path.split("?", 1)[0])
    return Sample(
        route_key=found[0].route_key if found else "",
        status=response.status_code,
        handler=handler.snapshot(),
        background=background.snapshot(),
        invocations=list(probe.invocations),
        sqs_sends=probe.sqs_sends,
        sqs_messages=probe.sqs_messages,
        worker_batches=followers.batches,
        executions=followers.executions,
        indexed_records=followers.indexed,
    )


# -- the bench's data -----------------------------------------------------------------------------------------------


def prepare(world: World, followers: Followers, member_count: int, visitors: int) -> None:
    """Members (all subscribed to company 1, each with unread notifications), the first ``visitors`` calls'
    anonymous visitors (returning ones: their first visit, which stores them, is not what the mix measures),
    comments on pick 1 and article 1."""
    from devdevdev.auth.tokens import TokenClaims

    runtime, client = world.runtime, world.client
    now = datetime.now(UTC)
    for n in range(member_count):
        email = f"bench{n}@devdevdev.com"
        member, _ = runtime.members.create(
            email=email, social_type="KAKAO", role="ROLE_USER", nickname=f"bench{n}", now=now
        )
        token = runtime.tokens.issue(TokenClaims(email, "KAKAO", "ROLE_USER")).access_token
        world.members.append((member.id, {"Authorization": f"Bearer {token}"}))
    for _, headers in world.members:
        _ok(client.post(f"{BASE}/subscriptions", headers=headers, json={"companyId": 1}))
    for n in range(visitors):
        _ok(client.get(f"{BASE}/picks?size=1", headers=world.visitor(n)))  # a pick page stores a new visitor
    for pick in PICKS:
        detail = _ok(client.get(f"{BASE}/picks/{pick}", headers=world.member(0)))["data"]["pickOptions"]
        world.pick_options[pick] = (detail["firstPickOption"]["id"], detail["secondPickOption"]["id"])
    for n in range(6):
        headers = world.member(n)
        body = {"contents": f"준비된 댓글 {n}", "isPickVotePublic": False}
        world.pick_comments.append(
            _ok(client.post(f"{BASE}/picks/{COMMENTED_PICK}/comments", headers=headers, json=body))["data"][
                "pickCommentId"
            ]
        )
        world.tech_comments.append(
            _ok(
                client.post(
                    f"{BASE}/articles/{COMMENTED_ARTICLE}/comments", headers=headers, json={"contents": f"준비 {n}"}
                )
            )["data"]["techCommentId"]
        )
    for n in range(0, 6, 2):  # replies, so threads are read too
        origin = world.pick_comments[n]
        _ok(
            client.post(
                f"{BASE}/picks/{COMMENTED_PICK}/comments/{origin}/{origin}",
                headers=world.member(n + 1),
                json={"contents": "답글"},
            )
        )
    _ok(
        client.post(
            f"{BASE}/notifications/SUBSCRIPTION",
            headers=CRAWLER,
            json={"companyId": 1, "techArticles": [{"id": a} for a in (1, 2)]},
        )
    )
    for _, headers in world.members[-2:]:  # bookmarks to list, of members the mix's bookmarks do not reach
        _ok(client.post(f"{BASE}/articles/{_a(0)}/bookmark", headers=headers))
    followers.drain()
    for index, (_, headers) in enumerate(world.members):
        page = _ok(client.get(f"{BASE}/notifications/page?size=8", headers=headers))["data"]["content"]
        world.notifications[index] = [item["notificationId"] for item in page]


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, f"{response.status_code} {response.text}"
    return response.json()


# -- pricing --------------------------------------------------------------------------------------------------------


def duration_ms(invocation: Invocation, memory_mb: int) -> float:
    """The modelled duration at ``memory_mb``: the CPU time stretched by the CPU share below one vCPU, plus the
    I/O wait, which memory does not change."""
    return invocation.cpu_ms * max(1.0, FULL_VCPU_MB / memory_mb) + invocation.io_ms


def billed_gb_seconds(invocation: Invocation, memory_mb: int) -> float:
    return math.ceil(duration_ms(invocation, memory_mb)) / 1000 * memory_mb / 1024


def sample_cost(sample: Sample, memory: dict[str, int]) -> dict[str, float]:
    """One call's dollars by line of the bill."""
    units = {
        "rcu": sample.handler["rcu"] + sample.background["rcu"],
        "wcu": sample.handler["wcu"] + sample.background["wcu"],
    }
    gb_seconds = sum(billed_gb_seconds(i, memory[i.function]) for i in sample.invocations)
    sqs_requests = sample.sqs_sends + SQS_REQUESTS_PER_WORKER_BATCH * sample.worker_batches
    return {
        "HTTP API requests": prices.HTTP_API_REQUEST.usd,
        "Lambda requests": len(sample.invocations) * prices.LAMBDA_REQUEST.usd,
        "Lambda GB-s": gb_seconds * prices.LAMBDA_GB_SECOND_ARM.usd,
        "DynamoDB writes": units["wcu"] * prices.DYNAMODB_WRITE_UNIT.usd,
        "DynamoDB reads": units["rcu"] * prices.DYNAMODB_READ_UNIT.usd,
        "SQS": sqs_requests * prices.SQS_REQUEST.usd,
        "Step Functions + Pipes": sample.executions
        * (TRANSITIONS_PER_EXECUTION * prices.STEP_FUNCTIONS_TRANSITION.usd + prices.PIPES_EVENT.usd),
    }


LINES = (
    "HTTP API requests",
    "Lambda requests",
    "Lambda GB-s",
    "DynamoDB writes",
    "DynamoDB reads",
    "SQS",
    "Step Functions + Pipes",
)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def summarize(results: dict[str, list[Sample]], memory: dict[str, int]) -> dict[str, Any]:
    """Per endpoint: mean counts and dollars per call; for the mix: dollars per million calls by line."""
    endpoints = []
    per_million: defaultdict[str, float] = defaultdict(float)
    for endpoint in MIX:
        samples = results[endpoint.route]
        costs = [sample_cost(s, memory) for s in samples]
        line_means = {line: _mean([c[line] for c in costs]) for line in LINES}
        for line, value in line_means.items():
            per_million[line] += value * endpoint.share / 100 * 1e6
        endpoints.append(
            {
                "route": endpoint.route,
                "share": endpoint.share,
                "who": endpoint.who,
                "samples": len(samples),
                "statuses": sorted({s.status for s in samples}),
                "dynamodb_calls": _mean([s.handler["calls"] for s in samples]),
                "rcu": _mean([s.handler["rcu"] for s in samples]),
                "wcu": _mean([s.handler["wcu"] for s in samples]),
                "by_operation": _mean_counter([s.handler["by_operation"] for s in samples]),
                "background_calls": _mean([s.background["calls"] for s in samples]),
                "background_rcu": _mean([s.background["rcu"] for s in samples]),
                "background_wcu": _mean([s.background["wcu"] for s in samples]),
                "sqs_messages": _mean([s.sqs_messages for s in samples]),
                "worker_batches": _mean([s.worker_batches for s in samples]),
                "executions": _mean([s.executions for s in samples]),
                "indexed_records": _mean([s.indexed_records for s in samples]),
                "invocations": _mean([len(s.invocations) for s in samples]),
                "cpu_ms_median": _median([i.cpu_ms for s in samples for i in s.invocations[:1]]),
                "wall_ms_median": _median([i.wall_ms for s in samples for i in s.invocations[:1]]),
                "io_ms_median": _median([i.io_ms for s in samples for i in s.invocations[:1]]),
                "usd_per_million_calls": round(sum(line_means.values()) * 1e6, 3),
                "usd_per_million_by_line": {k: round(v * 1e6, 4) for k, v in line_means.items()},
            }
        )
    total = sum(per_million.values())
    before_duration = total - per_million["Lambda GB-s"]
    return {
        "endpoints": endpoints,
        "per_million": {line: round(per_million[line], 4) for line in LINES},
        "per_million_total": round(total, 4),
        "per_million_before_duration": round(before_duration, 4),
    }


def _mean_counter(counters: list[dict[str, int]]) -> dict[str, float]:
    total: Counter[str] = Counter()
    for counter in counters:
        total.update(counter)
    return {k: round(v / len(counters), 2) for k, v in sorted(total.items())} if counters else {}


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 2) if values else 0.0


def monthly(per_million_total: float) -> dict[str, Any]:
    """The bill at 10 k, 1 M and 100 M calls a month, beside the original stack's always-on one."""
    from devdevdev.stages import stage

    search = {
        name: round(
            prices.opensearch_monthly(config.search_instance_type, config.search_data_nodes, config.search_volume_gb), 2
        )
        for name, config in ((n, stage(n)) for n in ("dev", "prod"))
    }
    original = round(prices.original_stack_monthly(), 2)
    rows = []
    for calls in (10_000, 1_000_000, 100_000_000):
        variable = per_million_total * calls / 1e6
        rows.append(
            {
                "calls": calls,
                "serverless_variable": round(variable, 2),
                "serverless_with_dev_search": round(variable + search["dev"], 2),
                "serverless_with_prod_search": round(variable + search["prod"], 2),
                "original_stack": original,
            }
        )
    return {"opensearch_monthly": search, "original_stack_monthly": original, "rows": rows}


def tune(results: dict[str, list[Sample]]) -> list[dict[str, Any]]:
    """Per function: the modelled p95 duration (each call's CPU time, stretched, plus its endpoint's median I/O wait)
    and the cost per million invocations at each size; the size :func:`choose` picks."""
    from infra import sizing

    weighted: dict[str, list[tuple[float, Invocation]]] = defaultdict(list)
    for endpoint in MIX:
        samples = results[endpoint.route]
        waits: dict[str, list[float]] = defaultdict(list)
        for sample in samples:
            for invocation in sample.invocations:
                waits[invocation.function].append(invocation.io_ms)
        for sample in samples:
            for i in sample.invocations:
                # each call's own CPU time, with the endpoint's median I/O wait: DynamoDB Local's tail on a loaded
                # machine is not what a size is chosen for
                typical = Invocation(i.function, i.cpu_ms, i.cpu_ms + statistics.median(waits[i.function]))
                weighted[i.function].append((endpoint.share / len(samples), typical))
    table = []
    for function in sorted(weighted):
        pairs = weighted[function]
        budget = BACKGROUND_BUDGETS.get(function, HTTP_BUDGET_MS)
        total_weight = sum(w for w, _ in pairs)
        steps = []
        for memory in MEMORY_STEPS:
            p95 = _weighted_quantile([(w, duration_ms(i, memory)) for w, i in pairs], 0.95)
            gb_s = sum(w * billed_gb_seconds(i, memory) for w, i in pairs) / total_weight
            usd = (gb_s * prices.LAMBDA_GB_SECOND_ARM.usd + prices.LAMBDA_REQUEST.usd) * 1e6
            steps.append({"memory_mb": memory, "p95_ms": round(p95, 1), "usd_per_million": round(usd, 3)})
        chosen = choose(steps, budget)
        table.append(
            {
                "function": function,
                "budget_ms": budget,
                "cpu_ms_median": _median([i.cpu_ms for _, i in pairs]),
                "io_ms_median": _median([i.io_ms for _, i in pairs]),
                "steps": steps,
                "chosen_mb": chosen["memory_mb"],
                "within_budget": chosen["p95_ms"] <= budget,
                "configured_mb": sizing.FUNCTION_MEMORY_MB.get(function),
            }
        )
    return table


def choose(steps: list[dict[str, Any]], budget_ms: float) -> dict[str, Any]:
    """The cheapest size at or above the floor whose p95 meets the budget. When none does (the I/O wait alone is
    over it), the cheapest whose p95 is within 10 % of the best any size reaches: more memory would buy less."""
    sizes = [s for s in steps if s["memory_mb"] >= MEMORY_FLOOR_MB]
    within = [s for s in sizes if s["p95_ms"] <= budget_ms]
    if not within:
        best = min(s["p95_ms"] for s in sizes)
        within = [s for s in sizes if s["p95_ms"] <= best * 1.1]
    return min(within, key=lambda s: (s["usd_per_million"], s["memory_mb"]))


def _weighted_quantile(pairs: list[tuple[float, float]], q: float) -> float:
    ordered = sorted(pairs, key=lambda p: p[1])
    total = sum(w for w, _ in ordered)
    running = 0.0
    for weight, value in ordered:
        running += weight
        if running >= q * total:
            return value
    return ordered[-1][1]


# -- the run --------------------------------------------------------------------------------------------------------


def drive(repeats: int = 8, members: int = 24, warm: bool = True) -> dict[str, list[Sample]]:
    """Drive the mix on a stage of its own: ``repeats`` calls per endpoint (after one unmeasured call per endpoint
    that loads its function, when ``warm``), with ``members`` members (at least two per call of an endpoint)."""
    from devdevdev.clock import FixedClock

    from bench.stack import local_stage

    # A clock standing still: every run sees the same rate-limit window, so the limiter's block reservations (one
    # write per 10 requests of a client) fall on the same calls in every run, and structural counts repeat exactly.
    with local_stage(clock=FixedClock(datetime.now(UTC))) as stage, Probe().installed() as probe:
        world = World(stage.client, stage.runtime)
        followers = Followers(stage.runtime, probe)
        followers.drain()  # index the seeded articles, embed the seeded picks
        prepare(world, followers, max(members, 2 * repeats + 2), repeats)
        if warm:
            for index, endpoint in enumerate(MIX):
                measure(world, followers, probe, endpoint, 10_000 + index)
        return {
            endpoint.route: [measure(world, followers, probe, endpoint, n) for n in range(repeats)] for endpoint in MIX
        }


def price(results: dict[str, list[Sample]]) -> dict[str, Any]:
    """The measured calls priced: per endpoint, per million calls of the mix, per month, and the memory table."""
    from infra import sizing

    summary = summarize(results, dict(sizing.FUNCTION_MEMORY_MB))
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "repeats": min(len(samples) for samples in results.values()),
        "load_average": os.getloadavg(),
        "region": prices.REGION,
        "prices": {
            name: {"usd": p.usd, "unit": p.unit, "source": p.source, "note": p.note} for name, p in prices.table()
        },
        **summary,
        "monthly": monthly(summary["per_million_total"]),
        "memory": tune(results),
        "samples": {route: [_plain(s) for s in samples] for route, samples in results.items()},
    }


def run(repeats: int = 8) -> dict[str, Any]:
    return price(drive(repeats))


def _plain(sample: Sample) -> dict[str, Any]:
    return {
        "route_key": sample.route_key,
        "status": sample.status,
        "handler": sample.handler,
        "background": sample.background,
        "invocations": [vars(i) for i in sample.invocations],
        "sqs_sends": sample.sqs_sends,
        "sqs_messages": sample.sqs_messages,
        "worker_batches": sample.worker_batches,
        "executions": sample.executions,
        "indexed_records": sample.indexed_records,
    }


def report(result: dict[str, Any]) -> str:
    lines = [
        f"cost bench ({result['repeats']} calls per endpoint, load {result['load_average'][0]:.1f}), {prices.REGION}"
    ]
    lines.append(
        f"{'endpoint (mean per call; bg: what it started)':<66}{'share':>6}{'DDB':>5}{'bg':>5}{'RCU':>7}{'WCU':>7}"
        f"{'bg WCU':>7}{'SQS':>5}{'inv':>5}{'CPU ms':>7}{'I/O ms':>7}{'$/M':>7}"
    )
    for e in result["endpoints"]:
        lines.append(
            f"{e['route'][:65]:<66}{e['share']:>6}{e['dynamodb_calls']:>5.1f}{e['background_calls']:>5.1f}"
            f"{e['rcu'] + e['background_rcu']:>7.2f}{e['wcu']:>7.2f}{e['background_wcu']:>7.2f}{e['sqs_messages']:>5.1f}"
            f"{e['invocations']:>5.2f}"
            f"{e['cpu_ms_median']:>7.1f}{e['io_ms_median']:>7.1f}{e['usd_per_million_calls']:>7.2f}"
        )
    lines.append("dollars per million calls of the mix:")
    for line, usd in result["per_million"].items():
        lines.append(f"  {line:<26}{usd:>8.3f}")
    lines.append(
        f"  {'total':<26}{result['per_million_total']:>8.3f}  (before Lambda duration: {result['per_million_before_duration']:.3f})"
    )
    m = result["monthly"]
    lines.append(
        f"monthly: OpenSearch fixed {m['opensearch_monthly']['dev']:.2f} (dev) / {m['opensearch_monthly']['prod']:.2f} (prod); "
        f"original EC2 + RDS + ElastiCache {m['original_stack_monthly']:.2f}"
    )
    for row in m["rows"]:
        lines.append(
            f"  {row['calls']:>11,} calls: serverless {row['serverless_variable']:>9.2f} + search = {row['serverless_with_dev_search']:>9.2f} (dev)"
            f" / {row['serverless_with_prod_search']:>9.2f} (prod); original {row['original_stack']:.2f}"
        )
    lines.append("memory per function (modelled p95 ms / $ per million invocations):")
    header = "".join(f"{m:>12}" for m in MEMORY_STEPS)
    lines.append(f"  {'function':<28}{'budget':>7}{header}  chosen (sizing.py)")
    for row in result["memory"]:
        cells = "".join(f"{s['p95_ms']:>6.0f}/{s['usd_per_million']:<5.2f}" for s in row["steps"])
        over = "" if row["within_budget"] else ", over budget"
        lines.append(
            f"  {row['function']:<28}{row['budget_ms']:>7}{cells}  {row['chosen_mb']} ({row['configured_mb']}){over}"
        )
    return "\n".join(lines)


def main() -> None:
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")  # the functions' INFO lines would bury the table
    result = run(int(os.environ.get("REPEATS", "8")))
    (results_dir() / "cost.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(report(result))
