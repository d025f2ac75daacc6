"""Pick comments (functions/comments, pick half) through the local gateway, on DynamoDB Local.

The contract's pick comment endpoints (write, reply, modify, delete, list, recommend, best) with the rules of
docs/rules.md#comments: members and anonymous members write, recommends are for members, deleted
comments stay with their texts, ``replyTotalCount`` counts the replies shown, ``last`` is exact, every order
tie-breaks on id, best comments are clamped into 3..10, and every documented error message.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from httpx import Response

from tests.conftest import BASE, bearer, fail, new_member, tokens

pytestmark = pytest.mark.integration

ANON = {"Anonymous-Member-Id": "GA1.1.276672604.1715872960"}
OTHER_ANON = {"Anonymous-Member-Id": "GA1.1.999999999.1715872960"}
LONG_MAX = "9223372036854775807"
AUTHOR_DELETED = "댓글 작성자에 의해 삭제된 댓글입니다."
POLICY_DELETED = "커뮤니티 정책을 위반하여 삭제된 댓글입니다."
USER_EMAIL_MASKED = "tes******"  # test_user@devdevdev.com
ADMIN_EMAIL_MASKED = "tes*******"  # test_admin@devdevdev.com
SPACED = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
SORTED = {"empty": False, "sorted": True, "unsorted": False}
SORTS = ("LATEST", "MOST_LIKED", "MOST_COMMENTED")

ITEM_KEYS = [
    "pickCommentId",
    "createdAt",
    "memberId",
    "author",
    "isCommentOfPickAuthor",
    "isCommentAuthor",
    "isRecommended",
    "maskedEmail",
    "votedPickOption",
    "votedPickOptionTitle",
    "contents",
    "replyTotalCount",
    "recommendTotalCount",
    "isModified",
    "isDeleted",
    "replies",
]
REPLY_KEYS = [
    "pickCommentId",
    "memberId",
    "pickParentCommentMemberId",
    "pickParentCommentId",
    "pickOriginParentCommentId",
    "createdAt",
    "isCommentOfPickAuthor",
    "isCommentAuthor",
    "isRecommended",
    "pickParentCommentAuthor",
    "author",
    "maskedEmail",
    "contents",
    "recommendTotalCount",
    "isModified",
    "isDeleted",
]
PAGE_KEYS = [
    "content",
    "pageable",
    "totalElements",
    "totalOriginParentComments",
    "size",
    "number",
    "sort",
    "first",
    "last",
    "numberOfElements",
    "empty",
]


# Helpers ----------------------------------------------------------------------------------------------------------


def url(pick_id, *rest) -> str:
    return "/".join([f"{BASE}/picks/{pick_id}/comments", *(str(part) for part in rest)])


def write(client, headers: dict, pick_id, contents: str, public: bool = False) -> int:
    response = client.post(url(pick_id), headers=headers, json={"contents": contents, "isPickVotePublic": public})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert list(data) == ["pickCommentId"]
    return data["pickCommentId"]


def reply(client, headers: dict, pick_id, origin_id, parent_id, contents: str) -> int:
    response = client.post(url(pick_id, origin_id, parent_id), headers=headers, json={"contents": contents})
    assert response.status_code == 200, response.text
    return response.json()["data"]["pickCommentId"]


def modify(client, headers: dict, pick_id, comment_id, contents: str):
    return client.patch(url(pick_id, comment_id), headers=headers, json={"contents": contents})


def delete(client, headers: dict, pick_id, comment_id):
    return client.delete(url(pick_id, comment_id), headers=headers)


def recommend(client, headers: dict, pick_id, comment_id):
    return client.post(url(pick_id, comment_id, "recommends"), headers=headers)


def vote(client, headers: dict, pick_id, option_id):
    response = client.post(f"{BASE}/picks/vote", headers=headers, json={"pickId": pick_id, "pickOptionId": option_id})
    assert response.status_code == 200, response.text


def listing(client, headers: dict, pick_id, **params) -> dict:
    response = client.get(url(pick_id), headers=headers, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["resultType", "data"] and body["resultType"] == "SUCCESS"
    assert list(body["data"]) == PAGE_KEYS
    return body["data"]


def best(client, headers: dict, pick_id, **params) -> list[dict]:
    response = client.get(url(pick_id, "best"), headers=headers, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["resultType", "datas"] and body["resultType"] == "SUCCESS"
    return body["datas"]


def walk(client, headers: dict, pick_id, size: int, **params) -> tuple[list[dict], list[bool], list[dict]]:
    """Every page of the list, passing the last id as the cursor: (items, each page's ``last``, the pages)."""
    items, lasts, pages, cursor = [], [], [], LONG_MAX
    for _ in range(20):
        data = listing(client, headers, pick_id, size=size, pickCommentId=cursor, **params)
        items += data["content"]
        lasts.append(data["last"])
        pages.append(data)
        if data["last"]:
            return items, lasts, pages
        cursor = data["content"][-1]["pickCommentId"]
    raise AssertionError("the list never ended")


def assert_items(actual: list[dict], expected: list[dict]) -> None:
    """Full equality, key order included (top-level items and their replies)."""
    assert actual == expected
    for got, want in zip(actual, expected, strict=True):
        assert list(got) == list(want), got["pickCommentId"]
        for got_reply, want_reply in zip(got["replies"], want["replies"], strict=True):
            assert list(got_reply) == list(want_reply), got_reply["pickCommentId"]


def all_succeed(calls: list) -> None:
    """Run independent requests a few at a time (setup only); each must answer 200."""
    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(lambda call: call(), calls))
    assert [r.status_code for r in responses] == [200] * len(calls), [r.text for r in responses]


def set_status(client, admin: dict, pick_id, status: str) -> None:
    response = client.patch(f"{BASE}/picks/{pick_id}/status", headers=admin, json={"contentStatus": status})
    assert response.json() == {"resultType": "SUCCESS", "data": {"pickId": pick_id, "contentStatus": status}}


def pick_in_list(client, pick_id: int, **params) -> dict:
    content = client.get(f"{BASE}/picks", headers=ANON, params={"size": 100, **params}).json()["data"]["content"]
    return {item["id"]: item for item in content}[pick_id]


def empty_page(size: int = 5) -> dict:
    return {
        "content": [],
        "pageable": {"pageNumber": 0, "pageSize": size, "sort": SORTED, "offset": 0, "paged": True, "unpaged": False},
        "totalElements": 0,
        "totalOriginParentComments": 0,
        "size": size,
        "number": 0,
        "sort": SORTED,
        "first": True,
        "last": True,
        "numberOfElements": 0,
        "empty": True,
    }


def is_bad_request(response) -> bool:
    body = response.json()
    return (
        response.status_code == 400
        and set(body) == {"resultType", "message", "errorCode"}
        and body["resultType"] == "FAIL"
        and body["errorCode"] == 400
        and bool(body["message"])
    )


@pytest.fixture
def user(client) -> dict:
    return bearer(tokens(client)["accessToken"])


@pytest.fixture
def admin(client) -> dict:
    return bearer(tokens(client, "admin")["accessToken"])


def seoul(at: datetime) -> str:
    return (at + timedelta(hours=9)).strftime("%Y-%m-%d %H:%M:%S")


# The thread of the issue ------------------------------------------------------------------------------------------


def test_a_thread_lists_exactly_in_every_sort(clocked):
    client, runtime, clock = clocked
    user, admin = bearer(tokens(client)["accessToken"]), bearer(tokens(client, "admin")["accessToken"])
    reviewer_id, reviewer = new_member(runtime, "reviewer")
    at: dict[str, datetime] = {}

    def tick(name: str) -> None:
        clock.advance(minutes=1)
        at[name] = clock.now()

    # Given on pick 1 (by the user): the user's public comment (voted 탭) with a reply, a reply to that reply by an
    # anonymous member (then modified), and the user's answer to it (then deleted by the admin)
    vote(client, user, 1, 1)
    tick("c1")
    c1 = write(client, user, 1, "탭이 최고죠", public=True)
    tick("r1")
    r1 = reply(client, reviewer, 1, c1, c1, "저는 스페이스파")
    tick("r2")
    r2 = reply(client, ANON, 1, c1, r1, "둘 다 좋아요")
    anonymous = runtime.anonymous.find(ANON["Anonymous-Member-Id"])
    tick("modified")
    assert modify(client, ANON, 1, r2, "둘 다 좋아요 (수정)").json() == {
        "resultType": "SUCCESS",
        "data": {"pickCommentId": r2},
    }
    tick("r3")
    r3 = reply(client, user, 1, c1, r2, "익명님 동의합니다")
    # and a comment the user recommended before its author deleted it
    tick("c2")
    c2 = write(client, reviewer, 1, "곧 지울 댓글")
    assert recommend(client, user, 1, c2).status_code == 200
    assert delete(client, reviewer, 1, c2).json() == {"resultType": "SUCCESS", "data": {"pickCommentId": c2}}
    # and an anonymous comment with a reply, deleted by the admin
    tick("c3")
    c3 = write(client, ANON, 1, "정책 위반 댓글")
    tick("r4")
    r4 = reply(client, user, 1, c3, c3, "답글은 남아요")
    assert delete(client, admin, 1, c3).json() == {"resultType": "SUCCESS", "data": {"pickCommentId": c3}}
    assert delete(client, admin, 1, r3).json() == {"resultType": "SUCCESS", "data": {"pickCommentId": r3}}
    # and the admin's comment with two recommends; the reviewer recommends the user's comment
    tick("c4")
    c4 = write(client, admin, 1, "관리자 댓글")
    for who, comment_id in ((user, c4), (reviewer, c4), (reviewer, c1)):
        assert recommend(client, who, 1, comment_id).status_code == 200

    expected = {
        c4: {
            "pickCommentId": c4,
            "createdAt": seoul(at["c4"]),
            "memberId": 2,
            "author": "댑댑이_Admin",
            "isCommentOfPickAuthor": False,
            "isCommentAuthor": False,
            "isRecommended": True,
            "maskedEmail": ADMIN_EMAIL_MASKED,
            "votedPickOption": None,
            "votedPickOptionTitle": None,
            "contents": "관리자 댓글",
            "replyTotalCount": 0,
            "recommendTotalCount": 2,
            "isModified": False,
            "isDeleted": False,
            "replies": [],
        },
        c3: {
            "pickCommentId": c3,
            "createdAt": seoul(at["c3"]),
            "anonymousMemberId": anonymous.id,
            "author": anonymous.nickname,
            "isCommentOfPickAuthor": False,
            "isCommentAuthor": False,
            "isRecommended": False,
            "maskedEmail": None,
            "votedPickOption": None,
            "votedPickOptionTitle": None,
            "contents": POLICY_DELETED,
            "replyTotalCount": 1,
            "recommendTotalCount": 0,
            "isModified": False,
            "isDeleted": True,
            "replies": [
                {
                    "pickCommentId": r4,
                    "memberId": 1,
                    "pickParentCommentAnonymousMemberId": anonymous.id,
                    "pickParentCommentId": c3,
                    "pickOriginParentCommentId": c3,
                    "createdAt": seoul(at["r4"]),
                    "isCommentOfPickAuthor": True,
                    "isCommentAuthor": True,
                    "isRecommended": False,
                    "pickParentCommentAuthor": anonymous.nickname,
                    "author": "댑댑이_User",
                    "maskedEmail": USER_EMAIL_MASKED,
                    "contents": "답글은 남아요",
                    "recommendTotalCount": 0,
                    "isModified": False,
                    "isDeleted": False,
                }
            ],
        },
        c2: {
            "pickCommentId": c2,
            "createdAt": seoul(at["c2"]),
            "memberId": reviewer_id,
            "author": "reviewer",
            "isCommentOfPickAuthor": False,
            "isCommentAuthor": False,
            "isRecommended": True,
            "maskedEmail": "rev*****",
            "votedPickOption": None,
            "votedPickOptionTitle": None,
            "contents": AUTHOR_DELETED,
            "replyTotalCount": 0,
            "recommendTotalCount": 1,
            "isModified": False,
            "isDeleted": True,
            "replies": [],
        },
        c1: {
            "pickCommentId": c1,
            "createdAt": seoul(at["c1"]),
            "memberId": 1,
            "author": "댑댑이_User",
            "isCommentOfPickAuthor": True,
            "isCommentAuthor": True,
            "isRecommended": False,
            "maskedEmail": USER_EMAIL_MASKED,
            "votedPickOption": "firstPickOption",
            "votedPickOptionTitle": "탭",
            "contents": "탭이 최고죠",
            "replyTotalCount": 3,
            "recommendTotalCount": 1,
            "isModified": False,
            "isDeleted": False,
            "replies": [
                {
                    "pickCommentId": r1,
                    "memberId": reviewer_id,
                    "pickParentCommentMemberId": 1,
                    "pickParentCommentId": c1,
                    "pickOriginParentCommentId": c1,
                    "createdAt": seoul(at["r1"]),
                    "isCommentOfPickAuthor": False,
                    "isCommentAuthor": False,
                    "isRecommended": False,
                    "pickParentCommentAuthor": "댑댑이_User",
                    "author": "reviewer",
                    "maskedEmail": "rev*****",
                    "contents": "저는 스페이스파",
                    "recommendTotalCount": 0,
                    "isModified": False,
                    "isDeleted": False,
                },
                {
                    "pickCommentId": r2,
                    "anonymousMemberId": anonymous.id,
                    "pickParentCommentMemberId": reviewer_id,
                    "pickParentCommentId": r1,
                    "pickOriginParentCommentId": c1,
                    "createdAt": seoul(at["r2"]),
                    "isCommentOfPickAuthor": False,
                    "isCommentAuthor": False,
                    "isRecommended": False,
                    "pickParentCommentAuthor": "reviewer",
                    "author": anonymous.nickname,
                    "maskedEmail": None,
                    "contents": "둘 다 좋아요 (수정)",
                    "recommendTotalCount": 0,
                    "isModified": True,
                    "isDeleted": False,
                },
                {
                    "pickCommentId": r3,
                    "memberId": 1,
                    "pickParentCommentAnonymousMemberId": anonymous.id,
                    "pickParentCommentId": r2,
                    "pickOriginParentCommentId": c1,
                    "createdAt": seoul(at["r3"]),
                    "isCommentOfPickAuthor": True,
                    "isCommentAuthor": True,
                    "isRecommended": False,
                    "pickParentCommentAuthor": anonymous.nickname,
                    "author": "댑댑이_User",
                    "maskedEmail": USER_EMAIL_MASKED,
                    "contents": POLICY_DELETED,
                    "recommendTotalCount": 0,
                    "isModified": False,
                    "isDeleted": True,
                },
            ],
        },
    }
    # (the expected items of members follow the contract example's key order; anonymous ones put their id there)
    assert list(expected[c4]) == list(expected[c1]) == ITEM_KEYS
    assert list(expected[c1]["replies"][0]) == REPLY_KEYS
    orders = {
        "LATEST": [c4, c3, c2, c1],
        "MOST_LIKED": [c4, c2, c1, c3],  # 2, then 1 and 1 (id desc), then 0
        "MOST_COMMENTED": [c1, c3, c4, c2],  # 3, 1, then 0 and 0 (id desc)
    }
    for sort, order in orders.items():
        # When the user lists the thread in each sort
        data = listing(client, user, 1, pickCommentId=LONG_MAX, size=10, pickCommentSort=sort)
        # Then the items are exactly these, in the sort's order; the totals count every comment ever written and
        # the top-level comments that are not deleted
        assert_items(data["content"], [expected[c] for c in order])
        assert {k: v for k, v in data.items() if k != "content"} == {
            "pageable": {"pageNumber": 0, "pageSize": 10, "sort": SORTED, "offset": 0, "paged": True, "unpaged": False},
            "totalElements": 8,
            "totalOriginParentComments": 2,
            "size": 10,
            "number": 0,
            "sort": SORTED,
            "first": True,
            "last": True,
            "numberOfElements": 4,
            "empty": False,
        }, sort
    # And the anonymous member sees its own comments as theirs and no recommends
    mine = listing(client, ANON, 1, size=10)["content"]
    flags = {i["pickCommentId"]: (i["isCommentAuthor"], i["isRecommended"]) for i in mine}
    flags |= {r["pickCommentId"]: (r["isCommentAuthor"], r["isRecommended"]) for i in mine for r in i["replies"]}
    assert flags == {
        c4: (False, False),
        c3: (True, False),
        c2: (False, False),
        c1: (False, False),
        r1: (False, False),
        r2: (True, False),
        r3: (False, False),
        r4: (False, False),
    }


def test_created_at_follows_the_timezone_header(clocked):
    client, _, _ = clocked
    user = bearer(tokens(client)["accessToken"])
    comment_id = write(client, user, 2, "시간")
    reply(client, user, 2, comment_id, comment_id, "답글 시간")
    for headers, expected in ((user, "2026-01-01 21:00:00"), ({**user, "Timezone": "UTC"}, "2026-01-01 12:00:00")):
        item = listing(client, headers, 2)["content"][0]
        assert (item["createdAt"], item["replies"][0]["createdAt"]) == (expected, expected)
        assert best(client, headers, 2) == []
    assert recommend(client, user, 2, comment_id).status_code == 200
    assert best(client, {**user, "Timezone": "America/New_York"}, 2)[0]["createdAt"] == "2026-01-01 07:00:00"


# Writes -----------------------------------------------------------------------------------------------------------


def test_write_answers_the_id_and_counts_on_the_pick(client, user, admin):
    # Given pick 2 with no comments, behind pick 5 in the MOST_COMMENTED pick list (ties by id)
    before = pick_in_list(client, 2)
    assert before["commentTotalCount"] == 0
    commented = client.get(f"{BASE}/picks?pickSort=MOST_COMMENTED", headers=user).json()["data"]["content"]
    assert [item["id"] for item in commented] == [5, 4, 3, 2, 1]
    # When the user comments and the admin replies
    response = client.post(url(2), headers=user, json={"contents": "안녕하세웅", "isPickVotePublic": False})
    assert response.status_code == 200
    comment_id = response.json()["data"]["pickCommentId"]
    assert response.json() == {"resultType": "SUCCESS", "data": {"pickCommentId": comment_id}}
    response = client.post(url(2, comment_id, comment_id), headers=admin, json={"contents": "댓글1의 답글"})
    assert response.status_code == 200
    reply_id = response.json()["data"]["pickCommentId"]
    assert response.json() == {"resultType": "SUCCESS", "data": {"pickCommentId": reply_id}}
    assert reply_id > comment_id
    # Then the pick counts 2 comments and 8 more popular score, and leads the MOST_COMMENTED list
    after = pick_in_list(client, 2)
    assert (after["commentTotalCount"], after["popularScore"]) == (2, before["popularScore"] + 8)
    commented = client.get(f"{BASE}/picks?pickSort=MOST_COMMENTED", headers=user).json()["data"]["content"]
    assert [item["id"] for item in commented] == [2, 5, 4, 3, 1]
    # and a delete takes nothing back
    assert delete(client, admin, 2, reply_id).status_code == 200
    assert delete(client, user, 2, comment_id).status_code == 200
    assert pick_in_list(client, 2)["commentTotalCount"] == 2
    data = listing(client, user, 2)
    assert (data["totalElements"], data["totalOriginParentComments"]) == (2, 0)


def test_contents_of_exactly_1000_characters_are_kept(client, user):
    comment_id = write(client, user, 1, "가" * 1000)
    reply_id = reply(client, user, 1, comment_id, comment_id, "나" * 1000)
    assert modify(client, user, 1, reply_id, "다" * 1000).status_code == 200
    item = listing(client, user, 1)["content"][0]
    assert (item["contents"], item["replies"][0]["contents"]) == ("가" * 1000, "다" * 1000)


def test_public_comment_shows_the_vote_it_was_written_with(client, user):
    # Given the user voted 스페이스 (option 2) on pick 1 and wrote a public comment
    vote(client, user, 1, 2)
    comment_id = write(client, user, 1, "스페이스!", public=True)
    item = listing(client, user, 1)["content"][0]
    assert (item["votedPickOption"], item["votedPickOptionTitle"]) == ("secondPickOption", "스페이스")
    # When the user switches the vote to 탭
    vote(client, user, 1, 1)
    # Then the comment still shows the option it was written with
    item = listing(client, user, 1)["content"][0]
    assert (item["pickCommentId"], item["votedPickOption"], item["votedPickOptionTitle"]) == (
        comment_id,
        "secondPickOption",
        "스페이스",
    )


WRITE_ERRORS = [
    ({"contents": "", "isPickVotePublic": False}, 400, "내용을 작성해주세요."),
    ({"contents": "   \n\t", "isPickVotePublic": False}, 400, "내용을 작성해주세요."),
    ({"isPickVotePublic": False}, 400, "내용을 작성해주세요."),
    ({"contents": None, "isPickVotePublic": False}, 400, "내용을 작성해주세요."),
    ({"contents": "가" * 1001, "isPickVotePublic": False}, 400, "댓글은 1글자 이상 1000글자 이하여야 합니다."),
    ({"contents": "안녕하세웅"}, 400, "픽픽픽 공개 여부는 필수 값 입니다."),
    ({"contents": "안녕하세웅", "isPickVotePublic": None}, 400, "픽픽픽 공개 여부는 필수 값 입니다."),
    ({"contents": "안녕하세웅", "isPickVotePublic": True}, 404, "투표한 픽픽픽 선택지가 존재하지 않습니다."),
]


def test_write_validation_messages(client, user):
    for body, status, message in WRITE_ERRORS:
        response = client.post(url(1), headers=user, json=body)
        assert (response.status_code, response.json()) == (status, fail(message, status)), body
    # an anonymous member needs a vote for a public comment too
    response = client.post(url(1), headers=ANON, json={"contents": "공개", "isPickVotePublic": True})
    assert (response.status_code, response.json()) == (404, fail("투표한 픽픽픽 선택지가 존재하지 않습니다.", 404))
    # a vote on another pick does not count
    vote(client, user, 2, 3)
    response = client.post(url(1), headers=user, json={"contents": "공개", "isPickVotePublic": True})
    assert (response.status_code, response.json()) == (404, fail("투표한 픽픽픽 선택지가 존재하지 않습니다.", 404))
    assert listing(client, user, 1) == empty_page()


def test_write_errors_of_the_pick_and_the_caller(client, seeded, user, admin):
    body = {"contents": "안녕하세웅", "isPickVotePublic": False}
    # a pick that does not exist
    response = client.post(url(999), headers=user, json=body)
    assert (response.status_code, response.json()) == (404, fail("픽픽픽 게시글이 없습니다.", 404))
    # a pick that is not APPROVAL
    set_status(client, admin, 3, "REJECT")
    response = client.post(url(3), headers=user, json=body)
    expected = fail("승인 상태가 아닌 픽픽픽에는 댓글을 작성할 수 없습니다.", 400)
    assert (response.status_code, response.json()) == (400, expected)
    # a guest without the anonymous header
    response = client.post(url(1), json=body)
    assert (response.status_code, response.json()) == (400, fail("익명 회원 아이디를 확인해주세요.", 400))
    # a member who exited
    member_id, headers = new_member(seeded, "leaver")
    seeded.members.exit(seeded.members.get(member_id), datetime.now(UTC))
    response = client.post(url(1), headers=headers, json=body)
    assert (response.status_code, response.json()) == (404, fail("회원을 찾을 수 없습니다.", 404))
    # nothing was written
    assert listing(client, user, 1)["content"] == []


MALFORMED_WRITES = [
    ("1", b'{"contents": "a", "isPickVotePublic": fals'),
    ("1", b"[]"),
    ("1", b""),
    ("1", b"\xff\xfe"),
    ("1", b'{"contents": 123, "isPickVotePublic": false}'),
    ("1", b'{"contents": "a", "isPickVotePublic": "yes"}'),
    ("abc", b'{"contents": "a", "isPickVotePublic": false}'),
    ("0", b'{"contents": "a", "isPickVotePublic": false}'),
    ("99999999999999999999999", b'{"contents": "a", "isPickVotePublic": false}'),
]


def test_write_with_malformed_input_is_400_never_500(client, user):
    for path, raw in MALFORMED_WRITES:
        response = client.post(url(path), headers={**user, "Content-Type": "application/json"}, content=raw)
        assert is_bad_request(response), (path, raw, response.text)
    assert listing(client, user, 1) == empty_page()


def test_anonymous_member_writes_modifies_and_deletes_its_own(client, seeded, user):
    # Given an anonymous member who voted 파이썬 on pick 3 and wrote a public comment
    vote(client, ANON, 3, 5)
    comment_id = write(client, ANON, 3, "익명 댓글", public=True)
    anonymous = seeded.anonymous.find(ANON["Anonymous-Member-Id"])
    item = listing(client, ANON, 3)["content"][0]
    assert SPACED.match(item.pop("createdAt"))
    assert item == {
        "pickCommentId": comment_id,
        "anonymousMemberId": anonymous.id,
        "author": anonymous.nickname,
        "isCommentOfPickAuthor": False,
        "isCommentAuthor": True,
        "isRecommended": False,
        "maskedEmail": None,
        "votedPickOption": "firstPickOption",
        "votedPickOptionTitle": "파이썬",
        "contents": "익명 댓글",
        "replyTotalCount": 0,
        "recommendTotalCount": 0,
        "isModified": False,
        "isDeleted": False,
        "replies": [],
    }
    assert list(item) == [k if k != "memberId" else "anonymousMemberId" for k in ITEM_KEYS if k != "createdAt"]
    # Others may neither modify nor delete it: another anonymous member, a member
    missing = fail("픽픽픽 댓글이 없습니다.", 404)
    for other in (OTHER_ANON, user):
        assert modify(client, other, 3, comment_id, "남의 댓글").json() == missing
        assert delete(client, other, 3, comment_id).json() == missing
    # nor a guest without the header
    response = modify(client, {}, 3, comment_id, "헤더 없음")
    assert (response.status_code, response.json()) == (400, fail("익명 회원 아이디를 확인해주세요.", 400))
    response = delete(client, {}, 3, comment_id)
    assert (response.status_code, response.json()) == (400, fail("익명 회원 아이디를 확인해주세요.", 400))
    # The anonymous member modifies it, then deletes it
    response = modify(client, ANON, 3, comment_id, "수정한 익명 댓글")
    assert (response.status_code, response.json()) == (
        200,
        {"resultType": "SUCCESS", "data": {"pickCommentId": comment_id}},
    )
    assert listing(client, ANON, 3)["content"][0]["isModified"] is True
    response = delete(client, ANON, 3, comment_id)
    assert (response.status_code, response.json()) == (
        200,
        {"resultType": "SUCCESS", "data": {"pickCommentId": comment_id}},
    )
    item = listing(client, OTHER_ANON, 3)["content"][0]
    assert (item["contents"], item["isDeleted"], item["isModified"], item["isCommentAuthor"]) == (
        AUTHOR_DELETED,
        True,
        True,
        False,
    )


def test_an_anonymous_member_cannot_touch_a_members_comment(client, user):
    comment_id = write(client, user, 1, "회원 댓글")
    missing = fail("픽픽픽 댓글이 없습니다.", 404)
    assert modify(client, ANON, 1, comment_id, "익명의 수정").json() == missing
    assert delete(client, ANON, 1, comment_id).json() == missing
    assert listing(client, user, 1)["content"][0]["contents"] == "회원 댓글"


def test_exited_members_comments_still_show_their_nickname(client, seeded, user):
    member_id, headers = new_member(seeded, "leaver")
    comment_id = write(client, headers, 1, "떠나기 전 댓글")
    reply_id = reply(client, user, 1, comment_id, comment_id, "잘 가요")
    seeded.members.exit(seeded.members.get(member_id), datetime.now(UTC))
    item = listing(client, user, 1)["content"][0]
    assert (item["pickCommentId"], item["memberId"], item["author"], item["contents"], item["isDeleted"]) == (
        comment_id,
        member_id,
        "leaver",
        "떠나기 전 댓글",
        False,
    )
    assert item["replies"][0]["pickCommentId"] == reply_id
    assert (item["replies"][0]["pickParentCommentMemberId"], item["replies"][0]["pickParentCommentAuthor"]) == (
        member_id,
        "leaver",
    )


# Replies ----------------------------------------------------------------------------------------------------------


def test_reply_errors(client, user, admin):
    # Given on pick 1 a comment with a reply, a deleted comment with a live reply, and a comment on pick 2
    origin = write(client, user, 1, "원댓글")
    child = reply(client, admin, 1, origin, origin, "답글")
    doomed = write(client, user, 1, "지울 댓글")
    orphan = reply(client, admin, 1, doomed, doomed, "남을 답글")
    deleted_reply = reply(client, admin, 1, origin, origin, "지울 답글")
    assert delete(client, user, 1, doomed).status_code == 200
    assert delete(client, admin, 1, deleted_reply).status_code == 200
    elsewhere = write(client, user, 2, "다른 픽 댓글")
    body = {"contents": "답글!"}

    def post(pick_id, origin_id, parent_id, headers=user, json=body):
        response = client.post(url(pick_id, origin_id, parent_id), headers=headers, json=json)
        return response.status_code, response.json()

    missing = (404, fail("픽픽픽 댓글이 없습니다.", 404))
    deleted = (400, fail("삭제된 픽픽픽 댓글에는 답글을 작성할 수 없습니다.", 400))
    assert post(1, origin, origin, json={"contents": "  "}) == (400, fail("내용을 작성해주세요.", 400))
    assert post(1, origin, origin, json={}) == (400, fail("내용을 작성해주세요.", 400))
    assert post(1, origin, origin, json={"contents": "가" * 1001}) == (
        400,
        fail("댓글은 1글자 이상 1000글자 이하여야 합니다.", 400),
    )
    assert post(1, origin, 99999) == missing  # parent missing
    assert post(1, 99999, child) == missing  # origin missing
    assert post(1, child, child) == missing  # the origin must be a top-level comment
    assert post(1, doomed, child) == missing  # the parent must be in the origin's thread
    assert post(1, elsewhere, elsewhere) == missing  # a comment of another pick
    assert post(2, origin, origin) == missing
    assert post(1, doomed, doomed) == deleted  # deleted parent
    assert post(1, doomed, orphan) == deleted  # live parent, deleted origin
    assert post(1, origin, deleted_reply) == deleted  # deleted reply as parent
    assert post(999, origin, origin) == (404, fail("픽픽픽 게시글이 없습니다.", 404))
    assert post(1, origin, origin, headers={}) == (400, fail("익명 회원 아이디를 확인해주세요.", 400))
    set_status(client, admin, 1, "REJECT")
    assert post(1, origin, origin) == (400, fail("승인 상태가 아닌 픽픽픽에는 답글을 작성할 수 없습니다.", 400))
    set_status(client, admin, 1, "APPROVAL")
    # nothing was written by the refused replies
    thread = {i["pickCommentId"]: i for i in listing(client, user, 1, size=10)["content"]}
    assert [r["pickCommentId"] for r in thread[origin]["replies"]] == [child, deleted_reply]
    assert [r["pickCommentId"] for r in thread[doomed]["replies"]] == [orphan]
    assert listing(client, user, 1)["totalElements"] == 5
    # non-numeric ids and malformed bodies are 400s, never 500s
    for path in ("abc/1", f"{origin}/abc", f"0/{origin}", f"{origin}/-1", "1.5/1"):
        response = client.post(f"{url(1)}/{path}", headers=user, json=body)
        assert is_bad_request(response), (path, response.text)
    response = client.post(url("abc", origin, origin), headers=user, json=body)
    assert is_bad_request(response), response.text
    for raw in (b'{"contents": ', b"[1]", b'{"contents": false}'):
        response = client.post(
            url(1, origin, origin), headers={**user, "Content-Type": "application/json"}, content=raw
        )
        assert is_bad_request(response), (raw, response.text)


def test_anonymous_reply_to_an_anonymous_comment_names_the_parent_by_its_kind(client, seeded):
    comment_id = write(client, ANON, 2, "익명 원댓글")
    reply_id = reply(client, OTHER_ANON, 2, comment_id, comment_id, "익명 답글")
    first = seeded.anonymous.find(ANON["Anonymous-Member-Id"])
    second = seeded.anonymous.find(OTHER_ANON["Anonymous-Member-Id"])
    item = listing(client, OTHER_ANON, 2)["content"][0]
    (shown,) = item["replies"]
    assert SPACED.match(shown.pop("createdAt"))
    assert shown == {
        "pickCommentId": reply_id,
        "anonymousMemberId": second.id,
        "pickParentCommentAnonymousMemberId": first.id,
        "pickParentCommentId": comment_id,
        "pickOriginParentCommentId": comment_id,
        "isCommentOfPickAuthor": False,
        "isCommentAuthor": True,
        "isRecommended": False,
        "pickParentCommentAuthor": first.nickname,
        "author": second.nickname,
        "maskedEmail": None,
        "contents": "익명 답글",
        "recommendTotalCount": 0,
        "isModified": False,
        "isDeleted": False,
    }
    assert list(shown)[:3] == ["pickCommentId", "anonymousMemberId", "pickParentCommentAnonymousMemberId"]


# Modify and delete ------------------------------------------------------------------------------------------------


def test_modify_errors(client, user, admin):
    comment_id = write(client, user, 1, "원래 내용")
    gone = write(client, user, 1, "지운 내용")
    assert delete(client, user, 1, gone).status_code == 200
    missing = (404, fail("픽픽픽 댓글이 없습니다.", 404))

    def patch(pick_id, target, headers=user, json=None):
        response = client.patch(url(pick_id, target), headers=headers, json=json or {"contents": "새 내용"})
        return response.status_code, response.json()

    assert patch(1, comment_id, json={"contents": " "}) == (400, fail("내용을 작성해주세요.", 400))
    assert patch(1, comment_id, json={"contents": "가" * 1001}) == (
        400,
        fail("댓글은 1글자 이상 1000글자 이하여야 합니다.", 400),
    )
    assert patch(1, comment_id, headers=admin) == missing  # someone else's, even for an admin
    assert patch(1, gone) == missing
    assert patch(1, 99999) == missing
    assert patch(2, comment_id) == missing  # not a comment of this pick
    assert patch(999, comment_id) == missing
    assert patch(1, comment_id, headers={}) == (400, fail("익명 회원 아이디를 확인해주세요.", 400))
    set_status(client, admin, 1, "REJECT")
    assert patch(1, comment_id) == (400, fail("승인 상태가 아닌 픽픽픽에는 댓글을 수정할 수 없습니다.", 400))
    set_status(client, admin, 1, "APPROVAL")
    item = listing(client, user, 1, size=10)["content"][1]
    assert (item["pickCommentId"], item["contents"], item["isModified"]) == (comment_id, "원래 내용", False)
    # The author's own modification works
    assert patch(1, comment_id) == (200, {"resultType": "SUCCESS", "data": {"pickCommentId": comment_id}})
    item = listing(client, user, 1, size=10)["content"][1]
    assert (item["contents"], item["isModified"]) == ("새 내용", True)


def test_modify_and_delete_with_malformed_input_are_400(client, user):
    comment_id = write(client, user, 1, "원래 내용")
    for raw in (b'{"contents": ', b'"text"', b'{"contents": ["a"]}', b""):
        response = client.patch(url(1, comment_id), headers={**user, "Content-Type": "application/json"}, content=raw)
        assert is_bad_request(response), (raw, response.text)
    assert is_bad_request(client.patch(url(1, "abc"), headers=user, json={"contents": "a"}))
    assert is_bad_request(client.delete(url(1, "abc"), headers=user))
    assert is_bad_request(client.delete(url("abc", comment_id), headers=user))
    assert is_bad_request(client.delete(url(1, "0"), headers=user))
    item = listing(client, user, 1)["content"][0]
    assert (item["contents"], item["isModified"], item["isDeleted"]) == ("원래 내용", False, False)


def test_delete_errors(client, user, admin):
    comment_id = write(client, user, 1, "댓글")
    others = write(client, admin, 1, "관리자 댓글")
    gone = write(client, user, 1, "지운 댓글")
    assert delete(client, user, 1, gone).status_code == 200
    missing = (404, fail("픽픽픽 댓글이 없습니다.", 404))

    def remove(pick_id, target, headers=user):
        response = delete(client, headers, pick_id, target)
        return response.status_code, response.json()

    assert remove(1, others) == missing  # someone else's
    assert remove(1, gone) == missing  # already deleted
    assert remove(1, gone, headers=admin) == missing  # already deleted, even for an admin
    assert remove(1, 99999) == missing
    assert remove(2, comment_id) == missing  # not a comment of this pick
    assert remove(1, comment_id, headers=ANON) == missing
    assert remove(1, comment_id, headers={}) == (400, fail("익명 회원 아이디를 확인해주세요.", 400))
    set_status(client, admin, 1, "REJECT")
    assert remove(1, comment_id) == (400, fail("승인 상태가 아닌 픽픽픽에는 댓글을 삭제할 수 없습니다.", 400))
    set_status(client, admin, 1, "APPROVAL")
    data = listing(client, user, 1, size=10)
    assert [(i["pickCommentId"], i["isDeleted"]) for i in data["content"]] == [
        (gone, True),
        (others, False),
        (comment_id, False),
    ]
    assert data["totalOriginParentComments"] == 2


def test_admin_deletes_any_comment_even_on_a_rejected_pick(client, user, admin):
    # Given the user's comment and reply and an anonymous comment on pick 4, which the admin then rejects
    comment_id = write(client, user, 4, "회원 댓글")
    reply_id = reply(client, user, 4, comment_id, comment_id, "회원 답글")
    anonymous_id = write(client, ANON, 4, "익명 댓글")
    own = write(client, admin, 4, "관리자 본인 댓글")
    set_status(client, admin, 4, "REJECT")
    # When the admin deletes all of them
    for target in (reply_id, comment_id, anonymous_id, own):
        response = delete(client, admin, 4, target)
        assert (response.status_code, response.json()) == (
            200,
            {"resultType": "SUCCESS", "data": {"pickCommentId": target}},
        )
    # Then, once approved again, others' comments carry the policy text and the admin's own the author text
    set_status(client, admin, 4, "APPROVAL")
    data = listing(client, user, 4, size=10)
    shown = [(i["pickCommentId"], i["contents"], i["isDeleted"]) for i in data["content"]]
    assert shown == [
        (own, AUTHOR_DELETED, True),
        (anonymous_id, POLICY_DELETED, True),
        (comment_id, POLICY_DELETED, True),
    ]
    (shown_reply,) = data["content"][2]["replies"]
    assert (shown_reply["contents"], shown_reply["isDeleted"]) == (POLICY_DELETED, True)
    assert (data["totalElements"], data["totalOriginParentComments"]) == (4, 0)


# Recommends -------------------------------------------------------------------------------------------------------


def test_recommend_toggles_and_the_list_shows_it(client, user, admin):
    comment_id = write(client, admin, 1, "추천해 주세요")
    reply_id = reply(client, admin, 1, comment_id, comment_id, "답글도 추천")
    url_of = url(1, comment_id, "recommends")
    expected = [(True, 1), (False, 0), (True, 1)]
    for is_recommended, count in expected:
        response = client.post(url_of, headers=user)
        assert (response.status_code, response.json()) == (
            200,
            {"resultType": "SUCCESS", "data": {"isRecommended": is_recommended, "recommendTotalCount": count}},
        )
    # a self-recommend of a reply is allowed
    response = recommend(client, admin, 1, reply_id)
    assert response.json()["data"] == {"isRecommended": True, "recommendTotalCount": 1}
    for headers, (top, nested) in ((user, (True, False)), (admin, (False, True)), (ANON, (False, False))):
        item = listing(client, headers, 1)["content"][0]
        assert (item["isRecommended"], item["recommendTotalCount"]) == (top, 1)
        assert (item["replies"][0]["isRecommended"], item["replies"][0]["recommendTotalCount"]) == (nested, 1)


def test_recommend_errors(client, user, admin):
    comment_id = write(client, admin, 1, "댓글")
    gone = write(client, admin, 1, "지운 댓글")
    gone_reply = reply(client, admin, 1, comment_id, comment_id, "지운 답글")
    assert delete(client, admin, 1, gone).status_code == 200
    assert delete(client, admin, 1, gone_reply).status_code == 200

    def post(pick_id, target, headers=user):
        response = recommend(client, headers, pick_id, target)
        return response.status_code, response.json()

    guest = (405, fail("익명 회원은 사용할 수 없는 기능 입니다.", 405))
    assert post(1, comment_id, headers=ANON) == guest
    assert post(1, comment_id, headers={}) == guest
    missing = (404, fail("픽픽픽 댓글이 없습니다.", 404))
    assert post(1, 99999) == missing
    assert post(2, comment_id) == missing
    deleted = (400, fail("삭제된 픽픽픽 댓글에는 추천할 수 없습니다.", 400))
    assert post(1, gone) == deleted
    assert post(1, gone_reply) == deleted
    set_status(client, admin, 1, "REJECT")
    assert post(1, comment_id) == (400, fail("승인 상태가 아닌 픽픽픽에는 댓글을 추천할 수 없습니다.", 400))
    set_status(client, admin, 1, "APPROVAL")
    assert is_bad_request(client.post(url(1, "abc", "recommends"), headers=user))
    assert is_bad_request(client.post(url("abc", comment_id, "recommends"), headers=user))
    assert listing(client, user, 1)["content"][1]["recommendTotalCount"] == 0


def test_twenty_members_recommending_at_once_count_twenty(client, seeded, user):
    # Given a comment and 20 distinct members
    comment_id = write(client, user, 1, "다 같이 추천")
    members = [new_member(seeded, f"fan{n}")[1] for n in range(20)]
    # When they all recommend it at the same time
    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(lambda headers: recommend(client, headers, 1, comment_id), members))
    # Then every recommend counts, once
    assert [r.status_code for r in responses] == [200] * 20, [r.text for r in responses if r.status_code != 200]
    assert {r.json()["data"]["isRecommended"] for r in responses} == {True}
    assert max(r.json()["data"]["recommendTotalCount"] for r in responses) == 20
    item = listing(client, members[0], 1)["content"][0]
    assert (item["recommendTotalCount"], item["isRecommended"]) == (20, True)
    assert [c["recommendTotalCount"] for c in best(client, user, 1)] == [20]
    # When one of them takes it back
    response = recommend(client, members[7], 1, comment_id)
    assert response.json()["data"] == {"isRecommended": False, "recommendTotalCount": 19}
    # Then 19 remain, and the list shows that member's recommend as gone
    item = listing(client, members[7], 1)["content"][0]
    assert (item["recommendTotalCount"], item["isRecommended"]) == (19, False)


def test_one_member_toggling_concurrently_stays_consistent(client, user):
    # Given a comment nobody else recommends
    comment_id = write(client, user, 1, "연타")
    for burst in range(3):
        # When the member toggles it 9 times at once (a burst of clicks), three times over
        with ThreadPoolExecutor(max_workers=9) as pool:
            responses = list(pool.map(lambda _: recommend(client, user, 1, comment_id), range(9)))
        # Then every toggle happens, one after another: on, off, on, ... (5 on and 4 off, or 4 on and 5 off)
        assert [r.status_code for r in responses] == [200] * 9, [r.text for r in responses if r.status_code != 200]
        done = [r.json()["data"] for r in responses]
        ons = 5 if burst % 2 == 0 else 4
        assert sorted(d["isRecommended"] for d in done) == [False] * (9 - ons) + [True] * ons, burst
        # (each count is read after its toggle, so a later toggle may show in it: 0 or 1, never more)
        assert {d["recommendTotalCount"] for d in done} <= {0, 1}, burst
        # and the list agrees with the number of toggles so far
        item = listing(client, user, 1)["content"][0]
        on = burst % 2 == 0
        assert (item["isRecommended"], item["recommendTotalCount"]) == (on, int(on)), burst


def test_a_toggle_that_loses_a_race_to_another_click_reads_again(client, seeded, user, monkeypatch):
    """The interleaving the bursts above hit only sometimes, made certain: another click of the same member lands
    between a toggle's read of the recommend and its write."""
    # Given the member's recommend of a comment nobody else recommends
    comment_id = write(client, user, 1, "더블클릭")
    assert recommend(client, user, 1, comment_id).json()["data"] == {"isRecommended": True, "recommendTotalCount": 1}
    read = seeded.comments.recommend_status
    raced: list[bool] = []

    def read_then_lose_the_race(comment, member_id):
        status = read(comment, member_id)
        if not raced:  # the other click (a real write) commits right after this read: the recommend is off now
            raced.append(True)
            seeded.comments.set_recommend(comment, member_id, not status, seeded.clock.now(), existed=True)
        return status

    monkeypatch.setattr(seeded.comments, "recommend_status", read_then_lose_the_race)
    # When the toggle that read "on" tries to turn it off
    response = recommend(client, user, 1, comment_id)
    assert raced == [True]
    # Then it reads again and turns it back on; the comment is not deleted
    assert (response.status_code, response.json()) == (
        200,
        {"resultType": "SUCCESS", "data": {"isRecommended": True, "recommendTotalCount": 1}},
    )
    item = listing(client, user, 1)["content"][0]
    assert (item["isRecommended"], item["recommendTotalCount"], item["isDeleted"]) == (True, 1, False)


def test_concurrent_comments_and_replies_all_count(client, user):
    # Given a comment on pick 5
    origin = write(client, user, 5, "원댓글")
    before = pick_in_list(client, 5)

    def comment(n: int) -> Response:
        headers = {"Anonymous-Member-Id": f"GA1.1.{n}.1715872960"}
        if n % 2:
            return client.post(url(5), headers=headers, json={"contents": f"댓글 {n}", "isPickVotePublic": False})
        return client.post(url(5, origin, origin), headers=headers, json={"contents": f"답글 {n}"})

    # When 10 anonymous members comment and 10 reply to it at the same time
    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(comment, range(20)))
    # Then every one is written and counted once
    assert [r.status_code for r in responses] == [200] * 20, [r.text for r in responses if r.status_code != 200]
    assert len({r.json()["data"]["pickCommentId"] for r in responses}) == 20
    after = pick_in_list(client, 5)
    assert (after["commentTotalCount"], after["popularScore"]) == (21, before["popularScore"] + 80)
    data = listing(client, user, 5, size=20, pickCommentSort="MOST_COMMENTED")
    assert (data["totalElements"], data["totalOriginParentComments"], data["numberOfElements"]) == (21, 11, 11)
    top = data["content"][0]
    assert (top["pickCommentId"], top["replyTotalCount"], len(top["replies"])) == (origin, 10, 10)
    assert [r["pickCommentId"] for r in top["replies"]] == sorted(r["pickCommentId"] for r in top["replies"])


# Lists ------------------------------------------------------------------------------------------------------------


def test_twelve_comments_page_exactly_once_in_every_sort(client, seeded, user, admin):
    # Given 12 top-level comments on pick 5 with recommends (0..3) and replies (0..2) that make ties
    _, third = new_member(seeded, "third")
    recommenders = [user, admin, third]
    ids = []
    recommends, replies = {}, {}
    calls: list[Callable[[], Response]] = []
    for n in range(12):
        comment_id = write(client, user if n % 2 else ANON, 5, f"댓글 {n}")
        ids.append(comment_id)
        recommends[comment_id] = (n * 7) % 4
        replies[comment_id] = (n * 5) % 3
        for who in recommenders[: recommends[comment_id]]:
            calls.append(functools.partial(recommend, client, who, 5, comment_id))
        for _ in range(replies[comment_id]):
            calls.append(
                functools.partial(client.post, url(5, comment_id, comment_id), headers=admin, json={"contents": "답글"})
            )
    all_succeed(calls)
    expected = {
        "LATEST": sorted(ids, reverse=True),
        "MOST_LIKED": sorted(ids, key=lambda c: (recommends[c], c), reverse=True),
        "MOST_COMMENTED": sorted(ids, key=lambda c: (replies[c], c), reverse=True),
    }
    total = 12 + sum(replies.values())
    for sort in SORTS:
        # When the client walks the list with size 5
        items, lasts, pages = walk(client, user, 5, 5, pickCommentSort=sort)
        # Then every comment comes exactly once, in the sort's order, and only the third page is the last
        assert [i["pickCommentId"] for i in items] == expected[sort], sort
        assert lasts == [False, False, True], sort
        assert [p["numberOfElements"] for p in pages] == [5, 5, 2], sort
        assert {(p["totalElements"], p["totalOriginParentComments"]) for p in pages} == {(total, 12)}, sort
        assert all(i["recommendTotalCount"] == recommends[i["pickCommentId"]] for i in items), sort
        assert all(i["replyTotalCount"] == len(i["replies"]) == replies[i["pickCommentId"]] for i in items), sort
        # and the page after the last one is empty, with zero totals
        after = listing(client, user, 5, size=5, pickCommentId=items[-1]["pickCommentId"], pickCommentSort=sort)
        assert after == empty_page(), sort
    # An exactly full last page says last (size 4: 4 + 4 + 4)
    items, lasts, _ = walk(client, user, 5, 4, pickCommentSort="MOST_LIKED")
    assert ([i["pickCommentId"] for i in items], lasts) == (expected["MOST_LIKED"], [False, False, True])
    # The default size is 5 and the default sort LATEST
    data = listing(client, user, 5)
    assert ([i["pickCommentId"] for i in data["content"]], data["size"], data["last"]) == (
        expected["LATEST"][:5],
        5,
        False,
    )


def test_list_of_a_missing_or_unapproved_pick_is_an_empty_page(client, user, admin):
    write(client, user, 2, "댓글")
    assert listing(client, user, 999) == empty_page()
    set_status(client, admin, 2, "REJECT")
    assert listing(client, user, 2, size=3) == empty_page(3)
    assert listing(client, ANON, 2, pickCommentSort="MOST_LIKED") == empty_page()
    set_status(client, admin, 2, "APPROVAL")
    assert listing(client, user, 2)["numberOfElements"] == 1


BAD_LIST_QUERIES = [
    "pickCommentSort=OLDEST",
    "pickCommentSort=latest",
    "size=0",
    "size=-1",
    "size=abc",
    "pickCommentId=abc",
    "pickCommentId=-5",
    "pickOptionTypes=thirdPickOption",
    "pickOptionTypes=firstPickOption,FIRST_PICK_OPTION",
    "pickOptionType=secondPickOption&pickOptionType=nope",
]


def test_list_bad_parameters_are_400_in_the_envelope(client, user):
    for query in BAD_LIST_QUERIES:
        response = client.get(f"{url(1)}?{query}", headers=user)
        assert is_bad_request(response), (query, response.text)
    assert is_bad_request(client.get(url(1), headers={**user, "Timezone": "Mars/Olympus_Mons"}))


def test_list_and_best_need_the_anonymous_header_for_guests(client):
    invalid = (400, fail("익명 회원 아이디를 확인해주세요.", 400))
    for path in (url(1), url(1, "best"), url(999)):
        for headers in ({}, {"Anonymous-Member-Id": "  "}, {"Anonymous-Member-Id": "G" * 31}):
            response = client.get(path, headers=headers)
            assert (response.status_code, response.json()) == invalid, (path, headers)
    assert is_bad_request(client.get(url("abc"), headers=ANON))
    assert is_bad_request(client.get(url(1, "best"), headers=ANON, params={"size": "abc"}))


def test_option_filter_shows_public_comments_of_those_voters(client, seeded, user, admin):
    # Given on pick 3 (파이썬 / 자바스크립트): the user (파이썬) and the admin and an anonymous member (자바스크립트)
    # with public comments, a 파이썬 voter with a comment that is not public, and replies
    _, fan = new_member(seeded, "fan")
    vote(client, user, 3, 5)
    vote(client, fan, 3, 5)
    vote(client, admin, 3, 6)
    vote(client, ANON, 3, 6)
    python = write(client, user, 3, "파이썬 공개", public=True)
    javascript = write(client, admin, 3, "자바스크립트 공개", public=True)
    hidden = write(client, fan, 3, "파이썬 비공개", public=False)
    anonymous = write(client, ANON, 3, "익명 자바스크립트", public=True)
    reply(client, admin, 3, python, python, "파이썬 답글")
    reply(client, user, 3, javascript, javascript, "자바스크립트 답글 1")
    reply(client, fan, 3, javascript, javascript, "자바스크립트 답글 2")
    reply(client, user, 3, hidden, hidden, "비공개 답글")

    def shown(**params) -> tuple[list[int], int, int]:
        data = listing(client, user, 3, size=10, **params)
        return [i["pickCommentId"] for i in data["content"]], data["totalElements"], data["totalOriginParentComments"]

    # Then no filter: everything (8 comments, 4 top-level)
    assert shown() == ([anonymous, hidden, javascript, python], 8, 4)
    # firstPickOption: the public 파이썬 comment and its reply; the private one is left out
    for params in ({"pickOptionTypes": "firstPickOption"}, {"pickOptionType": "firstPickOption"}):
        assert shown(**params) == ([python], 2, 4), params
    # secondPickOption: two comments and their two replies
    assert shown(pickOptionTypes="secondPickOption") == ([anonymous, javascript], 4, 4)
    # both, repeated, comma-separated or under both names
    both = ([anonymous, javascript, python], 6, 4)
    assert shown(pickOptionTypes=["firstPickOption", "secondPickOption"]) == both
    assert shown(pickOptionTypes="firstPickOption,secondPickOption") == both
    assert shown(pickOptionTypes="secondPickOption", pickOptionType="firstPickOption") == both
    assert shown(pickOptionTypes=["firstPickOption", "firstPickOption"]) == ([python], 2, 4)
    # an empty value is no filter
    assert shown(pickOptionTypes="") == ([anonymous, hidden, javascript, python], 8, 4)
    # the filter follows the sort and pages with the cursor
    assert shown(pickOptionTypes="secondPickOption", pickCommentSort="MOST_COMMENTED") == (
        [javascript, anonymous],
        4,
        4,
    )
    items, lasts, _ = walk(client, user, 3, 1, pickOptionTypes="firstPickOption,secondPickOption")
    assert ([i["pickCommentId"] for i in items], lasts) == ([anonymous, javascript, python], [False, False, True])
    # the filtered items carry the vote
    item = listing(client, user, 3, pickOptionTypes="firstPickOption")["content"][0]
    assert (item["votedPickOption"], item["votedPickOptionTitle"], item["replyTotalCount"]) == (
        "firstPickOption",
        "파이썬",
        1,
    )
    # a deleted comment stays in its filter; a filter with no match is an empty page
    assert delete(client, user, 3, python).status_code == 200
    data = listing(client, user, 3, pickOptionTypes="firstPickOption")
    assert [i["pickCommentId"] for i in data["content"]] == [python]
    assert (data["totalElements"], data["totalOriginParentComments"]) == (2, 3)
    assert listing(client, user, 1, pickOptionTypes="firstPickOption") == empty_page()


# Best comments ----------------------------------------------------------------------------------------------------


def test_best_comments_rules(client, seeded, user, admin):
    # Given on pick 2 comments with 3, 1, 0, 3 (then deleted), 1 and 2 recommends, a reply with 3 recommends,
    # and on the most recommended comment a live and a deleted reply
    _, third = new_member(seeded, "third")
    members = [user, admin, third]
    a = write(client, user, 2, "a")
    b = write(client, admin, 2, "b")
    c = write(client, user, 2, "c")
    d = write(client, admin, 2, "d")
    e = write(client, ANON, 2, "e")
    f = write(client, user, 2, "f")
    live = reply(client, admin, 2, a, a, "살아있는 답글")
    gone = reply(client, ANON, 2, a, live, "지워질 답글")
    all_succeed(
        [
            lambda who=who, target=target: recommend(client, who, 2, target)
            for target, count in ((a, 3), (b, 1), (c, 0), (d, 3), (e, 1), (f, 2), (live, 3))
            for who in members[:count]
        ]
    )
    assert delete(client, admin, 2, d).status_code == 200
    assert delete(client, ANON, 2, gone).status_code == 200
    # (c had a recommend that was taken back: 0 again)
    assert recommend(client, admin, 2, c).json()["data"] == {"isRecommended": True, "recommendTotalCount": 1}
    assert recommend(client, admin, 2, c).json()["data"] == {"isRecommended": False, "recommendTotalCount": 0}
    # Then best: not deleted, at least one recommend, top-level only, recommends desc then id desc
    assert [i["pickCommentId"] for i in best(client, user, 2)] == [a, f, e]  # default 3
    sizes = (("-5", [a, f, e]), ("0", [a, f, e]), ("1", [a, f, e]), ("4", [a, f, e, b]), ("11", [a, f, e, b]))
    for size, expected in sizes:
        assert [i["pickCommentId"] for i in best(client, user, 2, size=size)] == expected, size
    # size 11 is clamped to 10, not to 3
    more = [write(client, admin, 2, f"추가 {n}") for n in range(8)]
    all_succeed([lambda target=target: recommend(client, user, 2, target) for target in more])
    # 1-recommend comments by id desc: more[7..0], e, b
    ones = [*reversed(more), e, b]
    assert [i["pickCommentId"] for i in best(client, user, 2, size=11)] == [a, f, *ones[:8]]
    assert [i["pickCommentId"] for i in best(client, user, 2, size=10)] == [a, f, *ones[:8]]
    assert [i["pickCommentId"] for i in best(client, user, 2, size=5)] == [a, f, *ones[:3]]
    # and each comes as in the list, with all its replies (the deleted one included)
    top = best(client, user, 2)[0]
    listed = {i["pickCommentId"]: i for i in listing(client, user, 2, size=20)["content"]}
    assert_items([top], [listed[a]])
    assert (top["replyTotalCount"], [r["pickCommentId"] for r in top["replies"]]) == (2, [live, gone])
    assert (top["replies"][1]["contents"], top["replies"][1]["isDeleted"]) == (AUTHOR_DELETED, True)
    assert (top["isRecommended"], top["recommendTotalCount"], top["isCommentAuthor"]) == (True, 3, True)
    assert list(top) == ITEM_KEYS


def test_best_of_a_missing_or_unapproved_pick_is_empty(client, user, admin):
    comment_id = write(client, user, 4, "베스트 후보")
    assert recommend(client, admin, 4, comment_id).status_code == 200
    assert [i["pickCommentId"] for i in best(client, ANON, 4)] == [comment_id]
    set_status(client, admin, 4, "REJECT")
    assert best(client, user, 4) == []
    assert best(client, user, 999) == []
