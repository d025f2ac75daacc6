"""Picks, their options, votes and attached images.

A pick is one item holding both options and its counters. The lists are GSI1 LATEST (id), GSI2 POPULAR
(4·comments + 4·votes + 2·views), GSI3 MOST_VIEWED, GSI4 MOST_COMMENTED (``value * 10^16 + id``), only while the pick
is APPROVAL (the partition key attribute is present only then); GSI5 the author's own picks, every status.
Votes live in the pick's partition, one item per voter, so "one active vote per voter" is the item key.

Views are cheap counters (docs/decisions.md): a view adds 1 to the pick's view counter (``PICK#<id>/VIEWS``,
1 KB, in no index) and nothing else. Every read shows the exact count: the pick's ``viewTotalCount`` plus the
counter's views not folded in yet. A view *folds* them into the pick (count, popular score, the GSI2 and GSI3 sort
keys, in one conditional update) once :data:`FOLD_VIEWS` wait, or when the pick's last fold is :data:`FOLD_AGE` old
and anything moved since. Votes and comments move the popular score at once but not GSI2's key: the fold re-keys it.
So the POPULAR and MOST_VIEWED orders lag the shown values by fewer than :data:`FOLD_VIEWS` views (plus the
views in flight when a fold loses a race), and by what changed within :data:`FOLD_AGE` before the pick's latest
view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.update import Action

from devdevdev.store import keys
from devdevdev.store.comments import CommentRepository
from devdevdev.store.embeddings import PickEmbeddingRepository, relist, request_item
from devdevdev.store.errors import is_condition_failure
from devdevdev.store.members import Actor
from devdevdev.store.models import (
    ImageRefAttribute,
    MemberItem,
    PickImageItem,
    PickItem,
    PickOptionAttribute,
    PickVoteItem,
    TableModel,
    ViewCounterItem,
)
from devdevdev.store.pages import Found, Key, Wanted, batch_get, query_page
from devdevdev.store.transactions import ConditionFailed, Contended, Writes, commit

APPROVAL, READY, REJECT = "APPROVAL", "READY", "REJECT"
DELETING = "DELETING"  # being deleted: invisible everywhere, finished by the next DELETE
FIRST, SECOND = "firstPickOption", "secondPickOption"
OPTION_TYPES = (FIRST, SECOND)
S = keys.SCORE_SHIFT

# Popular-score weights (docs/rules.md#picks-popular-score).
COMMENT_WEIGHT, VOTE_WEIGHT, VIEW_WEIGHT = 4, 4, 2
# When a view folds the waiting views (and the votes and comments since) into the pick's list sort keys.
FOLD_VIEWS = 10
FOLD_AGE = timedelta(minutes=5)

# What a failed condition of a pick's transaction means (``ConditionFailed.reasons``; each write names its own).
VOTE_CHANGED = "vote-changed"  # the voter's vote is not what was read (a concurrent vote of the same voter)
PICK_NOT_APPROVAL = "pick-not-approval"  # the pick is not (or no longer) APPROVAL, or is gone
NO_VOTE_TO_MOVE = "no-vote-to-move"  # a switch: not APPROVAL, or the old option has no vote to give back
PICK_CHANGED = "pick-changed"  # the pick is not the revision that was read (modified, or being deleted)
PICK_GONE = "pick-gone"  # no such pick, or it is being deleted
PICK_DELETING = "pick-deleting"  # already being deleted (or not the author's)
PICK_EXISTS = "pick-exists"  # the new pick's id is taken
MEMBER_GONE = "member-gone"  # the author's member item is missing
IMAGE_TAKEN = "image-taken"  # an image is not the author's, or another pick uses it
IMAGE_NOT_ON_PICK = "image-not-on-pick"  # an image to release is no longer on the pick


class PickSort(Enum):
    """The orders of ``GET /picks``: each is an index whose sort key is that order."""

    LATEST = "GSI1"
    POPULAR = "GSI2"
    MOST_VIEWED = "GSI3"
    MOST_COMMENTED = "GSI4"


@dataclass(frozen=True)
class ImageRef:
    id: int
    url: str
    key: str


@dataclass(frozen=True)
class PickOption:
    type: str
    id: int
    title: str
    content: str | None
    votes: int
    images: tuple[ImageRef, ...] = ()


@dataclass(frozen=True)
class Pick:
    id: int
    title: str
    member_id: int
    status: str
    first: PickOption
    second: PickOption
    vote_total_count: int
    view_total_count: int
    comment_total_count: int
    popular_score: int
    created_at: datetime
    revision: int = 0
    origin_comment_count: int = 0  # top-level comments not deleted
    first_option_comments: int = 0  # comments under the pick-option filter (top-level public ones and their replies)
    second_option_comments: int = 0
    pending_views: int = 0  # counted views not yet folded into the sort keys (included in the two counts above)
    views_folded: int = 0  # how many of the view counter's views the pick item holds
    folded_at: datetime | None = None
    popular_key: int | None = None  # GSI2's sort key as last folded

    @property
    def fold_drift(self) -> bool:
        """Whether the POPULAR sort key lags the popular score (views waiting, or votes and comments since)."""
        return self.popular_key != keys.ranked(self.popular_score, self.id)

    @property
    def options(self) -> tuple[PickOption, PickOption]:
        return self.first, self.second

    def option(self, option_type: str) -> PickOption:
        return self.first if option_type == FIRST else self.second

    def option_by_id(self, option_id: int) -> PickOption | None:
        return next((o for o in self.options if o.id == option_id), None)

    @property
    def image_ids(self) -> set[int]:
        return {image.id for option in self.options for image in option.images}


@dataclass(frozen=True)
class Vote:
    id: int
    option_type: str
    option_id: int


@dataclass(frozen=True)
class OptionDraft:
    """An option as written by its author; ``images`` in display order."""

    type: str
    id: int
    title: str
    content: str | None
    images: tuple[ImageRef, ...] = ()


def _option(item: PickOptionAttribute, option_type: str, votes: float) -> PickOption:
    images = tuple(ImageRef(int(i.image_id), i.image_url, i.image_key) for i in (item.images or []))
    return PickOption(option_type, int(item.option_id), item.title, item.content, int(votes), images)


def _pick(item: PickItem, counted_views: int | None = None) -> Pick:
    """The pick of an item; with its view counter's ``counted_views``, its counts include the views not folded yet."""
    views_folded = int(item.views_folded or 0)
    pending = max(0, int(counted_views) - views_folded) if counted_views is not None else 0
    return Pick(
        id=int(item.pick_id),
        title=item.title,
        member_id=int(item.member_id),
        status=item.content_status,
        first=_option(item.first_option, FIRST, item.first_option_votes),
        second=_option(item.second_option, SECOND, item.second_option_votes),
        vote_total_count=int(item.vote_total_count),
        view_total_count=int(item.view_total_count) + pending,
        comment_total_count=int(item.comment_total_count),
        popular_score=int(item.popular_score) + VIEW_WEIGHT * pending,
        created_at=item.created_at,
        revision=int(item.revision or 0),
        origin_comment_count=int(item.origin_comment_count or 0),
        first_option_comments=int(item.first_option_comments or 0),
        second_option_comments=int(item.second_option_comments or 0),
        pending_views=pending,
        views_folded=views_folded,
        folded_at=item.folded_at,
        popular_key=None if item.gsi2sk is None else int(item.gsi2sk),
    )


def _counted(found: Found, pick_id: int) -> int | None:
    counter = found.of(ViewCounterItem, keys.pick_views(pick_id))
    return None if counter is None else int(counter.views)


def _option_attribute(draft: OptionDraft) -> PickOptionAttribute:
    return PickOptionAttribute(
        option_id=draft.id,
        title=draft.title,
        content=draft.content,
        images=[ImageRefAttribute(image_id=i.id, image_url=i.url, image_key=i.key) for i in draft.images],
    )


def _votes_of(voter: str | None) -> Callable[[Sequence[Key]], list[Wanted]]:
    """What a page of picks reads with them: each one's view counter, and the voter's vote on each (by its key, in
    the pick's partition)."""

    def join(page_keys: Sequence[Key]) -> list[Wanted]:
        ids = [keys.id_of(pk) for pk, _ in page_keys]
        wanted: list[Wanted] = [(ViewCounterItem, *keys.pick_views(i)) for i in ids]
        if voter is not None:
            wanted += [(PickVoteItem, *keys.pick_vote(i, voter)) for i in ids]
        return wanted

    return join


def _found_votes(found: Found) -> dict[int, Vote]:
    return {
        int(item.pick_id): Vote(int(item.vote_id), item.option_type, int(item.option_id))
        for item in found.values()
        if isinstance(item, PickVoteItem)
    }


# The GSI partition attributes that make a pick appear in the public lists (present only while APPROVAL).
LISTED_ATTRIBUTES = (PickItem.gsi1pk, PickItem.gsi2pk, PickItem.gsi3pk, PickItem.gsi4pk)


class PickRepository:
    """Reads and writes of picks and votes. Multi-item writes are transactions; counters move with ``ADD``."""

    # Reads --------------------------------------------------------------------------------------------------------

    def get(self, pick_id: int, *, with_views: bool = False) -> Pick | None:
        """A pick by id (any status, DELETING included), read consistently: one GetItem. Its view count is what the
        pick holds (folded) unless ``with_views``: then its view counter is read with it (one BatchGet) and the
        counts are exact."""
        if with_views:
            found = batch_get(
                [(PickItem, *keys.pick(pick_id)), (ViewCounterItem, *keys.pick_views(pick_id))], consistent=True
            )
            item = found.of(PickItem, keys.pick(pick_id))
            return None if item is None else _pick(item, _counted(found, pick_id))
        try:
            return _pick(PickItem.get(*keys.pick(pick_id), consistent_read=True))
        except DoesNotExist:
            return None

    def get_many(self, pick_ids: Iterable[int]) -> dict[int, Pick]:
        """Picks by id with their view counters, in one BatchGet (missing ones absent)."""
        ids = set(pick_ids)
        found = batch_get(
            [(PickItem, *keys.pick(i)) for i in ids] + [(ViewCounterItem, *keys.pick_views(i)) for i in ids]
        )
        return {
            int(item.pick_id): _pick(item, _counted(found, int(item.pick_id)))
            for item in found.values()
            if isinstance(item, PickItem)
        }

    def page(
        self, sort: PickSort, cursor_id: int | None, size: int, voter: str | None = None
    ) -> tuple[list[Pick], bool, dict[int, Vote]]:
        """One page of APPROVAL picks in ``sort`` order after the pick ``cursor_id``; (picks, has_next, the votes
        of ``voter`` on them).

        One Query of ``size + 1`` keys on the sort's index and one BatchGet of the picks with the voter's votes
        (plus one GetItem of the cursor for score orders)."""
        condition = None
        if cursor_id is not None:
            bound = self._sort_value(sort, cursor_id)
            if bound is not None:
                condition = getattr(PickItem, f"{sort.value.lower()}sk") < bound
        page = query_page(
            PickItem,
            keys.PICKS_LIST,
            index_name=sort.value,
            condition=condition,
            size=size,
            join=_votes_of(voter),
        )
        picks = [_pick(i, _counted(page.joined, int(i.pick_id))) for i in page.items]
        return picks, page.has_next, _found_votes(page.joined)

    def _sort_value(self, sort: PickSort, cursor_id: int) -> int | None:
        """Where a cursor pick sits in ``sort``: its id for LATEST (an unknown id still bounds by id); its current
        sort key for the score orders, or None (first page) when that pick does not exist."""
        if sort is PickSort.LATEST:
            return cursor_id
        try:
            item = PickItem.get(*keys.pick(cursor_id), attributes_to_get=["GSI2SK", "GSI3SK", "GSI4SK"])
        except DoesNotExist:
            return None
        value = getattr(item, f"{sort.value.lower()}sk")
        return None if value is None else int(value)

    def member_page(self, member_id: int, cursor_id: int | None, size: int) -> tuple[list[Pick], bool, dict[int, Vote]]:
        """A member's own picks (every status but DELETING), newest first; (picks, has_next, the member's votes on
        them): one Query and one BatchGet."""
        condition = PickItem.gsi5sk < cursor_id if cursor_id is not None else None
        page = query_page(
            PickItem,
            keys.member_picks(member_id),
            index_name="GSI5",
            condition=condition,
            size=size,
            join=_votes_of(Actor(member_id=member_id).key),
        )
        picks = [_pick(i, _counted(page.joined, int(i.pick_id))) for i in page.items]
        return picks, page.has_next, _found_votes(page.joined)

    def votes(self, pick_ids: Iterable[int], voter: str) -> dict[int, Vote]:
        """The caller's votes on these picks, in one BatchGet."""
        found: dict[int, Vote] = {}
        for item in PickVoteItem.batch_get([keys.pick_vote(pick_id, voter) for pick_id in set(pick_ids)]):
            found[int(item.pick_id)] = Vote(int(item.vote_id), item.option_type, int(item.option_id))
        return found

    def vote_of(self, pick_id: int, voter: str) -> Vote | None:
        """The voter's active vote on a pick, read consistently."""
        try:
            item = PickVoteItem.get(*keys.pick_vote(pick_id, voter), consistent_read=True)
        except DoesNotExist:
            return None
        return Vote(int(item.vote_id), item.option_type, int(item.option_id))

    # Views and votes ----------------------------------------------------------------------------------------------

    def record_view(self, pick_id: int, now: datetime) -> Pick | None:
        """+1 view of an APPROVAL pick: one ``ADD`` on its view counter (1 WCU), and now and then a fold (see the
        module). The pick with the view counted, or None when the pick is missing or not APPROVAL."""
        try:
            item = PickItem.get(*keys.pick(pick_id), consistent_read=True)
        except DoesNotExist:
            return None
        if item.content_status != APPROVAL:
            return None
        counter = ViewCounterItem(*keys.pick_views(pick_id))
        counter.update(actions=[ViewCounterItem.views.add(1)])
        pick = _pick(item, int(counter.views))
        due = pick.folded_at is None or now - pick.folded_at >= FOLD_AGE
        if pick.pending_views >= FOLD_VIEWS or (due and pick.fold_drift):
            self._fold(pick, now)
        return pick

    def fold_views(self, pick_id: int, now: datetime) -> bool:
        """Fold the pick's waiting views (and the votes and comments since) into its sort keys now, whatever the
        thresholds; whether it wrote: False when nothing waits, when the pick is not APPROVAL, or when it moved
        meanwhile (nothing is lost: the next fold takes it)."""
        pick = self.get(pick_id, with_views=True)
        return pick is not None and pick.status == APPROVAL and pick.fold_drift and self._fold(pick, now)

    def _fold(self, pick: Pick, now: datetime) -> bool:
        """Write the counts ``pick`` shows into the pick item and its POPULAR and MOST_VIEWED sort keys, if the item
        still holds what ``pick`` was read from (its folded views and its popular score); one conditional update.
        A concurrent fold, vote or comment makes it fail: the views stay counted, a later fold takes them."""
        stored_score = pick.popular_score - VIEW_WEIGHT * pick.pending_views
        unchanged = PickItem.views_folded == pick.views_folded
        if pick.views_folded == 0:
            unchanged = PickItem.views_folded.does_not_exist() | unchanged
        try:
            PickItem(*keys.pick(pick.id)).update(
                actions=[
                    PickItem.view_total_count.set(pick.view_total_count),
                    PickItem.popular_score.set(pick.popular_score),
                    PickItem.views_folded.set(pick.views_folded + pick.pending_views),
                    PickItem.folded_at.set(now),
                    PickItem.gsi2sk.set(keys.ranked(pick.popular_score, pick.id)),
                    PickItem.gsi3sk.set(keys.ranked(pick.view_total_count, pick.id)),
                ],
                condition=(PickItem.content_status == APPROVAL) & (PickItem.popular_score == stored_score) & unchanged,
            )
        except UpdateError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def first_vote(self, pick: Pick, actor: Actor, option: PickOption, vote_id: int, now: datetime) -> None:
        """The voter's first vote: the vote item (only if none exists), the option, the total and the score.

        Raises ``ConditionFailed``: :data:`VOTE_CHANGED` when the voter voted meanwhile, :data:`PICK_NOT_APPROVAL`
        when the pick stopped being APPROVAL (or is gone)."""
        vote = PickVoteItem(
            *keys.pick_vote(pick.id, actor.key),
            vote_id=vote_id,
            pick_id=pick.id,
            option_type=option.type,
            option_id=option.id,
            member_id=actor.member_id,
            anonymous_member_id=actor.anonymous_id,
            voted_at=now,
        )
        votes_attribute = PickItem.first_option_votes if option.type == FIRST else PickItem.second_option_votes

        def build(write: Writes) -> None:
            write.save(vote, condition=PickVoteItem.pk.does_not_exist(), reason=VOTE_CHANGED)
            write.update(
                PickItem(*keys.pick(pick.id)),
                # GSI2's key follows at the next fold: re-keying it here would double the vote's write units
                actions=[
                    votes_attribute.add(1),
                    PickItem.vote_total_count.add(1),
                    PickItem.popular_score.add(VOTE_WEIGHT),
                ],
                condition=PickItem.content_status == APPROVAL,
                reason=PICK_NOT_APPROVAL,
            )

        commit(build)

    def switch_vote(
        self, pick: Pick, voter: str, previous: Vote, option: PickOption, vote_id: int, now: datetime
    ) -> None:
        """Move the voter's vote to ``option``: −1 on the old option, +1 on the new, the total unchanged.

        Raises ``ConditionFailed``: :data:`VOTE_CHANGED` when the vote changed meanwhile, :data:`NO_VOTE_TO_MOVE`
        when the old option has no vote to give back or the pick stopped being APPROVAL (or is gone)."""
        new_votes = PickItem.first_option_votes if option.type == FIRST else PickItem.second_option_votes
        old_votes = PickItem.first_option_votes if previous.option_type == FIRST else PickItem.second_option_votes

        def build(write: Writes) -> None:
            write.update(
                PickVoteItem(*keys.pick_vote(pick.id, voter)),
                actions=[
                    PickVoteItem.vote_id.set(vote_id),
                    PickVoteItem.option_type.set(option.type),
                    PickVoteItem.option_id.set(option.id),
                    PickVoteItem.voted_at.set(now),
                ],
                condition=PickVoteItem.option_type == previous.option_type,
                reason=VOTE_CHANGED,
            )
            write.update(
                PickItem(*keys.pick(pick.id)),
                actions=[new_votes.add(1), old_votes.add(-1)],
                condition=(PickItem.content_status == APPROVAL) & (old_votes > 0),
                reason=NO_VOTE_TO_MOVE,
            )

        commit(build)

    # Writes of the pick itself ------------------------------------------------------------------------------------

    def create(
        self,
        *,
        pick_id: int,
        title: str,
        member_id: int,
        status: str,
        options: tuple[OptionDraft, OptionDraft],
        now: datetime,
    ) -> None:
        """Create a pick, count it on its author, ask for its title's embedding, and attach its images, all or
        nothing.

        Raises ``ConditionFailed``: :data:`IMAGE_TAKEN` when an image is no longer the author's to attach
        (:data:`PICK_EXISTS` and :data:`MEMBER_GONE` guard what the caller cannot cause: a taken id, a missing
        author)."""
        first, second = options
        item = PickItem(
            *keys.pick(pick_id),
            pick_id=pick_id,
            title=title,
            member_id=member_id,
            content_status=status,
            first_option=_option_attribute(first),
            second_option=_option_attribute(second),
            created_at=now,
            gsi1sk=pick_id,
            gsi2sk=keys.ranked(0, pick_id),
            gsi3sk=keys.ranked(0, pick_id),
            gsi4sk=keys.ranked(0, pick_id),
            gsi5pk=keys.member_picks(member_id),
            gsi5sk=pick_id,
        )
        if status == APPROVAL:
            item.gsi1pk = item.gsi2pk = item.gsi3pk = item.gsi4pk = keys.PICKS_LIST
        images = [image.id for draft in options for image in draft.images]

        def build(write: Writes) -> None:
            write.save(item, condition=PickItem.pk.does_not_exist(), reason=PICK_EXISTS)
            write.update(
                MemberItem(*keys.member(member_id)),
                actions=[MemberItem.pick_total_count.add(1)],
                condition=MemberItem.pk.exists(),
                reason=MEMBER_GONE,
            )
            write.save(request_item(pick_id, 0, title, now))
            for image_id in images:
                _attach(write, image_id, pick_id, member_id)

        commit(build)

    def update_content(
        self,
        pick: Pick,
        *,
        title: str,
        options: tuple[OptionDraft, OptionDraft],
        member_id: int,
        detach_expires_at: datetime,
        now: datetime,
    ) -> None:
        """Replace the title and options as of ``pick.revision``; attach new images, release removed ones. A new
        title also asks for its embedding.

        Raises ``ConditionFailed``: :data:`PICK_CHANGED` when the pick changed meanwhile (re-read and retry),
        :data:`IMAGE_TAKEN` or :data:`IMAGE_NOT_ON_PICK` when an image can no longer be attached or released."""
        after = {image.id for draft in options for image in draft.images}
        attach = sorted(after - pick.image_ids)
        detach = sorted(pick.image_ids - after)
        first, second = options

        def build(write: Writes) -> None:
            write.update(
                PickItem(*keys.pick(pick.id)),
                actions=[
                    PickItem.title.set(title),
                    PickItem.first_option.set(_option_attribute(first)),
                    PickItem.second_option.set(_option_attribute(second)),
                    PickItem.revision.add(1),
                    PickItem.modified_at.set(now),
                ],
                condition=(PickItem.revision == pick.revision) & (PickItem.content_status != DELETING),
                reason=PICK_CHANGED,
            )
            if title != pick.title:
                write.save(request_item(pick.id, pick.revision + 1, title, now))
            for image_id in attach:
                _attach(write, image_id, pick.id, member_id)
            for image_id in detach:
                _release(write, image_id, pick.id, detach_expires_at)

        commit(build)

    def remove_image(self, pick: Pick, image_id: int, detach_expires_at: datetime) -> None:
        """Take one image off the pick's options (its uploader deleted it); conditional on ``pick.revision``.

        Raises ``ConditionFailed``: :data:`PICK_CHANGED` when the pick changed meanwhile, :data:`IMAGE_NOT_ON_PICK`
        when the image left it."""
        drafts = [
            OptionDraft(o.type, o.id, o.title, o.content, tuple(i for i in o.images if i.id != image_id))
            for o in pick.options
        ]

        def build(write: Writes) -> None:
            write.update(
                PickItem(*keys.pick(pick.id)),
                actions=[
                    PickItem.first_option.set(_option_attribute(drafts[0])),
                    PickItem.second_option.set(_option_attribute(drafts[1])),
                    PickItem.revision.add(1),
                ],
                condition=PickItem.revision == pick.revision,
                reason=PICK_CHANGED,
            )
            _release(write, image_id, pick.id, detach_expires_at)

        commit(build)

    def set_status(self, pick_id: int, status: str) -> Pick | None:
        """Moderation: APPROVAL lists the pick (and its embedding among the similar-pick candidates), anything else
        unlists it, in one transaction. None when there is no such pick."""
        actions: list[Action] = [PickItem.content_status.set(status)]
        if status == APPROVAL:
            actions += [attribute.set(keys.PICKS_LIST) for attribute in LISTED_ATTRIBUTES]
        else:
            actions += [attribute.remove() for attribute in LISTED_ATTRIBUTES]
        for _ in range(5):
            embedded = PickEmbeddingRepository().exists(pick_id)

            def build(write: Writes, embedded: bool = embedded) -> None:
                write.update(
                    PickItem(*keys.pick(pick_id)),
                    actions=actions,
                    condition=PickItem.pk.exists() & (PickItem.content_status != DELETING),
                    reason=PICK_GONE,
                )
                relist(write, pick_id, status == APPROVAL, embedded)

            try:
                commit(build)
            except ConditionFailed as failed:
                if PICK_GONE in failed:
                    return None
                continue  # EMBEDDING_CHANGED: the embedding was stored meanwhile: decide again
            return self.get(pick_id)
        raise Contended()

    def count_blame(self, write: Writes, pick_id: int) -> None:
        """Within a blame's transaction: +1 blame on an APPROVAL pick (else ``ConditionFailed``
        :data:`PICK_NOT_APPROVAL`)."""
        write.update(
            PickItem(*keys.pick(pick_id)),
            actions=[PickItem.blame_total_count.add(1)],
            condition=PickItem.content_status == APPROVAL,
            reason=PICK_NOT_APPROVAL,
        )

    # Deletion -----------------------------------------------------------------------------------------------------

    def begin_delete(self, pick: Pick) -> None:
        """Hide the pick everywhere at once (status DELETING, out of every list) and uncount it on its author.

        Raises ``ConditionFailed``: :data:`PICK_DELETING` when it is already being deleted, :data:`MEMBER_GONE` when
        its author's item is missing."""

        def build(write: Writes) -> None:
            write.update(
                PickItem(*keys.pick(pick.id)),
                actions=[
                    PickItem.content_status.set(DELETING),
                    *(attribute.remove() for attribute in LISTED_ATTRIBUTES),
                    PickItem.gsi5pk.remove(),
                ],
                condition=(PickItem.member_id == pick.member_id) & (PickItem.content_status != DELETING),
                reason=PICK_DELETING,
            )
            write.update(
                MemberItem(*keys.member(pick.member_id)),
                actions=[MemberItem.pick_total_count.add(-1)],
                condition=MemberItem.pk.exists(),
                reason=MEMBER_GONE,
            )

        commit(build)

    def delete_contents(self, pick: Pick) -> None:
        """Delete everything in the pick's partition but the pick item (votes, comments, recommends), after taking
        its comments off their authors' counts."""
        CommentRepository().uncount_authors(keys.PICK_COMMENTS, pick.id)
        partition = keys.pick_partition(pick.id)
        children = [
            (item.pk, item.sk)
            for item in TableModel.query(partition, attributes_to_get=["PK", "SK"])
            if (item.pk, item.sk) != keys.pick(pick.id)
        ]
        _delete_keys(children)
        PickEmbeddingRepository().candidates_changed()

    def finish_delete(self, pick_id: int) -> None:
        """Remove the pick item itself (the last step)."""
        PickItem(*keys.pick(pick_id)).delete()


def _delete_keys(item_keys: Sequence[tuple[str, str]]) -> None:
    with TableModel.batch_write() as batch:
        for pk, sk in item_keys:
            batch.delete(TableModel(pk, sk))


def _attach(write: Writes, image_id: int, pick_id: int, member_id: int) -> None:
    """Bind an uploaded image to a pick: only its uploader's, only if it is not in use elsewhere."""
    write.update(
        PickImageItem(*keys.image(image_id)),
        actions=[
            PickImageItem.pick_id.set(pick_id),
            PickImageItem.verified.set(True),
            PickImageItem.expires_at.remove(),
            PickImageItem.gsi1pk.remove(),
            PickImageItem.gsi1sk.remove(),
        ],
        condition=(PickImageItem.member_id == member_id)
        & (PickImageItem.pick_id.does_not_exist() | (PickImageItem.pick_id == pick_id)),
        reason=IMAGE_TAKEN,
    )


def _release(write: Writes, image_id: int, pick_id: int, expires_at: datetime) -> None:
    """Give an image back to its uploader, unattached: it expires unless attached again."""
    write.update(
        PickImageItem(*keys.image(image_id)),
        actions=[
            PickImageItem.pick_id.remove(),
            PickImageItem.expires_at.set(expires_at),
            PickImageItem.gsi1pk.set(keys.UNATTACHED_IMAGES),
            PickImageItem.gsi1sk.set(int(expires_at.timestamp())),
        ],
        condition=PickImageItem.pick_id == pick_id,
        reason=IMAGE_NOT_ON_PICK,
    )
