"""Reading an API Gateway HTTP API (payload v2) request: headers, cookies, query, path and body.

Every parse failure becomes a 400 in the contract's envelope, never a 500. What the API takes is checked here, once
for every route (:mod:`devdevdev.api.inputs`): :meth:`HttpRequest.check_strings` (run by ``handle()`` before any
filter) refuses a header, cookie, query or path parameter that is not valid text, :meth:`HttpRequest.json_body`
does the same for every key and string of the body and bounds its depth and size, and :func:`devdevdev.domain.parsing.parse_int` is the one
parser of ids, sizes and cursors.
"""

from __future__ import annotations

import base64
import binascii
import json
from functools import cached_property
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from devdevdev.api import inputs
from devdevdev.domain.errors import Errors, bad_request
from devdevdev.domain.parsing import E, parse_enum, parse_int
from devdevdev.domain.timefmt import SEOUL


class HttpRequest:
    """A read-only view of one payload-v2 event."""

    def __init__(self, event: dict[str, Any]) -> None:
        self.event = event

    def check_strings(self) -> None:
        """Every header, cookie, query and path parameter (names and values) and the path are valid text, else a
        400 ``INVALID_CHARACTERS`` naming the first one that is not. The body is checked when it is read."""
        inputs.check_text(self.path, "path")
        for kind, values in (
            ("header", self.headers),
            ("cookie", self.cookies),
            ("query", self.query),
            ("path", self.path_parameters),
        ):
            for name, value in values.items():
                inputs.check_text(name, f"{kind} {name}")
                inputs.check_text(value, f"{kind} {name}")

    @cached_property
    def headers(self) -> dict[str, str]:
        """Header names lower-cased, as API Gateway delivers them."""
        return {k.lower(): v for k, v in (self.event.get("headers") or {}).items()}

    def header(self, name: str) -> str | None:
        """One header's value, or None."""
        return self.headers.get(name.lower())

    @cached_property
    def cookies(self) -> dict[str, str]:
        """Request cookies (payload v2 puts them in ``cookies``, one ``name=value`` each); first value wins."""
        jar: dict[str, str] = {}
        raw = list(self.event.get("cookies") or [])
        if not raw and self.header("cookie"):
            raw = self.header("cookie").split(";")  # type: ignore[union-attr]
        for item in raw:
            for part in item.split(";"):
                name, sep, value = part.strip().partition("=")
                if name and name not in jar:
                    jar[name] = value.strip() if sep else ""
        return jar

    @property
    def has_cookies(self) -> bool:
        """Whether the request carried any cookie at all."""
        return bool(self.event.get("cookies")) or bool(self.header("cookie"))

    @cached_property
    def query(self) -> dict[str, str]:
        """Query parameters; API Gateway joins repeated values with commas."""
        return dict(self.event.get("queryStringParameters") or {})

    @cached_property
    def path_parameters(self) -> dict[str, str]:
        return dict(self.event.get("pathParameters") or {})

    @property
    def method(self) -> str:
        return self.event.get("requestContext", {}).get("http", {}).get("method", "GET").upper()

    @property
    def path(self) -> str:
        return self.event.get("rawPath") or self.event.get("requestContext", {}).get("http", {}).get("path", "/")

    @property
    def source_ip(self) -> str:
        return self.event.get("requestContext", {}).get("http", {}).get("sourceIp", "unknown")

    @cached_property
    def body_bytes(self) -> bytes:
        """The raw body (base64-decoded when API Gateway encoded it)."""
        body = self.event.get("body")
        if body is None:
            return b""
        if self.event.get("isBase64Encoded"):
            try:
                return base64.b64decode(body)
            except (binascii.Error, ValueError):
                raise bad_request("요청 본문을 읽을 수 없습니다.") from None
        try:
            return body.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate in the event's body string
            raise Errors.INVALID_CHARACTERS.error(where="body") from None

    def json_body(self, *, required: bool = True) -> dict[str, Any]:
        """The body as a JSON object. A 400 for: more than ``JSON_MAX_BYTES``, bytes that are not UTF-8, arrays and
        objects nested more than ``JSON_MAX_DEPTH`` deep (checked before parsing), malformed JSON (``NaN`` and
        ``Infinity`` included), a non-object, and a key or string at any depth that is not valid text."""
        raw = self.body_bytes
        if not raw.strip():
            if required:
                raise bad_request("요청 본문이 비어 있습니다.")
            return {}
        if len(raw) > inputs.JSON_MAX_BYTES:
            raise Errors.JSON_TOO_LARGE.error(limit=inputs.JSON_MAX_BYTES)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Errors.INVALID_CHARACTERS.error(where="body") from None
        if inputs.json_too_deep(text):
            raise Errors.JSON_TOO_DEEP.error(depth=inputs.JSON_MAX_DEPTH)
        try:
            value = json.loads(text, parse_constant=_not_json)
        except ValueError:
            raise bad_request("요청 본문이 올바른 JSON이 아닙니다.") from None
        if not isinstance(value, dict):
            raise bad_request("요청 본문은 JSON 객체여야 합니다.")
        inputs.check_json_value(value)
        return value

    @cached_property
    def zone(self) -> ZoneInfo:
        """The zone date-times are rendered in: the ``Timezone`` header (IANA name), default Asia/Seoul."""
        name = (self.header("timezone") or "").strip()
        if not name:
            return SEOUL
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise Errors.UNKNOWN_TIMEZONE.error(zone=name[:64]) from None

    # Typed parameters -------------------------------------------------------------------------------------------

    def query_int(self, name: str, *, default: int | None = None, minimum: int | None = None) -> int | None:
        """An integer query parameter; not a number → 400."""
        return parse_int(self.query.get(name), name, default=default, minimum=minimum)

    def query_enum(self, name: str, enum: type[E], *, default: E | None = None) -> E | None:
        """An enum query parameter by its Java name; an unknown value → 400 listing the allowed ones."""
        return parse_enum(self.query.get(name), name, enum, default=default)


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def path_id(raw: str, name: str) -> int:
    """An id a route's path carries, as the resolver hands it (still percent-encoded: decoded here, as API Gateway
    decodes the path parameters it hands over): a positive integer, else a 400 ``<name> 값이 필요합니다.``."""
    value = parse_int(unquote(raw), name, minimum=1)
    if value is None:
        raise bad_request(f"{name} 값이 필요합니다.")
    return value
