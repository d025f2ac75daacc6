"""A Postman collection (v2.1) and a local environment, from the OpenAPI document.

The first folder is a walk through the local stack's demo data (``make run``) that succeeds as it is; the other
folders hold every route by function group. A collection-level pre-request script fetches a test token from
``GET /token/test/user`` and sets the ``Authorization`` header, except on the token and login paths, which do not read
it (``devdevdev.api.security.JWT_SKIPPED_PREFIXES``).
"""

from __future__ import annotations

import json
from typing import Any

from devdevdev.api.security import JWT_SKIPPED_PREFIXES

from infra import routes
from infra.apidoc.openapi import TEST_TOKEN_PATH

SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
LOCAL_BASE_URL = "http://127.0.0.1:8080"
FIRST_FOLDER = "0. 시작하기 (make run의 데모 데이터)"
# (method, path with demo ids, query) that succeed on the demo data of ``make run``, in order.
DEMO_REQUESTS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("GET", "/token/test/user", {}),
    ("GET", "/picks", {"size": "10", "pickSort": "LATEST"}),
    ("GET", "/picks/1", {}),
    ("GET", "/picks/1/comments", {"size": "5", "pickCommentSort": "LATEST"}),
    ("GET", "/articles", {"size": "10", "techArticleSort": "LATEST"}),
    ("GET", "/articles/1", {}),
    ("GET", "/articles/1/comments", {"size": "5", "techCommentSort": "LATEST"}),
    ("GET", "/subscriptions/companies", {"size": "10"}),
    ("GET", "/blames", {}),
    ("GET", "/mypage/picks", {"size": "10"}),
    ("GET", "/notifications/unread-count", {}),
)
PRE_REQUEST_SCRIPT = f"""\
// Fetches a test member's access token from the local stack and sends it as the Authorization header.
// The token and login paths do not read the header; everything else gets a fresh token (it lives 30 minutes).
const skipped = {json.dumps([routes.BASE + p for p in JWT_SKIPPED_PREFIXES])};
const path = '/' + pm.request.url.path.join('/');
if (!skipped.some((prefix) => path === prefix || path.startsWith(prefix + '/'))) {{
  const baseUrl = pm.variables.get('baseUrl');
  pm.sendRequest({{ url: baseUrl + '{TEST_TOKEN_PATH}', method: 'GET' }}, (error, response) => {{
    if (error) {{
      throw new Error('test token request failed: ' + error);
    }}
    const token = response.json().data.accessToken;
    pm.variables.set('accessToken', token);
    pm.request.headers.upsert({{ key: 'Authorization', value: 'Bearer ' + token }});
  }});
}}
"""


def _example(schema: dict[str, Any]) -> Any:
    """A small example value for a request body schema."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if kind == "object":
        return {name: _example(sub) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        items = schema.get("items", {"type": "integer"})
        return [_example(items)] if items else []
    if "enum" in schema:
        return schema["enum"][0]
    return {"string": "", "number": 1, "integer": 1, "boolean": True}.get(kind or "")


def _request(path: str, method: str, operation: dict[str, Any], values: dict[str, str], query: dict[str, str]):
    parameters = operation.get("parameters", [])
    segments = [s for s in path.split("/") if s]
    url: dict[str, Any] = {
        "host": ["{{baseUrl}}"],
        "path": [f":{s[1:-1]}" if s.startswith("{") else s for s in segments],
    }
    variables = [
        {"key": p["name"], "value": values.get(p["name"], "1"), "description": p["description"]}
        for p in parameters
        if p.get("in") == "path"
    ]
    if variables:
        url["variable"] = variables
    queries = [
        {
            "key": p["name"],
            "value": query.get(p["name"], ""),
            "description": p["description"],
            "disabled": p["name"] not in query,
        }
        for p in parameters
        if p.get("in") == "query"
    ]
    if queries:
        url["query"] = queries
    enabled = "&".join(f"{q['key']}={q['value']}" for q in queries if not q["disabled"])
    url["raw"] = "{{baseUrl}}/" + "/".join(url["path"]) + (f"?{enabled}" if enabled else "")
    request: dict[str, Any] = {
        "method": method.upper(),
        "header": [
            {"key": p["name"], "value": "", "description": p["description"], "disabled": True}
            for p in parameters
            if p.get("in") == "header"
        ],
        "url": url,
        "description": operation.get("description", ""),
    }
    body = operation.get("requestBody", {}).get("content", {})
    if "application/json" in body:
        request["header"].append({"key": "Content-Type", "value": "application/json"})
        request["body"] = {
            "mode": "raw",
            "raw": json.dumps(_example(body["application/json"]["schema"]), ensure_ascii=False, indent=2),
            "options": {"raw": {"language": "json"}},
        }
    elif "multipart/form-data" in body:
        form = body["multipart/form-data"]["schema"]["properties"]
        request["body"] = {
            "mode": "formdata",
            "formdata": [
                {"key": name, "type": "file" if "binary" in json.dumps(schema) else "text", "description": ""}
                for name, schema in form.items()
            ],
        }
    return request


def _resolve(document: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    ref = item.get("$ref")
    if not ref:
        return item
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def build(document: dict[str, Any]) -> dict[str, Any]:
    """The collection: the demo folder first, then one folder per function group with every route."""
    resolved: dict[tuple[str, str], dict[str, Any]] = {}
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            operation = {**operation, "parameters": [_resolve(document, p) for p in operation.get("parameters", [])]}
            resolved[(method.upper(), path)] = operation
    demo = []
    for method, concrete, query in DEMO_REQUESTS:
        found = routes.match(method, routes.BASE + concrete)
        assert found is not None, f"demo request {method} {concrete} is not a route"
        route, values = found
        operation = resolved[(method, route.path)]
        demo.append({"name": operation["summary"], "request": _request(route.path, method, operation, values, query)})
    folders = [{"name": FIRST_FOLDER, "description": "make run 직후 그대로 성공하는 요청들", "item": demo}]
    for group in routes.GROUPS:
        items = [
            {"name": operation["summary"], "request": _request(path, method, operation, {}, {})}
            for (method, path), operation in resolved.items()
            if operation["tags"] == [group]
        ]
        folders.append({"name": group, "item": items})
    return {
        "info": {
            "name": document["info"]["title"],
            "description": document["info"]["description"],
            "schema": SCHEMA,
        },
        "event": [
            {"listen": "prerequest", "script": {"type": "text/javascript", "exec": PRE_REQUEST_SCRIPT.splitlines()}}
        ],
        "variable": [{"key": "baseUrl", "value": LOCAL_BASE_URL}, {"key": "accessToken", "value": ""}],
        "item": folders,
    }


def environment() -> dict[str, Any]:
    """The environment of the local stack (``make run``)."""
    return {
        "name": "devdevdev local (make run)",
        "values": [
            {"key": "baseUrl", "value": LOCAL_BASE_URL, "type": "default", "enabled": True},
            {"key": "accessToken", "value": "", "type": "secret", "enabled": True},
        ],
        "_postman_variable_scope": "environment",
    }
