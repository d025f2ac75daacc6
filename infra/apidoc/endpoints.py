"""The API reference's registry: one entry per route of the route table, from the group modules.

Each function group of ``infra.routes.GROUPS`` documents its routes beside one another in
``infra/apidoc/groups/<group>.py``, keyed by the route's ``METHOD /path``. Summaries, descriptions, parameters,
fields and their Korean descriptions are the contract's; the routes the contract lacks are documented from their
handlers. ``scripts/openapi.py`` turns this into ``docs/openapi.json``, the Postman collection and the error catalogue
page. ``drift`` names a route without an entry, an entry without a route and an entry in another group's module;
``tests/contract/test_api_reference.py`` fails on any.
"""

from __future__ import annotations

from collections.abc import Mapping

from infra import routes
from infra.apidoc.groups import DECLARED
from infra.apidoc.model import Doc, Endpoint

# The group modules, in the route table's group order.
GROUP_DOCS: Mapping[str, Mapping[str, Doc]] = DECLARED


def assemble(group_docs: Mapping[str, Mapping[str, Doc]]) -> tuple[Endpoint, ...]:
    """Every group's documentation bound to its route key and group, in order; a route documented twice is refused."""
    endpoints: dict[str, Endpoint] = {}
    for group, docs in group_docs.items():
        for key, doc in docs.items():
            method, path = key.split(" ", 1)
            route_key = f"{method} {routes.BASE}{path}"
            if route_key in endpoints:
                raise ValueError(f"{route_key} is documented in {endpoints[route_key].group} and in {group}")
            endpoints[route_key] = Endpoint.of(route_key, group, doc)
    return tuple(endpoints.values())


ENDPOINTS: tuple[Endpoint, ...] = assemble(GROUP_DOCS)


def drift(route_table: tuple[routes.Route, ...], endpoints: tuple[Endpoint, ...]) -> dict[str, list[str]]:
    """Where a registry and a route table disagree: routes without an entry, entries without a route, and entries in
    another group's module than their route's (every list empty when they agree)."""
    entries = {endpoint.route_key: endpoint for endpoint in endpoints}
    keys = {route.route_key for route in route_table}
    return {
        "undocumented": sorted(keys - set(entries)),
        "unrouted": sorted(set(entries) - keys),
        "misplaced": sorted(
            f"{route.route_key} (in {entries[route.route_key].group}, a {route.group} route)"
            for route in route_table
            if route.route_key in entries and entries[route.route_key].group != route.group
        ),
    }
