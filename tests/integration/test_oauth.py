"""OAuth2 login end to end against a fake Kakao-compatible provider: a real HTTP server inside the test."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from tests.conftest import BASE, NOW, bearer, build_runtime, fail, make_client

pytestmark = pytest.mark.integration


class FakeProvider:
    """Token and user-info endpoints; ``profile`` is what user-info answers."""

    def __init__(self) -> None:
        self.profile: dict = {
            "id": 4242,
            "kakao_account": {"email": "new.member@kakao.com"},
            "properties": {"nickname": "홍길동"},
        }
        self.token_requests: list[dict] = []
        self.fail_token = False
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                provider.token_requests.append({k: v[0] for k, v in form.items()})
                if provider.fail_token or form.get("code") != ["good-code"]:
                    return self._json(400, {"error": "invalid_grant"})
                return self._json(200, {"access_token": "provider-token", "token_type": "bearer"})

            def do_GET(self):
                if self.headers.get("Authorization") != "Bearer provider-token":
                    return self._json(401, {"msg": "unauthorized"})
                return self._json(200, provider.profile)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def provider():
    fake = FakeProvider()
    yield fake
    fake.server.shutdown()


@pytest.fixture
def login_client(settings_env, provider):
    from infra.local.seed import seed

    runtime = build_runtime(
        dict(
            settings_env,
            OAUTH_CLIENT_ID="client-1",
            OAUTH_CLIENT_SECRET="secret-1",
            OAUTH_AUTHORIZE_URL=f"{provider.url}/oauth/authorize",
            OAUTH_TOKEN_URL=f"{provider.url}/oauth/token",
            OAUTH_USER_INFO_URL=f"{provider.url}/v2/user/me",
            FRONTEND_URL="http://localhost:3000/home",
        )
    )
    seed(runtime)
    return make_client(runtime)


def start_login(client) -> dict[str, str]:
    response = client.get(f"{BASE}/oauth2/authorization/kakao", follow_redirects=False)
    assert response.status_code == 302
    location = urlparse(response.headers["location"])
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert location.path == "/oauth/authorize"
    assert query["response_type"] == "code" and query["client_id"] == "client-1"
    assert query["redirect_uri"] == f"http://127.0.0.1:8080{BASE}/login/oauth2/code/kakao"
    assert query["scope"] == "profile_image profile_nickname account_email"
    return query


def callback(client, **params):
    return client.get(f"{BASE}/login/oauth2/code/kakao", params=params, follow_redirects=False)


def cookies_of(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def value(header: str) -> str:
    return header.split(";")[0].split("=", 1)[1]


def test_first_login_creates_a_member_and_hands_over_the_tokens(login_client, provider):
    state = start_login(login_client)["state"]
    response = callback(login_client, code="good-code", state=state)
    assert response.status_code == 302
    assert response.headers["location"] == "http://localhost:3000/home"
    cookies = cookies_of(response)
    assert set(cookies) == {
        "DEVDEVDEV_ACCESS_TOKEN",
        "DEVDEVDEV_REFRESH_TOKEN",
        "DEVDEVDEV_LOGIN_STATUS",
        "DEVDEVDEV_MEMBER_NICKNAME",
        "DEVDEVDEV_MEMBER_EMAIL",
        "DEVDEVDEV_MEMBER_IS_ADMIN",
        "DEVDEVDEV_MEMBER_IS_NEW",
    }
    assert "HttpOnly" in cookies["DEVDEVDEV_REFRESH_TOKEN"]
    assert value(cookies["DEVDEVDEV_LOGIN_STATUS"]) == "active"
    assert value(cookies["DEVDEVDEV_MEMBER_IS_NEW"]) == "true"
    assert value(cookies["DEVDEVDEV_MEMBER_IS_ADMIN"]) == "false"
    assert value(cookies["DEVDEVDEV_MEMBER_EMAIL"]) == "new.member@kakao.com"
    words = unquote(value(cookies["DEVDEVDEV_MEMBER_NICKNAME"])).split(" ")
    assert len(words) == 3  # <부사> <형용사> <명사> from the dictionary
    assert provider.token_requests[-1] == {
        "grant_type": "authorization_code",
        "client_id": "client-1",
        "client_secret": "secret-1",
        "redirect_uri": f"http://127.0.0.1:8080{BASE}/login/oauth2/code/kakao",
        "code": "good-code",
    }
    login_client.cookies.clear()
    assert (
        login_client.post(f"{BASE}/logout", headers=bearer(value(cookies["DEVDEVDEV_ACCESS_TOKEN"]))).status_code == 200
    )


def test_second_login_finds_the_same_member(login_client):
    first = cookies_of(callback(login_client, code="good-code", state=start_login(login_client)["state"]))
    login_client.cookies.clear()
    second = cookies_of(callback(login_client, code="good-code", state=start_login(login_client)["state"]))
    assert value(second["DEVDEVDEV_MEMBER_IS_NEW"]) == "false"
    assert value(second["DEVDEVDEV_MEMBER_NICKNAME"]) == value(first["DEVDEVDEV_MEMBER_NICKNAME"])


def assert_login_failed(response):
    assert (response.status_code, response.json()) == (
        503,
        fail("소셜 로그인에 실패하였습니다. 관리자에게 문의 주세요.", 503),
    )
    assert value(cookies_of(response)["DEVDEVDEV_LOGIN_STATUS"]) == "inactive"


def test_a_forged_state_fails(login_client):
    assert_login_failed(callback(login_client, code="good-code", state="forged"))


def test_a_missing_state_fails(login_client):
    assert_login_failed(callback(login_client, code="good-code"))


def test_a_provider_error_fails(login_client):
    assert_login_failed(callback(login_client, code="bad-code", state=start_login(login_client)["state"]))


def test_a_provider_redirect_with_error_fails(login_client):
    assert_login_failed(callback(login_client, error="access_denied", state=start_login(login_client)["state"]))


def test_a_profile_without_email_fails_and_creates_no_shared_account(login_client, provider):
    provider.profile = {"id": 7, "kakao_account": {}, "properties": {"nickname": "이메일없음"}}
    assert_login_failed(callback(login_client, code="good-code", state=start_login(login_client)["state"]))


def test_an_unreachable_provider_fails(settings_env):
    runtime = build_runtime(dict(settings_env, OAUTH_TOKEN_URL="http://127.0.0.1:9/oauth/token"))
    client = make_client(runtime)
    assert_login_failed(callback(client, code="good-code", state=start_login_any(client)))


def start_login_any(client) -> str:
    location = client.get(f"{BASE}/oauth2/authorization/kakao", follow_redirects=False).headers["location"]
    return parse_qs(urlparse(location).query)["state"][0]


REVERSED = {"as written": None, "reversed": lambda operations: operations[::-1]}


@pytest.mark.parametrize("order", REVERSED)
def test_concurrent_sign_ups_of_one_login_make_one_member_whatever_the_write_order(runtime, monkeypatch, order):
    """Six instances sign the same new login up at once, none having found it: one creates the member, the others
    get that member back (the login's write failed as ``login-taken``, whichever position it was sent in)."""
    from concurrent.futures import ThreadPoolExecutor

    from devdevdev.store import transactions

    if REVERSED[order] is not None:
        monkeypatch.setattr(transactions, "written_order", REVERSED[order])
    start = threading.Barrier(6)

    def sign_up(n: int):
        start.wait()
        return runtime.members.create(
            email="race@kakao.com", social_type="KAKAO", role="ROLE_USER", nickname=f"경주 {n}", now=NOW
        )

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(sign_up, range(6)))
    assert len({member.id for member, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * 5 + [True]
    assert runtime.members.find_by_login("KAKAO", "race@kakao.com") == results[0][0]


def test_a_sign_up_that_keeps_contending_is_the_temporary_failure(login_client, monkeypatch):
    """A transaction that conflicts with concurrent ones on every retry: the contract's temporary failure, and no
    login cookie (the login did not fail, the table was busy)."""
    from functools import partial

    from devdevdev.store import members, transactions

    monkeypatch.setattr(members, "commit", partial(transactions.commit, attempts=0))  # no attempt left at once
    response = callback(login_client, code="good-code", state=start_login(login_client)["state"])
    # the contract's message, then the request id a user can quote (as for a throttled table: docs/decisions.md)
    message = f"일시적으로 오류가 발생했습니다. (요청 ID: {response.headers['x-request-id']})"
    assert (response.status_code, response.json()) == (500, fail(message, 503))
    assert cookies_of(response) == {}
