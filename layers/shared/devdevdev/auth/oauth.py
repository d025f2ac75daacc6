"""OAuth2 login with a Kakao-compatible provider (docs/rules.md#auth-oauth-login).

The authorization request carries a signed, expiring ``state`` (no server session needed); the callback checks it,
exchanges the code (``client_secret_post``), reads the profile and finds or creates the member.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import urllib3

from devdevdev.clock import Clock
from devdevdev.settings import Settings

STATE_AUDIENCE = "devdevdev-oauth-state"
STATE_TTL = timedelta(minutes=10)


class OAuthFailure(Exception):
    """Anything that makes a login fail; the API answers the contract's 503 whatever the cause."""


@dataclass(frozen=True)
class OAuthProfile:
    provider_user_id: str
    email: str
    name: str | None
    profile_image: str | None


class StateSigner:
    """Signs and checks the ``state`` parameter."""

    def __init__(self, key: bytes, clock: Clock) -> None:
        self._key = key
        self._clock = clock

    def issue(self) -> str:
        import jwt  # on first use (the login routes only)

        now = self._clock.now()
        claims = {"aud": STATE_AUDIENCE, "nonce": secrets.token_urlsafe(12), "exp": int((now + STATE_TTL).timestamp())}
        return jwt.encode(claims, self._key, "HS256")

    def verify(self, state: str | None) -> None:
        import jwt  # on first use (the login routes only)

        if not state:
            raise OAuthFailure("missing state")
        try:
            claims = jwt.decode(
                state, self._key, algorithms=["HS256"], audience=STATE_AUDIENCE, options={"verify_exp": False}
            )
        except jwt.PyJWTError as error:
            raise OAuthFailure(f"bad state: {error}") from None
        if int(claims.get("exp", 0)) <= self._clock.epoch_seconds():
            raise OAuthFailure("expired state")


class OAuthProvider:
    """The provider's three URLs, client id and secret."""

    def __init__(self, settings: Settings, http: urllib3.PoolManager | None = None) -> None:
        self._settings = settings
        timeout = urllib3.Timeout(total=settings.oauth_timeout_seconds)
        self._http = http or urllib3.PoolManager(timeout=timeout, retries=False)

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self._settings.oauth_client_id,
                "scope": self._settings.oauth_scopes,
                "state": state,
                "redirect_uri": redirect_uri,
            }
        )
        separator = "&" if "?" in self._settings.oauth_authorize_url else "?"
        return f"{self._settings.oauth_authorize_url}{separator}{query}"

    def _json(self, response: urllib3.BaseHTTPResponse, what: str) -> dict[str, Any]:
        if response.status != 200:
            raise OAuthFailure(f"{what} answered {response.status}")
        try:
            value = json.loads(response.data)
        except ValueError:
            raise OAuthFailure(f"{what} answered no JSON") from None
        if not isinstance(value, dict):
            raise OAuthFailure(f"{what} answered no JSON object")
        return value

    def profile(self, code: str, redirect_uri: str) -> OAuthProfile:
        """Exchange the code and read the profile; a profile without an email is a failure (no shared account)."""
        try:
            token = self._json(
                self._http.request(
                    "POST",
                    self._settings.oauth_token_url,
                    body=urlencode(
                        {
                            "grant_type": "authorization_code",
                            "client_id": self._settings.oauth_client_id,
                            "client_secret": self._settings.oauth_client_secret,
                            "redirect_uri": redirect_uri,
                            "code": code,
                        }
                    ),
                    headers={"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"},
                ),
                "token endpoint",
            )
            access_token = token.get("access_token")
            if not isinstance(access_token, str) or not access_token:
                raise OAuthFailure("token endpoint gave no access_token")
            user = self._json(
                self._http.request(
                    "GET", self._settings.oauth_user_info_url, headers={"Authorization": f"Bearer {access_token}"}
                ),
                "user-info endpoint",
            )
        except urllib3.exceptions.HTTPError as error:
            raise OAuthFailure(f"provider unreachable: {error}") from None
        account = _object(user.get("kakao_account"))
        properties = _object(user.get("properties"))
        email = account.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise OAuthFailure("profile has no email")
        if user.get("id") is None:
            raise OAuthFailure("profile has no id")
        return OAuthProfile(
            provider_user_id=str(user["id"]),
            email=email,
            name=properties.get("nickname"),
            profile_image=properties.get("profile_image"),
        )


def _object(value: Any) -> dict[str, Any]:
    """A JSON object of the profile, or an empty one when the field is missing or not an object."""
    return value if isinstance(value, dict) else {}
