"""Social login: find or create the member of a provider profile and hand the tokens over in cookies."""

from __future__ import annotations

from aws_lambda_powertools import Logger
from aws_lambda_powertools.shared.cookies import Cookie

from devdevdev.api.cookies import CookieJar
from devdevdev.auth.oauth import OAuthFailure, OAuthProvider, StateSigner
from devdevdev.auth.tokens import ROLE_USER, SOCIAL_KAKAO, TokenClaims
from devdevdev.domain.errors import ApiError, Errors
from devdevdev.runtime import Runtime
from devdevdev.services.auth import issue_for_member

logger = Logger(service="devdevdev")


def login_failed(jar: CookieJar) -> ApiError:
    """The contract's 503, with ``LOGIN_STATUS=inactive``."""
    return ApiError(Errors.SOCIAL_LOGIN_FAILED, cookies=[jar.login_status(False)])


def start(provider: OAuthProvider, signer: StateSigner, redirect_uri: str) -> str:
    """The provider's authorize URL with a fresh signed state."""
    return provider.authorize_url(redirect_uri, signer.issue())


def complete(
    runtime: Runtime,
    provider: OAuthProvider,
    signer: StateSigner,
    jar: CookieJar,
    *,
    code: str | None,
    state: str | None,
    error: str | None,
    redirect_uri: str,
) -> list[Cookie]:
    """Finish a login: every failure is the 503 of :func:`login_failed`; success returns the login cookies."""
    try:
        if error:
            raise OAuthFailure(f"provider error {error}")
        signer.verify(state)
        if not code:
            raise OAuthFailure("missing code")
        profile = provider.profile(code, redirect_uri)
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
        raise login_failed(jar) from None
    return [
        *jar.tokens(pair.access_token, pair.refresh_token),
        *jar.member_profile(nickname=member.nickname, email=member.email, is_admin=member.is_admin, is_new=is_new),
    ]
