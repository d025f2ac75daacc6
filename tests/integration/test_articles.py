"""functions/articles (and GET /mypage/bookmarks) through the local gateway, on DynamoDB Local and the embedded search
engine (docs/rules.md#articles, #mypage-bookmarks).

The gateway drains DynamoDB Local's stream into the search index before every GET of the articles group, so a write
(ingestion, a view, a recommend) is visible to the next article list.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import pytest

from tests.conftest import BASE, bearer, fail, tokens

pytestmark = pytest.mark.integration

CRAWLER = {"service-name": "devdevdev-crawler", "api-key": "local-crawler-key"}
ANON = {"Anonymous-Member-Id": "GA1.1.276672604.1715872960"}
SEEDED_IDS = list(range(1, 9))
KEYWORD = "쿠버네티스"
SORT_KEY = {
    "LATEST": None,
    "POPULAR": "popularScore",
    "MOST_VIEWED": "viewTotalCount",
    "MOST_COMMENTED": "commentTotalCount",
}
SLICE_KEYS = ["content", "pageable", "size", "number", "sort", "first", "last", "numberOfElements", "empty"]
UNSORTED = {"empty": True, "sorted": False, "unsorted": True}


def draft(n: int, company_id: int = 1, **fields) -> dict:
    """One article of the crawler's batch (``n`` makes the URL unique)."""
    body = {
        "companyId": company_id,
        "title": f"새 글 {n}",
        "contents": f"새 글 {n}의 내용입니다.",
        "author": "크롤러",
        "regDate": "2024-05-01",
        "techArticleUrl": f"https://blog.example.com/posts/{n}",
        "thumbnailUrl": f"https://blog.example.com/posts/{n}/thumbnail.png",
    }
    body.update(fields)
    return body


def ingest(client, *articles: dict, headers: dict | None = None):
    return client.post(
        f"{BASE}/articles", headers=CRAWLER if headers is None else headers, json={"techArticles": list(articles)}
    )


def ingested_ids(client, *articles: dict) -> list[int]:
    response = ingest(client, *articles)
    assert response.status_code == 200, response.text
    return [a["id"] for a in response.json()["data"]["techArticles"]]


def article_list(client, headers: dict | None = None, **params) -> dict:
    response = client.get(f"{BASE}/articles", headers=headers or {}, params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def listed(client, article_id: int, headers: dict | None = None) -> dict:
    """The list item of one article (all articles on one page)."""
    content = article_list(client, headers, size=100)["content"]
    return {item["id"]: item for item in content}[article_id]


def walk(client, size: int, headers: dict | None = None, by_score: bool = False, **params):
    """Every page of a list, each asked with the previous page's last ``elasticId`` (and ``score``) as the cursor:
    (items, the pages' ``last`` flags, the pages' ``totalElements``)."""
    items, lasts, totals, cursor = [], [], [], dict[str, Any]()
    for _ in range(30):
        data = article_list(client, headers, size=size, **params, **cursor)
        items += data["content"]
        lasts.append(data["last"])
        totals.append(data["totalElements"])
        if data["last"]:
            return items, lasts, totals
        last = data["content"][-1]
        cursor = {"elasticId": last["elasticId"], **({"score": last["score"]} if by_score else {})}
    raise AssertionError("the list never ended")


def expected_lasts(count: int, size: int) -> list[bool]:
    pages = max(1, -(-count // size))
    return [False] * (pages - 1) + [True]


def add_comments(article_id: int, count: int) -> None:
    """Stand-in for comment registration (not built yet): the article's comment count and popular score move in the
    table, and the change stream carries them to the search index and the bookmarks."""
    from devdevdev.store import keys
    from devdevdev.store.models import ArticleItem

    ArticleItem(*keys.article(article_id)).update(
        actions=[ArticleItem.comment_total_count.add(count), ArticleItem.popular_score.add(4 * count)]
    )


@pytest.fixture
def user(client) -> dict[str, str]:
    return bearer(tokens(client)["accessToken"])


@pytest.fixture
def admin(client) -> dict[str, str]:
    return bearer(tokens(client, "admin")["accessToken"])


# The 50-article corpus ------------------------------------------------------------------------------------------

TITLE_TOPICS = ["운영 노트", "네트워크 정책", "배포 전략", "모니터링", "시크릿 관리", "오퍼레이터 개발"]
CONTENTS_FILLER = (
    "서비스가 커지면서 배포와 운영 방식을 다시 설계해야 했습니다. 팀에서 겪은 시행착오와 도입 과정, 그리고 "
    "앞으로 개선할 점들을 순서대로 정리해 보았습니다."
)


def corpus() -> tuple[list[dict], list[int], list[int]]:
    """50 Korean articles: 12 with the keyword in the title (a few also in the contents), 9 with it only in the
    contents, 29 without it. Companies and dates cycle so that sorts and filters see ties.
    Returns (drafts, indexes of title matches, indexes of contents-only matches)."""
    drafts, in_title, in_contents = [], [], []
    for n in range(50):
        company_id = n % 4 + 1
        reg_date = (date(2024, 3, 1) + timedelta(days=n % 17)).isoformat()
        if n < 12:
            title = f"{KEYWORD} {TITLE_TOPICS[n % len(TITLE_TOPICS)]} {n}편"
            contents = f"{CONTENTS_FILLER} 클러스터 {n}" + (f" 그리고 {KEYWORD} 버전 업그레이드." if n % 3 == 0 else "")
            in_title.append(n)
        elif n < 21:
            title = f"인프라 이야기 {n}편"
            contents = f"{CONTENTS_FILLER} 이번 글에서는 {KEYWORD} 위에서 서비스를 운영한 경험을 공유합니다. {n}"
            in_contents.append(n)
        else:
            title = f"백엔드 개발 노트 {n}편"
            contents = f"{CONTENTS_FILLER} 데이터베이스 인덱스와 캐시 전략을 다룹니다. {n}"
        drafts.append(draft(1000 + n, company_id, title=title, contents=contents, regDate=reg_date, thumbnailUrl=None))
    return drafts, in_title, in_contents


# POST /articles (the crawler) -----------------------------------------------------------------------------------


def test_ingestion_answers_ids_and_counts_new_articles_for_the_company(client):
    # Given 우아한형제들 with its two demo articles
    company = f"{BASE}/subscriptions/companies/1"
    assert client.get(company).json()["data"]["techArticleTotalCount"] == 2
    # When the crawler sends two new articles
    response = ingest(client, draft(1, title="첫 번째 글"), draft(2, company_id=1, title="두 번째 글"))
    # Then each gets the next id and its search id, in the order sent
    assert response.status_code == 200
    assert response.json() == {
        "resultType": "SUCCESS",
        "data": {
            "techArticles": [
                {"id": 9, "elasticId": "article-9", "techArticleUrl": "https://blog.example.com/posts/1"},
                {"id": 10, "elasticId": "article-10", "techArticleUrl": "https://blog.example.com/posts/2"},
            ]
        },
    }
    assert client.get(company).json()["data"]["techArticleTotalCount"] == 4
    # and they are listed at once, with everything the crawler sent
    data = article_list(client, size=20)
    assert data["totalElements"] == 10
    item = {i["id"]: i for i in data["content"]}[9]
    assert (item["title"], item["author"], item["regDate"], item["thumbnailUrl"], item["isLogoImage"]) == (
        "첫 번째 글",
        "크롤러",
        "2024-05-01",
        "https://blog.example.com/posts/1/thumbnail.png",
        False,
    )


def test_ingestion_is_idempotent_by_url_and_updates_the_text(client):
    # Given an ingested article
    first = ingest(client, draft(1, title="처음 제목")).json()["data"]["techArticles"][0]
    # When the crawler sends the same URL again with a new title and contents
    again = ingest(client, draft(1, title=f"{KEYWORD} 새 제목", contents="고친 내용", regDate="2024-06-01"))
    # Then it is the same article, updated in place, and the company counts it once
    assert again.status_code == 200
    assert again.json()["data"]["techArticles"] == [first]
    detail = client.get(f"{BASE}/articles/{first['id']}").json()["data"]
    assert (detail["title"], detail["contents"], detail["regDate"]) == (f"{KEYWORD} 새 제목", "고친 내용", "2024-06-01")
    assert client.get(f"{BASE}/subscriptions/companies/1").json()["data"]["techArticleTotalCount"] == 3
    assert article_list(client)["totalElements"] == 9
    # and the search index follows the new text: found by the new title, no longer by the old one
    found = article_list(client, keyword="새 제목")
    assert [i["id"] for i in found["content"]] == [first["id"]]
    assert article_list(client, keyword="처음 제목")["totalElements"] == 0


def test_concurrent_ingestions_of_one_url_make_one_article(client):
    with ThreadPoolExecutor(max_workers=5) as pool:
        responses = list(pool.map(lambda n: ingest(client, draft(7, title=f"동시에 {n}")), range(5)))
    assert [r.status_code for r in responses] == [200] * 5
    assert len({r.json()["data"]["techArticles"][0]["id"] for r in responses}) == 1
    assert client.get(f"{BASE}/subscriptions/companies/1").json()["data"]["techArticleTotalCount"] == 3
    assert article_list(client)["totalElements"] == 9


def test_ingestion_needs_the_crawler_service_and_its_key(client):
    cases = [
        ({"service-name": "other-crawler", "api-key": "local-crawler-key"}, fail("지원하는 서비스가 아닙니다.", 404)),
        ({"api-key": "local-crawler-key"}, fail("지원하는 서비스가 아닙니다.", 404)),
        ({"service-name": "devdevdev-crawler", "api-key": "wrong-key"}, fail("접근할 수 없는 권한 입니다.", 403)),
        ({"service-name": "devdevdev-crawler"}, fail("접근할 수 없는 권한 입니다.", 403)),
        ({"service-name": "devdevdev-crawler", "api-key": " "}, fail("접근할 수 없는 권한 입니다.", 403)),
    ]
    for headers, expected in cases:
        response = ingest(client, draft(1), headers=headers)
        assert (response.status_code, response.json()) == (expected["errorCode"], expected), headers
    # nothing was written
    assert article_list(client)["totalElements"] == 8


def test_ingestion_validates_the_batch_before_writing_anything(client):
    company_1 = f"{BASE}/subscriptions/companies/1"

    def sent(*articles, body=None):
        if body is not None:
            return client.post(f"{BASE}/articles", headers=CRAWLER, json=body)
        return ingest(client, *articles)

    # An unknown company anywhere in the batch: 404, and the valid article before it is not written either
    response = sent(draft(1), draft(2, company_id=999))
    assert (response.status_code, response.json()) == (404, fail("존재하지 않는 기업 입니다.", 404))
    # No articles
    body: dict[str, Any]
    for body in ({"techArticles": []}, {}, {"techArticles": None}, {"techArticles": "글"}):
        response = sent(body=body)
        assert (response.status_code, response.json()) == (400, fail("기술 블로그는 필수 입니다.", 400)), body
    # Bad fields, each named
    bad = [
        (draft(1, regDate="2024/05/01"), "techArticles[0].regDate 값은 yyyy-MM-dd 형식이어야 합니다."),
        (draft(1, regDate="2024-02-30"), "techArticles[0].regDate 값은 yyyy-MM-dd 형식이어야 합니다."),
        (draft(1, regDate="20240501"), "techArticles[0].regDate 값은 yyyy-MM-dd 형식이어야 합니다."),
        (draft(1, regDate="2024-W18-3"), "techArticles[0].regDate 값은 yyyy-MM-dd 형식이어야 합니다."),
        (draft(1, regDate=None), "techArticles[0].regDate 값이 필요합니다."),
        (draft(1, techArticleUrl="blog.example.com/1"), "techArticles[0].techArticleUrl: 알맞은 URL 형식이 아닙니다."),
        (draft(1, techArticleUrl=None), "techArticles[0].techArticleUrl 값이 필요합니다."),
        (draft(1, thumbnailUrl="ftp://x/y.png"), "techArticles[0].thumbnailUrl: 알맞은 URL 형식이 아닙니다."),
        (draft(1, title=None), "techArticles[0].title 값이 필요합니다."),
        (draft(1, title="  "), "techArticles[0].title 값이 필요합니다."),
        (draft(1, title="가" * 151), "techArticles[0].title 값은 150자를 넘을 수 없습니다."),
        (draft(1, companyId=None), "기업 아이디는 필수 입니다."),
        # the URL is part of a DynamoDB key and the contents live in one item: both are bounded in UTF-8 bytes
        (
            draft(1, techArticleUrl="https://blog.example.com/" + "한" * 700),
            "techArticles[0].techArticleUrl 값은 UTF-8로 2000바이트를 넘을 수 없습니다.",
        ),
        (draft(1, contents="가" * 100_001), "techArticles[0].contents 값은 UTF-8로 300000바이트를 넘을 수 없습니다."),
    ]
    for article, message in bad:
        response = sent(article)
        assert (response.status_code, response.json()) == (400, fail(message, 400)), article
    response = sent(draft(1), draft(2, regDate="어제"))
    assert response.json() == fail("techArticles[1].regDate 값은 yyyy-MM-dd 형식이어야 합니다.", 400)
    for article in (draft(1, companyId="abc"), draft(1, title=123)):
        response = sent(article)
        assert response.status_code == 400 and response.json()["resultType"] == "FAIL", article
    response = sent(*[draft(n) for n in range(101)])
    assert response.status_code == 400 and response.json()["errorCode"] == 400
    # and none of it was written
    assert article_list(client)["totalElements"] == 8
    assert client.get(company_1).json()["data"]["techArticleTotalCount"] == 2


# GET /articles with a keyword (the done-when) -----------------------------------------------------------


def test_fifty_articles_search_ranks_title_matches_first_and_pages_every_match_once(client):
    # Given 50 new Korean articles: 12 with the keyword in the title, 9 with it only in the contents
    drafts, in_title, in_contents = corpus()
    ids = ingested_ids(client, *drafts)
    title_ids = {ids[n] for n in in_title} | {6}  # demo article 6 is "쿠버네티스 오토스케일링 튜닝"
    contents_ids = {ids[n] for n in in_contents}
    matches = title_ids | contents_ids
    assert len(matches) == 22
    # When the client pages the search with size 7, passing the last item's elasticId and score
    items, lasts, totals = walk(client, 7, keyword=KEYWORD, by_score=True)
    # Then every match comes exactly once, only the fourth page is the last, and the total is the match count
    seen = [item["id"] for item in items]
    assert sorted(seen) == sorted(matches)
    assert lasts == [False, False, False, True]
    assert totals == [22] * 4
    # and the order is the relevance score (a float on every item), then regDate, then id, all descending
    assert all(isinstance(item["score"], float) and item["score"] > 0 for item in items)
    order: list[tuple[Any, ...]] = [(item["score"], item["regDate"], item["id"]) for item in items]
    assert order == sorted(order, reverse=True)
    # with every title match ranked above every contents-only match
    assert set(seen[: len(title_ids)]) == title_ids
    assert set(seen[len(title_ids) :]) == contents_ids
    # HIGHEST_SCORE is the default with a keyword
    explicit = article_list(client, keyword=KEYWORD, techArticleSort="HIGHEST_SCORE", size=7)["content"]
    assert [i["id"] for i in explicit] == seen[:7]

    # A keyword with another sort: only the matches, in that sort's order; the cursor needs no score
    items, lasts, totals = walk(client, 10, keyword=KEYWORD, techArticleSort="LATEST")
    assert sorted(i["id"] for i in items) == sorted(matches)
    assert (lasts, totals) == ([False, False, True], [22] * 3)
    order = [(i["regDate"], i["id"]) for i in items]
    assert order == sorted(order, reverse=True)

    # A company filter with the keyword: the company's matches only, counted as such
    company_3 = {ids[n] for n in in_title + in_contents if drafts[n]["companyId"] == 3} | {6}
    items, lasts, totals = walk(client, 3, keyword=KEYWORD, companyId=3, by_score=True)
    assert sorted(i["id"] for i in items) == sorted(company_3)
    assert totals[0] == len(company_3) and lasts == expected_lasts(len(company_3), 3)
    assert {i["company"]["id"] for i in items} == {3}

    # Words are ANDed, and a word that nothing contains finds nothing
    both = article_list(client, keyword=f"{KEYWORD} 튜닝", size=50)
    assert ([i["id"] for i in both["content"]], both["totalElements"]) == ([6], 1)
    none = article_list(client, keyword="존재하지않는단어")
    assert (none["content"], none["totalElements"], none["last"], none["empty"]) == ([], 0, True, True)


def test_fifty_articles_page_exactly_once_in_every_sort_without_keyword(client):
    # Given 58 articles (8 demo + 50 new) with views, recommends and comments that make differences and ties
    drafts, _, _ = corpus()
    ids = ingested_ids(client, *drafts)
    everything = set(SEEDED_IDS) | set(ids)
    for article_id, views in ((ids[3], 3), (ids[20], 2), (5, 2), (ids[40], 1)):
        for _ in range(views):
            assert client.get(f"{BASE}/articles/{article_id}").status_code == 200
    for n, article_id in enumerate((ids[10], ids[30], 2)):
        anonymous = {"Anonymous-Member-Id": f"GA1.1.{n}"}
        assert client.post(f"{BASE}/articles/{article_id}/recommend", headers=anonymous).status_code == 200
    add_comments(ids[45], 3)
    add_comments(1, 1)
    add_comments(ids[12], 1)
    for sort, key in SORT_KEY.items():
        # When the client pages with size 20, passing the last item's elasticId
        items, lasts, totals = walk(client, 20, techArticleSort=sort)
        # Then every article comes exactly once, only the third page is the last, and the total counts them all
        assert sorted(i["id"] for i in items) == sorted(everything), sort
        assert (lasts, totals) == ([False, False, True], [58] * 3), sort
        # in the sort's order, then regDate, then id (all descending), with no score
        order = [((i[key] if key else 0), i["regDate"], i["id"]) for i in items]
        assert order == sorted(order, reverse=True), sort
        assert {i["score"] for i in items} == {None}, sort
    top = {sort: article_list(client, techArticleSort=sort, size=1)["content"][0]["id"] for sort in SORT_KEY}
    assert top == {"LATEST": 8, "POPULAR": ids[45], "MOST_VIEWED": ids[3], "MOST_COMMENTED": ids[45]}

    # HIGHEST_SCORE without a keyword is LATEST, and its cursor needs no score
    latest = [i["id"] for i in walk(client, 25, techArticleSort="LATEST")[0]]
    highest, lasts, _ = walk(client, 25, techArticleSort="HIGHEST_SCORE")
    assert [i["id"] for i in highest] == latest and lasts == [False, False, True]
    assert [i["id"] for i in walk(client, 25)[0]] == latest  # and LATEST is the default
    blank = article_list(client, keyword="  ", size=58)
    assert [i["id"] for i in blank["content"]] == latest and blank["totalElements"] == 58

    # A company filter: that company's articles only, paged and counted as such
    company_2 = {3, 4} | {ids[n] for n in range(50) if drafts[n]["companyId"] == 2}
    items, lasts, totals = walk(client, 5, companyId=2, techArticleSort="POPULAR")
    assert sorted(i["id"] for i in items) == sorted(company_2)
    assert totals[0] == len(company_2) and lasts == expected_lasts(len(company_2), 5)


def test_list_cursor_and_keyword_errors(client):
    first = article_list(client, keyword=KEYWORD)["content"][0]
    assert first["id"] == 6
    cases = [
        # the HIGHEST_SCORE cursor needs the score (also when HIGHEST_SCORE is the keyword's default)
        (
            {"keyword": KEYWORD, "techArticleSort": "HIGHEST_SCORE", "elasticId": "article-6"},
            fail("정확도순 페이지네이션을 위한 커서의 score를 입력해주세요.", 400),
        ),
        (
            {"keyword": KEYWORD, "elasticId": "article-6"},
            fail("정확도순 페이지네이션을 위한 커서의 score를 입력해주세요.", 400),
        ),
        (
            {"keyword": KEYWORD, "elasticId": "article-6", "score": " "},
            fail("정확도순 페이지네이션을 위한 커서의 score를 입력해주세요.", 400),
        ),
        # an elasticId the engine does not know
        ({"elasticId": "article-999"}, fail("존재하지 않는 기술블로그입니다.", 404)),
        (
            {"keyword": KEYWORD, "elasticId": "elasticId_1", "score": "1.5"},
            fail("존재하지 않는 기술블로그입니다.", 404),
        ),
        # keywords the query syntax cannot parse
        ({"keyword": "("}, fail("검색어에 특수문자는 포함할 수 없어요", 400)),
        ({"keyword": "자바 ["}, fail("검색어에 특수문자는 포함할 수 없어요", 400)),
        ({"keyword": "자바)"}, fail("검색어에 특수문자는 포함할 수 없어요", 400)),
        ({"keyword": "!"}, fail("검색어에 특수문자는 포함할 수 없어요", 400)),
        ({"keyword": "스프링 {"}, fail("검색어에 특수문자는 포함할 수 없어요", 400)),
        ({"keyword": "title:"}, fail("검색어에 특수문자는 포함할 수 없어요", 400)),
        ({"keyword": "^"}, fail("검색어에 특수문자는 포함할 수 없어요", 400)),
    ]
    for params, expected in cases:
        response = client.get(f"{BASE}/articles", params=params)
        assert (response.status_code, response.json()) == (expected["errorCode"], expected), params
    # Parameters that are not what they should be
    for params in (
        {"techArticleSort": "OLDEST"},
        {"techArticleSort": "latest"},
        {"size": "0"},
        {"size": "-3"},
        {"size": "abc"},
        {"keyword": KEYWORD, "elasticId": "article-6", "score": "abc"},
        {"keyword": KEYWORD, "elasticId": "article-6", "score": "NaN"},
        {"keyword": KEYWORD, "elasticId": "article-6", "score": "Infinity"},
        {"companyId": "abc"},
        {"companyId": "0"},
    ):
        response = client.get(f"{BASE}/articles", params=params)
        body = response.json()
        assert (response.status_code, body["resultType"], body["errorCode"]) == (400, "FAIL", 400), params
        assert body["message"] and set(body) == {"resultType", "message", "errorCode"}, params
    assert client.get(f"{BASE}/articles", params={"score": "abc"}).json()["errorCode"] == 400
    # Characters query_string takes are no error (legacy tests: @ = # $ % & * _ < > , . ? ; ')
    for keyword in ("@", "자바 ,", "C#", "node.js", "'", "*", "a?b", "#$%&", "<>"):
        response = client.get(f"{BASE}/articles", params={"keyword": keyword})
        assert response.status_code == 200, keyword
    # A keyword with a cursor and its score goes on after it
    rest = article_list(client, keyword=KEYWORD, elasticId=first["elasticId"], score=first["score"])
    assert rest["content"] == [] and rest["last"] is True and rest["totalElements"] == 1


# List items -----------------------------------------------------------------------------------------------------


def test_list_items_are_the_contract_shape_with_logo_fallback(client, user):
    # Given the member's bookmark on demo article 7
    assert client.post(f"{BASE}/articles/7/bookmark", headers=user).json()["data"]["status"] is True
    # When the member reads the first page
    data = article_list(client, user, size=2)
    # Then the newest articles come first; article 8 has no thumbnail, so its company's logo stands in
    assert data["content"] == [
        {
            "id": 8,
            "elasticId": "article-8",
            "thumbnailUrl": "https://toss.tech/logo.png",
            "isLogoImage": True,
            "techArticleUrl": "https://toss.tech/posts/8",
            "title": "React 렌더링 최적화",
            "contents": "불필요한 리렌더링을 찾아내고 메모이제이션으로 줄인 과정을 다룹니다.",
            "company": {
                "id": 4,
                "name": "토스",
                "careerUrl": "https://toss.im/careers",
                "officialImageUrl": "https://toss.tech/logo.png",
            },
            "regDate": "2025-01-09",
            "author": "토스 개발자",
            "viewTotalCount": 0,
            "recommendTotalCount": 0,
            "commentTotalCount": 0,
            "popularScore": 0,
            "isBookmarked": False,
            "score": None,
        },
        {
            "id": 7,
            "elasticId": "article-7",
            "thumbnailUrl": "https://toss.tech/posts/7/thumbnail.png",
            "isLogoImage": False,
            "techArticleUrl": "https://toss.tech/posts/7",
            "title": "토스의 서버 드리븐 UI",
            "contents": "서버가 화면 구성을 내려주는 방식으로 배포 없이 화면을 바꾸는 방법입니다.",
            "company": {
                "id": 4,
                "name": "토스",
                "careerUrl": "https://toss.im/careers",
                "officialImageUrl": "https://toss.tech/logo.png",
            },
            "regDate": "2025-01-08",
            "author": "토스 개발자",
            "viewTotalCount": 0,
            "recommendTotalCount": 0,
            "commentTotalCount": 0,
            "popularScore": 0,
            "isBookmarked": True,
            "score": None,
        },
    ]
    assert [list(item) for item in data["content"]] == [list(data["content"][0])] * 2
    # in a Slice with totalElements right after pageable, unsorted
    assert {k: v for k, v in data.items() if k != "content"} == {
        "pageable": {"pageNumber": 0, "pageSize": 2, "sort": UNSORTED, "offset": 0, "paged": True, "unpaged": False},
        "totalElements": 8,
        "size": 2,
        "number": 0,
        "sort": UNSORTED,
        "first": True,
        "last": False,
        "numberOfElements": 2,
        "empty": False,
    }
    assert list(data) == ["content", "pageable", "totalElements", *SLICE_KEYS[2:]]
    # Every even demo article falls back to its company's logo, every odd one has its own thumbnail
    for item in article_list(client, size=8)["content"]:
        assert item["isLogoImage"] is (item["id"] % 2 == 0)
        if item["isLogoImage"]:
            assert item["thumbnailUrl"] == item["company"]["officialImageUrl"]
        assert item["isBookmarked"] is False  # guests
    # the default page size is 10
    assert article_list(client)["size"] == 10 and article_list(client, size=500)["size"] == 100


def test_list_and_detail_cut_contents_to_1000_characters(client, user):
    # Given an article of 1500 characters and one of the largest contents ingestion takes (300 000 UTF-8 bytes),
    # under a URL of Korean characters
    contents = "가나다라마바사아자차" * 150
    largest = "가나다라마바사아자차" * 9_999 + "마지막문단입니다"[:10]
    url = "https://blog.example.com/posts/" + "한글주소" * 150
    short_id, large_id = ingested_ids(
        client, draft(1, contents=contents), draft(2, contents=largest, techArticleUrl=url)
    )
    # Then lists and the detail show the first 1000 characters
    assert listed(client, short_id, user)["contents"] == contents[:1000]
    assert client.get(f"{BASE}/articles/{short_id}").json()["data"]["contents"] == contents[:1000]
    assert listed(client, large_id, user)["contents"] == largest[:1000]
    assert client.get(f"{BASE}/articles/{large_id}").json()["data"]["techArticleUrl"] == url
    # while search sees all of the text
    found = article_list(client, keyword="마지막문단")["content"]
    assert [i["id"] for i in found] == [large_id]


# GET /articles/{id} ---------------------------------------------------------------------------------------------


def test_detail_is_the_contract_shape_and_counts_a_view_per_call(client, user):
    # When a guest reads demo article 1 three times
    for _ in range(2):
        client.get(f"{BASE}/articles/1")
    response = client.get(f"{BASE}/articles/1")
    # Then the third read shows three views and popular score 2 per view, without an id field
    assert response.status_code == 200
    data = response.json()["data"]
    assert data == {
        "elasticId": "article-1",
        "thumbnailUrl": "https://techblog.woowahan.com/posts/1/thumbnail.png",
        "techArticleUrl": "https://techblog.woowahan.com/posts/1",
        "title": "스프링 배치로 대용량 정산 처리하기",
        "contents": "스프링 배치의 청크 지향 처리와 파티셔닝으로 정산 데이터를 나눠 처리한 경험을 공유합니다.",
        "company": {
            "id": 1,
            "name": "우아한형제들",
            "careerUrl": "https://www.woowahan.com/careers",
            "officialImageUrl": "https://techblog.woowahan.com/logo.png",
        },
        "regDate": "2025-01-02",
        "author": "우아한형제들 개발자",
        "viewTotalCount": 3,
        "recommendTotalCount": 0,
        "commentTotalCount": 0,
        "popularScore": 6,
        "isBookmarked": False,
        "isRecommended": False,
    }
    assert list(data) == [
        "elasticId",
        "thumbnailUrl",
        "techArticleUrl",
        "title",
        "contents",
        "company",
        "regDate",
        "author",
        "viewTotalCount",
        "recommendTotalCount",
        "commentTotalCount",
        "popularScore",
        "isBookmarked",
        "isRecommended",
    ]
    # An article without a thumbnail has none in the detail (no logo fallback)
    assert client.get(f"{BASE}/articles/2", headers=user).json()["data"]["thumbnailUrl"] is None
    # and the views reach the lists: article 1 leads MOST_VIEWED, then article 2 (one view), then regDate order
    most_viewed = article_list(client, techArticleSort="MOST_VIEWED")["content"]
    assert [i["id"] for i in most_viewed] == [1, 2, 8, 7, 6, 5, 4, 3]
    assert (most_viewed[0]["viewTotalCount"], most_viewed[0]["popularScore"]) == (3, 6)
    assert [i["id"] for i in article_list(client, techArticleSort="POPULAR", size=2)["content"]] == [1, 2]


def test_detail_shows_the_members_bookmark_and_recommend(client, user, admin):
    assert client.post(f"{BASE}/articles/3/bookmark", headers=user).status_code == 200
    assert client.post(f"{BASE}/articles/3/recommend", headers=user).status_code == 200
    mine = client.get(f"{BASE}/articles/3", headers=user).json()["data"]
    assert (mine["isBookmarked"], mine["isRecommended"], mine["recommendTotalCount"]) == (True, True, 1)
    theirs = client.get(f"{BASE}/articles/3", headers=admin).json()["data"]
    assert (theirs["isBookmarked"], theirs["isRecommended"], theirs["recommendTotalCount"]) == (False, False, 1)
    # a member's own recommend is not an anonymous member's
    guest = client.get(f"{BASE}/articles/3", headers=ANON).json()["data"]
    assert (guest["isBookmarked"], guest["isRecommended"]) == (False, False)


def test_detail_shows_an_anonymous_members_recommend_only_with_the_header(client):
    response = client.post(f"{BASE}/articles/4/recommend", headers=ANON)
    assert response.json() == {
        "resultType": "SUCCESS",
        "data": {"techArticleId": 4, "status": True, "recommendTotalCount": 1},
    }
    with_header = client.get(f"{BASE}/articles/4", headers=ANON).json()["data"]
    assert (with_header["isBookmarked"], with_header["isRecommended"]) == (False, True)
    without = client.get(f"{BASE}/articles/4").json()["data"]
    assert (without["isBookmarked"], without["isRecommended"]) == (False, False)
    other = client.get(f"{BASE}/articles/4", headers={"Anonymous-Member-Id": "GA1.1.999"}).json()["data"]
    assert other["isRecommended"] is False
    assert without["viewTotalCount"] == 2  # guests count views too


def test_concurrent_views_all_count(client):
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda _: client.get(f"{BASE}/articles/8").status_code, range(10)))
    assert statuses == [200] * 10
    item = listed(client, 8)
    assert (item["viewTotalCount"], item["popularScore"]) == (10, 20)


def test_detail_errors(client, user):
    for headers in ({}, user, ANON):
        response = client.get(f"{BASE}/articles/999", headers=headers)
        assert (response.status_code, response.json()) == (404, fail("존재하지 않는 기술블로그입니다.", 404))
    for raw in ("abc", "0", "-1", "1.5"):
        response = client.get(f"{BASE}/articles/{raw}")
        assert response.status_code == 400 and response.json()["errorCode"] == 400, raw
    # a missing article gains no views and no list entry
    assert article_list(client)["totalElements"] == 8


# POST /articles/{id}/bookmark -----------------------------------------------------------------------------------


def test_bookmark_toggles_on_off_on(client, user):
    statuses = []
    for _ in range(3):
        response = client.post(f"{BASE}/articles/5/bookmark", headers=user)
        assert response.status_code == 200
        statuses.append(response.json())
    assert statuses == [
        {"resultType": "SUCCESS", "data": {"techArticleId": 5, "status": status}} for status in (True, False, True)
    ]
    assert listed(client, 5, user)["isBookmarked"] is True


def test_bookmark_errors(client, user):
    response = client.post(f"{BASE}/articles/5/bookmark")
    assert (response.status_code, response.json()) == (403, fail("비회원은 현재 해당 기능을 이용할 수 없습니다.", 403))
    response = client.post(f"{BASE}/articles/5/bookmark", headers=ANON)
    assert (response.status_code, response.json()) == (403, fail("비회원은 현재 해당 기능을 이용할 수 없습니다.", 403))
    response = client.post(f"{BASE}/articles/999/bookmark", headers=user)
    assert (response.status_code, response.json()) == (404, fail("존재하지 않는 기술블로그입니다.", 404))
    response = client.post(f"{BASE}/articles/abc/bookmark", headers=user)
    assert response.status_code == 400 and response.json()["resultType"] == "FAIL"


# POST /articles/{id}/recommend ----------------------------------------------------------------------------------


def test_recommend_toggles_with_the_count_and_popular_score(client, user):
    answers = [client.post(f"{BASE}/articles/2/recommend", headers=user).json()["data"] for _ in range(2)]
    assert answers == [
        {"techArticleId": 2, "status": True, "recommendTotalCount": 1},
        {"techArticleId": 2, "status": False, "recommendTotalCount": 0},
    ]
    # a member and an anonymous member recommend: +4 popular score each
    client.post(f"{BASE}/articles/2/recommend", headers=user)
    response = client.post(f"{BASE}/articles/2/recommend", headers=ANON)
    assert response.json()["data"] == {"techArticleId": 2, "status": True, "recommendTotalCount": 2}
    item = listed(client, 2, user)
    assert (item["recommendTotalCount"], item["popularScore"]) == (2, 8)
    assert article_list(client, techArticleSort="POPULAR", size=1)["content"][0]["id"] == 2
    # the anonymous member takes theirs back: -4
    assert client.post(f"{BASE}/articles/2/recommend", headers=ANON).json()["data"]["recommendTotalCount"] == 1
    item = listed(client, 2)
    assert (item["recommendTotalCount"], item["popularScore"]) == (1, 4)


def test_recommend_errors(client, user):
    response = client.post(f"{BASE}/articles/2/recommend")
    assert (response.status_code, response.json()) == (400, fail("익명 회원 아이디를 확인해주세요.", 400))
    for anonymous_id in ("  ", "G" * 31):
        response = client.post(f"{BASE}/articles/2/recommend", headers={"Anonymous-Member-Id": anonymous_id})
        assert (response.status_code, response.json()) == (400, fail("익명 회원 아이디를 확인해주세요.", 400))
    for headers in (user, ANON):
        response = client.post(f"{BASE}/articles/999/recommend", headers=headers)
        assert (response.status_code, response.json()) == (404, fail("존재하지 않는 기술블로그입니다.", 404))
    assert listed(client, 2)["recommendTotalCount"] == 0


def test_twenty_anonymous_members_recommending_at_once_count_twenty(client):
    def recommend(n: int):
        return client.post(f"{BASE}/articles/6/recommend", headers={"Anonymous-Member-Id": f"GA1.1.{n}.1715872960"})

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(recommend, range(20)))
    assert [r.status_code for r in responses] == [200] * 20, [r.text for r in responses if r.status_code != 200]
    assert {r.json()["data"]["status"] for r in responses} == {True}
    assert sorted(r.json()["data"]["recommendTotalCount"] for r in responses)[-1] == 20
    item = listed(client, 6)
    assert (item["recommendTotalCount"], item["popularScore"]) == (20, 80)


def test_one_member_toggling_concurrently_ends_consistent(client, user):
    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(lambda _: client.post(f"{BASE}/articles/7/recommend", headers=user), range(10)))
    # every toggle happens, one after another
    assert [r.status_code for r in responses] == [200] * 10, [r.text for r in responses if r.status_code != 200]
    done = [r.json()["data"] for r in responses]
    detail = client.get(f"{BASE}/articles/7", headers=user).json()["data"]
    final = len(done) % 2 == 1
    assert detail["isRecommended"] is final
    assert detail["recommendTotalCount"] == int(final)
    assert detail["popularScore"] == 4 * int(final) + 2
    assert {d["recommendTotalCount"] for d in done} <= {0, 1}


# GET /mypage/bookmarks ------------------------------------------------------------------------------------------


def my_bookmarks(client, headers: dict, **params) -> dict:
    response = client.get(f"{BASE}/mypage/bookmarks", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def walk_bookmarks(client, headers: dict, size: int, **params) -> tuple[list[dict], list[bool]]:
    items, lasts, cursor = [], [], dict[str, Any]()
    for _ in range(20):
        data = my_bookmarks(client, headers, size=size, **params, **cursor)
        assert "totalElements" not in data and list(data) == SLICE_KEYS
        items += data["content"]
        lasts.append(data["last"])
        if data["last"]:
            return items, lasts
        cursor = {"techArticleId": data["content"][-1]["id"]}
    raise AssertionError("the list never ended")


def test_my_bookmarks_in_three_orders(clocked):
    client, _, clock = clocked
    user = bearer(tokens(client)["accessToken"])
    admin = bearer(tokens(client, "admin")["accessToken"])
    # Given bookmarks toggled a second apart: 3, 7, 1, 5, 8 on; 5 off; 3 off and on again (now the newest)
    for article_id in (3, 7, 1, 5, 8, 5, 3, 3):
        clock.advance(seconds=1)
        assert client.post(f"{BASE}/articles/{article_id}/bookmark", headers=user).status_code == 200
    # and comments on articles 1 (two) and 7 (one) after they were bookmarked, carried by the stream
    add_comments(1, 2)
    add_comments(7, 1)
    article_list(client)  # an article GET drains the stream locally (in AWS the indexer Lambda follows it)
    expected = {
        "BOOKMARKED": [3, 8, 1, 7],
        "LATEST": [8, 7, 3, 1],
        "MOST_COMMENTED": [1, 7, 8, 3],
    }
    for sort, order in expected.items():
        # When the member pages with size 3, passing the last id
        items, lasts = walk_bookmarks(client, user, 3, bookmarkSort=sort)
        # Then each active bookmark comes once, in the sort's order; un-bookmarked 5 is gone
        assert [i["id"] for i in items] == order, sort
        assert lasts == [False, True], sort
        assert {(i["isBookmarked"], i["score"]) for i in items} == {(True, None)}, sort
    # BOOKMARKED is the default; size 2 pages end exactly
    items, lasts = walk_bookmarks(client, user, 2)
    assert ([i["id"] for i in items], lasts) == ([3, 8, 1, 7], [False, True])
    # Items are the list's items with isBookmarked true
    first = my_bookmarks(client, user, size=1)
    assert first["content"][0] == {**listed(client, 3, user), "score": None}
    assert first["content"][0]["isBookmarked"] is True
    assert {k: v for k, v in first.items() if k != "content"} == {
        "pageable": {"pageNumber": 0, "pageSize": 1, "sort": UNSORTED, "offset": 0, "paged": True, "unpaged": False},
        "size": 1,
        "number": 0,
        "sort": UNSORTED,
        "first": True,
        "last": False,
        "numberOfElements": 1,
        "empty": False,
    }
    assert my_bookmarks(client, user)["size"] == 10
    # Un-bookmarking takes an article out of every order at once
    clock.advance(seconds=1)
    client.post(f"{BASE}/articles/8/bookmark", headers=user)
    for sort in expected:
        assert 8 not in [i["id"] for i in my_bookmarks(client, user, bookmarkSort=sort)["content"]], sort
    # Another member has none
    empty = my_bookmarks(client, admin)
    assert (empty["content"], empty["last"], empty["empty"]) == ([], True, True)


def test_my_bookmarks_go_on_after_a_cursor_that_was_just_unbookmarked(clocked):
    client, _, clock = clocked
    user = bearer(tokens(client)["accessToken"])
    for article_id in (1, 2, 3, 4, 5, 6):
        clock.advance(seconds=1)
        client.post(f"{BASE}/articles/{article_id}/bookmark", headers=user)
    add_comments(2, 2)
    add_comments(5, 1)
    article_list(client)  # drain the stream into the bookmarks' comment counts
    expected = {"BOOKMARKED": [6, 5, 4, 3, 2, 1], "LATEST": [6, 5, 4, 3, 2, 1], "MOST_COMMENTED": [2, 5, 6, 4, 3, 1]}
    for sort, order in expected.items():
        # Given the first page of two
        page = my_bookmarks(client, user, bookmarkSort=sort, size=2)["content"]
        assert [i["id"] for i in page] == order[:2], sort
        # When the member un-bookmarks the last one shown, then asks for the next page after it
        clock.advance(seconds=1)
        assert client.post(f"{BASE}/articles/{order[1]}/bookmark", headers=user).json()["data"]["status"] is False
        rest = my_bookmarks(client, user, bookmarkSort=sort, size=10, techArticleId=order[1])
        # Then the list goes on after it, with nothing repeated
        assert [i["id"] for i in rest["content"]] == order[2:], sort
        # (the bookmark comes back before the next order is tried)
        clock.advance(seconds=1)
        client.post(f"{BASE}/articles/{order[1]}/bookmark", headers=user)


def test_my_bookmarks_cursor_of_an_article_not_bookmarked(clocked):
    client, _, clock = clocked
    user = bearer(tokens(client)["accessToken"])
    for article_id in (2, 4, 6):
        clock.advance(seconds=1)
        client.post(f"{BASE}/articles/{article_id}/bookmark", headers=user)
    # LATEST goes on below the cursor's id, whether or not that article is bookmarked
    assert [i["id"] for i in my_bookmarks(client, user, bookmarkSort="LATEST", techArticleId=5)["content"]] == [4, 2]
    assert [i["id"] for i in my_bookmarks(client, user, bookmarkSort="LATEST", techArticleId=4)["content"]] == [2]
    # a cursor beyond any id is the first page
    first = my_bookmarks(client, user, bookmarkSort="LATEST", techArticleId="9223372036854775807")
    assert [i["id"] for i in first["content"]] == [6, 4, 2]


def test_my_bookmarks_errors(client, user):
    response = client.get(f"{BASE}/mypage/bookmarks")
    assert (response.status_code, response.json()) == (401, fail("유효하지 않은 회원 입니다.", 401))
    response = client.get(f"{BASE}/mypage/bookmarks", headers=ANON)
    assert (response.status_code, response.json()) == (401, fail("유효하지 않은 회원 입니다.", 401))
    for params in ({"bookmarkSort": "POPULAR"}, {"size": "0"}, {"techArticleId": "abc"}, {"techArticleId": "-1"}):
        response = client.get(f"{BASE}/mypage/bookmarks", headers=user, params=params)
        body = response.json()
        assert (response.status_code, body["resultType"], body["errorCode"]) == (400, "FAIL", 400), params


# GET /keywords/auto-complete ------------------------------------------------------------------------------------


def suggest(client, **params) -> dict:
    response = client.get(f"{BASE}/keywords/auto-complete", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_auto_complete_from_ingested_titles(client, seeded):
    # The demo articles' title words are there from the start, as if the crawler had sent them
    assert suggest(client, prefix="쿠버") == {"resultType": "SUCCESS", "datas": ["쿠버네티스"]}
    assert suggest(client, prefix="ㅋ")["datas"] == ["카프카", "컨슈머", "코루틴", "쿠버네티스"]
    assert suggest(client, prefix="react")["datas"] == ["React"]
    # Given articles whose title words become keywords
    titles = ["자바 스트림 정리", "자바스크립트 클로저", "스프링 배치", "스프링부트 시작하기"]
    ingested_ids(client, *[draft(n, title=title) for n, title in enumerate(titles)])
    # When a prefix is typed, by syllables, by jamo or by initial consonants
    # Then the keywords starting with it come, shorter first
    for prefix in ("자", "잡", "ㅈㅏ", "ㅈㅏㅂ", "ㅈㅏㅂㅏ", "자바"):
        assert suggest(client, prefix=prefix) == {"resultType": "SUCCESS", "datas": ["자바", "자바스크립트"]}, prefix
    assert suggest(client, prefix="ㅈ")["datas"] == ["자바", "정리", "정산", "지연", "줄이기", "자바스크립트"]
    assert suggest(client, prefix="ㅅㅍㄹ")["datas"] == ["스프링", "스프링부트"]
    assert suggest(client, prefix="스프링부")["datas"] == ["스프링부트"]
    assert suggest(client, prefix=" 클로 ")["datas"] == ["클로저"]
    # Nothing found, or nothing asked: an empty list
    for params in ({"prefix": "파이썬"}, {"prefix": "   "}, {"prefix": ""}, {}):
        assert suggest(client, **params) == {"resultType": "SUCCESS", "datas": []}, params

    # Keywords added later (other processes see them within the cache's TTL): the exact keyword first
    seeded.keywords.add(["자바가 최고야"])
    seeded.keywords.invalidate()
    assert suggest(client, prefix="자바")["datas"] == ["자바", "자바스크립트", "자바가 최고야"]
    seeded.keywords.add([f"자료구조 {n:02d}" for n in range(30)])
    seeded.keywords.invalidate()
    many = suggest(client, prefix="자")["datas"]
    assert len(many) == 20 and many[:2] == ["자바", "자바스크립트"]


def test_an_article_url_cannot_move_to_another_company(client):
    crawler = {"service-name": "devdevdev-crawler", "api-key": "local-crawler-key"}
    article = {
        "companyId": 1,
        "title": "이사 가는 글",
        "regDate": "2025-02-01",
        "techArticleUrl": "https://techblog.woowahan.com/posts/moving",
    }
    assert client.post(f"{BASE}/articles", headers=crawler, json={"techArticles": [article]}).status_code == 200
    response = client.post(f"{BASE}/articles", headers=crawler, json={"techArticles": [dict(article, companyId=2)]})
    assert response.status_code == 400
    assert (
        response.json()["message"]
        == "https://techblog.woowahan.com/posts/moving: 다른 기업(companyId=1)의 글로 등록된 URL입니다."
    )
