"""JWTs: claims, types, lifetimes, derived successors and the three 401 messages."""

import base64
from datetime import timedelta

import jwt
import pytest
from devdevdev.auth.tokens import TokenClaims, TokenService
from devdevdev.clock import FixedClock
from devdevdev.domain.errors import ApiError

from tests.conftest import NOW

KEY = base64.b64decode(base64.b64encode(b"k" * 48))
CLAIMS = TokenClaims("user@devdevdev.com", "KAKAO", "ROLE_USER")


def service(clock=None):
    return TokenService(KEY, 1800, 604800, clock or FixedClock(NOW))


def decoded(token):
    return jwt.decode(token, KEY, algorithms=["HS256"], options={"verify_exp": False})


def test_access_token_carries_the_upstream_claims_and_its_type():
    pair = service().issue(CLAIMS)
    assert jwt.get_unverified_header(pair.access_token) == {"alg": "HS256"}
    assert decoded(pair.access_token) == {
        "email": "user@devdevdev.com",
        "socialType": "KAKAO",
        "role": "ROLE_USER",
        "tokenType": "access",
        "iat": int(NOW.timestamp()),
        "exp": int(NOW.timestamp()) + 1800,
    }


def test_refresh_token_carries_the_upstream_claims_its_type_an_id_and_a_family():
    pair = service().issue(CLAIMS)
    payload = decoded(pair.refresh_token)
    assert jwt.get_unverified_header(pair.refresh_token) == {"alg": "HS256"}
    assert {k: payload[k] for k in ("email", "socialType", "role", "tokenType", "iat")} == {
        "email": "user@devdevdev.com",
        "socialType": "KAKAO",
        "role": "ROLE_USER",
        "tokenType": "refresh",
        "iat": int(NOW.timestamp()),
    }
    assert len(payload["jti"]) == 32 and payload["family"] == payload["jti"] == pair.family


def test_refresh_tokens_issued_in_the_same_second_differ():
    tokens = service()
    assert tokens.issue(CLAIMS).refresh_token != tokens.issue(CLAIMS).refresh_token


def test_refresh_token_lives_seven_days():
    payload = jwt.decode(
        service().issue(CLAIMS).refresh_token, KEY, algorithms=["HS256"], options={"verify_exp": False}
    )
    assert payload["exp"] - payload["iat"] == 604800


def test_a_valid_token_gives_its_claims():
    tokens = service()
    pair = tokens.issue(CLAIMS)
    assert tokens.verify(pair.access_token) == CLAIMS
    refresh = tokens.verify_refresh(pair.refresh_token)
    assert (refresh.claims, refresh.family) == (CLAIMS, pair.family)


def test_a_refresh_token_is_not_a_bearer_and_an_access_token_not_a_refresh_token():
    tokens = service()
    pair = tokens.issue(CLAIMS)
    expect_401(pair.refresh_token, "지원하지 않는 JWT 입니다.", tokens)
    with pytest.raises(ApiError) as raised:
        tokens.verify_refresh(pair.access_token)
    assert (raised.value.status, raised.value.message) == (401, "지원하지 않는 JWT 입니다.")


def test_the_type_is_checked_before_expiry():
    """An expired refresh token as a bearer must not say "expired": the web client would refresh on it."""
    clock = FixedClock(NOW)
    tokens = service(clock)
    refresh = tokens.issue(CLAIMS).refresh_token
    clock.advance(days=8)
    expect_401(refresh, "지원하지 않는 JWT 입니다.", tokens)


def test_an_unknown_type_is_unsupported():
    token = jwt.encode(
        {"email": "a@b.c", "socialType": "KAKAO", "role": "ROLE_USER", "tokenType": "id", "exp": 4_000_000_000},
        KEY,
        "HS256",
    )
    expect_401(token, "지원하지 않는 JWT 입니다.")


def legacy(**extra):
    """A token as issued before the type claim: upstream's claims (refresh tokens also had a ``jti``)."""
    body = {"email": "user@devdevdev.com", "socialType": "KAKAO", "role": "ROLE_USER", "iat": 1, "exp": 4_000_000_000}
    return jwt.encode(dict(body, **extra), KEY, "HS256")


def test_tokens_from_before_the_type_claim_work_in_their_own_role_only():
    tokens = service()
    access, refresh = legacy(), legacy(jti="0123456789abcdef")
    assert tokens.verify(access) == CLAIMS
    old = tokens.verify_refresh(refresh)
    assert (old.claims, old.jti, old.family) == (CLAIMS, "0123456789abcdef", "0123456789abcdef")
    expect_401(refresh, "지원하지 않는 JWT 입니다.", tokens)
    with pytest.raises(ApiError) as raised:
        tokens.verify_refresh(access)
    assert raised.value.message == "지원하지 않는 JWT 입니다."


def test_a_successor_is_derived_from_its_predecessor_and_the_rotation_time():
    tokens = service()
    first = tokens.verify_refresh(tokens.issue(CLAIMS).refresh_token)
    at = int(NOW.timestamp()) + 100
    successor = tokens.successor(first, CLAIMS, at)
    assert successor == tokens.successor(first, CLAIMS, at)  # byte-identical: it can be answered again
    assert successor != tokens.successor(first, CLAIMS, at + 1)
    payload = decoded(successor)
    assert (payload["iat"], payload["exp"], payload["family"], payload["tokenType"]) == (
        at,
        at + 604800,
        first.family,
        "refresh",
    )
    assert payload["jti"] != first.jti
    following = tokens.verify_refresh(successor)
    assert tokens.successor(following, CLAIMS, at) != successor  # each generation has its own id
    other_key = TokenService(b"x" * 48, 1800, 604800, FixedClock(NOW))
    assert (
        decoded(successor)["jti"]
        != jwt.decode(other_key.successor(first, CLAIMS, at), options={"verify_signature": False})["jti"]
    )  # the id is keyed: nobody without the key can predict a successor


def expect_401(token, message, tokens=None):
    with pytest.raises(ApiError) as raised:
        (tokens or service()).verify(token)
    assert (raised.value.status, raised.value.message) == (401, message)


def test_tampered_signature():
    token = service().issue(CLAIMS).access_token
    expect_401(token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "잘못된 서명을 가진 JWT 입니다.")


def test_other_key():
    token = TokenService(b"x" * 48, 1800, 60, FixedClock(NOW)).issue(CLAIMS).access_token
    expect_401(token, "잘못된 서명을 가진 JWT 입니다.")


def test_garbage():
    expect_401("not-a-jwt", "잘못된 서명을 가진 JWT 입니다.")


def test_expired():
    clock = FixedClock(NOW)
    tokens = service(clock)
    token = tokens.issue(CLAIMS).access_token
    clock.advance(seconds=1800)
    expect_401(token, "만료된 JWT 입니다.", tokens)


def test_not_yet_expired_one_second_before():
    clock = FixedClock(NOW)
    tokens = service(clock)
    token = tokens.issue(CLAIMS).access_token
    clock.advance(seconds=1799)
    assert tokens.verify(token) == CLAIMS


def test_other_algorithm_is_unsupported():
    token = jwt.encode(
        {
            "email": "a@b.c",
            "socialType": "KAKAO",
            "role": "ROLE_USER",
            "exp": int((NOW + timedelta(hours=1)).timestamp()),
        },
        KEY,
        "HS512",
    )
    expect_401(token, "지원하지 않는 JWT 입니다.")


def test_unsigned_token_is_unsupported():
    token = jwt.encode({"email": "a@b.c", "exp": int((NOW + timedelta(hours=1)).timestamp())}, "", "none")
    expect_401(token, "지원하지 않는 JWT 입니다.")


def test_missing_claims_are_unsupported():
    token = jwt.encode({"email": "a@b.c", "exp": int((NOW + timedelta(hours=1)).timestamp())}, KEY, "HS256")
    expect_401(token, "지원하지 않는 JWT 입니다.")


# The member an access token names ---------------------------------------------------------------------------------


def test_an_access_token_names_its_member_besides_every_upstream_claim():
    tokens = service()
    pair = tokens.issue(TokenClaims("user@devdevdev.com", "KAKAO", "ROLE_USER", 7))
    assert decoded(pair.access_token) == {
        "email": "user@devdevdev.com",
        "socialType": "KAKAO",
        "role": "ROLE_USER",
        "tokenType": "access",
        "memberId": 7,
        "iat": int(NOW.timestamp()),
        "exp": int(NOW.timestamp()) + 1800,
    }
    assert tokens.verify(pair.access_token) == TokenClaims("user@devdevdev.com", "KAKAO", "ROLE_USER", 7)
    # A refresh token does not: the refresh reads the member of its login anyway.
    assert "memberId" not in decoded(pair.refresh_token)
    assert tokens.verify_refresh(pair.refresh_token).claims == CLAIMS


def test_an_access_token_without_a_member_id_is_valid_and_names_nobody():
    """Tokens issued before the claim: their member is found by their login."""
    assert service().verify(legacy()) == CLAIMS
    assert service().verify(service().access(CLAIMS)).member_id is None


@pytest.mark.parametrize("member_id", ["7", 0, -1, True, 1.5, None, [7]])
def test_a_member_id_that_is_not_a_positive_whole_number_is_unsupported(member_id):
    expect_401(legacy(tokenType="access", memberId=member_id), "지원하지 않는 JWT 입니다.")
