"""Blames (functions/comments) and "my comments" (GET /mypage/comments) through the local gateway, on DynamoDB Local.

Blames: the reasons, every documented error and its order (duplicate first, then the target, then the reason), one
blame per member and target (also under concurrency), the target's blame count, ``customReason`` kept only for 기타
(docs/rules.md#blames-blame). My comments: the member's live comments and replies of both kinds merged newest
first with one cursor per kind, exact ``last``, the filters and their totals, and what deleting comments or a pick
does to them (docs/rules.md#mypage-comments).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from devdevdev.store import keys
from devdevdev.store.models import BlameItem, CommentItem, MemberItem, PickItem
from pynamodb.exceptions import DoesNotExist

from infra.local.seed import ARTICLES, PICKS
from tests.conftest import BASE, SLICE_WITH_TOTAL_KEYS, bearer, fail, new_member, tokens

pytestmark = pytest.mark.integration

LONG_MAX = "9223372036854775807"
PICK_TITLES = {pick_id: title for pick_id, title, _ in PICKS}
PICK_OPTIONS = {pick_id: options for pick_id, _, options in PICKS}
ARTICLE_TITLES = {article_id: title for article_id, _, title, _ in ARTICLES}
MY_COMMENTS = f"{BASE}/mypage/comments"
NO_MEMBER = fail("유효하지 않은 회원 입니다.", 401)
UNSORTED = {"empty": True, "sorted": False, "unsorted": True}


# Helpers ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def user(client) -> dict[str, str]:
    return bearer(tokens(client)["accessToken"])


@pytest.fixture
def admin(client) -> dict[str, str]:
    return bearer(tokens(client, "admin")["accessToken"])


def pick_comment(client, headers, pick_id: int, contents: str = "픽픽픽 댓글입니다.", public: bool = False) -> int:
    response = client.post(
        f"{BASE}/picks/{pick_id}/comments", headers=headers, json={"contents": contents, "isPickVotePublic": public}
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]["pickCommentId"]


def tech_comment(client, headers, article_id: int, contents: str = "기술블로그 댓글입니다.") -> int:
    response = client.post(f"{BASE}/articles/{article_id}/comments", headers=headers, json={"contents": contents})
    assert response.status_code == 200, response.text
    return response.json()["data"]["techCommentId"]


def pick_reply(client, headers, pick_id: int, origin: int, parent: int, contents: str = "픽픽픽 답글") -> int:
    response = client.post(
        f"{BASE}/picks/{pick_id}/comments/{origin}/{parent}", headers=headers, json={"contents": contents}
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]["pickCommentId"]


def tech_reply(client, headers, article_id: int, origin: int, parent: int, contents: str = "기술블로그 답글") -> int:
    response = client.post(
        f"{BASE}/articles/{article_id}/comments/{origin}/{parent}", headers=headers, json={"contents": contents}
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]["techCommentId"]


def delete_pick_comment(client, headers, pick_id: int, comment_id: int) -> None:
    response = client.delete(f"{BASE}/picks/{pick_id}/comments/{comment_id}", headers=headers)
    assert response.status_code == 200, response.text


def delete_tech_comment(client, headers, article_id: int, comment_id: int) -> None:
    response = client.delete(f"{BASE}/articles/{article_id}/comments/{comment_id}", headers=headers)
    assert response.status_code == 200, response.text


def vote(client, headers, pick_id: int, option_id: int) -> None:
    response = client.post(f"{BASE}/picks/vote", headers=headers, json={"pickId": pick_id, "pickOptionId": option_id})
    assert response.status_code == 200, response.text


def set_status(client, admin_headers, pick_id: int, status: str) -> None:
    response = client.patch(f"{BASE}/picks/{pick_id}/status", headers=admin_headers, json={"contentStatus": status})
    assert response.status_code == 200, response.text


def delete_pick(client, author_headers, pick_id: int) -> None:
    response = client.delete(f"{BASE}/picks/{pick_id}", headers=author_headers)
    assert response.status_code == 200, response.text


def blame(client, headers, path: str = "PICK", **fields):
    body = {
        "pickId": None,
        "pickCommentId": None,
        "techArticleId": None,
        "techArticleCommentId": None,
        "blameTypeId": 1,
        "customReason": None,
    }
    body.update(fields)
    return client.post(f"{BASE}/blames/{path}", headers=headers, json=body)


def blamed(response) -> int:
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["resultType", "data"] and body["resultType"] == "SUCCESS"
    assert list(body["data"]) == ["blameId"] and isinstance(body["data"]["blameId"], int)
    return body["data"]["blameId"]


def pick_blames(pick_id: int) -> int:
    return int(PickItem.get(*keys.pick(pick_id), consistent_read=True).blame_total_count or 0)


def comment_blames(kind: str, post_id: int, comment_id: int) -> int:
    item = CommentItem.get(*keys.comment(kind, post_id, comment_id), consistent_read=True)
    return int(item.blame_total_count or 0)


def stored_blame(member_id: int, target: str) -> BlameItem | None:
    try:
        return BlameItem.get(*keys.blame(member_id, target), consistent_read=True)
    except DoesNotExist:
        return None


def stored_reason(member_id: int, target: str) -> str | None:
    """The words of the member's stored blame of ``target`` (the blame must exist)."""
    item = stored_blame(member_id, target)
    assert item is not None, f"no blame of member {member_id} on {target}"
    return item.custom_reason


def mine(client, headers, **params) -> dict:
    response = client.get(MY_COMMENTS, headers=headers, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["resultType", "data"] and body["resultType"] == "SUCCESS"
    return body["data"]


def ids(page: dict) -> list[str]:
    return [item["uniqueCommentId"] for item in page["content"]]


def walk(client, headers, size: int, comment_filter: str = "ALL") -> list[dict]:
    """Every page of my comments, each asked with the last pick and tech comment ids seen so far."""
    pages: list[dict] = []
    cursors = {"PICK": LONG_MAX, "TECH": LONG_MAX}
    for _ in range(50):
        page = mine(
            client,
            headers,
            size=size,
            commentFilter=comment_filter,
            pickCommentId=cursors["PICK"],
            techCommentId=cursors["TECH"],
        )
        pages.append(page)
        for item in page["content"]:
            cursors[item["commentType"]] = item["commentId"]
        if page["last"]:
            return pages
    raise AssertionError("the walk never reached last")


# Blame reasons ----------------------------------------------------------------------------------------------------


def test_blame_reasons_come_by_sort_order(client, user):
    response = client.get(f"{BASE}/blames", headers=user)
    assert response.status_code == 200
    assert response.json() == {
        "resultType": "SUCCESS",
        "datas": [
            {"id": 1, "reason": "욕설/비하 발언", "sortOrder": 1},
            {"id": 2, "reason": "스팸/광고", "sortOrder": 2},
            {"id": 3, "reason": "도배", "sortOrder": 3},
            {"id": 4, "reason": "불법 정보", "sortOrder": 4},
            {"id": 5, "reason": "개인 정보 노출", "sortOrder": 5},
            {"id": 6, "reason": "기타", "sortOrder": 6},
        ],
    }
    assert [list(reason) for reason in response.json()["datas"]] == [["id", "reason", "sortOrder"]] * 6


def test_blames_and_my_comments_need_a_member(client):
    anonymous = {"Anonymous-Member-Id": "GA1.1.276672604.1715872960"}
    for headers in ({}, anonymous):
        for method, path, body in (
            ("GET", f"{BASE}/blames", None),
            ("POST", f"{BASE}/blames/PICK", {"pickId": 1, "blameTypeId": 1}),
            ("POST", f"{BASE}/blames/TECH_ARTICLE", {"techArticleId": 1, "techArticleCommentId": 1, "blameTypeId": 1}),
            ("GET", MY_COMMENTS, None),
        ):
            response = client.request(method, path, headers=headers, json=body)
            assert (response.status_code, response.json()) == (401, NO_MEMBER), (method, path, headers)
    assert pick_blames(1) == 0


# Blaming ----------------------------------------------------------------------------------------------------------


def test_blaming_a_pick_counts_once_on_the_pick_and_stores_the_blame(client, user):
    blame_id = blamed(blame(client, user, "PICK", pickId=2, blameTypeId=3))
    assert pick_blames(2) == 1
    stored = stored_blame(1, "PICK#2")
    assert stored is not None
    assert (int(stored.blame_id), int(stored.member_id), int(stored.blame_type_id)) == (blame_id, 1, 3)
    assert (stored.pick_id, stored.pick_comment_id, stored.tech_article_id, stored.tech_comment_id) == (
        2,
        None,
        None,
        None,
    )
    assert stored.custom_reason is None
    # Other picks are untouched
    assert [pick_blames(p) for p in (1, 3, 4, 5)] == [0, 0, 0, 0]


def test_blaming_a_pick_comment_a_reply_and_a_tech_comment(client, user, admin):
    pick_origin = pick_comment(client, admin, 1)
    pick_answer = pick_reply(client, admin, 1, pick_origin, pick_origin)
    tech_origin = tech_comment(client, admin, 1)
    tech_answer = tech_reply(client, admin, 1, tech_origin, tech_origin)

    first = blamed(blame(client, user, "PICK", pickId=1, pickCommentId=pick_origin, blameTypeId=1))
    second = blamed(blame(client, user, "PICK", pickId=1, pickCommentId=pick_answer, blameTypeId=2))
    third = blamed(
        blame(client, user, "TECH_ARTICLE", techArticleId=1, techArticleCommentId=tech_origin, blameTypeId=5)
    )
    fourth = blamed(blame(client, user, "TECH_ARTICLE", techArticleId=1, techArticleCommentId=tech_answer))
    assert len({first, second, third, fourth}) == 4

    assert comment_blames("PICK", 1, pick_origin) == comment_blames("PICK", 1, pick_answer) == 1
    assert comment_blames("TECH", 1, tech_origin) == comment_blames("TECH", 1, tech_answer) == 1
    assert pick_blames(1) == 0  # a comment's blame is not the pick's
    # The pick itself is another target: it can be blamed too
    blamed(blame(client, user, "PICK", pickId=1))
    assert (pick_blames(1), comment_blames("PICK", 1, pick_origin)) == (1, 1)
    stored = stored_blame(1, f"TECH_COMMENT#1#{tech_origin}")
    assert stored is not None
    assert (stored.pick_id, stored.pick_comment_id, stored.tech_article_id, stored.tech_comment_id) == (
        None,
        None,
        1,
        tech_origin,
    )
    assert int(stored.blame_type_id) == 5
    stored = stored_blame(1, f"PICK_COMMENT#1#{pick_answer}")
    assert stored is not None and (stored.pick_id, stored.pick_comment_id) == (1, pick_answer)


def test_the_same_member_cannot_blame_a_target_twice(client, user, admin):
    pick_comment_id = pick_comment(client, admin, 1)
    tech_comment_id = tech_comment(client, admin, 2)
    targets = [
        ("PICK", {"pickId": 1}),
        ("PICK", {"pickId": 1, "pickCommentId": pick_comment_id}),
        ("TECH_ARTICLE", {"techArticleId": 2, "techArticleCommentId": tech_comment_id}),
    ]
    for path, target in targets:
        blamed(blame(client, user, path, **target))
    for path, target in targets:
        # Even with another reason: one blame per member and target
        response = blame(client, user, path, blameTypeId=6, customReason="또 신고", **target)
        assert (response.status_code, response.json()) == (400, fail("이미 신고 했습니다.", 400))
    assert pick_blames(1) == 1
    assert comment_blames("PICK", 1, pick_comment_id) == 1
    assert comment_blames("TECH", 2, tech_comment_id) == 1
    assert stored_reason(1, "PICK#1") is None  # the first blame stays as it was


def test_different_members_may_blame_the_same_target(client, seeded, user, admin):
    comment_id = tech_comment(client, user, 3)
    _, third = new_member(seeded, "세번째")
    blame_ids = set()
    for headers in (user, admin, third):
        blame_ids.add(blamed(blame(client, headers, "PICK", pickId=4)))
        blame_ids.add(blamed(blame(client, headers, "TECH_ARTICLE", techArticleId=3, techArticleCommentId=comment_id)))
    assert len(blame_ids) == 6
    assert pick_blames(4) == 3
    assert comment_blames("TECH", 3, comment_id) == 3


def test_the_duplicate_check_comes_before_the_targets_state(client, user, admin):
    pick_comment_id = pick_comment(client, admin, 2)
    tech_comment_id = tech_comment(client, admin, 2)
    blamed(blame(client, user, "PICK", pickId=2, pickCommentId=pick_comment_id))
    blamed(blame(client, user, "TECH_ARTICLE", techArticleId=2, techArticleCommentId=tech_comment_id))
    blamed(blame(client, user, "PICK", pickId=3))
    # The targets change: comments deleted, the pick rejected
    delete_pick_comment(client, admin, 2, pick_comment_id)
    delete_tech_comment(client, admin, 2, tech_comment_id)
    set_status(client, admin, 3, "REJECT")
    for path, target in (
        ("PICK", {"pickId": 2, "pickCommentId": pick_comment_id}),
        ("TECH_ARTICLE", {"techArticleId": 2, "techArticleCommentId": tech_comment_id}),
        ("PICK", {"pickId": 3}),
        ("PICK", {"pickId": 3, "blameTypeId": 99}),  # before the reason too
    ):
        response = blame(client, user, path, **target)
        assert (response.status_code, response.json()) == (400, fail("이미 신고 했습니다.", 400)), target


def test_custom_reason_is_kept_only_for_기타(client, user, admin):  # noqa: N802 (기타: the blame type's name)
    comment_id = pick_comment(client, admin, 1)
    tech_comment_id = tech_comment(client, admin, 1)
    blamed(blame(client, user, "PICK", pickId=1, blameTypeId=6, customReason="제 의견과 달라서요"))
    blamed(blame(client, user, "PICK", pickId=1, pickCommentId=comment_id, blameTypeId=2, customReason="무시될 사유"))
    blamed(
        blame(
            client,
            user,
            "TECH_ARTICLE",
            techArticleId=1,
            techArticleCommentId=tech_comment_id,
            blameTypeId=6,
            customReason="기술블로그 댓글 직접 입력",
        )
    )
    blamed(blame(client, admin, "PICK", pickId=1, blameTypeId=6))  # 기타 with no words of its own
    assert stored_reason(1, "PICK#1") == "제 의견과 달라서요"
    assert stored_reason(1, f"PICK_COMMENT#1#{comment_id}") is None
    assert stored_reason(1, f"TECH_COMMENT#1#{tech_comment_id}") == "기술블로그 댓글 직접 입력"
    assert stored_reason(2, "PICK#1") is None
    assert pick_blames(1) == 2


def test_blame_request_errors(client, user, admin):
    comment_id = tech_comment(client, admin, 1)
    cases: list[tuple[str, dict[str, Any], int, str]] = [
        ("COMMENT", {"pickId": 1}, 400, "유효하지 않은 신고 경로입니다."),
        ("COMMENT", {"pickId": 1, "blameTypeId": None}, 400, "유효하지 않은 신고 경로입니다."),  # the path first
        (
            "PICK",
            {"techArticleId": 1, "blameTypeId": None},
            400,
            "신고 사유 종류 아이디는 필수 입니다.",
        ),  # then the reason
        ("pick", {"pickId": 1}, 400, "유효하지 않은 신고 경로입니다."),
        ("TECH", {"techArticleId": 1, "techArticleCommentId": comment_id}, 400, "유효하지 않은 신고 경로입니다."),
        ("PICK", {"pickId": 1, "blameTypeId": None}, 400, "신고 사유 종류 아이디는 필수 입니다."),
        (
            "TECH_ARTICLE",
            {"techArticleId": 1, "techArticleCommentId": comment_id, "blameTypeId": None},
            400,
            "신고 사유 종류 아이디는 필수 입니다.",
        ),
        (
            "PICK",
            {"pickId": 1, "techArticleId": 1, "techArticleCommentId": comment_id},
            405,
            "잘못된 형식의 픽픽픽 서비스 접근 입니다.",
        ),
        ("PICK", {"pickId": 1, "techArticleCommentId": comment_id}, 405, "잘못된 형식의 픽픽픽 서비스 접근 입니다."),
        ("PICK", {"techArticleId": 1}, 405, "잘못된 형식의 픽픽픽 서비스 접근 입니다."),
        ("PICK", {}, 400, "픽픽픽 아이디는 필수 입니다."),
        ("PICK", {"pickCommentId": 1}, 400, "픽픽픽 아이디는 필수 입니다."),
    ]
    for path, fields, status, message in cases:
        response = blame(client, user, path, **fields)
        assert (response.status_code, response.json()) == (status, fail(message, status)), (path, fields)
    # TECH_ARTICLE without both of its ids, or with pick ids, or with a bad id: a 400 of its own words
    for fields in (
        {},
        {"techArticleId": 1},
        {"techArticleCommentId": comment_id},
        {"pickId": 1, "techArticleId": 1, "techArticleCommentId": comment_id},
        {"pickCommentId": 1, "techArticleId": 1, "techArticleCommentId": comment_id},
        {"pickId": "one"},
        {"techArticleId": 0, "techArticleCommentId": comment_id},
    ):
        response = blame(client, user, "TECH_ARTICLE", **fields)
        assert response.status_code == 400, (fields, response.text)
        body = response.json()
        assert list(body) == ["resultType", "message", "errorCode"], fields
        assert (body["resultType"], body["errorCode"]) == ("FAIL", 400) and body["message"], fields
    assert pick_blames(1) == 0
    assert comment_blames("TECH", 1, comment_id) == 0
    assert stored_blame(1, "PICK#1") is None and stored_blame(1, f"TECH_COMMENT#1#{comment_id}") is None


def test_blaming_what_does_not_exist_is_404(client, user, admin):
    pick_comment_id = pick_comment(client, admin, 1)
    tech_comment_id = tech_comment(client, admin, 1)
    cases = [
        ("PICK", {"pickId": 999}, "픽픽픽 게시글이 없습니다."),
        ("PICK", {"pickId": 999, "pickCommentId": pick_comment_id}, "픽픽픽 게시글이 없습니다."),
        ("PICK", {"pickId": 1, "pickCommentId": 999}, "픽픽픽 댓글이 없습니다."),
        ("PICK", {"pickId": 2, "pickCommentId": pick_comment_id}, "픽픽픽 댓글이 없습니다."),  # another pick's
        ("PICK", {"pickId": 1, "pickCommentId": tech_comment_id}, "픽픽픽 댓글이 없습니다."),  # a tech comment's id
        ("TECH_ARTICLE", {"techArticleId": 1, "techArticleCommentId": 999}, "존재하지 않는 기술블로그 댓글입니다."),
        (
            "TECH_ARTICLE",
            {"techArticleId": 2, "techArticleCommentId": tech_comment_id},
            "존재하지 않는 기술블로그 댓글입니다.",
        ),
        (
            "TECH_ARTICLE",
            {"techArticleId": 999, "techArticleCommentId": tech_comment_id},
            "존재하지 않는 기술블로그 댓글입니다.",
        ),
        (
            "TECH_ARTICLE",
            {"techArticleId": 1, "techArticleCommentId": pick_comment_id},
            "존재하지 않는 기술블로그 댓글입니다.",
        ),
        ("PICK", {"pickId": 1, "blameTypeId": 99}, "존재하지 않는 신고 종류 입니다."),
        ("PICK", {"pickId": 1, "pickCommentId": pick_comment_id, "blameTypeId": 7}, "존재하지 않는 신고 종류 입니다."),
        (
            "TECH_ARTICLE",
            {"techArticleId": 1, "techArticleCommentId": tech_comment_id, "blameTypeId": 1000},
            "존재하지 않는 신고 종류 입니다.",
        ),
    ]
    for path, target, message in cases:
        response = blame(client, user, path, **target)
        assert (response.status_code, response.json()) == (404, fail(message, 404)), target
    # A refused blame leaves nothing behind: the same targets can still be blamed
    assert (pick_blames(1), comment_blames("PICK", 1, pick_comment_id), comment_blames("TECH", 1, tech_comment_id)) == (
        0,
        0,
        0,
    )
    assert stored_blame(1, "PICK#1") is None
    blamed(blame(client, user, "PICK", pickId=1))
    blamed(blame(client, user, "PICK", pickId=1, pickCommentId=pick_comment_id))
    blamed(blame(client, user, "TECH_ARTICLE", techArticleId=1, techArticleCommentId=tech_comment_id))


def test_deleted_comments_cannot_be_blamed(client, user, admin):
    pick_comment_id = pick_comment(client, admin, 1)
    pick_reply_id = pick_reply(client, admin, 1, pick_comment_id, pick_comment_id)
    tech_comment_id = tech_comment(client, admin, 1)
    delete_pick_comment(client, admin, 1, pick_reply_id)
    delete_pick_comment(client, admin, 1, pick_comment_id)
    delete_tech_comment(client, admin, 1, tech_comment_id)
    for comment_id in (pick_comment_id, pick_reply_id):
        response = blame(client, user, "PICK", pickId=1, pickCommentId=comment_id)
        assert (response.status_code, response.json()) == (400, fail("삭제된 픽픽픽 댓글에는 신고할 수 없습니다.", 400))
    response = blame(client, user, "TECH_ARTICLE", techArticleId=1, techArticleCommentId=tech_comment_id)
    assert (response.status_code, response.json()) == (400, fail("삭제된 기술블로그 댓글에는 신고할 수 없습니다.", 400))
    assert comment_blames("PICK", 1, pick_comment_id) == comment_blames("TECH", 1, tech_comment_id) == 0
    assert stored_blame(1, f"PICK_COMMENT#1#{pick_comment_id}") is None


def test_a_pick_that_is_not_approved_or_is_deleted_cannot_be_blamed(client, user, admin):
    comment_id = pick_comment(client, user, 2)
    set_status(client, admin, 2, "REJECT")
    not_approved = fail("승인 상태가 아닌 픽픽픽에는 댓글을 삭제할 수 없습니다.", 400)
    for target in ({"pickId": 2}, {"pickId": 2, "pickCommentId": comment_id}):
        response = blame(client, admin, "PICK", **target)
        assert (response.status_code, response.json()) == (400, not_approved), target
    assert pick_blames(2) == 0 and comment_blames("PICK", 2, comment_id) == 0
    # Approved again, it can be blamed
    set_status(client, admin, 2, "APPROVAL")
    blamed(blame(client, admin, "PICK", pickId=2))
    # A deleted pick is gone
    delete_pick(client, user, 3)
    response = blame(client, admin, "PICK", pickId=3)
    assert (response.status_code, response.json()) == (404, fail("픽픽픽 게시글이 없습니다.", 404))


def test_concurrent_blames_count_once_per_member(client, seeded, user, admin):
    comment_id = pick_comment(client, admin, 5)

    def send(n: int):
        target = {"pickId": 5} if n < 8 else {"pickId": 5, "pickCommentId": comment_id}
        response = blame(client, user, "PICK", **target)
        return n < 8, response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(send, range(16)))
    for is_pick in (True, False):
        outcomes = [(status, body) for pick, status, body in results if pick is is_pick]
        assert sorted(status for status, _ in outcomes) == [200] + [400] * 7, outcomes
        assert [body for status, body in outcomes if status == 400] == [fail("이미 신고 했습니다.", 400)] * 7
    assert pick_blames(5) == 1
    assert comment_blames("PICK", 5, comment_id) == 1
    # Eight members blaming one pick at once: every blame counts
    members = [new_member(seeded, f"신고자{n}")[1] for n in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda headers: blame(client, headers, "PICK", pickId=4).status_code, members))
    assert statuses == [200] * 8
    assert pick_blames(4) == 8


# My comments: contents ----------------------------------------------------------------------------------------------


def test_a_member_without_comments_gets_an_empty_slice(client, seeded):
    _, headers = new_member(seeded, "댓글없음")
    pick_comment(client, bearer(tokens(client)["accessToken"]), 1)  # someone else's comment
    for comment_filter in (None, "ALL", "PICK", "TECH_ARTICLE"):
        params = {"commentFilter": comment_filter} if comment_filter else {}
        assert mine(client, headers, **params) == {
            "content": [],
            "pageable": {
                "pageNumber": 0,
                "pageSize": 6,
                "sort": UNSORTED,
                "offset": 0,
                "paged": True,
                "unpaged": False,
            },
            "totalElements": 0,
            "size": 6,
            "number": 0,
            "sort": UNSORTED,
            "first": True,
            "last": True,
            "numberOfElements": 0,
            "empty": True,
        }


def test_items_are_the_contract_shape(clocked):
    client, _, clock = clocked
    user = bearer(tokens(client)["accessToken"])
    admin = bearer(tokens(client, "admin")["accessToken"])
    vote(client, user, 3, 5)  # 파이썬, the first option of pick 3
    public_id = pick_comment(client, user, 3, "파이썬이 먼저죠", public=True)
    clock.advance(seconds=1)
    private_id = pick_comment(client, user, 4, "비공개 댓글")
    clock.advance(seconds=1)
    tech_id = tech_comment(client, user, 5, "좋은 글이네요")
    clock.advance(minutes=1, seconds=1)
    # Recommends show as counts
    assert client.post(f"{BASE}/picks/3/comments/{public_id}/recommends", headers=admin).status_code == 200
    assert client.post(f"{BASE}/articles/5/comments/{tech_id}/recommends", headers=admin).status_code == 200

    page = mine(client, user)
    assert page == {
        "content": [
            {
                "uniqueCommentId": f"TECH_5_{tech_id}",
                "postId": 5,
                "postTitle": ARTICLE_TITLES[5],
                "commentId": tech_id,
                "commentType": "TECH",
                "commentContents": "좋은 글이네요",
                "commentRecommendTotalCount": 1,
                "commentCreatedAt": "2026-01-01 21:00:02",
                "pickOptionTitle": None,
                "pickOptionType": None,
            },
            {
                "uniqueCommentId": f"PICK_4_{private_id}",
                "postId": 4,
                "postTitle": PICK_TITLES[4],
                "commentId": private_id,
                "commentType": "PICK",
                "commentContents": "비공개 댓글",
                "commentRecommendTotalCount": 0,
                "commentCreatedAt": "2026-01-01 21:00:01",
                "pickOptionTitle": None,
                "pickOptionType": None,
            },
            {
                "uniqueCommentId": f"PICK_3_{public_id}",
                "postId": 3,
                "postTitle": PICK_TITLES[3],
                "commentId": public_id,
                "commentType": "PICK",
                "commentContents": "파이썬이 먼저죠",
                "commentRecommendTotalCount": 1,
                "commentCreatedAt": "2026-01-01 21:00:00",
                "pickOptionTitle": "파이썬",
                "pickOptionType": "firstPickOption",
            },
        ],
        "pageable": {"pageNumber": 0, "pageSize": 6, "sort": UNSORTED, "offset": 0, "paged": True, "unpaged": False},
        "totalElements": 3,
        "size": 6,
        "number": 0,
        "sort": UNSORTED,
        "first": True,
        "last": True,
        "numberOfElements": 3,
        "empty": False,
    }
    keys_in_order = [
        "uniqueCommentId",
        "postId",
        "postTitle",
        "commentId",
        "commentType",
        "commentContents",
        "commentRecommendTotalCount",
        "commentCreatedAt",
        "pickOptionTitle",
        "pickOptionType",
    ]
    assert all(list(item) == keys_in_order for item in page["content"])
    assert list(page) == SLICE_WITH_TOTAL_KEYS


def test_pick_options_show_only_on_public_comments(client, user, admin):
    vote(client, user, 1, 2)  # 스페이스, the second option of pick 1
    public_id = pick_comment(client, user, 1, "스페이스 네 칸", public=True)
    private_id = pick_comment(client, user, 1, "조용히", public=False)
    reply_id = pick_reply(client, user, 1, public_id, public_id, "내 공개 댓글에 답글")
    no_vote_id = pick_comment(client, user, 2, "투표 없이", public=False)
    # A reply by someone else to a public comment is theirs, not the member's
    pick_reply(client, admin, 1, public_id, public_id, "관리자 답글")
    items = {item["commentId"]: item for item in mine(client, user)["content"]}
    assert set(items) == {public_id, private_id, reply_id, no_vote_id}
    options = {cid: (item["pickOptionTitle"], item["pickOptionType"]) for cid, item in items.items()}
    assert options == {
        public_id: (PICK_OPTIONS[1][1], "secondPickOption"),
        private_id: (None, None),
        reply_id: (None, None),
        no_vote_id: (None, None),
    }
    # Switching the vote later leaves the comment with the option it was written for
    # (docs/rules.md#comments-vote-public)
    vote(client, user, 1, 1)
    item = next(i for i in mine(client, user)["content"] if i["commentId"] == public_id)
    assert (item["pickOptionTitle"], item["pickOptionType"]) == (PICK_OPTIONS[1][1], "secondPickOption")


def test_replies_are_included_and_other_members_comments_never_show(client, seeded, user, admin):
    other_id, other = new_member(seeded, "다른회원")
    admin_pick = pick_comment(client, admin, 2)
    admin_tech = tech_comment(client, admin, 4)
    my_pick_reply = pick_reply(client, user, 2, admin_pick, admin_pick, "픽 답글")
    my_tech_reply = tech_reply(client, user, 4, admin_tech, admin_tech, "기술 답글")
    my_nested = tech_reply(client, user, 4, admin_tech, my_tech_reply, "답글의 답글")
    pick_comment(client, other, 2)
    pick_reply(client, other, 2, admin_pick, my_pick_reply)
    tech_reply(client, other, 4, admin_tech, my_nested)
    page = mine(client, user)
    assert ids(page) == [f"TECH_4_{my_nested}", f"TECH_4_{my_tech_reply}", f"PICK_2_{my_pick_reply}"]
    assert page["totalElements"] == 3
    assert [item["commentContents"] for item in page["content"]] == ["답글의 답글", "기술 답글", "픽 답글"]
    # Everyone sees only their own
    admin_page = mine(client, admin)
    assert ids(admin_page) == [f"TECH_4_{admin_tech}", f"PICK_2_{admin_pick}"]
    assert admin_page["totalElements"] == 2
    other_page = mine(client, other)
    assert [item["commentType"] for item in other_page["content"]] == ["TECH", "PICK", "PICK"]
    assert other_page["totalElements"] == 3
    assert int(MemberItem.get(*keys.member(other_id), consistent_read=True).pick_comment_count) == 2


def test_filters_pick_one_kind_and_count_it(client, user, admin):
    picks = [pick_comment(client, user, p) for p in (1, 2, 3)]
    techs = [tech_comment(client, user, a) for a in (6, 7)]
    pick_comment(client, admin, 1)
    tech_comment(client, admin, 6)
    every = mine(client, user, commentFilter="ALL")
    assert ids(every) == [f"TECH_7_{techs[1]}", f"TECH_6_{techs[0]}"] + [
        f"PICK_{p}_{c}" for p, c in zip((3, 2, 1), reversed(picks), strict=True)
    ]
    assert every["totalElements"] == 5 and every["last"] is True
    # Edited contents show as edited
    edited = client.patch(f"{BASE}/picks/2/comments/{picks[1]}", headers=user, json={"contents": "고친 댓글"})
    assert edited.status_code == 200, edited.text
    every["content"][3]["commentContents"] = "고친 댓글"
    assert mine(client, user) == every
    only_picks = mine(client, user, commentFilter="PICK")
    assert [i["commentId"] for i in only_picks["content"]] == list(reversed(picks))
    assert {i["commentType"] for i in only_picks["content"]} == {"PICK"}
    assert only_picks["totalElements"] == 3
    only_techs = mine(client, user, commentFilter="TECH_ARTICLE")
    assert [i["commentId"] for i in only_techs["content"]] == list(reversed(techs))
    assert {i["commentType"] for i in only_techs["content"]} == {"TECH"}
    assert only_techs["totalElements"] == 2


def test_deleted_comments_disappear_and_are_not_counted(client, user, admin):
    kept_pick = pick_comment(client, user, 1, "남는 픽 댓글")
    own_deleted = pick_comment(client, user, 1, "내가 지운 댓글")
    admin_deleted = pick_comment(client, user, 2, "관리자가 지운 댓글")
    origin = pick_comment(client, user, 3, "답글 달린 원댓글")
    deleted_reply = pick_reply(client, user, 3, origin, origin, "지운 답글")
    kept_tech = tech_comment(client, user, 1, "남는 기술 댓글")
    tech_deleted = tech_comment(client, user, 1, "지운 기술 댓글")
    tech_admin_deleted = tech_comment(client, user, 2, "관리자가 지운 기술 댓글")
    assert mine(client, user)["totalElements"] == 8

    delete_pick_comment(client, user, 1, own_deleted)
    delete_pick_comment(client, admin, 2, admin_deleted)
    delete_pick_comment(client, user, 3, deleted_reply)
    delete_pick_comment(client, user, 3, origin)
    delete_tech_comment(client, user, 1, tech_deleted)
    delete_tech_comment(client, admin, 2, tech_admin_deleted)

    page = mine(client, user)
    assert ids(page) == [f"TECH_1_{kept_tech}", f"PICK_1_{kept_pick}"]
    assert (page["totalElements"], page["numberOfElements"], page["last"]) == (2, 2, True)
    assert mine(client, user, commentFilter="PICK")["totalElements"] == 1
    assert mine(client, user, commentFilter="TECH_ARTICLE")["totalElements"] == 1


def test_the_pick_filter_shows_only_approved_picks_but_counts_every_comment(client, user, admin):
    on_rejected = [pick_comment(client, user, 2, f"거절될 픽 댓글 {n}") for n in range(3)]
    on_approved = pick_comment(client, user, 1, "승인된 픽 댓글")
    on_rejected.append(pick_comment(client, user, 2, "거절될 픽 최신 댓글"))
    tech_id = tech_comment(client, user, 1)
    set_status(client, admin, 2, "REJECT")

    # PICK: only the approved pick's comment, though the rejected pick's newest ones come first by id
    for size in (1, 2, 6):
        page = mine(client, user, commentFilter="PICK", size=size)
        assert ids(page) == [f"PICK_1_{on_approved}"], size
        assert (page["totalElements"], page["last"]) == (5, True), size
    # ALL: every pick comment (no pick-status filter), totals of both kinds
    page = mine(client, user, commentFilter="ALL")
    assert ids(page) == [f"TECH_1_{tech_id}", f"PICK_2_{on_rejected[3]}", f"PICK_1_{on_approved}"] + [
        f"PICK_2_{c}" for c in reversed(on_rejected[:3])
    ]
    assert (page["totalElements"], page["last"]) == (6, True)
    # Approved again, they show under PICK again
    set_status(client, admin, 2, "APPROVAL")
    assert len(mine(client, user, commentFilter="PICK")["content"]) == 5


def test_deleting_a_pick_takes_its_comments_off_every_commenters_list(client, seeded, user, admin):
    other_id, other = new_member(seeded, "픽댓글러")
    # Comments on pick 1 (to be deleted) by three members, a reply, one comment already deleted
    user_origin = pick_comment(client, user, 1, "작성자 댓글")
    other_origin = pick_comment(client, other, 1, "다른 회원 댓글")
    other_reply = pick_reply(client, other, 1, user_origin, user_origin, "다른 회원 답글")
    already_gone = pick_comment(client, other, 1, "이미 지운 댓글")
    delete_pick_comment(client, other, 1, already_gone)
    admin_on_one = pick_comment(client, admin, 1)
    # Comments elsewhere stay
    other_kept = pick_comment(client, other, 2, "남는 픽 댓글")
    other_tech = tech_comment(client, other, 2, "남는 기술 댓글")
    user_kept = tech_comment(client, user, 3)
    assert mine(client, other)["totalElements"] == 4
    assert {f"PICK_1_{other_origin}", f"PICK_1_{other_reply}"} <= set(ids(mine(client, other)))

    delete_pick(client, user, 1)

    page = mine(client, other)
    assert ids(page) == [f"TECH_2_{other_tech}", f"PICK_2_{other_kept}"]
    assert page["totalElements"] == 2
    assert mine(client, other, commentFilter="PICK")["totalElements"] == 1
    assert int(MemberItem.get(*keys.member(other_id), consistent_read=True).pick_comment_count) == 1
    user_page = mine(client, user)
    assert (ids(user_page), user_page["totalElements"]) == ([f"TECH_3_{user_kept}"], 1)
    admin_page = mine(client, admin)
    assert f"PICK_1_{admin_on_one}" not in ids(admin_page) and admin_page["totalElements"] == 0


# My comments: paging ----------------------------------------------------------------------------------------------


def interleaved(client, clock, headers) -> list[str]:
    """7 pick comments and 6 tech comments, one second apart, alternating; newest first."""
    written = []
    for n in range(13):
        if n % 2 == 0:
            pick_id = n % 5 + 1
            written.append(f"PICK_{pick_id}_{pick_comment(client, headers, pick_id, f'픽 {n}')}")
        else:
            article_id = n % 8 + 1
            written.append(f"TECH_{article_id}_{tech_comment(client, headers, article_id, f'기술 {n}')}")
        clock.advance(seconds=1)
    return list(reversed(written))


def test_walking_every_comment_with_two_cursors(clocked):
    client, _, clock = clocked
    user = bearer(tokens(client)["accessToken"])
    expected = interleaved(client, clock, user)
    for comment_filter, size, page_sizes in (
        ("ALL", 4, [4, 4, 4, 1]),
        ("ALL", 1, [1] * 13),
        ("ALL", 13, [13]),
        ("ALL", 20, [13]),
        ("PICK", 3, [3, 3, 1]),
        ("PICK", 7, [7]),
        ("TECH_ARTICLE", 3, [3, 3]),
        ("TECH_ARTICLE", 4, [4, 2]),
    ):
        case = (comment_filter, size)
        prefix = {"ALL": "", "PICK": "PICK_", "TECH_ARTICLE": "TECH_"}[comment_filter]
        wanted = [uid for uid in expected if uid.startswith(prefix)]
        pages = walk(client, user, size, comment_filter)
        assert [len(page["content"]) for page in pages] == page_sizes, case
        assert [page["last"] for page in pages] == [False] * (len(pages) - 1) + [True], case
        assert [uid for page in pages for uid in ids(page)] == wanted, case
        assert {page["totalElements"] for page in pages} == {len(wanted)}, case
        assert all(page["size"] == size and page["number"] == 0 and page["first"] for page in pages), case


def test_newest_first_means_created_at_across_the_two_kinds(clocked):
    client, _, clock = clocked
    user = bearer(tokens(client)["accessToken"])
    # Tech comments written first but dated later than the pick comments written after them
    clock.advance(minutes=10)
    techs = [tech_comment(client, user, 1, f"기술 {n}") for n in range(3)]
    clock.advance(minutes=-20)
    picks = [pick_comment(client, user, 1, f"픽 {n}") for n in range(3)]
    expected = [f"TECH_1_{c}" for c in reversed(techs)] + [f"PICK_1_{c}" for c in reversed(picks)]
    assert ids(mine(client, user)) == expected
    assert [uid for page in walk(client, user, 2) for uid in ids(page)] == expected


def test_equal_times_break_ties_on_id(clocked):
    client, _, _ = clocked
    user = bearer(tokens(client)["accessToken"])
    written = []
    for n in range(5):  # the clock stands still: every comment has the same createdAt
        written.append(f"PICK_2_{pick_comment(client, user, 2, f'픽 {n}')}")
        written.append(f"TECH_2_{tech_comment(client, user, 2, f'기술 {n}')}")
    expected = list(reversed(written))
    assert ids(mine(client, user, size=20)) == expected
    pages = walk(client, user, 3)
    assert [uid for page in pages for uid in ids(page)] == expected
    assert [page["last"] for page in pages] == [False, False, False, True]


def test_default_size_and_the_two_cursors(client, user):
    picks, techs = [], []
    for n in range(4):
        picks.append(pick_comment(client, user, n + 1))
        techs.append(tech_comment(client, user, n + 1))
    first = mine(client, user)
    assert (first["size"], first["numberOfElements"], first["last"], first["totalElements"]) == (6, 6, False, 8)
    assert first["pageable"]["pageSize"] == 6
    # 9223372036854775807, any id beyond 2^53-1 and an empty value all mean "the first page"
    for cursor in (LONG_MAX, str(10**18), str(2**53 - 1), ""):
        assert mine(client, user, pickCommentId=cursor, techCommentId=cursor) == first
    assert mine(client, user, pickCommentId=LONG_MAX) == first
    # Each kind pages below its own cursor
    page = mine(client, user, pickCommentId=picks[2], techCommentId=techs[1])
    assert ids(page) == [f"PICK_2_{picks[1]}", f"TECH_1_{techs[0]}", f"PICK_1_{picks[0]}"]
    assert page["last"] is True and page["totalElements"] == 8
    page = mine(client, user, pickCommentId=picks[0])  # no tech cursor: the tech comments from the newest
    assert ids(page) == [f"TECH_{n + 1}_{techs[n]}" for n in (3, 2, 1, 0)]
    page = mine(client, user, commentFilter="TECH_ARTICLE", techCommentId=techs[0])
    assert (page["content"], page["last"], page["empty"], page["totalElements"]) == ([], True, True, 4)


def test_bad_parameters_are_400(client, user):
    for params in (
        {"commentFilter": "TECH"},
        {"commentFilter": "all"},
        {"pickCommentId": "abc"},
        {"techCommentId": "1.5"},
        {"pickCommentId": "-1"},
        {"size": "0"},
        {"size": "many"},
    ):
        response = client.get(MY_COMMENTS, headers=user, params=params)
        assert response.status_code == 400, (params, response.text)
        body = response.json()
        assert list(body) == ["resultType", "message", "errorCode"], params
        assert (body["resultType"], body["errorCode"]) == ("FAIL", 400) and body["message"], params
