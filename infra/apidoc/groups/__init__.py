"""Every route of the API, declared once with its documentation: one module per function group.

A module's ``DOCS`` maps a route of its group, written ``METHOD /path`` with the path after ``infra.routes.BASE``
(``"GET /picks/{pickId}"``), to its ``Doc``. ``infra.routes`` builds the route table (API Gateway's routes, the
local gateway's) from these declarations, in this order; ``infra.apidoc.endpoints`` binds the documentation to it.
Adding a route: its entry here, and its handler in ``functions/<group>/handler.py`` (a test checks that every
group's handler serves exactly its declared routes).
"""

from __future__ import annotations

from collections.abc import Mapping

from infra.apidoc.groups import articles, auth, comments, mypage, notifications, picks
from infra.apidoc.model import Doc

# The function groups and their routes, in the route table's order.
DECLARED: dict[str, Mapping[str, Doc]] = {
    "auth": auth.DOCS,
    "picks": picks.DOCS,
    "articles": articles.DOCS,
    "comments": comments.DOCS,
    "mypage": mypage.DOCS,
    "notifications": notifications.DOCS,
}
