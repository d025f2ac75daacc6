"""Keyword auto-complete (docs/rules.md#articles-auto-complete, ``GET /keywords/auto-complete?prefix=``): the keyword
store and the matching.

Keywords
    A keyword is NFC text, trimmed, inner whitespace collapsed to one space, 1..100 characters
    (:func:`clean_keyword`). Article ingestion feeds them: ``store.add(extract_keywords(title))``.

Matching (:func:`suggest`)
    The prefix is cleaned the same way, case-folded and spelled out as jamo (:func:`~devdevdev.domain.hangul.to_jamo`).
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
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pynamodb.exceptions import DoesNotExist

from devdevdev.clock import Clock
from devdevdev.domain.hangul import to_chosung, to_jamo
from devdevdev.store import keys
from devdevdev.store.models import CounterItem, KeywordShardItem

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
    keyword: str  # the spelling shown: the first by code point of the stored spellings
    jamo: str  # jamo key of the case-folded keyword
    spellings: frozenset[str]


def _keys_with_word_starts(words: list[str]) -> list[str]:
    """The key of ``words`` joined by spaces and its tails from each later word on (``[a b c, b c, c]``)."""
    return [" ".join(words[i:]) for i in range(len(words))]


def _rows_of(folded: str) -> tuple[str, list[tuple[str, str, int]]]:
    """A keyword's jamo key, and the (key, folded keyword, tier) rows it puts in the sorted key list: its jamo and
    initial-consonant keys (tier START) and their tails from each later word (tier LATER_WORD), each once."""
    words = folded.split(" ")
    jamo_tails = _keys_with_word_starts([to_jamo(word) for word in words])
    rows = set()
    for tails in (jamo_tails, _keys_with_word_starts([to_chosung(word) for word in words])):
        rows.add((tails[0], folded, _START))
        rows.update((tail, folded, _LATER_WORD) for tail in tails[1:] if tail)
    return jamo_tails[0], list(rows)


# A change touching more rows than this share of the index is merged by one sort of the whole list (linear, in C),
# below it every row is inserted or removed by binary search.
_MERGE_SHARE = 16


class KeywordIndex:
    """The keys of a set of keywords, sorted, so that a prefix is found by binary search.

    Built whole once (an instance's first suggestion), then kept up to date by :meth:`update`, which touches only the
    rows of the keywords that changed: a binary search and a list insertion or deletion per row (a memory move of
    pointers, no re-sorting and no re-keying of the other keywords). Thread-safe."""

    def __init__(self, keywords: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}  # by case-folded keyword
        spellings: dict[str, set[str]] = defaultdict(set)
        for keyword in _cleaned(keywords):
            spellings[keyword.casefold()].add(keyword)
        rows: list[tuple[str, str, int]] = []
        for folded, spelled in spellings.items():
            jamo, own = _rows_of(folded)
            self._entries[folded] = _Entry(min(spelled), jamo, frozenset(spelled))
            rows.extend(own)
        rows.sort()
        self._rows = rows

    def __len__(self) -> int:
        return len(self._entries)

    def update(self, added: Iterable[str], removed: Iterable[str]) -> None:
        """Add and remove keywords (cleaned first; a spelling unknown to the index is ignored): O(change) rows."""
        add_rows: list[tuple[str, str, int]] = []
        drop_rows: list[tuple[str, str, int]] = []
        with self._lock:
            for keyword in _cleaned(removed):
                folded = keyword.casefold()
                entry = self._entries.get(folded)
                if entry is None or keyword not in entry.spellings:
                    continue
                if len(entry.spellings) == 1:
                    del self._entries[folded]
                    drop_rows.extend(_rows_of(folded)[1])
                else:
                    self._entries[folded] = _respelled(entry, entry.spellings - {keyword})
            for keyword in _cleaned(added):
                folded = keyword.casefold()
                entry = self._entries.get(folded)
                if entry is None:
                    jamo, own = _rows_of(folded)
                    self._entries[folded] = _Entry(keyword, jamo, frozenset({keyword}))
                    add_rows.extend(own)
                elif keyword not in entry.spellings:
                    self._entries[folded] = _respelled(entry, entry.spellings | {keyword})
            self._apply(add_rows, drop_rows)

    def _apply(self, add_rows: list[tuple[str, str, int]], drop_rows: list[tuple[str, str, int]]) -> None:
        rows = self._rows
        # A keyword removed and added back in one change has the same rows on both sides.
        both = set(add_rows) & set(drop_rows)
        if both:
            add_rows = [row for row in add_rows if row not in both]
            drop_rows = [row for row in drop_rows if row not in both]
        if (len(add_rows) + len(drop_rows)) * _MERGE_SHARE > len(rows):
            dropped = set(drop_rows)
            kept = [row for row in rows if row not in dropped] if dropped else rows
            kept.extend(sorted(add_rows))
            kept.sort()  # two sorted runs: a linear merge
            self._rows = kept
            return
        for row in drop_rows:
            position = bisect_left(rows, row)
            if position < len(rows) and rows[position] == row:
                del rows[position]
        for row in add_rows:
            insort(rows, row)

    def suggest(self, prefix: str, limit: int = SUGGEST_LIMIT) -> list[str]:
        """The keywords matching ``prefix``, best first, at most ``limit`` (see the module docstring)."""
        query = to_jamo(_fold(prefix))
        if not query or limit <= 0:
            return []
        tiers: dict[str, int] = {}
        with self._lock:
            rows = self._rows
            position = bisect_left(rows, (query,))
            while position < len(rows) and rows[position][0].startswith(query):
                _, folded, tier = rows[position]
                if tier < tiers.get(folded, _LATER_WORD + 1):
                    tiers[folded] = tier
                position += 1
            entries = [(self._entries[folded], tier) for folded, tier in tiers.items()]
        ranked = []
        for entry, tier in entries:
            ranked.append(
                (_EXACT if entry.jamo == query else tier, len(entry.keyword), entry.keyword.casefold(), entry.keyword)
            )
        return [keyword for *_, keyword in heapq.nsmallest(limit, ranked)]


def _cleaned(keywords: Iterable[str]) -> Iterator[str]:
    for raw in keywords:
        keyword = clean_keyword(raw)
        if keyword is not None:
            yield keyword


def _respelled(entry: _Entry, spellings: frozenset[str]) -> _Entry:
    return _Entry(min(spellings), entry.jamo, spellings)


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
    """The auto-complete keywords in the table, with a per-process copy and index kept up to date incrementally.

    How a warm instance learns of changes: every ``add`` that writes bumps a version counter
    (``KEYWORDS_VERSION`` / ``VERSION``) after its shard writes, then logs what it added under the new version
    (``CHANGE#<version>``). A process checks the counter (one strongly consistent ``GetItem``) when its copy is older
    than ``ttl_seconds``; when it moved, the log entries since the version it knows are read (one Query, the size of
    the change) and applied to the index (:meth:`KeywordIndex.update`, O(change)). A missing entry (a write between
    its counter and its entry, a change made by hand) makes it read the shards whole instead (one Query) and apply the
    difference. No suggestion waits for a rebuild after the instance's first. Staleness bound: a keyword whose ``add``
    returned is suggested by every process within ``ttl_seconds``; by the adding process at once. Thread-safe.
    """

    def __init__(self, clock: Clock | None = None, ttl_seconds: float = CACHE_TTL_SECONDS) -> None:
        self._clock = clock or Clock()
        self._ttl = ttl_seconds
        self._lock = threading.Lock()  # guards the fields below
        self._refresh_lock = threading.Lock()  # one reader of the table at a time
        self._keywords: frozenset[str] | None = None
        self._version: int | None = None  # the counter's value the copy was read at (None: unknown)
        self._loaded_at = 0.0
        self._index: KeywordIndex | None = None

    def add(self, keywords: Iterable[str]) -> int:
        """Store ``keywords`` (cleaned; blank and over-long ones ignored): one ``ADD`` per touched shard, so adding
        twice, or from many writers at once, is safe, then one ``ADD`` on the version counter. Keywords this process
        already knows are not written again. Returns how many keywords were written."""
        cleaned = set(_cleaned(keywords))
        with self._lock:
            known = self._keywords if self._is_fresh() else None
        if known is not None:
            cleaned -= known
        if not cleaned:
            return 0
        by_shard: dict[int, set[str]] = defaultdict(set)
        for keyword in cleaned:
            by_shard[shard_of(keyword)].add(keyword)
        for shard, words in sorted(by_shard.items()):
            item = KeywordShardItem(*keys.keyword_shard(shard))
            item.update(actions=[KeywordShardItem.keywords.add(words)])
        # After the shards: a process that sees the new version reads at least these keywords. Then the change log
        # entry of that version, so a warm process reads only what changed.
        counter = CounterItem(*keys.keyword_version())
        counter.update(actions=[CounterItem.value.add(1)])
        KeywordShardItem(*keys.keyword_change(int(counter.value)), keywords=cleaned).save()
        with self._lock:
            if self._keywords is not None:
                added = cleaned - self._keywords
                self._keywords = self._keywords | cleaned
                if self._index is not None:
                    self._index.update(added=added, removed=())
        return len(cleaned)

    def all(self) -> frozenset[str]:
        """Every stored keyword, read from the table now (one Query on ``KEYWORDS``); refreshes the copy."""
        with self._refresh_lock:
            return self._read(self._table_version())

    def cached(self) -> frozenset[str]:
        """Every stored keyword as this process knows them, checked against the table when older than the TTL."""
        with self._lock:
            if self._is_fresh() and self._keywords is not None:
                return self._keywords
        with self._refresh_lock:
            with self._lock:
                if self._is_fresh() and self._keywords is not None:
                    return self._keywords  # another thread refreshed meanwhile
                known, version = self._keywords, self._version
            current = self._table_version()
            if known is not None and version == current:
                with self._lock:
                    self._loaded_at = self._now()
                return known
            if known is not None and version is not None and version < current:
                added = self._changes(version, current)
                if added is not None:
                    return self._apply(added, current)
            return self._read(current)

    def suggest(self, prefix: str, limit: int = SUGGEST_LIMIT) -> list[str]:
        """:func:`suggest` over the known keywords; the index is built on first use, then updated incrementally."""
        if not _fold(prefix) or limit <= 0:
            return []
        keywords = self.cached()
        with self._lock:
            index = self._index
        if index is None:
            with self._refresh_lock:  # one build per process, not one per waiting thread
                with self._lock:
                    index, keywords = self._index, self._keywords or keywords
                if index is None:
                    index = KeywordIndex(keywords)
                    with self._lock:
                        if self._keywords is not keywords:  # an add landed meanwhile: bring the index level
                            index.update(added=self._keywords or (), removed=keywords - (self._keywords or frozenset()))
                        self._index = index
        return index.suggest(prefix, limit)

    def invalidate(self) -> None:
        """Forget the copy and the index: the next read goes to the table."""
        with self._lock:
            self._keywords = None
            self._version = None
            self._index = None

    def _table_version(self) -> int:
        try:
            return int(CounterItem.get(*keys.keyword_version(), consistent_read=True).value)
        except DoesNotExist:
            return 0

    def _changes(self, since: int, until: int) -> set[str] | None:
        """The keywords added by the writes after version ``since`` up to ``until`` (one Query of the change log),
        or None when an entry is missing (a write still between its counter and its entry, or a change made without
        one): then the shards are read whole."""
        found: set[str] = set()
        entries = 0
        condition = KeywordShardItem.sk.between(keys.keyword_change(since + 1)[1], keys.keyword_change(until)[1])
        for item in KeywordShardItem.query(keys.KEYWORDS_VERSION, condition, consistent_read=True):
            found |= item.keywords or set()
            entries += 1
        return found if entries == until - since else None

    def _apply(self, added: set[str], version: int) -> frozenset[str]:
        with self._lock:
            if self._keywords is not None:
                new = added - self._keywords
                if new:
                    self._keywords = self._keywords | new
                    if self._index is not None:
                        self._index.update(added=new, removed=())
            self._version = version
            self._loaded_at = self._now()
            return self._keywords  # type: ignore[return-value]

    def _read(self, version: int) -> frozenset[str]:
        """Read the shards (the caller holds the refresh lock) and apply the difference to the index."""
        found: set[str] = set()
        for item in KeywordShardItem.query(keys.KEYWORDS, consistent_read=True):
            found |= item.keywords or set()
        with self._lock:
            previous = self._keywords
            if found != previous:
                self._keywords = frozenset(found)
                if self._index is not None and previous is not None:
                    self._index.update(added=found - previous, removed=previous - found)
                else:
                    self._index = None
            self._version = version
            self._loaded_at = self._now()
            return self._keywords  # type: ignore[return-value]

    def _is_fresh(self) -> bool:
        return self._keywords is not None and self._now() - self._loaded_at < self._ttl

    def _now(self) -> float:
        return self._clock.now().timestamp()
