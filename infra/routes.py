"""The route table: every (method, path) of the API and the function group that serves it.

The routes are declared once, each beside its documentation, in ``infra/apidoc/groups/<group>.py``; this module
turns the declarations into the table. The CDK stack builds API Gateway's routes from it and the local gateway
serves the same table, so the two cannot drift. Paths use API Gateway's ``{param}`` syntax and include the base path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BASE = "/devdevdev/api/v1"
GROUPS = ("auth", "picks", "articles", "comments", "mypage", "notifications")  # infra/apidoc/groups' order


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


def _declared() -> tuple[Route, ...]:
    from infra.apidoc.groups import DECLARED

    return tuple(
        Route(method, BASE + path, group)
        for group, docs in DECLARED.items()
        for method, path in (key.split(" ", 1) for key in docs)
    )


# Every route, declared once with its documentation in infra/apidoc/groups/<group>.py.
ROUTES: tuple[Route, ...] = _declared()


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
