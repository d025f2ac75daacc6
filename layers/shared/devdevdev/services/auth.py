"""Tokens: test tokens, refresh as a rotating family with a reuse interval, logout.

One login (or test-token issuance) starts a refresh-token family; each refresh rotates the family's current token
into a derived successor. The table keeps only the family's id, the current token's hash, the hash of the token it
was rotated from and when (:class:`devdevdev.store.members.RefreshFamily`). A refresh with:

* the current token rotates it (one conditional write: only one concurrent refresh does);
* the token just rotated from, less than ``refresh_token_reuse_interval_seconds`` after the rotation (in whole
  seconds; 0 turns the interval off), answers the same successor again (rebuilt from the stored rotation time, byte
  for byte): the web client's concurrent refreshes all succeed alike;
* any other token of the family (the one just rotated from after the interval, or an older one) revokes the family:
  a thief and the member cannot both keep it, so the newest token is refused too;
* a token of another family (an earlier login, a revoked family) is refused and changes nothing.
"""

from __future__ import annotations

from devdevdev.auth.tokens import SOCIAL_KAKAO, RefreshToken, TokenClaims, TokenPair, token_hash
from devdevdev.domain.errors import ApiError, Errors
from devdevdev.runtime import Runtime
from devdevdev.store.members import Member

TEST_USER_EMAIL = "test_user@devdevdev.com"
TEST_ADMIN_EMAIL = "test_admin@devdevdev.com"


class RefreshRefused(ApiError):
    """A refresh token the API refuses (not a valid refresh token, or refused by the rules above). The HTTP edge
    also clears the client's token cookies with it, as upstream's advice does."""


def issue_for_member(runtime: Runtime, member_id: int, claims: TokenClaims) -> TokenPair:
    """A new token pair whose refresh token starts a new family, the member's only valid one."""
    pair = runtime.tokens.issue(claims)
    if not runtime.members.start_refresh_family(member_id, pair.family, token_hash(pair.refresh_token)):
        raise Errors.MEMBER_NOT_FOUND.error()
    return pair


def test_tokens(runtime: Runtime, email: str) -> TokenPair:
    """Tokens for a seeded test account (404 when the account does not exist)."""
    member = runtime.members.find_by_login(SOCIAL_KAKAO, email)
    if member is None:
        raise Errors.MEMBER_NOT_FOUND.error()
    return issue_for_member(runtime, member.id, TokenClaims(member.email, member.social_type, member.role, member.id))


def refresh(runtime: Runtime, token: str) -> TokenPair:
    """Rotate a refresh token (the value of the refresh cookie, read at the edge): a new access token and the
    token's successor. A refused token → :class:`RefreshRefused`; a token whose member is gone → 404."""
    try:
        presented = runtime.tokens.verify_refresh(token)
    except ApiError as error:
        raise RefreshRefused(error.spec, error.message, headers=error.headers) from error
    member = runtime.members.find_by_login(presented.claims.social_type, presented.claims.email)
    if member is None:
        raise Errors.MEMBER_NOT_FOUND.error()
    successor = _successor(runtime, member, presented, token_hash(token))
    if successor is None:
        raise RefreshRefused(Errors.INVALID_REFRESH_TOKEN)
    claims = TokenClaims(member.email, member.social_type, member.role, member.id)
    return TokenPair(runtime.tokens.access(claims), successor)


def _successor(runtime: Runtime, member: Member, presented: RefreshToken, presented_hash: str) -> str | None:
    """The refresh token that replaces ``presented`` (see the module's rules); None when it is refused."""
    claims = TokenClaims(member.email, member.social_type, member.role)
    for _ in range(2):  # a rotation lost to a concurrent refresh looks again, and then finds the token just rotated
        family = runtime.members.refresh_family(member.id)
        if family is None:
            return None
        now = runtime.clock.epoch_seconds()
        if family.current_hash == presented_hash:
            successor = runtime.tokens.successor(presented, claims, now)
            if runtime.members.rotate_refresh_token(
                member.id, presented.family, presented_hash, token_hash(successor), now
            ):
                return successor
            continue
        interval = runtime.settings.refresh_token_reuse_interval_seconds
        if (
            family.previous_hash == presented_hash
            and family.rotated_at is not None
            and now - family.rotated_at < interval
        ):
            successor = runtime.tokens.successor(presented, claims, family.rotated_at)
            # Differs only if the member's role changed since the rotation: refused, but not a reuse.
            return successor if token_hash(successor) == family.current_hash else None
        if family.family == presented.family:
            runtime.members.revoke_refresh_family(member.id, presented.family)
        return None
    return None


def logout(runtime: Runtime, member_id: int) -> None:
    """Revoke the member's refresh-token family: the next refresh with any of its tokens is refused."""
    runtime.members.revoke_refresh_token(member_id)
