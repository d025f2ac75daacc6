"""JWTs (behavior-notes §1.1): claims, lifetimes and the three 401 messages."""

import base64
from datetime import timedelta

import jwt
import pytest
from devdevdev.api.errors import ApiError
from devdevdev.auth.tokens import TokenClaims, TokenService
from devdevdev.clock import FixedClock

from tests.conftest import NOW

KEY = base64.b64decode(base64.b64encode(b"k" * 48))
CLAIMS = TokenClaims("user@devdevdev.com", "KAKAO", "ROLE_USER")


def service(clock=None):
    return TokenService(KEY, 1800, 604800, clock or FixedClock(NOW))


def test_access_token_carries_exactly_the_upstream_claims():
    pair = service().issue(CLAIMS)
    header = jwt.get_unverified_header(pair.access_token)
    payload = jwt.decode(pair.access_token, KEY, algorithms=["HS256"], options={"verify_exp": False})
    assert header == {"alg": "HS256"}
    assert payload == {
        "email": "user@devdevdev.com",
        "socialType": "KAKAO",
        "role": "ROLE_USER",
        "iat": int(NOW.timestamp()),
        "exp": int(NOW.timestamp()) + 1800,
    }


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
    assert tokens.verify(tokens.issue(CLAIMS).access_token) == CLAIMS


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
    token = jwt.encode({"email": "a@b.c", "exp": int((NOW + timedelta(hours=1)).timestamp())}, None, "none")
    expect_401(token, "지원하지 않는 JWT 입니다.")


def test_missing_claims_are_unsupported():
    token = jwt.encode({"email": "a@b.c", "exp": int((NOW + timedelta(hours=1)).timestamp())}, KEY, "HS256")
    expect_401(token, "지원하지 않는 JWT 입니다.")
