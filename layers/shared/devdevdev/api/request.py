"""Reading an API Gateway HTTP API (payload v2) request: headers, cookies, query, path and body.

Every parse failure becomes a 400 in the contract's envelope, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from enum import Enum
from functools import cached_property
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from devdevdev.api.errors import Errors, bad_request
from devdevdev.api.timefmt import SEOUL

E = TypeVar("E", bound=Enum)

# Ids are JavaScript-safe integers; a cursor above any id (the client sends Long.MAX_VALUE) means "first page".
MAX_SAFE_ID = 2**53 - 1
# The contract's numbers are Java longs; anything outside is not a number it takes (and DynamoDB refuses numbers of
# more than 38 digits, which a float like 1e300 with an integral value would otherwise become).
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1


class HttpRequest:
    """A read-only view of one payload-v2 event."""

    def __init__(self, event: dict[str, Any]) -> None:
        self.event = event

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
        return body.encode("utf-8")

    def json_body(self, *, required: bool = True) -> dict[str, Any]:
        """The body as a JSON object; malformed JSON or a non-object is a 400."""
        raw = self.body_bytes
        if not raw.strip():
            if required:
                raise bad_request("요청 본문이 비어 있습니다.")
            return {}
        try:
            value = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise bad_request("요청 본문이 올바른 JSON이 아닙니다.") from None
        if not isinstance(value, dict):
            raise bad_request("요청 본문은 JSON 객체여야 합니다.")
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

    def path_int(self, name: str) -> int:
        """An id in the path; not a positive integer → 400."""
        value = parse_int(self.path_parameters.get(name), name, minimum=1)
        if value is None:
            raise bad_request(f"{name} 값이 필요합니다.")
        return value


def parse_int(raw: Any, name: str, *, default: int | None = None, minimum: int | None = None) -> int | None:
    """Parse an integer from a string or number; bad input → 400 naming the parameter."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return default
    if isinstance(raw, bool):
        raise bad_request(f"{name} 값이 올바른 숫자가 아닙니다.")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str) and raw.strip().lstrip("+-").isdigit() and len(raw.strip()) <= 20:
        value = int(raw.strip())
    else:
        raise bad_request(f"{name} 값이 올바른 숫자가 아닙니다.")
    if not LONG_MIN <= value <= LONG_MAX:
        raise bad_request(f"{name} 값이 올바른 숫자가 아닙니다.")
    if minimum is not None and value < minimum:
        raise bad_request(f"{name} 값은 {minimum} 이상이어야 합니다.")
    return value


def parse_enum(raw: Any, name: str, enum: type[E], *, default: E | None = None) -> E | None:
    """Parse an enum by member name."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return default
    try:
        return enum[str(raw).strip()]
    except KeyError:
        allowed = ", ".join(member.name for member in enum)
        raise bad_request(f"{name} 값이 올바르지 않습니다. 가능한 값: {allowed}") from None


def page_size(raw: Any, *, default: int, maximum: int = 100) -> int:
    """A page ``size``: default when absent; at least 1; capped at ``maximum``."""
    value = parse_int(raw, "size", default=default, minimum=1)
    assert value is not None
    return min(value, maximum)


def cursor_id(raw: Any, name: str) -> int | None:
    """A cursor id; absent, or larger than any id (``Long.MAX_VALUE``, ``2^53-1``) → None, the first page."""
    value = parse_int(raw, name)
    if value is None or value >= MAX_SAFE_ID:
        return None
    if value < 0:
        raise bad_request(f"{name} 값은 0 이상이어야 합니다.")
    return value


def require(value: Any, error: Callable[[], Exception]) -> Any:
    """``value`` unless it is None or blank, else raise ``error()``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise error()
    return value
