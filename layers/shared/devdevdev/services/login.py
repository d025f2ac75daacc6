"""Social login: find or create the member of a provider profile and issue its tokens."""

from __future__ import annotations

from dataclasses import dataclass

from aws_lambda_powertools import Logger

from devdevdev.auth.oauth import OAuthFailure, OAuthProvider, StateSigner
from devdevdev.auth.tokens import ROLE_USER, SOCIAL_KAKAO, TokenClaims, TokenPair
from devdevdev.domain.errors import ApiError, Errors
from devdevdev.runtime import Runtime
from devdevdev.services.auth import issue_for_member
from devdevdev.store.members import Member

logger = Logger(service="devdevdev")


@dataclass(frozen=True)
class OAuthCallback:
    """What the provider sends back to the callback: the code, the state it was given, or an error."""

    code: str | None
    state: str | None
    error: str | None


@dataclass(frozen=True)
class LoginResult:
    """A finished login: the member (``is_new``: created by this login) and its tokens."""

    member: Member
    is_new: bool
    tokens: TokenPair


class LoginFailed(ApiError):
    """The contract's 503, whatever made the login fail; the HTTP edge also says the login is inactive."""

    def __init__(self) -> None:
        super().__init__(Errors.SOCIAL_LOGIN_FAILED)


def start(provider: OAuthProvider, signer: StateSigner, redirect_uri: str) -> str:
    """The provider's authorize URL with a fresh signed state."""
    return provider.authorize_url(redirect_uri, signer.issue())


def complete(
    runtime: Runtime, provider: OAuthProvider, signer: StateSigner, callback: OAuthCallback, redirect_uri: str
) -> LoginResult:
    """Finish a login: every failure of the state, the provider's exchange or the nickname dictionary is
    :class:`LoginFailed`."""
    try:
        if callback.error:
            raise OAuthFailure(f"provider error {callback.error}")
        signer.verify(callback.state)
        if not callback.code:
            raise OAuthFailure("missing code")
        profile = provider.profile(callback.code, redirect_uri)
        member = runtime.members.find_by_login(SOCIAL_KAKAO, profile.email)
        is_new = member is None
        if member is None:
            nickname = runtime.dictionary.random_nickname()
            if nickname is None:
                raise OAuthFailure("the nickname dictionary is empty")
            member, is_new = runtime.members.create(
                email=profile.email,
                social_type=SOCIAL_KAKAO,
                role=ROLE_USER,
                nickname=nickname,
                name=profile.name,
                provider_user_id=profile.provider_user_id,
                now=runtime.clock.now(),
            )
        pair = issue_for_member(
            runtime, member.id, TokenClaims(member.email, member.social_type, member.role, member.id)
        )
    except OAuthFailure as failure:
        logger.warning("social login failed", extra={"reason": str(failure)})
        raise LoginFailed() from None
    return LoginResult(member, is_new, pair)
