"""Reading an API Gateway HTTP API (payload v2) request: headers, cookies, query, path and body.

Every parse failure becomes a 400 in the contract's envelope, never a 500. What the API takes is checked here, once
for every route (:mod:`devdevdev.api.inputs`): :meth:`HttpRequest.check_strings` (run by ``handle()`` before any
filter) refuses a header, cookie, query or path parameter that is not valid text, :meth:`HttpRequest.json_body`
does the same for every key and string of the body and bounds its depth and size, and :func:`parse_int` is the one
parser of ids, sizes and cursors.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from enum import Enum
from functools import cached_property
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from devdevdev.api import inputs
from devdevdev.api.errors import Errors, bad_request
from devdevdev.api.timefmt import SEOUL

E = TypeVar("E", bound=Enum)

# Ids are JavaScript-safe integers; a cursor above any id (the client sends Long.MAX_VALUE) means "first page".
MAX_SAFE_ID = 2**53 - 1
# The contract's numbers are Java longs; anything outside is not a number it takes (and DynamoDB refuses numbers of
# more than 38 digits, which a float like 1e300 with an integral value would otherwise become).
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1
# An integer as text: ASCII digits with an optional minus sign, nothing else ("+1", "--1", "²", "１", "1_000" and
# "0x1" are not numbers); spaces and tabs around it are ignored, as Spring trims a parameter before converting it.
_INTEGER = re.compile(r"-?[0-9]{1,19}")
_AROUND = " \t"
# A decimal as text (the ``score`` cursor): ASCII digits, an optional fraction and exponent; no "nan", "inf", "1_0".
_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
DECIMAL_MAX_LENGTH = 40


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

    def path_int(self, name: str) -> int:
        """An id in the path; not a positive integer → 400."""
        value = parse_int(self.path_parameters.get(name), name, minimum=1)
        if value is None:
            raise bad_request(f"{name} 값이 필요합니다.")
        return value


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def parse_int(raw: Any, name: str, *, default: int | None = None, minimum: int | None = None) -> int | None:
    """The one parser of ids, sizes and cursors, from a parameter's text or a JSON number.

    Text: ASCII digits with an optional ``-`` (spaces and tabs around are ignored; empty → ``default``). A JSON
    number: an integer, or a float with an integral value. Anything else, or a value outside a Java long, is a 400
    ``{name} 값이 올바른 숫자가 아닙니다.``; below ``minimum`` a 400 ``{name} 값은 {minimum} 이상이어야 합니다.``."""
    if raw is None:
        return default
    if isinstance(raw, str):
        text = raw.strip(_AROUND)
        if not text:
            return default
        if _INTEGER.fullmatch(text) is None:
            raise Errors.NOT_A_NUMBER.error(name=name)
        value = int(text)
    elif isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    else:
        raise Errors.NOT_A_NUMBER.error(name=name)
    if not LONG_MIN <= value <= LONG_MAX:
        raise Errors.NOT_A_NUMBER.error(name=name)
    if minimum is not None and value < minimum:
        raise Errors.NUMBER_TOO_SMALL.error(name=name, minimum=minimum)
    return value


def parse_decimal(raw: str | None, name: str) -> float | None:
    """A decimal parameter (ASCII digits, optional fraction and exponent, finite); empty → None; else a 400
    ``{name} 값이 올바른 숫자가 아닙니다.``."""
    if raw is None or not raw.strip(_AROUND):
        return None
    text = raw.strip(_AROUND)
    if len(text) > DECIMAL_MAX_LENGTH or _DECIMAL.fullmatch(text) is None:
        raise Errors.NOT_A_NUMBER.error(name=name)
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise Errors.NOT_A_NUMBER.error(name=name)
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
    """``value`` unless it is None or blank (:func:`devdevdev.api.inputs.is_blank`), else raise ``error()``."""
    if value is None or (isinstance(value, str) and inputs.is_blank(value)):
        raise error()
    return value
