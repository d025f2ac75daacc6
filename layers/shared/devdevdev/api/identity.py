"""Who calls, read from the HTTP request: the bearer token, the ``Anonymous-Member-Id`` header and whether the
method may write, handed to :class:`devdevdev.auth.identity.Caller` as plain values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from devdevdev.api.request import HttpRequest
from devdevdev.auth import identity

if TYPE_CHECKING:
    from devdevdev.auth.tokens import TokenClaims
    from devdevdev.runtime import Runtime

ANONYMOUS_HEADER = "anonymous-member-id"
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


class Caller(identity.Caller):
    """The caller of one HTTP request: :class:`devdevdev.auth.identity.Caller` with the method and the anonymous
    member header read from the request."""

    def __init__(self, claims: TokenClaims | None, request: HttpRequest, runtime: Runtime) -> None:
        super().__init__(
            claims,
            runtime,
            may_write=request.method not in READ_ONLY_METHODS,
            anonymous_header=request.header(ANONYMOUS_HEADER),
        )
