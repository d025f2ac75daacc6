"""JWTs as upstream issues them (behavior-notes §1.1): HS256, claims ``email``, ``socialType``, ``role``, ``iat``, ``exp``.

Refresh tokens also carry a ``jti`` so that two refresh tokens issued in the same second differ: rotation stores a
hash of the current one, and a reused token must not match the new one by accident.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import jwt

from devdevdev.api.errors import Errors
from devdevdev.clock import Clock

ALGORITHM = "HS256"
ROLE_USER = "ROLE_USER"
ROLE_ADMIN = "ROLE_ADMIN"
SOCIAL_KAKAO = "KAKAO"


@dataclass(frozen=True)
class TokenClaims:
    """Who a valid token says the caller is."""

    email: str
    social_type: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str


def token_hash(token: str) -> str:
    """What the table stores of a refresh token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenService:
    """Issues and verifies access and refresh tokens with the stage's secret."""

    def __init__(self, key: bytes, access_ttl_seconds: int, refresh_ttl_seconds: int, clock: Clock) -> None:
        self._key = key
        self._access_ttl = access_ttl_seconds
        self._refresh_ttl = refresh_ttl_seconds
        self._clock = clock

    def issue(self, claims: TokenClaims) -> TokenPair:
        """A new access and refresh token for the same claims."""
        now = self._clock.now()
        body = {
            "email": claims.email,
            "socialType": claims.social_type,
            "role": claims.role,
            "iat": int(now.timestamp()),
        }
        access = dict(body, exp=int((now + timedelta(seconds=self._access_ttl)).timestamp()))
        refresh = dict(
            body, exp=int((now + timedelta(seconds=self._refresh_ttl)).timestamp()), jti=secrets.token_hex(8)
        )
        return TokenPair(
            jwt.encode(access, self._key, ALGORITHM, headers={"typ": None}),
            jwt.encode(refresh, self._key, ALGORITHM, headers={"typ": None}),
        )

    def verify(self, token: str) -> TokenClaims:
        """The claims of a valid token; otherwise the contract's 401 (bad signature, expired, unsupported)."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Errors.JWT_BAD_SIGNATURE.error() from None
        if header.get("alg") != ALGORITHM:
            raise Errors.JWT_UNSUPPORTED.error()
        try:
            payload = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                options={"verify_exp": False, "verify_iat": False, "require": ["exp"]},
            )
        except jwt.MissingRequiredClaimError:
            raise Errors.JWT_UNSUPPORTED.error() from None
        except jwt.PyJWTError:
            raise Errors.JWT_BAD_SIGNATURE.error() from None
        exp = payload.get("exp")
        if not isinstance(exp, int | float) or exp <= self._clock.epoch_seconds():
            raise Errors.JWT_EXPIRED.error()
        email, social_type, role = payload.get("email"), payload.get("socialType"), payload.get("role")
        if not (isinstance(email, str) and email and isinstance(social_type, str) and role in (ROLE_USER, ROLE_ADMIN)):
            raise Errors.JWT_UNSUPPORTED.error()
        return TokenClaims(email=email, social_type=social_type, role=role)
