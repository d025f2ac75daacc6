"""The input boundary: which text, JSON and blanks the API takes (docs/decisions.md, "One input boundary").

- Text: every string a request carries (JSON keys and values at any depth, query and path parameters, header and
  cookie names and values) must be encodable as UTF-8 and hold no NUL. Python's ``json.loads`` accepts a lone
  UTF-16 surrogate written as a JSON escape (``"\\ud800"``); stored, such a string could not be sent back.
- JSON: at most :data:`JSON_MAX_DEPTH` levels of arrays and objects and :data:`JSON_MAX_BYTES` bytes, checked before
  parsing (the parser is recursive: 5,000 levels would exhaust Python's stack).
- Blank: a required text made only of invisible characters (white space, control and format characters, the
  default-ignorable code points such as zero-width spaces and Hangul fillers, the braille blank) is blank.
"""

from __future__ import annotations

import re
from typing import Any

from devdevdev.domain.errors import Errors
from devdevdev.domain.text import REFUSED, is_valid_text

JSON_MAX_DEPTH = 32
# The default of INLINE_UPLOAD_MAX_BYTES, the cap of the other kind of body (multipart); API Gateway's Lambda
# payload limit (6 MB) is above both.
JSON_MAX_BYTES = 4 * 1024 * 1024

# A JSON string, or an unterminated one up to the end of the text: every '"' starts a match, so taking the strings
# out stays linear whatever the text.
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.|\\\Z)*+(?:"|\Z)', re.DOTALL)
_JSON_BRACKETS = re.compile(r"[^\[\]{}]+")


def check_text(value: str, where: str) -> str:
    """``value``, or a 400 ``INVALID_CHARACTERS`` naming ``where`` (a field, parameter, header or cookie)."""
    if not is_valid_text(value):
        raise Errors.INVALID_CHARACTERS.error(where=_printable(where))
    return value


def check_json_value(value: Any) -> None:
    """Check every key and string of a parsed JSON value, at any depth, without recursion."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            check_text(item, where or "body")
        elif isinstance(item, dict):
            for key, child in item.items():
                path = f"{where}.{key}" if where else key
                check_text(key, path)
                stack.append((path, child))
        elif isinstance(item, list):
            stack.extend((f"{where}[{index}]", child) for index, child in enumerate(item))


def json_too_deep(text: str, limit: int = JSON_MAX_DEPTH) -> bool:
    """Whether arrays and objects nest more than ``limit`` levels deep in a JSON text, counted without parsing.

    Strings are taken out first, so brackets inside them do not count; the text need not be valid JSON."""
    brackets = _JSON_BRACKETS.sub("", _JSON_STRING.sub("", text))
    if brackets.count("[") + brackets.count("{") <= limit:
        return False
    depth = 0
    for c in brackets:
        depth += 1 if c in "[{" else -1
        if depth > limit:
            return True
    return False


def _printable(where: str) -> str:
    """A parameter name fit for the message: invalid characters replaced, at most 64 characters."""
    return REFUSED.sub("\ufffd", where)[:64]
