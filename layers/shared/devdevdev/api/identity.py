"""Who calls, from the HTTP request: a member (by a valid bearer token), an anonymous member (by the
``Anonymous-Member-Id`` header), or nobody. The request is read here, at the edge; the lookups go through the
runtime's :class:`devdevdev.auth.callers.LiveLogins` and :class:`devdevdev.auth.callers.KnownAnonymous`."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from devdevdev.api.request import HttpRequest
from devdevdev.domain.errors import Errors, ErrorSpec
from devdevdev.store.members import Actor, AnonymousMember, Member

if TYPE_CHECKING:
    from devdevdev.auth.tokens import TokenClaims
    from devdevdev.runtime import Runtime

ANONYMOUS_HEADER = "anonymous-member-id"
ANONYMOUS_ID_MAX_LENGTH = 30
# Requests that write nothing a member owns: they may trust a login read up to MEMBER_RECHECK_SECONDS ago.
READ_ONLY_METHODS = ("GET", "HEAD")


def bearer_token(request: HttpRequest) -> str | None:
    """The token of ``Authorization: Bearer <token>``; a blank token counts as none (as upstream's filter)."""
    header = request.header("authorization")
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class Caller:
    """The caller of one request. Member and anonymous-member lookups happen on first use, once."""

    def __init__(self, claims: TokenClaims | None, request: HttpRequest, runtime: Runtime) -> None:
        self.claims = claims
        self._request = request
        self._runtime = runtime

    @property
    def is_member(self) -> bool:
        """A valid token came with the request."""
        return self.claims is not None

    @property
    def is_admin(self) -> bool:
        return self.claims is not None and self.claims.is_admin

    @cached_property
    def member_id(self) -> int:
        """The id of the token's live member; an exited or unknown member → 404 ``회원을 찾을 수 없습니다.``.

        A warm instance reads the login at most once per ``MEMBER_RECHECK_SECONDS`` for a read, and on every
        request that may write (see :class:`devdevdev.auth.callers.LiveLogins`)."""
        claims = self.require_claims()
        writes = self._request.method not in READ_ONLY_METHODS
        member_id = self._runtime.live_logins.member_id(claims, fresh=writes)
        if member_id is None:
            raise Errors.MEMBER_NOT_FOUND.error()
        return member_id

    @cached_property
    def member(self) -> Member:
        """The token's live member, with its profile: one read of the member item, which also says whether the
        member is still live (an access token names its member, so the login is not read first)."""
        claims = self.require_claims()
        member_id = claims.member_id if claims.member_id is not None else self.member_id
        found = self._runtime.members.get(member_id)
        if found is None:
            self._runtime.live_logins.forget(claims.social_type, claims.email)
            raise Errors.MEMBER_NOT_FOUND.error()
        self._runtime.live_logins.confirm(claims, found.id)
        return found

    def require_claims(self, guest_error: ErrorSpec = Errors.ANONYMOUS_NOT_ALLOWED) -> TokenClaims:
        """The claims of a member; without a token → ``guest_error`` (405 by default, as upstream)."""
        if self.claims is None:
            raise guest_error.error()
        return self.claims

    def require_member_id(self, guest_error: ErrorSpec = Errors.ANONYMOUS_NOT_ALLOWED) -> int:
        """The member's id; guests get ``guest_error`` (405 ``익명 회원은...`` or 403 ``비회원은...``)."""
        self.require_claims(guest_error)
        return self.member_id

    @property
    def anonymous_header(self) -> str | None:
        value = self._request.header(ANONYMOUS_HEADER)
        return value.strip() if value is not None else None

    def anonymous(self) -> AnonymousMember:
        """The anonymous member of the ``Anonymous-Member-Id`` header, created on first sight.

        Missing, blank or longer than 30 characters → 400 ``익명 회원 아이디를 확인해주세요.``.
        """
        header_id = self.anonymous_header
        if not header_id or len(header_id) > ANONYMOUS_ID_MAX_LENGTH:
            raise Errors.ANONYMOUS_MEMBER_ID_INVALID.error()
        return self._runtime.known_anonymous.find_or_create(header_id, self._runtime.clock.now)

    def actor(self) -> Actor:
        """The member; without a token the anonymous member of the header (required: 400 without it)."""
        if self.is_member:
            return Actor(member_id=self.member_id)
        return Actor(anonymous_id=self.anonymous().id)
