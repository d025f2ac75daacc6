"""Text rules shared by every layer: which strings the API can store and send back, and which count as blank
(docs/decisions.md, "One input boundary")."""

from __future__ import annotations

import re
import unicodedata

# Code points a request may not carry in any string: lone surrogates (not Unicode scalar values, not encodable as
# UTF-8) and NUL (which C-based tools and some terminals and logs treat as the end of the string).
REFUSED = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
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
    return REFUSED.search(value) is None


def is_blank(value: str | None) -> bool:
    """Whether a text is missing or shows nothing: only white space, control and format characters (zero-width
    space, joiners, word joiner, BOM, bidirectional marks), variation selectors, Hangul fillers or braille blanks."""
    if value is None:
        return True
    return all(c in _INVISIBLE or c.isspace() or unicodedata.category(c) in _INVISIBLE_CATEGORIES for c in value)


def safe_text(text: str) -> str:
    """``text`` with any lone surrogate replaced by U+FFFD, so it can always be written as UTF-8."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text
