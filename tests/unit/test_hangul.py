"""Hangul decomposition for keyword auto-complete: jamo keys and initial-consonant keys
(docs/rules.md#articles-auto-complete)."""

from __future__ import annotations

import unicodedata

import pytest
from devdevdev.domain.hangul import CHOSEONG, JONGSEONG, JUNGSEONG, is_jamo, to_chosung, to_jamo

ALL_SYLLABLES = [chr(code) for code in range(0xAC00, 0xD7A4)]


# to_jamo -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "jamo"),
    [
        ("자바", "ㅈㅏㅂㅏ"),
        ("자바스크립트", "ㅈㅏㅂㅏㅅㅡㅋㅡㄹㅣㅂㅌㅡ"),
        ("잡", "ㅈㅏㅂ"),
        ("스프링", "ㅅㅡㅍㅡㄹㅣㅇ"),
        ("가", "ㄱㅏ"),
        ("힣", "ㅎㅣㅎ"),
        ("있다", "ㅇㅣㅆㄷㅏ"),  # double final: one key, kept whole
        ("빨래", "ㅃㅏㄹㄹㅐ"),  # double initial and ㅐ kept whole
        ("얘기", "ㅇㅒㄱㅣ"),
    ],
)
def test_syllables_become_initial_medial_and_final(text, jamo):
    assert to_jamo(text) == jamo


@pytest.mark.parametrize(
    ("text", "jamo"),
    [
        ("닭", "ㄷㅏㄹㄱ"),
        ("값", "ㄱㅏㅂㅅ"),
        ("않", "ㅇㅏㄴㅎ"),
        ("과", "ㄱㅗㅏ"),
        ("왜", "ㅇㅗㅐ"),
        ("외", "ㅇㅗㅣ"),
        ("원", "ㅇㅜㅓㄴ"),
        ("웬", "ㅇㅜㅔㄴ"),
        ("위", "ㅇㅜㅣ"),
        ("의", "ㅇㅡㅣ"),
        ("괜찮", "ㄱㅗㅐㄴㅊㅏㄴㅎ"),
    ],
)
def test_compound_finals_and_medials_are_split_into_their_keystrokes(text, jamo):
    assert to_jamo(text) == jamo


def test_splitting_makes_what_the_ime_shows_midway_a_prefix_of_the_word():
    # ㄷㅏㄹㄱ shows 닭 until ㅣ turns it into 달기; ㄱㅗ shows 고 before 과; ㄱㅏㅂㅅ shows 값 before 갑시다.
    assert to_jamo("달기").startswith(to_jamo("닭"))
    assert to_jamo("과제").startswith(to_jamo("고"))
    assert to_jamo("갑시다").startswith(to_jamo("값"))
    assert to_jamo("자바").startswith(to_jamo("잡"))


def test_standalone_jamo_stay_and_compounds_split():
    assert to_jamo("ㅈㅏㅂㅏ") == "ㅈㅏㅂㅏ"
    assert to_jamo("ㅅㅍㄹ") == "ㅅㅍㄹ"
    assert to_jamo("ㄺ") == "ㄹㄱ"
    assert to_jamo("ㅘ") == "ㅗㅏ"
    assert to_jamo("ㄲㅆ") == "ㄲㅆ"


def test_non_hangul_is_unchanged():
    assert to_jamo("Spring Boot 3.2 (C++) !") == "Spring Boot 3.2 (C++) !"
    assert to_jamo("Spring 부트") == "Spring ㅂㅜㅌㅡ"
    assert to_jamo("") == ""
    assert to_jamo("日本語 ü") == "日本語 ü"


def test_decomposed_text_gives_the_same_jamo_as_precomposed():
    for syllable in ALL_SYLLABLES:
        assert to_jamo(unicodedata.normalize("NFD", syllable)) == to_jamo(syllable), syllable


def test_every_syllable_is_its_jamo_recomposed():
    # The arithmetic agrees with Unicode's own decomposition (NFD → conjoining jamo, named like the compatibility ones).
    for syllable in ALL_SYLLABLES[::7]:
        conjoining = unicodedata.normalize("NFD", syllable)
        names = [unicodedata.name(char).split(" ", 2)[-1] for char in conjoining]
        index = ord(syllable) - 0xAC00
        initial, medial, final = index // 588, index % 588 // 28, index % 28
        expected = [CHOSEONG[initial], JUNGSEONG[medial]] + ([JONGSEONG[final]] if final else [])
        assert names == [unicodedata.name(char).split(" ", 2)[-1] for char in expected], syllable


def test_tables_match_unicode_names():
    assert len(CHOSEONG) == 19 and len(JUNGSEONG) == 21 and len(JONGSEONG) == 28
    for i, char in enumerate(CHOSEONG):
        assert unicodedata.normalize("NFKC", char) == chr(0x1100 + i)
    for i, char in enumerate(JUNGSEONG):
        assert unicodedata.normalize("NFKC", char) == chr(0x1161 + i)
    for i, char in enumerate(JONGSEONG[1:]):
        assert unicodedata.name(char).split(" ", 2)[-1] == unicodedata.name(chr(0x11A8 + i)).split(" ", 2)[-1]


# to_chosung --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "chosung"),
    [
        ("스프링", "ㅅㅍㄹ"),
        ("스프링부트", "ㅅㅍㄹㅂㅌ"),
        ("자바스크립트", "ㅈㅂㅅㅋㄹㅌ"),
        ("닭갈비", "ㄷㄱㅂ"),
        ("빨래", "ㅃㄹ"),
        ("ㅅㅍㄹ", "ㅅㅍㄹ"),  # standalone initials kept
        ("ㅈㅏㅂ", "ㅈㅂ"),  # standalone vowels dropped
        ("ㄳㅘ", ""),  # compound final and compound vowel dropped
        ("Spring 부트 3", "Spring ㅂㅌ 3"),  # non-Hangul kept
        ("", ""),
    ],
)
def test_chosung_is_the_initial_of_each_syllable(text, chosung):
    assert to_chosung(text) == chosung


def test_chosung_of_decomposed_text_is_the_same():
    text = "자바스크립트 닭갈비 값"
    assert to_chosung(unicodedata.normalize("NFD", text)) == to_chosung(text) == "ㅈㅂㅅㅋㄹㅌ ㄷㄱㅂ ㄱ"


def test_every_syllable_has_its_initial():
    for syllable in ALL_SYLLABLES:
        assert to_chosung(syllable) == to_jamo(syllable)[0]


def test_is_jamo():
    assert is_jamo("ㄱ") and is_jamo("ㅏ") and is_jamo("ㄳ") and is_jamo("\u1100")
    assert not is_jamo("가") and not is_jamo("a")
