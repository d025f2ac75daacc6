"""Limits a client cannot reset, through HTTP: the per-client window and the per-IP ceiling (on the source IP the
gateway reports, never a header the client writes), the throttle on failed crawler authentications, Retry-After on
every 429; the headers of every answer; the local gateway's source address and banner."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest
from devdevdev.clock import FixedClock
from devdevdev.runtime import use_runtime
from starlette.testclient import TestClient

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


def assert_too_many(response: httpx.Response, retry_after: int) -> None:
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


# Failed crawler authentications ------------------------------------------------------------------------------------


def ingest(client: TestClient, headers: dict[str, str]) -> httpx.Response:
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


def assert_secured(response: httpx.Response, hsts: str | None = None) -> None:
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
        assert limited.headers["access-control-expose-headers"] == "retry-after"


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
