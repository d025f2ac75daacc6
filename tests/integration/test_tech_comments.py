"""functions/comments for tech articles through the local gateway, on DynamoDB Local (contract "기술블로그 댓글",
docs/rules.md#comments).

Comment ids come from a counter shared by every comment of the table, so tests read them from the write answers.
``createdAt`` is real time: items are compared with it normalised (after checking its format and zone).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import BASE, bearer, fail, new_member, tokens

pytestmark = pytest.mark.integration

ANON_A = {"Anonymous-Member-Id": "GA1.1.111111111.1715872960"}
ANON_B = {"Anonymous-Member-Id": "GA1.1.222222222.1715872960"}
USER_ID, ADMIN_ID = 1, 2
AUTHOR_TEXT = "댓글 작성자에 의해 삭제된 댓글입니다."
POLICY_TEXT = "커뮤니티 정책을 위반하여 삭제된 댓글입니다."
CONTENTS_REQUIRED = fail("댓글 내용을 작성해주세요.", 400)
CONTENTS_LENGTH = fail("댓글은 1글자 이상 1000글자 이하여야 합니다.", 400)
ARTICLE_NOT_FOUND = fail("존재하지 않는 기술블로그입니다.", 404)
COMMENT_NOT_FOUND = fail("존재하지 않는 기술블로그 댓글입니다.", 404)
DELETED_NO_REPLY = fail("삭제된 기술블로그 댓글에는 답글을 작성할 수 없습니다.", 400)
DELETED_NO_RECOMMEND = fail("삭제된 기술블로그 댓글은 추천할 수 없습니다.", 400)
ANONYMOUS_ID_INVALID = fail("익명 회원 아이디를 확인해주세요.", 400)
ANONYMOUS_NOT_ALLOWED = fail("익명 회원은 사용할 수 없는 기능 입니다.", 405)
MAX_LONG = 9223372036854775807
SORTS = ["OLDEST", "LATEST", "MOST_LIKED", "MOST_COMMENTED"]
UNSORTED = {"empty": True, "sorted": False, "unsorted": True}
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
AT = "<createdAt>"
SEOUL = ZoneInfo("Asia/Seoul")


# Helpers ----------------------------------------------------------------------------------------------------------


def url(article_id, *parts) -> str:
    return f"{BASE}/articles/{article_id}/comments" + "".join(f"/{p}" for p in parts)


def write(client, headers: dict, article_id: int, contents: str) -> int:
    response = client.post(url(article_id), headers=headers, json={"contents": contents})
    assert response.status_code == 200, response.text
    assert list(response.json()["data"]) == ["techCommentId"]
    return response.json()["data"]["techCommentId"]


def reply(client, headers: dict, article_id: int, origin: int, parent: int, contents: str) -> int:
    response = client.post(url(article_id, origin, parent), headers=headers, json={"contents": contents})
    assert response.status_code == 200, response.text
    return response.json()["data"]["techCommentId"]


def modify(client, headers: dict, article_id: int, comment_id: int, contents: str) -> None:
    response = client.patch(url(article_id, comment_id), headers=headers, json={"contents": contents})
    assert (response.status_code, response.json()) == (
        200,
        {"resultType": "SUCCESS", "data": {"techCommentId": comment_id}},
    ), response.text


def delete(client, headers: dict, article_id: int, comment_id: int) -> None:
    response = client.delete(url(article_id, comment_id), headers=headers)
    assert (response.status_code, response.json()) == (
        200,
        {"resultType": "SUCCESS", "data": {"techCommentId": comment_id}},
    ), response.text


def recommend(client, headers: dict, article_id: int, comment_id: int) -> dict:
    response = client.post(url(article_id, comment_id, "recommends"), headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def comment_page(client, article_id: int, headers: dict, **params) -> dict:
    response = client.get(url(article_id), headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def best(client, article_id: int, headers: dict, **params) -> list[dict]:
    response = client.get(url(article_id, "best"), headers=headers, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["resultType", "datas"]
    return body["datas"]


def article_list(client, **params) -> dict:
    response = client.get(f"{BASE}/articles", params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def listed(client, article_id: int) -> dict:
    """The list item of one article (all articles on one page)."""
    return {item["id"]: item for item in article_list(client, size=100)["content"]}[article_id]


def top_keys(item: dict) -> list[str]:
    author = "memberId" if "memberId" in item else "anonymousMemberId"
    return [
        "techCommentId",
        author,
        "author",
        "maskedEmail",
        "contents",
        "replyTotalCount",
        "recommendTotalCount",
        "isCommentAuthor",
        "isRecommended",
        "isModified",
        "isDeleted",
        "replies",
        "createdAt",
    ]


def reply_keys(item: dict) -> list[str]:
    author = "memberId" if "memberId" in item else "anonymousMemberId"
    parent = (
        "techParentCommentMemberId" if "techParentCommentMemberId" in item else "techParentCommentAnonymousMemberId"
    )
    return [
        "techCommentId",
        author,
        parent,
        "techParentCommentId",
        "techOriginParentCommentId",
        "isCommentAuthor",
        "isRecommended",
        "techParentCommentAuthor",
        "author",
        "maskedEmail",
        "contents",
        "recommendTotalCount",
        "isDeleted",
        "isModified",
        "createdAt",
    ]


def normalised(items: list[dict]) -> list[dict]:
    """The items with their key order checked and ``createdAt`` checked (format, Seoul time of the last minutes)
    and replaced by a placeholder."""
    now = datetime.now(SEOUL).replace(tzinfo=None)

    def stamp(item: dict) -> dict:
        assert STAMP.match(item["createdAt"]), item["createdAt"]
        at = datetime.strptime(item["createdAt"], "%Y-%m-%d %H:%M:%S")
        assert now - timedelta(minutes=5) <= at <= now + timedelta(seconds=5), (item["createdAt"], now)
        return {**item, "createdAt": AT}

    out = []
    for item in items:
        assert list(item) == top_keys(item), list(item)
        for r in item["replies"]:
            assert list(r) == reply_keys(r), list(r)
        out.append({**stamp(item), "replies": [stamp(r) for r in item["replies"]]})
    return out


@dataclass(frozen=True)
class Who:
    """A comment author as the list shows them."""

    name: str  # the viewer name tests use
    key: str  # memberId | anonymousMemberId
    id: int
    nickname: str
    masked_email: str | None

    @property
    def own(self) -> dict:
        return {self.key: self.id}

    @property
    def as_parent(self) -> dict:
        field = "techParentCommentMemberId" if self.key == "memberId" else "techParentCommentAnonymousMemberId"
        return {field: self.id}


USER = Who("user", "memberId", USER_ID, "댑댑이_User", "tes******")
ADMIN = Who("admin", "memberId", ADMIN_ID, "댑댑이_Admin", "tes*******")


def anonymous_who(seeded, headers: dict, name: str) -> Who:
    found = seeded.anonymous.find(headers["Anonymous-Member-Id"])
    assert found is not None
    return Who(name, "anonymousMemberId", found.id, found.nickname, None)


def member_who(name: str, member_id: int) -> Who:
    return Who(name, "memberId", member_id, name, name[:3] + "*" * (len(name) - 3))


@pytest.fixture
def user(client) -> dict[str, str]:
    return bearer(tokens(client)["accessToken"])


@pytest.fixture
def admin(client) -> dict[str, str]:
    return bearer(tokens(client, "admin")["accessToken"])


def slice_rest(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "content"}


def expected_slice(size: int, count: int, last: bool, total: int, origins: int) -> dict:
    return {
        "pageable": {"pageNumber": 0, "pageSize": size, "sort": UNSORTED, "offset": 0, "paged": True, "unpaged": False},
        "totalElements": total,
        "totalOriginParentComments": origins,
        "size": size,
        "number": 0,
        "sort": UNSORTED,
        "first": True,
        "last": last,
        "numberOfElements": count,
        "empty": count == 0,
    }


SLICE_KEYS = ["content", "pageable", "totalElements", "totalOriginParentComments", "size", "number", "sort"]
SLICE_KEYS += ["first", "last", "numberOfElements", "empty"]


# The thread scenario -----------------------------------------------------------------------------------------------


class Thread:
    """On article 5: top-level c1 (user), c2 (anonymous A), c6 (user, then deleted by the user), c7 (a third member,
    deleted by the admin); c1's replies r3 (admin), r4 (A, to r3, then deleted by the admin), r5 (user, modified);
    r9 (A) under c6; r8 (user) under c2. Recommends: c1 by admin; c2 by user and admin; c7 by user, admin and the
    third member (before its deletion); r3 by the user."""

    ARTICLE = 5

    def __init__(self, client, seeded, user: dict, admin: dict) -> None:
        a = self.ARTICLE
        third_id, third = new_member(seeded, "commenter")
        self.headers = {"user": user, "admin": admin, "anon": ANON_A, "commenter": third}
        c1 = write(client, user, a, "첫 번째 댓글입니다.")
        c2 = write(client, ANON_A, a, "익명 회원의 댓글입니다.")
        r3 = reply(client, admin, a, c1, c1, "관리자의 답글입니다.")
        r4 = reply(client, ANON_A, a, c1, r3, "답글에 단 답글입니다.")
        r5 = reply(client, user, a, c1, c1, "수정 전 답글입니다.")
        modify(client, user, a, r5, "수정한 답글입니다.")
        c6 = write(client, user, a, "곧 지울 댓글입니다.")
        r9 = reply(client, ANON_A, a, c6, c6, "지워질 댓글에 단 답글입니다.")
        c7 = write(client, third, a, "정책을 위반한 댓글입니다.")
        r8 = reply(client, user, a, c2, c2, "익명 댓글에 단 답글입니다.")
        for who, target in [("admin", c1), ("user", c2), ("admin", c2), ("user", c7), ("admin", c7)]:
            assert recommend(client, self.headers[who], a, target)["isRecommended"] is True
        assert recommend(client, third, a, c7) == {"isRecommended": True, "recommendTotalCount": 3}
        assert recommend(client, user, a, r3) == {"isRecommended": True, "recommendTotalCount": 1}
        delete(client, user, a, c6)
        delete(client, admin, a, c7)
        delete(client, admin, a, r4)
        anon = anonymous_who(seeded, ANON_A, "anon")
        third_who = member_who("commenter", third_id)
        self.ids = {"c1": c1, "c2": c2, "r3": r3, "r4": r4, "r5": r5, "c6": c6, "r9": r9, "c7": c7, "r8": r8}
        self.authors = {"c1": USER, "c2": anon, "r3": ADMIN, "r4": anon, "r5": USER}
        self.authors |= {"c6": USER, "r9": anon, "c7": third_who, "r8": USER}
        self.recommenders = {"c1": {"admin"}, "c2": {"user", "admin"}, "c7": {"user", "admin", "commenter"}}
        self.recommenders["r3"] = {"user"}

    def top(self, viewer: str, name: str, contents: str, replies: list[dict], **flags) -> dict:
        who = self.authors[name]
        return {
            "techCommentId": self.ids[name],
            **who.own,
            "author": who.nickname,
            "maskedEmail": who.masked_email,
            "contents": contents,
            "replyTotalCount": len(replies),
            "recommendTotalCount": len(self.recommenders.get(name, ())),
            "isCommentAuthor": who.name == viewer,
            "isRecommended": viewer in self.recommenders.get(name, ()),
            "isModified": flags.get("modified", False),
            "isDeleted": flags.get("deleted", False),
            "replies": replies,
            "createdAt": AT,
        }

    def reply(self, viewer: str, name: str, parent: str, origin: str, contents: str, **flags) -> dict:
        who, parent_who = self.authors[name], self.authors[parent]
        return {
            "techCommentId": self.ids[name],
            **who.own,
            **parent_who.as_parent,
            "techParentCommentId": self.ids[parent],
            "techOriginParentCommentId": self.ids[origin],
            "isCommentAuthor": who.name == viewer,
            "isRecommended": viewer in self.recommenders.get(name, ()),
            "techParentCommentAuthor": parent_who.nickname,
            "author": who.nickname,
            "maskedEmail": who.masked_email,
            "contents": contents,
            "recommendTotalCount": len(self.recommenders.get(name, ())),
            "isDeleted": flags.get("deleted", False),
            "isModified": flags.get("modified", False),
            "createdAt": AT,
        }

    def items(self, viewer: str) -> dict[str, dict]:
        """The four top-level items as ``viewer`` sees them."""
        return {
            "c1": self.top(
                viewer,
                "c1",
                "첫 번째 댓글입니다.",
                [
                    self.reply(viewer, "r3", "c1", "c1", "관리자의 답글입니다."),
                    self.reply(viewer, "r4", "r3", "c1", POLICY_TEXT, deleted=True),
                    self.reply(viewer, "r5", "c1", "c1", "수정한 답글입니다.", modified=True),
                ],
            ),
            "c2": self.top(
                viewer,
                "c2",
                "익명 회원의 댓글입니다.",
                [self.reply(viewer, "r8", "c2", "c2", "익명 댓글에 단 답글입니다.")],
            ),
            "c6": self.top(
                viewer,
                "c6",
                AUTHOR_TEXT,
                [self.reply(viewer, "r9", "c6", "c6", "지워질 댓글에 단 답글입니다.")],
                deleted=True,
            ),
            "c7": self.top(viewer, "c7", POLICY_TEXT, [], deleted=True),
        }


THREAD_ORDERS = {
    "OLDEST": ["c1", "c2", "c6", "c7"],
    "LATEST": ["c7", "c6", "c2", "c1"],
    "MOST_LIKED": ["c7", "c2", "c1", "c6"],  # 3, 2, 1, 0 recommends (a deleted comment keeps its place)
    "MOST_COMMENTED": ["c1", "c6", "c2", "c7"],  # 3, 1, 1 (id desc), 0 replies
}


def test_thread_is_listed_exactly_in_every_sort(client, seeded, user, admin):
    thread = Thread(client, seeded, user, admin)
    items = thread.items("user")
    for sort in SORTS:
        data = comment_page(client, Thread.ARTICLE, user, techCommentSort=sort)
        assert normalised(data["content"]) == [items[name] for name in THREAD_ORDERS[sort]], sort
        # 9 comments and replies ever written; c1 and c2 are the live top-level ones
        assert list(data) == SLICE_KEYS
        assert slice_rest(data) == expected_slice(5, 4, True, 9, 2), sort


def test_thread_flags_follow_the_viewer(client, seeded, user, admin):
    thread = Thread(client, seeded, user, admin)
    for viewer in ("anon", "admin", "commenter"):
        data = comment_page(client, Thread.ARTICLE, thread.headers[viewer], techCommentSort="MOST_COMMENTED")
        items = thread.items(viewer)
        assert normalised(data["content"]) == [items[name] for name in THREAD_ORDERS["MOST_COMMENTED"]], viewer


def test_created_at_is_seoul_time_and_follows_the_timezone_header(client, user):
    c1 = write(client, user, 4, "시간대 확인")
    reply(client, user, 4, c1, c1, "시간대 확인 답글")
    recommend(client, user, 4, c1)

    def stamps(items: list[dict]) -> list[datetime]:
        return [
            datetime.strptime(v, "%Y-%m-%d %H:%M:%S")
            for i in items
            for v in (i["createdAt"], i["replies"][0]["createdAt"])
        ]

    seoul = stamps(comment_page(client, 4, user)["content"])
    utc = stamps(comment_page(client, 4, {**user, "Timezone": "UTC"})["content"])
    assert [s - u for s, u in zip(seoul, utc, strict=True)] == [timedelta(hours=9)] * 2
    best_utc = stamps(best(client, 4, {**user, "Timezone": "UTC"}))
    assert best_utc == utc
    normalised(comment_page(client, 4, user)["content"])  # Seoul time of now


# Counters on the article ------------------------------------------------------------------------------------------


def test_each_comment_and_reply_counts_on_the_article_and_its_lists(client, user, admin):
    assert (listed(client, 3)["commentTotalCount"], listed(client, 3)["popularScore"]) == (0, 0)
    before = [i["id"] for i in article_list(client, techArticleSort="MOST_COMMENTED", size=100)["content"]]
    assert before[0] != 3
    # a comment, a reply to it, a reply to the reply (an anonymous member's), then the comment is deleted
    c1 = write(client, user, 3, "댓글")
    item = listed(client, 3)
    assert (item["commentTotalCount"], item["popularScore"]) == (1, 4)
    r1 = reply(client, admin, 3, c1, c1, "답글")
    reply(client, ANON_A, 3, c1, r1, "답글의 답글")
    delete(client, user, 3, c1)
    item = listed(client, 3)
    assert (item["commentTotalCount"], item["popularScore"]) == (3, 12)  # a deletion takes nothing back
    # the article now leads the most commented and the popular lists; the others keep their order
    after = [i["id"] for i in article_list(client, techArticleSort="MOST_COMMENTED", size=100)["content"]]
    assert after == [3] + [i for i in before if i != 3]
    assert article_list(client, techArticleSort="POPULAR", size=1)["content"][0]["id"] == 3
    # refused writes count nothing
    assert client.post(url(3), headers=user, json={"contents": " "}).status_code == 400
    assert client.post(url(3, c1, c1), headers=user, json={"contents": "삭제된 댓글에 답글"}).status_code == 400
    assert (listed(client, 3)["commentTotalCount"], listed(client, 3)["popularScore"]) == (3, 12)
    # the detail shows the same counters (and counts its own view: +1 view, +2 popular score)
    detail = client.get(f"{BASE}/articles/3", headers=user).json()["data"]
    assert (detail["commentTotalCount"], detail["viewTotalCount"], detail["popularScore"]) == (3, 1, 14)
    # the comment list's totals: every comment ever written; no live top-level comment
    data = comment_page(client, 3, user)
    assert (data["totalElements"], data["totalOriginParentComments"], data["numberOfElements"]) == (3, 0, 1)
    # other articles are untouched
    assert comment_page(client, 2, user)["content"] == [] and listed(client, 2)["commentTotalCount"] == 0


# Paging -------------------------------------------------------------------------------------------------------------


def walk(client, headers: dict, sort: str, size: int) -> tuple[list[int], list[bool], list[dict]]:
    ids, lasts, pages = [], [], []
    cursor: dict[str, int] = {}
    for _ in range(20):
        data = comment_page(client, 6, headers, techCommentSort=sort, size=size, **cursor)
        pages.append(data)
        ids += [i["techCommentId"] for i in data["content"]]
        lasts.append(data["last"])
        if data["last"]:
            return ids, lasts, pages
        cursor = {"techCommentId": data["content"][-1]["techCommentId"]}
    raise AssertionError("the list never ended")


@pytest.fixture
def twelve(client, seeded, user, admin):
    """12 top-level comments on article 6: comment i has i % 4 recommends and i % 3 replies; comment 5 is deleted by
    the admin. (ids, recommends by id, replies by id)."""
    _, third = new_member(seeded, "paging")
    voters = [user, admin, third]
    ids, recommends, replies = [], {}, {}
    for i in range(12):
        cid = write(client, user if i % 2 else ANON_A, 6, f"댓글 {i}")
        ids.append(cid)
        for voter in voters[: i % 4]:
            recommend(client, voter, 6, cid)
        for n in range(i % 3):
            reply(client, admin, 6, cid, cid, f"댓글 {i}의 답글 {n}")
        recommends[cid], replies[cid] = i % 4, i % 3
    delete(client, admin, 6, ids[5])
    return ids, recommends, replies


def expected_order(sort: str, ids: list[int], recommends: dict, replies: dict) -> list[int]:
    if sort == "OLDEST":
        return sorted(ids)
    if sort == "LATEST":
        return sorted(ids, reverse=True)
    counts = recommends if sort == "MOST_LIKED" else replies
    return sorted(ids, key=lambda c: (-counts[c], -c))


def test_twelve_comments_page_exactly_once_in_every_sort(client, user, twelve):
    ids, recommends, replies = twelve
    for sort in SORTS:
        expected = expected_order(sort, ids, recommends, replies)
        for size, lasts in ((5, [False, False, True]), (6, [False, True])):
            walked, walked_lasts, pages = walk(client, user, sort, size)
            assert walked == expected, (sort, size)
            assert walked_lasts == lasts, (sort, size)
            for data in pages:
                assert (data["totalElements"], data["totalOriginParentComments"]) == (24, 11)
                for item in data["content"]:
                    cid = item["techCommentId"]
                    assert (item["recommendTotalCount"], item["replyTotalCount"]) == (recommends[cid], replies[cid])
                    assert len(item["replies"]) == replies[cid]


def test_cursors_default_size_and_the_page_after_the_last(client, user, twelve):
    ids, recommends, replies = twelve
    for sort in SORTS:
        first = comment_page(client, 6, user, techCommentSort=sort)
        assert (first["size"], first["numberOfElements"], first["last"]) == (5, 5, False)
        assert [i["techCommentId"] for i in first["content"]] == expected_order(sort, ids, recommends, replies)[:5]
        # the client's Long.MAX_VALUE cursor is the first page in every sort
        assert comment_page(client, 6, user, techCommentSort=sort, techCommentId=MAX_LONG) == first, sort
    # LATEST is the default sort
    assert comment_page(client, 6, user) == comment_page(client, 6, user, techCommentSort="LATEST")
    # OLDEST goes on with greater ids, LATEST with smaller ones
    ordered = sorted(ids)
    oldest = comment_page(client, 6, user, techCommentSort="OLDEST", techCommentId=ordered[3], size=100)
    assert [i["techCommentId"] for i in oldest["content"]] == ordered[4:]
    latest = comment_page(client, 6, user, techCommentSort="LATEST", techCommentId=ordered[3], size=100)
    assert [i["techCommentId"] for i in latest["content"]] == ordered[:3][::-1]
    # past the end: an empty page with zero totals
    empty = comment_page(client, 6, user, techCommentSort="OLDEST", techCommentId=ordered[-1])
    assert list(empty) == SLICE_KEYS
    assert empty["content"] == [] and slice_rest(empty) == expected_slice(5, 0, True, 0, 0)


def test_lists_of_an_article_without_comments_or_a_missing_article_are_empty(client, user):
    for article_id in (2, 999):
        for headers in (user, ANON_A):
            data = comment_page(client, article_id, headers, techCommentSort="MOST_LIKED", size=3)
            assert data["content"] == [] and slice_rest(data) == expected_slice(3, 0, True, 0, 0)
            assert list(data) == SLICE_KEYS
            assert best(client, article_id, headers) == []


# Recommends -------------------------------------------------------------------------------------------------------


def test_recommend_toggles_for_comments_and_replies(client, user, admin):
    c1 = write(client, user, 2, "추천받을 댓글")
    r1 = reply(client, admin, 2, c1, c1, "추천받을 답글")
    assert recommend(client, user, 2, c1) == {"isRecommended": True, "recommendTotalCount": 1}  # self-recommend
    assert recommend(client, admin, 2, c1) == {"isRecommended": True, "recommendTotalCount": 2}
    assert recommend(client, user, 2, c1) == {"isRecommended": False, "recommendTotalCount": 1}
    assert recommend(client, user, 2, c1) == {"isRecommended": True, "recommendTotalCount": 2}
    assert recommend(client, admin, 2, c1) == {"isRecommended": False, "recommendTotalCount": 1}
    assert recommend(client, user, 2, r1) == {"isRecommended": True, "recommendTotalCount": 1}
    item = comment_page(client, 2, user)["content"][0]
    assert (item["recommendTotalCount"], item["isRecommended"]) == (1, True)
    assert (item["replies"][0]["recommendTotalCount"], item["replies"][0]["isRecommended"]) == (1, True)
    item = comment_page(client, 2, admin)["content"][0]
    assert (item["isRecommended"], item["replies"][0]["isRecommended"]) == (False, False)
    # recommends are no comments: the article's counters did not move
    assert (listed(client, 2)["commentTotalCount"], listed(client, 2)["popularScore"]) == (2, 8)


def test_twenty_members_recommending_at_once_count_twenty(client, seeded, user):
    cid = write(client, user, 7, "모두가 추천할 댓글")
    fans = [new_member(seeded, f"fan{n:02d}")[1] for n in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(lambda h: client.post(url(7, cid, "recommends"), headers=h), fans))
    assert [r.status_code for r in responses] == [200] * 20, [r.text for r in responses if r.status_code != 200]
    assert {r.json()["data"]["isRecommended"] for r in responses} == {True}
    assert max(r.json()["data"]["recommendTotalCount"] for r in responses) == 20
    assert comment_page(client, 7, user)["content"][0]["recommendTotalCount"] == 20
    # one of them takes theirs back
    assert recommend(client, fans[0], 7, cid) == {"isRecommended": False, "recommendTotalCount": 19}
    item = comment_page(client, 7, fans[0])["content"][0]
    assert (item["recommendTotalCount"], item["isRecommended"]) == (19, False)
    assert comment_page(client, 7, fans[1])["content"][0]["isRecommended"] is True
    assert [(i["techCommentId"], i["recommendTotalCount"]) for i in best(client, 7, user)] == [(cid, 19)]


def test_one_member_toggling_concurrently_ends_consistent(client, user):
    cid = write(client, user, 7, "여러 번 누를 댓글")
    with ThreadPoolExecutor(max_workers=9) as pool:
        responses = list(pool.map(lambda _: client.post(url(7, cid, "recommends"), headers=user), range(9)))
    assert [r.status_code for r in responses] == [200] * 9, [r.text for r in responses if r.status_code != 200]
    assert {r.json()["data"]["recommendTotalCount"] for r in responses} <= {0, 1}
    item = comment_page(client, 7, user)["content"][0]
    assert (item["isRecommended"], item["recommendTotalCount"]) == (True, 1)  # an odd number of toggles


def test_a_toggle_that_read_a_stale_recommend_reads_again(client, seeded, user, monkeypatch):
    """The deterministic form of the race above: the toggle reads "on" while another request already turned it off.
    Its transaction then fails on the recommend (changed) and on the count (now 0): it must read again, not call the
    live comment deleted."""
    cid = write(client, user, 7, "추천 경쟁 댓글")
    assert recommend(client, user, 7, cid)["isRecommended"] is True
    assert recommend(client, user, 7, cid)["isRecommended"] is False
    real = seeded.comments.recommend_status
    reads = []

    def stale_once(comment, member_id):
        reads.append(member_id)
        return True if len(reads) == 1 else real(comment, member_id)

    monkeypatch.setattr(seeded.comments, "recommend_status", stale_once)
    response = client.post(url(7, cid, "recommends"), headers=user)
    assert (response.status_code, response.json()) == (
        200,
        {"resultType": "SUCCESS", "data": {"isRecommended": True, "recommendTotalCount": 1}},
    )


def test_concurrent_replies_all_count(client, user):
    cid = write(client, user, 7, "답글이 몰릴 댓글")
    other = write(client, user, 7, "조용한 댓글")

    def answer(n: int):
        headers = {"Anonymous-Member-Id": f"GA1.1.{n}.99"}
        return client.post(url(7, cid, cid), headers=headers, json={"contents": f"답글 {n}"})

    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(answer, range(10)))
    assert [r.status_code for r in responses] == [200] * 10, [r.text for r in responses if r.status_code != 200]
    data = comment_page(client, 7, user, techCommentSort="MOST_COMMENTED")
    assert [i["techCommentId"] for i in data["content"]] == [cid, other]
    assert (data["content"][0]["replyTotalCount"], len(data["content"][0]["replies"])) == (10, 10)
    replied = [r["techCommentId"] for r in data["content"][0]["replies"]]
    assert replied == sorted(r.json()["data"]["techCommentId"] for r in responses)  # oldest first
    assert (data["totalElements"], data["totalOriginParentComments"]) == (12, 2)
    assert (listed(client, 7)["commentTotalCount"], listed(client, 7)["popularScore"]) == (12, 48)


def test_replies_racing_the_deletion_of_their_origin_stay_consistent(client, user):
    cid = write(client, user, 7, "곧 지워질 댓글")

    def act(n: int):
        if n == 4:
            return client.delete(url(7, cid), headers=user)
        return client.post(url(7, cid, cid), headers={"Anonymous-Member-Id": f"GA1.1.{n}.77"}, json={"contents": "a"})

    with ThreadPoolExecutor(max_workers=9) as pool:
        responses = list(pool.map(act, range(9)))
    assert responses[4].status_code == 200, responses[4].text
    replies = [r for n, r in enumerate(responses) if n != 4]
    assert {r.status_code for r in replies} <= {200, 400}, [r.text for r in replies]
    assert all(r.json() == DELETED_NO_REPLY for r in replies if r.status_code == 400)
    written = sum(r.status_code == 200 for r in replies)
    item = comment_page(client, 7, user)["content"][0]
    assert (item["isDeleted"], item["replyTotalCount"], len(item["replies"])) == (True, written, written)
    assert listed(client, 7)["commentTotalCount"] == 1 + written


def test_recommend_errors(client, user, admin):
    c1 = write(client, user, 2, "댓글")
    other = write(client, user, 3, "다른 글의 댓글")
    for headers in ({}, ANON_A):
        response = client.post(url(2, c1, "recommends"), headers=headers)
        assert (response.status_code, response.json()) == (405, ANONYMOUS_NOT_ALLOWED)
    cases = [
        (url(999, c1, "recommends"), 404, ARTICLE_NOT_FOUND),
        (url(2, 99999, "recommends"), 404, COMMENT_NOT_FOUND),
        (url(2, other, "recommends"), 404, COMMENT_NOT_FOUND),
    ]
    delete(client, admin, 2, c1)
    cases.append((url(2, c1, "recommends"), 400, DELETED_NO_RECOMMEND))
    for path, status, body in cases:
        response = client.post(path, headers=user)
        assert (response.status_code, response.json()) == (status, body), path
    assert comment_page(client, 2, user)["content"][0]["recommendTotalCount"] == 0


# Best comments ----------------------------------------------------------------------------------------------------


def test_best_comments_rules(client, seeded, user, admin):
    _, third = new_member(seeded, "bestie")
    ids = [write(client, user, 8, f"베스트 후보 {n}") for n in range(12)]
    for cid in ids:
        recommend(client, user, 8, cid)
    b3, b7, b10 = ids[2], ids[6], ids[9]
    for voter, cid in [(admin, b3), (third, b3), (admin, b7), (admin, b10)]:
        recommend(client, voter, 8, cid)
    replies = [reply(client, admin, 8, b3, b3, "베스트 댓글의 답글"), reply(client, third, 8, b3, b3, "지울 답글")]
    delete(client, third, 8, replies[1])
    recommend(client, admin, 8, replies[0])
    recommend(client, third, 8, replies[0])  # a reply's recommends never make it a best comment
    no_recommend = write(client, user, 8, "추천 없는 댓글")
    gone = write(client, admin, 8, "삭제될 인기 댓글")
    for voter in (user, admin, third):
        recommend(client, voter, 8, gone)
    delete(client, admin, 8, gone)
    # 3 recommends, then 2 (id desc), then 1 (id desc); the deleted and the unrecommended ones never appear
    order = [b3, b10, b7] + [c for c in sorted(ids, reverse=True) if c not in (b3, b7, b10)]
    for params, count in [({}, 3), ({"size": 1}, 3), ({"size": -5}, 3), ({"size": 3}, 3), ({"size": 5}, 5)]:
        assert [i["techCommentId"] for i in best(client, 8, user, **params)] == order[:count], params
    for size in (10, 11, 1000):
        assert [i["techCommentId"] for i in best(client, 8, user, size=size)] == order[:10], size
    assert no_recommend not in order and gone not in order
    # items are the list's items, replies included (deleted ones too)
    listed_items = {i["techCommentId"]: i for i in comment_page(client, 8, ANON_A, size=100)["content"]}
    datas = best(client, 8, ANON_A, size=10)
    assert datas == [listed_items[c] for c in order[:10]]
    top = normalised(datas)[0]
    assert (top["recommendTotalCount"], top["replyTotalCount"], top["isCommentAuthor"]) == (3, 2, False)
    assert [(r["techCommentId"], r["contents"], r["isDeleted"]) for r in top["replies"]] == [
        (replies[0], "베스트 댓글의 답글", False),
        (replies[1], AUTHOR_TEXT, True),
    ]
    assert top["replies"][0]["recommendTotalCount"] == 2
    # the member sees their own recommends and authorship
    mine = best(client, 8, user)
    assert [(i["isCommentAuthor"], i["isRecommended"]) for i in mine] == [(True, True)] * 3
    assert [r["isRecommended"] for r in best(client, 8, admin)[0]["replies"]] == [True, False]


# Write errors -----------------------------------------------------------------------------------------------------


BLANK_BODIES = [{"contents": ""}, {"contents": "   "}, {"contents": "\n\t "}, {}, {"contents": None}]


def test_contents_must_be_there_and_at_most_1000_characters(client, user):
    c1 = write(client, user, 4, "원래 댓글")
    targets = [("post", url(4)), ("post", url(4, c1, c1)), ("patch", url(4, c1))]
    for method, path in targets:
        for body in BLANK_BODIES:
            response = getattr(client, method)(path, headers=user, json=body)
            assert (response.status_code, response.json()) == (400, CONTENTS_REQUIRED), (method, path, body)
        response = getattr(client, method)(path, headers=user, json={"contents": "가" * 1001})
        assert (response.status_code, response.json()) == (400, CONTENTS_LENGTH), (method, path)
    # nothing was written or changed
    data = comment_page(client, 4, user)
    assert (data["totalElements"], data["content"][0]["contents"], data["content"][0]["isModified"]) == (
        1,
        "원래 댓글",
        False,
    )
    # exactly 1000 characters (and one character) are fine
    longest = write(client, user, 4, "가" * 1000)
    reply(client, user, 4, c1, c1, "가" * 1000)
    modify(client, user, 4, c1, "a")
    items = {i["techCommentId"]: i for i in comment_page(client, 4, user)["content"]}
    assert items[longest]["contents"] == "가" * 1000
    assert (items[c1]["contents"], items[c1]["isModified"], items[c1]["replies"][0]["contents"]) == (
        "a",
        True,
        "가" * 1000,
    )


def test_a_missing_article_is_404_on_every_write(client, user, admin):
    c1 = write(client, user, 4, "있는 댓글")
    calls = [
        ("post", url(999), user),
        ("post", url(999), ANON_A),
        ("post", url(999, c1, c1), user),
        ("patch", url(999, c1), user),
        ("delete", url(999, c1), user),
        ("delete", url(999, c1), admin),
        ("post", url(999, c1, "recommends"), user),
    ]
    for method, path, headers in calls:
        kwargs = {} if method == "delete" or path.endswith("recommends") else {"json": {"contents": "내용"}}
        response = getattr(client, method)(path, headers=headers, **kwargs)
        assert (response.status_code, response.json()) == (404, ARTICLE_NOT_FOUND), (method, path)
    assert comment_page(client, 4, user)["content"][0]["isDeleted"] is False


def test_modify_and_delete_need_an_own_live_comment_of_the_article(client, seeded, user, admin):
    mine = write(client, user, 4, "회원의 댓글")
    admins = write(client, admin, 4, "관리자의 댓글")
    anons = write(client, ANON_A, 4, "익명의 댓글")
    elsewhere = write(client, user, 3, "다른 글의 댓글")
    gone = write(client, user, 4, "지운 댓글")
    delete(client, user, 4, gone)
    refused = [
        (user, 99999),  # missing
        (user, elsewhere),  # of another article
        (user, admins),  # not own
        (user, anons),  # an anonymous member's
        (ANON_A, mine),  # a member's, for an anonymous member
        (ANON_B, anons),  # another anonymous member's
        (user, gone),  # deleted
    ]
    for headers, cid in refused:
        response = client.patch(url(4, cid), headers=headers, json={"contents": "바꾼 내용"})
        assert (response.status_code, response.json()) == (404, COMMENT_NOT_FOUND), ("patch", cid)
        response = client.delete(url(4, cid), headers=headers)
        assert (response.status_code, response.json()) == (404, COMMENT_NOT_FOUND), ("delete", cid)
    # an admin cannot edit other people's comments, nor delete a missing or deleted one
    response = client.patch(url(4, mine), headers=admin, json={"contents": "관리자가 바꾼 내용"})
    assert (response.status_code, response.json()) == (404, COMMENT_NOT_FOUND)
    for cid in (99999, elsewhere, gone):
        response = client.delete(url(4, cid), headers=admin)
        assert (response.status_code, response.json()) == (404, COMMENT_NOT_FOUND), cid
    contents = {i["techCommentId"]: i["contents"] for i in comment_page(client, 4, user, size=10)["content"]}
    assert contents == {mine: "회원의 댓글", admins: "관리자의 댓글", anons: "익명의 댓글", gone: AUTHOR_TEXT}


def test_admin_deletes_anyones_comment_with_the_policy_text(client, seeded, user, admin):
    mine = write(client, user, 4, "회원의 댓글")
    anons = write(client, ANON_A, 4, "익명의 댓글")
    admins = write(client, admin, 4, "관리자의 댓글")
    a_reply = reply(client, ANON_B, 4, mine, mine, "익명의 답글")
    for cid in (mine, anons, admins, a_reply):
        delete(client, admin, 4, cid)
    data = comment_page(client, 4, user, techCommentSort="OLDEST")
    shown = [(i["techCommentId"], i["contents"], i["isDeleted"]) for i in data["content"]]
    assert shown == [(mine, POLICY_TEXT, True), (anons, POLICY_TEXT, True), (admins, AUTHOR_TEXT, True)]
    assert [(r["contents"], r["isDeleted"]) for r in data["content"][0]["replies"]] == [(POLICY_TEXT, True)]
    assert (data["totalElements"], data["totalOriginParentComments"]) == (4, 0)
    # deleting again is refused; the author's own delete is too
    for headers, cid in ((admin, mine), (user, mine), (ANON_A, anons)):
        response = client.delete(url(4, cid), headers=headers)
        assert (response.status_code, response.json()) == (404, COMMENT_NOT_FOUND)


def test_reply_errors(client, user, admin):
    c1 = write(client, user, 4, "원댓글 1")
    c2 = write(client, user, 4, "원댓글 2")
    r1 = reply(client, admin, 4, c1, c1, "원댓글 1의 답글")
    elsewhere = write(client, user, 3, "다른 글의 댓글")
    live_origin = write(client, user, 4, "살아있는 원댓글")
    dead_reply = reply(client, admin, 4, live_origin, live_origin, "지울 답글")
    delete(client, admin, 4, dead_reply)
    dead_origin = write(client, user, 4, "지울 원댓글")
    live_reply = reply(client, admin, 4, dead_origin, dead_origin, "살아남은 답글")
    delete(client, user, 4, dead_origin)
    cases = [
        ((c1, 99999), COMMENT_NOT_FOUND, 404),  # missing parent
        ((99999, c1), COMMENT_NOT_FOUND, 404),  # missing origin
        ((r1, r1), COMMENT_NOT_FOUND, 404),  # the origin is itself a reply
        ((r1, c1), COMMENT_NOT_FOUND, 404),
        ((c2, r1), COMMENT_NOT_FOUND, 404),  # the parent is in another thread
        ((elsewhere, elsewhere), COMMENT_NOT_FOUND, 404),  # of another article
        ((c1, elsewhere), COMMENT_NOT_FOUND, 404),
        ((live_origin, dead_reply), DELETED_NO_REPLY, 400),  # a deleted parent
        ((dead_origin, dead_origin), DELETED_NO_REPLY, 400),  # a deleted origin
        ((dead_origin, live_reply), DELETED_NO_REPLY, 400),  # a live parent in a deleted origin's thread
    ]
    for (origin, parent), body, status in cases:
        for headers in (user, ANON_A):
            response = client.post(url(4, origin, parent), headers=headers, json={"contents": "답글"})
            assert (response.status_code, response.json()) == (status, body), (origin, parent)
    data = comment_page(client, 4, user, size=10)
    replies = {i["techCommentId"]: i["replyTotalCount"] for i in data["content"]}
    assert replies == {c1: 1, c2: 0, live_origin: 1, dead_origin: 1}
    assert data["totalElements"] == 7 and listed(client, 4)["commentTotalCount"] == 7
    assert comment_page(client, 3, user)["totalElements"] == 1


def assert_bad_request(response, what) -> None:
    assert response.status_code == 400, (what, response.text)
    body = response.json()
    assert list(body) == ["resultType", "message", "errorCode"] and body["resultType"] == "FAIL", what
    assert body["errorCode"] == 400 and isinstance(body["message"], str) and body["message"], what


BAD_BODIES = [b"{bad json", b"[]", b'"text"', b"", b"null", b'{"contents": 123}', b'{"contents": ["a"]}']
BAD_BODIES += [b'{"contents": {"x": 1}}', b'{"contents": true}', "\ud800".encode("utf-8", "surrogatepass")]


def test_malformed_bodies_are_400_in_the_envelope_never_500(client, user):
    cid = write(client, user, 4, "댓글")
    for method, path in (("POST", url(4)), ("POST", url(4, cid, cid)), ("PATCH", url(4, cid))):
        for raw in BAD_BODIES:
            headers = {**user, "Content-Type": "application/json"}
            assert_bad_request(client.request(method, path, headers=headers, content=raw), (method, path, raw))
    data = comment_page(client, 4, user)
    assert (data["totalElements"], data["content"][0]["contents"]) == (1, "댓글")


def test_non_numeric_path_ids_are_400_never_500(client, user):
    cid = write(client, user, 4, "댓글")
    body = {"contents": "a"}
    calls: list[tuple[str, str, dict[str, str] | None]] = [
        ("POST", url(bad), body) for bad in ("abc", 0, -1, "1.5", "1e3")
    ]
    calls += [("POST", url(4, "x", cid), body), ("POST", url(4, cid, "y"), body), ("POST", url("x", cid, cid), body)]
    calls += [("PATCH", url(4, "x"), body), ("PATCH", url("x", cid), body), ("PATCH", url(4, 0), body)]
    calls += [("DELETE", url(4, "x"), None), ("DELETE", url("x", cid), None), ("DELETE", url(4, -3), None)]
    calls += [("POST", url(4, "x", "recommends"), None), ("POST", url("x", cid, "recommends"), None)]
    calls += [("GET", url("abc"), None), ("GET", url("abc", "best"), None), ("GET", url(0), None)]
    for method, path, json_body in calls:
        kwargs = {} if json_body is None else {"json": json_body}
        assert_bad_request(client.request(method, path, headers=user, **kwargs), (method, path))
    assert comment_page(client, 4, user)["totalElements"] == 1


def test_bad_query_parameters_are_400_never_500(client, user):
    write(client, user, 4, "댓글")
    bad_lists = [{"techCommentSort": v} for v in ("BAD", "oldest", "POPULAR")]
    bad_lists += [{"size": v} for v in ("abc", "0", "-1", "2.5")]
    bad_lists += [{"techCommentId": v} for v in ("abc", "-1", "99999999999999999999999", "1.5")]
    for params in bad_lists:
        assert_bad_request(client.get(url(4), headers=user, params=params), params)
    for size in ("abc", "1.5", "3a"):
        assert_bad_request(client.get(url(4, "best"), headers=user, params={"size": size}), size)
    for path in (url(4), url(4, "best")):
        assert_bad_request(client.get(path, headers={**user, "Timezone": "Mars/Olympus"}), path)


def test_huge_ids_are_never_500(client, user):
    for path in (url(2**63), url(4, 2**63, 2**63), url(4, 2**63), url(4, 2**63, "recommends"), url(2**63, "best")):
        for method in ("get", "post", "patch", "delete"):
            response = client.request(method.upper(), path, headers=user, json={"contents": "a"})
            assert response.status_code < 500 and response.json()["resultType"] in ("FAIL", "SUCCESS"), (
                method,
                path,
                response.text,
            )


# Anonymous members ------------------------------------------------------------------------------------------------


def test_anonymous_member_writes_modifies_and_deletes_only_their_own(client, seeded, user):
    cid = write(client, ANON_A, 1, "익명 댓글")
    anon = anonymous_who(seeded, ANON_A, "anon")
    modify(client, ANON_A, 1, cid, "익명 댓글 수정")
    # another anonymous member, and a member, can neither modify nor delete it
    for headers in (ANON_B, user):
        response = client.patch(url(1, cid), headers=headers, json={"contents": "남의 댓글 수정"})
        assert (response.status_code, response.json()) == (404, COMMENT_NOT_FOUND)
        response = client.delete(url(1, cid), headers=headers)
        assert (response.status_code, response.json()) == (404, COMMENT_NOT_FOUND)
    item = normalised(comment_page(client, 1, ANON_A)["content"])[0]
    assert item == {
        "techCommentId": cid,
        "anonymousMemberId": anon.id,
        "author": anon.nickname,
        "maskedEmail": None,
        "contents": "익명 댓글 수정",
        "replyTotalCount": 0,
        "recommendTotalCount": 0,
        "isCommentAuthor": True,
        "isRecommended": False,
        "isModified": True,
        "isDeleted": False,
        "replies": [],
        "createdAt": AT,
    }
    assert anon.nickname.startswith("익명의 댑댑이 ")
    assert comment_page(client, 1, ANON_B)["content"][0]["isCommentAuthor"] is False
    assert comment_page(client, 1, user)["content"][0]["isCommentAuthor"] is False
    # the same header is the same anonymous member on a later request
    second = write(client, ANON_A, 1, "두 번째 익명 댓글")
    assert comment_page(client, 1, ANON_A)["content"][0] | {"createdAt": AT} == {
        **item,
        "techCommentId": second,
        "contents": "두 번째 익명 댓글",
        "isModified": False,
    }
    # they cannot recommend, even their own
    response = client.post(url(1, cid, "recommends"), headers=ANON_A)
    assert (response.status_code, response.json()) == (405, ANONYMOUS_NOT_ALLOWED)
    # they delete their own: the author's text
    delete(client, ANON_A, 1, cid)
    item = {i["techCommentId"]: i for i in comment_page(client, 1, ANON_B)["content"]}[cid]
    assert (item["contents"], item["isDeleted"], item["isModified"]) == (AUTHOR_TEXT, True, True)
    data = comment_page(client, 1, ANON_B)
    assert (data["totalElements"], data["totalOriginParentComments"]) == (2, 1)
    assert listed(client, 1)["commentTotalCount"] == 2


def test_without_token_or_header_every_comment_endpoint_is_refused(client, user):
    cid = write(client, user, 1, "댓글")
    calls = [
        ("post", url(1), {"contents": "a"}),
        ("post", url(1, cid, cid), {"contents": "a"}),
        ("patch", url(1, cid), {"contents": "a"}),
        ("delete", url(1, cid), None),
        ("get", url(1), None),
        ("get", url(1, "best"), None),
    ]
    for header in ({}, {"Anonymous-Member-Id": "   "}, {"Anonymous-Member-Id": "G" * 31}):
        for method, path, body in calls:
            kwargs = {} if body is None else {"json": body}
            response = client.request(method.upper(), path, headers=header, **kwargs)
            assert (response.status_code, response.json()) == (400, ANONYMOUS_ID_INVALID), (method, path, header)
    assert comment_page(client, 1, user)["totalElements"] == 1


def test_a_member_with_an_anonymous_header_acts_as_the_member(client, user):
    cid = write(client, {**user, **ANON_A}, 1, "회원 댓글")
    item = comment_page(client, 1, user)["content"][0]
    assert (item["techCommentId"], item["memberId"], "anonymousMemberId" in item) == (cid, USER_ID, False)
    assert comment_page(client, 1, ANON_A)["content"][0]["isCommentAuthor"] is False
    response = client.patch(url(1, cid), headers=ANON_A, json={"contents": "익명이 수정"})
    assert (response.status_code, response.json()) == (404, COMMENT_NOT_FOUND)
