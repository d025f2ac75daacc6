"""The order of a transaction's writes cannot change what a voter or a blamer reads (votes, blames of picks).

Each case sets up a race: the service's own checks pass, then, just before its transaction is sent, the table
changes (a concurrent vote or blame, a moderation, a deletion), so a condition of the transaction is what fails.
Every case runs with the writes sent as written, reversed and rotated (``transactions.written_order``), and the
answer over HTTP (status, envelope, message) must be the same each time. Each case also checks which named
conditions failed, so it cannot pass without going through a failed transaction.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from devdevdev.store import keys, transactions
from devdevdev.store.models import CommentItem, PickItem, PickVoteItem

from tests.conftest import BASE, bearer, fail, tokens

pytestmark = pytest.mark.integration

ORDERS = {
    "written": lambda operations: operations,
    "reversed": lambda operations: operations[::-1],
    "rotated": lambda operations: operations[1:] + operations[:1],
}
VOTER = {"Anonymous-Member-Id": "GA1.1.write.order"}
PICK_ID, FIRST, SECOND = 1, 1, 2  # the demo data's first pick and its options

NOT_APPROVED = fail("픽픽픽 게시글 상태가 승인 상태가 아닙니다. 관리자에게 문의하세요.", 400)
PICK_NOT_FOUND = fail("픽픽픽 게시글이 없습니다.", 404)
SAME_OPTION = fail("동일한 픽픽픽 선택지에 투표할 수 없습니다.", 400)
TEMPORARY = fail("일시적으로 오류가 발생했습니다.", 503)
ALREADY_BLAMED = fail("이미 신고 했습니다.", 400)
BLAME_NOT_APPROVED = fail("승인 상태가 아닌 픽픽픽에는 댓글을 삭제할 수 없습니다.", 400)
COMMENT_DELETED = fail("삭제된 픽픽픽 댓글에는 신고할 수 없습니다.", 400)


@pytest.fixture(params=sorted(ORDERS))
def order(request, monkeypatch) -> str:
    """Every transaction of the test sends its writes in this order."""
    monkeypatch.setattr(transactions, "written_order", ORDERS[request.param])
    return request.param


class Race:
    """Just before the next transaction a store module commits, run ``meanwhile(send)`` once (``send`` commits that
    same transaction: a concurrent twin of the request); record the reasons of every failed transaction after."""

    def __init__(self, monkeypatch, module: str, meanwhile: Callable[[Callable[[], None]], None]) -> None:
        self.failures: list[frozenset[str]] = []
        self._meanwhile: list[Callable[[Callable[[], None]], None]] = [meanwhile]
        real = transactions.commit

        def commit(build, **options) -> None:
            if self._meanwhile:
                self._meanwhile.pop()(lambda: real(build, **options))
            try:
                real(build, **options)
            except transactions.ConditionFailed as failed:
                self.failures.append(failed.reasons)
                raise

        monkeypatch.setattr(f"devdevdev.store.{module}.commit", commit)


def vote(client, option_id: int, headers: dict | None = None):
    return client.post(
        f"{BASE}/picks/vote", headers=headers or VOTER, json={"pickId": PICK_ID, "pickOptionId": option_id}
    )


def set_status(pick_id: int, status: str) -> None:
    PickItem(*keys.pick(pick_id)).update(actions=[PickItem.content_status.set(status)])


def answer(response) -> tuple[int, dict]:
    return response.status_code, response.json()


# Votes: a first vote (the vote item is put, the pick updated) ---------------------------------------------------


def test_a_first_vote_on_a_pick_rejected_meanwhile(client, monkeypatch, order):
    race = Race(monkeypatch, "picks", lambda send: set_status(PICK_ID, "REJECT"))
    assert answer(vote(client, FIRST)) == (400, NOT_APPROVED)
    assert race.failures == [frozenset({"pick-not-approval"})]


def test_a_first_vote_on_a_pick_deleted_meanwhile(client, monkeypatch, order):
    race = Race(monkeypatch, "picks", lambda send: set_status(PICK_ID, "DELETING"))
    assert answer(vote(client, FIRST)) == (404, PICK_NOT_FOUND)
    assert race.failures == [frozenset({"pick-not-approval"})]


def test_a_first_vote_cast_twice_at_once(client, monkeypatch, order):
    race = Race(monkeypatch, "picks", lambda send: send())  # the same vote, sent concurrently, lands first
    assert answer(vote(client, FIRST)) == (400, SAME_OPTION)
    assert race.failures == [frozenset({"vote-changed"})]
    assert vote_count(FIRST) == 1


def test_a_first_vote_cast_twice_at_once_on_a_pick_rejected_meanwhile(client, monkeypatch, order):
    def meanwhile(send) -> None:
        send()
        set_status(PICK_ID, "REJECT")

    race = Race(monkeypatch, "picks", meanwhile)
    assert answer(vote(client, FIRST)) == (400, NOT_APPROVED)
    assert race.failures and race.failures[0] <= {"vote-changed", "pick-not-approval"}
    assert "vote-changed" in race.failures[0]  # the vote item's put is sent before the pick's update


# Votes: a switch (two updates: the order of the writes is the order sent) ----------------------------------------


@pytest.fixture
def voted(client) -> tuple[str, str]:
    """The voter already voted for the first option: the key of that vote item."""
    response = vote(client, FIRST)
    assert response.status_code == 200
    vote_id = response.json()["data"]["votePickOptions"][0]["pickVoteId"]
    votes = PickVoteItem.query(keys.pick(PICK_ID)[0], range_key_condition=PickVoteItem.sk.startswith("VOTE#"))
    (item,) = [item for item in votes if int(item.vote_id) == vote_id]
    return item.pk, item.sk


def test_a_switch_on_a_pick_rejected_meanwhile(client, voted, monkeypatch, order):
    race = Race(monkeypatch, "picks", lambda send: set_status(PICK_ID, "REJECT"))
    assert answer(vote(client, SECOND)) == (400, NOT_APPROVED)
    assert race.failures == [frozenset({"no-vote-to-move"})]


def test_a_switch_on_a_pick_deleted_meanwhile(client, voted, monkeypatch, order):
    race = Race(monkeypatch, "picks", lambda send: set_status(PICK_ID, "DELETING"))
    assert answer(vote(client, SECOND)) == (404, PICK_NOT_FOUND)
    assert race.failures == [frozenset({"no-vote-to-move"})]


def test_a_switch_made_twice_at_once(client, voted, monkeypatch, order):
    race = Race(monkeypatch, "picks", lambda send: send())  # the same switch, sent concurrently, lands first
    assert answer(vote(client, SECOND)) == (400, SAME_OPTION)
    # Both conditions are false now (the vote moved, the first option has no vote left): the answer is the same
    # whichever of them DynamoDB reports
    assert len(race.failures) == 1 and race.failures[0] and race.failures[0] <= {"vote-changed", "no-vote-to-move"}
    assert (vote_count(FIRST), vote_count(SECOND)) == (0, 1)


def test_a_switch_whose_old_option_has_no_vote_to_give_back(client, voted, monkeypatch, order):
    def meanwhile(send) -> None:
        PickItem(*keys.pick(PICK_ID)).update(actions=[PickItem.first_option_votes.set(0)])

    race = Race(monkeypatch, "picks", meanwhile)
    assert answer(vote(client, SECOND)) == (500, TEMPORARY)  # every attempt fails the same way: it gives up
    assert race.failures and set(race.failures) == {frozenset({"no-vote-to-move"})}
    assert vote_of(voted) == "firstPickOption"


def test_a_switch_changed_meanwhile_on_a_pick_deleted_meanwhile(client, voted, monkeypatch, order):
    def meanwhile(send) -> None:
        PickVoteItem(*voted).update(
            actions=[PickVoteItem.option_type.set("secondPickOption"), PickVoteItem.option_id.set(SECOND)]
        )
        set_status(PICK_ID, "DELETING")

    race = Race(monkeypatch, "picks", meanwhile)
    assert answer(vote(client, SECOND)) == (404, PICK_NOT_FOUND)
    # Both conditions are false; which of them DynamoDB reports may depend on the order sent: the answer does not
    assert race.failures and race.failures[0] and race.failures[0] <= {"vote-changed", "no-vote-to-move"}


def vote_count(option_id: int) -> int:
    item = PickItem.get(*keys.pick(PICK_ID), consistent_read=True)
    return int(item.first_option_votes if option_id == FIRST else item.second_option_votes)


def vote_of(key: tuple[str, str]) -> str:
    return PickVoteItem.get(*key, consistent_read=True).option_type


# Blames -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def member(client) -> dict[str, str]:
    return bearer(tokens(client)["accessToken"])


def blame(client, headers, **target):
    return client.post(f"{BASE}/blames/PICK", headers=headers, json={"blameTypeId": 1, **target})


def blames_of_pick(pick_id: int) -> int:
    return int(PickItem.get(*keys.pick(pick_id), consistent_read=True).blame_total_count or 0)


def test_a_blame_sent_twice_at_once(client, member, monkeypatch, order):
    race = Race(monkeypatch, "blames", lambda send: send())
    assert answer(blame(client, member, pickId=PICK_ID)) == (400, ALREADY_BLAMED)
    assert race.failures == [frozenset({"already-blamed"})]
    assert blames_of_pick(PICK_ID) == 1


def test_a_blame_of_a_pick_rejected_meanwhile(client, member, monkeypatch, order):
    race = Race(monkeypatch, "blames", lambda send: set_status(PICK_ID, "REJECT"))
    assert answer(blame(client, member, pickId=PICK_ID)) == (400, BLAME_NOT_APPROVED)
    assert race.failures == [frozenset({"pick-not-approval"})]


def test_a_blame_sent_twice_at_once_on_a_pick_rejected_meanwhile(client, member, monkeypatch, order):
    def meanwhile(send) -> None:
        send()
        set_status(PICK_ID, "REJECT")

    race = Race(monkeypatch, "blames", meanwhile)
    # The member's duplicate comes first, whichever write DynamoDB reports first
    assert answer(blame(client, member, pickId=PICK_ID)) == (400, ALREADY_BLAMED)
    assert race.failures and "already-blamed" in race.failures[0]
    assert race.failures[0] <= {"already-blamed", "pick-not-approval"}


def test_a_blame_of_a_pick_comment_deleted_meanwhile(client, member, monkeypatch, order):
    response = client.post(
        f"{BASE}/picks/{PICK_ID}/comments", headers=member, json={"contents": "댓글", "isPickVotePublic": False}
    )
    comment_id = response.json()["data"]["pickCommentId"]

    def meanwhile(send) -> None:
        from datetime import UTC, datetime

        CommentItem(*keys.comment(keys.PICK_COMMENTS, PICK_ID, comment_id)).update(
            actions=[CommentItem.deleted_at.set(datetime.now(UTC))]
        )

    race = Race(monkeypatch, "blames", meanwhile)
    assert answer(blame(client, member, pickId=PICK_ID, pickCommentId=comment_id)) == (400, COMMENT_DELETED)
    assert len(race.failures) == 1 and race.failures[0] and "already-blamed" not in race.failures[0]
