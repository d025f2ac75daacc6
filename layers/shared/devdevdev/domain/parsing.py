"""Parsers of the values a request carries (ids, sizes, cursors, decimals, enum names) into typed values, with the
contract's 400s; shared by the HTTP edge and the services (docs/rules.md#conv-input)."""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, TypeVar

from devdevdev.domain.errors import Errors, bad_request

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
