"""functions/auth through the local gateway, on DynamoDB Local: test tokens, token types, refresh families, logout,
JWT errors."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

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
    unsigned = jwt.encode({"email": "test_user@devdevdev.com", "exp": 4_000_000_000}, "", "none")
    response = client.post(f"{BASE}/logout", headers=bearer(unsigned))
    assert (response.status_code, response.json()) == (401, fail("지원하지 않는 JWT 입니다.", 401))


def refresh_with(client, token: str, **headers: str):
    """``POST /token/refresh`` with only this refresh cookie (the client's own cookie jar left out)."""
    client.cookies.clear()
    return client.post(f"{BASE}/token/refresh", headers={**headers, "Cookie": f"DEVDEVDEV_REFRESH_TOKEN={token}"})


def cookie_value(response, name: str) -> str:
    return set_cookies(response)[name].split(";")[0].split("=", 1)[1]


INVALID_REFRESH = fail("유효하지 않은 리프레시 토큰 입니다.", 401)
UNSUPPORTED = fail("지원하지 않는 JWT 입니다.", 401)


def test_refresh_rotates_the_token(client):
    old = tokens(client)["refreshToken"]
    response = refresh_with(client, old)
    assert (response.status_code, response.json()) == (200, {"resultType": "SUCCESS"})
    cookies = set_cookies(response)
    assert set(cookies) == {"DEVDEVDEV_ACCESS_TOKEN", "DEVDEVDEV_REFRESH_TOKEN", "DEVDEVDEV_LOGIN_STATUS"}
    assert "Max-Age=180" in cookies["DEVDEVDEV_ACCESS_TOKEN"] and "HttpOnly" not in cookies["DEVDEVDEV_ACCESS_TOKEN"]
    assert "Max-Age=604800" in cookies["DEVDEVDEV_REFRESH_TOKEN"] and "HttpOnly" in cookies["DEVDEVDEV_REFRESH_TOKEN"]
    assert cookies["DEVDEVDEV_LOGIN_STATUS"].startswith("DEVDEVDEV_LOGIN_STATUS=active;")
    assert "SameSite=Lax" in cookies["DEVDEVDEV_REFRESH_TOKEN"] and "Domain=" not in cookies["DEVDEVDEV_REFRESH_TOKEN"]
    new = cookie_value(response, "DEVDEVDEV_REFRESH_TOKEN")
    assert new != old
    assert refresh_with(client, new).status_code == 200


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


@pytest.mark.parametrize("concurrent", [3, 8])
def test_concurrent_refreshes_with_one_token_all_get_the_same_successor(client, concurrent):
    """The web client sends one refresh per failing query, all at once: all succeed, with one new token."""
    refresh = tokens(client)["refreshToken"]
    client.cookies.clear()
    start = threading.Barrier(concurrent, timeout=60)

    def attempt(_):
        start.wait()
        return client.post(f"{BASE}/token/refresh", headers={"Cookie": f"DEVDEVDEV_REFRESH_TOKEN={refresh}"})

    with ThreadPoolExecutor(concurrent) as pool:
        responses = list(pool.map(attempt, range(concurrent)))
    assert [(r.status_code, r.json()) for r in responses] == [(200, {"resultType": "SUCCESS"})] * concurrent
    successors = {cookie_value(r, "DEVDEVDEV_REFRESH_TOKEN") for r in responses}
    assert len(successors) == 1 and refresh not in successors
    # every new access token works, and the one successor is the family's current token
    for response in responses:
        access = cookie_value(response, "DEVDEVDEV_ACCESS_TOKEN")
        client.cookies.clear()
        assert client.get(f"{BASE}/mypage/picks", headers=bearer(access)).status_code == 200
    newest = refresh_with(client, successors.pop())
    assert newest.status_code == 200
    assert cookie_value(newest, "DEVDEVDEV_REFRESH_TOKEN") not in (refresh, *successors)


def test_a_refresh_token_is_not_a_bearer(client):
    refresh = tokens(client)["refreshToken"]
    client.cookies.clear()
    for method, path in (("GET", "/mypage/picks"), ("GET", "/picks"), ("POST", "/logout")):
        response = client.request(method, f"{BASE}{path}", headers=bearer(refresh))
        assert (response.status_code, response.json()) == (401, UNSUPPORTED), path


def test_a_refresh_token_opens_neither_the_live_stream_nor_the_websocket(live):
    """The live channel reads a bearer too (SSE: the header; WebSocket: ``?token=``)."""
    import json

    import httpx
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    refresh = httpx.get(f"{live.url}{BASE}/token/test/user", timeout=5).json()["data"]["refreshToken"]
    response = httpx.get(f"{live.url}{BASE}/notifications", headers=bearer(refresh), timeout=5)
    assert (response.status_code, response.json()) == (401, UNSUPPORTED)
    with pytest.raises(InvalidStatus) as refused:
        connect(live.url.replace("http://", "ws://") + f"/ws?token={refresh}", open_timeout=5)
    assert refused.value.response.status_code == 401
    assert json.loads(refused.value.response.body) == UNSUPPORTED


def test_a_refresh_token_is_not_a_bearer_after_logout_either(client):
    pair = tokens(client)
    assert client.post(f"{BASE}/logout", headers=bearer(pair["accessToken"])).status_code == 200
    client.cookies.clear()
    response = client.get(f"{BASE}/mypage/picks", headers=bearer(pair["refreshToken"]))
    assert (response.status_code, response.json()) == (401, UNSUPPORTED)


def test_an_access_token_is_not_a_refresh_token(client):
    access = tokens(client)["accessToken"]
    response = refresh_with(client, access)
    assert (response.status_code, response.json()) == (401, UNSUPPORTED)
    assert "Max-Age=0" in set_cookies(response)["DEVDEVDEV_REFRESH_TOKEN"]


def test_the_token_just_rotated_answers_the_same_successor_within_the_interval(clocked):
    client, _, clock = clocked
    old = tokens(client)["refreshToken"]
    first = refresh_with(client, old)
    successor = cookie_value(first, "DEVDEVDEV_REFRESH_TOKEN")
    clock.advance(seconds=29)  # the default interval is 30 s
    again = refresh_with(client, old)
    assert (again.status_code, again.json()) == (200, {"resultType": "SUCCESS"})
    assert cookie_value(again, "DEVDEVDEV_REFRESH_TOKEN") == successor
    assert cookie_value(again, "DEVDEVDEV_ACCESS_TOKEN") != cookie_value(first, "DEVDEVDEV_ACCESS_TOKEN")
    assert refresh_with(client, successor).status_code == 200


def test_the_token_just_rotated_after_the_interval_revokes_the_family(clocked):
    client, _, clock = clocked
    old = tokens(client)["refreshToken"]
    newest = cookie_value(refresh_with(client, old), "DEVDEVDEV_REFRESH_TOKEN")
    clock.advance(seconds=30)
    reused = refresh_with(client, old)
    assert (reused.status_code, reused.json()) == (401, INVALID_REFRESH)
    assert "Max-Age=0" in set_cookies(reused)["DEVDEVDEV_REFRESH_TOKEN"]
    # the thief's (or the member's) newest token of that family is refused too
    refused = refresh_with(client, newest)
    assert (refused.status_code, refused.json()) == (401, INVALID_REFRESH)
    # and so is the old one again, without reviving anything
    assert refresh_with(client, old).json() == INVALID_REFRESH
    # a new login starts over
    assert refresh_with(client, tokens(client)["refreshToken"]).status_code == 200


def test_an_older_token_of_the_family_revokes_it_even_within_the_interval(clocked):
    client, _, clock = clocked
    first = tokens(client)["refreshToken"]
    second = cookie_value(refresh_with(client, first), "DEVDEVDEV_REFRESH_TOKEN")
    clock.advance(seconds=1)
    third = cookie_value(refresh_with(client, second), "DEVDEVDEV_REFRESH_TOKEN")
    assert len({first, second, third}) == 3
    assert refresh_with(client, first).json() == INVALID_REFRESH  # two generations back
    assert refresh_with(client, third).json() == INVALID_REFRESH


def test_concurrent_reuse_after_the_interval_revokes_the_family(clocked):
    client, _, clock = clocked
    old = tokens(client)["refreshToken"]
    newest = cookie_value(refresh_with(client, old), "DEVDEVDEV_REFRESH_TOKEN")
    clock.advance(minutes=5)
    client.cookies.clear()
    start = threading.Barrier(6, timeout=60)

    def attempt(token):
        start.wait()
        return client.post(f"{BASE}/token/refresh", headers={"Cookie": f"DEVDEVDEV_REFRESH_TOKEN={token}"})

    with ThreadPoolExecutor(6) as pool:  # the thief's replays race the member's own refreshes
        responses = list(pool.map(attempt, [old, old, old, newest, newest, newest]))
    statuses = [r.status_code for r in responses]
    assert statuses[:3] == [401, 401, 401]
    # Each of the member's refreshes ran before or after the revocation: those before got the successor of newest
    # (all the same one), those after 401; and after the race the whole family is refused.
    assert set(statuses[3:]) <= {200, 401}
    assert len({cookie_value(r, "DEVDEVDEV_REFRESH_TOKEN") for r in responses[3:] if r.status_code == 200}) <= 1
    for token in [
        old,
        newest,
        *(cookie_value(r, "DEVDEVDEV_REFRESH_TOKEN") for r in responses if r.status_code == 200),
    ]:
        assert refresh_with(client, token).json() == INVALID_REFRESH


def test_logout_revokes_the_family(client):
    pair = tokens(client)
    newest = cookie_value(refresh_with(client, pair["refreshToken"]), "DEVDEVDEV_REFRESH_TOKEN")
    client.cookies.clear()
    assert client.post(f"{BASE}/logout", headers=bearer(pair["accessToken"])).status_code == 200
    for token in (newest, pair["refreshToken"]):
        response = refresh_with(client, token)
        assert (response.status_code, response.json()) == (401, INVALID_REFRESH)


def test_a_second_login_starts_a_new_family(client):
    first = tokens(client)["refreshToken"]
    rotated = cookie_value(refresh_with(client, first), "DEVDEVDEV_REFRESH_TOKEN")
    second = tokens(client)["refreshToken"]
    assert (
        jwt.decode(second, options={"verify_signature": False})["family"]
        != jwt.decode(rotated, options={"verify_signature": False})["family"]
    )
    # the earlier family's tokens are refused, and refusing them does not touch the new family
    for token in (first, rotated):
        assert refresh_with(client, token).json() == INVALID_REFRESH
    assert refresh_with(client, second).status_code == 200


def legacy_token(**extra) -> str:
    """A token as issued before the type claim (a refresh token had a random ``jti``)."""
    import base64

    body = {"email": "test_user@devdevdev.com", "socialType": "KAKAO", "role": "ROLE_USER", "iat": 1, "exp": 4 * 10**9}
    return jwt.encode(dict(body, **extra), base64.b64decode(LOCAL_JWT_SECRET), "HS256")


def test_tokens_issued_before_the_type_claim_keep_working_in_their_own_role(client, seeded):
    from devdevdev.auth.tokens import token_hash
    from devdevdev.store import keys
    from devdevdev.store.models import MemberItem

    access, refresh = legacy_token(), legacy_token(jti="a1b2c3d4e5f60718")
    member_id = seeded.members.member_id_for_login("KAKAO", "test_user@devdevdev.com")
    # the member's row as it was written before families: the current token's hash only
    MemberItem(*keys.member(member_id)).update(actions=[MemberItem.refresh_token_hash.set(token_hash(refresh))])
    client.cookies.clear()
    assert client.get(f"{BASE}/mypage/picks", headers=bearer(access)).status_code == 200
    assert client.get(f"{BASE}/mypage/picks", headers=bearer(refresh)).json() == UNSUPPORTED
    assert refresh_with(client, access).json() == UNSUPPORTED
    rotated = refresh_with(client, refresh)
    assert rotated.status_code == 200
    successor = cookie_value(rotated, "DEVDEVDEV_REFRESH_TOKEN")
    assert jwt.decode(successor, options={"verify_signature": False})["family"] == "a1b2c3d4e5f60718"
    assert cookie_value(refresh_with(client, refresh), "DEVDEVDEV_REFRESH_TOKEN") == successor  # within the interval


def test_unknown_route_is_a_404_envelope(client):
    response = client.get(f"{BASE}/nothing-here")
    assert response.status_code == 404
    assert response.json()["resultType"] == "FAIL"


@pytest.mark.parametrize("reverse", [False, True], ids=["as written", "reversed"])
def test_concurrent_first_sights_of_an_anonymous_id_make_one_member_whatever_the_write_order(
    runtime, monkeypatch, reverse
):
    """The anonymous member's two items go in one transaction; a lost race fails as ``anonymous-header-taken``
    (whichever item is sent first) and returns the winner."""
    from datetime import UTC, datetime

    from devdevdev.store import transactions

    if reverse:
        monkeypatch.setattr(transactions, "written_order", lambda operations: operations[::-1])
    start = threading.Barrier(6)

    def first_sight(_: int):
        start.wait()
        return runtime.anonymous.find_or_create("GA1.1.555.666", datetime(2026, 1, 1, tzinfo=UTC))

    with ThreadPoolExecutor(6) as pool:
        found = list(pool.map(first_sight, range(6)))
    assert len(set(found)) == 1
    assert runtime.anonymous.find("GA1.1.555.666") == found[0]
    assert runtime.anonymous.get_many({found[0].id}) == {found[0].id: found[0]}
