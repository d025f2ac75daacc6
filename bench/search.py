"""Search that does not read every match: keyword pages of the embedded engine at 10k and 100k articles, and the
auto-complete index's update time at 20k and 110k keywords.

Articles are synthetic and written to the embedded index directly, in batches (no table, no stream): each has a
common word (``스프링``, in half of them), a rare one (``카프카``, in one in 500) and filler from a small vocabulary, a
date among 400 days and view counts among 50 values (so orders lean on their tie-breakers). For each size the same
queries are timed (median of ``ROUNDS``): first pages and a deep cursor page (the 11th page) in score and latest
order, for the common and the rare word, and without a keyword. Beside each, the order the engine used before (every
match read into Python and sorted there) on the same index, so the ratios of one run compare the two.

Auto-complete: an index of 20k and 110k synthetic keywords; the time to apply a change of 50 keywords to a warm
index (incremental) and to build it whole (what a warm instance did on every change before).

    make bench BENCH=search          ARTICLES=10000,100000 KEYWORDS=20000,110000 ROUNDS=15 (environment variables)
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from bench.results import results_dir

COMMON, RARE = "스프링", "카프카"
WORDS = tuple(
    [
        "배치",
        "정산",
        "결제",
        "서비스",
        "모놀리스",
        "분리",
        "캐시",
        "트래픽",
        "검색",
        "품질",
        "인증",
        "토큰",
        "로그인",
        "모니터링",
        "지표",
        "설계",
        "운영",
        "쿠버네티스",
        "클러스터",
        "배포",
        "장애",
        "회고",
        "테스트",
        "자동화",
        "성능",
        "튜닝",
        "데이터",
        "파이프라인",
        "이벤트",
        "메시지",
        "큐",
        "데이터베이스",
        "인덱스",
        "쿼리",
        "최적화",
        "리팩터링",
        "아키텍처",
        "마이크로서비스",
        "게이트웨이",
        "보안",
        "암호화",
    ]
)
DEEP_PAGE = 11  # the page a "deep" query reads: ten cursor pages in


def _articles(count: int, seed: int = 20) -> list[Any]:
    from devdevdev.search.port import ArticleDocument

    rng = random.Random(seed)
    documents = []
    for i in range(1, count + 1):
        words = rng.sample(WORDS, 6)
        if i % 2 == 0:
            words.insert(rng.randrange(len(words)), COMMON)
        if i % 500 == 0:
            words.insert(rng.randrange(len(words)), RARE)
        title = " ".join(words[:3])
        day = 1 + rng.randrange(400)
        documents.append(
            ArticleDocument(
                id=i,
                elastic_id=f"bench-{i}",
                company_id=1 + i % 7,
                title=title,
                contents=" ".join(words[3:]),
                reg_date=f"{2024 + day // 366}-{1 + (day % 366) // 31:02d}-{1 + (day % 366) % 31 % 28:02d}",
                view_total_count=rng.randrange(50),
                popular_score=rng.randrange(50),
            )
        )
    return documents


class _CountingSearcher:
    """A tantivy searcher counting the hits its searches hand to Python (the documents a page reads)."""

    def __init__(self, searcher: Any, reads: list[int]) -> None:
        self._searcher, self._reads = searcher, reads

    def search(self, *args: Any, **kwargs: Any) -> Any:
        result = self._searcher.search(*args, **kwargs)
        self._reads.append(len(result.hits))
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._searcher, name)


def _engine(count: int) -> Any:
    from devdevdev.search.embedded import EmbeddedSearch

    class Counting(EmbeddedSearch):
        reads: list[int] = []  # noqa: RUF012 - one engine at a time

        def _searcher(self) -> Any:
            return _CountingSearcher(super()._searcher(), self.reads)

    engine = Counting()
    documents = _articles(count)
    for start in range(0, count, 10_000):
        engine.index(documents[start : start + 10_000])
    return engine


def _median_ms(call: Callable[[], Any], rounds: int) -> float:
    call()  # warm
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _every_match(engine: Any, keyword: str | None, sort: Any, after: Any, size: int) -> list[int]:
    """The page as the engine made it before: every match read into Python, ordered and sliced there."""
    import tantivy
    from devdevdev.search.embedded import SORT_FIELD, _day, parse_keyword
    from devdevdev.search.port import ArticleSort

    query = engine._query(parse_keyword(keyword)) if keyword else tantivy.Query.all_query()
    searcher = engine._searcher()
    matches = searcher.search(query, searcher.num_docs, count=False).hits
    addresses = [address for _, address in matches]
    ids = searcher.fast_field_values("id", addresses)
    days = searcher.fast_field_values("reg_day", addresses)
    by_score = keyword is not None and sort is ArticleSort.HIGHEST_SCORE
    field = SORT_FIELD.get(sort)
    if by_score:
        values = [score for score, _ in matches]
    elif field:
        values = [float(v) for v in searcher.fast_field_values(field, addresses)]
    else:
        values = [0.0] * len(matches)
    keyed = sorted(((values[i], days[i], ids[i], i) for i in range(len(matches))), key=lambda k: k[:3], reverse=True)
    if after is not None:
        cursor = (after.value, _day(after.reg_date), after.id)
        keyed = [k for k in keyed if k[:3] < cursor]
    page = keyed[:size]
    [searcher.doc(addresses[i])["elastic_id"][0] for *_, i in page]
    return [k[2] for k in page]


def _after_pages(engine: Any, keyword: str | None, sort: Any, pages: int, size: int) -> Any:
    """The cursor at the end of page ``pages`` (walked with the engine itself), as the article list builds it."""
    from devdevdev.search.embedded import SORT_FIELD
    from devdevdev.search.port import ArticleSort, SearchAfter

    after = None
    for _ in range(pages):
        page = engine.search(keyword=keyword, company_id=None, sort=sort, after=after, size=size)
        last = page.hits[-1]
        document = engine.get(last.elastic_id)
        if keyword is not None and sort is ArticleSort.HIGHEST_SCORE:
            value = float(last.score or 0.0)
        else:
            value = float(getattr(document, SORT_FIELD[sort])) if sort in SORT_FIELD else 0.0
        after = SearchAfter(value, document.reg_date, document.id)
    return after


def _cases() -> list[tuple[str, str | None, Any, int]]:
    from devdevdev.search.port import ArticleSort

    cases = []
    for keyword, label in ((COMMON, "common word"), (RARE, "rare word"), (None, "no keyword")):
        sorts = (
            [ArticleSort.HIGHEST_SCORE, ArticleSort.LATEST]
            if keyword
            else [ArticleSort.LATEST, ArticleSort.MOST_VIEWED]
        )
        for sort in sorts:
            for depth in (0, DEEP_PAGE - 1) if keyword != RARE else (0,):  # the rare word has a page or two
                page = "first page" if depth == 0 else f"page {DEEP_PAGE}"
                cases.append((f"{label}, {sort.value}, {page}", keyword, sort, depth))
    return cases


def _search_figures(sizes: list[int], rounds: int, size: int = 20) -> dict[str, dict[str, dict[int, float]]]:
    """Per query: median ms now (``top_k``) and before (``every_match``), hits read by one page now (``read``), and
    the matches (``matches``), for each number of articles."""
    figures: dict[str, dict[str, dict[int, float]]] = {}
    for count in sizes:
        started = time.perf_counter()
        engine = _engine(count)
        print(f"  indexed {count:,} articles in {time.perf_counter() - started:.1f} s")
        for name, keyword, sort, depth in _cases():
            after = _after_pages(engine, keyword, sort, depth, size) if depth else None
            expected = [
                hit.id
                for hit in engine.search(keyword=keyword, company_id=None, sort=sort, after=after, size=size).hits
            ]
            assert _every_match(engine, keyword, sort, after, size) == expected, name  # the same page either way
            search = partial(engine.search, keyword=keyword, company_id=None, sort=sort, after=after, size=size)
            engine.reads.clear()
            matches = search().total
            read = sum(engine.reads)
            top_k = _median_ms(search, rounds)
            every = _median_ms(partial(_every_match, engine, keyword, sort, after, size), max(3, rounds // 3))
            case = figures.setdefault(name, {"top_k": {}, "every_match": {}, "read": {}, "matches": {}})
            case["top_k"][count], case["every_match"][count] = top_k, every
            case["read"][count], case["matches"][count] = read, matches
    return figures


def _keywords(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    syllables = [chr(0xAC00 + rng.randrange(11172)) for _ in range(400)]
    latin = "abcdefghijklmnopqrstuvwxyz"
    found: set[str] = set()
    while len(found) < count:
        if rng.random() < 0.7:
            found.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 5))))
        else:
            found.add("".join(rng.choice(latin) for _ in range(rng.randint(3, 9))).capitalize())
    return sorted(found)


def _keyword_figures(sizes: list[int], change: int = 50) -> dict[str, dict[int, float]]:
    from devdevdev.search.keywords import KeywordIndex

    figures: dict[str, dict[int, float]] = {"build": {}, "add": {}, "remove": {}, "suggest": {}}
    for count in sizes:
        words = _keywords(count + change)
        base, extra = words[change:], words[:change]
        started = time.perf_counter()
        index = KeywordIndex(base)
        figures["build"][count] = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        index.update(added=extra, removed=())
        figures["add"][count] = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        index.update(added=(), removed=extra)
        figures["remove"][count] = (time.perf_counter() - started) * 1000
        assert len(index) == len(KeywordIndex(base))
        figures["suggest"][count] = _median_ms(partial(index.suggest, base[count // 2][:1]), 15)
    return figures


def _request_path_figures(sizes: list[int], change: int = 50) -> dict[str, dict[int, float]]:
    """On DynamoDB Local: a warm instance's first suggestion after the TTL, with no change (the version counter read)
    and after another process added ``change`` keywords (the counter, the shards, the change applied in place), beside
    what the instance did before on a change: read the shards and build the index whole."""
    from datetime import UTC, datetime

    from devdevdev.clock import FixedClock
    from devdevdev.search.keywords import CACHE_TTL_SECONDS, KeywordIndex, KeywordStore

    from bench.stack import local_stage

    figures: dict[str, dict[int, float]] = {"unchanged": {}, "changed": {}, "before": {}}
    clock = FixedClock(datetime(2026, 12, 6, tzinfo=UTC))
    with local_stage(seeded=False, clock=clock):
        held = 0
        words = _keywords(max(sizes) + change * len(sizes))  # [changes of every size | the keywords held]
        for number, count in enumerate(sorted(sizes)):
            writer, reader = KeywordStore(clock), KeywordStore(clock)
            base = change * len(sizes)
            for start in range(base + held, base + count, 5_000):
                writer.add(words[start : min(base + count, start + 5_000)])
            held = count
            reader.suggest("가")  # warm: the copy and the index built once

            def after_ttl(store: KeywordStore = reader) -> float:
                clock.advance(seconds=CACHE_TTL_SECONDS)
                started = time.perf_counter()
                store.suggest("가")
                return (time.perf_counter() - started) * 1000

            figures["unchanged"][count] = after_ttl()
            writer.add(words[number * change : (number + 1) * change])
            figures["changed"][count] = after_ttl()
            assert len(reader.cached()) == count + (number + 1) * change

            started = time.perf_counter()
            KeywordIndex(reader.all()).suggest("가")
            figures["before"][count] = (time.perf_counter() - started) * 1000
    return figures


def main() -> None:
    articles = [int(n) for n in os.environ.get("ARTICLES", "10000,100000").split(",")]
    keywords = [int(n) for n in os.environ.get("KEYWORDS", "20000,110000").split(",")]
    rounds = int(os.environ.get("ROUNDS", "15"))
    small, large = min(articles), max(articles)
    print(f"search: keyword pages of 20, median ms of {rounds} (top-k now ÷ every match read, as before)")
    figures = _search_figures(articles, rounds)
    print(f"  {'query':<40} {small:>8,} {large:>8,}  ratio   before: {small:>8,} {large:>8,}  ratio")
    worst = 0.0
    for name, case in figures.items():
        now, before = case["top_k"], case["every_match"]
        ratio, before_ratio = now[large] / now[small], before[large] / before[small]
        worst = max(worst, ratio)
        print(
            f"  {name:<40} {now[small]:>8.2f} {now[large]:>8.2f} {ratio:>6.2f}×"
            f"           {before[small]:>8.2f} {before[large]:>8.2f} {before_ratio:>6.2f}×"
        )
    print(f"  worst ratio {large:,} ÷ {small:,}: {worst:.2f}× (goal ≤ 2×)")
    print("search: documents one page reads out of tantivy now (before: every match)")
    print(f"  {'query':<40} {'read':>8} {'read':>8}   {'matches':>8} {'matches':>8}")
    for name, case in figures.items():
        read, matches = case["read"], case["matches"]
        print(f"  {name:<40} {read[small]:>8,} {read[large]:>8,}   {matches[small]:>8,} {matches[large]:>8,}")
    print("auto-complete: ms to build the index whole / to apply a change of 50 keywords / one suggestion")
    keyword_figures = _keyword_figures(keywords)
    for count in keywords:
        print(
            f"  {count:>7,} keywords: build {keyword_figures['build'][count]:8.1f}   add 50 "
            f"{keyword_figures['add'][count]:6.2f}   remove 50 {keyword_figures['remove'][count]:6.2f}   "
            f"suggest {keyword_figures['suggest'][count]:6.3f}"
        )
    print("auto-complete on the request path (DynamoDB Local): ms of the first suggestion past the TTL")
    request_path = _request_path_figures(keywords)
    for count in keywords:
        print(
            f"  {count:>7,} keywords: unchanged {request_path['unchanged'][count]:7.1f}   after a change of 50 "
            f"{request_path['changed'][count]:7.1f}   before (read + build whole) {request_path['before'][count]:8.1f}"
        )
    path = results_dir() / "search.json"
    path.write_text(
        json.dumps(
            {
                "articles": articles,
                "search_ms": figures,
                "worst_ratio": worst,
                "keywords": keywords,
                "keyword_ms": keyword_figures,
                "request_path_ms": request_path,
            },
            indent=2,
        )
    )
    print(f"  written to {path}")
