"""Comments and replies on picks and tech articles, their recommends, and the post counters they move.

A comment lives in its post's partition (``PICK#<id>`` or ``ARTICLE#<id>``), so deleting a pick deletes its comments
with it. Top-level comments sit in three orders of their post (GSI1 by id, GSI2 by recommends, GSI3 by replies);
replies sit in their thread (GSI4, oldest first); a member's comments that are not deleted sit in GSI5 (my comments).
Every write is one transaction with the counters it moves: the post's comment totals and popular score, the origin's
reply count, the member's comment count, the recommend count and the sort keys that mirror them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition

from devdevdev.store import keys
from devdevdev.store.keys import PICK_COMMENTS, TECH_COMMENTS
from devdevdev.store.members import Actor
from devdevdev.store.models import ArticleItem, CommentItem, CommentRecommendItem, MemberItem, PickItem
from devdevdev.store.pages import Found, Key, Wanted, batch_get, fill, query_page
from devdevdev.store.transactions import ConditionFailed, Contended, Writes, commit

S = keys.SCORE_SHIFT
# the popular score a comment adds to its pick or article (docs/rules.md#picks-popular-score, #articles-popular-score)
COMMENT_WEIGHT = 4
AUTHOR, ADMIN = "AUTHOR", "ADMIN"  # who deleted a comment
APPROVAL = "APPROVAL"
THREAD_READERS = 8  # concurrent reply Queries per page

# What a failed condition of a comment write means (``ConditionFailed.reasons``), named where the write is made.
COMMENT_TAKEN = "comment-taken"  # the new comment's id is already used
POST_UNAVAILABLE = "post-unavailable"  # the pick is gone or (where required) not APPROVAL; the article is gone
ORIGIN_DELETED = "origin-deleted"  # a reply's top-level comment was deleted
PARENT_DELETED = "parent-deleted"  # a reply's parent (a reply itself) was deleted
COMMENT_DELETED = "comment-deleted"  # the comment written to was deleted (or, un-recommending, its count is spent)
RECOMMEND_CHANGED = "recommend-changed"  # the member's recommend changed since it was read
MEMBER_GONE = "member-gone"  # the author whose comment count moves is gone
ALREADY_UNCOUNTED = "already-uncounted"  # a concurrent deletion took the comment off its author's count


class CommentSort(Enum):
    """The orders of a post's top-level comments: (index, ascending)."""

    LATEST = ("GSI1", False)
    OLDEST = ("GSI1", True)
    MOST_LIKED = ("GSI2", False)
    MOST_COMMENTED = ("GSI3", False)


@dataclass(frozen=True)
class Comment:
    kind: str
    id: int
    post_id: int
    contents: str
    member_id: int | None
    anonymous_member_id: int | None
    origin_id: int | None
    parent_id: int | None
    parent_member_id: int | None
    parent_anonymous_member_id: int | None
    voted_option_type: str | None
    recommend_total_count: int
    reply_total_count: int
    created_at: datetime
    modified_at: datetime | None
    deleted_at: datetime | None
    deleted_by: str | None

    @property
    def is_reply(self) -> bool:
        return self.origin_id is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def written_by(self, actor: Actor) -> bool:
        if actor.member_id is not None:
            return self.member_id == actor.member_id
        return self.member_id is None and self.anonymous_member_id == actor.anonymous_id


def _comment(item: CommentItem) -> Comment:
    def number(value: float | None) -> int | None:
        return None if value is None else int(value)

    return Comment(
        kind=item.kind,
        id=int(item.comment_id),
        post_id=int(item.post_id),
        contents=item.contents,
        member_id=number(item.member_id),
        anonymous_member_id=number(item.anonymous_member_id),
        origin_id=number(item.origin_id),
        parent_id=number(item.parent_id),
        parent_member_id=number(item.parent_member_id),
        parent_anonymous_member_id=number(item.parent_anonymous_member_id),
        voted_option_type=item.voted_option_type,
        recommend_total_count=int(item.recommend_total_count or 0),
        reply_total_count=int(item.reply_total_count or 0),
        created_at=item.created_at,
        modified_at=item.contents_modified_at,
        deleted_at=item.deleted_at,
        deleted_by=item.deleted_by,
    )


def _option_comments_attribute(option_type: str | None):
    if option_type == "firstPickOption":
        return PickItem.first_option_comments
    if option_type == "secondPickOption":
        return PickItem.second_option_comments
    return None


def _recommends_of(member_id: int | None) -> Callable[[Sequence[Key]], list[Wanted]] | None:
    """What a page of comments reads with them: the member's recommend of each (in the post's partition)."""
    if member_id is None:
        return None

    def join(page_keys: Sequence[Key]) -> list[Wanted]:
        return [
            (CommentRecommendItem, pk, f"COMMENT_RECOMMEND#{sk.removeprefix('COMMENT#')}#M{member_id}")
            for pk, sk in page_keys
        ]

    return join


def _recommended(found: Found) -> set[int]:
    return {int(i.comment_id) for i in found.values() if isinstance(i, CommentRecommendItem) and i.status}


class CommentRepository:
    """Reads and writes of comments. ``kind`` is ``PICK`` or ``TECH`` throughout."""

    # Reads --------------------------------------------------------------------------------------------------------

    def get(self, kind: str, post_id: int, comment_id: int) -> Comment | None:
        """A comment of this post by id, read consistently; None when the post has no such comment."""
        try:
            return _comment(CommentItem.get(*keys.comment(kind, post_id, comment_id), consistent_read=True))
        except DoesNotExist:
            return None

    def page(
        self,
        kind: str,
        post_id: int,
        sort: CommentSort,
        cursor_id: int | None,
        size: int,
        option_types: Iterable[str] = (),
        member_id: int | None = None,
    ) -> tuple[list[Comment], bool, set[int]]:
        """One page of the post's top-level comments (deleted ones included) in ``sort`` order after the comment
        ``cursor_id``; with ``option_types``, only public comments voted for one of them. (comments, has_next, the
        ones ``member_id`` recommends).

        One Query of ``size + 1`` keys and one BatchGet of the comments with the member's recommends (plus a GetItem
        of the cursor for the count orders)."""
        index_name, ascending = sort.value
        sort_key = getattr(CommentItem, f"{index_name.lower()}sk")
        condition = None
        if cursor_id is not None:
            bound = self._sort_value(kind, post_id, sort, cursor_id)
            if bound is not None:
                condition = sort_key > bound if ascending else sort_key < bound
        types = sorted(set(option_types))
        items, has_next, found = query_page(
            CommentItem,
            keys.post_comments(kind, post_id),
            index_name=index_name,
            condition=condition,
            size=size,
            ascending=ascending,
            filter_condition=CommentItem.voted_option_type.is_in(*types) if types else None,
            join=_recommends_of(member_id),
        )
        return [_comment(i) for i in items], has_next, _recommended(found)

    def _sort_value(self, kind: str, post_id: int, sort: CommentSort, cursor_id: int) -> int | None:
        """Where the cursor comment sits in ``sort``: its id for the id orders; its current sort key for the count
        orders, or None (the first page) when it is not a top-level comment of this post."""
        if sort in (CommentSort.LATEST, CommentSort.OLDEST):
            return cursor_id
        try:
            item = CommentItem.get(*keys.comment(kind, post_id, cursor_id), attributes_to_get=["GSI2SK", "GSI3SK"])
        except DoesNotExist:
            return None
        value = item.gsi2sk if sort is CommentSort.MOST_LIKED else item.gsi3sk
        return None if value is None else int(value)

    def best(self, kind: str, post_id: int, size: int, member_id: int | None = None) -> tuple[list[Comment], set[int]]:
        """Up to ``size`` top-level comments that are not deleted and have at least one recommend, most recommended
        first (then newest): the MOST_LIKED order from 1 recommend up, deleted ones filtered out; and those
        ``member_id`` recommends (read with them)."""
        hits = CommentItem.query(
            keys.post_comments(kind, post_id),
            range_key_condition=CommentItem.gsi2sk >= S,
            index_name="GSI2",
            scan_index_forward=False,
            filter_condition=CommentItem.deleted_at.does_not_exist(),  # GSI2 projects deletedAt for this filter
            limit=size,
            page_size=size + 5,
        )
        items, found = fill(CommentItem, [(hit.pk, hit.sk) for hit in hits], _recommends_of(member_id))
        return [_comment(i) for i in items], _recommended(found)

    def replies(
        self, kind: str, origins: Iterable[Comment], member_id: int | None = None
    ) -> tuple[dict[int, list[Comment]], set[int]]:
        """All replies of each top-level comment, oldest first: one Query of GSI4's keys per comment that has
        replies, run concurrently, then the replies, with those ``member_id`` recommends, in BatchGets of 100
        (never one read per reply). (replies by top-level comment, the recommended ones)."""
        with_replies = [c.id for c in origins if c.reply_total_count > 0]
        found: dict[int, list[Comment]] = {c: [] for c in with_replies}
        if not with_replies:
            return found, set()

        def thread(origin_id: int) -> list[tuple[str, str]]:
            hits = CommentItem.query(keys.comment_thread(kind, origin_id), index_name="GSI4", scan_index_forward=True)
            return [(hit.pk, hit.sk) for hit in hits]

        with ThreadPoolExecutor(max_workers=min(THREAD_READERS, len(with_replies))) as pool:
            threads = dict(zip(with_replies, pool.map(thread, with_replies), strict=True))
        every = [key for thread_keys in threads.values() for key in thread_keys]
        join = _recommends_of(member_id)
        read = batch_get([(CommentItem, pk, sk) for pk, sk in every] + (list(join(every)) if join else []))
        for origin_id, thread_keys in threads.items():
            items = (read.of(CommentItem, key) for key in thread_keys)
            found[origin_id] = [_comment(item) for item in items if item is not None]
        return found, _recommended(read)

    def member_page(self, member_id: int, kind: str, cursor_id: int | None, size: int) -> tuple[list[Comment], bool]:
        """A member's comments of one kind that are not deleted (replies included), newest first."""
        condition = CommentItem.gsi5sk < cursor_id if cursor_id is not None else None
        items, has_next, _ = query_page(
            CommentItem, keys.member_comments(member_id, kind), index_name="GSI5", condition=condition, size=size
        )
        return [_comment(i) for i in items], has_next

    # Writes -------------------------------------------------------------------------------------------------------

    def create(
        self,
        kind: str,
        post_id: int,
        comment_id: int,
        *,
        actor: Actor,
        contents: str,
        now: datetime,
        origin: Comment | None = None,
        parent: Comment | None = None,
        voted_option_type: str | None = None,
        also: Callable[[Writes], None] | None = None,
    ) -> None:
        """Write a comment (or, with ``origin`` and ``parent``, a reply) with every counter it moves, and whatever
        ``also`` adds to the same transaction.

        Raises ``ConditionFailed`` with :data:`POST_UNAVAILABLE` when the post is gone (or the pick is not
        APPROVAL), :data:`ORIGIN_DELETED` when the origin was deleted meanwhile, :data:`PARENT_DELETED` when the
        parent was (and :data:`COMMENT_TAKEN`, :data:`MEMBER_GONE`)."""
        item = CommentItem(
            *keys.comment(kind, post_id, comment_id),
            comment_id=comment_id,
            kind=kind,
            post_id=post_id,
            contents=contents,
            member_id=actor.member_id,
            anonymous_member_id=actor.anonymous_id,
            voted_option_type=voted_option_type,
            created_at=now,
        )
        if origin is None:
            item.gsi1pk = item.gsi2pk = item.gsi3pk = keys.post_comments(kind, post_id)
            item.gsi1sk = comment_id
            item.gsi2sk = item.gsi3sk = keys.ranked(0, comment_id)
        else:
            assert parent is not None
            item.origin_id, item.parent_id = origin.id, parent.id
            item.parent_member_id = parent.member_id
            item.parent_anonymous_member_id = parent.anonymous_member_id if parent.member_id is None else None
            item.gsi4pk, item.gsi4sk = keys.comment_thread(kind, origin.id), comment_id
        if actor.member_id is not None:
            item.gsi5pk, item.gsi5sk = keys.member_comments(actor.member_id, kind), comment_id
        filtered_option = voted_option_type if origin is None else origin.voted_option_type

        def build(write: Writes) -> None:
            write.save(item, condition=CommentItem.pk.does_not_exist(), reason=COMMENT_TAKEN)
            _update_post(write, kind, post_id, comments=1, origins=0 if origin else 1, option=filtered_option)
            if origin is not None:
                write.update(
                    CommentItem(*keys.comment(kind, post_id, origin.id)),
                    actions=[CommentItem.reply_total_count.add(1), CommentItem.gsi3sk.add(S)],
                    condition=CommentItem.deleted_at.does_not_exist(),
                    reason=ORIGIN_DELETED,
                )
                if parent is not None and parent.id != origin.id:
                    write.condition_check(
                        CommentItem,
                        *keys.comment(kind, post_id, parent.id),
                        condition=_live_comment(),
                        reason=PARENT_DELETED,
                    )
            if actor.member_id is not None:
                _count_on_member(write, actor.member_id, kind, 1)
            if also is not None:
                also(write)

        commit(build)

    def modify(self, comment: Comment, contents: str, now: datetime) -> None:
        """Replace the contents of a comment that is not deleted (of an APPROVAL pick, for pick comments).

        Raises ``ConditionFailed``: :data:`COMMENT_DELETED` when it was deleted meanwhile, :data:`POST_UNAVAILABLE`
        when the pick stopped being APPROVAL."""

        def build(write: Writes) -> None:
            write.update(
                CommentItem(*keys.comment(comment.kind, comment.post_id, comment.id)),
                actions=[CommentItem.contents.set(contents), CommentItem.contents_modified_at.set(now)],
                condition=_live_comment(),
                reason=COMMENT_DELETED,
            )
            if comment.kind == PICK_COMMENTS:
                _check_approved_pick(write, comment.post_id)

        commit(build)

    def delete(self, comment: Comment, *, deleted_by: str, now: datetime, require_approved_pick: bool) -> None:
        """Soft-delete a comment: it stays in its lists with who deleted it, leaves its author's comment list and
        (top-level) the post's count of live top-level comments. Totals and reply counts stay
        (docs/rules.md#comments-delete).

        Raises ``ConditionFailed``: :data:`COMMENT_DELETED` when it was deleted meanwhile, :data:`POST_UNAVAILABLE`
        when the pick is not APPROVAL (if required) or the post is gone (and :data:`MEMBER_GONE`)."""

        def build(write: Writes) -> None:
            write.update(
                CommentItem(*keys.comment(comment.kind, comment.post_id, comment.id)),
                actions=[
                    CommentItem.deleted_at.set(now),
                    CommentItem.deleted_by.set(deleted_by),
                    CommentItem.gsi5pk.remove(),
                    CommentItem.gsi5sk.remove(),
                ],
                condition=_live_comment(),
                reason=COMMENT_DELETED,
            )
            if comment.is_reply:
                if require_approved_pick:
                    _check_approved_pick(write, comment.post_id)
            else:
                _update_post(
                    write, comment.kind, comment.post_id, comments=0, origins=-1, require_approval=require_approved_pick
                )
            if comment.member_id is not None:
                _count_on_member(write, comment.member_id, comment.kind, -1)

        commit(build)

    def recommend_status(self, comment: Comment, member_id: int) -> bool | None:
        """The member's recommend of the comment: True or False, or None when they never recommended it."""
        try:
            item = CommentRecommendItem.get(
                *keys.comment_recommend(comment.kind, comment.post_id, comment.id, member_id), consistent_read=True
            )
        except DoesNotExist:
            return None
        return bool(item.status)

    def set_recommend(self, comment: Comment, member_id: int, status: bool, now: datetime, *, existed: bool) -> int:
        """Turn the member's recommend on or off with the comment's count (and its MOST_LIKED key), all or nothing;
        the count after it.

        Raises ``ConditionFailed``: :data:`RECOMMEND_CHANGED` when the recommend changed since it was read,
        :data:`COMMENT_DELETED` when the comment was deleted (or, turning it off, its count is spent),
        :data:`POST_UNAVAILABLE` when the pick stopped being APPROVAL."""
        recommend = CommentRecommendItem(*keys.comment_recommend(comment.kind, comment.post_id, comment.id, member_id))
        delta = 1 if status else -1
        target = CommentItem(*keys.comment(comment.kind, comment.post_id, comment.id))

        def build(write: Writes) -> None:
            if not existed:
                recommend.comment_id, recommend.status, recommend.modified_at = comment.id, status, now
                write.save(recommend, condition=CommentRecommendItem.pk.does_not_exist(), reason=RECOMMEND_CHANGED)
            else:
                write.update(
                    recommend,
                    actions=[CommentRecommendItem.status.set(status), CommentRecommendItem.modified_at.set(now)],
                    condition=CommentRecommendItem.status == (not status),
                    reason=RECOMMEND_CHANGED,
                )
            actions = [CommentItem.recommend_total_count.add(delta)]
            if not comment.is_reply:
                actions.append(CommentItem.gsi2sk.add(delta * S))
            condition = _live_comment()
            if not status:
                condition = condition & (CommentItem.recommend_total_count > 0)
            write.update(target, actions=actions, condition=condition, reason=COMMENT_DELETED)
            if comment.kind == PICK_COMMENTS:
                _check_approved_pick(write, comment.post_id)

        commit(build)
        after = CommentItem.get(*keys.comment(comment.kind, comment.post_id, comment.id), consistent_read=True)
        return int(after.recommend_total_count or 0)

    def count_blame(self, write: Writes, comment: Comment) -> None:
        """Within a blame's transaction: +1 blame on a comment that is not deleted (else :data:`COMMENT_DELETED`)."""
        write.update(
            CommentItem(*keys.comment(comment.kind, comment.post_id, comment.id)),
            actions=[CommentItem.blame_total_count.add(1)],
            condition=_live_comment(),
            reason=COMMENT_DELETED,
        )

    def uncount_authors(self, kind: str, post_id: int) -> None:
        """Before a post's partition is deleted: take its comments that are not deleted off their authors' counts
        and lists, 25 comments per transaction, each conditional, so a resumed or concurrent deletion never uncounts
        one twice (on a conflict the rest is read again)."""
        for _ in range(MAX_UNCOUNT_ROUNDS):
            counted = list(
                CommentItem.query(
                    keys.post_partition(kind, post_id),
                    CommentItem.sk.startswith("COMMENT#"),
                    filter_condition=CommentItem.gsi5pk.exists(),
                    attributes_to_get=["PK", "SK", "memberId"],
                )
            )
            try:
                for start in range(0, len(counted), UNCOUNT_CHUNK):
                    _uncount(kind, counted[start : start + UNCOUNT_CHUNK])
                return
            except ConditionFailed:
                continue
        raise Contended()


MAX_UNCOUNT_ROUNDS = 5
UNCOUNT_CHUNK = 25


def _uncount(kind: str, chunk: list[CommentItem]) -> None:
    per_member: dict[int, int] = {}
    for item in chunk:
        per_member[int(item.member_id)] = per_member.get(int(item.member_id), 0) + 1

    def build(write: Writes) -> None:
        for item in chunk:
            write.update(
                CommentItem(item.pk, item.sk),
                actions=[CommentItem.gsi5pk.remove(), CommentItem.gsi5sk.remove()],
                condition=CommentItem.gsi5pk.exists(),
                reason=ALREADY_UNCOUNTED,
            )
        for member_id, count in per_member.items():
            _count_on_member(write, member_id, kind, -count)

    commit(build)


def _live_comment() -> Condition:
    return CommentItem.pk.exists() & CommentItem.deleted_at.does_not_exist()


def _approved_pick() -> Condition:
    return PickItem.content_status == APPROVAL


def _check_approved_pick(write: Writes, pick_id: int) -> None:
    write.condition_check(PickItem, *keys.pick(pick_id), condition=_approved_pick(), reason=POST_UNAVAILABLE)


def _update_post(
    write: Writes,
    kind: str,
    post_id: int,
    *,
    comments: int,
    origins: int,
    option: str | None = None,
    require_approval: bool = True,
) -> None:
    """Move a post's comment counters: ``comments`` on the total (with the popular score and, for picks, the list
    keys that mirror them) and ``origins`` on its live top-level comments."""
    if kind == PICK_COMMENTS:
        actions = [PickItem.origin_comment_count.add(origins)] if origins else []
        if comments:
            actions += [
                PickItem.comment_total_count.add(comments),
                PickItem.popular_score.add(comments * COMMENT_WEIGHT),  # GSI2's key follows at the next view fold
                PickItem.gsi4sk.add(comments * S),
            ]
            option_attribute = _option_comments_attribute(option)
            if option_attribute is not None:
                actions.append(option_attribute.add(comments))
        condition = _approved_pick() if require_approval else PickItem.pk.exists()
        write.update(PickItem(*keys.pick(post_id)), actions=actions, condition=condition, reason=POST_UNAVAILABLE)
    else:
        assert kind == TECH_COMMENTS
        actions = [ArticleItem.origin_comment_count.add(origins)] if origins else []
        if comments:
            actions += [
                ArticleItem.comment_total_count.add(comments),
                ArticleItem.popular_score.add(comments * COMMENT_WEIGHT),
            ]
        write.update(
            ArticleItem(*keys.article(post_id)),
            actions=actions,
            condition=ArticleItem.pk.exists(),
            reason=POST_UNAVAILABLE,
        )


def _count_on_member(write: Writes, member_id: int, kind: str, delta: int) -> None:
    attribute = MemberItem.pick_comment_count if kind == PICK_COMMENTS else MemberItem.tech_comment_count
    write.update(
        MemberItem(*keys.member(member_id)),
        actions=[attribute.add(delta)],
        condition=MemberItem.pk.exists(),
        reason=MEMBER_GONE,
    )
