"""Hangul decomposition (used by keyword auto-complete, docs/rules.md#articles-auto-complete, and the offline
embedding's jamo features): jamo keys and initial-consonant keys.

A Hangul syllable (U+AC00–U+D7A3) is ``(initial * 21 + medial) * 28 + final`` past U+AC00. Both functions return
Hangul Compatibility Jamo (U+3131–U+318E, what a keyboard types standalone: ``ㄱ``, ``ㅏ``), whatever the input
form: precomposed syllables, standalone compatibility jamo, or conjoining jamo (U+1100–U+11FF, as in NFD text).

Compound finals and compound medials are split into the jamo typed for them (``ㄺ`` → ``ㄹㄱ``, ``ㅘ`` → ``ㅗㅏ``).
That is what makes a half-typed prefix a prefix of the full word's key: a Korean IME shows ``닭`` after the keystrokes
ㄷ ㅏ ㄹ ㄱ, and ``달기`` once ㅣ follows; ``고`` before ``과``; ``값`` before ``갑시``. Double consonants
(``ㄲ ㄸ ㅃ ㅆ ㅉ``) and ``ㅐ ㅒ ㅔ ㅖ`` are single keys and stay whole.
"""

from __future__ import annotations

_SYLLABLE_FIRST = 0xAC00
_SYLLABLE_LAST = 0xD7A3
_MEDIALS_X_FINALS = 21 * 28

CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
"""The 19 initial consonants, in syllable order."""

JUNGSEONG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
"""The 21 medial vowels, in syllable order."""

JONGSEONG = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")
"""The 28 finals, in syllable order (index 0: none)."""

_COMPOUNDS = {
    "ㄳ": "ㄱㅅ",
    "ㄵ": "ㄴㅈ",
    "ㄶ": "ㄴㅎ",
    "ㄺ": "ㄹㄱ",
    "ㄻ": "ㄹㅁ",
    "ㄼ": "ㄹㅂ",
    "ㄽ": "ㄹㅅ",
    "ㄾ": "ㄹㅌ",
    "ㄿ": "ㄹㅍ",
    "ㅀ": "ㄹㅎ",
    "ㅄ": "ㅂㅅ",
    "ㅘ": "ㅗㅏ",
    "ㅙ": "ㅗㅐ",
    "ㅚ": "ㅗㅣ",
    "ㅝ": "ㅜㅓ",
    "ㅞ": "ㅜㅔ",
    "ㅟ": "ㅜㅣ",
    "ㅢ": "ㅡㅣ",
}

# Modern conjoining jamo → compatibility jamo (choseong U+1100.., jungseong U+1161.., jongseong U+11A8..).
_CONJOINING = {
    **{chr(0x1100 + i): c for i, c in enumerate(CHOSEONG)},
    **{chr(0x1161 + i): c for i, c in enumerate(JUNGSEONG)},
    **{chr(0x11A8 + i): c for i, c in enumerate(JONGSEONG[1:])},
}
_CONJOINING_INITIALS = frozenset(chr(0x1100 + i) for i in range(len(CHOSEONG)))
_INITIALS = frozenset(CHOSEONG)


def _split(jamo: str) -> str:
    return _COMPOUNDS.get(jamo, jamo)


def _jamo_of(char: str) -> str:
    code = ord(char)
    if _SYLLABLE_FIRST <= code <= _SYLLABLE_LAST:
        index = code - _SYLLABLE_FIRST
        initial, rest = divmod(index, _MEDIALS_X_FINALS)
        medial, final = divmod(rest, 28)
        return CHOSEONG[initial] + _split(JUNGSEONG[medial]) + _split(JONGSEONG[final])
    compatibility = _CONJOINING.get(char, char)
    return _split(compatibility)


def to_jamo(text: str) -> str:
    """``text`` with every Hangul syllable spelled out as compatibility jamo (initial, medial, optional final),
    compound medials and finals split (``자바`` → ``ㅈㅏㅂㅏ``, ``닭`` → ``ㄷㅏㄹㄱ``, ``과`` → ``ㄱㅗㅏ``).

    Standalone jamo come out as compatibility jamo, compounds split (``ㄺ`` → ``ㄹㄱ``); everything else is unchanged.
    """
    return "".join(_jamo_of(char) for char in text)


def to_chosung(text: str) -> str:
    """The initial consonant of each Hangul syllable of ``text`` (``스프링`` → ``ㅅㅍㄹ``).

    Standalone initial consonants (the 19 of :data:`CHOSEONG`) are kept; other standalone jamo (vowels, compound
    finals such as ``ㄳ``, conjoining medials and finals) are dropped; non-Hangul characters are kept unchanged.
    """
    out = []
    for char in text:
        code = ord(char)
        if _SYLLABLE_FIRST <= code <= _SYLLABLE_LAST:
            out.append(CHOSEONG[(code - _SYLLABLE_FIRST) // _MEDIALS_X_FINALS])
        elif char in _INITIALS:
            out.append(char)
        elif char in _CONJOINING_INITIALS:
            out.append(_CONJOINING[char])
        elif char in _CONJOINING or is_jamo(char):
            continue
        else:
            out.append(char)
    return "".join(out)


def is_jamo(char: str) -> bool:
    """Whether ``char`` is a Hangul compatibility jamo (U+3131–U+318E) or a conjoining jamo (U+1100–U+11FF)."""
    code = ord(char)
    return 0x3131 <= code <= 0x318E or 0x1100 <= code <= 0x11FF
