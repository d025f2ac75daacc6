"""The member of an access token without a table read on every request: the token names its member (``memberId``), a
warm instance reads the login at most once per ``MEMBER_RECHECK_SECONDS`` (60), and an exited member is refused at
once on refresh, at once where the exit was handled or the member item is read, and within the recheck elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import jwt
import pytest
from devdevdev.auth.tokens import TokenClaims
from devdevdev.clock import FixedClock
from devdevdev.runtime import use_runtime

from infra.local import services
from tests.conftest import BASE, NOW, bearer, build_runtime, fail, make_client, seed_stage, tokens

pytestmark = pytest.mark.integration

GONE = fail("회원을 찾을 수 없습니다.", 404)
USER_EMAIL = "test_user@devdevdev.com"
PICKS = f"{BASE}/picks"


class LoginReads:
    """Counts the runtime's reads of a login item (what a member's request paid before the token named it)."""

    def __init__(self, runtime, monkeypatch) -> None:
        self.count = 0
        read = runtime.members.member_id_for_login

        def counted(social_type: str, email: str) -> int | None:
            self.count += 1
            return read(social_type, email)

        monkeypatch.setattr(runtime.members, "member_id_for_login", counted)


def exit_elsewhere(runtime, email: str = USER_EMAIL) -> int:
    """The member exits through another instance: the table changes, this instance is not told. Returns its id."""
    member = runtime.members.find_by_login("KAKAO", email)
    assert member is not None and runtime.members.exit(member, runtime.clock.now())
    return member.id


def status_and_body(response) -> tuple[int, dict]:
    return response.status_code, response.json()


def test_the_access_token_names_its_member_with_every_claim_of_the_contract(clocked):
    client, runtime, _ = clocked
    pair = tokens(client)
    member = runtime.members.find_by_login("KAKAO", USER_EMAIL)
    claims = jwt.decode(pair["accessToken"], options={"verify_signature": False})
    assert {k: claims[k] for k in ("email", "socialType", "role", "tokenType", "memberId")} == {
        "email": USER_EMAIL,
        "socialType": "KAKAO",
        "role": "ROLE_USER",
        "tokenType": "access",
        "memberId": member.id,
    }
    assert claims["exp"] - claims["iat"] == 1800
    # The refresh answers an access token that names the member too.
    client.cookies.set("DEVDEVDEV_REFRESH_TOKEN", pair["refreshToken"])
    refreshed = client.post(f"{BASE}/token/refresh")
    assert refreshed.status_code == 200, refreshed.text
    access = refreshed.cookies["DEVDEVDEV_ACCESS_TOKEN"]
    assert jwt.decode(access, options={"verify_signature": False})["memberId"] == member.id


def test_a_warm_instance_reads_the_login_once_per_recheck(clocked, monkeypatch):
    client, runtime, clock = clocked
    headers = bearer(tokens(client)["accessToken"])
    reads = LoginReads(runtime, monkeypatch)
    assert [client.get(PICKS, headers=headers).status_code for _ in range(5)] == [200] * 5
    assert reads.count == 1
    clock.advance(seconds=59)
    assert client.get(PICKS, headers=headers).status_code == 200
    assert reads.count == 1
    clock.advance(seconds=1)  # 60 s after the read: read again
    assert [client.get(PICKS, headers=headers).status_code for _ in range(3)] == [200] * 3
    assert reads.count == 2


def test_an_exit_elsewhere_is_refused_at_once_on_refresh_and_within_the_recheck_on_access(clocked):
    client, runtime, clock = clocked
    pair = tokens(client)
    headers = bearer(pair["accessToken"])
    assert client.get(PICKS, headers=headers).status_code == 200  # the login is read, at 12:00:00
    clock.advance(seconds=10)
    exit_elsewhere(runtime)
    # The refresh reads the member: refused at once.
    client.cookies.set("DEVDEVDEV_REFRESH_TOKEN", pair["refreshToken"])
    assert status_and_body(client.post(f"{BASE}/token/refresh")) == (404, GONE)
    client.cookies.clear()
    # An access that needs only the member's id is trusted until 60 s after the read...
    assert client.get(PICKS, headers=headers).status_code == 200
    clock.advance(seconds=49)
    assert client.get(PICKS, headers=headers).status_code == 200
    # ...and refused from then on: 50 s after the exit, within the recheck.
    clock.advance(seconds=1)
    assert status_and_body(client.get(PICKS, headers=headers)) == (404, GONE)
    assert status_and_body(client.get(PICKS, headers=headers)) == (404, GONE)


def test_an_exited_member_cannot_write_even_where_a_warm_instance_trusts_its_login(clocked, monkeypatch):
    """A request that may write reads the login whatever the instance knows: a comment, a vote or a bookmark of an
    exited member is refused at once (and what the write found, the instance then knows for the reads too)."""
    client, runtime, _ = clocked
    headers = bearer(tokens(client)["accessToken"])
    reads = LoginReads(runtime, monkeypatch)
    assert client.get(PICKS, headers=headers).status_code == 200
    comment = {"contents": "탈퇴 전 댓글", "isPickVotePublic": False}
    assert client.post(f"{PICKS}/1/comments", headers=headers, json=comment).status_code == 200
    assert reads.count == 2  # the list's read, then the write's own
    exit_elsewhere(runtime)
    assert status_and_body(client.post(f"{PICKS}/1/comments", headers=headers, json=comment)) == (404, GONE)
    vote = {"pickId": 1, "pickOptionId": 1}
    assert status_and_body(client.post(f"{PICKS}/vote", headers=headers, json=vote)) == (404, GONE)
    assert status_and_body(client.post(f"{BASE}/articles/1/bookmark", headers=headers)) == (404, GONE)
    assert status_and_body(client.get(PICKS, headers=headers)) == (404, GONE)


def test_a_route_that_reads_the_member_refuses_an_exited_member_at_once_and_the_instance_forgets_it(clocked):
    client, runtime, _ = clocked
    headers = bearer(tokens(client)["accessToken"])
    assert client.get(PICKS, headers=headers).status_code == 200
    exit_elsewhere(runtime)
    assert status_and_body(client.get(f"{BASE}/mypage/picks", headers=headers)) == (404, GONE)
    # What the member read found is what the instance now knows: the lists refuse the token too.
    assert status_and_body(client.get(PICKS, headers=headers)) == (404, GONE)


def test_the_instance_that_handled_the_exit_refuses_the_token_at_once(clocked):
    client, _, _ = clocked
    headers = bearer(tokens(client)["accessToken"])
    assert client.get(PICKS, headers=headers).status_code == 200
    body = {"questionId": 1, "memberExitSurveyQuestionOptions": [{"id": 1, "message": None}]}
    assert client.post(f"{BASE}/mypage/exit-survey", headers=headers, json=body).status_code == 200
    assert client.delete(f"{BASE}/mypage/profile", headers=headers).status_code == 200
    assert status_and_body(client.get(PICKS, headers=headers)) == (404, GONE)


def test_a_token_of_an_exited_member_is_not_taken_for_the_login_s_new_member(clocked):
    """The address signs up again after an exit: a new member. The old token names the old one: refused at once,
    even where the login was just read for the new member."""
    client, runtime, _ = clocked
    old = bearer(tokens(client)["accessToken"])
    assert client.get(PICKS, headers=old).status_code == 200
    old_id = exit_elsewhere(runtime)
    member, created = runtime.members.create(
        email=USER_EMAIL, social_type="KAKAO", role="ROLE_USER", nickname="다시온댑댑이", now=datetime.now(UTC)
    )
    assert created and member.id != old_id
    new = bearer(runtime.tokens.access(TokenClaims(USER_EMAIL, "KAKAO", "ROLE_USER", member.id)))
    assert client.get(PICKS, headers=new).status_code == 200
    assert status_and_body(client.get(PICKS, headers=old)) == (404, GONE)
    assert client.get(PICKS, headers=new).status_code == 200


def test_a_token_issued_before_the_member_claim_is_found_by_its_login_under_the_same_bound(clocked, monkeypatch):
    client, runtime, clock = clocked
    tokens(client)  # the test account's refresh family; its access token is not used
    headers = bearer(runtime.tokens.access(TokenClaims(USER_EMAIL, "KAKAO", "ROLE_USER")))
    reads = LoginReads(runtime, monkeypatch)
    assert [client.get(PICKS, headers=headers).status_code for _ in range(3)] == [200] * 3
    assert client.get(f"{BASE}/mypage/picks", headers=headers).status_code == 200
    assert reads.count == 1
    exit_elsewhere(runtime)
    assert client.get(PICKS, headers=headers).status_code == 200
    clock.advance(seconds=60)
    assert status_and_body(client.get(PICKS, headers=headers)) == (404, GONE)


@contextmanager
def stage(settings_env: dict[str, str], **env: str) -> Iterator:
    """A seeded stage with ``env`` on a fixed clock: (client, runtime, clock)."""
    clock = FixedClock(NOW)
    runtime = build_runtime(dict(settings_env, **env), clock)
    seed_stage(runtime)
    try:
        yield make_client(runtime), runtime, clock
    finally:
        use_runtime(None)
        services.dynamodb_client(runtime.settings.dynamodb_endpoint or "").delete_table(
            TableName=runtime.settings.table_name
        )


def test_a_recheck_of_zero_reads_the_login_on_every_request(settings_env, monkeypatch):
    with stage(settings_env, MEMBER_RECHECK_SECONDS="0") as (client, runtime, _):
        headers = bearer(tokens(client)["accessToken"])
        reads = LoginReads(runtime, monkeypatch)
        assert [client.get(PICKS, headers=headers).status_code for _ in range(3)] == [200] * 3
        assert reads.count == 3
        exit_elsewhere(runtime)
        assert status_and_body(client.get(PICKS, headers=headers)) == (404, GONE)


@pytest.mark.parametrize("reverse", [False, True], ids=["as written", "reversed"])
def test_concurrent_exits_of_one_member_succeed_once_whatever_the_write_order(seeded, monkeypatch, reverse):
    """The member's flag and its login go in one transaction; the second exit fails as ``member-exited`` (or finds
    the login gone), whichever write is sent first."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from devdevdev.store import transactions

    if reverse:
        monkeypatch.setattr(transactions, "written_order", lambda operations: operations[::-1])
    member = seeded.members.find_by_login("KAKAO", USER_EMAIL)
    assert member is not None
    start = threading.Barrier(4)

    def exit_member(_: int) -> bool:
        start.wait()
        return seeded.members.exit(member, seeded.clock.now())

    with ThreadPoolExecutor(4) as pool:
        assert sorted(pool.map(exit_member, range(4))) == [False, False, False, True]
    assert seeded.members.find_by_login("KAKAO", USER_EMAIL) is None
    assert seeded.members.get(member.id) is None
    assert seeded.members.exit(member, seeded.clock.now()) is False
