"""The API reference is generated from code and committed; these fail when the two disagree."""

from __future__ import annotations

import importlib
import json
import re

import pytest
from devdevdev.domain.errors import catalogue
from openapi_spec_validator import validate

from infra import routes
from infra.apidoc import endpoints, openapi, postman
from infra.apidoc.model import Doc
from infra.apidoc.openapi import documented, errors_of
from scripts.openapi import ROOT, generated

REGENERATE = "run `make openapi` and commit the result"


@pytest.mark.parametrize("path", sorted(generated(), key=str), ids=lambda p: p.name)
def test_the_committed_file_is_what_the_code_generates(path):
    # Given the file generated from the registry, the route table and the error catalogue
    expected = generated()[path]
    # When the committed one is read
    committed = path.read_text(encoding="utf-8") if path.exists() else ""
    # Then they are the same
    assert committed == expected, f"{path.relative_to(ROOT)} is out of date: {REGENERATE}"


def test_every_route_is_documented_and_every_documented_route_is_a_route():
    route_keys = {route.route_key for route in routes.ROUTES}
    entries = documented()
    assert sorted(route_keys - set(entries)) == [], "routes without an entry in infra/apidoc/endpoints.py"
    assert sorted(set(entries) - route_keys) == [], "documented routes missing from infra/routes.py"


def test_each_route_is_documented_once_in_its_own_groups_module():
    # Given one documentation module per function group of the route table
    assert list(endpoints.GROUP_DOCS) == list(routes.GROUPS)
    # Then the registry and the route table agree, each entry in its route's group module
    assert endpoints.drift(routes.ROUTES, endpoints.ENDPOINTS) == {"undocumented": [], "unrouted": [], "misplaced": []}


def test_the_drift_check_names_undocumented_routes_unrouted_entries_and_misplaced_entries():
    doc = Doc(summary="요약")
    table = (
        routes.Route("GET", f"{routes.BASE}/picks", "picks"),
        routes.Route("GET", f"{routes.BASE}/blames", "comments"),
        routes.Route("POST", f"{routes.BASE}/logout", "auth"),
    )
    # Given a registry missing a route, documenting a path that is not one, and documenting a route in another group
    registry = endpoints.assemble({"picks": {"GET /picks": doc, "GET /gone": doc}, "auth": {"GET /blames": doc}})
    # Then the drift check names each
    assert endpoints.drift(table, registry) == {
        "undocumented": [f"POST {routes.BASE}/logout"],
        "unrouted": [f"GET {routes.BASE}/gone"],
        "misplaced": [f"GET {routes.BASE}/blames (in auth, a comments route)"],
    }


def test_a_groups_entry_is_bound_to_its_route_key_and_group_and_a_route_documented_twice_is_refused():
    doc = Doc(summary="요약", auth="required")
    (entry,) = endpoints.assemble({"picks": {"GET /picks/{pickId}": doc}})
    assert (entry.route_key, entry.group, entry.summary, entry.auth) == (
        f"GET {routes.BASE}/picks/{{pickId}}",
        "picks",
        "요약",
        "required",
    )
    with pytest.raises(ValueError, match=r"GET /devdevdev/api/v1/picks is documented in picks and in comments"):
        endpoints.assemble({"picks": {"GET /picks": doc}, "comments": {"GET /picks": doc}})


def test_the_document_holds_exactly_the_route_table():
    document = openapi.build()
    emitted = {f"{method.upper()} {path}" for path, methods in document["paths"].items() for method in methods}
    assert emitted == {route.route_key for route in routes.ROUTES}


def test_similar_picks_are_documented_as_the_contract():
    operation = openapi.build()["paths"]["/devdevdev/api/v1/picks/{pickId}/similarties"]["get"]
    assert operation["responses"]["500"]["content"]["application/json"]["examples"]["TEMPORARY_FAILURE"]
    data = operation["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["datas"]
    assert set(data["items"]["properties"]) == {"id", "title", "voteTotalCount", "commentTotalCount", "similarity"}


def test_the_document_is_valid_openapi_3_1():
    document = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_path_and_query_parameter_a_route_reads_is_documented():
    document = openapi.build()
    for route in routes.ROUTES:
        operation = document["paths"][route.path][route.method.lower()]
        names = {p["name"] for p in operation["parameters"] if "name" in p and p["in"] == "path"}
        assert names == set(re.findall(r"\{(\w+)\}", route.path)), route.route_key


def test_descriptions_are_the_contracts_korean():
    operation = openapi.build()["paths"]["/devdevdev/api/v1/picks"]["get"]
    assert operation["summary"] == "픽픽픽 메인 API"
    content = operation["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["data"]
    item = content["properties"]["content"]["items"]["properties"]
    assert item["voteTotalCount"]["description"] == "픽픽픽 전체 투표 수"
    assert item["isVoted"]["type"] == ["boolean", "null"]  # optional: anonymous callers do not get it
    assert "isVoted" not in content["properties"]["content"]["items"]["required"]


def test_documented_errors_are_catalogue_entries_with_their_status_and_code():
    specs = catalogue()
    document = openapi.build()
    for route in routes.ROUTES:
        responses = document["paths"][route.path][route.method.lower()]["responses"]
        for name in errors_of(documented()[route.route_key]):
            spec = specs[name]
            example = document["components"]["examples"][name]["value"]
            assert example == {"resultType": "FAIL", "message": spec.message, "errorCode": spec.code}
            assert name in responses[str(spec.status)]["content"]["application/json"]["examples"]


def test_the_timezone_header_is_documented_on_routes_that_return_date_times():
    document = openapi.build()
    picks = document["paths"]["/devdevdev/api/v1/picks/{pickId}"]["get"]["parameters"]
    assert {"$ref": "#/components/parameters/Timezone"} in picks
    timezone = document["components"]["parameters"]["Timezone"]
    assert (timezone["in"], timezone["schema"]["default"]) == ("header", "Asia/Seoul")


def test_try_it_out_reaches_the_serving_gateway_with_a_bearer_token():
    document = openapi.build()
    assert document["servers"][0]["url"] == "/"
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "get" in document["paths"][openapi.TEST_TOKEN_PATH]


def test_the_postman_collection_has_every_route_and_a_token_step():
    collection = json.loads((ROOT / "docs" / "postman_collection.json").read_text(encoding="utf-8"))
    assert collection["info"]["schema"].endswith("/v2.1.0/collection.json")
    assert collection["item"][0]["name"] == postman.FIRST_FOLDER
    seen = set()
    for folder in collection["item"][1:]:
        for item in folder["item"]:
            path = "/" + "/".join("{" + s[1:] + "}" if s.startswith(":") else s for s in item["request"]["url"]["path"])
            seen.add(f"{item['request']['method']} {path}")
    assert seen == {route.route_key for route in routes.ROUTES}
    script = "\n".join(collection["event"][0]["script"]["exec"])
    assert openapi.TEST_TOKEN_PATH in script and "Authorization" in script
    environment = json.loads((ROOT / "docs" / "postman_environment.local.json").read_text(encoding="utf-8"))
    assert {"key": "baseUrl", "value": "http://127.0.0.1:8080", "type": "default", "enabled": True} in environment[
        "values"
    ]


def test_the_error_page_lists_every_catalogue_entry():
    page = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    for name, spec in catalogue().items():
        assert f"| `{name}` | {spec.status} | {spec.code} |" in page


def test_every_catalogue_entry_is_raised_by_the_code():
    """The catalogue holds only what a request can get: each entry is raised (``Errors.NAME``; the catalogue itself
    only defines ``NAME = ErrorSpec(...)``) somewhere in the runtime code (contract messages no request can lead to are listed in docs/rules.md#conv-errors instead)."""
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("layers/shared/devdevdev", "functions")
        for path in (ROOT / folder).rglob("*.py")
    )
    never = [name for name in catalogue() if re.search(rf"\bErrors\.{name}\b", code) is None]
    assert never == []


@pytest.mark.parametrize("group", routes.GROUPS)
def test_each_groups_handler_serves_exactly_its_declared_routes(group):
    """A route is declared once, with its documentation (infra/apidoc/groups/<group>.py); its group's handler
    registers the same (method, path) with the resolver, no more and no fewer."""
    resolver = importlib.import_module(f"functions.{group}.handler").app
    served = {
        f"{route.method} {routes.BASE}" + re.sub(r"<(\w+)>", r"{\1}", route.path)
        for route in resolver._static_routes + resolver._dynamic_routes
    }
    assert served == {route.route_key for route in routes.ROUTES if route.group == group}
