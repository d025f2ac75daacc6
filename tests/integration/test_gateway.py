"""The local gateway as API Gateway: CORS, payload-v2 events, and the filters every group shares
(rate limit, anonymous members)."""

from __future__ import annotations

import pytest
from devdevdev.api.identity import Caller
from devdevdev.api.request import HttpRequest
from devdevdev.domain.errors import ApiError

from infra import routes
from tests.conftest import BASE, bearer, build_runtime, fail, make_client, tokens

pytestmark = pytest.mark.integration
ORIGIN = "http://127.0.0.1:3000"


def test_preflight_from_the_web_client_is_answered_without_auth(client):
    response = client.options(
        f"{BASE}/logout",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-allow-methods"] == "GET,POST,PATCH,DELETE"
    assert (
        response.headers["access-control-allow-headers"]
        == "authorization,anonymous-member-id,content-type,service-name,api-key,timezone"
    )


def test_errors_carry_cors_headers_too(client):
    response = client.post(f"{BASE}/logout", headers={"Origin": "http://localhost:3000"})
    assert (response.status_code, response.json()) == (401, fail("유효하지 않은 회원 입니다.", 401))
    assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert response.headers["access-control-allow-credentials"] == "true"


def test_an_origin_outside_the_stage_gets_no_cors_headers(client):
    response = client.options(
        f"{BASE}/logout", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in response.headers


def test_rate_limit_answers_429_after_the_limit_and_counts_per_client(settings_env):
    from infra.local.seed import seed

    runtime = build_runtime(dict(settings_env, RATE_LIMIT_PER_MINUTE="3"))
    seed(runtime)
    client = make_client(runtime)
    statuses = [client.get(f"{BASE}/token/test/user").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = client.get(f"{BASE}/token/test/user")
    assert (limited.status_code, limited.json()) == (
        429,
        fail("너무 많은 요청을 했습니다. 잠시 후 다시 시도해 주세요.", 429),
    )
    # Another browser behind the same address (another _ga cookie) has a budget of its own.
    other = client.get(f"{BASE}/token/test/user", headers={"Cookie": "_ga=GA1.1.99.99"})
    assert other.status_code == 200


def test_rate_limit_holds_across_instances_under_concurrency(settings_env):
    """Twenty requests at once through many handler instances: exactly the limit gets through."""
    from concurrent.futures import ThreadPoolExecutor

    from infra.local.seed import seed

    runtime = build_runtime(dict(settings_env, RATE_LIMIT_PER_MINUTE="10"))
    seed(runtime)
    client = make_client(runtime)
    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(lambda _: client.get(f"{BASE}/token/test/admin").status_code, range(20)))
    assert sorted(statuses) == [200] * 10 + [429] * 10


def event(headers=None, path=f"{BASE}/picks"):
    return {
        "rawPath": path,
        "headers": headers or {},
        "requestContext": {"http": {"method": "GET", "sourceIp": "127.0.0.1"}},
    }


def caller(runtime, headers=None):
    return Caller(None, HttpRequest(event(headers)), runtime)


def test_anonymous_member_is_found_or_created_once(runtime):
    first = caller(runtime, {"Anonymous-Member-Id": "GA1.1.276672604.1715872960"}).anonymous()
    again = caller(runtime, {"anonymous-member-id": "GA1.1.276672604.1715872960"}).anonymous()
    assert first == again
    assert first.nickname.startswith("익명의 댑댑이 ")
    assert 0 <= int(first.nickname.rsplit(" ", 1)[1]) <= 99999


def test_concurrent_first_sight_creates_one_anonymous_member(runtime):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(lambda _: caller(runtime, {"anonymous-member-id": "GA1.2.3.4"}).anonymous(), range(8)))
    assert len({member.id for member in found}) == 1


@pytest.mark.parametrize("header", [None, "", "   ", "x" * 31])
def test_missing_blank_or_overlong_anonymous_id_is_400(runtime, header):
    headers = {} if header is None else {"anonymous-member-id": header}
    with pytest.raises(ApiError) as raised:
        caller(runtime, headers).anonymous()
    assert (raised.value.status, raised.value.message) == (400, "익명 회원 아이디를 확인해주세요.")


def test_thirty_characters_is_still_a_valid_anonymous_id(runtime):
    assert caller(runtime, {"anonymous-member-id": "y" * 30}).anonymous().header_id == "y" * 30


def test_member_only_logic_without_a_token_is_405(runtime):
    with pytest.raises(ApiError) as raised:
        caller(runtime).require_member_id()
    assert (raised.value.status, raised.value.message) == (405, "익명 회원은 사용할 수 없는 기능 입니다.")


def test_exited_members_token_is_404(seeded):
    from devdevdev.auth.tokens import TokenClaims
    from devdevdev.store import keys
    from devdevdev.store.models import LoginItem

    LoginItem(*keys.login("KAKAO", "test_user@devdevdev.com")).delete()
    member_caller = Caller(TokenClaims("test_user@devdevdev.com", "KAKAO", "ROLE_USER"), HttpRequest(event()), seeded)
    with pytest.raises(ApiError) as raised:
        member_caller.member_id  # noqa: B018
    assert (raised.value.status, raised.value.message) == (404, "회원을 찾을 수 없습니다.")


def test_unknown_timezone_is_a_400_before_routing(client):
    response = client.get(f"{BASE}/token/test/user", headers={"Timezone": "Mars/Olympus"})
    assert (response.status_code, response.json()) == (400, fail("지원하지 않는 Timezone 입니다: Mars/Olympus", 400))


def test_a_known_timezone_is_accepted_and_a_blank_one_is_seoul(client):
    for zone in ("UTC", "America/New_York", "Asia/Seoul", " "):
        response = client.get(f"{BASE}/token/test/user", headers={"Timezone": zone})
        assert response.status_code == 200, zone


def test_every_route_of_the_table_reaches_a_handler_route(client):
    """No drift: each (method, path) of the route table is served by its group (never the resolver's 404)."""
    for route in routes.ROUTES:
        path = route.path.replace("{", "").replace("}", "")
        response = client.request(route.method, path, follow_redirects=False)
        if response.status_code == 302:
            continue
        assert response.json().get("message") != "요청한 API를 찾을 수 없습니다.", route


def test_multipart_and_binary_bodies_arrive_base64_encoded(runtime):
    from starlette.requests import Request

    from infra.local.gateway import build_event

    scope = {
        "type": "http",
        "method": "POST",
        "path": f"{BASE}/logout",
        "raw_path": b"",
        "query_string": b"a=1&a=2",
        "headers": [(b"content-type", b"multipart/form-data; boundary=x"), (b"cookie", b"a=1; b=2")],
        "client": ("127.0.0.1", 1),
        "scheme": "http",
        "server": ("127.0.0.1", 8080),
    }
    built = build_event(Request(scope), b"\x89PNG", routes.ROUTES[3], {})
    assert built["isBase64Encoded"] is True and built["body"] == "iVBORw=="
    assert built["cookies"] == ["a=1", "b=2"]
    assert built["queryStringParameters"] == {"a": "1,2"}
    assert built["routeKey"] == "POST /devdevdev/api/v1/logout"


def test_a_body_over_lambdas_payload_limit_gets_the_contracts_size_message(client):
    # Given an image upload bigger than a Lambda invocation can carry (about 4.5 MB once base64-encoded)
    token = tokens(client)["accessToken"]
    files = {"pickOptionImages": ("big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024), "image/png")}
    # When it is sent
    response = client.post(f"{BASE}/picks/image?name=firstPickOptionImage", headers=bearer(token), files=files)
    # Then the answer is the contract's size message in the envelope, not a gateway error page
    assert (response.status_code, response.json()) == (400, fail("업로드 가능한 파일 용량(10MB)을 초과했습니다.", 400))
    response = client.post(
        f"{BASE}/picks",
        headers={**bearer(token), "Content-Type": "application/json"},
        content=b"[" + b"0," * 3_500_000 + b"0]",
    )
    assert (response.status_code, response.json()) == (413, fail("요청 본문이 너무 큽니다.", 413))


def test_a_path_parameter_holding_a_newline_reaches_its_route(client):
    # Found by schemathesis: Starlette's router does not match "%0A", and answered its own text/plain 404.
    response = client.post(f"{BASE}/articles/%0Aabc/bookmark", headers=bearer(tokens(client)["accessToken"]))
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    assert response.json()["resultType"] == "FAIL"
    response = client.get(f"{BASE}/no-such-thing/%0A")
    assert (response.status_code, response.json()) == (404, fail("요청한 API를 찾을 수 없습니다.", 404))
