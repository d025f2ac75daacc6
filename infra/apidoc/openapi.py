"""OpenAPI 3.1 from the documentation registry, the route table and the error catalogue.

It emits the routes of the route table it is given (``infra.routes.ROUTES``), each with its registry entry.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

from devdevdev.api import security
from devdevdev.domain.errors import ErrorSpec, catalogue

from infra import routes
from infra.apidoc.endpoints import ENDPOINTS
from infra.apidoc.model import INT, NUMBER, Endpoint, Field, Param

TITLE = "devdevdev API"
VERSION = "2026-11-22"
BEARER = "bearerAuth"
TEST_TOKEN_PATH = f"{routes.BASE}/token/test/user"
# Errors any route can answer: an unknown Timezone header, the rate limit (the filters run before every route), a
# header, cookie, query or path string that is not valid text, a storage failure and an unexpected one.
COMMON_ERRORS = ("UNKNOWN_TIMEZONE", "TOO_MANY_REQUESTS", "INVALID_CHARACTERS", "TEMPORARY_FAILURE", "UNEXPECTED")
# The input boundary's errors of a route with a JSON body, and of a route that takes a number.
BODY_ERRORS = ("JSON_TOO_DEEP", "JSON_TOO_LARGE")
NUMBER_ERRORS = ("NOT_A_NUMBER", "NUMBER_TOO_SMALL")
# A present but invalid bearer token is refused wherever the token is read.
TOKEN_ERRORS = ("JWT_BAD_SIGNATURE", "JWT_EXPIRED", "JWT_UNSUPPORTED")
_TYPES: dict[str, dict[str, Any]] = {
    "String": {"type": "string"},
    "Number": {"type": "number"},
    "Boolean": {"type": "boolean"},
    "Object": {"type": "object"},
    "Array": {"type": "array"},
    "Varies": {},
    "Null": {"type": "null"},
}
_DATE_TIME_FIELD = re.compile(r"(At|Date)$")

DESCRIPTION = """\
devdevdev(댑댑댑) API 문서입니다. 이 문서는 코드(`infra/apidoc/`의 문서 레지스트리, `infra/routes.py`의 라우트 표, \
`devdevdev.domain.errors.Errors`의 에러 카탈로그)에서 `make openapi`로 생성됩니다.

## 인증

devdevdev는 JWT를 사용합니다. `Authorization: Bearer [ACCESS_TOKEN]`을 헤더에 담아 요청합니다.
로컬 스택에서는 [USER 테스트 토큰 생성 API](#/auth/get_token_test_user)(`GET /devdevdev/api/v1/token/test/user`)로 \
토큰을 받아 오른쪽 위 **Authorize**에 넣으면 "Try it out"이 회원으로 호출됩니다.

## 응답 형식

정상 응답은 `{"resultType": "SUCCESS", "data": ...}`(목록 API는 `datas`), 예외 응답은 \
`{"resultType": "FAIL", "message": "...", "errorCode": ...}`입니다. `errorCode`는 HTTP 상태 코드와 같고, \
외부 시스템 오류만 HTTP 500에 `errorCode` 503입니다. 모든 메시지는 [에러 카탈로그](/docs/errors.md)(`docs/errors.md`)에 있습니다.

## 처리율 제한 (429)

요청 수는 1분 구간마다 셉니다. 클라이언트(API Gateway가 본 원본 IP와 `_ga` 쿠키)마다 `RATE_LIMIT_PER_MINUTE`, 원본 IP 하나의 모든 클라이언트를 합쳐 `RATE_LIMIT_PER_IP_PER_MINUTE`(기본: 클라이언트 한도의 10배)를 넘으면, 크롤러 인증(`service-name`, `api-key` 또는 서명)이 서비스 이름이나 IP마다 `CRAWLER_AUTH_FAILURES_PER_MINUTE`번 실패하면 그 구간이 끝날 때까지 429 `너무 많은 요청을 했습니다. 잠시 후 다시 시도해 주세요.`입니다. 429에는 `Retry-After`(구간이 끝날 때까지 남은 초)가 있습니다.

## Timezone

날짜·시각을 돌려주는 API는 `Timezone` 요청 헤더(IANA 이름, 예: `Asia/Seoul`, `UTC`, `America/New_York`)의 \
시간대로 날짜·시각을 씁니다. 헤더가 없으면 `Asia/Seoul`입니다. 알 수 없는 시간대는 400 \
`지원하지 않는 Timezone 입니다: <이름>`입니다.
"""


def documented() -> dict[str, Endpoint]:
    """Every registry entry by route key."""
    return {endpoint.route_key: endpoint for endpoint in ENDPOINTS}


def operation_id(endpoint: Endpoint) -> str:
    """``GET /devdevdev/api/v1/picks/{pickId}`` → ``get_picks_pickId``."""
    rest = endpoint.url_path[len(routes.BASE) :]
    words = [w.strip("{}") for w in re.split(r"[/\-]", rest) if w]
    return "_".join([endpoint.method.lower(), *words])


def returns_date_times(endpoint: Endpoint) -> bool:
    """Whether a response field is a date or date-time (rendered in the ``Timezone`` zone)."""
    return any(_DATE_TIME_FIELD.search(field.path.split(".")[-1]) for field in endpoint.response)


def errors_of(endpoint: Endpoint) -> list[str]:
    """The catalogue entries a route documents: its own, then the ones its filters and headers bring."""
    names = list(endpoint.errors)
    if security.requires_authentication(endpoint.url_path):
        names.append("INVALID_MEMBER")
    if endpoint.auth != "none":
        names.extend(TOKEN_ERRORS)
        names.append("MEMBER_NOT_FOUND")  # the token of an exited or unknown member
    if endpoint.body:
        names.extend(BODY_ERRORS)
    params = (*endpoint.path, *endpoint.query)
    if any(p.schema in (INT, NUMBER) for p in params) or any(f.type == "Number" for f in endpoint.body):
        names.extend(NUMBER_ERRORS)
    names.extend(COMMON_ERRORS)
    return list(dict.fromkeys(names))


def _field_schema(field: Field) -> dict[str, Any]:
    schema = dict(_TYPES[field.type])
    schema["description"] = field.description
    if (field.optional or field.nullable) and schema.get("type") not in (None, "null"):
        schema["type"] = [schema["type"], "null"]
    return schema


def fields_schema(fields: tuple[Field, ...]) -> dict[str, Any]:
    """A JSON schema from a REST Docs fields table (``a.b[].c`` paths); non-optional fields are required."""
    root: dict[str, Any] = {"type": "object", "properties": {}}

    def container(path: list[str]) -> dict[str, Any]:
        node = root
        for segment in path:
            is_array = segment.endswith("[]")
            name = segment[:-2] if is_array else segment
            if name:
                props = node.setdefault("properties", {})
                node = props.setdefault(name, {"type": "array" if is_array else "object"})
            if is_array:
                node = node.setdefault("items", {"type": "object"})
            if "properties" not in node and node.get("type") not in ("array",):
                node.setdefault("properties", {})
        return node

    for field in fields:
        segments = field.path.split(".")
        parent = container(segments[:-1])
        last = segments[-1]
        if last.endswith("[]"):  # a row describing an array's items, e.g. ``datas[]``
            continue
        existing = parent.setdefault("properties", {}).get(last, {})
        schema = _field_schema(field)
        for key in ("properties", "items", "required"):
            if key in existing:
                schema[key] = existing[key]
        parent["properties"][last] = schema
        if not field.optional:
            required = parent.setdefault("required", [])
            if last not in required:
                required.append(last)
    return root


def _param(location: str, param: Param) -> dict[str, Any]:
    return {
        "name": param.name,
        "in": location,
        "required": location == "path" or not param.optional,
        "description": param.description,
        "schema": param.schema or {"type": "string"},
    }


def _error_examples(names: list[str]) -> dict[int, list[tuple[str, ErrorSpec]]]:
    specs = catalogue()
    by_status: dict[int, list[tuple[str, ErrorSpec]]] = defaultdict(list)
    for name in names:
        spec = specs[name]
        by_status[spec.status].append((name, spec))
    return by_status


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    parameters = [_param("path", p) for p in endpoint.path]
    parameters += [_param("query", p) for p in endpoint.query]
    parameters += [_param("header", p) for p in endpoint.headers]
    if endpoint.anonymous:
        parameters.append({"$ref": "#/components/parameters/AnonymousMemberId"})
    if returns_date_times(endpoint):
        parameters.append({"$ref": "#/components/parameters/Timezone"})
    parameters += [_param("cookie", p) for p in endpoint.cookies]
    operation: dict[str, Any] = {
        "operationId": operation_id(endpoint),
        "tags": [endpoint.group],
        "summary": endpoint.summary,
        "description": endpoint.description,
        "parameters": parameters,
        "security": {"none": [], "optional": [{BEARER: []}, {}], "required": [{BEARER: []}]}[endpoint.auth],
    }
    if endpoint.body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": fields_schema(endpoint.body)}},
        }
    elif endpoint.multipart:
        form: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        for p in endpoint.multipart:
            form["properties"][p.name] = {"description": p.description, **(p.schema or {"type": "string"})}
            if not p.optional:
                form["required"].append(p.name)
        operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": form}}}
    responses: dict[str, Any] = {}
    if endpoint.success_kind == "redirect":
        responses[str(endpoint.success_status)] = {
            "description": "리다이렉트",
            "headers": {"Location": {"description": "이동할 주소", "schema": {"type": "string"}}},
        }
    elif endpoint.success_kind == "event-stream":
        # OpenAPI 3.1 has no schema for one event; the fields of an event's ``data:`` JSON go in the description.
        lines = [
            f"- `{f.path.removeprefix('data.')}` ({f.type}): {f.description}"
            for f in endpoint.response
            if f.path != "data"
        ]
        responses["200"] = {
            "description": "정상 응답 (Server-Sent Events). 각 이벤트의 `data:`는 JSON 객체입니다.\n\n"
            + "\n".join(lines),
            "content": {
                "text/event-stream": {
                    "schema": {"type": "string"},
                    "example": 'data: {"message":"트이다에서 새로운 기슬블로그 105개가 올라왔어요!",'
                    '"createdAt":"2025-04-06T00:00:00"}\n\n',
                }
            },
        }
    else:
        schema = fields_schema(endpoint.response or (Field("resultType", "String", "응답 결과"),))
        schema["properties"]["resultType"] = {**schema["properties"]["resultType"], "enum": ["SUCCESS"]}
        responses["200"] = {"description": "정상 응답", "content": {"application/json": {"schema": schema}}}
    for status, entries in sorted(_error_examples(errors_of(endpoint)).items()):
        lines = [f"- `{spec.message}` (errorCode {spec.code})" for _, spec in entries]
        responses[str(status)] = {
            "description": "예외 응답\n\n" + "\n".join(lines),
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/Failure"},
                    "examples": {name: {"$ref": f"#/components/examples/{name}"} for name, _ in entries},
                }
            },
        }
        if status == 429:
            responses[str(status)]["headers"] = {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}}
    operation["responses"] = responses
    return operation


def build(route_table: tuple[routes.Route, ...] = routes.ROUTES) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every route in ``route_table``."""
    entries = documented()
    paths: dict[str, dict[str, Any]] = {}
    used: set[str] = set()
    for route in route_table:
        endpoint = entries[route.route_key]
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(endpoint)
        used.update(errors_of(endpoint))
    examples = {
        name: {
            "summary": spec.message,
            "value": {"resultType": "FAIL", "message": spec.message, "errorCode": spec.code},
        }
        for name, spec in catalogue().items()
        if name in used
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": VERSION, "description": DESCRIPTION},
        "servers": [{"url": "/", "description": "이 문서를 제공하는 게이트웨이 (make run: http://127.0.0.1:8080)"}],
        "tags": [{"name": group} for group in routes.GROUPS],
        "paths": paths,
        "components": {
            "securitySchemes": {
                BEARER: {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": f"Bearer 엑세스 토큰. 로컬 스택에서는 `GET {TEST_TOKEN_PATH}`의 "
                    "`data.accessToken`을 넣으세요.",
                }
            },
            "examples": examples,
            "headers": {
                "RetryAfter": {
                    "description": "요청을 다시 보낼 수 있을 때까지 남은 초 (이 1분 구간이 끝날 때까지)",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 60},
                }
            },
            "parameters": {
                "AnonymousMemberId": {
                    "name": "Anonymous-Member-Id",
                    "in": "header",
                    "required": False,
                    "description": "익명 회원 아이디",
                    "schema": {"type": "string"},
                },
                "Timezone": {
                    "name": "Timezone",
                    "in": "header",
                    "required": False,
                    "description": "응답의 날짜·시각을 쓸 시간대 (IANA 이름). 없으면 Asia/Seoul. 알 수 없는 이름은 400.",
                    "schema": {"type": "string", "default": "Asia/Seoul", "examples": ["Asia/Seoul", "UTC"]},
                },
            },
            "schemas": {
                "Failure": {
                    "type": "object",
                    "description": "예외 응답 필드",
                    "required": ["resultType", "message", "errorCode"],
                    "properties": {
                        "resultType": {"type": "string", "enum": ["FAIL"], "description": "응답 결과"},
                        "message": {"type": "string", "description": "에러 메시지"},
                        "errorCode": {"type": "integer", "description": "에러 코드"},
                    },
                }
            },
        },
    }


def render(document: dict[str, Any]) -> str:
    """Deterministic text: sorted keys, Korean as UTF-8, two-space indent, a trailing newline."""
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
