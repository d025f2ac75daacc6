"""Blames (신고): the reasons, and blaming a pick, a pick comment or a tech comment (docs/rules.md#blames: one blame per
member and target, enforced by the write's condition; a body naming no target is a 400)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from devdevdev.domain.errors import ApiError, Errors, bad_request
from devdevdev.domain.text import is_blank
from devdevdev.services.comments import PICK, TECH
from devdevdev.store.blames import ALREADY_BLAMED, BlameTarget
from devdevdev.store.comments import Comment
from devdevdev.store.picks import APPROVAL, DELETING
from devdevdev.store.transactions import ConditionFailed, Contended, Writes

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime

PATH_TYPES = ("PICK", "TECH_ARTICLE")
CUSTOM_REASON = "기타"  # only this reason keeps the member's own words
CUSTOM_REASON_MAX = 100

Count = Callable[[Writes], None]  # adds +1 to the target's blame count inside the blame's transaction


@dataclass(frozen=True)
class BlameInput:
    """A blame as the request names it: what is blamed, the reason's id and the member's own words (as sent)."""

    target: BlameTarget
    blame_type_id: int
    custom_reason: str | None = None


def blame_types(runtime: Runtime) -> list[dict[str, Any]]:
    """``GET /blames``: every reason by sortOrder."""
    return [{"id": t.id, "reason": t.reason, "sortOrder": t.sort_order} for t in runtime.blames.types()]


def blame(runtime: Runtime, member_id: int, request: BlameInput) -> dict[str, Any]:
    """``POST /blames/{PICK|TECH_ARTICLE}``: after the request's own checks (path, reason id, target), the checks in
    the documented order (duplicate, target state, reason), then the blame and the target's blame count in one
    transaction."""
    target = request.target
    if runtime.blames.exists(member_id, target):
        raise Errors.ALREADY_BLAMED.error()
    count, failures = _target(runtime, target)
    blame_type = runtime.blames.type_of(request.blame_type_id)
    if blame_type is None:
        raise Errors.BLAME_TYPE_NOT_FOUND.error()
    custom = request.custom_reason
    reason = (
        custom.strip() if custom is not None and blame_type.reason == CUSTOM_REASON and not is_blank(custom) else None
    )
    if reason is not None and len(reason) > CUSTOM_REASON_MAX:
        raise bad_request(f"customReason 값은 {CUSTOM_REASON_MAX}자를 넘을 수 없습니다.")
    blame_id = runtime.ids.next_id("blame")
    try:
        runtime.blames.add(blame_id, member_id, target, blame_type.id, reason, runtime.clock.now(), count)
    except ConditionFailed as failed:
        if ALREADY_BLAMED in failed:  # whatever else failed with it: the member's duplicate comes first
            raise Errors.ALREADY_BLAMED.error() from None
        raise failures from None  # the target's own condition: it changed since it was checked
    except Contended:
        raise Errors.TEMPORARY_FAILURE.error() from None
    return {"blameId": blame_id}


def _target(runtime: Runtime, target: BlameTarget) -> tuple[Count, ApiError]:
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


def _comment_counter(runtime: Runtime, comment: Comment, deleted: ApiError) -> Count:
    if comment.is_deleted:
        raise deleted
    return lambda write: runtime.comments.count_blame(write, comment)
