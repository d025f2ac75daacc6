"""The released devdevdev web client against this API, in its own terms (issue 18).

Every test sends what the client sends (the bare `/devdevdev/api` prefix it adds itself, the `Origin` of its pages, the
`_ga` cookie and its value as `Anonymous-Member-Id` on every call, a bearer token for a member, its query strings
with their quirks) and checks what it reads: every field, with the JSON type its components use, in the date
formats they parse; CORS for a credentialed cross-origin page; the Server-Sent Events stream as its EventSource
polyfill accepts it; and the notifications page, popup and bell fed through the same field reads as its components.

The client's `/v1` releases (the ones this API serves) read the contract's fields on the pick list and detail: the
fields only `/v2` answers (`isNew`, `totalElements`, option thumbnails on lists, vote and comment totals on the
detail, `searchScore`) are not asked for here.

One seeded stage on a real port for the module (``stage``, tests/contract/conftest.py), prepared once by
``web``; the tests only read it, or write with members and visitors of their own.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple
from urllib.parse import quote

import httpx
import jwt
import pytest

from tests.conftest import LiveServer, new_member

pytestmark = pytest.mark.integration

API = "/devdevdev/api"  # the client's NEXT_PUBLIC_SERVICE_URL is the bare origin; it adds /devdevdev/api/v1/... itself
ORIGIN = "http://127.0.0.1:3000"  # the web client's pages, on another port of the same host
MAX = 9007199254740991  # Number.MAX_SAFE_INTEGER: the first-page cursor of picks, comments, notifications, my page
CRAWLER = {"service-name": "devdevdev-crawler", "api-key": "local-crawler-key"}


# What the client reads: JSON types and formats ------------------------------------------------------------------


class Fmt(NamedTuple):
    """A string in a format the client parses."""

    name: str
    pattern: str


class Null(NamedTuple):
    """``spec`` or null (where the client copes with null)."""

    spec: Any


class OneOf(NamedTuple):
    values: tuple[str, ...]


NUM = "number"  # a JSON number (int or float)
# Comment dates: formatISOtoDate splits on a space, so an ISO "T" throws during render.
SPACED = Fmt("YYYY-MM-DD HH:mm:ss", r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
DAY = Fmt("YYYY-MM-DD", r"\d{4}-\d{2}-\d{2}")
# Notification dates go through `new Date(createdAt)`: an ISO local date-time (or the spaced form) parses.
JS_DATE = Fmt(
    "a date JavaScript's Date parses", r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?"
)


def problems(value: Any, spec: Any, path: str = "") -> list[str]:
    """Where ``value`` differs from what the client reads (``spec``): missing fields, wrong types, bad formats."""
    if isinstance(spec, Null):
        return [] if value is None else problems(value, spec.spec, path)
    if value is None:
        return [f"{path}: null"]
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__}, not an object"]
        found = []
        for key, inner in spec.items():
            if key not in value:
                found.append(f"{path}.{key}: missing")
            else:
                found += problems(value[key], inner, f"{path}.{key}")
        return found
    if isinstance(spec, list):
        if not isinstance(value, list):
            return [f"{path}: {type(value).__name__}, not an array"]
        return [p for i, item in enumerate(value) for p in problems(item, spec[0], f"{path}[{i}]")]
    if isinstance(spec, Fmt):
        if not isinstance(value, str) or not re.fullmatch(spec.pattern, value):
            return [f"{path}: {value!r} is not {spec.name}"]
        return []
    if isinstance(spec, OneOf):
        return [] if value in spec.values else [f"{path}: {value!r} not in {spec.values}"]
    if spec == NUM:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif spec is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, spec)
    return [] if ok else [f"{path}: {value!r} is not {getattr(spec, '__name__', spec)}"]


def assert_reads(body: dict[str, Any], spec: dict[str, Any]) -> None:
    assert body.get("resultType") == "SUCCESS", body
    found = problems(body, spec)
    assert not found, found


def slice_of(item: Any, *, total: bool = True, origin_total: bool = False) -> dict[str, Any]:
    """A paged list as the client reads it: ``content[]``, ``last``, and (where shown) ``totalElements``."""
    data: dict[str, Any] = {"content": [item], "last": bool}
    if total:
        data["totalElements"] = int
    if origin_total:
        data["totalOriginParentComments"] = int
    return {"data": data}


PICK_OPTION = {"id": int, "title": str, "percent": NUM, "isPicked": bool}
PICK_ITEM = {
    "id": int,
    "title": str,
    "isVoted": bool,
    "voteTotalCount": int,
    "commentTotalCount": int,
    "pickOptions": [PICK_OPTION],
}
DETAIL_OPTION = {
    "id": int,
    "title": str,
    "isPicked": bool,
    "percent": NUM,
    "content": Null(str),  # markdown; the second option of a pick may have none
    "voteTotalCount": int,
    "pickDetailOptionImages": [{"id": int, "imageUrl": str}],
}
PICK_DETAIL = {
    "data": {
        "userId": str,
        "nickname": str,
        "pickCreatedAt": SPACED,
        "pickTitle": str,
        "isAuthor": bool,
        "isVoted": bool,
        "pickOptions": {"firstPickOption": DETAIL_OPTION, "secondPickOption": DETAIL_OPTION},
    }
}
SIMILAR = {"datas": [{"id": int, "title": str, "voteTotalCount": int, "commentTotalCount": int}]}
COMMENT_COMMON = {
    "author": str,
    "maskedEmail": Null(str),  # a visitor's comment has no email to mask
    "createdAt": SPACED,
    "isCommentAuthor": bool,
    "isDeleted": bool,
    "isModified": bool,
    "contents": str,
    "isRecommended": bool,
    "recommendTotalCount": int,
}
PICK_REPLY = {
    "pickCommentId": int,
    "pickParentCommentId": int,
    "pickOriginParentCommentId": int,
    "pickParentCommentAuthor": str,
    "isCommentOfPickAuthor": bool,
    **COMMENT_COMMON,
}
PICK_COMMENT = {
    "pickCommentId": int,
    "isCommentOfPickAuthor": bool,
    "votedPickOption": Null(str),  # null unless the author made the vote public
    "votedPickOptionTitle": Null(str),
    **COMMENT_COMMON,
    "replies": [PICK_REPLY],
}
TECH_REPLY = {
    "techCommentId": int,
    "techParentCommentId": int,
    "techOriginParentCommentId": int,
    "techParentCommentAuthor": str,
    **COMMENT_COMMON,
}
TECH_COMMENT = {"techCommentId": int, **COMMENT_COMMON, "replies": [TECH_REPLY]}
COMPANY_REF = {"id": int, "name": str}
ARTICLE_ITEM = {
    "id": int,
    "thumbnailUrl": str,  # the company logo when the article has none (isLogoImage)
    "title": str,
    "company": COMPANY_REF,
    "regDate": DAY,
    "author": str,
    "contents": str,
    "isBookmarked": bool,
    "isLogoImage": bool,
    "score": Null(NUM),  # the HIGHEST_SCORE cursor; null in the other orders
}
ARTICLE_DETAIL = {
    "data": {
        "title": str,
        "company": COMPANY_REF,
        "regDate": DAY,
        "author": str,
        "contents": str,
        "thumbnailUrl": Null(str),  # the detail has no logo fallback
        "isBookmarked": bool,
        "techArticleUrl": str,
        "recommendTotalCount": int,
        "isRecommended": bool,
    }
}
COMPANY_CARD = {"companyId": int, "companyName": str, "companyImageUrl": str, "isSubscribed": bool}
COMPANY_DETAIL = {
    "data": {
        "companyId": int,
        "companyName": str,
        "industry": str,
        "companyDescription": str,
        "companyOfficialImageUrl": str,
        "companyCareerUrl": str,
        "techArticleTotalCount": int,
        "isSubscribed": bool,
    }
}
POPUP_ITEM = {
    "id": int,
    "type": OneOf(("SUBSCRIPTION", "COMMENT_AND_REPLY")),
    "title": str,
    "createdAt": JS_DATE,
    "isRead": bool,
    "companyName": str,
    "techArticleId": int,
}
PAGE_ITEM = {
    "notificationId": int,
    "type": OneOf(("SUBSCRIPTION", "COMMENT_AND_REPLY")),
    "createdAt": JS_DATE,
    "isRead": bool,
    "techArticle": {
        "id": int,
        "thumbnailUrl": str,
        "techArticleUrl": str,
        "title": str,
        "contents": str,
        "company": COMPANY_REF,
        "regDate": DAY,
        "author": str,
    },
}
MY_PICK = {
    "id": int,
    "title": str,
    "isVoted": bool,
    "voteTotalCount": int,
    "commentTotalCount": int,
    "contentStatus": OneOf(("APPROVAL", "REJECT", "READY")),
    "pickOptions": [PICK_OPTION],
}
MY_COMMENT = {
    "uniqueCommentId": str,
    "postId": int,
    "postTitle": str,
    "commentId": int,
    "commentType": OneOf(("PICK", "TECH")),  # the contract's values (the client's type names TECH_ARTICLE)
    "commentContents": str,
    "commentRecommendTotalCount": int,
    "commentCreatedAt": SPACED,
    "pickOptionTitle": Null(str),  # a tech comment, or a pick comment without a public vote
    "pickOptionType": Null(str),
}
EXIT_SURVEY = {
    "data": {
        "surveyVersionId": int,
        "surveyQuestions": [
            {
                "id": int,
                "surveyQuestionOptions": [{"id": int, "title": str, "content": Null(str), "sortOrder": int}],
            }
        ],
    }
}


# The client -------------------------------------------------------------------------------------------------------


class WebClient:
    """HTTP as the web client sends it: the page's Origin, the `_ga` cookie and its value as Anonymous-Member-Id on
    every call (logged in or not), and the bearer token when logged in. Every response must carry the CORS headers a
    credentialed cross-origin page needs, or the browser hides it from the client."""

    def __init__(self, url: str, ga: str, token: str | None = None) -> None:
        self.ga = ga
        headers = {"Origin": ORIGIN, "Anonymous-Member-Id": ga, "Cookie": f"_ga={ga}"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.http = httpx.Client(base_url=url + API, headers=headers, timeout=20)

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self.http.request(method, path, **kwargs)
        assert response.headers.get("access-control-allow-origin") == ORIGIN, (path, response.headers)
        assert response.headers.get("access-control-allow-credentials") == "true", (path, response.headers)
        return response

    def get(self, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.call("GET", path, **kwargs)
        assert response.status_code == 200, (path, response.text)
        return response.json()


class Web(NamedTuple):
    server: LiveServer
    visitor: WebClient
    member: WebClient  # the demo member: subscriptions, a bookmark, notifications of both types, comments, picks
    member_token: str
    replied_comment: dict[str, int]  # the member's demo comment that got a reply, per kind


def _wait(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the stage did not settle"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def web(stage: LiveServer) -> Iterator[Web]:
    """The demo data, plus what the member's pages show: two subscriptions, a bookmark, three subscription and two
    reply notifications (a visitor answered the member's comment on pick 1 and on article 1), five parent comments on
    pick 1 and article 1 (so the client fetches best comments), and the image bucket."""
    from infra.local import services
    from infra.local.seed import seed_demo_comments

    runtime = stage.runtime
    assert runtime.settings.s3_endpoint is not None  # the local stack's S3
    services.ensure_bucket(runtime.settings.s3_endpoint, runtime.settings.images_bucket, runtime.settings.region)
    seed_demo_comments(runtime)
    with httpx.Client(base_url=stage.url + API, timeout=20) as http:
        token = http.get("/v1/token/test/user").json()["data"]["accessToken"]
    member = WebClient(stage.url, "GA1.1.100000001.1700000000", token)
    visitor = WebClient(stage.url, "GA1.1.100000002.1700000000")
    for company_id in (1, 2):
        assert member.call("POST", "/v1/subscriptions", json={"companyId": company_id}).status_code == 200
    assert member.call("POST", "/v1/articles/1/bookmark").status_code == 200
    for n in range(3):  # five parent comments each (with the demo's two)
        body = {"contents": f"의견 {n}", "isPickVotePublic": False}
        assert visitor.call("POST", "/v1/picks/1/comments", json=body).status_code == 200
        assert visitor.call("POST", "/v1/articles/1/comments", json={"contents": f"의견 {n}"}).status_code == 200
    with httpx.Client(base_url=stage.url + API, headers=CRAWLER, timeout=20) as crawler:
        for company_id, article_ids in ((1, (1, 2)), (2, (3,))):
            body = {"companyId": company_id, "techArticles": [{"id": i} for i in article_ids]}
            assert crawler.post("/v1/notifications/SUBSCRIPTION", json=body).json() == {"resultType": "SUCCESS"}
    both = {"types": "SUBSCRIPTION,COMMENT_AND_REPLY"}
    _wait(lambda: member.get("/v1/notifications/unread-count", params=both)["data"] == 5)
    mine = {}
    for kind, path, id_field in (
        ("PICK", "/v1/picks/1/comments", "pickCommentId"),
        ("TECH", "/v1/articles/1/comments", "techCommentId"),
    ):
        content = member.get(path, params={"size": 10})["data"]["content"]
        mine[kind] = next(c[id_field] for c in content if c["isCommentAuthor"])
    yield Web(stage, visitor, member, token, mine)
    member.http.close()
    visitor.http.close()


@pytest.fixture(params=["visitor", "member"])
def who(request, web: Web) -> WebClient:
    """The same test for a visitor and for the member (both send Anonymous-Member-Id, as the client does)."""
    return getattr(web, request.param)


# 1. Fields and types, endpoint by endpoint ---------------------------------------------------------------------------


def test_main_and_pick_list_first_page(who: WebClient):
    body = who.get(f"/v1/picks?size=9&pickId={MAX}&pickSort=LATEST")
    assert_reads(body, slice_of(PICK_ITEM, total=False))
    assert body["data"]["content"], "the demo picks"


@pytest.mark.parametrize("sort", ["LATEST", "POPULAR", "MOST_VIEWED", "MOST_COMMENTED"])
def test_pick_list_pages_the_clients_way_through_every_pick_once(who: WebClient, sort: str):
    """Next cursor = content[size-1].id; a short page, or last, ends the paging."""
    seen: list[int] = []
    cursor = MAX
    for _ in range(10):
        data = who.get(f"/v1/picks?size=2&pickId={cursor}&pickSort={sort}")["data"]
        seen += [p["id"] for p in data["content"]]
        if data["last"] or len(data["content"]) < 2:
            break
        cursor = data["content"][1]["id"]
    assert sorted(seen) == [1, 2, 3, 4, 5], seen


def test_pick_detail(who: WebClient):
    assert_reads(who.get("/v1/picks/1"), PICK_DETAIL)


def test_similar_picks_use_datas(who: WebClient):
    body = who.get("/v1/picks/1/similarties")
    assert "data" not in body
    assert_reads(body, SIMILAR)


def test_pick_comments_with_the_clients_empty_option_filter(who: WebClient, web: Web):
    body = who.get(f"/v1/picks/1/comments?pickCommentId={MAX}&size=10&pickCommentSort=LATEST&pickOptionTypes=")
    assert_reads(body, slice_of(PICK_COMMENT, origin_total=True))
    assert body["data"]["totalOriginParentComments"] > 3  # so the client asks for best comments
    assert any(c["replies"] for c in body["data"]["content"]), "the demo thread has replies"
    mine = next(c for c in body["data"]["content"] if c["pickCommentId"] == web.replied_comment["PICK"])
    assert isinstance(mine["maskedEmail"], str)  # a member's comment shows its masked email


@pytest.mark.parametrize("sort", ["LATEST", "MOST_LIKED", "MOST_COMMENTED"])
def test_pick_comment_sorts_and_both_option_filters(who: WebClient, sort: str):
    query = f"pickCommentId={MAX}&size=10&pickCommentSort={sort}"
    assert_reads(who.get(f"/v1/picks/1/comments?{query}"), slice_of(PICK_COMMENT, origin_total=True))
    both = "&pickOptionTypes=firstPickOption&pickOptionTypes=secondPickOption"
    assert_reads(who.get(f"/v1/picks/1/comments?{query}{both}"), slice_of(PICK_COMMENT, origin_total=True))


def test_best_pick_comments_use_datas(who: WebClient):
    body = who.get("/v1/picks/1/comments/best?size=3")
    assert "data" not in body
    assert_reads(body, {"datas": [PICK_COMMENT]})
    assert body["datas"]


@pytest.mark.parametrize("sort", ["LATEST", "POPULAR", "MOST_VIEWED", "MOST_COMMENTED", "HIGHEST_SCORE"])
def test_article_list_with_the_clients_query_string(who: WebClient, sort: str):
    body = who.get(f"/v1/articles?&size=10&techArticleSort={sort}")
    assert_reads(body, slice_of(ARTICLE_ITEM))
    assert len(body["data"]["content"]) == 8


def test_article_search_carries_the_score_the_client_pages_with(who: WebClient):
    body = who.get(f"/v1/articles?&size=10&techArticleSort=HIGHEST_SCORE&keyword={quote('스프링')}")
    assert_reads(body, slice_of({**ARTICLE_ITEM, "score": NUM}))
    assert body["data"]["content"]


@pytest.mark.parametrize("sort", ["LATEST", "POPULAR", "MOST_VIEWED", "MOST_COMMENTED"])
def test_article_list_pages_the_clients_way_through_every_article_once(who: WebClient, sort: str):
    """The client's cursor is `techArticleId`, the last item's id (its company filter adds `companyId`)."""
    seen: list[int] = []
    query = f"/v1/articles?&size=3&techArticleSort={sort}"
    data = who.get(query)["data"]
    for _ in range(10):
        seen += [a["id"] for a in data["content"]]
        if data["last"] or len(data["content"]) < 3:
            break
        data = who.get(f"{query}&techArticleId={data['content'][-1]['id']}")["data"]
    assert sorted(seen) == list(range(1, 9)), seen


def _paged_the_clients_way(client: WebClient, path: str, cursor: str, id_field: str, first: str) -> list[int]:
    """Every id of a list, scrolled as the client scrolls it: size 2, the next cursor from the last item's id field,
    until ``last`` or a short page."""
    seen: list[int] = []
    query = f"{path}size=2{first}"
    for _ in range(50):
        data = client.get(query)["data"]
        seen += [item[id_field] for item in data["content"]]
        if data["last"] or len(data["content"]) < 2:
            return seen
        query = f"{path}size=2&{cursor}={data['content'][-1][id_field]}"
    raise AssertionError(f"{path} never ended: {seen}")


def _assert_pages_once(client: WebClient, path: str, cursor: str, id_field: str, first: str) -> None:
    everything = [item[id_field] for item in client.get(f"{path}size=100{first}")["data"]["content"]]
    assert len(everything) > 2, everything
    assert _paged_the_clients_way(client, path, cursor, id_field, first) == everything


@pytest.mark.parametrize(
    ("path", "cursor", "id_field", "first"),
    [
        (
            "/v1/picks/1/comments?pickCommentSort=LATEST&pickOptionTypes=&",
            "pickCommentId",
            "pickCommentId",
            f"&pickCommentId={MAX}",
        ),
        ("/v1/articles/1/comments?techCommentSort=LATEST&", "techCommentId", "techCommentId", ""),
        ("/v1/subscriptions/companies?&", "companyId", "companyId", ""),
    ],
)
def test_other_lists_page_the_clients_way_through_every_item_once(who: WebClient, path, cursor, id_field, first):
    _assert_pages_once(who, path, cursor, id_field, first)


@pytest.mark.parametrize(
    ("path", "cursor", "id_field", "first"),
    [
        ("/v1/mypage/picks?", "pickId", "id", f"&pickId={MAX}"),
        (
            "/v1/notifications/page?types=SUBSCRIPTION,COMMENT_AND_REPLY&",
            "notificationId",
            "notificationId",
            f"&notificationId={MAX}",
        ),
    ],
)
def test_member_lists_page_the_clients_way_through_every_item_once(web: Web, path, cursor, id_field, first):
    _assert_pages_once(web.member, path, cursor, id_field, first)


def test_the_article_cursor_is_checked_like_every_other_cursor(web: Web):
    first = web.visitor.get("/v1/articles?&size=3&techArticleSort=LATEST")["data"]["content"]
    assert (
        web.visitor.get(f"/v1/articles?&size=3&techArticleSort=LATEST&techArticleId={MAX}")["data"]["content"] == first
    )
    bad = web.visitor.call("GET", "/v1/articles?&size=3&techArticleId=abc")
    assert (bad.status_code, bad.json()) == (
        400,
        {"resultType": "FAIL", "message": "techArticleId 값이 올바른 숫자가 아닙니다.", "errorCode": 400},
    )
    unknown = web.visitor.call("GET", "/v1/articles?&size=3&techArticleId=4242")
    assert (unknown.status_code, unknown.json()["message"]) == (404, "존재하지 않는 기술블로그입니다.")


def test_article_search_pages_the_clients_way_with_id_and_score(who: WebClient):
    """Searching, the client pages with the last item's `techArticleId` and `score`."""
    query = f"/v1/articles?&size=1&techArticleSort=HIGHEST_SCORE&keyword={quote('경험')}"
    first = who.get(query)["data"]
    everything = who.get(f"/v1/articles?&size=10&techArticleSort=HIGHEST_SCORE&keyword={quote('경험')}")["data"]
    seen = [a["id"] for a in first["content"]]
    data = first
    for _ in range(10):
        if data["last"] or not data["content"]:
            break
        last = data["content"][-1]
        data = who.get(f"{query}&techArticleId={last['id']}&score={last['score']}")["data"]
        seen += [a["id"] for a in data["content"]]
    assert len(everything["content"]) > 1, "a keyword that several demo articles match"
    assert seen == [a["id"] for a in everything["content"]]


def test_company_strip_and_company_filter(who: WebClient):
    body = who.get("/v1/subscriptions/companies?&size=10")
    assert_reads(body, {"data": {"content": [COMPANY_CARD], "last": bool}})
    assert body["data"]["content"]
    filtered = who.get("/v1/articles?&size=10&techArticleSort=LATEST&companyId=1")["data"]["content"]
    assert filtered and {a["company"]["id"] for a in filtered} == {1}


def test_article_detail_and_its_company(who: WebClient):
    assert_reads(who.get("/v1/articles/1"), ARTICLE_DETAIL)
    assert_reads(who.get("/v1/subscriptions/companies/1"), COMPANY_DETAIL)


def test_article_comments_and_best_comments(who: WebClient):
    body = who.get("/v1/articles/1/comments?size=10&techCommentSort=LATEST")
    assert_reads(body, slice_of(TECH_COMMENT, origin_total=True))
    assert body["data"]["totalOriginParentComments"] > 3
    assert any(c["replies"] for c in body["data"]["content"])
    for sort in ("MOST_LIKED", "MOST_COMMENTED"):
        assert_reads(
            who.get(f"/v1/articles/1/comments?size=10&techCommentSort={sort}"),
            slice_of(TECH_COMMENT, origin_total=True),
        )
    best = who.get("/v1/articles/1/comments/best?size=3")
    assert "data" not in best
    assert_reads(best, {"datas": [TECH_COMMENT]})
    assert best["datas"]


def test_auto_complete_uses_datas_of_strings(who: WebClient):
    body = who.get(f"/v1/keywords/auto-complete?prefix={quote('스프')}")
    assert "data" not in body
    assert_reads(body, {"datas": [str]})
    assert body["datas"]


def test_blames_use_datas_and_offer_the_free_text_reason(web: Web):
    body = web.member.get("/v1/blames")
    assert_reads(body, {"datas": [{"id": int, "reason": str, "sortOrder": int}]})
    assert "기타" in [b["reason"] for b in body["datas"]]


def test_my_pages(web: Web):
    member = web.member
    picks = member.get(f"/v1/mypage/picks?size=10&pickId={MAX}")
    assert_reads(picks, {"data": {"content": [MY_PICK], "totalElements": int}})
    assert picks["data"]["content"]
    for comment_filter in ("ALL", "PICK", "TECH_ARTICLE"):
        comments = member.get(
            f"/v1/mypage/comments?size=5&pickCommentId={MAX}&techCommentId={MAX}&commentFilter={comment_filter}"
        )
        assert_reads(comments, slice_of(MY_COMMENT))
        assert comments["data"]["content"], comment_filter
    for sort in ("BOOKMARKED", "LATEST", "MOST_COMMENTED"):
        bookmarks = member.get(f"/v1/mypage/bookmarks?&size=10&bookmarkSort={sort}")
        assert_reads(bookmarks, {"data": {"content": [{**ARTICLE_ITEM, "isBookmarked": bool}], "last": bool}})
        assert [a["id"] for a in bookmarks["data"]["content"]] == [1]
    subscriptions = member.get(f"/v1/mypage/subscriptions/companies?size=8&companyId={MAX}")
    assert_reads(subscriptions, slice_of(COMPANY_CARD))
    assert sorted(c["companyId"] for c in subscriptions["data"]["content"]) == [1, 2]
    assert_reads(member.get("/v1/mypage/nickname/changeable"), {"data": bool})
    assert_reads(member.get("/v1/mypage/nickname/random"), {"data": str})
    assert_reads(member.get("/v1/mypage/exit-survey"), EXIT_SURVEY)


def test_notification_lists_as_the_client_asks_for_them(web: Web):
    member = web.member
    assert_reads(member.get("/v1/notifications/unread-count"), {"data": int})
    popup = member.get("/v1/notifications/popup?size=5")
    assert_reads(popup, {"data": {"content": [POPUP_ITEM]}})
    page = member.get(f"/v1/notifications/page?size=8&notificationId={MAX}")
    assert_reads(page, slice_of(PAGE_ITEM))
    assert popup["data"]["content"] and page["data"]["content"]


# 2. What the client sends that changes things --------------------------------------------------------------------


def test_a_visitors_vote_with_a_string_pick_id_is_theirs(web: Web):
    visitor = WebClient(web.server.url, "GA1.1.100000003.1700000000")
    response = visitor.call("POST", "/v1/picks/vote", json={"pickId": "2", "pickOptionId": 3})
    assert response.status_code == 200, response.text
    detail = visitor.get("/v1/picks/2")["data"]
    assert (detail["isVoted"], detail["pickOptions"]["firstPickOption"]["isPicked"]) == (True, True)
    listed = next(
        p for p in visitor.get(f"/v1/picks?size=9&pickId={MAX}&pickSort=LATEST")["data"]["content"] if p["id"] == 2
    )
    assert listed["isVoted"] is True
    # another visitor has not voted
    assert web.visitor.get("/v1/picks/2")["data"]["isVoted"] is False


def test_comment_and_recommend_responses_the_client_reads(web: Web):
    _, headers = new_member(web.server.runtime, "webrecommender")
    member = WebClient(web.server.url, "GA1.1.100000004.1700000000", headers["Authorization"].removeprefix("Bearer "))
    for client in (web.visitor, member):
        posted = client.call("POST", "/v1/picks/1/comments", json={"contents": "댓글", "isPickVotePublic": False})
        assert posted.status_code == 200, posted.text
        assert client.call("POST", "/v1/articles/1/comments", json={"contents": "댓글"}).status_code == 200
        recommend = client.call("POST", "/v1/articles/2/recommend", json={})
        assert_reads(recommend.json(), {"data": {"status": bool}})
    pick_comment = member.call("POST", f"/v1/picks/1/comments/{web.replied_comment['PICK']}/recommends")
    assert_reads(pick_comment.json(), {"data": {"isRecommended": bool}})
    tech_comment = member.call("POST", f"/v1/articles/1/comments/{web.replied_comment['TECH']}/recommends")
    assert_reads(tech_comment.json(), {"data": {"isRecommended": bool}})


def test_subscribe_and_unsubscribe_with_a_json_body_on_delete(web: Web):
    _, headers = new_member(web.server.runtime, "websubscriber")
    member = WebClient(web.server.url, "GA1.1.100000005.1700000000", headers["Authorization"].removeprefix("Bearer "))
    assert member.call("POST", "/v1/subscriptions", json={"companyId": 3}).status_code == 200
    assert member.get("/v1/subscriptions/companies/3")["data"]["isSubscribed"] is True
    response = member.call("DELETE", "/v1/subscriptions", json={"companyId": 3})
    assert response.status_code == 200, response.text
    assert member.get("/v1/subscriptions/companies/3")["data"]["isSubscribed"] is False


def test_a_pick_image_upload_answers_what_the_posting_page_reads(web: Web):
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )
    member = web.member
    files = [("pickOptionImages", ("pick.png", png, "image/png"))]
    response = member.call("POST", "/v1/picks/image?name=firstPickOptionImage", files=files)
    assert response.status_code == 200, response.text
    body = response.json()
    assert_reads(body, {"data": {"pickOptionImages": [{"pickOptionImageId": int, "imageKey": str, "imageUrl": str}]}})
    image_id = body["data"]["pickOptionImages"][0]["pickOptionImageId"]
    assert member.call("DELETE", f"/v1/picks/image/{image_id}").status_code == 200


def test_nickname_change_and_logout_answers(web: Web):
    _, headers = new_member(web.server.runtime, "webnickname")
    member = WebClient(web.server.url, "GA1.1.100000006.1700000000", headers["Authorization"].removeprefix("Bearer "))
    changed = member.call("PATCH", "/v1/mypage/nickname", json={"nickname": "새닉네임"})
    assert (changed.status_code, changed.json()) == (200, {"resultType": "SUCCESS", "data": "새닉네임"})
    logout = member.call("POST", "/v1/logout")
    assert (logout.status_code, logout.json()["resultType"]) == (200, "SUCCESS")


# 3. CORS for a credentialed cross-origin page ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "requested"),
    [
        ("GET", "/v1/picks", "anonymous-member-id"),
        ("GET", "/v1/notifications/unread-count", "authorization,anonymous-member-id"),
        ("POST", "/v1/picks/vote", "anonymous-member-id,content-type"),
        ("POST", "/v1/token/refresh", "authorization,anonymous-member-id"),
        ("PATCH", "/v1/notifications/read-all", "authorization,anonymous-member-id,content-type"),
        ("DELETE", "/v1/subscriptions", "authorization,anonymous-member-id,content-type"),
        ("GET", "/v1/notifications", "authorization"),  # the SSE request (no Anonymous-Member-Id)
    ],
)
def test_preflights_are_answered_without_auth_for_a_credentialed_origin(web: Web, method, path, requested):
    response = httpx.options(
        f"{web.server.url}{API}{path}",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": requested,
        },
        timeout=10,
    )
    assert 200 <= response.status_code < 300
    assert response.headers["access-control-allow-origin"] == ORIGIN  # echoed, never *
    assert response.headers["access-control-allow-credentials"] == "true"
    allowed_headers = {h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "anonymous-member-id", "content-type"} <= allowed_headers
    allowed_methods = {m.strip() for m in response.headers["access-control-allow-methods"].split(",")}
    assert {"GET", "POST", "PATCH", "DELETE"} <= allowed_methods


def test_error_responses_carry_the_cors_headers_so_the_client_can_read_them(web: Web):
    """The refresh logic needs `errorCode` and `message` of a 401: the browser shows them only with CORS headers."""
    expired = _token(web, expires_in=-60)
    client = WebClient(web.server.url, "GA1.1.100000007.1700000000", expired)
    response = client.call("GET", "/v1/notifications/unread-count")
    assert (response.status_code, response.json()) == (
        401,
        {"resultType": "FAIL", "message": "만료된 JWT 입니다.", "errorCode": 401},
    )
    missing = web.visitor.call("GET", "/v1/picks/424242")
    assert (missing.status_code, missing.json()["errorCode"]) == (404, 404)


# 4. The notifications page, the popup and the bell, rendered as the client's components read them --------------------


def subscribe_card(item: dict[str, Any]) -> dict[str, Any]:
    """NotificationSubscribeCard: destructures the item, then its ``techArticle`` and ``company`` (a null throws, as
    JavaScript's destructuring of null does, and the page shows its error boundary)."""
    notification_id, kind, created_at, is_read, article = (
        item.get(k) for k in ("notificationId", "type", "createdAt", "isRead", "techArticle")
    )
    if article is None:
        raise TypeError("Cannot destructure property 'id' of 'techArticle' as it is null.")
    company = article.get("company")
    if company is None:
        raise TypeError("Cannot read properties of null (reading 'name')")
    return {
        "key": notification_id,
        "href": f"/techblog/{article['id']}",
        "thumbnail": article["thumbnailUrl"],
        "title": article["title"],
        "contents": article["contents"],
        "company": company["name"],
        "regDate": article["regDate"],
        "author": article["author"],
        "unread": not is_read,
        "kind": kind,
        "createdAt": created_at,
    }


def js_date(value: Any) -> datetime:
    """`new Date(value)` for what the API sends; an unparsable value is an Invalid Date the list would print."""
    if not isinstance(value, str) or not re.fullmatch(JS_DATE.pattern, value):
        raise ValueError(f"Invalid Date: {value!r}")
    return datetime.fromisoformat(value.replace(" ", "T").replace("Z", "+00:00"))


def alert_item(item: dict[str, Any]) -> dict[str, Any]:
    """AlertList's row: the title, the company, the date, and on click a read (SUBSCRIPTION only) and a link to the
    article, which needs a number."""
    if not isinstance(item.get("techArticleId"), int):
        raise TypeError(f"/techblog/{item.get('techArticleId')} is not an article")
    if not isinstance(item.get("companyName"), str):
        raise TypeError("companyName is not text")
    return {
        "title": str(item["title"]),
        "company": item["companyName"],
        "date": js_date(item["createdAt"]),
        "marks_read": item["type"] == "SUBSCRIPTION",
        "href": f"/techblog/{item['techArticleId']}",
        "unread": not item["isRead"],
    }


def format_iso_to_date(value: str) -> tuple[str, str]:
    """formatISOtoDate: splits on a space; an ISO `T` date leaves no time part and the render throws."""
    parts = value.split(" ")
    if len(parts) != 2:
        raise TypeError(f"Cannot read properties of undefined (reading 'split'): {value!r}")
    return parts[0], parts[1]


def _all_pages(client: WebClient, query: str = "") -> list[dict[str, Any]]:
    """The notifications page scrolled to its end (size 8, cursor = the last item's notificationId)."""
    items: list[dict[str, Any]] = []
    cursor = MAX
    for _ in range(20):
        data = client.get(f"/v1/notifications/page?size=8&notificationId={cursor}{query}")["data"]
        items += data["content"]
        if data["last"] or len(data["content"]) < 8:
            return items
        cursor = data["content"][-1]["notificationId"]
    raise AssertionError("the notifications page never ended")


def test_a_member_with_reply_notifications_opens_the_notifications_page_popup_and_bell(web: Web):
    """Issue 18's first broken flow: the member has subscription and reply notifications."""
    member = web.member
    both = "&types=SUBSCRIPTION,COMMENT_AND_REPLY"
    assert {n["type"] for n in _all_pages(member, both)} == {"SUBSCRIPTION", "COMMENT_AND_REPLY"}
    # The page: every item renders as a subscription card
    items = _all_pages(member)
    cards = [subscribe_card(item) for item in items]
    assert [c["company"] for c in cards] == ["카카오", "우아한형제들", "우아한형제들"]
    # The popup: every row renders and links to an article
    popup = member.get("/v1/notifications/popup?size=5")["data"]["content"]
    rows = [alert_item(item) for item in popup]
    assert [r["href"] for r in rows] == ["/techblog/3", "/techblog/2", "/techblog/1"]
    # The bell: the count is the number of unread items the member can open
    count = member.get("/v1/notifications/unread-count")["data"]
    assert count == sum(c["unread"] for c in cards) == sum(r["unread"] for r in rows) == 3


def test_a_client_that_asks_for_reply_notifications_gets_them_counted(web: Web):
    member = web.member
    query = "&types=SUBSCRIPTION,COMMENT_AND_REPLY"
    items = _all_pages(member, query)
    replies = [i for i in items if i["type"] == "COMMENT_AND_REPLY"]
    assert {(r["pickId"], r["techArticleId"]) for r in replies} == {(None, 1), (1, None)}
    assert {r["parentCommentId"] for r in replies} == set(web.replied_comment.values())
    count = member.get(f"/v1/notifications/unread-count?{query[1:]}")["data"]
    assert count == sum(not i["isRead"] for i in items) == 5


def test_read_all_from_the_page_clears_the_bell(web: Web):
    """ "모두읽음" sends PATCH read-all with a null body; the badge then shows 0 (on a member of its own)."""
    runtime = web.server.runtime
    member_id, headers = new_member(runtime, "webreadall")
    member = WebClient(web.server.url, "GA1.1.100000008.1700000000", headers["Authorization"].removeprefix("Bearer "))
    from devdevdev.store.notifications import SUBSCRIPTION, Notification

    notification = Notification(
        runtime.ids.next_id("notification"), member_id, SUBSCRIPTION, "알림", datetime.now(UTC), tech_article_id=1
    )
    runtime.notifications.add_missing([notification])
    assert member.get("/v1/notifications/unread-count")["data"] == 1
    response = member.call(
        "PATCH", "/v1/notifications/read-all", content=b"null", headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, response.json()) == (200, {"resultType": "SUCCESS"})
    assert member.get("/v1/notifications/unread-count")["data"] == 0
    assert [subscribe_card(i)["unread"] for i in _all_pages(member)] == [False]


def test_comment_dates_render_with_format_iso_to_date(web: Web):
    picks = web.visitor.get(f"/v1/picks/1/comments?pickCommentId={MAX}&size=10&pickCommentSort=LATEST&pickOptionTypes=")
    articles = web.visitor.get("/v1/articles/1/comments?size=10&techCommentSort=LATEST")
    dates = [c["createdAt"] for body in (picks, articles) for c in body["data"]["content"]]
    dates += [r["createdAt"] for body in (picks, articles) for c in body["data"]["content"] for r in c["replies"]]
    dates.append(web.visitor.get("/v1/picks/1")["data"]["pickCreatedAt"])
    assert len(dates) > 10
    for value in dates:
        day, clock = format_iso_to_date(value)
        date.fromisoformat(day)
        assert re.fullmatch(r"\d{2}:\d{2}:\d{2}", clock)


# 5. The live bell: Server-Sent Events as the EventSource polyfill takes them ---------------------------------------


def _token(web: Web, expires_in: float) -> str:
    """An access token of the demo member that expires ``expires_in`` seconds from now."""
    now = datetime.now(UTC)
    claims = {
        "email": "test_user@devdevdev.com",
        "socialType": "KAKAO",
        "role": "ROLE_USER",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=expires_in)).timestamp()),
    }
    return jwt.encode(claims, web.server.runtime.settings.jwt_key, "HS256")


class Stream:
    """GET /notifications as the polyfill opens it (Accept, Authorization, cookies, Origin; no Anonymous-Member-Id):
    the raw lines, with when each arrived."""

    CONTENT_TYPE = re.compile(r"^text/event-stream(;.*)?$", re.IGNORECASE)

    def __init__(self, web: Web, token: str) -> None:
        self.lines: list[tuple[float, str]] = []
        self.response: httpx.Response | None = None
        self.opened_at = time.monotonic()
        self._headers = threading.Event()  # set once the headers (and a non-stream body) have arrived
        self._stop = threading.Event()
        headers = {
            "Accept": "text/event-stream",
            "Authorization": f"Bearer {token}",
            "Cookie": "_ga=GA1.1.100000001.1700000000",
            "Origin": ORIGIN,
        }
        url = f"{web.server.url}{API}/v1/notifications"
        self._thread = threading.Thread(target=self._read, args=(url, headers), daemon=True)
        self._thread.start()
        assert self._headers.wait(10), "no response headers"

    def _read(self, url: str, headers: dict[str, str]) -> None:
        try:
            with httpx.stream("GET", url, headers=headers, timeout=httpx.Timeout(10, read=60)) as response:
                self.response = response
                if not self.CONTENT_TYPE.match(response.headers.get("content-type", "")):
                    response.read()
                    return
                self._headers.set()
                for line in response.iter_lines():
                    self.lines.append((time.monotonic(), line))
                    if self._stop.is_set():
                        return
        except httpx.HTTPError:
            pass
        finally:
            self._headers.set()

    def events(self) -> list[dict[str, str]]:
        """The events so far, as the polyfill parses them (field: value; an event ends at a blank line)."""
        found: list[dict[str, str]] = []
        current: dict[str, str] = {}
        for _, line in self.lines:
            if not line:
                if current:
                    found.append(current)
                current = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(":")
                current[name] = current.get(name, "") + value.removeprefix(" ")
        return found

    def wait_for(self, predicate, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not predicate(self):
            assert time.monotonic() < deadline, self.lines
            time.sleep(0.05)

    def close(self) -> None:
        self._stop.set()


def _messages(stream: Stream) -> list[dict[str, Any]]:
    """What `onmessage` sees: unnamed events (or `event: message`) with non-empty data."""
    return [json.loads(e["data"]) for e in stream.events() if e.get("event", "message") == "message" and e.get("data")]


def test_the_stream_opens_as_the_polyfill_requires_and_greets_with_an_unnamed_event(web: Web):
    stream = Stream(web, web.member_token)
    try:
        response = stream.response
        assert response is not None and response.status_code == 200
        assert Stream.CONTENT_TYPE.match(response.headers["content-type"])
        assert response.headers["access-control-allow-origin"] == ORIGIN
        assert response.headers["access-control-allow-credentials"] == "true"
        stream.wait_for(lambda s: _messages(s), 5)
        (greeting,) = _messages(stream)
        assert greeting["message"] == "읽지 않은 알림이 3개 있어요!"  # the subscription notifications it shows
        js_date(greeting["createdAt"])
    finally:
        stream.close()


def test_a_publish_reaches_the_open_stream_as_an_unnamed_event(web: Web):
    runtime = web.server.runtime
    member_id, headers = new_member(runtime, "weblive")
    member = WebClient(web.server.url, "GA1.1.100000009.1700000000", headers["Authorization"].removeprefix("Bearer "))
    assert member.call("POST", "/v1/subscriptions", json={"companyId": 4}).status_code == 200
    stream = Stream(web, headers["Authorization"].removeprefix("Bearer "))
    try:
        with httpx.Client(base_url=web.server.url + API, headers=CRAWLER, timeout=20) as crawler:
            body = {"companyId": 4, "techArticles": [{"id": 7}]}
            assert crawler.post("/v1/notifications/SUBSCRIPTION", json=body).json() == {"resultType": "SUCCESS"}
        stream.wait_for(lambda s: _messages(s), 10)
        assert [m["message"].endswith("새로운 기슬블로그 1개가 올라왔어요!") for m in _messages(stream)] == [True]
    finally:
        stream.close()


def test_the_heartbeat_comes_well_within_the_polyfills_120_seconds(web: Web, monkeypatch):
    from devdevdev.settings import Settings

    # The configured interval is at most 30 s, far below the client's heartbeatTimeout of 120 s
    default = Settings.model_fields["sse_heartbeat_seconds"].default
    assert isinstance(default, int | float) and default <= 30
    with pytest.raises(ValueError):
        Settings.from_env({"STAGE": "test", "SSE_HEARTBEAT_SECONDS": "121"})
    # and the stream keeps bytes flowing at that interval (shortened here), even with nothing to say
    monkeypatch.setattr(web.server.runtime.settings, "sse_heartbeat_seconds", 0.4)
    _, headers = new_member(web.server.runtime, "webquiet")
    stream = Stream(web, headers["Authorization"].removeprefix("Bearer "))
    try:
        stream.wait_for(lambda s: len([e for e in s.events() if e.get("event") == "heartbeat"]) >= 4, 15)
        beats = [at for at, line in stream.lines if line.startswith("event:")]
        gaps = [b - a for a, b in zip(beats, beats[1:], strict=False)]
        assert beats[0] - stream.opened_at < 5 and max(gaps) < 0.4 + 2.0, (beats, gaps)
        assert _messages(stream) == []  # heartbeats are named: onmessage never sees them
    finally:
        stream.close()


def test_a_json_401_comes_only_before_the_stream_starts(web: Web, monkeypatch):
    # An expired token: a JSON 401 the client can read, before any stream
    expired = Stream(web, _token(web, expires_in=-60))
    response = expired.response
    assert response is not None and response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"resultType": "FAIL", "message": "만료된 JWT 입니다.", "errorCode": 401}
    assert response.headers["access-control-allow-origin"] == ORIGIN
    # A token that expires while the stream is open: the stream goes on (heartbeats), with no JSON in it
    monkeypatch.setattr(web.server.runtime.settings, "sse_heartbeat_seconds", 0.4)
    short_lived = _token(web, expires_in=4)
    expired_at = time.monotonic() + 4  # the token's exp is at most this
    stream = Stream(web, short_lived)
    try:
        assert stream.response is not None and stream.response.status_code == 200
        stream.wait_for(lambda s: any(at > expired_at + 0.5 for at, _ in s.lines), 15)
        assert all(line == "" or re.match(r"^(data|event|id|retry):", line) for _, line in stream.lines), stream.lines
        assert not any("resultType" in line for _, line in stream.lines)
    finally:
        stream.close()


def test_a_visitor_never_opens_the_stream_and_gets_json_if_it_tries(web: Web):
    response = httpx.get(
        f"{web.server.url}{API}/v1/notifications", headers={"Accept": "text/event-stream", "Origin": ORIGIN}, timeout=10
    )
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["resultType"] == "FAIL"
    assert response.headers["access-control-allow-origin"] == ORIGIN
