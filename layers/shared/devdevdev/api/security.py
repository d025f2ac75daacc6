"""Which paths need what, as upstream's security configuration says (docs/rules.md#conv-security-paths).

Paths are relative to the base path ``/devdevdev/api/v1``.
"""

from __future__ import annotations

BASE_PATH = "/devdevdev/api/v1"

# The Authorization header is not read at all here (token endpoints read their cookie; the OAuth callback has none).
JWT_SKIPPED_PREFIXES = ("/token", "/oauth2/authorization", "/login/oauth2/code")
# Without a valid token these answer 401 "유효하지 않은 회원 입니다." before any handler runs.
AUTHENTICATED_PREFIXES = ("/mypage", "/logout", "/blames")


def relative_path(path: str) -> str:
    """``/devdevdev/api/v1/picks`` → ``/picks``."""
    return path[len(BASE_PATH) :] or "/" if path.startswith(BASE_PATH) else path


def _under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == p or path.startswith(p + "/") for p in prefixes)


def skips_jwt(path: str) -> bool:
    return _under(relative_path(path), JWT_SKIPPED_PREFIXES)


def requires_authentication(path: str) -> bool:
    return _under(relative_path(path), AUTHENTICATED_PREFIXES)
