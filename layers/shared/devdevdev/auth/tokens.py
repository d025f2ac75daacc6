"""JWTs as upstream issues them: HS256, claims ``email``, ``socialType``, ``role``, ``iat``, ``exp``; plus a type.

An access token also names its member (``memberId``), so a request learns who it is for without reading the login
(:mod:`devdevdev.auth.callers` says how long a warm instance trusts that the member is still live). Access tokens
issued before the claim existed are still valid: their member is found by their login.

Every token also says what it is: ``tokenType`` is ``access`` or ``refresh``, and a token is only accepted in its
own role (a refresh token as a bearer, or an access token as the refresh cookie, is a 401
``지원하지 않는 JWT 입니다.``). Tokens issued before the type existed are told apart as they were issued: a refresh
token always had a ``jti``, an access token never did.

Refresh tokens also carry a ``jti`` (unique per token) and a ``family`` (shared by every token rotated from one
login). A successor is derived, not drawn: its ``jti`` is an HMAC of its predecessor's ``jti`` under the signing key
and its ``iat`` is the rotation time, so the same predecessor rotated at the same second gives the byte-identical
token (see :mod:`devdevdev.services.auth`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from devdevdev.clock import Clock
from devdevdev.domain.errors import Errors

ALGORITHM = "HS256"
ROLE_USER = "ROLE_USER"
ROLE_ADMIN = "ROLE_ADMIN"
SOCIAL_KAKAO = "KAKAO"

TYPE_CLAIM = "tokenType"
MEMBER_CLAIM = "memberId"
ACCESS = "access"
REFRESH = "refresh"
_SUCCESSOR_CONTEXT = b"devdevdev refresh successor\x00"


@dataclass(frozen=True)
class TokenClaims:
    """Who a valid token says the caller is."""

    email: str
    social_type: str
    role: str
    member_id: int | None = None  # an access token's ``memberId`` (None: a refresh token, or one issued before it)

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN


@dataclass(frozen=True)
class RefreshToken:
    """A valid refresh token: who it is for, its own id and the id of its family."""

    claims: TokenClaims
    jti: str
    family: str


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    family: str = ""  # the refresh token's family, when the pair starts one


def token_hash(token: str) -> str:
    """What the table stores of a refresh token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _body(claims: TokenClaims, kind: str, iat: int) -> dict[str, Any]:
    return {"email": claims.email, "socialType": claims.social_type, "role": claims.role, TYPE_CLAIM: kind, "iat": iat}


class TokenService:
    """Issues and verifies access and refresh tokens with the stage's secret."""

    def __init__(self, key: bytes, access_ttl_seconds: int, refresh_ttl_seconds: int, clock: Clock) -> None:
        self._key = key
        self._access_ttl = access_ttl_seconds
        self._refresh_ttl = refresh_ttl_seconds
        self._clock = clock

    def _encode(self, payload: dict[str, Any]) -> str:
        import jwt  # on first use: a cold start without a token does not load it

        return jwt.encode(payload, self._key, ALGORITHM, headers={"typ": None})

    def issue(self, claims: TokenClaims) -> TokenPair:
        """A new access token and the first refresh token of a new family."""
        now = self._clock.epoch_seconds()
        jti = secrets.token_hex(16)
        refresh = dict(_body(claims, REFRESH, now), exp=now + self._refresh_ttl, jti=jti, family=jti)
        return TokenPair(self.access(claims), self._encode(refresh), jti)

    def access(self, claims: TokenClaims) -> str:
        """A new access token (naming ``claims.member_id`` when given)."""
        now = self._clock.epoch_seconds()
        payload = dict(_body(claims, ACCESS, now), exp=now + self._access_ttl)
        if claims.member_id is not None:
            payload[MEMBER_CLAIM] = claims.member_id
        return self._encode(payload)

    def successor(self, predecessor: RefreshToken, claims: TokenClaims, rotated_at: int) -> str:
        """The refresh token that ``predecessor`` rotates into at ``rotated_at`` (epoch seconds): the same inputs
        always give the same token, so it can be answered again without being stored."""
        jti = hmac.new(self._key, _SUCCESSOR_CONTEXT + predecessor.jti.encode(), hashlib.sha256).hexdigest()[:32]
        payload = dict(
            _body(claims, REFRESH, rotated_at),
            exp=rotated_at + self._refresh_ttl,
            jti=jti,
            family=predecessor.family,
        )
        return self._encode(payload)

    def verify(self, token: str) -> TokenClaims:
        """The claims of a valid access token (a bearer); otherwise the contract's 401 (bad signature, expired,
        unsupported: another algorithm, missing claims, or a refresh token)."""
        payload = self._decode(token, ACCESS)
        claims = self._claims(payload)
        if MEMBER_CLAIM not in payload:
            return claims
        member_id = payload[MEMBER_CLAIM]
        if isinstance(member_id, bool) or not isinstance(member_id, int) or member_id <= 0:
            raise Errors.JWT_UNSUPPORTED.error()
        return TokenClaims(claims.email, claims.social_type, claims.role, member_id)

    def verify_refresh(self, token: str) -> RefreshToken:
        """A valid refresh token; otherwise the contract's 401 as :meth:`verify` (an access token is unsupported)."""
        payload = self._decode(token, REFRESH)
        jti = payload.get("jti")
        family = payload.get("family", jti)  # a refresh token from before families is a family of its own
        if not (isinstance(jti, str) and jti and isinstance(family, str) and family):
            raise Errors.JWT_UNSUPPORTED.error()
        return RefreshToken(self._claims(payload), jti, family)

    def _decode(self, token: str, kind: str) -> dict[str, Any]:
        """The payload of a token signed with our key and algorithm, of type ``kind``, not expired."""
        import jwt  # on first use: a cold start without a token does not load it

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
        # Checked before expiry: a token of the other type is never accepted here, so "expired" would mislead a
        # client into refreshing.
        if _kind(payload) != kind:
            raise Errors.JWT_UNSUPPORTED.error()
        exp = payload.get("exp")
        if not isinstance(exp, int | float) or exp <= self._clock.epoch_seconds():
            raise Errors.JWT_EXPIRED.error()
        return payload

    @staticmethod
    def _claims(payload: dict[str, Any]) -> TokenClaims:
        email, social_type, role = payload.get("email"), payload.get("socialType"), payload.get("role")
        if not (isinstance(email, str) and email and isinstance(social_type, str) and role in (ROLE_USER, ROLE_ADMIN)):
            raise Errors.JWT_UNSUPPORTED.error()
        return TokenClaims(email=email, social_type=social_type, role=role)


def _kind(payload: dict[str, Any]) -> str | None:
    """``access`` or ``refresh`` (None for anything else). Without the claim, as tokens were issued before it: a
    refresh token always had a ``jti``, an access token never did."""
    if TYPE_CLAIM not in payload:
        return REFRESH if "jti" in payload else ACCESS
    kind = payload[TYPE_CLAIM]
    return kind if kind in (ACCESS, REFRESH) else None
