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
import unicodedata
from typing import Any

from devdevdev.api.errors import Errors

JSON_MAX_DEPTH = 32
# The default of INLINE_UPLOAD_MAX_BYTES, the cap of the other kind of body (multipart); API Gateway's Lambda
# payload limit (6 MB) is above both.
JSON_MAX_BYTES = 4 * 1024 * 1024

# Code points a request may not carry in any string: lone surrogates (not Unicode scalar values, not encodable as
# UTF-8) and NUL (which C-based tools and some terminals and logs treat as the end of the string).
_REFUSED = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# A JSON string, or an unterminated one up to the end of the text: every '"' starts a match, so taking the strings
# out stays linear whatever the text.
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.|\\\Z)*+(?:"|\Z)', re.DOTALL)
_JSON_BRACKETS = re.compile(r"[^\[\]{}]+")

# Invisible code points that unicodedata does not put in a category of their own: Default_Ignorable_Code_Point
# letters and marks (Hangul fillers, Khmer inherent vowels, Mongolian and other variation selectors, the combining
# grapheme joiner) and the braille pattern blank.
_INVISIBLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u2800\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)
# White space (Zs, Zl, Zp), control characters (Cc) and format characters (Cf: zero-width spaces and joiners, the
# word joiner, the byte-order mark, bidirectional marks and isolates, tag characters, ...).
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})


def is_valid_text(value: str) -> bool:
    """Whether ``value`` is text the API takes: UTF-8 encodable (no lone surrogate) and without NUL."""
    return _REFUSED.search(value) is None


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


def is_blank(value: str | None) -> bool:
    """Whether a text is missing or shows nothing: only white space, control and format characters (zero-width
    space, joiners, word joiner, BOM, bidirectional marks), variation selectors, Hangul fillers or braille blanks."""
    if value is None:
        return True
    return all(c in _INVISIBLE or c.isspace() or unicodedata.category(c) in _INVISIBLE_CATEGORIES for c in value)


def safe_text(text: str) -> str:
    """``text`` with any lone surrogate replaced by U+FFFD, so it can always be written as UTF-8."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _printable(where: str) -> str:
    """A parameter name fit for the message: invalid characters replaced, at most 64 characters."""
    return _REFUSED.sub("\ufffd", where)[:64]
