"""The search port's behaviour, one suite for every engine: the embedded tantivy engine always, OpenSearch when
``OPENSEARCH_URL`` points at one (``OPENSEARCH_REGION`` signs the requests for AWS)."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator

import pytest
from devdevdev.search.embedded import EmbeddedSearch
from devdevdev.search.port import (
    ArticleDocument,
    ArticleSort,
    InvalidQuery,
    SearchAfter,
    SearchEngine,
    SearchPage,
)

OPENSEARCH_URL = os.environ.get("OPENSEARCH_URL")
# The embedded engine always; OpenSearch too when a cluster is named (it is not part of the local stack). With
# OPENSEARCH_URL set, an unreachable cluster fails these tests rather than being passed over.
ENGINES = ["embedded", *(["opensearch"] if OPENSEARCH_URL else [])]
SORT_FIELD = {
    ArticleSort.POPULAR: "popular_score",
    ArticleSort.MOST_VIEWED: "view_total_count",
    ArticleSort.MOST_COMMENTED: "comment_total_count",
}


def _new_engine(kind: str) -> SearchEngine:
    if kind == "embedded":
        return EmbeddedSearch()
    from devdevdev.search.opensearch import OpenSearchSearch

    engine = OpenSearchSearch(
        url=OPENSEARCH_URL or "",
        index_name=f"test-articles-{uuid.uuid4().hex[:12]}",
        region=os.environ.get("OPENSEARCH_REGION"),
    )
    engine.ensure_index()
    return engine


def _drop(engine: SearchEngine) -> None:
    drop = getattr(engine, "delete_index", None)
    if drop is not None:
        drop()


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Iterator[SearchEngine]:
    """An empty engine of each kind."""
    created = _new_engine(request.param)
    yield created
    _drop(created)


def doc(article_id: int, title: str, contents: str = "", **fields: object) -> ArticleDocument:
    """An article document with defaults for what a test does not care about."""
    values: dict[str, object] = {"company_id": 1, "reg_date": "2025-08-01"} | fields
    return ArticleDocument(id=article_id, elastic_id=f"article-{article_id}", title=title, contents=contents, **values)  # type: ignore[arg-type]


def find(engine: SearchEngine, keyword: str | None, **options: object) -> SearchPage:
    """One search with the defaults a test does not care about."""
    arguments: dict[str, object] = {"company_id": None, "sort": ArticleSort.HIGHEST_SCORE, "after": None, "size": 20}
    return engine.search(keyword=keyword, **(arguments | options))  # type: ignore[arg-type]


def ids(page: SearchPage) -> list[int]:
    return [hit.id for hit in page.hits]


# Finding -----------------------------------------------------------------------------------------------------------

ARTICLES = [
    doc(
        1,
        "스프링 배치로 대용량 정산 처리하기",
        "매일 밤 수백만 건의 거래를 안정적으로 집계한 경험을 공유합니다.",
        company_id=1,
    ),
    doc(2, "사내 결제 시스템 개편기", "기존 모놀리스를 스프링 부트 기반 서비스로 나누었습니다.", company_id=2),
    doc(3, "정산 데이터 검증 자동화", "파이썬 스크립트로 정산 결과를 매일 비교합니다.", company_id=2),
    doc(
        4,
        "스프링 시큐리티 인증 구조",
        "로그인 흐름과 토큰 검증, 그리고 월말 정산 화면의 권한을 설명합니다.",
        company_id=3,
    ),
    doc(5, "C# 비동기 프로그래밍", "태스크와 async 키워드를 정리합니다.", company_id=3),
    doc(6, "Node.js 이벤트 루프 이해하기", "싱글 스레드에서 비동기 입출력이 동작하는 방식.", company_id=1),
]


@pytest.fixture
def articles(engine: SearchEngine) -> SearchEngine:
    engine.index(ARTICLES)
    return engine


def test_a_korean_word_finds_articles_by_title_or_contents(articles: SearchEngine) -> None:
    page = find(articles, "스프링")
    assert sorted(ids(page)) == [1, 2, 4]
    assert page.total == 3 and page.has_next is False
    assert all(isinstance(hit.score, float) and hit.score > 0 for hit in page.hits)
    assert {hit.elastic_id for hit in page.hits} == {"article-1", "article-2", "article-4"}
    assert sorted(ids(find(articles, "배치"))) == [1]


def test_a_title_match_ranks_above_a_contents_only_match(engine: SearchEngine) -> None:
    engine.index(
        [
            doc(
                1,
                "비동기 프로그래밍 정리",
                "이 글에서는 코틀린 코루틴과 자바 스레드를 비교합니다.",
                reg_date="2025-08-02",
            ),
            doc(2, "코틀린 코루틴 입문", "비동기 프로그래밍을 쉽게 다루는 방법을 소개합니다.", reg_date="2025-08-01"),
        ]
    )
    page = find(engine, "코루틴")
    assert ids(page) == [2, 1]
    first, second = (hit.score for hit in page.hits)
    assert first is not None and second is not None and first > second


def test_words_are_anded_across_title_and_contents(articles: SearchEngine) -> None:
    assert sorted(ids(find(articles, "스프링 정산"))) == [1, 4]  # 4: 스프링 in the title, 정산 in the contents
    assert ids(find(articles, "스프링 파이썬")) == []


def test_the_company_filter_and_total(articles: SearchEngine) -> None:
    assert sorted(ids(find(articles, "정산", company_id=2))) == [3]
    assert find(articles, "정산").total == 3
    page = find(articles, None, company_id=3, sort=ArticleSort.LATEST)
    assert sorted(ids(page)) == [4, 5] and page.total == 2
    assert all(hit.score is None for hit in page.hits)
    assert find(articles, None, sort=ArticleSort.LATEST, size=2).total == 6


def test_a_blank_keyword_is_no_keyword(articles: SearchEngine) -> None:
    page = find(articles, "   ", sort=ArticleSort.HIGHEST_SCORE)
    assert page.total == 6 and all(hit.score is None for hit in page.hits)
    assert ids(page) == ids(find(articles, None, sort=ArticleSort.LATEST))


def test_get_by_elastic_id(articles: SearchEngine) -> None:
    assert articles.get("article-4") == ARTICLES[3]
    assert articles.get("article-404") is None


# Special characters (docs/rules.md#articles-keyword-syntax)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "keyword", ["(", ")", "[", "]", "{", "}", "!", "^", "-", "+", "/", ":", "자바 (", "스프링 AND"]
)
def test_keywords_the_query_syntax_cannot_parse_are_invalid(articles: SearchEngine, keyword: str) -> None:
    with pytest.raises(InvalidQuery):
        find(articles, keyword)


@pytest.mark.parametrize("keyword", [*"@=#$%&*_<>,.?;'", "C#", "node.js", "스프링 ,"])
def test_other_special_characters_search_without_error(articles: SearchEngine, keyword: str) -> None:
    page = find(articles, keyword)
    assert page.total == len(page.hits)


def test_words_with_punctuation_find_their_articles(articles: SearchEngine) -> None:
    assert 5 in ids(find(articles, "C#"))
    assert ids(find(articles, "node.js")) == [6]


# Order and paging --------------------------------------------------------------------------------------------------


def test_every_sort_breaks_ties_on_reg_date_then_id(engine: SearchEngine) -> None:
    same = ("쿠버네티스 운영 노트", "클러스터 업그레이드 기록")
    engine.index(
        [
            doc(1, *same, reg_date="2025-08-01", view_total_count=5, comment_total_count=1, popular_score=3),
            doc(2, *same, reg_date="2025-08-03", view_total_count=5, comment_total_count=1, popular_score=3),
            doc(3, *same, reg_date="2025-08-03", view_total_count=5, comment_total_count=1, popular_score=3),
            doc(4, *same, reg_date="2025-08-02", view_total_count=9, comment_total_count=0, popular_score=1),
            doc(5, *same, reg_date="2025-08-02", view_total_count=1, comment_total_count=7, popular_score=8),
        ]
    )
    expected = {
        ArticleSort.LATEST: [3, 2, 5, 4, 1],
        ArticleSort.HIGHEST_SCORE: [3, 2, 5, 4, 1],  # equal texts: equal scores, or no keyword (LATEST)
        ArticleSort.MOST_VIEWED: [4, 3, 2, 1, 5],
        ArticleSort.MOST_COMMENTED: [5, 3, 2, 1, 4],
        ArticleSort.POPULAR: [5, 3, 2, 1, 4],
    }
    for sort, order in expected.items():
        for keyword in (None, "쿠버네티스"):
            assert ids(find(engine, keyword, sort=sort)) == order, (sort, keyword)


def _corpus() -> list[ArticleDocument]:
    """50 Korean articles: two thirds mention 스프링 (in the title, the contents or both), with many equal texts,
    dates and counters so that every order leans on its tie-breakers."""
    titles = ["스프링 배치 운영기", "대용량 트래픽 대응기", "스프링 클라우드 게이트웨이 도입", "검색 품질 개선"]
    contents = [
        "스프링 부트 설정을 정리했습니다.",
        "캐시와 큐로 부하를 나누었습니다.",
        "모니터링 지표를 다시 설계했습니다.",
    ]
    documents = []
    for i in range(1, 51):
        documents.append(
            doc(
                i,
                titles[i % 4],
                contents[i % 3],
                company_id=1 + i % 3,
                reg_date=f"2025-07-{1 + i % 6:02d}",
                view_total_count=i % 4,
                recommend_total_count=i % 2,
                comment_total_count=i % 3,
                popular_score=(i * 7) % 5,
            )
        )
    return documents


CORPUS = _corpus()
SPRING = {d.id for d in CORPUS if "스프링" in d.title or "스프링" in d.contents}


@pytest.fixture(scope="module", params=ENGINES)
def corpus(request: pytest.FixtureRequest) -> Iterator[SearchEngine]:
    """One engine per kind holding the corpus, shared by the paging tests (they only read)."""
    created = _new_engine(request.param)
    created.index(CORPUS)
    yield created
    _drop(created)


def _position(
    engine: SearchEngine, sort: ArticleSort, keyword: str | None, hit_id: str, score: float | None
) -> SearchAfter:
    """The ``after`` of a hit, built the way the article list builds it: from the engine's own document."""
    document = engine.get(hit_id)
    assert document is not None
    if keyword is not None and sort is ArticleSort.HIGHEST_SCORE:
        assert score is not None
        value = score
    else:
        value = float(getattr(document, SORT_FIELD[sort])) if sort in SORT_FIELD else 0.0
    return SearchAfter(value, document.reg_date, document.id)


@pytest.mark.parametrize("size", [7, 10])
@pytest.mark.parametrize("keyword", [None, "스프링"])
@pytest.mark.parametrize("sort", list(ArticleSort))
def test_paging_visits_every_match_once_with_exact_has_next(
    corpus: SearchEngine, sort: ArticleSort, keyword: str | None, size: int
) -> None:
    matches = [d for d in CORPUS if keyword is None or d.id in SPRING]
    pages: list[SearchPage] = []
    after = None
    while True:
        page = corpus.search(keyword=keyword, company_id=None, sort=sort, after=after, size=size)
        pages.append(page)
        assert page.total == len(matches)
        if not page.has_next:
            break
        assert len(page.hits) == size
        after = _position(corpus, sort, keyword, page.hits[-1].elastic_id, page.hits[-1].score)
        assert len(pages) <= len(matches)

    visited = [hit for page in pages for hit in page.hits]
    assert len(pages) == -(-len(matches) // size)  # no empty page at the end, even when the last one is full
    assert len(visited) == len(matches) and {h.id for h in visited} == {d.id for d in matches}
    by_id = {d.id: d for d in CORPUS}
    if keyword is not None and sort is ArticleSort.HIGHEST_SCORE:
        keys = [(h.score, by_id[h.id].reg_date, h.id) for h in visited]
        assert keys == sorted(keys, reverse=True) and len(set(keys)) == len(keys)
    else:
        field = SORT_FIELD.get(sort)
        expected = sorted(matches, key=lambda d: (getattr(d, field) if field else 0, d.reg_date, d.id), reverse=True)
        assert [h.id for h in visited] == [d.id for d in expected]
        assert all(h.score is None for h in visited) if keyword is None else all(h.score for h in visited)

    # After the last hit there is nothing.
    last = visited[-1]
    tail = corpus.search(
        keyword=keyword,
        company_id=None,
        sort=sort,
        after=_position(corpus, sort, keyword, last.elastic_id, last.score),
        size=size,
    )
    assert tail.hits == [] and tail.has_next is False


def test_paging_within_a_company(corpus: SearchEngine) -> None:
    expected = sorted((d for d in CORPUS if d.company_id == 2), key=lambda d: (d.reg_date, d.id), reverse=True)
    first = corpus.search(keyword=None, company_id=2, sort=ArticleSort.LATEST, after=None, size=7)
    after = _position(corpus, ArticleSort.LATEST, None, first.hits[-1].elastic_id, None)
    second = corpus.search(keyword=None, company_id=2, sort=ArticleSort.LATEST, after=after, size=7)
    assert ids(first) + ids(second) == [d.id for d in expected][:14]
    assert first.total == second.total == len(expected)


# Writes ------------------------------------------------------------------------------------------------------------


def test_a_reindexed_counter_reorders_the_list(articles: SearchEngine) -> None:
    assert ids(find(articles, None, sort=ArticleSort.MOST_VIEWED))[0] == 6  # all 0 views: latest date, highest id
    articles.index([doc(2, ARTICLES[1].title, ARTICLES[1].contents, company_id=2, view_total_count=10)])
    page = find(articles, None, sort=ArticleSort.MOST_VIEWED)
    assert ids(page)[:2] == [2, 6] and page.total == 6  # replaced, not added
    reindexed = articles.get("article-2")
    assert reindexed is not None and reindexed.view_total_count == 10
    assert ids(find(articles, "스프링", sort=ArticleSort.MOST_VIEWED))[0] == 2


def test_a_reindexed_text_is_searched_anew(articles: SearchEngine) -> None:
    articles.index([doc(3, "카프카 컨슈머 튜닝", "파티션과 오프셋", company_id=2)])
    assert ids(find(articles, "정산 데이터")) == []
    assert ids(find(articles, "카프카")) == [3]


def test_delete_removes_and_ignores_unknown_ids(articles: SearchEngine) -> None:
    articles.delete(["article-1", "article-999"])
    assert articles.get("article-1") is None
    assert sorted(ids(find(articles, "스프링"))) == [2, 4]
    assert find(articles, None, sort=ArticleSort.LATEST).total == 5
    articles.delete([])


def test_concurrent_searches_and_writes(engine: SearchEngine) -> None:
    engine.index([doc(i, f"동시성 테스트 {i}", "스레드 안전성") for i in range(1, 11)])
    failures: list[BaseException] = []

    def searcher() -> None:
        try:
            for _ in range(10):
                page = find(engine, "동시성", size=5)
                assert page.total >= 10 and len(page.hits) == 5
                assert engine.get("article-1") is not None
        except BaseException as failure:  # noqa: BLE001 - reported by the main thread
            failures.append(failure)

    def writer(start: int) -> None:
        try:
            for i in range(start, start + 5):
                engine.index([doc(i, f"동시성 추가 {i}", "쓰기")])
                assert engine.get(f"article-{i}") is not None  # visible to the very next read
        except BaseException as failure:  # noqa: BLE001
            failures.append(failure)

    threads = [threading.Thread(target=searcher) for _ in range(4)]
    threads += [threading.Thread(target=writer, args=(start,)) for start in (100, 200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert find(engine, "동시성").total == 20
