"""Limits a client cannot reset, through HTTP: the per-client window and the per-IP ceiling (on the source IP the
gateway reports, never a header the client writes), the throttle on failed crawler authentications, Retry-After on
every 429; the headers of every answer; the local gateway's source address and banner. The limits reserved in blocks
per instance: one write per block, never passed across instances (two limiters of their own on one table, with
threads; two gateway processes), each other instance holding back less than a block."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Protocol

import httpx
import pytest
from devdevdev.clock import FixedClock
from devdevdev.runtime import use_runtime
from devdevdev.store.ratelimit import FailureLimiter, RateLimiter
from starlette.testclient import TestClient

from bench.meter import Meter
from infra.local import services
from infra.local.gateway import UVICORN_OPTIONS, create_app
from tests.conftest import BASE, NOW, bearer, build_runtime, fail

pytestmark = pytest.mark.integration

TOO_MANY = fail("너무 많은 요청을 했습니다. 잠시 후 다시 시도해 주세요.", 429)
FORBIDDEN = fail("접근할 수 없는 권한 입니다.", 403)
CRAWLER = {"service-name": "devdevdev-crawler", "api-key": "local-crawler-key"}
WRONG_KEY = {"service-name": "devdevdev-crawler", "api-key": "not-the-key"}
ORIGIN = "http://localhost:3000"
LIMITS = {"RATE_LIMIT_PER_MINUTE": "10", "RATE_LIMIT_PER_IP_PER_MINUTE": "20"}
IP_A, IP_B = "203.0.113.7", "198.51.100.9"
SECURITY_HEADERS = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "cache-control": "no-store"}


class Answer(Protocol):
    """An HTTP answer, from httpx or from Starlette's test client (which may be built on another httpx package)."""

    status_code: int

    @property
    def headers(self) -> Any: ...

    def json(self) -> Any: ...


def fresh_cookie() -> dict[str, str]:
    return {"Cookie": f"_ga=GA1.1.{uuid.uuid4().int % 10**9}.{uuid.uuid4().int % 10**10}"}


@contextmanager
def stage(settings_env: dict[str, str], **env: str) -> Iterator:
    """A seeded stage with ``env`` on a clock standing at a known instant (a window never ends mid-test), and its
    gateway: (runtime, clock, gateway app)."""
    from infra.local.seed import seed

    clock = FixedClock(NOW)
    runtime = build_runtime(dict(settings_env, **env), clock)
    seed(runtime)
    try:
        yield runtime, clock, create_app(runtime.settings.cors_allowed_origins)
    finally:
        use_runtime(None)
        services.dynamodb_client(runtime.settings.dynamodb_endpoint or "").delete_table(
            TableName=runtime.settings.table_name
        )


def from_ip(app, ip: str) -> TestClient:
    """HTTP through the local gateway ``app`` from a peer at ``ip``."""
    return TestClient(app, base_url="http://127.0.0.1:8080", client=(ip, 50000))


def assert_too_many(response: Answer, retry_after: int) -> None:
    assert (response.status_code, response.json()) == (429, TOO_MANY)
    assert response.headers["retry-after"] == str(retry_after)


# The per-client window and the per-IP ceiling ------------------------------------------------------------------------


def test_fresh_cookies_do_not_reset_the_ip_and_one_cookie_keeps_its_own_limit(settings_env):
    """The issue's acceptance: 10 per client, 20 per IP. Thirty fresh cookies from one IP → exactly 10 × 429;
    fifteen requests with one cookie from another IP → exactly 5 × 429."""
    with stage(settings_env, **LIMITS) as (_, clock, app):
        clock.advance(seconds=15)  # 45 s left in the window
        a = from_ip(app, IP_A)
        answers = [a.get(f"{BASE}/token/test/user", headers=fresh_cookie()) for _ in range(30)]
        assert [r.status_code for r in answers] == [200] * 20 + [429] * 10
        for response in answers[20:]:
            assert_too_many(response, 45)

        b = from_ip(app, IP_B)
        cookie = fresh_cookie()
        answers = [b.get(f"{BASE}/token/test/user", headers=cookie) for _ in range(15)]
        assert [r.status_code for r in answers] == [200] * 10 + [429] * 5
        assert_too_many(answers[-1], 45)
        # The client over its limit did not spend its neighbours' budget: another browser at IP B still gets 10.
        other = [b.get(f"{BASE}/token/test/user", headers=fresh_cookie()).status_code for _ in range(10)]
        assert other == [200] * 10
        # IP B has now had 20 requests let through: its ceiling holds for a cookieless request too.
        assert_too_many(b.get(f"{BASE}/token/test/user"), 45)

        clock.advance(seconds=45)  # the next window
        assert a.get(f"{BASE}/token/test/user", headers=fresh_cookie()).status_code == 200
        assert b.get(f"{BASE}/token/test/user", headers=cookie).status_code == 200


def test_thirty_concurrent_fresh_cookies_from_one_ip_get_exactly_ten_429(settings_env):
    with stage(settings_env, **LIMITS) as (_, _, app):
        a = from_ip(app, IP_A)
        with ThreadPoolExecutor(10) as pool:
            answers = list(pool.map(lambda _: a.get(f"{BASE}/token/test/user", headers=fresh_cookie()), range(30)))
        assert Counter(r.status_code for r in answers) == {200: 20, 429: 10}
        assert all(r.headers["retry-after"] == "60" for r in answers if r.status_code == 429)


def test_fifteen_concurrent_requests_of_one_cookie_get_exactly_five_429(settings_env):
    with stage(settings_env, **LIMITS) as (_, _, app):
        b = from_ip(app, IP_B)
        cookie = fresh_cookie()
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: b.get(f"{BASE}/token/test/user", headers=cookie), range(15)))
        assert Counter(r.status_code for r in answers) == {200: 10, 429: 5}


def test_an_overlong_cookie_is_a_client_like_any_other(settings_env):
    """The anonymous id is hashed into the window item, so its length or characters cannot break the key."""
    with stage(settings_env, RATE_LIMIT_PER_MINUTE="2") as (_, _, app):
        a = from_ip(app, IP_A)
        cookie = {"Cookie": "_ga=" + "x" * 3000}
        statuses = [a.get(f"{BASE}/token/test/user", headers=cookie).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]


def test_forwarded_for_written_by_the_client_is_not_its_address(settings_env):
    """Without a trusted proxy, X-Forwarded-For changes nothing: thirty spoofed addresses are one IP."""
    with stage(settings_env, **LIMITS) as (_, _, app):
        a = from_ip(app, IP_A)
        statuses = [
            a.get(f"{BASE}/token/test/user", headers={**fresh_cookie(), "X-Forwarded-For": f"192.0.2.{n}"}).status_code
            for n in range(30)
        ]
        assert statuses == [200] * 20 + [429] * 10


# Blocks: one write per block, and the limits across instances --------------------------------------------------------

BLOCKS = {"RATE_LIMIT_PER_MINUTE": "100", "RATE_LIMIT_PER_IP_PER_MINUTE": "200", "RATE_LIMIT_BLOCK": "10"}


def instance(runtime) -> RateLimiter:
    """The limiter of another Lambda instance: blocks of its own, on the same table."""
    settings = runtime.settings
    return RateLimiter(settings.rate_limit_per_minute, settings.ip_rate_limit_per_minute, settings.rate_limit_block)


def test_a_block_is_at_most_a_tenth_of_a_limit():
    assert (RateLimiter(120, 1200).client_block, RateLimiter(120, 1200).ip_block) == (10, 10)
    assert (RateLimiter(10, 20).client_block, RateLimiter(10, 20).ip_block) == (1, 2)
    assert (RateLimiter(1000, 100_000, block=50).client_block, RateLimiter(5, 5, block=50).ip_block) == (50, 1)


class TableCalls:
    """What a limiter asks the table: conditional reservations tried (answered or refused) and reads."""

    def __init__(self, limiter: RateLimiter) -> None:
        self.calls: Counter[str] = Counter()
        update, read = limiter._update, limiter._read

        def counted_update(*args) -> bool:
            self.calls["UpdateItem"] += 1
            return update(*args)

        def counted_read(*args) -> tuple[int, int | None]:
            self.calls["GetItem"] += 1
            return read(*args)

        limiter._update, limiter._read = counted_update, counted_read  # type: ignore[method-assign, assignment]

    def take(self) -> dict[str, int]:
        calls = dict(self.calls)
        self.calls.clear()
        return calls


def test_an_instance_writes_once_per_block_and_a_used_up_client_costs_nothing(settings_env):
    with stage(settings_env, **BLOCKS) as (runtime, clock, _):
        limiter, now = runtime.rate_limiter, clock.epoch_seconds()
        table = TableCalls(limiter)
        with Meter() as meter:
            assert all(limiter.hit(IP_A, "GA1.1.1.1", now) for _ in range(100))
        assert meter.by_operation == {"UpdateItem": 10}  # a block of 10 for the client and the IP together
        assert table.take() == {"UpdateItem": 10}
        # The 101st: the reservation is refused, a read says nothing is left.
        assert not limiter.hit(IP_A, "GA1.1.1.1", now)
        assert table.take() == {"UpdateItem": 1, "GetItem": 1}
        # From then on the instance knows: refused without a call.
        assert not any(limiter.hit(IP_A, "GA1.1.1.1", now) for _ in range(50))
        assert table.take() == {}
        # Another client of the IP spends the IP's block this instance holds: a write for its own block only.
        assert limiter.hit(IP_A, "GA1.1.2.2", now)
        assert table.take() == {"UpdateItem": 1}
        clock.advance(seconds=60)
        assert limiter.hit(IP_A, "GA1.1.1.1", clock.epoch_seconds())


def test_two_instances_never_pass_the_limits_and_each_holds_back_less_than_a_block(settings_env):
    """Instance A serves a client once and holds the rest of its block (9). Instance B serves the same client until
    refused: 90, the limit less what A holds. A then spends its 9: exactly 100 in all. The same for the IP."""
    with stage(settings_env, **BLOCKS) as (runtime, clock, _):
        a, b, now = instance(runtime), instance(runtime), clock.epoch_seconds()
        assert a.hit(IP_A, "GA1.1.1.1", now)
        assert [b.hit(IP_A, "GA1.1.1.1", now) for _ in range(100)] == [True] * 90 + [False] * 10
        assert [a.hit(IP_A, "GA1.1.1.1", now) for _ in range(10)] == [True] * 9 + [False]
        assert not b.hit(IP_A, "GA1.1.1.1", now)

        assert a.hit(IP_B, "GA1.1.0.0", now)
        fresh = [f"GA1.1.{n}.{n}" for n in range(1, 201)]
        assert [b.hit(IP_B, cookie, now) for cookie in fresh] == [True] * 190 + [False] * 10
        assert [a.hit(IP_B, cookie, now) for cookie in fresh[:10]] == [True] * 9 + [False]


def test_two_instances_under_threads_let_exactly_the_limits_through(settings_env):
    """Four threads in each of two instances, one client: exactly its 100 are let through of 480. Then fresh cookies
    from another IP: exactly the IP's 200 of 480."""
    with stage(settings_env, **BLOCKS) as (runtime, clock, _):
        limiters, now = (instance(runtime), instance(runtime)), clock.epoch_seconds()
        barrier = threading.Barrier(8)

        def hammer(limiter: RateLimiter, ip: str, clients: list[str]) -> list[bool]:
            barrier.wait()
            return [limiter.hit(ip, client, now) for client in clients]

        with ThreadPoolExecutor(8) as pool:
            runs = [pool.submit(hammer, limiters[n % 2], IP_A, ["GA1.1.1.1"] * 60) for n in range(8)]
            one_client = [r.result() for r in runs]
        assert sum(sum(run) for run in one_client) == 100
        assert all(sum(one_client[n]) > 0 for n in range(8))  # both instances served

        with ThreadPoolExecutor(8) as pool:
            runs = [pool.submit(hammer, limiters[n % 2], IP_B, [f"GA1.1.{n}.{i}" for i in range(60)]) for n in range(8)]
            fresh = [r.result() for r in runs]
        assert sum(sum(run) for run in fresh) == 200


SECOND_GATEWAY = """
import sys
from datetime import datetime

import uvicorn
from devdevdev.clock import FixedClock
from devdevdev.runtime import Runtime, use_runtime
from devdevdev.settings import Settings

from infra.local.gateway import UVICORN_OPTIONS, create_app

use_runtime(Runtime(Settings.from_env(), FixedClock(datetime.fromisoformat(sys.argv[2]))))
uvicorn.run(create_app(()), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", **UVICORN_OPTIONS)
"""


@contextmanager
def second_gateway(env: dict[str, str]) -> Iterator[str]:
    """The local gateway in a process of its own (another Lambda instance's memory) on the same table, its clock
    standing at the same instant."""
    port = services.free_port()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    process_env = dict(os.environ, **env, PYTHONPATH=os.pathsep.join([os.path.join(root, "layers", "shared"), root]))
    process = subprocess.Popen(
        [sys.executable, "-c", SECOND_GATEWAY, str(port), NOW.isoformat()], cwd=root, env=process_env
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "the second gateway exited"
            assert time.monotonic() < deadline, "the second gateway did not start"
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}{BASE}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_two_gateway_processes_on_one_table_let_exactly_the_ceiling_through(settings_env):
    """Thirty fresh cookies to each of two gateway processes (concurrently, after one each), from one IP with a
    ceiling of 20: exactly 20 are let through in all, and every 429 says when the window ends."""
    with (
        stage(settings_env, **LIMITS) as (runtime, _, _),
        gateway_on_a_port(runtime) as first,
        second_gateway(dict(settings_env, **LIMITS)) as second,
        httpx.Client() as http,
        ThreadPoolExecutor(8) as pool,
    ):
        # Each process serves one request first, and holds the rest of its block of the IP's hits (2: a tenth of 20).
        assert [http.get(f"{api}/token/test/user", headers=fresh_cookie()).status_code for api in (first, second)] == [
            200,
            200,
        ]
        urls = [first, second] * 29
        answers = list(pool.map(lambda api: http.get(f"{api}/token/test/user", headers=fresh_cookie()), urls))
        assert Counter(r.status_code for r in answers) == {200: 18, 429: 40}
        for response in answers:
            if response.status_code == 429:
                assert_too_many(response, 60)


# Failed crawler authentications ------------------------------------------------------------------------------------


def ingest(client: TestClient, headers: Mapping[str, Any]) -> Answer:
    """The crawler's batch upsert with ``headers`` (a value may be bytes: a header that is not valid text)."""
    article = {
        "companyId": 1,
        "title": "새 글",
        "contents": "새 글의 내용입니다.",
        "author": "크롤러",
        "regDate": "2024-05-01",
        "techArticleUrl": "https://blog.example.com/posts/limits",
        "thumbnailUrl": "https://blog.example.com/posts/limits/thumbnail.png",
    }
    return client.post(f"{BASE}/articles", headers=headers, json={"techArticles": [article]})


def test_two_hundred_wrong_keys_get_ten_403_then_429_until_the_window_ends(settings_env):
    with stage(settings_env) as (_, clock, app):
        attacker = from_ip(app, IP_A)
        answers = [ingest(attacker, WRONG_KEY) for _ in range(200)]
        assert [r.status_code for r in answers] == [403] * 10 + [429] * 190
        assert all(r.json() == FORBIDDEN for r in answers[:10])
        assert_too_many(answers[-1], 60)

        # Within the window the right key is refused too, from the attacker's IP and (the service is throttled) from
        # the crawler's own.
        assert_too_many(ingest(attacker, CRAWLER), 60)
        clock.advance(seconds=20)
        crawler = from_ip(app, IP_B)
        assert_too_many(ingest(crawler, CRAWLER), 40)
        # The attacker's IP is throttled whatever service it names.
        assert_too_many(ingest(attacker, {"service-name": "another-crawler", "api-key": "k"}), 40)

        clock.advance(seconds=40)  # the window has ended
        assert ingest(crawler, CRAWLER).status_code == 200
        assert ingest(attacker, CRAWLER).status_code == 200


def test_unknown_service_names_are_throttled_per_ip(settings_env):
    with stage(settings_env, CRAWLER_AUTH_FAILURES_PER_MINUTE="3") as (_, _, app):
        attacker = from_ip(app, IP_A)
        answers = [ingest(attacker, {"service-name": f"guess-{n}", "api-key": "k"}) for n in range(5)]
        assert [r.status_code for r in answers] == [404, 404, 404, 429, 429]
        assert answers[0].json() == fail("지원하는 서비스가 아닙니다.", 404)
        # Another IP and the real service were not part of it.
        assert ingest(from_ip(app, IP_B), CRAWLER).status_code == 200


def test_concurrent_wrong_keys_get_exactly_the_limit_of_403(settings_env):
    with stage(settings_env) as (_, _, app):
        attacker = from_ip(app, IP_A)
        with ThreadPoolExecutor(10) as pool:
            answers = list(pool.map(lambda _: ingest(attacker, WRONG_KEY), range(40)))
        assert Counter(r.status_code for r in answers) == {403: 10, 429: 30}
        assert ingest(attacker, CRAWLER).status_code == 429


def test_the_failure_limit_holds_whatever_order_the_transaction_sends_its_writes_in(settings_env, monkeypatch):
    """Each failure is one transaction over the IP's and the service name's counters: sent the other way round, the
    same exact limit holds, and a subject used up still refuses without counting against the other."""
    from devdevdev.store import transactions

    monkeypatch.setattr(transactions, "written_order", lambda operations: operations[::-1])
    with stage(settings_env) as (runtime, _, app):
        attacker = from_ip(app, IP_A)
        with ThreadPoolExecutor(10) as pool:
            answers = list(pool.map(lambda _: ingest(attacker, WRONG_KEY), range(40)))
        assert Counter(r.status_code for r in answers) == {403: 10, 429: 30}
        assert all(r.json() == FORBIDDEN for r in answers if r.status_code == 403)
        # A failure against a used-up subject and a fresh one is refused and spends nothing of the fresh one.
        failures, now = FailureLimiter(2), runtime.clock.epoch_seconds()
        assert [failures.record([f"IP#{IP_B}"], now) for _ in range(2)] == [False, False]
        assert failures.record(["SERVICE#fresh", f"IP#{IP_B}"], now) is True
        assert failures.blocked(["SERVICE#fresh"], now) is False
        assert [failures.record(["SERVICE#fresh"], now) for _ in range(3)] == [False, False, True]


def test_failed_signatures_count_too(settings_env):
    with stage(settings_env, CRAWLER_AUTH_FAILURES_PER_MINUTE="2") as (runtime, _, app):
        runtime.services.put("signed-crawler", "a-long-enough-api-key", signing_secret="s" * 32)
        attacker = from_ip(app, IP_A)
        forged = {"service-name": "signed-crawler", "timestamp": str(int(NOW.timestamp())), "signature": "0" * 64}
        statuses = [ingest(attacker, forged).status_code for _ in range(3)]
        assert statuses == [403, 403, 429]


def test_a_timestamp_of_non_ascii_digits_is_a_403_not_a_500(settings_env):
    with stage(settings_env) as (runtime, _, app):
        runtime.services.put("signed-crawler", "a-long-enough-api-key", signing_secret="s" * 32)
        response = ingest(
            from_ip(app, IP_A),
            {"service-name": "signed-crawler", "timestamp": "²".encode("latin-1"), "signature": "0" * 64},
        )
        assert (response.status_code, response.json()) == (403, FORBIDDEN)


# The headers of every answer ---------------------------------------------------------------------------------------


def assert_secured(response: Answer, hsts: str | None = None) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get_list(name) == [value], name
    assert response.headers.get("strict-transport-security") == hsts


def test_every_answer_carries_the_security_headers(client):
    token = client.get(f"{BASE}/token/test/user")  # a success of the resolver
    assert token.status_code == 200
    assert_secured(token)
    member = client.get(f"{BASE}/mypage/nickname/changeable", headers=bearer(token.json()["data"]["accessToken"]))
    assert member.status_code == 200
    assert_secured(member)
    missing = client.get(f"{BASE}/picks/999999", headers={"Anonymous-Member-Id": "GA1.1.1.1"})  # a route's failure
    assert (missing.status_code, missing.json()) == (404, fail("픽픽픽 게시글이 없습니다.", 404))
    assert_secured(missing)
    refused = client.post(f"{BASE}/logout")  # a failure of the filters
    assert (refused.status_code, refused.json()) == (401, fail("유효하지 않은 회원 입니다.", 401))
    assert_secured(refused)
    assert "server" not in refused.headers


def test_a_429_carries_the_headers_and_exposes_retry_after_to_the_web_client(settings_env):
    with stage(settings_env, RATE_LIMIT_PER_MINUTE="1") as (_, clock, app):
        clock.advance(seconds=59)
        a = from_ip(app, IP_A)
        assert a.get(f"{BASE}/token/test/user").status_code == 200
        limited = a.get(f"{BASE}/token/test/user", headers={"Origin": ORIGIN})
        assert_too_many(limited, 1)  # one second before the window ends: never 0
        assert_secured(limited)
        assert limited.headers["access-control-allow-origin"] == ORIGIN
        assert limited.headers["access-control-expose-headers"] == "retry-after,x-request-id"


def test_hsts_is_sent_where_the_stage_sets_it(settings_env):
    with stage(settings_env, HSTS_MAX_AGE_SECONDS="31536000") as (_, _, app):
        a = from_ip(app, IP_A)
        assert_secured(a.get(f"{BASE}/token/test/user"), "max-age=31536000; includeSubDomains")
        assert_secured(a.post(f"{BASE}/logout"), "max-age=31536000; includeSubDomains")


def test_a_login_cookie_and_a_stream_are_never_stored(client):
    """The answers that set cookies (the OAuth redirect, the refresh) and the notification stream: no-store."""
    tokens = client.get(f"{BASE}/token/test/user")
    refresh = client.post(
        f"{BASE}/token/refresh", headers={"Cookie": f"DEVDEVDEV_REFRESH_TOKEN={tokens.json()['data']['refreshToken']}"}
    )
    assert refresh.status_code == 200, refresh.text
    assert refresh.headers.get_list("set-cookie")
    assert_secured(refresh)
    login = client.get(f"{BASE}/oauth2/authorization/kakao", follow_redirects=False)
    assert login.status_code == 302
    assert_secured(login)


# The local gateway on a real port ----------------------------------------------------------------------------------


@contextmanager
def gateway_on_a_port(runtime, trusted_proxies: tuple[str, ...] = ()) -> Iterator[str]:
    """uvicorn as ``make run`` starts it (``UVICORN_OPTIONS``), with ``trusted_proxies``."""
    import uvicorn

    port = services.free_port()
    app = create_app(runtime.settings.cors_allowed_origins, trusted_proxies=trusted_proxies)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **UVICORN_OPTIONS))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the gateway did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}{BASE}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_the_gateway_has_no_banner_and_ignores_forwarded_for_from_an_untrusted_peer(settings_env):
    with stage(settings_env, **LIMITS) as (runtime, _, _), gateway_on_a_port(runtime) as api:
        with httpx.Client() as http:
            answers = [
                http.get(f"{api}/token/test/user", headers={**fresh_cookie(), "X-Forwarded-For": f"192.0.2.{n}"})
                for n in range(30)
            ]
        assert Counter(r.status_code for r in answers) == {200: 20, 429: 10}
        assert all("server" not in r.headers for r in answers)
        assert all("date" in r.headers for r in answers)
        assert_secured(answers[0])


def test_behind_a_trusted_proxy_the_right_most_untrusted_forwarded_address_is_the_client(settings_env):
    """The acceptance run on a real port: 127.0.0.1 and 10.0.0.0/8 are proxies; the client writes its own
    X-Forwarded-For, the proxies append what they saw."""
    with stage(settings_env, **LIMITS) as (runtime, _, _):
        with gateway_on_a_port(runtime, ("127.0.0.1", "10.0.0.0/8")) as api, httpx.Client() as http:

            def via_proxy(ip: str, cookie: dict[str, str]) -> int:
                spoofed = f"192.0.2.{uuid.uuid4().int % 250}"  # what the client wrote: never believed
                forwarded = f"{spoofed}, {ip}, 10.1.2.3"
                return http.get(f"{api}/token/test/user", headers={**cookie, "X-Forwarded-For": forwarded}).status_code

            a = Counter(via_proxy(IP_A, fresh_cookie()) for _ in range(30))
            cookie = fresh_cookie()
            b = Counter(via_proxy(IP_B, cookie) for _ in range(15))
            c = Counter(via_proxy("192.0.2.77", fresh_cookie()) for _ in range(3))
        assert (a, b, c) == ({200: 20, 429: 10}, {200: 10, 429: 5}, {200: 3})
