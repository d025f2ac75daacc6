"""Comments and replies on picks and tech articles (docs/rules.md#comments), and my comments
(docs/rules.md#mypage-comments).

Pick comments and tech comments work the same way; :class:`Kind` holds what differs (field names, messages, the
post they belong to). Every function returns the ``data`` of its response or raises an
:class:`~devdevdev.domain.errors.ApiError` from the catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from devdevdev.domain.errors import Errors, ErrorSpec
from devdevdev.domain.slices import slice_page
from devdevdev.domain.timefmt import spaced_datetime
from devdevdev.masking import mask_email
from devdevdev.services import notifications
from devdevdev.services.toggles import toggle
from devdevdev.store.articles import Article
from devdevdev.store.comments import (
    ADMIN,
    AUTHOR,
    COMMENT_DELETED,
    ORIGIN_DELETED,
    PARENT_DELETED,
    POST_UNAVAILABLE,
    RECOMMEND_CHANGED,
    Comment,
    CommentSort,
)
from devdevdev.store.keys import PICK_COMMENTS, TECH_COMMENTS
from devdevdev.store.members import Actor, Member
from devdevdev.store.notifications import add_notification
from devdevdev.store.picks import APPROVAL, DELETING, OPTION_TYPES, Pick
from devdevdev.store.transactions import ConditionFailed, Contended

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime

CONTENTS_MAX = 1000
BEST_MIN, BEST_MAX = 3, 10
AUTHOR_DELETED_TEXT = "댓글 작성자에 의해 삭제된 댓글입니다."
POLICY_DELETED_TEXT = "커뮤니티 정책을 위반하여 삭제된 댓글입니다."
UNKNOWN_DELETED_TEXT = "오류가 발생 했습니다. 관리자에게 문의 하세요."


@dataclass(frozen=True)
class Kind:
    """What differs between pick comments and tech comments."""

    name: str  # the stored kind: PICK | TECH
    prefix: str  # pick | tech: pickCommentId, techParentCommentId, ...
    not_found: ErrorSpec
    contents_required: ErrorSpec
    deleted_no_reply: ErrorSpec
    deleted_no_recommend: ErrorSpec

    @property
    def id_field(self) -> str:
        return f"{self.prefix}CommentId"


PICK = Kind(
    PICK_COMMENTS,
    "pick",
    Errors.PICK_COMMENT_NOT_FOUND,
    Errors.CONTENTS_REQUIRED,
    Errors.PICK_COMMENT_DELETED_NO_REPLY,
    Errors.PICK_COMMENT_DELETED_NO_ACTION,
)
TECH = Kind(
    TECH_COMMENTS,
    "tech",
    Errors.TECH_COMMENT_NOT_FOUND,
    Errors.TECH_COMMENT_CONTENTS_REQUIRED,
    Errors.TECH_COMMENT_DELETED_NO_REPLY,
    Errors.TECH_COMMENT_DELETED_NO_RECOMMEND,
)


def _not_approved(action: str) -> Exception:
    return Errors.PICK_NOT_APPROVED_FOR_COMMENT.error(action=action)


def _post_gone_on_delete(kind: Kind) -> Exception:
    """A delete whose post changed meanwhile: the pick is no longer APPROVAL, or the article is gone."""
    return _not_approved("삭제") if kind is PICK else Errors.ARTICLE_NOT_FOUND.error()


# Input: what the handlers parse a request into ---------------------------------------------------------------------


@dataclass(frozen=True)
class NewComment:
    """A top-level comment: its contents (not blank, at most :data:`CONTENTS_MAX` characters) and, on a pick,
    whether it shows the writer's vote."""

    contents: str
    is_pick_vote_public: bool = False


@dataclass(frozen=True)
class NewReply:
    """A reply to the comment ``parent_id`` in the thread of the top-level comment ``origin_id``."""

    origin_id: int
    parent_id: int
    contents: str


@dataclass(frozen=True)
class CommentEdit:
    """The new contents of a comment."""

    contents: str


@dataclass(frozen=True)
class CommentQuery:
    """A page of a post's top-level comments: the order, the cursor comment (None: the first page), the page size
    and (pick comments) the vote options whose public comments it keeps (none: every comment)."""

    sort: CommentSort
    cursor: int | None
    size: int
    option_types: tuple[str, ...] = ()


def best_size(size: int | None) -> int:
    """Best comments: 3 by default, clamped into 3..10 (docs/rules.md#comments-best)."""
    return BEST_MIN if size is None else min(max(size, BEST_MIN), BEST_MAX)


# Posts ------------------------------------------------------------------------------------------------------------


def _pick(runtime: Runtime, pick_id: int) -> Pick:
    pick = runtime.picks.get(pick_id)
    if pick is None or pick.status == DELETING:
        raise Errors.PICK_NOT_FOUND.error()
    return pick


def _article(runtime: Runtime, article_id: int) -> Article:
    article = runtime.articles.get(article_id)
    if article is None:
        raise Errors.ARTICLE_NOT_FOUND.error()
    return article


def _comment(runtime: Runtime, kind: Kind, post_id: int, comment_id: int) -> Comment:
    comment = runtime.comments.get(kind.name, post_id, comment_id)
    if comment is None:
        raise kind.not_found.error()
    return comment


def _commit(write: Callable[[], Any], failures: dict[str, Exception]) -> Any:
    """Run a repository write; a failed condition becomes the error of the first of ``failures`` (by reason, in
    the order given: the first one wins when several conditions failed together) whose reason it carries; a
    reason not listed is a temporary failure."""
    try:
        return write()
    except ConditionFailed as failed:
        for reason, error in failures.items():
            if reason in failed:
                raise error from None
        raise Errors.TEMPORARY_FAILURE.error() from None
    except Contended:
        raise Errors.TEMPORARY_FAILURE.error() from None


# Writes -----------------------------------------------------------------------------------------------------------


def write_pick_comment(runtime: Runtime, actor: Actor, pick_id: int, new: NewComment) -> dict[str, Any]:
    """``POST /picks/{pickId}/comments``: a top-level comment, public with the writer's vote or not."""
    pick = _pick(runtime, pick_id)
    if pick.status != APPROVAL:
        raise _not_approved("작성")
    voted = None
    if new.is_pick_vote_public:
        vote = runtime.picks.vote_of(pick.id, actor.key)
        if vote is None:
            raise Errors.PICK_VOTE_NOT_FOUND.error()
        voted = vote.option_type
    comment_id = runtime.ids.next_id("comment")
    _commit(
        lambda: runtime.comments.create(
            PICK.name,
            pick.id,
            comment_id,
            actor=actor,
            contents=new.contents,
            now=runtime.clock.now(),
            voted_option_type=voted,
        ),
        {POST_UNAVAILABLE: _not_approved("작성")},
    )
    return {PICK.id_field: comment_id}


def write_tech_comment(runtime: Runtime, actor: Actor, article_id: int, new: NewComment) -> dict[str, Any]:
    """``POST /articles/{id}/comments``."""
    article = _article(runtime, article_id)
    comment_id = runtime.ids.next_id("comment")
    _commit(
        lambda: runtime.comments.create(
            TECH.name, article.id, comment_id, actor=actor, contents=new.contents, now=runtime.clock.now()
        ),
        {POST_UNAVAILABLE: Errors.ARTICLE_NOT_FOUND.error()},
    )
    return {TECH.id_field: comment_id}


def write_reply(runtime: Runtime, kind: Kind, actor: Actor, post_id: int, new: NewReply) -> dict[str, Any]:
    """``POST .../comments/{origin}/{parent}``: the origin must be a top-level comment of this post and the parent
    the origin or one of its replies; neither may be deleted."""
    origin_id, parent_id = new.origin_id, new.parent_id
    if kind is PICK:
        if _pick(runtime, post_id).status != APPROVAL:
            raise Errors.PICK_NOT_APPROVED_FOR_REPLY.error()
    else:
        _article(runtime, post_id)
    parent = _comment(runtime, kind, post_id, parent_id)
    origin = parent if parent_id == origin_id else _comment(runtime, kind, post_id, origin_id)
    if origin.is_reply or (parent.is_reply and parent.origin_id != origin.id):
        raise kind.not_found.error()
    if parent.is_deleted or origin.is_deleted:
        raise kind.deleted_no_reply.error()
    comment_id = runtime.ids.next_id("comment")
    now = runtime.clock.now()
    post_gone = Errors.PICK_NOT_APPROVED_FOR_REPLY.error() if kind is PICK else Errors.ARTICLE_NOT_FOUND.error()
    notification = notifications.reply_notification(
        runtime,
        parent_member_id=parent.member_id,
        replier_member_id=actor.member_id,
        kind=kind.name,
        post_id=post_id,
        reply_id=comment_id,
        parent_id=parent.id,
        origin_id=origin.id,
        now=now,
    )
    _commit(
        lambda: runtime.comments.create(
            kind.name,
            post_id,
            comment_id,
            actor=actor,
            contents=new.contents,
            now=now,
            origin=origin,
            parent=parent,
            also=(lambda write: add_notification(write, notification)) if notification else None,
        ),
        {
            POST_UNAVAILABLE: post_gone,
            ORIGIN_DELETED: kind.deleted_no_reply.error(),
            PARENT_DELETED: kind.deleted_no_reply.error(),
        },
    )
    if notification is not None:
        notifications.announce_reply(runtime, notification)
    return {kind.id_field: comment_id}


def modify(
    runtime: Runtime, kind: Kind, actor: Actor, post_id: int, comment_id: int, edit: CommentEdit
) -> dict[str, Any]:
    """``PATCH .../comments/{id}``: the author's own comment that is not deleted (of an APPROVAL pick)."""
    if kind is TECH:
        _article(runtime, post_id)
    comment = runtime.comments.get(kind.name, post_id, comment_id)
    if comment is None or comment.is_deleted or not comment.written_by(actor):
        raise kind.not_found.error()
    if kind is PICK and _pick(runtime, post_id).status != APPROVAL:
        raise _not_approved("수정")
    _commit(
        lambda: runtime.comments.modify(comment, edit.contents, runtime.clock.now()),
        {COMMENT_DELETED: kind.not_found.error(), POST_UNAVAILABLE: _not_approved("수정")},
    )
    return {kind.id_field: comment.id}


def delete(runtime: Runtime, kind: Kind, actor: Actor, is_admin: bool, post_id: int, comment_id: int) -> dict[str, Any]:
    """``DELETE .../comments/{id}``: the author's own comment (of an APPROVAL pick), or any comment for an admin.
    Soft: the comment stays with the author's or the policy text."""
    if kind is TECH:
        _article(runtime, post_id)
    comment = runtime.comments.get(kind.name, post_id, comment_id)
    if comment is None or comment.is_deleted or not (is_admin or comment.written_by(actor)):
        raise kind.not_found.error()
    require_approval = kind is PICK and not is_admin
    if require_approval and _pick(runtime, post_id).status != APPROVAL:
        raise _not_approved("삭제")
    deleted_by = AUTHOR if comment.written_by(actor) else ADMIN
    _commit(
        lambda: runtime.comments.delete(
            comment, deleted_by=deleted_by, now=runtime.clock.now(), require_approved_pick=require_approval
        ),
        {COMMENT_DELETED: kind.not_found.error(), POST_UNAVAILABLE: _post_gone_on_delete(kind)},
    )
    return {kind.id_field: comment.id}


def recommend(runtime: Runtime, kind: Kind, member_id: int, post_id: int, comment_id: int) -> dict[str, Any]:
    """``POST .../comments/{id}/recommends`` (members): none → on, on → off, off → on; exact under concurrency."""
    if kind is TECH:
        _article(runtime, post_id)
    comment = _comment(runtime, kind, post_id, comment_id)
    if kind is PICK and _pick(runtime, post_id).status != APPROVAL:
        raise _not_approved("추천")
    deleted = kind.deleted_no_recommend.error(action="추천") if kind is PICK else kind.deleted_no_recommend.error()
    if comment.is_deleted:
        raise deleted

    def write(current: bool | None) -> dict[str, Any]:
        now = runtime.clock.now()
        count = runtime.comments.set_recommend(comment, member_id, not current, now, existed=current is not None)
        return {"isRecommended": not current, "recommendTotalCount": count}

    def on_condition(failed: ConditionFailed) -> None:
        if RECOMMEND_CHANGED in failed:
            return  # toggled concurrently (the count may look spent too): read again
        if POST_UNAVAILABLE in failed:
            raise _not_approved("추천") from None
        latest = runtime.comments.get(kind.name, post_id, comment_id)
        if latest is None or latest.is_deleted:
            raise deleted from None

    return toggle(lambda: runtime.comments.recommend_status(comment, member_id), write, on_condition=on_condition)


# Lists ------------------------------------------------------------------------------------------------------------


def _deleted_text(comment: Comment) -> str:
    if comment.deleted_by == AUTHOR:
        return AUTHOR_DELETED_TEXT
    if comment.deleted_by == ADMIN:
        return POLICY_DELETED_TEXT
    return UNKNOWN_DELETED_TEXT


class _Renderer:
    """Turns comments into the contract's items, with one BatchGet each for authors and anonymous authors;
    ``recommended``: the comments the caller recommends (read with the comments)."""

    def __init__(
        self,
        runtime: Runtime,
        kind: Kind,
        actor: Actor,
        comments: list[Comment],
        zone: ZoneInfo,
        pick: Pick | None,
        recommended: set[int],
    ) -> None:
        self.kind, self.actor, self.zone, self.pick = kind, actor, zone, pick
        member_ids = {i for c in comments for i in (c.member_id, c.parent_member_id) if i is not None}
        anonymous_ids = {
            i for c in comments for i in (c.anonymous_member_id, c.parent_anonymous_member_id) if i is not None
        }
        self.members = runtime.members.get_many(member_ids) if member_ids else {}
        self.anonymous = runtime.anonymous.get_many(anonymous_ids) if anonymous_ids else {}
        self.recommended = recommended

    def _member(self, comment: Comment) -> Member | None:
        return self.members.get(comment.member_id) if comment.member_id is not None else None

    def _nickname(self, member_id: int | None, anonymous_id: int | None) -> str | None:
        if member_id is not None:
            member = self.members.get(member_id)
            return member.nickname if member else None
        anonymous = self.anonymous.get(anonymous_id) if anonymous_id is not None else None
        return anonymous.nickname if anonymous else None

    @staticmethod
    def _author_id(comment: Comment) -> dict[str, int]:
        if comment.member_id is not None:
            return {"memberId": comment.member_id}
        return {"anonymousMemberId": comment.anonymous_member_id}  # type: ignore[dict-item]

    def _parent_author_id(self, reply: Comment) -> dict[str, int]:
        """The parent's author id, in the field of the parent's own kind (docs/rules.md#comments-pick-list)."""
        if reply.parent_member_id is not None:
            return {f"{self.kind.prefix}ParentCommentMemberId": reply.parent_member_id}
        return {f"{self.kind.prefix}ParentCommentAnonymousMemberId": reply.parent_anonymous_member_id}  # type: ignore[dict-item]

    def _common(self, comment: Comment) -> dict[str, Any]:
        member = self._member(comment)
        return {
            "author": self._nickname(comment.member_id, comment.anonymous_member_id),
            "maskedEmail": mask_email(member.email) if member else None,
            "contents": _deleted_text(comment) if comment.is_deleted else comment.contents,
            "isCommentAuthor": comment.written_by(self.actor),
            "isRecommended": comment.id in self.recommended,
            "isModified": comment.modified_at is not None,
            "isDeleted": comment.is_deleted,
            "createdAt": spaced_datetime(comment.created_at, self.zone),
        }

    def _of_pick_author(self, comment: Comment) -> bool:
        return self.pick is not None and comment.member_id is not None and comment.member_id == self.pick.member_id

    def item(self, comment: Comment, replies: list[Comment]) -> dict[str, Any]:
        common = self._common(comment)
        rendered = [self.reply(r) for r in replies]
        if self.kind is PICK:
            option = self.pick.option(comment.voted_option_type) if self.pick and comment.voted_option_type else None
            return {
                "pickCommentId": comment.id,
                "createdAt": common["createdAt"],
                **self._author_id(comment),
                "author": common["author"],
                "isCommentOfPickAuthor": self._of_pick_author(comment),
                "isCommentAuthor": common["isCommentAuthor"],
                "isRecommended": common["isRecommended"],
                "maskedEmail": common["maskedEmail"],
                "votedPickOption": comment.voted_option_type,
                "votedPickOptionTitle": option.title if option else None,
                "contents": common["contents"],
                "replyTotalCount": len(replies),
                "recommendTotalCount": comment.recommend_total_count,
                "isModified": common["isModified"],
                "isDeleted": common["isDeleted"],
                "replies": rendered,
            }
        return {
            "techCommentId": comment.id,
            **self._author_id(comment),
            "author": common["author"],
            "maskedEmail": common["maskedEmail"],
            "contents": common["contents"],
            "replyTotalCount": len(replies),  # replies shown, as for picks (docs/rules.md#comments-reply-count)
            "recommendTotalCount": comment.recommend_total_count,
            "isCommentAuthor": common["isCommentAuthor"],
            "isRecommended": common["isRecommended"],
            "isModified": common["isModified"],
            "isDeleted": common["isDeleted"],
            "replies": rendered,
            "createdAt": common["createdAt"],
        }

    def reply(self, reply: Comment) -> dict[str, Any]:
        common = self._common(reply)
        p = self.kind.prefix
        parent_author = self._nickname(reply.parent_member_id, reply.parent_anonymous_member_id)
        if self.kind is PICK:
            return {
                "pickCommentId": reply.id,
                **self._author_id(reply),
                **self._parent_author_id(reply),
                "pickParentCommentId": reply.parent_id,
                "pickOriginParentCommentId": reply.origin_id,
                "createdAt": common["createdAt"],
                "isCommentOfPickAuthor": self._of_pick_author(reply),
                "isCommentAuthor": common["isCommentAuthor"],
                "isRecommended": common["isRecommended"],
                "pickParentCommentAuthor": parent_author,
                "author": common["author"],
                "maskedEmail": common["maskedEmail"],
                "contents": common["contents"],
                "recommendTotalCount": reply.recommend_total_count,
                "isModified": common["isModified"],
                "isDeleted": common["isDeleted"],
            }
        return {
            "techCommentId": reply.id,
            **self._author_id(reply),
            **self._parent_author_id(reply),
            f"{p}ParentCommentId": reply.parent_id,
            f"{p}OriginParentCommentId": reply.origin_id,
            "isCommentAuthor": common["isCommentAuthor"],
            "isRecommended": common["isRecommended"],
            f"{p}ParentCommentAuthor": parent_author,
            "author": common["author"],
            "maskedEmail": common["maskedEmail"],
            "contents": common["contents"],
            "recommendTotalCount": reply.recommend_total_count,
            "isDeleted": common["isDeleted"],
            "isModified": common["isModified"],
            "createdAt": common["createdAt"],
        }


def _with_replies(
    runtime: Runtime,
    kind: Kind,
    actor: Actor,
    comments: list[Comment],
    zone: ZoneInfo,
    pick: Pick | None,
    recommended: set[int],
) -> list[dict[str, Any]]:
    """The comments rendered with their replies; ``recommended``: which of them the caller recommends (read with
    them; the replies' are read with the replies)."""
    replies, recommended_replies = runtime.comments.replies(kind.name, comments, actor.member_id)
    everything = comments + [r for thread in replies.values() for r in thread]
    renderer = _Renderer(runtime, kind, actor, everything, zone, pick, recommended | recommended_replies)
    return [renderer.item(c, replies.get(c.id, [])) for c in comments]


def _empty_comment_page(kind: Kind, size: int) -> dict[str, Any]:
    return slice_page(
        [], size=size, has_next=False, sorted_by_id=kind is PICK, total_elements=0, total_origin_parent_comments=0
    )


def list_comments(
    runtime: Runtime, kind: Kind, actor: Actor, post_id: int, query: CommentQuery, zone: ZoneInfo
) -> dict[str, Any]:
    """``GET .../comments``: a page of top-level comments (deleted ones included), each with all its replies,
    oldest first. A pick that is missing or not APPROVAL, or a missing article, has an empty page."""
    size = query.size
    types = sorted(set(query.option_types))
    pick = runtime.picks.get(post_id) if kind is PICK else None
    if kind is PICK:
        if pick is None or pick.status != APPROVAL:
            return _empty_comment_page(kind, size)
        post_total, origins = pick.comment_total_count, pick.origin_comment_count
        if types:
            post_total = sum(
                pick.first_option_comments if t == OPTION_TYPES[0] else pick.second_option_comments for t in types
            )
    else:
        article = runtime.articles.get(post_id)
        if article is None:
            return _empty_comment_page(kind, size)
        post_total, origins = article.comment_total_count, article.origin_comment_count
    comments, has_next, recommended = runtime.comments.page(
        kind.name, post_id, query.sort, query.cursor, size, types, actor.member_id
    )
    if not comments:
        return _empty_comment_page(kind, size)
    content = _with_replies(runtime, kind, actor, comments, zone, pick, recommended)
    return slice_page(
        content,
        size=size,
        has_next=has_next,
        sorted_by_id=kind is PICK,
        total_elements=post_total,
        total_origin_parent_comments=origins,
    )


def best_comments(
    runtime: Runtime, kind: Kind, actor: Actor, post_id: int, size: int, zone: ZoneInfo
) -> list[dict[str, Any]]:
    """``GET .../comments/best``: top-level comments that are not deleted with at least one recommend, most
    recommended first, each with all its replies (deleted ones included)."""
    pick = runtime.picks.get(post_id) if kind is PICK else None
    if kind is PICK and (pick is None or pick.status != APPROVAL):
        return []
    comments, recommended = runtime.comments.best(kind.name, post_id, size, actor.member_id)
    return _with_replies(runtime, kind, actor, comments, zone, pick, recommended) if comments else []


# My comments ------------------------------------------------------------------------------------------------------


class CommentFilter(Enum):
    ALL = "ALL"
    PICK = "PICK"
    TECH_ARTICLE = "TECH_ARTICLE"


def _member_comments(
    runtime: Runtime, member_id: int, kind: str, cursor: int | None, need: int, keep: Callable[[Any], bool]
) -> tuple[list[tuple[Comment, Any]], bool]:
    """Up to ``need`` of the member's comments of ``kind`` below ``cursor``, newest first, each with its post,
    skipping those whose post ``keep`` refuses; (found, whether the index has more)."""
    found: list[tuple[Comment, Any]] = []
    more = True
    while len(found) < need and more:
        comments, more = runtime.comments.member_page(member_id, kind, cursor, need - len(found))
        if not comments:
            break
        posts = (runtime.picks.get_many if kind == PICK_COMMENTS else runtime.articles.get_many)(
            {c.post_id for c in comments}
        )
        found += [(c, posts[c.post_id]) for c in comments if c.post_id in posts and keep(posts[c.post_id])]
        cursor = comments[-1].id
    return found, more


def my_comments(
    runtime: Runtime,
    member: Member,
    comment_filter: CommentFilter,
    pick_cursor: int | None,
    tech_cursor: int | None,
    size: int,
    zone: ZoneInfo,
) -> dict[str, Any]:
    """``GET /mypage/comments``: the member's pick and tech comments that are not deleted (replies included), merged
    newest first; each kind pages with its own cursor. ``last`` is exact: each kind reads one ahead."""
    rows: list[tuple[Comment, Any]] = []
    total = 0
    if comment_filter is not CommentFilter.TECH_ARTICLE:
        approved_only = comment_filter is CommentFilter.PICK
        found, _ = _member_comments(
            runtime,
            member.id,
            PICK_COMMENTS,
            pick_cursor,
            size + 1,
            lambda pick: pick.status == APPROVAL if approved_only else pick.status != DELETING,
        )
        rows += found
        total += member.pick_comment_count
    if comment_filter is not CommentFilter.PICK:
        found, _ = _member_comments(runtime, member.id, TECH_COMMENTS, tech_cursor, size + 1, lambda _: True)
        rows += found
        total += member.tech_comment_count
    rows.sort(key=lambda row: (row[0].created_at, row[0].id), reverse=True)
    has_next = len(rows) > size  # each kind read size + 1 (or all it had), so one more row means another page
    content = [_my_comment(comment, post, zone) for comment, post in rows[:size]]
    return slice_page(content, size=size, has_next=has_next, total_elements=total)


def _my_comment(comment: Comment, post: Any, zone: ZoneInfo) -> dict[str, Any]:
    comment_type = "PICK" if comment.kind == PICK_COMMENTS else "TECH"
    option = post.option(comment.voted_option_type) if comment_type == "PICK" and comment.voted_option_type else None
    return {
        "uniqueCommentId": f"{comment_type}_{post.id}_{comment.id}",
        "postId": post.id,
        "postTitle": post.title,
        "commentId": comment.id,
        "commentType": comment_type,
        "commentContents": comment.contents,
        "commentRecommendTotalCount": comment.recommend_total_count,
        "commentCreatedAt": spaced_datetime(comment.created_at, zone),
        "pickOptionTitle": option.title if option else None,
        "pickOptionType": comment.voted_option_type if option else None,
    }
