"""Keyword auto-complete matching and ranking, keyword cleaning and extraction from titles
(docs/rules.md#articles-auto-complete)."""

from __future__ import annotations

import pytest
from devdevdev.search.keywords import (
    MAX_KEYWORD_LENGTH,
    SHARD_COUNT,
    KeywordIndex,
    clean_keyword,
    extract_keywords,
    shard_of,
    suggest,
)

KEYWORDS = [
    "자바",
    "자바스크립트",
    "자바가 최고야",
    "스프링",
    "스프링부트",
    "Spring",
    "Spring Boot",
    "Kotlin",
    "쿠버네티스",
    "파이썬",
]


# The tested behaviors of the contract ------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["자", "ㅈ", "잡", "ㅈㅏ", "ㅈㅏㅂ", "ㅈㅏㅂㅏ"])
def test_syllable_jamo_and_half_typed_prefixes_find_java_and_javascript(prefix):
    found = suggest(prefix, KEYWORDS)
    assert found[:2] == ["자바", "자바스크립트"]
    assert "자바가 최고야" in found


def test_the_contract_example():
    assert suggest("자", ["자바스크립트", "자바가 최고야", "자바", "스프링"]) == [
        "자바",
        "자바스크립트",
        "자바가 최고야",
    ]


def test_initial_consonants_find_spring_and_spring_boot():
    assert suggest("ㅅㅍㄹ", KEYWORDS) == ["스프링", "스프링부트"]
    assert suggest("ㅅㅍㄹㅂ", KEYWORDS) == ["스프링부트"]
    assert suggest("ㅈㅂㅅ", KEYWORDS) == ["자바스크립트"]


def test_the_exact_keyword_comes_first():
    keywords = ["자바스", "자바스크립트", "자바 스", "자바"]
    assert suggest("자바스크립트", keywords) == ["자바스크립트"]
    # Longer than other matches, still first.
    assert suggest("자바스크립트", ["자바스크립트 입문", "자바스크립트"]) == ["자바스크립트", "자바스크립트 입문"]
    assert suggest("Spring Boot", ["Spring Boot Starter", "Spring Boots", "Spring Boot"])[0] == "Spring Boot"


def test_nothing_found_is_an_empty_list():
    assert suggest("러스트", KEYWORDS) == []
    assert suggest("ㅎ", KEYWORDS) == []
    assert suggest("xyz", KEYWORDS) == []
    assert suggest("자바", []) == []


@pytest.mark.parametrize("prefix", ["", " ", "\t\n"])
def test_a_blank_prefix_matches_nothing(prefix):
    assert suggest(prefix, KEYWORDS) == []


# Matching ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["spr", "SPR", "Spr", "sPrInG"])
def test_english_prefixes_ignore_case(prefix):
    assert suggest(prefix, KEYWORDS) == ["Spring", "Spring Boot"]


def test_a_prefix_matches_only_at_the_start_of_a_word():
    assert suggest("바", KEYWORDS) == []
    assert suggest("ring", KEYWORDS) == []
    assert suggest("크립트", KEYWORDS) == []


def test_a_prefix_matches_at_the_start_of_a_later_word_after_the_keywords_that_start_with_it():
    keywords = ["자바 스크립트", "스크럼", "Spring Boot", "Boot Camp"]
    assert suggest("스크", keywords) == ["스크럼", "자바 스크립트"]
    assert suggest("ㅅㅋ", keywords) == ["스크럼", "자바 스크립트"]
    assert suggest("boo", keywords) == ["Boot Camp", "Spring Boot"]
    assert suggest("최고", KEYWORDS) == ["자바가 최고야"]


def test_a_prefix_of_several_words_must_continue_in_order():
    assert suggest("자바가 최", KEYWORDS) == ["자바가 최고야"]
    assert suggest("자바가  ㅊ", KEYWORDS) == ["자바가 최고야"]
    assert suggest("ㅈㅂㄱ ㅊ", KEYWORDS) == ["자바가 최고야"]
    assert suggest("spring b", KEYWORDS) == ["Spring Boot"]
    assert suggest("자바 최고", KEYWORDS) == []


def test_compound_jamo_typed_midway_still_match():
    keywords = ["달기", "닭갈비", "과제", "갑시다"]
    assert suggest("닭", keywords) == ["달기", "닭갈비"]
    assert suggest("고", keywords) == ["과제"]
    assert suggest("값", keywords) == ["갑시다"]
    assert suggest("ㄷㅏㄹㄱ", keywords) == ["달기", "닭갈비"]


def test_mixed_hangul_and_latin_keywords():
    keywords = ["Spring 부트", "C++ 입문", "Node.js"]
    assert suggest("spring ㅂ", keywords) == ["Spring 부트"]
    assert suggest("spring 부", keywords) == ["Spring 부트"]
    assert suggest("c++", keywords) == ["C++ 입문"]
    assert suggest("node.", keywords) == ["Node.js"]
    assert suggest("ㅇㅁ", keywords) == ["C++ 입문"]


def test_decomposed_prefixes_match_like_composed_ones():
    import unicodedata

    assert suggest(unicodedata.normalize("NFD", "자바"), KEYWORDS)[:2] == ["자바", "자바스크립트"]


# Ranking -----------------------------------------------------------------------------------------------------------


def test_shorter_keywords_first_then_alphabetical():
    keywords = ["자바스크립트", "자몽", "자바", "자두", "자", "자바가 최고야"]
    assert suggest("자", keywords) == ["자", "자두", "자몽", "자바", "자바스크립트", "자바가 최고야"]
    assert suggest("ja", ["javac", "Java", "jaxb", "jar", "jazz"]) == ["jar", "Java", "jaxb", "jazz", "javac"]


def test_at_most_twenty_by_default_and_the_limit_applies():
    keywords = [f"자바{i:02d}" for i in range(30)] + ["자바"]
    found = suggest("자바", keywords)
    assert len(found) == 20
    assert found[0] == "자바"
    assert found[1:] == [f"자바{i:02d}" for i in range(19)]
    assert suggest("자바", keywords, limit=3) == ["자바", "자바00", "자바01"]
    assert suggest("자바", keywords, limit=0) == []


def test_keywords_equal_up_to_case_are_suggested_once():
    assert suggest("spr", ["spring", "Spring", "SPRING"]) == ["SPRING"]
    assert suggest("spr", ["spring", "Spring"]) == ["Spring"]
    assert suggest("자", ["자바", "자바", " 자바 "]) == ["자바"]


def test_keywords_are_cleaned_before_matching():
    assert suggest("자바 스", ["  자바   스크립트 ", "", "   "]) == ["자바 스크립트"]
    assert suggest("자", ["자" * (MAX_KEYWORD_LENGTH + 1)]) == []


def test_an_index_answers_many_prefixes():
    index = KeywordIndex(KEYWORDS)
    assert len(index) == len(KEYWORDS)
    assert index.suggest("ㅋ") == ["쿠버네티스"]
    assert index.suggest("k") == ["Kotlin"]
    assert index.suggest("ㅍㅇ") == ["파이썬"]


# Keywords ----------------------------------------------------------------------------------------------------------


def test_clean_keyword():
    assert clean_keyword("  자바  ") == "자바"
    assert clean_keyword("자바가 \t\n 최고야") == "자바가 최고야"
    assert clean_keyword("") is None
    assert clean_keyword("   ") is None
    assert clean_keyword("a" * MAX_KEYWORD_LENGTH) == "a" * MAX_KEYWORD_LENGTH
    assert clean_keyword("a" * (MAX_KEYWORD_LENGTH + 1)) is None
    assert clean_keyword("\u110c\u1161\u1107\u1161") == "자바"  # NFD → NFC


def test_shards_are_stable_and_in_range():
    assert shard_of("자바") == shard_of("자바")
    assert all(0 <= shard_of(f"keyword{i}") < SHARD_COUNT for i in range(500))
    assert len({shard_of(f"keyword{i}") for i in range(500)}) == SHARD_COUNT


# Extraction --------------------------------------------------------------------------------------------------------


def test_title_words_become_keywords():
    assert extract_keywords("스프링부트 3.2로 만드는 REST API") == ["스프링부트", "3.2로", "만드는", "REST", "API"]


def test_punctuation_around_words_is_dropped_but_names_keep_theirs():
    title = "「자바」로 시작하는 Node.js, C++와 C#! .NET 8: Spring-Boot 가이드 (2024) #태그 - 설계·구현?"
    assert extract_keywords(title) == [
        "자바",
        "시작하는",
        "Node.js",
        "C++와",
        "C#",
        ".NET",
        "Spring-Boot",
        "가이드",
        "태그",
        "설계",
        "구현",
    ]


def test_short_numeric_stop_and_repeated_words_are_skipped():
    assert extract_keywords("A guide to the Go 언어 and go 1.22 in 10분 — 및 a 2024") == ["guide", "Go", "언어", "10분"]


def test_no_title_no_keywords():
    assert extract_keywords("") == []
    assert extract_keywords("  !!! ... ") == []


def test_extracted_keywords_are_valid_stored_keywords():
    for keyword in extract_keywords("쿠버네티스   운영기 — Kafka, Redis (그리고) 'Elasticsearch'"):
        assert clean_keyword(keyword) == keyword


# Incremental updates -----------------------------------------------------------------------------------------------

PREFIXES = ["ㅈ", "자", "잡", "자바", "ㅅㅍ", "스프", "spr", "s", "ㅋ", "k", "부트", "ㅂㅌ", "최고", "파"]


def _answers(index: KeywordIndex) -> dict[str, list[str]]:
    return {prefix: index.suggest(prefix, limit=50) for prefix in PREFIXES}


def test_an_updated_index_answers_as_one_built_from_its_keywords():
    import random

    rng = random.Random(20)
    pool = [*KEYWORDS, "spring", "SPRING", "자바 스크립트", "스프링 배치", "Spring batch", "자몽", "부트캠프", "ㅋㅋ"]
    held: set[str] = set(KEYWORDS)
    index = KeywordIndex(held)
    for _ in range(60):
        added = set(rng.sample(pool, rng.randint(0, 4)))
        removed = set(rng.sample(sorted(held), min(len(held), rng.randint(0, 3)))) - added
        index.update(added=added, removed=removed)
        held = (held - removed) | added
        assert len(index) == len(KeywordIndex(held))
        assert _answers(index) == _answers(KeywordIndex(held)), (added, removed)


def test_case_variants_stay_until_the_last_spelling_goes():
    index = KeywordIndex(["Spring", "spring"])
    assert index.suggest("spr") == ["Spring"]
    index.update(added=[], removed=["Spring"])
    assert index.suggest("spr") == ["spring"]
    index.update(added=[], removed=["spring", "unknown", "  "])
    assert index.suggest("spr") == [] and len(index) == 0
    index.update(added=["  스프링   부트 "], removed=[])
    assert index.suggest("부트") == ["스프링 부트"]


def test_a_large_change_is_merged_with_the_same_result():
    words = [f"키워드{i:04d}" for i in range(400)]
    index = KeywordIndex(words[:10])
    index.update(added=words[10:], removed=words[:5])  # far more rows than the index holds: one merge
    assert _answers(index) == _answers(KeywordIndex(words[5:]))
    assert index.suggest("키워드000", limit=100) == [f"키워드000{i}" for i in range(5, 10)]
