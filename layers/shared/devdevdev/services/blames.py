"""Blames (신고): the reasons, and blaming a pick, a pick comment or a tech comment (docs/rules.md#blames: one blame per
member and target, enforced by the write's condition; a body naming no target is a 400)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from devdevdev.domain.errors import Errors, bad_request
from devdevdev.domain.parsing import parse_int
from devdevdev.domain.text import is_blank
from devdevdev.services.comments import PICK, TECH
from devdevdev.store.blames import BlameTarget
from devdevdev.store.comments import Comment
from devdevdev.store.picks import APPROVAL, DELETING
from devdevdev.store.transactions import ConditionFailed, Contended

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime

PATH_TYPES = ("PICK", "TECH_ARTICLE")
CUSTOM_REASON = "기타"  # only this reason keeps the member's own words
CUSTOM_REASON_MAX = 100


def blame_types(runtime: Runtime) -> list[dict[str, Any]]:
    """``GET /blames``: every reason by sortOrder."""
    return [{"id": t.id, "reason": t.reason, "sortOrder": t.sort_order} for t in runtime.blames.types()]


def _ids(body: dict[str, Any]) -> dict[str, int | None]:
    return {
        name: parse_int(body.get(name), name, minimum=1)
        for name in ("pickId", "pickCommentId", "techArticleId", "techArticleCommentId", "blameTypeId")
    }


def blame(runtime: Runtime, member_id: int, path_type: str, body: dict[str, Any]) -> dict[str, Any]:
    """``POST /blames/{PICK|TECH_ARTICLE}``: checks in the documented order (path, reason id, target, duplicate,
    target state, reason), then the blame and the target's blame count in one transaction."""
    if path_type not in PATH_TYPES:
        raise Errors.BLAME_PATH_INVALID.error()
    ids = _ids(body)
    if ids["blameTypeId"] is None:
        raise Errors.BLAME_TYPE_ID_REQUIRED.error()
    custom = body.get("customReason")
    if custom is not None and not isinstance(custom, str):
        raise bad_request("customReason 값은 문자열이어야 합니다.")
    if path_type == "PICK":
        if ids["techArticleId"] is not None or ids["techArticleCommentId"] is not None:
            raise Errors.PICK_BAD_ACCESS.error()
        if ids["pickId"] is None:
            raise Errors.PICK_ID_REQUIRED.error()
        pick_id, comment_id = ids["pickId"], ids["pickCommentId"]
        target = (
            BlameTarget(f"PICK#{pick_id}", pick_id=pick_id)
            if comment_id is None
            else BlameTarget(f"PICK_COMMENT#{pick_id}#{comment_id}", pick_id=pick_id, pick_comment_id=comment_id)
        )
    else:
        if ids["pickId"] is not None or ids["pickCommentId"] is not None:
            raise bad_request("기술블로그 신고에는 pickId, pickCommentId를 보낼 수 없습니다.")
        article_id, comment_id = ids["techArticleId"], ids["techArticleCommentId"]
        if article_id is None or comment_id is None:
            raise bad_request("기술블로그 댓글 신고에는 techArticleId와 techArticleCommentId가 필요합니다.")
        target = BlameTarget(
            f"TECH_COMMENT#{article_id}#{comment_id}", tech_article_id=article_id, tech_comment_id=comment_id
        )
    if runtime.blames.exists(member_id, target):
        raise Errors.ALREADY_BLAMED.error()
    count, failures = _target(runtime, target)
    blame_type = runtime.blames.type_of(ids["blameTypeId"])  # type: ignore[arg-type]
    if blame_type is None:
        raise Errors.BLAME_TYPE_NOT_FOUND.error()
    reason = custom.strip() if blame_type.reason == CUSTOM_REASON and not is_blank(custom) else None
    if reason is not None and len(reason) > CUSTOM_REASON_MAX:
        raise bad_request(f"customReason 값은 {CUSTOM_REASON_MAX}자를 넘을 수 없습니다.")
    blame_id = runtime.ids.next_id("blame")
    try:
        runtime.blames.add(blame_id, member_id, target, blame_type.id, reason, runtime.clock.now(), count)
    except ConditionFailed as failed:
        if 0 in failed.failed:
            raise Errors.ALREADY_BLAMED.error() from None
        raise failures from None
    except Contended:
        raise Errors.TEMPORARY_FAILURE.error() from None
    return {"blameId": blame_id}


def _target(runtime: Runtime, target: BlameTarget) -> tuple[Any, Exception]:
    """Check the blamed target now; return how the transaction counts it and the error if it changes meanwhile."""
    if target.pick_id is not None:
        pick = runtime.picks.get(target.pick_id)
        if pick is None or pick.status == DELETING:
            raise Errors.PICK_NOT_FOUND.error()
        not_approved = Errors.PICK_NOT_APPROVED_FOR_COMMENT.error(action="삭제")  # the contract's text for this case
        if target.pick_comment_id is None:
            if pick.status != APPROVAL:
                raise not_approved
            return (lambda write: runtime.picks.count_blame(write, pick.id)), not_approved
        comment = runtime.comments.get(PICK.name, pick.id, target.pick_comment_id)
        if comment is None:
            raise Errors.PICK_COMMENT_NOT_FOUND.error()
        if pick.status != APPROVAL:
            raise not_approved
        deleted = Errors.PICK_COMMENT_DELETED_NO_ACTION.error(action="신고")
        return _comment_counter(runtime, comment, deleted), deleted
    assert target.tech_article_id is not None and target.tech_comment_id is not None
    comment = runtime.comments.get(TECH.name, target.tech_article_id, target.tech_comment_id)
    if comment is None:
        raise Errors.TECH_COMMENT_NOT_FOUND.error()
    deleted = Errors.TECH_COMMENT_DELETED_NO_BLAME.error()
    return _comment_counter(runtime, comment, deleted), deleted


def _comment_counter(runtime: Runtime, comment: Comment, deleted: Exception) -> Any:
    if comment.is_deleted:
        raise deleted
    return lambda write: runtime.comments.count_blame(write, comment)
