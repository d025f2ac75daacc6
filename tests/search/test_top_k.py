"""The embedded engine reads a page as a top-k: how many documents a page takes out of tantivy, and that the top-k
orders give exactly the pages of a reference order (every match sorted in Python, as the engine did before)."""

from __future__ import annotations

from typing import Any

import pytest
import tantivy
from devdevdev.search.embedded import EmbeddedSearch
from devdevdev.search.port import ArticleDocument, ArticleSort, SearchAfter, SearchPage

SORT_FIELD = {
    ArticleSort.POPULAR: "popular_score",
    ArticleSort.MOST_VIEWED: "view_total_count",
    ArticleSort.MOST_COMMENTED: "comment_total_count",
}


class _CountingSearcher:
    """A tantivy searcher that counts the hits its searches hand to Python."""

    def __init__(self, searcher: tantivy.Searcher, reads: list[int]) -> None:
        self._searcher = searcher
        self._reads = reads

    def search(self, *args: Any, **kwargs: Any) -> Any:
        result = self._searcher.search(*args, **kwargs)
        self._reads.append(len(result.hits))
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._searcher, name)


class CountingSearch(EmbeddedSearch):
    """The embedded engine, counting what each search reads."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: list[int] = []

    def _searcher(self) -> Any:
        return _CountingSearcher(super()._searcher(), self.reads)

    def read_by(self, **search: Any) -> tuple[SearchPage, int]:
        self.reads.clear()
        page = self.search(**search)
        return page, sum(self.reads)


def _corpus(count: int) -> list[ArticleDocument]:
    """Articles with few distinct texts, dates and counters, so every order leans on its tie-breakers."""
    titles = ["스프링 배치 운영기", "스프링 스프링 클라우드", "검색 품질 개선", "스프링 부트 3 전환기"]
    contents = ["스프링 설정을 정리했습니다.", "캐시와 큐로 부하를 나누었습니다.", "스프링", ""]
    return [
        ArticleDocument(
            id=i,
            elastic_id=f"article-{i}",
            company_id=1 + i % 3,
            title=titles[i % 4],
            contents=contents[(i // 4) % 4],
            reg_date=f"2025-07-{1 + i % 5:02d}",
            view_total_count=i % 4,
            comment_total_count=i % 2,
            popular_score=(i * 7) % 3,
        )
        for i in range(1, count + 1)
    ]


def _engine(count: int) -> CountingSearch:
    engine = CountingSearch()
    documents = _corpus(count)
    for start in range(0, count, 500):
        engine.index(documents[start : start + 500])
    return engine


@pytest.fixture(scope="module")
def small() -> CountingSearch:
    return _engine(120)


@pytest.fixture(scope="module")
def large() -> CountingSearch:
    return _engine(1200)


def _after(engine: EmbeddedSearch, sort: ArticleSort, keyword: str | None, elastic_id: str, score: float | None):
    document = engine.get(elastic_id)
    assert document is not None
    if keyword is not None and sort is ArticleSort.HIGHEST_SCORE:
        assert score is not None
        return SearchAfter(score, document.reg_date, document.id)
    value = float(getattr(document, SORT_FIELD[sort])) if sort in SORT_FIELD else 0.0
    return SearchAfter(value, document.reg_date, document.id)


def _reference(
    engine: EmbeddedSearch, keyword: str | None, sort: ArticleSort, company_id: int | None
) -> list[tuple[int, float | None]]:
    """Every match in the port's order, sorted here from the documents and the engine's own relevance scores."""
    everything = engine.search(
        keyword=keyword, company_id=company_id, sort=ArticleSort.HIGHEST_SCORE, after=None, size=10_000
    )
    assert not everything.has_next
    documents = {hit.id: engine.get(hit.elastic_id) for hit in everything.hits}
    scores = {hit.id: hit.score for hit in everything.hits}
    field = SORT_FIELD.get(sort)

    def key(article_id: int) -> tuple[float, str, int]:
        document = documents[article_id]
        assert document is not None
        if keyword is not None and sort is ArticleSort.HIGHEST_SCORE:
            value = scores[article_id] or 0.0
        else:
            value = float(getattr(document, field)) if field else 0.0
        return value, document.reg_date, article_id

    return [(article_id, scores[article_id]) for article_id in sorted(documents, key=key, reverse=True)]


@pytest.mark.parametrize("company_id", [None, 2])
@pytest.mark.parametrize("keyword", [None, "스프링", "스프링 부트"])
@pytest.mark.parametrize("sort", list(ArticleSort))
def test_pages_walk_the_reference_order_with_ties(
    large: CountingSearch, sort: ArticleSort, keyword: str | None, company_id: int | None
) -> None:
    expected = _reference(large, keyword, sort, company_id)
    assert len(expected) > 60
    walked: list[tuple[int, float | None]] = []
    after = None
    while True:
        page = large.search(keyword=keyword, company_id=company_id, sort=sort, after=after, size=25)
        assert page.total == len(expected)
        walked += [(hit.id, hit.score) for hit in page.hits]
        if not page.has_next:
            break
        last = page.hits[-1]
        after = _after(large, sort, keyword, last.elastic_id, last.score)
    # The same hits in the same order, each with the relevance score of the keyword (None without one).
    assert walked == expected


@pytest.mark.parametrize(
    ("sort", "keyword", "bound"),
    [
        (ArticleSort.LATEST, None, 1),  # size + 1 in one read
        (ArticleSort.LATEST, "스프링", 2),  # and the page's scores: size more
        (ArticleSort.MOST_VIEWED, None, 2),  # size + 1, then at most size + 1 ties of the last value
        (ArticleSort.POPULAR, "스프링", 3),
    ],
)
def test_a_page_reads_size_plus_one_documents_whatever_the_number_of_matches(
    small: CountingSearch, large: CountingSearch, sort: ArticleSort, keyword: str | None, bound: int
) -> None:
    size = 10
    for engine in (small, large):
        first, read = engine.read_by(keyword=keyword, company_id=None, sort=sort, after=None, size=size)
        assert len(first.hits) == size and first.has_next
        assert size + 1 <= read <= bound * (size + 1)
        after = _after(engine, sort, keyword, first.hits[-1].elastic_id, first.hits[-1].score)
        second, read = engine.read_by(keyword=keyword, company_id=None, sort=sort, after=after, size=size)
        assert len(second.hits) == size and second.has_next
        # The cursor page: the same, and one more hit read to count every match (``total``).
        assert size + 1 <= read <= bound * (size + 1) + 1
        assert second.total == first.total > 10 * size


def _reference_hits(engine: EmbeddedSearch, keyword: str) -> list[Any]:
    everything = engine.search(keyword=keyword, company_id=None, sort=ArticleSort.HIGHEST_SCORE, after=None, size=1000)
    return sorted(everything.hits, key=lambda hit: (hit.score, hit.id), reverse=True)  # one date: (score, id)


def test_relevance_pages_read_by_rank_not_by_matches(small: CountingSearch, large: CountingSearch) -> None:
    """By relevance a page reads the matches scoring at or above its last hit (and any tie of that score), one more
    to see that the last hit's score is not shared with an unread match: the same at 120 and 1,200 articles."""
    leaders = [
        ArticleDocument(id=5000 + n, elastic_id=f"leader-{n}", company_id=1, title=" ".join(["카프카"] * n), contents="",
                        reg_date="2025-06-01")
        for n in range(2, 14)
    ]  # fmt: skip
    followers = [
        ArticleDocument(id=6000 + i, elastic_id=f"follower-{i}", company_id=1, title="카프카 입문", contents="",
                        reg_date="2025-06-01")
        for i in range(300)
    ]  # fmt: skip
    engine = CountingSearch()
    engine.index(leaders)
    page, read = engine.read_by(keyword="카프카", company_id=None, sort=ArticleSort.HIGHEST_SCORE, after=None, size=5)
    assert [hit.id for hit in page.hits] == [5013, 5012, 5011, 5010, 5009]
    assert read == 5 + 2
    engine.index(followers)  # 300 more matches, all scoring below the leaders
    ranked = [hit.id for hit in _reference_hits(engine, "카프카")]
    assert set(ranked[:12]) == {leader.id for leader in leaders}
    page, read = engine.read_by(keyword="카프카", company_id=None, sort=ArticleSort.HIGHEST_SCORE, after=None, size=5)
    assert [hit.id for hit in page.hits] == ranked[:5] and page.total == 312
    assert read == 5 + 2
    after = _after(engine, ArticleSort.HIGHEST_SCORE, "카프카", page.hits[-1].elastic_id, page.hits[-1].score)
    page, read = engine.read_by(keyword="카프카", company_id=None, sort=ArticleSort.HIGHEST_SCORE, after=after, size=5)
    assert [hit.id for hit in page.hits] == ranked[5:10]
    # A cursor page reads what ranks before it too: 5 ahead of the cursor and 5 + 2 from it, in reads growing 8-fold.
    assert read <= 7 + 56
    # A tie group at the page's end is read whole (equal texts score equally): the 300 followers tie.
    page, read = engine.read_by(keyword="입문", company_id=None, sort=ArticleSort.HIGHEST_SCORE, after=None, size=5)
    assert len(page.hits) == 5 and [hit.id for hit in page.hits] == [6299, 6298, 6297, 6296, 6295]
    assert read >= 300


def test_a_cursor_page_reuses_the_count_until_a_write() -> None:
    engine = CountingSearch()
    engine.index(_corpus(60))
    first, read = engine.read_by(keyword="스프링", company_id=None, sort=ArticleSort.LATEST, after=None, size=5)
    after = _after(engine, ArticleSort.LATEST, "스프링", first.hits[-1].elastic_id, None)
    second, read = engine.read_by(keyword="스프링", company_id=None, sort=ArticleSort.LATEST, after=after, size=5)
    assert second.total == first.total and read <= 2 * 6  # the page and its scores: no count of every match
    engine.index([ArticleDocument(id=999, elastic_id="article-999", company_id=1, title="스프링", contents="",
                                  reg_date="2025-01-01")])  # fmt: skip
    third = engine.search(keyword="스프링", company_id=None, sort=ArticleSort.LATEST, after=after, size=5)
    assert third.total == first.total + 1
    assert [hit.id for hit in third.hits] == [hit.id for hit in second.hits]  # the new one is older than the cursor
    engine.delete(["article-999"])
    assert engine.search(keyword="스프링", company_id=None, sort=ArticleSort.LATEST, after=after, size=5).total == (
        first.total
    )
