"""The route table: every (method, path) of the API and the function group that serves it.

The CDK stack builds API Gateway's routes from this table and the local gateway serves the same table, so the two
cannot drift. Paths use API Gateway's ``{param}`` syntax and include the base path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BASE = "/devdevdev/api/v1"
GROUPS = ("auth", "picks", "articles", "comments", "mypage", "notifications")


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    group: str

    @property
    def route_key(self) -> str:
        """API Gateway's ``routeKey``: ``"POST /devdevdev/api/v1/logout"``."""
        return f"{self.method} {self.path}"

    @property
    def pattern(self) -> re.Pattern[str]:
        """A regex matching concrete paths, capturing the path parameters by name."""
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", re.escape(self.path).replace(r"\{", "{").replace(r"\}", "}"))
        return re.compile(f"^{regex}$")


def _routes(group: str, *entries: tuple[str, str]) -> list[Route]:
    return [Route(method, BASE + path, group) for method, path in entries]


ROUTES: tuple[Route, ...] = (
    *_routes(
        "auth",
        ("POST", "/token/refresh"),
        ("GET", "/token/test/user"),
        ("GET", "/token/test/admin"),
        ("POST", "/logout"),
        ("GET", "/oauth2/authorization/kakao"),
        ("GET", "/login/oauth2/code/kakao"),
    ),
    *_routes(
        "picks",
        ("GET", "/picks"),
        ("POST", "/picks"),
        ("POST", "/picks/vote"),
        ("POST", "/picks/image"),
        ("POST", "/picks/image/upload-url"),
        ("DELETE", "/picks/image/{pickOptionImageId}"),
        ("GET", "/picks/{pickId}"),
        ("PATCH", "/picks/{pickId}"),
        ("DELETE", "/picks/{pickId}"),
        ("PATCH", "/picks/{pickId}/status"),
        ("GET", "/picks/{pickId}/similarties"),  # sic: the contract's path
    ),
    *_routes(
        "articles",
        ("POST", "/articles"),
        ("GET", "/articles"),
        ("GET", "/articles/{techArticleId}"),
        ("POST", "/articles/{techArticleId}/bookmark"),
        ("POST", "/articles/{techArticleId}/recommend"),
        ("GET", "/keywords/auto-complete"),
        ("GET", "/subscriptions/companies"),
        ("GET", "/subscriptions/companies/{companyId}"),
        ("POST", "/subscriptions"),
        ("DELETE", "/subscriptions"),
    ),
    *_routes(
        "comments",
        ("GET", "/picks/{pickId}/comments"),
        ("POST", "/picks/{pickId}/comments"),
        ("GET", "/picks/{pickId}/comments/best"),
        ("POST", "/picks/{pickId}/comments/{pickCommentId}/recommends"),
        ("POST", "/picks/{pickId}/comments/{pickOriginParentCommentId}/{pickParentCommentId}"),
        ("PATCH", "/picks/{pickId}/comments/{pickCommentId}"),
        ("DELETE", "/picks/{pickId}/comments/{pickCommentId}"),
        ("GET", "/articles/{techArticleId}/comments"),
        ("POST", "/articles/{techArticleId}/comments"),
        ("GET", "/articles/{techArticleId}/comments/best"),
        ("POST", "/articles/{techArticleId}/comments/{techCommentId}/recommends"),
        ("POST", "/articles/{techArticleId}/comments/{originParentTechCommentId}/{parentTechCommentId}"),
        ("PATCH", "/articles/{techArticleId}/comments/{techCommentId}"),
        ("DELETE", "/articles/{techArticleId}/comments/{techCommentId}"),
        ("GET", "/blames"),
        ("POST", "/blames/{blamePathType}"),
    ),
    *_routes(
        "mypage",
        ("GET", "/mypage/comments"),
        ("GET", "/mypage/picks"),
        ("GET", "/mypage/bookmarks"),
        ("GET", "/mypage/subscriptions/companies"),
        ("GET", "/mypage/exit-survey"),
        ("POST", "/mypage/exit-survey"),
        ("DELETE", "/mypage/profile"),
        ("GET", "/mypage/nickname/random"),
        ("GET", "/mypage/nickname/changeable"),
        ("PATCH", "/mypage/nickname"),
    ),
    *_routes(
        "notifications",
        ("GET", "/notifications"),
        ("POST", "/notifications/{channel}"),
        ("PATCH", "/notifications/read-all"),
        ("PATCH", "/notifications/{notificationId}/read"),
        ("GET", "/notifications/page"),
        ("GET", "/notifications/popup"),
        ("GET", "/notifications/unread-count"),
    ),
)


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route for a concrete request and its path parameters; literal paths win over parameterised ones."""
    candidates = []
    for route in ROUTES:
        if route.method != method:
            continue
        found = route.pattern.match(path)
        if found:
            candidates.append((route.path.count("{"), route, found.groupdict()))
    if not candidates:
        return None
    candidates.sort(key=lambda c: c[0])
    return candidates[0][1], candidates[0][2]


def path_exists(path: str) -> bool:
    """Whether some method serves ``path`` (for telling 404 from 405 and for CORS preflights)."""
    return any(route.pattern.match(path) for route in ROUTES)
