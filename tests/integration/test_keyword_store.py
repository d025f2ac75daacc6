"""The auto-complete keyword store on DynamoDB Local: sharded string sets grown with ``ADD``, read with one Query,
cached per process and checked against a version counter past a short TTL (docs/rules.md#articles-auto-complete)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from devdevdev.clock import FixedClock
from devdevdev.search import keywords as keywords_module
from devdevdev.search.keywords import CACHE_TTL_SECONDS, SHARD_COUNT, KeywordStore, extract_keywords, shard_of
from devdevdev.store import keys
from devdevdev.store.models import CounterItem, KeywordShardItem

from tests.conftest import NOW

pytestmark = pytest.mark.integration


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def store(runtime, clock) -> KeywordStore:
    return KeywordStore(clock)


def stored_items() -> dict[str, set[str]]:
    return {item.sk: set(item.keywords or ()) for item in KeywordShardItem.query(keys.KEYWORDS)}


def test_an_empty_table_has_no_keywords(store):
    assert store.all() == frozenset()
    assert store.suggest("자") == []


def test_added_keywords_are_read_back_cleaned(store):
    written = store.add(["자바", "  자바스크립트 ", "자바가   최고야", "", "   ", "x" * 101, "스프링"])
    assert written == 4
    assert store.all() == {"자바", "자바스크립트", "자바가 최고야", "스프링"}
    assert KeywordStore().all() == {"자바", "자바스크립트", "자바가 최고야", "스프링"}


def test_keywords_live_in_hash_shards_of_one_partition(store):
    words = [f"키워드{i}" for i in range(200)]
    store.add(words)
    items = stored_items()
    assert 1 < len(items) <= SHARD_COUNT
    for sk, shard_words in items.items():
        assert all(sk == keys.keyword_shard(shard_of(word))[1] for word in shard_words)
    assert set().union(*items.values()) == set(words)


def test_adding_again_changes_nothing(store):
    store.add(["자바", "스프링"])
    before = stored_items()
    assert KeywordStore().add(["자바", "스프링", " 자바 "]) == 2  # a process that knows nothing writes again...
    assert stored_items() == before  # ...and the set stays as it was
    assert store.all() == {"자바", "스프링"}
    assert store.add(["자바", "스프링"]) == 0  # a process whose cache is fresh skips what it knows
    assert store.add([]) == 0


def test_suggest_through_the_store(store):
    store.add(["자바스크립트", "자바가 최고야", "자바", "스프링", "스프링부트"])
    assert store.suggest("자") == ["자바", "자바스크립트", "자바가 최고야"]
    for prefix in ["ㅈ", "잡", "ㅈㅏ", "ㅈㅏㅂ", "ㅈㅏㅂㅏ"]:
        assert store.suggest(prefix)[:2] == ["자바", "자바스크립트"], prefix
    assert store.suggest("ㅅㅍㄹ") == ["스프링", "스프링부트"]
    assert store.suggest("러스트") == []
    assert store.suggest("") == []


def test_suggestions_come_from_the_cache_until_the_ttl_passes(store, clock, monkeypatch):
    store.add(["자바"])
    queries = []
    original = KeywordShardItem.query

    def counting(*args, **kwargs):
        queries.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(KeywordShardItem, "query", counting)

    assert store.suggest("자") == ["자바"]
    for prefix in ["자", "자바", "ㅈ", "잡"]:
        store.suggest(prefix)
    assert len(queries) == 1  # one read for every keystroke within the TTL

    KeywordStore(clock).add(["자몽"])  # another process
    clock.advance(seconds=CACHE_TTL_SECONDS - 1)
    assert store.suggest("자") == ["자바"]
    assert len(queries) == 1

    clock.advance(seconds=1)
    assert store.suggest("자") == ["자몽", "자바"]
    assert len(queries) == 2


def test_own_adds_are_visible_at_once(store):
    assert store.suggest("자") == []
    store.add(["자바"])
    assert store.suggest("자") == ["자바"]
    assert store.cached() == {"자바"}


def test_invalidate_and_all_read_the_table_again(store):
    store.add(["자바"])
    assert store.cached() == {"자바"}
    KeywordStore().add(["파이썬"])
    assert store.cached() == {"자바"}
    store.invalidate()
    assert store.cached() == {"자바", "파이썬"}
    KeywordStore().add(["코틀린"])
    assert store.all() == {"자바", "파이썬", "코틀린"}
    assert store.suggest("ㅋ") == ["코틀린"]


def test_concurrent_adds_lose_nothing(runtime):
    def add(writer: int) -> None:
        store = KeywordStore()  # each writer as its own process
        for batch in range(3):
            store.add([f"writer{writer}-{batch}-{i}" for i in range(8)] + ["자바", f"공통{batch}"])

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(add, range(12)))

    expected = {f"writer{w}-{b}-{i}" for w in range(12) for b in range(3) for i in range(8)}
    expected |= {"자바"} | {f"공통{b}" for b in range(3)}
    assert KeywordStore().all() == expected


def test_concurrent_adds_through_one_shared_store(runtime):
    store = KeywordStore()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: store.add([f"공유{n}", "자바"]), range(40)))
        suggestions = list(pool.map(lambda _: store.suggest("ㄱㅇ", limit=100), range(8)))
    assert store.all() == {f"공유{n}" for n in range(40)} | {"자바"}
    assert all(set(found) <= {f"공유{n}" for n in range(40)} for found in suggestions)
    assert sorted(store.suggest("공유", limit=100)) == sorted(f"공유{n}" for n in range(40))


def test_thousands_of_keywords_fit_and_stay_fast_to_read(store):
    words = [f"keyword-{i:05d}-{'가' * (i % 20)}" for i in range(5000)]
    store.add(words)
    assert len(store.all()) == 5000
    assert len(stored_items()) == SHARD_COUNT
    assert store.suggest("keyword-0000") == [f"keyword-0000{i}-{'가' * i}" for i in range(10)]


def test_article_titles_feed_the_store(store):
    for title in ["자바 스프링부트 입문", "Spring Boot 3 마이그레이션 가이드", "쿠버네티스 운영기: 자바 애플리케이션"]:
        store.add(extract_keywords(title))
    assert store.suggest("ㅅㅍㄹ") == ["스프링부트"]
    assert store.suggest("spr") == ["Spring"]
    assert store.suggest("자") == ["자바"]
    assert store.suggest("ㅋㅂ") == ["쿠버네티스"]


def test_a_warm_instance_checks_one_counter_and_reads_the_shards_only_after_a_change(store, clock, monkeypatch):
    """Past the TTL a process reads the version counter (one GetItem); the shards (one Query) only when it moved, and
    the change is applied to the index in place, not by building a new one."""
    store.add(["자바", "스프링"])
    assert store.suggest("ㅈ") == ["자바"]
    index = store._index
    queries = []
    original = KeywordShardItem.query

    def counting(*args, **kwargs):
        queries.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(KeywordShardItem, "query", counting)
    builds = []
    monkeypatch.setattr(keywords_module, "KeywordIndex", lambda *a, **k: builds.append(a))

    clock.advance(seconds=CACHE_TTL_SECONDS)
    assert store.suggest("ㅈ") == ["자바"]  # nothing changed: the counter alone was read
    assert queries == []

    KeywordStore(clock).add(["자몽", "스칼라"])  # another process
    assert store.suggest("ㅈ") == ["자바"]  # within the TTL: not yet
    clock.advance(seconds=CACHE_TTL_SECONDS)
    assert store.suggest("ㅈ") == ["자몽", "자바"]
    assert store.suggest("ㅅ") == ["스칼라", "스프링"]
    assert [args[0] for args in queries] == [keys.KEYWORDS_VERSION]  # the change log, not the shards
    assert builds == [] and store._index is index

    KeywordShardItem(*keys.keyword_shard(shard_of("스프링"))).update(
        actions=[KeywordShardItem.keywords.delete({"스프링"})]
    )
    CounterItem(*keys.keyword_version()).update(actions=[CounterItem.value.add(1)])  # a removal, announced
    clock.advance(seconds=CACHE_TTL_SECONDS)
    assert store.suggest("ㅅ") == ["스칼라"]  # no log entry for that version: the shards, and the difference
    assert [args[0] for args in queries] == [keys.KEYWORDS_VERSION, keys.KEYWORDS_VERSION, keys.KEYWORDS]
    assert builds == [] and store._index is index


def test_each_write_logs_what_it_added_under_its_version(store):
    store.add(["자바", "스프링"])
    KeywordStore().add(["자바", "코틀린"])
    log = {
        item.sk: set(item.keywords)
        for item in KeywordShardItem.query(keys.KEYWORDS_VERSION, KeywordShardItem.sk.startswith("CHANGE#"))
    }
    assert log == {keys.keyword_change(1)[1]: {"자바", "스프링"}, keys.keyword_change(2)[1]: {"자바", "코틀린"}}


def test_every_write_bumps_the_version_after_its_shards(store):
    def version() -> int:
        return int(CounterItem.get(*keys.keyword_version(), consistent_read=True).value)

    store.add(["자바"])
    first = version()
    assert store.cached() == {"자바"}
    assert store.add(["자바"]) == 0 and version() == first  # nothing written, nothing announced
    KeywordStore().add(["자바", "코틀린"])
    assert version() == first + 1
    assert "KEYWORDS_VERSION" not in {item.pk for item in KeywordShardItem.query(keys.KEYWORDS)}
