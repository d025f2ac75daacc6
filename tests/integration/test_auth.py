"""functions/auth through the local gateway, on DynamoDB Local: test tokens, refresh rotation, logout, JWT errors."""

from __future__ import annotations

import jwt
import pytest
from devdevdev.settings import LOCAL_JWT_SECRET

from tests.conftest import BASE, bearer, fail, make_client, tokens

pytestmark = pytest.mark.integration


def set_cookies(response) -> dict[str, str]:
    """Set-Cookie headers by cookie name."""
    return {header.split("=", 1)[0]: header for header in response.headers.get_list("set-cookie")}


def test_test_user_token_gives_a_token_pair(client):
    response = client.get(f"{BASE}/token/test/user")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    body = response.json()
    assert body["resultType"] == "SUCCESS"
    assert set(body["data"]) == {"accessToken", "refreshToken"}
    claims = jwt.decode(body["data"]["accessToken"], options={"verify_signature": False})
    assert (claims["email"], claims["socialType"], claims["role"]) == ("test_user@devdevdev.com", "KAKAO", "ROLE_USER")


def test_test_admin_token_is_an_admin_token(client):
    claims = jwt.decode(tokens(client, "admin")["accessToken"], options={"verify_signature": False})
    assert (claims["email"], claims["role"]) == ("test_admin@devdevdev.com", "ROLE_ADMIN")


def test_test_tokens_of_a_missing_account_are_404(runtime):
    client = make_client(runtime)  # no seed: the test accounts do not exist
    response = client.get(f"{BASE}/token/test/user")
    assert (response.status_code, response.json()) == (404, fail("회원을 찾을 수 없습니다.", 404))


def test_test_tokens_do_not_exist_where_the_stage_disables_them(settings_env):
    from tests.conftest import build_runtime

    runtime = build_runtime(dict(settings_env, TEST_TOKENS_ENABLED="false"))
    response = make_client(runtime).get(f"{BASE}/token/test/user")
    assert response.status_code == 404
    assert response.json()["resultType"] == "FAIL"


def test_logout_revokes_the_refresh_token_and_clears_its_cookie(client):
    pair = tokens(client)
    response = client.post(f"{BASE}/logout", headers=bearer(pair["accessToken"]))
    assert (response.status_code, response.json()) == (200, {"resultType": "SUCCESS"})
    cookies = set_cookies(response)
    assert cookies["DEVDEVDEV_REFRESH_TOKEN"].startswith("DEVDEVDEV_REFRESH_TOKEN=; Path=/;")
    assert "Max-Age=0" in cookies["DEVDEVDEV_REFRESH_TOKEN"]
    assert cookies["DEVDEVDEV_LOGIN_STATUS"].startswith("DEVDEVDEV_LOGIN_STATUS=inactive; Path=/;")
    assert "Max-Age=180" in cookies["DEVDEVDEV_LOGIN_STATUS"]

    client.cookies.clear()
    refused = client.post(
        f"{BASE}/token/refresh", headers={"Cookie": f"DEVDEVDEV_REFRESH_TOKEN={pair['refreshToken']}"}
    )
    assert (refused.status_code, refused.json()) == (401, fail("유효하지 않은 리프레시 토큰 입니다.", 401))


def test_logout_without_a_token_is_401(client):
    response = client.post(f"{BASE}/logout")
    assert (response.status_code, response.json()) == (401, fail("유효하지 않은 회원 입니다.", 401))


def test_blank_bearer_counts_as_no_token(client):
    response = client.post(f"{BASE}/logout", headers={"Authorization": "Bearer   "})
    assert (response.status_code, response.json()) == (401, fail("유효하지 않은 회원 입니다.", 401))


def test_tampered_token_is_401_bad_signature(client):
    access = tokens(client)["accessToken"]
    response = client.post(f"{BASE}/logout", headers=bearer(access[:-3] + "abc"))
    assert (response.status_code, response.json()) == (401, fail("잘못된 서명을 가진 JWT 입니다.", 401))


def test_expired_token_is_401_expired(client):
    import base64

    key = base64.b64decode(LOCAL_JWT_SECRET)
    expired = jwt.encode(
        {"email": "test_user@devdevdev.com", "socialType": "KAKAO", "role": "ROLE_USER", "iat": 1000, "exp": 2000},
        key,
        "HS256",
    )
    response = client.post(f"{BASE}/logout", headers=bearer(expired))
    assert (response.status_code, response.json()) == (401, fail("만료된 JWT 입니다.", 401))


def test_unsupported_token_is_401_unsupported(client):
    unsigned = jwt.encode({"email": "test_user@devdevdev.com", "exp": 4_000_000_000}, None, "none")
    response = client.post(f"{BASE}/logout", headers=bearer(unsigned))
    assert (response.status_code, response.json()) == (401, fail("지원하지 않는 JWT 입니다.", 401))


def test_refresh_rotates_and_refuses_the_old_token(client):
    old = tokens(client)["refreshToken"]
    response = client.post(f"{BASE}/token/refresh", headers={"Cookie": f"DEVDEVDEV_REFRESH_TOKEN={old}"})
    assert (response.status_code, response.json()) == (200, {"resultType": "SUCCESS"})
    cookies = set_cookies(response)
    assert set(cookies) == {"DEVDEVDEV_ACCESS_TOKEN", "DEVDEVDEV_REFRESH_TOKEN", "DEVDEVDEV_LOGIN_STATUS"}
    assert "Max-Age=180" in cookies["DEVDEVDEV_ACCESS_TOKEN"] and "HttpOnly" not in cookies["DEVDEVDEV_ACCESS_TOKEN"]
    assert "Max-Age=604800" in cookies["DEVDEVDEV_REFRESH_TOKEN"] and "HttpOnly" in cookies["DEVDEVDEV_REFRESH_TOKEN"]
    assert cookies["DEVDEVDEV_LOGIN_STATUS"].startswith("DEVDEVDEV_LOGIN_STATUS=active;")
    assert "SameSite=Lax" in cookies["DEVDEVDEV_REFRESH_TOKEN"] and "Domain=" not in cookies["DEVDEVDEV_REFRESH_TOKEN"]
    new = cookies["DEVDEVDEV_REFRESH_TOKEN"].split(";")[0].split("=", 1)[1]
    assert new != old

    client.cookies.clear()
    reused = client.post(f"{BASE}/token/refresh", headers={"Cookie": f"DEVDEVDEV_REFRESH_TOKEN={old}"})
    assert (reused.status_code, reused.json()) == (401, fail("유효하지 않은 리프레시 토큰 입니다.", 401))
    client.cookies.clear()
    again = client.post(f"{BASE}/token/refresh", headers={"Cookie": f"DEVDEVDEV_REFRESH_TOKEN={new}"})
    assert again.status_code == 200


def test_new_access_token_from_refresh_works(client):
    old = tokens(client)["refreshToken"]
    response = client.post(f"{BASE}/token/refresh", headers={"Cookie": f"DEVDEVDEV_REFRESH_TOKEN={old}"})
    access = set_cookies(response)["DEVDEVDEV_ACCESS_TOKEN"].split(";")[0].split("=", 1)[1]
    client.cookies.clear()
    assert client.post(f"{BASE}/logout", headers=bearer(access)).status_code == 200


def test_refresh_ignores_an_expired_authorization_header(client):
    refresh = tokens(client)["refreshToken"]
    expired = jwt.encode({"email": "x@y.z", "socialType": "KAKAO", "role": "ROLE_USER", "exp": 1}, b"k" * 32, "HS256")
    response = client.post(
        f"{BASE}/token/refresh", headers={**bearer(expired), "Cookie": f"DEVDEVDEV_REFRESH_TOKEN={refresh}"}
    )
    assert response.status_code == 200


def test_refresh_without_cookies(client):
    response = client.post(f"{BASE}/token/refresh")
    assert (response.status_code, response.json()) == (400, fail("쿠키가 존재하지 않습니다.", 400))


def test_refresh_with_other_cookies_only(client):
    response = client.post(f"{BASE}/token/refresh", headers={"Cookie": "_ga=GA1.1.1.1"})
    assert (response.status_code, response.json()) == (400, fail("이름과 일치하는 쿠키의 값이 없습니다.", 400))


def test_refresh_with_an_empty_cookie(client):
    response = client.post(f"{BASE}/token/refresh", headers={"Cookie": "DEVDEVDEV_REFRESH_TOKEN="})
    assert (response.status_code, response.json()) == (400, fail("이름과 일치하는 쿠키의 값이 없습니다.", 400))


def test_refresh_with_a_tampered_cookie_clears_it(client):
    refresh = tokens(client)["refreshToken"]
    response = client.post(f"{BASE}/token/refresh", headers={"Cookie": f"DEVDEVDEV_REFRESH_TOKEN={refresh[:-3]}xyz"})
    assert (response.status_code, response.json()) == (401, fail("잘못된 서명을 가진 JWT 입니다.", 401))
    assert "Max-Age=0" in set_cookies(response)["DEVDEVDEV_REFRESH_TOKEN"]


def test_concurrent_refreshes_with_one_token_let_exactly_one_win(client):
    from concurrent.futures import ThreadPoolExecutor

    refresh = tokens(client)["refreshToken"]
    client.cookies.clear()

    def attempt(_):
        return client.post(
            f"{BASE}/token/refresh", headers={"Cookie": f"DEVDEVDEV_REFRESH_TOKEN={refresh}"}
        ).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(attempt, range(8)))
    assert sorted(statuses) == [200] + [401] * 7


def test_unknown_route_is_a_404_envelope(client):
    response = client.get(f"{BASE}/nothing-here")
    assert response.status_code == 404
    assert response.json()["resultType"] == "FAIL"
