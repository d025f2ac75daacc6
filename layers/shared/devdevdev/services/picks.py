"""Picks (픽픽픽): lists, detail, create, modify, delete, votes and moderation (docs/rules.md#picks).

Every function takes the runtime (repositories and ports) and already-parsed input; it returns the ``data`` of the
response or raises an :class:`~devdevdev.domain.errors.ApiError` from the catalogue.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from devdevdev.domain.errors import Errors, ErrorSpec, bad_request
from devdevdev.domain.slices import slice_page
from devdevdev.domain.timefmt import spaced_datetime
from devdevdev.masking import mask_email
from devdevdev.services import pick_images
from devdevdev.storage.images import StorageUnavailable
from devdevdev.store.members import Actor
from devdevdev.store.picks import (
    APPROVAL,
    DELETING,
    IMAGE_TAKEN,
    PICK_CHANGED,
    PICK_DELETING,
    READY,
    REJECT,
    OptionDraft,
    Pick,
    PickOption,
    PickSort,
    Vote,
)
from devdevdev.store.transactions import ConditionFailed, Contended

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime

log = logging.getLogger(__name__)

TITLE_MAX = 150
CONTENT_MAX = 30000
IMAGES_PER_OPTION_MAX = 3
VOTE_ATTEMPTS = 20
MODERATION_STATUSES = (APPROVAL, REJECT)


def percent(votes: int, total: int) -> int:
    """``round_half_up(votes / total, 2) * 100`` as an int; 0 when nobody voted (docs/rules.md#picks-percent: 1/3 → 33,
    2/3 → 67)."""
    if total <= 0:
        return 0
    return int((Decimal(votes) / Decimal(total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)


# Lists ------------------------------------------------------------------------------------------------------------


def _main_item(pick: Pick, vote: Vote | None, *, with_score: bool = True, with_status: bool = False) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": pick.id,
        "title": pick.title,
        "voteTotalCount": pick.vote_total_count,
        "commentTotalCount": pick.comment_total_count,
        "viewTotalCount": pick.view_total_count,
    }
    if with_score:
        item["popularScore"] = pick.popular_score
    item["isVoted"] = vote is not None
    if with_status:
        item["contentStatus"] = pick.status
    item["pickOptions"] = [
        {
            "id": option.id,
            "title": option.title,
            "percent": percent(option.votes, pick.vote_total_count),
            "isPicked": vote is not None and vote.option_id == option.id,
        }
        for option in pick.options
    ]
    return item


def list_picks(runtime: Runtime, actor: Actor, sort: PickSort, cursor: int | None, size: int) -> dict[str, Any]:
    """``GET /picks``: APPROVAL picks in ``sort`` order after the cursor pick, with the caller's votes."""
    picks, has_next, votes = runtime.picks.page(sort, cursor, size, actor.key)
    content = [_main_item(p, votes.get(p.id)) for p in picks]
    return slice_page(content, size=size, has_next=has_next, sorted_by_id=True)


def my_picks(runtime: Runtime, member_id: int, pick_total_count: int, cursor: int | None, size: int) -> dict[str, Any]:
    """``GET /mypage/picks``: the member's own picks in every status, newest first, with their own votes."""
    picks, has_next, votes = runtime.picks.member_page(member_id, cursor, size)
    content = [_main_item(p, votes.get(p.id), with_score=False, with_status=True) for p in picks]
    return slice_page(content, size=size, has_next=has_next, sorted_by_id=True, total_elements=pick_total_count)


# Detail -----------------------------------------------------------------------------------------------------------


def _visible(runtime: Runtime, pick_id: int, not_found: ErrorSpec = Errors.PICK_NOT_FOUND) -> Pick:
    pick = runtime.picks.get(pick_id)
    if pick is None or pick.status == DELETING:
        raise not_found.error()
    return pick


def pick_detail(runtime: Runtime, actor: Actor, pick_id: int, zone: ZoneInfo) -> dict[str, Any]:
    """``GET /picks/{pickId}``: +1 view (and its popular score) per call; 404 missing, 400 not APPROVAL."""
    pick = runtime.picks.record_view(pick_id, runtime.clock.now())
    if pick is None:
        _visible(runtime, pick_id)
        raise Errors.PICK_NOT_APPROVED.error()
    author = runtime.members.get_many({pick.member_id}).get(pick.member_id)
    vote = runtime.picks.vote_of(pick.id, actor.key)

    def option(o: PickOption) -> dict[str, Any]:
        return {
            "id": o.id,
            "title": o.title,
            "isPicked": vote is not None and vote.option_id == o.id,
            "percent": percent(o.votes, pick.vote_total_count),
            "content": o.content or None,
            "voteTotalCount": o.votes,
            "pickDetailOptionImages": [{"id": i.id, "imageUrl": i.url} for i in o.images],
        }

    return {
        "userId": mask_email(author.email) if author else None,
        "nickname": author.nickname if author else None,
        "pickCreatedAt": spaced_datetime(pick.created_at, zone),
        "pickTitle": pick.title,
        "isAuthor": actor.member_id is not None and actor.member_id == pick.member_id,
        "isVoted": vote is not None,
        "pickOptions": {o.type: option(o) for o in pick.options},
    }


# Votes ------------------------------------------------------------------------------------------------------------


def _vote_result(pick: Pick, voted: PickOption, vote_id: int) -> dict[str, Any]:
    return {
        "pickId": pick.id,
        "votePickOptions": [
            {
                "pickOptionId": o.id,
                "pickVoteId": vote_id if o.id == voted.id else None,
                "voteTotalCount": o.votes,
                "percent": percent(o.votes, pick.vote_total_count),
                "isPicked": o.id == voted.id,
            }
            for o in pick.options
        ],
    }


@dataclass(frozen=True)
class VoteInput:
    """A vote request: the pick and the option voted for."""

    pick_id: int
    option_id: int


def vote(runtime: Runtime, actor: Actor, request: VoteInput) -> dict[str, Any]:
    """``POST /picks/vote``: a first vote, or a switch to the other option; the same option again → 400.

    The pick must be APPROVAL and the option one of its own. Exact under concurrency: the vote item and the
    counters change in one transaction whose conditions re-check what was read. Whichever condition fails
    (the vote changed, the pick left APPROVAL or was deleted, the old option has no vote to give back), the vote
    is read and decided again, so what the voter reads comes from that decision, never from which write failed."""
    pick_id, option_id = request.pick_id, request.option_id
    vote_id: int | None = None
    for attempt in range(VOTE_ATTEMPTS):
        if attempt:
            time.sleep(random.uniform(0, 0.02))  # the same voter voted concurrently: read again, a little later
        pick = _visible(runtime, pick_id)
        if pick.status != APPROVAL:
            raise Errors.PICK_NOT_APPROVED.error()
        option = pick.option_by_id(option_id)
        if option is None:
            raise Errors.PICK_VOTE_NOT_FOUND.error()
        previous = runtime.picks.vote_of(pick.id, actor.key)
        if previous is not None and previous.option_id == option.id:
            raise Errors.PICK_VOTE_SAME_OPTION.error()
        vote_id = vote_id or runtime.ids.next_id("pick_vote")
        now = runtime.clock.now()
        try:
            if previous is None:
                runtime.picks.first_vote(pick, actor, option, vote_id, now)
            else:
                runtime.picks.switch_vote(pick, actor.key, previous, option, vote_id, now)
        except ConditionFailed:
            continue  # VOTE_CHANGED, PICK_NOT_APPROVAL, NO_VOTE_TO_MOVE: read again and decide again
        except Contended:
            raise Errors.TEMPORARY_FAILURE.error() from None
        after = runtime.picks.get(pick.id) or pick
        return _vote_result(after, after.option(option.type), vote_id)
    raise Errors.TEMPORARY_FAILURE.error()


# Create and modify ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PickOptionInput:
    """One option as its author wrote it (``id``: the option's id, given when modifying)."""

    type: str
    id: int | None
    title: str
    content: str | None
    image_ids: tuple[int, ...]


@dataclass(frozen=True)
class PickMessages:
    """The validation messages of a pick's body differ between create and modify (upstream's two request
    classes)."""

    title_required: ErrorSpec
    option_title_required: ErrorSpec
    option_id_required: bool


CREATE = PickMessages(Errors.TITLE_REQUIRED, Errors.OPTION_TITLE_REQUIRED, option_id_required=False)
MODIFY = PickMessages(Errors.PICK_TITLE_REQUIRED, Errors.PICK_OPTION_TITLE_REQUIRED, option_id_required=True)


@dataclass(frozen=True)
class NewPick:
    """A pick's title and both options (first, second), as a create or modify request gives them."""

    title: str
    options: tuple[PickOptionInput, PickOptionInput]


def create_pick(runtime: Runtime, member_id: int, new: NewPick) -> dict[str, Any]:
    """``POST /picks``: READY, or APPROVAL at once where the stage approves new picks."""
    title, options = new.title, new.options
    wanted = [i for o in options for i in o.image_ids]
    images = pick_images.usable_images(runtime, member_id, wanted, pick_id=None)
    pick_id = runtime.ids.next_id("pick")
    option_ids = runtime.ids.next_ids("pick_option", 2)
    drafts = tuple(
        OptionDraft(o.type, option_id, o.title, o.content, tuple(images[i] for i in o.image_ids))
        for o, option_id in zip(options, option_ids, strict=True)
    )
    status = APPROVAL if runtime.settings.auto_approve_picks else READY
    try:
        with pick_images.attaching(runtime, [images[i] for i in wanted]):
            runtime.picks.create(
                pick_id=pick_id,
                title=title,
                member_id=member_id,
                status=status,
                options=drafts,  # type: ignore[arg-type]
                now=runtime.clock.now(),
            )
    except ConditionFailed as failed:
        if IMAGE_TAKEN in failed:
            raise Errors.PICK_OPTION_IMAGE_NOT_FOUND.error() from None  # an image was taken or deleted meanwhile
        raise Errors.TEMPORARY_FAILURE.error() from None  # a fresh id taken, or the author's item missing
    except (Contended, StorageUnavailable):
        raise Errors.TEMPORARY_FAILURE.error() from None
    return {"pickId": pick_id}


def modify_pick(runtime: Runtime, member_id: int, pick_id: int, new: NewPick) -> dict[str, Any]:
    """``PATCH /picks/{pickId}``: the author replaces the title and options; each option's images become exactly
    the ids given (new ones attached, missing ones released to their uploader)."""
    title, options = new.title, new.options
    for _ in range(5):
        pick = _visible(runtime, pick_id, Errors.PICK_NOT_FOUND_FOR_MODIFY)
        if pick.member_id != member_id:
            raise Errors.PICK_NOT_AUTHOR.error()
        for o in options:
            if pick.option(o.type).id != o.id:
                raise bad_request(f"{o.type}의 pickOptionId가 이 픽픽픽의 선택지가 아닙니다.")
        current = {i.id: i for option in pick.options for i in option.images}
        new_ids = [i for o in options for i in o.image_ids if i not in current]
        refs = {**current, **pick_images.usable_images(runtime, member_id, new_ids, pick_id=pick.id)}
        drafts = tuple(
            OptionDraft(o.type, o.id or 0, o.title, o.content, tuple(refs[i] for i in o.image_ids)) for o in options
        )
        released = [current[i] for i in sorted(pick.image_ids - {i for o in options for i in o.image_ids})]
        try:
            with pick_images.attaching(runtime, [refs[i] for i in new_ids]):
                runtime.picks.update_content(
                    pick,
                    title=title,
                    options=drafts,  # type: ignore[arg-type]
                    member_id=member_id,
                    detach_expires_at=pick_images.expiry(runtime),
                    now=runtime.clock.now(),
                )
        except ConditionFailed as failed:
            if PICK_CHANGED in failed:
                continue  # the pick changed meanwhile: read it again
            raise Errors.PICK_OPTION_IMAGE_NOT_FOUND.error() from None  # IMAGE_TAKEN, IMAGE_NOT_ON_PICK
        except (Contended, StorageUnavailable):
            raise Errors.TEMPORARY_FAILURE.error() from None
        pick_images.release_tags(runtime, released)
        return {"pickId": pick.id}
    raise Errors.TEMPORARY_FAILURE.error()


# Delete and moderation --------------------------------------------------------------------------------------------


def delete_pick(runtime: Runtime, member_id: int, pick_id: int) -> None:
    """``DELETE /picks/{pickId}`` (author only; anyone else → 404 as upstream).

    First the pick disappears from every list and lookup in one transaction; then its votes, comments and
    recommends, its images and their S3 objects are deleted, and the pick item last. An interruption leaves an
    invisible pick that the author's next DELETE finishes."""
    pick = runtime.picks.get(pick_id)
    if pick is None or pick.member_id != member_id:
        raise Errors.PICK_NOT_FOUND.error()
    try:
        if pick.status != DELETING:
            _begin_delete(runtime, pick)
        runtime.picks.delete_contents(pick)
        images = [image for option in pick.options for image in option.images]
        runtime.images.delete([image.key for image in images])
        runtime.pick_images.delete(image.id for image in images)
        runtime.picks.finish_delete(pick.id)
    except (Contended, StorageUnavailable):
        raise Errors.TEMPORARY_FAILURE.error() from None


def _begin_delete(runtime: Runtime, pick: Pick) -> None:
    try:
        runtime.picks.begin_delete(pick)
    except ConditionFailed as failed:
        if PICK_DELETING in failed:
            return  # a concurrent DELETE started first: finishing twice is fine
        raise Errors.TEMPORARY_FAILURE.error() from None  # MEMBER_GONE: the author's item is missing


def moderate(runtime: Runtime, pick_id: int, status: str) -> dict[str, Any]:
    """``PATCH /picks/{pickId}/status`` (admins): APPROVAL lists the pick, REJECT takes it out of the lists.
    ``status`` is one of :data:`MODERATION_STATUSES`."""
    try:
        pick = runtime.picks.set_status(pick_id, status)
    except Contended:
        raise Errors.TEMPORARY_FAILURE.error() from None
    if pick is None:
        raise Errors.PICK_NOT_FOUND.error()
    return {"pickId": pick.id, "contentStatus": pick.status}
