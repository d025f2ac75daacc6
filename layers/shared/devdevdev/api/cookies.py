"""The cookies of docs/rules.md#auth-cookies, with Domain, Secure and SameSite from the stage: what the auth
services' typed results (tokens, a login, a logout, a refused refresh token) look like to the browser, and the
refresh token read from its cookie."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from devdevdev.api.request import HttpRequest
from devdevdev.auth.tokens import TokenPair
from devdevdev.domain.errors import Errors
from devdevdev.domain.text import safe_text
from devdevdev.settings import Settings
from devdevdev.store.members import Member

ACCESS_TOKEN = "DEVDEVDEV_ACCESS_TOKEN"
REFRESH_TOKEN = "DEVDEVDEV_REFRESH_TOKEN"
LOGIN_STATUS = "DEVDEVDEV_LOGIN_STATUS"
MEMBER_NICKNAME = "DEVDEVDEV_MEMBER_NICKNAME"
MEMBER_EMAIL = "DEVDEVDEV_MEMBER_EMAIL"
MEMBER_IS_ADMIN = "DEVDEVDEV_MEMBER_IS_ADMIN"
MEMBER_IS_NEW = "DEVDEVDEV_MEMBER_IS_NEW"
TOKEN_COOKIES = (ACCESS_TOKEN, REFRESH_TOKEN)

HANDOFF_MAX_AGE = 180  # the short-lived hand-off cookies the web client reads once
REFRESH_MAX_AGE = 604800

_SAME_SITE = {"Lax": SameSite.LAX_MODE, "Strict": SameSite.STRICT_MODE, "None": SameSite.NONE_MODE}


class CookieJar:
    """Builds the server's cookies the way the stage wants them."""

    def __init__(self, settings: Settings, now: datetime | None = None) -> None:
        self._settings = settings
        self._now = now or datetime.now(UTC)

    def _cookie(self, name: str, value: str, max_age: int, *, http_only: bool = False) -> Cookie:
        return Cookie(
            name=name,
            value=value,
            path="/",
            domain=self._settings.cookie_domain or "",
            secure=self._settings.cookie_secure,
            http_only=http_only,
            max_age=max_age,
            expires=self._now + timedelta(seconds=max_age),
            same_site=_SAME_SITE[self._settings.cookie_same_site],
        )

    def login_status(self, active: bool) -> Cookie:
        """``DEVDEVDEV_LOGIN_STATUS=active|inactive`` (180 s)."""
        return self._cookie(LOGIN_STATUS, "active" if active else "inactive", HANDOFF_MAX_AGE)

    def tokens(self, access_token: str, refresh_token: str) -> list[Cookie]:
        """Access (180 s, readable by the web client), refresh (7 days, HttpOnly) and ``LOGIN_STATUS=active``."""
        return [
            self._cookie(ACCESS_TOKEN, access_token, HANDOFF_MAX_AGE),
            self._cookie(REFRESH_TOKEN, refresh_token, REFRESH_MAX_AGE, http_only=True),
            self.login_status(True),
        ]

    def logged_in(self, pair: TokenPair, member: Member, is_new: bool) -> list[Cookie]:
        """The cookies of a finished social login: the tokens, then the hand-off cookies of the member."""
        return [
            *self.tokens(pair.access_token, pair.refresh_token),
            *self.member_profile(nickname=member.nickname, email=member.email, is_admin=member.is_admin, is_new=is_new),
        ]

    def logged_out(self) -> list[Cookie]:
        """A logout's cookies: the refresh token cleared and ``LOGIN_STATUS=inactive``."""
        return [self.expire(REFRESH_TOKEN), self.login_status(False)]

    def refused_tokens(self, request_cookies: dict[str, str]) -> list[Cookie]:
        """A refused refresh token clears the token cookies the request carried (access first, then refresh)."""
        return [self.expire(name) for name in TOKEN_COOKIES if name in request_cookies]

    def member_profile(self, *, nickname: str, email: str, is_admin: bool, is_new: bool) -> list[Cookie]:
        """The login hand-off cookies: nickname (URL-encoded UTF-8), email, admin and new-member flags."""
        return [
            self._cookie(MEMBER_NICKNAME, quote(safe_text(nickname), safe=""), HANDOFF_MAX_AGE),
            self._cookie(MEMBER_EMAIL, quote(safe_text(email), safe="@."), HANDOFF_MAX_AGE),
            self._cookie(MEMBER_IS_ADMIN, "true" if is_admin else "false", HANDOFF_MAX_AGE),
            self._cookie(MEMBER_IS_NEW, "true" if is_new else "false", HANDOFF_MAX_AGE),
        ]

    def expire(self, name: str) -> Cookie:
        """Clear a cookie: empty value, ``Max-Age=0``, with the same Domain it was set with (so it really goes)."""
        return Cookie(
            name=name,
            value="",
            path="/",
            domain=self._settings.cookie_domain or "",
            secure=self._settings.cookie_secure,
            max_age=0,
            expires=datetime(1970, 1, 1, tzinfo=UTC),
            same_site=_SAME_SITE[self._settings.cookie_same_site],
        )

    def exited(self) -> list[Cookie]:
        """The cookies of a member's exit, as the contract shows them: ``DEVDEVDEV_REFRESH_TOKEN=`` (empty, 180 s,
        not HttpOnly) and ``DEVDEVDEV_LOGIN_STATUS=inactive``."""
        return [self._cookie(REFRESH_TOKEN, "", HANDOFF_MAX_AGE), self.login_status(False)]


def refresh_token(request: HttpRequest) -> str:
    """The refresh token of the request's cookie (the Authorization header plays no part). No cookie at all → 400
    ``쿠키가 존재하지 않습니다.``; no or a blank refresh cookie → 400 ``이름과 일치하는 쿠키의 값이 없습니다.``."""
    if not request.has_cookies:
        raise Errors.COOKIE_MISSING.error()
    token = request.cookies.get(REFRESH_TOKEN, "")
    if not token.strip():
        raise Errors.COOKIE_VALUE_MISSING.error()
    return token
