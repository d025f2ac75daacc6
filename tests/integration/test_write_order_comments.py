"""The order of a comment transaction's writes never changes what the user reads.

Every comment write is one transaction (the comment, the post's counters, the origin's reply count, the member's
comment count, a reply's notification); each conditioned write names what its failure means, and the service maps
those names to the contract's messages. Here ``devdevdev.store.transactions.written_order`` sends the writes as
written, reversed and rotated, and each race is made certain: the service reads (its own checks pass), then the
table changes under it (a pick rejected, an article gone, a comment deleted), so the transaction's condition is what
fails. Each case asserts the exact status, envelope and Korean message over HTTP, and the reasons of the failure the
repository raised (the proof that the transaction, not a check before it, refused the write).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from devdevdev.store import keys, transactions
from devdevdev.store.comments import (
    COMMENT_DELETED,
    ORIGIN_DELETED,
    PARENT_DELETED,
    POST_UNAVAILABLE,
)
from devdevdev.store.keys import PICK_COMMENTS, TECH_COMMENTS
from devdevdev.store.models import ArticleItem, CommentItem, PickItem
from devdevdev.store.transactions import ConditionFailed

from tests.conftest import BASE, bearer, fail, tokens

pytestmark = pytest.mark.integration

ORDERS: dict[str, Callable[[list[Any]], list[Any]]] = {
    "written": lambda operations: operations,
    "reversed": lambda operations: operations[::-1],
    "rotated": lambda operations: operations[1:] + operations[:1],
}

PICK_NOT_APPROVED = "승인 상태가 아닌 픽픽픽에는 댓글을 {}할 수 없습니다."
PICK_COMMENT_MISSING = (404, fail("픽픽픽 댓글이 없습니다.", 404))
PICK_COMMENT_DELETED_NO_REPLY = (400, fail("삭제된 픽픽픽 댓글에는 답글을 작성할 수 없습니다.", 400))
ARTICLE_MISSING = (404, fail("존재하지 않는 기술블로그입니다.", 404))
TECH_COMMENT_MISSING = (404, fail("존재하지 않는 기술블로그 댓글입니다.", 404))


def not_approved(action: str) -> tuple[int, dict]:
    return 400, fail(PICK_NOT_APPROVED.format(action), 400)


@pytest.fixture(params=list(ORDERS))
def order(request, monkeypatch) -> list[int]:
    """Every transaction of the test goes out in this order; the sizes of those sent (to show they were reordered)."""
    reorder = ORDERS[request.param]
    sizes: list[int] = []

    def written_order(operations: list[Any]) -> list[Any]:
        sizes.append(len(operations))
        return reorder(operations)

    monkeypatch.setattr(transactions, "written_order", written_order)
    return sizes


@pytest.fixture
def user(client) -> dict:
    return bearer(tokens(client)["accessToken"])


@pytest.fixture
def admin(client) -> dict:
    return bearer(tokens(client, "admin")["accessToken"])


# The table changing under a request -------------------------------------------------------------------------------


def reject_pick(pick_id: int) -> None:
    PickItem(*keys.pick(pick_id)).update(actions=[PickItem.content_status.set("REJECT")])


def approve_pick(pick_id: int) -> None:
    PickItem(*keys.pick(pick_id)).update(actions=[PickItem.content_status.set("APPROVAL")])


def remove_article(article_id: int) -> None:
    ArticleItem(*keys.article(article_id)).delete()


def delete_comment(kind: str, post_id: int, comment_id: int) -> None:
    CommentItem(*keys.comment(kind, post_id, comment_id)).update(
        actions=[CommentItem.deleted_at.set(datetime.now(UTC)), CommentItem.deleted_by.set("AUTHOR")]
    )


@contextmanager
def race(
    monkeypatch: pytest.MonkeyPatch,
    read: tuple[object, str],
    change: Callable[[], None],
    written: tuple[object, str],
    *,
    on_call: int = 1,
) -> Iterator[list[frozenset[str]]]:
    """Within: the ``on_call``-th call of the repository method ``read`` reads, then ``change()`` changes the table
    before the service goes on. Yields the reasons of every ``ConditionFailed`` the repository method ``written``
    raised."""
    failures: list[frozenset[str]] = []
    with monkeypatch.context() as patch:
        reader, read_name = read
        real_read = getattr(reader, read_name)
        calls: list[bool] = []
        changed: list[bool] = []

        def read_then_change(*args: Any, **kwargs: Any) -> Any:
            found = real_read(*args, **kwargs)
            calls.append(True)
            if len(calls) == on_call:
                changed.append(True)
                change()
            return found

        writer, write_name = written
        real_write = getattr(writer, write_name)

        def recorded(*args: Any, **kwargs: Any) -> Any:
            try:
                return real_write(*args, **kwargs)
            except ConditionFailed as failed:
                failures.append(failed.reasons)
                raise

        patch.setattr(reader, read_name, read_then_change)
        patch.setattr(writer, write_name, recorded)
        yield failures
    assert changed == [True], "the race never happened"


def answer(response) -> tuple[int, dict]:
    return response.status_code, response.json()


def created(response, field: str) -> int:
    assert response.status_code == 200, response.text
    return response.json()["data"][field]


# Pick comments ----------------------------------------------------------------------------------------------------


def pick_url(pick_id: int, *rest: object) -> str:
    return "/".join([f"{BASE}/picks/{pick_id}/comments", *(str(part) for part in rest)])


def pick_comment(client, headers: dict, pick_id: int, contents: str) -> int:
    body = {"contents": contents, "isPickVotePublic": False}
    return created(client.post(pick_url(pick_id), headers=headers, json=body), "pickCommentId")


def pick_reply(client, headers: dict, pick_id: int, origin: int, parent: int, contents: str) -> int:
    return created(
        client.post(pick_url(pick_id, origin, parent), headers=headers, json={"contents": contents}), "pickCommentId"
    )


def test_a_pick_comment_or_reply_on_a_pick_rejected_meanwhile(client, seeded, user, admin, order, monkeypatch):
    origin = pick_comment(client, admin, 1, "원댓글")
    before = seeded.picks.get(1)
    assert before is not None
    # When the pick is rejected between the service's read of it and the comment's transaction
    with race(monkeypatch, (seeded.picks, "get"), lambda: reject_pick(1), (seeded.comments, "create")) as failures:
        response = client.post(pick_url(1), headers=user, json={"contents": "댓글", "isPickVotePublic": False})
    # Then the comment is refused as on a pick that was not APPROVAL to begin with
    assert answer(response) == not_approved("작성")
    assert failures == [frozenset({POST_UNAVAILABLE})]
    approve_pick(1)
    # And the same for a reply (whose transaction also holds the origin's count and the notification)
    with race(monkeypatch, (seeded.picks, "get"), lambda: reject_pick(1), (seeded.comments, "create")) as failures:
        response = client.post(pick_url(1, origin, origin), headers=user, json={"contents": "답글"})
    assert answer(response) == (400, fail("승인 상태가 아닌 픽픽픽에는 답글을 작성할 수 없습니다.", 400))
    assert failures == [frozenset({POST_UNAVAILABLE})]
    approve_pick(1)
    # Nothing was written
    after = seeded.picks.get(1)
    assert after is not None
    assert (after.comment_total_count, after.origin_comment_count) == (1, 1)
    assert max(order) >= 4  # the reply's transaction (comment, pick, origin, member, ...) was the one reordered


def test_a_reply_to_a_comment_deleted_meanwhile(client, seeded, user, admin, order, monkeypatch):
    origin = pick_comment(client, admin, 2, "원댓글")
    child = pick_reply(client, admin, 2, origin, origin, "답글")
    comments = seeded.comments

    def reply_to(origin_id: int, parent_id: int):
        return client.post(pick_url(2, origin_id, parent_id), headers=user, json={"contents": "늦은 답글"})

    # The parent (a reply) is deleted after the service read it
    with race(
        monkeypatch, (comments, "get"), lambda: delete_comment(PICK_COMMENTS, 2, child), (comments, "create")
    ) as failures:
        response = reply_to(origin, child)
    assert answer(response) == PICK_COMMENT_DELETED_NO_REPLY
    assert failures == [frozenset({PARENT_DELETED})]
    # The origin is deleted after the service read the (live) parent, then the origin
    other = pick_reply(client, admin, 2, origin, origin, "다른 답글")
    with race(
        monkeypatch,
        (comments, "get"),
        lambda: delete_comment(PICK_COMMENTS, 2, origin),
        (comments, "create"),
        on_call=2,
    ) as failures:
        response = reply_to(origin, other)
    assert answer(response) == PICK_COMMENT_DELETED_NO_REPLY
    assert failures == [frozenset({ORIGIN_DELETED})]
    # The origin, which is also the parent, is deleted meanwhile
    second = pick_comment(client, admin, 2, "두 번째 원댓글")
    with race(
        monkeypatch, (comments, "get"), lambda: delete_comment(PICK_COMMENTS, 2, second), (comments, "create")
    ) as failures:
        response = reply_to(second, second)
    assert answer(response) == PICK_COMMENT_DELETED_NO_REPLY
    assert failures == [frozenset({ORIGIN_DELETED})]
    pick = seeded.picks.get(2)
    assert pick is not None and pick.comment_total_count == 4  # two comments and two replies, no more


def test_when_several_conditions_fail_together_the_same_one_wins(client, seeded, user, admin, order, monkeypatch):
    """DynamoDB reports every failed condition of a cancelled transaction; the service answers the first of its
    reasons in its own order (the post before the comments), whatever order the writes went in."""
    comments = seeded.comments
    origin = pick_comment(client, admin, 5, "원댓글")
    child = pick_reply(client, admin, 5, origin, origin, "답글")

    def reject_and_delete_both() -> None:
        reject_pick(5)
        delete_comment(PICK_COMMENTS, 5, origin)
        delete_comment(PICK_COMMENTS, 5, child)

    with race(monkeypatch, (comments, "get"), reject_and_delete_both, (comments, "create"), on_call=2) as failures:
        response = client.post(pick_url(5, origin, child), headers=user, json={"contents": "늦은 답글"})
    assert answer(response) == (400, fail("승인 상태가 아닌 픽픽픽에는 답글을 작성할 수 없습니다.", 400))
    assert failures == [frozenset({POST_UNAVAILABLE, ORIGIN_DELETED, PARENT_DELETED})]
    approve_pick(5)
    # A modify of a comment deleted while the pick was rejected: the comment's message comes first
    mine = pick_comment(client, user, 5, "내 댓글")

    def delete_and_reject() -> None:
        delete_comment(PICK_COMMENTS, 5, mine)
        reject_pick(5)

    with race(monkeypatch, (seeded.picks, "get"), delete_and_reject, (comments, "modify")) as failures:
        response = client.patch(pick_url(5, mine), headers=user, json={"contents": "고친 댓글"})
    assert answer(response) == PICK_COMMENT_MISSING
    assert failures == [frozenset({COMMENT_DELETED, POST_UNAVAILABLE})]


def test_modify_and_delete_of_a_pick_comment_that_changed_meanwhile(client, seeded, user, order, monkeypatch):
    comments = seeded.comments
    first = pick_comment(client, user, 3, "첫 댓글")
    second = pick_comment(client, user, 3, "둘째 댓글")
    reply_id = pick_reply(client, user, 3, first, first, "답글")
    edit = {"contents": "고친 댓글"}
    # Deleted meanwhile: modify and delete both answer that there is no such comment
    with race(
        monkeypatch, (comments, "get"), lambda: delete_comment(PICK_COMMENTS, 3, first), (comments, "modify")
    ) as failures:
        response = client.patch(pick_url(3, first), headers=user, json=edit)
    assert answer(response) == PICK_COMMENT_MISSING
    assert failures == [frozenset({COMMENT_DELETED})]
    with race(
        monkeypatch, (comments, "get"), lambda: delete_comment(PICK_COMMENTS, 3, reply_id), (comments, "delete")
    ) as failures:
        response = client.delete(pick_url(3, reply_id), headers=user)
    assert answer(response) == PICK_COMMENT_MISSING
    assert failures == [frozenset({COMMENT_DELETED})]
    # The pick rejected meanwhile: modify, delete of a top-level comment and of a reply are refused for the pick
    third = pick_comment(client, user, 3, "셋째 댓글")
    live_reply = pick_reply(client, user, 3, third, third, "살아 있는 답글")
    with race(monkeypatch, (seeded.picks, "get"), lambda: reject_pick(3), (comments, "modify")) as failures:
        response = client.patch(pick_url(3, second), headers=user, json=edit)
    assert answer(response) == not_approved("수정")
    assert failures == [frozenset({POST_UNAVAILABLE})]
    approve_pick(3)
    for target in (second, live_reply):
        with race(monkeypatch, (seeded.picks, "get"), lambda: reject_pick(3), (comments, "delete")) as failures:
            response = client.delete(pick_url(3, target), headers=user)
        assert answer(response) == not_approved("삭제")
        assert failures == [frozenset({POST_UNAVAILABLE})]
        approve_pick(3)
    # Nothing was changed by the refused writes
    shown = client.get(pick_url(3), headers=user, params={"size": 10}).json()["data"]["content"]
    by_id = {item["pickCommentId"]: item for item in shown}
    assert (by_id[second]["contents"], by_id[second]["isModified"], by_id[second]["isDeleted"]) == (
        "둘째 댓글",
        False,
        False,
    )
    assert [(r["pickCommentId"], r["isDeleted"]) for r in by_id[third]["replies"]] == [(live_reply, False)]


def test_a_recommend_of_a_pick_comment_that_changed_meanwhile(client, seeded, user, admin, order, monkeypatch):
    comments = seeded.comments
    comment_id = pick_comment(client, admin, 4, "추천할 댓글")
    other = pick_comment(client, admin, 4, "다른 댓글")
    # Deleted between the read of the member's recommend and the transaction that turns it on
    with race(
        monkeypatch,
        (comments, "recommend_status"),
        lambda: delete_comment(PICK_COMMENTS, 4, comment_id),
        (comments, "set_recommend"),
    ) as failures:
        response = client.post(pick_url(4, comment_id, "recommends"), headers=user)
    assert answer(response) == (400, fail("삭제된 픽픽픽 댓글에는 추천할 수 없습니다.", 400))
    assert failures == [frozenset({COMMENT_DELETED})]
    # The pick rejected meanwhile
    with race(
        monkeypatch, (comments, "recommend_status"), lambda: reject_pick(4), (comments, "set_recommend")
    ) as failures:
        response = client.post(pick_url(4, other, "recommends"), headers=user)
    assert answer(response) == not_approved("추천")
    assert failures == [frozenset({POST_UNAVAILABLE})]
    approve_pick(4)
    shown = client.get(pick_url(4), headers=user).json()["data"]["content"]
    assert [(item["recommendTotalCount"], item["isRecommended"]) for item in shown] == [(0, False), (0, False)]


# Tech comments ----------------------------------------------------------------------------------------------------


def tech_url(article_id: int, *rest: object) -> str:
    return "/".join([f"{BASE}/articles/{article_id}/comments", *(str(part) for part in rest)])


def tech_comment(client, headers: dict, article_id: int, contents: str) -> int:
    return created(client.post(tech_url(article_id), headers=headers, json={"contents": contents}), "techCommentId")


def test_a_tech_comment_or_reply_on_an_article_gone_meanwhile(client, seeded, user, admin, order, monkeypatch):
    comments = seeded.comments
    origin = tech_comment(client, admin, 2, "원댓글")
    with race(monkeypatch, (seeded.articles, "get"), lambda: remove_article(1), (comments, "create")) as failures:
        response = client.post(tech_url(1), headers=user, json={"contents": "댓글"})
    assert answer(response) == ARTICLE_MISSING
    assert failures == [frozenset({POST_UNAVAILABLE})]
    with race(monkeypatch, (seeded.articles, "get"), lambda: remove_article(2), (comments, "create")) as failures:
        response = client.post(tech_url(2, origin, origin), headers=user, json={"contents": "답글"})
    assert answer(response) == ARTICLE_MISSING
    assert failures == [frozenset({POST_UNAVAILABLE})]


def test_a_tech_reply_to_a_comment_deleted_meanwhile(client, seeded, user, admin, order, monkeypatch):
    comments = seeded.comments
    origin = tech_comment(client, admin, 1, "원댓글")
    with race(
        monkeypatch, (comments, "get"), lambda: delete_comment(TECH_COMMENTS, 1, origin), (comments, "create")
    ) as failures:
        response = client.post(tech_url(1, origin, origin), headers=user, json={"contents": "늦은 답글"})
    assert answer(response) == (400, fail("삭제된 기술블로그 댓글에는 답글을 작성할 수 없습니다.", 400))
    assert failures == [frozenset({ORIGIN_DELETED})]


def test_modify_delete_and_recommend_of_a_tech_comment_that_changed_meanwhile(
    client, seeded, user, admin, order, monkeypatch
):
    comments = seeded.comments
    first = tech_comment(client, user, 1, "첫 댓글")
    second = tech_comment(client, user, 1, "둘째 댓글")
    third = tech_comment(client, user, 1, "셋째 댓글")
    with race(
        monkeypatch, (comments, "get"), lambda: delete_comment(TECH_COMMENTS, 1, first), (comments, "modify")
    ) as failures:
        response = client.patch(tech_url(1, first), headers=user, json={"contents": "고친 댓글"})
    assert answer(response) == TECH_COMMENT_MISSING
    assert failures == [frozenset({COMMENT_DELETED})]
    with race(
        monkeypatch, (comments, "get"), lambda: delete_comment(TECH_COMMENTS, 1, second), (comments, "delete")
    ) as failures:
        response = client.delete(tech_url(1, second), headers=user)
    assert answer(response) == TECH_COMMENT_MISSING
    assert failures == [frozenset({COMMENT_DELETED})]
    with race(
        monkeypatch,
        (comments, "recommend_status"),
        lambda: delete_comment(TECH_COMMENTS, 1, third),
        (comments, "set_recommend"),
    ) as failures:
        response = client.post(tech_url(1, third, "recommends"), headers=admin)
    assert answer(response) == (400, fail("삭제된 기술블로그 댓글은 추천할 수 없습니다.", 400))
    assert failures == [frozenset({COMMENT_DELETED})]
    # The article gone between the service's read and the delete's transaction: the article's own message
    fourth = tech_comment(client, user, 1, "넷째 댓글")
    with race(monkeypatch, (seeded.articles, "get"), lambda: remove_article(1), (comments, "delete")) as failures:
        response = client.delete(tech_url(1, fourth), headers=user)
    assert answer(response) == ARTICLE_MISSING
    assert failures == [frozenset({POST_UNAVAILABLE})]
