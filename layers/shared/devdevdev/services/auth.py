"""Tokens: test tokens, refresh with rotation, logout (behavior-notes §1.4–1.6)."""

from __future__ import annotations

from dataclasses import dataclass

from aws_lambda_powertools.shared.cookies import Cookie

from devdevdev.api import cookies as names
from devdevdev.api.cookies import CookieJar
from devdevdev.api.errors import ApiError, Errors
from devdevdev.auth.tokens import SOCIAL_KAKAO, TokenClaims, TokenPair, token_hash
from devdevdev.runtime import Runtime

TEST_USER_EMAIL = "test_user@devdevdev.com"
TEST_ADMIN_EMAIL = "test_admin@devdevdev.com"


@dataclass(frozen=True)
class Refreshed:
    tokens: TokenPair
    cookies: list[Cookie]


def issue_for_member(runtime: Runtime, member_id: int, claims: TokenClaims) -> TokenPair:
    """A new token pair whose refresh token becomes the member's only valid one."""
    pair = runtime.tokens.issue(claims)
    if not runtime.members.replace_refresh_token(member_id, token_hash(pair.refresh_token)):
        raise Errors.MEMBER_NOT_FOUND.error()
    return pair


def test_tokens(runtime: Runtime, email: str) -> TokenPair:
    """Tokens for a seeded test account (404 when the account does not exist)."""
    member = runtime.members.find_by_login(SOCIAL_KAKAO, email)
    if member is None:
        raise Errors.MEMBER_NOT_FOUND.error()
    return issue_for_member(runtime, member.id, TokenClaims(member.email, member.social_type, member.role))


def refresh(runtime: Runtime, jar: CookieJar, has_cookies: bool, cookies: dict[str, str]) -> Refreshed:
    """Rotate the refresh token read from its cookie. The Authorization header plays no part."""
    if not has_cookies:
        raise Errors.COOKIE_MISSING.error()
    token = cookies.get(names.REFRESH_TOKEN, "")
    if not token.strip():
        raise Errors.COOKIE_VALUE_MISSING.error()
    # A refused token also clears the client's token cookies, as upstream's advice does.
    clear = [jar.expire(name) for name in (names.ACCESS_TOKEN, names.REFRESH_TOKEN) if name in cookies]
    try:
        claims = runtime.tokens.verify(token)
    except ApiError as error:
        error.cookies = clear
        raise
    member = runtime.members.find_by_login(claims.social_type, claims.email)
    if member is None:
        raise Errors.MEMBER_NOT_FOUND.error()
    pair = runtime.tokens.issue(TokenClaims(member.email, member.social_type, member.role))
    # One conditional write both checks that the presented token is the current one (not reused, not revoked) and
    # rotates it, so two concurrent refreshes with the same token cannot both win.
    if not runtime.members.replace_refresh_token(
        member.id, token_hash(pair.refresh_token), expected_hash=token_hash(token)
    ):
        raise ApiError(Errors.INVALID_REFRESH_TOKEN, cookies=clear)
    return Refreshed(pair, jar.tokens(pair.access_token, pair.refresh_token))


def logout(runtime: Runtime, jar: CookieJar, member_id: int) -> list[Cookie]:
    """Revoke the member's refresh token; clear its cookie and say the login is inactive."""
    runtime.members.revoke_refresh_token(member_id)
    return [jar.expire(names.REFRESH_TOKEN), jar.login_status(False)]
