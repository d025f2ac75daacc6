"""Keyword auto-complete (behavior-notes §6.7, ``GET /keywords/auto-complete?prefix=``): the keyword store and the
matching.

Keywords
    A keyword is NFC text, trimmed, inner whitespace collapsed to one space, 1..100 characters
    (:func:`clean_keyword`). Article ingestion feeds them: ``store.add(extract_keywords(title))``.

Matching (:func:`suggest`)
    The prefix is cleaned the same way, case-folded and spelled out as jamo (:func:`~devdevdev.search.hangul.to_jamo`).
    Each keyword has two keys, both case-folded: its jamo key (``자바 스크립트`` → ``ㅈㅏㅂㅏ ㅅㅡㅋㅡㄹㅣㅂㅌㅡ``) and its
    initial-consonant key (``ㅈㅂ ㅅㅋㄹㅌ``). A keyword matches when the whole normalized prefix is a prefix of
    either key, or of either key from the start of a later word of the keyword (``스크`` finds ``자바 스크립트``).
    The same jamo prefix is compared with both keys (as upstream did), so ``자`` (``ㅈㅏ``) finds 자바 through the jamo
    key, ``ㅅㅍㄹ`` finds 스프링 through the initial-consonant key, and ``잡`` (``ㅈㅏㅂ``, what the IME shows
    while 자바 is being typed) finds 자바. A blank prefix matches nothing.

Ranking
    1. the exact keyword (equal to the prefix, ignoring case),
    2. keywords whose start matches, before keywords matched only at a later word,
    3. shorter keywords first (characters), then alphabetical (case-folded, then code point: Hangul in 가나다 order).

    At most ``limit`` (20) keywords. Keywords equal up to case (``Spring``/``spring``) are suggested once, as the
    spelling that sorts first by code point (``Spring``).

Storage (:class:`KeywordStore`)
    Thousands of keywords at most, so they live in a few items: PK ``KEYWORDS`` / SK ``SHARD#<n>``, each a string
    set, a keyword in shard ``crc32(utf-8) % SHARD_COUNT``. ``add`` is one ``ADD`` per touched shard (idempotent,
    concurrent writers never lose each other's keywords); reading all of them is one Query on the partition.
    With 16 shards an item stays far below DynamoDB's 400 KB: 10 000 keywords of ~30 bytes are ~20 KB per shard.
"""

from __future__ import annotations

import heapq
import re
import threading
import unicodedata
import zlib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from devdevdev.clock import Clock
from devdevdev.search.hangul import to_chosung, to_jamo
from devdevdev.store import keys
from devdevdev.store.models import KeywordShardItem

MAX_KEYWORD_LENGTH = 100
SUGGEST_LIMIT = 20
SHARD_COUNT = 16
CACHE_TTL_SECONDS = 60.0

_WHITESPACE = re.compile(r"\s+")


def clean_keyword(raw: str) -> str | None:
    """``raw`` as a stored keyword (NFC, trimmed, whitespace runs → one space), or None when it is blank or longer
    than 100 characters."""
    keyword = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", raw)).strip()
    if not keyword or len(keyword) > MAX_KEYWORD_LENGTH:
        return None
    return keyword


def _fold(text: str) -> str:
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()


# Matching ----------------------------------------------------------------------------------------------------------

_EXACT, _START, _LATER_WORD = 0, 1, 2


@dataclass(frozen=True, slots=True)
class _Entry:
    keyword: str
    jamo: str  # jamo key of the case-folded keyword


def _keys_with_word_starts(words: list[str]) -> list[str]:
    """The key of ``words`` joined by spaces and its tails from each later word on (``[a b c, b c, c]``)."""
    return [" ".join(words[i:]) for i in range(len(words))]


class KeywordIndex:
    """The keys of a set of keywords, sorted, so that a prefix is found by binary search (built once per set)."""

    def __init__(self, keywords: Iterable[str]) -> None:
        spellings: dict[str, str] = {}
        for raw in keywords:
            keyword = clean_keyword(raw)
            if keyword is None:
                continue
            folded = keyword.casefold()
            if folded not in spellings or keyword < spellings[folded]:
                spellings[folded] = keyword
        self._entries: list[_Entry] = []
        pairs: list[tuple[str, int, int]] = []
        for number, (folded, keyword) in enumerate(sorted(spellings.items())):
            words = folded.split(" ")
            jamo_tails = _keys_with_word_starts([to_jamo(word) for word in words])
            chosung_tails = _keys_with_word_starts([to_chosung(word) for word in words])
            self._entries.append(_Entry(keyword, jamo_tails[0]))
            for tails in (jamo_tails, chosung_tails):
                pairs.append((tails[0], number, _START))
                pairs.extend((tail, number, _LATER_WORD) for tail in tails[1:] if tail)
        pairs.sort()
        self._keys = [key for key, _, _ in pairs]
        self._refs = [(number, tier) for _, number, tier in pairs]

    def __len__(self) -> int:
        return len(self._entries)

    def suggest(self, prefix: str, limit: int = SUGGEST_LIMIT) -> list[str]:
        """The keywords matching ``prefix``, best first, at most ``limit`` (see the module docstring)."""
        query = to_jamo(_fold(prefix))
        if not query or limit <= 0:
            return []
        tiers: dict[int, int] = {}
        position = bisect_left(self._keys, query)
        while position < len(self._keys) and self._keys[position].startswith(query):
            number, tier = self._refs[position]
            if tier < tiers.get(number, _LATER_WORD + 1):
                tiers[number] = tier
            position += 1
        ranked = []
        for number, tier in tiers.items():
            entry = self._entries[number]
            if entry.jamo == query:
                tier = _EXACT
            ranked.append((tier, len(entry.keyword), entry.keyword.casefold(), entry.keyword))
        return [keyword for *_, keyword in heapq.nsmallest(limit, ranked)]


def suggest(prefix: str, keywords: Iterable[str], limit: int = SUGGEST_LIMIT) -> list[str]:
    """The keywords of ``keywords`` matching ``prefix``, best first, at most ``limit``; [] for a blank prefix or no
    match. Pure; for repeated calls on the same keywords build a :class:`KeywordIndex` once."""
    return KeywordIndex(keywords).suggest(prefix, limit)


# Extraction --------------------------------------------------------------------------------------------------------

# Quotes, brackets, commas and middle dots separate words wherever they are (「자바」로 → 자바, 로; 설계·구현).
_SEPARATORS = str.maketrans({char: " " for char in "\"'`“”‘’«»()[]{}<>「」『』【】〈〉《》〔〕,，、·・|"})
# Stripped from the ends of a word; ``+`` and ``#`` stay at the end (C++, C#), ``.`` at the start (.NET).
_PUNCTUATION = "…!！?？:：;；~〜/\\*&^@=-–—。"
_LEADING = _PUNCTUATION + "#+"
_TRAILING = _PUNCTUATION + "."
_STOPWORD_LIST = "a an and are as at be by for from how in into is it of on or the to vs what why with"
_STOPWORDS = frozenset(_STOPWORD_LIST.split())


def extract_keywords(title: str) -> list[str]:
    """The keywords an article title feeds: its words, in title order, the first spelling of each (ignoring case).

    Words are separated by whitespace, quotes, brackets, commas and middle dots, and lose the punctuation at their
    ends (``! ? : ; … / - ~`` and the like; ``C++``, ``C#``, ``.NET``, ``Node.js`` keep theirs). A word is kept when
    it has 2+ characters, at least one letter, and is not an English stop word (``the``, ``and``, ``for``...).
    Korean particles are not stripped (``스프링을`` stays as it is): the keyword still begins with the stem, which is
    what prefix matching needs. No multi-word phrases are made.
    """
    seen: set[str] = set()
    found = []
    for raw in title.translate(_SEPARATORS).split():
        word = clean_keyword(raw.lstrip(_LEADING).rstrip(_TRAILING))
        if word is None or len(word) < 2 or not any(char.isalpha() for char in word):
            continue
        folded = word.casefold()
        if folded in _STOPWORDS or folded in seen:
            continue
        seen.add(folded)
        found.append(word)
    return found


# Storage -----------------------------------------------------------------------------------------------------------


def shard_of(keyword: str) -> int:
    """The shard a keyword is stored in (stable across processes, unlike ``hash``)."""
    return zlib.crc32(keyword.encode("utf-8")) % SHARD_COUNT


class KeywordStore:
    """The auto-complete keywords in the table, with a per-process cache of ``ttl_seconds`` in front of reads.

    ``add`` makes its keywords visible to this process's cache at once; other processes see them within the TTL.
    Thread-safe.
    """

    def __init__(self, clock: Clock | None = None, ttl_seconds: float = CACHE_TTL_SECONDS) -> None:
        self._clock = clock or Clock()
        self._ttl = ttl_seconds
        self._lock = threading.Lock()
        self._keywords: frozenset[str] | None = None
        self._loaded_at = 0.0
        self._index: KeywordIndex | None = None

    def add(self, keywords: Iterable[str]) -> int:
        """Store ``keywords`` (cleaned; blank and over-long ones ignored): one ``ADD`` per touched shard, so adding
        twice, or from many writers at once, is safe. Keywords this process already knows are not written again.
        Returns how many keywords were written."""
        cleaned = {keyword for keyword in map(clean_keyword, keywords) if keyword is not None}
        with self._lock:
            known = self._keywords if self._is_fresh() else None
        if known is not None:
            cleaned -= known
        by_shard: dict[int, set[str]] = defaultdict(set)
        for keyword in cleaned:
            by_shard[shard_of(keyword)].add(keyword)
        for shard, words in sorted(by_shard.items()):
            item = KeywordShardItem(*keys.keyword_shard(shard))
            item.update(actions=[KeywordShardItem.keywords.add(words)])
        if cleaned:
            with self._lock:
                if self._keywords is not None:
                    self._keywords = self._keywords | cleaned
                    self._index = None
        return len(cleaned)

    def all(self) -> frozenset[str]:
        """Every stored keyword, read from the table now (one Query on ``KEYWORDS``); refreshes the cache."""
        found: set[str] = set()
        for item in KeywordShardItem.query(keys.KEYWORDS):
            found |= item.keywords or set()
        with self._lock:
            if found != self._keywords:
                self._keywords = frozenset(found)
                self._index = None
            self._loaded_at = self._now()
            return self._keywords

    def cached(self) -> frozenset[str]:
        """Every stored keyword as this process last read them, read again when older than the TTL."""
        with self._lock:
            if self._is_fresh() and self._keywords is not None:
                return self._keywords
        return self.all()

    def suggest(self, prefix: str, limit: int = SUGGEST_LIMIT) -> list[str]:
        """:func:`suggest` over the cached keywords (the index is rebuilt only when the keywords changed)."""
        if not _fold(prefix) or limit <= 0:
            return []
        keywords = self.cached()
        with self._lock:
            index = self._index if self._keywords is keywords else None
        if index is None:
            index = KeywordIndex(keywords)
            with self._lock:
                if self._keywords is keywords:
                    self._index = index
        return index.suggest(prefix, limit)

    def invalidate(self) -> None:
        """Forget the cache: the next read goes to the table."""
        with self._lock:
            self._keywords = None
            self._index = None

    def _is_fresh(self) -> bool:
        return self._keywords is not None and self._now() - self._loaded_at < self._ttl

    def _now(self) -> float:
        return self._clock.now().timestamp()
