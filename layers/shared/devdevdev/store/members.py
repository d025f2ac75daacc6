"""Members and anonymous members."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from devdevdev.store import keys
from devdevdev.store.errors import is_condition_failure
from devdevdev.store.ids import IdAllocator
from devdevdev.store.models import AnonymousMemberItem, LoginItem, MemberItem, TableModel
from devdevdev.store.transactions import ConditionFailed, Writes, commit

ANONYMOUS_NICKNAME_PREFIX = "익명의 댑댑이 "

# What a failed condition of these transactions means (``ConditionFailed.reasons``).
MEMBER_ID_TAKEN = "member-id-taken"  # a member item with the new id exists already
LOGIN_TAKEN = "login-taken"  # the login has a member already (a concurrent sign-up of the same login)
MEMBER_EXITED = "member-exited"  # the member item is gone or flagged deleted
LOGIN_NOT_MEMBERS = "login-not-members"  # the login item names another member (or is gone)
ANONYMOUS_HEADER_TAKEN = "anonymous-header-taken"  # the header id has an anonymous member already
ANONYMOUS_ID_TAKEN = "anonymous-id-taken"  # an anonymous member with the new id exists already


@dataclass(frozen=True)
class Member:
    """A live (not exited) member."""

    id: int
    email: str
    social_type: str
    role: str
    nickname: str
    name: str | None
    nickname_updated_at: datetime | None
    created_at: datetime
    pick_total_count: int = 0
    subscription_total_count: int = 0
    pick_comment_count: int = 0
    tech_comment_count: int = 0

    @property
    def is_admin(self) -> bool:
        return self.role == "ROLE_ADMIN"


@dataclass(frozen=True)
class AnonymousMember:
    """A visitor known only by the id its browser sends in ``Anonymous-Member-Id``."""

    id: int
    header_id: str
    nickname: str


@dataclass(frozen=True)
class Actor:
    """Who acts on a pick or comment: a member, or else an anonymous member."""

    member_id: int | None = None
    anonymous_id: int | None = None

    @property
    def key(self) -> str:
        """``M<member id>`` or ``A<anonymous member id>`` (how votes and other per-caller items are keyed)."""
        return f"M{self.member_id}" if self.member_id is not None else f"A{self.anonymous_id}"

    @property
    def is_member(self) -> bool:
        return self.member_id is not None


@dataclass(frozen=True)
class RefreshFamily:
    """What the table knows of a member's refresh tokens: hashes and the last rotation's time, never a token."""

    family: str | None
    current_hash: str | None
    previous_hash: str | None  # the token the current one was rotated from
    rotated_at: int | None  # epoch seconds of that rotation


# Removing these revokes every token of the member's family.
_FORGET_REFRESH_FAMILY: list[Action] = [
    MemberItem.refresh_token_hash.remove(),
    MemberItem.previous_refresh_token_hash.remove(),
    MemberItem.refresh_rotated_at.remove(),
    MemberItem.refresh_family.remove(),
]


def _member(item: MemberItem) -> Member:
    return Member(
        id=int(item.member_id),
        email=item.email,
        social_type=item.social_type,
        role=item.role,
        nickname=item.nickname,
        name=item.name,
        nickname_updated_at=item.nickname_updated_at,
        created_at=item.created_at,
        pick_total_count=int(item.pick_total_count or 0),
        subscription_total_count=int(item.subscription_total_count or 0),
        pick_comment_count=int(item.pick_comment_count or 0),
        tech_comment_count=int(item.tech_comment_count or 0),
    )


class MemberRepository:
    """Members by id and by login (social type + email); refresh-token hashes; exits."""

    def __init__(self, ids: IdAllocator) -> None:
        self._ids = ids

    def member_id_for_login(self, social_type: str, email: str) -> int | None:
        """The id of the live member with this login, in one consistent read; None if there is none."""
        pk, sk = keys.login(social_type, email)
        try:
            return int(LoginItem.get(pk, sk, consistent_read=True).member_id)
        except DoesNotExist:
            return None

    def get(self, member_id: int) -> Member | None:
        """A live member by id."""
        item = self._item(member_id)
        return None if item is None or item.is_deleted else _member(item)

    def get_many(self, member_ids: set[int]) -> dict[int, Member]:
        """Members by id in one batch (exited members included, for showing authors of old posts)."""
        found: dict[int, Member] = {}
        for item in MemberItem.batch_get([keys.member(i) for i in member_ids]):
            found[int(item.member_id)] = _member(item)
        return found

    def find_by_login(self, social_type: str, email: str) -> Member | None:
        """The live member with this login."""
        member_id = self.member_id_for_login(social_type, email)
        return None if member_id is None else self.get(member_id)

    def _item(self, member_id: int) -> MemberItem | None:
        try:
            return MemberItem.get(*keys.member(member_id), consistent_read=True)
        except DoesNotExist:
            return None

    def create(
        self,
        *,
        email: str,
        social_type: str,
        role: str,
        nickname: str,
        now: datetime,
        name: str | None = None,
        provider_user_id: str | None = None,
        member_id: int | None = None,
    ) -> tuple[Member, bool]:
        """Create the member of a login. Returns (member, created): when the login already has a live member (a
        concurrent sign-up, or a caller that did not look first), that member and False. Callers look the login up
        first (:meth:`find_by_login`), so the common path spends no id and no transaction.

        One transaction: the member (:data:`MEMBER_ID_TAKEN` if its id is taken) and its login (:data:`LOGIN_TAKEN`
        if the login has a member); any other failed condition raises :class:`ConditionFailed`, contention
        :class:`devdevdev.store.transactions.Contended`."""
        new_id = member_id if member_id is not None else self._ids.next_id("member")
        member = MemberItem(
            *keys.member(new_id),
            member_id=new_id,
            email=email,
            social_type=social_type,
            role=role,
            nickname=nickname,
            name=name,
            provider_user_id=provider_user_id,
            created_at=now,
        )
        login = LoginItem(*keys.login(social_type, email), member_id=new_id)

        def build(write: Writes) -> None:
            write.save(member, condition=MemberItem.pk.does_not_exist(), reason=MEMBER_ID_TAKEN)
            write.save(login, condition=LoginItem.pk.does_not_exist(), reason=LOGIN_TAKEN)

        try:
            commit(build)
        except ConditionFailed as failed:
            raced = self.find_by_login(social_type, email) if LOGIN_TAKEN in failed else None
            if raced is None:
                raise
            return raced, False  # a concurrent sign-up of the same login won
        return _member(member), True

    def refresh_family(self, member_id: int) -> RefreshFamily | None:
        """The live member's refresh-token family, in one consistent read; None if the member is gone."""
        item = self._item(member_id)
        if item is None or item.is_deleted:
            return None
        rotated_at = item.refresh_rotated_at
        return RefreshFamily(
            family=item.refresh_family,
            current_hash=item.refresh_token_hash,
            previous_hash=item.previous_refresh_token_hash,
            rotated_at=None if rotated_at is None else int(rotated_at),
        )

    def start_refresh_family(self, member_id: int, family: str, token_hash: str) -> bool:
        """Make ``token_hash`` the only valid refresh token, of a new family (a login). False if the member exited."""
        return self._update_live(
            member_id,
            [
                MemberItem.refresh_token_hash.set(token_hash),
                MemberItem.refresh_family.set(family),
                MemberItem.previous_refresh_token_hash.remove(),
                MemberItem.refresh_rotated_at.remove(),
            ],
        )

    def rotate_refresh_token(
        self, member_id: int, family: str, presented_hash: str, successor_hash: str, rotated_at: int
    ) -> bool:
        """Rotate the current refresh token into its successor, only if ``presented_hash`` is still the current one.

        False when the condition failed: a concurrent refresh rotated it first, the family was revoked, or the member
        exited."""
        return self._update_live(
            member_id,
            [
                MemberItem.refresh_token_hash.set(successor_hash),
                MemberItem.previous_refresh_token_hash.set(presented_hash),
                MemberItem.refresh_rotated_at.set(rotated_at),
                MemberItem.refresh_family.set(family),
            ],
            MemberItem.refresh_token_hash == presented_hash,
        )

    def revoke_refresh_family(self, member_id: int, family: str) -> bool:
        """Revoke every token of ``family``, only if it is still the member's family (a later login's is kept)."""
        return self._update_live(member_id, _FORGET_REFRESH_FAMILY, MemberItem.refresh_family == family)

    def revoke_refresh_token(self, member_id: int) -> None:
        """Revoke the member's refresh-token family (logout): the next refresh with any of its tokens is refused."""
        MemberItem(*keys.member(member_id)).update(actions=_FORGET_REFRESH_FAMILY, condition=MemberItem.pk.exists())

    def _update_live(self, member_id: int, actions: list[Action], condition: Condition | None = None) -> bool:
        """Update a live member, under ``condition`` too; False when a condition failed."""
        live = MemberItem.pk.exists() & (MemberItem.is_deleted == False)  # noqa: E712 (a DynamoDB condition)
        try:
            MemberItem(*keys.member(member_id)).update(
                actions=actions, condition=live if condition is None else live & condition
            )
        except UpdateError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def exit(self, member: Member, now: datetime) -> bool:
        """Soft-delete a member: flagged deleted, refresh token forgotten, login removed (so every lookup by token
        answers 404 and a new login creates a new member). False when the member had already exited
        (:data:`MEMBER_EXITED`) or its login is no longer its own (:data:`LOGIN_NOT_MEMBERS`)."""

        def build(write: Writes) -> None:
            write.update(
                MemberItem(*keys.member(member.id)),
                actions=[
                    MemberItem.is_deleted.set(True),
                    MemberItem.deleted_at.set(now),
                    *_FORGET_REFRESH_FAMILY,
                ],
                condition=MemberItem.pk.exists() & (MemberItem.is_deleted == False),  # noqa: E712
                reason=MEMBER_EXITED,
            )
            write.delete(
                LoginItem(*keys.login(member.social_type, member.email)),
                condition=LoginItem.member_id == member.id,
                reason=LOGIN_NOT_MEMBERS,
            )

        try:
            commit(build)
        except ConditionFailed as failed:
            if MEMBER_EXITED in failed or LOGIN_NOT_MEMBERS in failed:
                return False
            raise
        return True

    def change_nickname(self, member_id: int, nickname: str, now: datetime, changed_before: datetime) -> bool:
        """Set a new nickname if the last change was at or before ``changed_before`` (or never); False otherwise.

        The rule is the write's condition, so two concurrent changes cannot both pass it."""
        condition = (MemberItem.is_deleted == False) & (  # noqa: E712
            MemberItem.nickname_updated_at.does_not_exist() | (MemberItem.nickname_updated_at <= changed_before)
        )
        try:
            MemberItem(*keys.member(member_id)).update(
                actions=[MemberItem.nickname.set(nickname), MemberItem.nickname_updated_at.set(now)],
                condition=MemberItem.pk.exists() & condition,
            )
        except UpdateError as error:
            if is_condition_failure(error):
                return False
            raise
        return True


class AnonymousMemberRepository:
    """Find-or-create of anonymous members (docs/rules.md#conv-anonymous-member)."""

    def __init__(self, ids: IdAllocator, rng: random.Random | None = None) -> None:
        self._ids = ids
        self._rng = rng or random.Random()

    def find(self, header_id: str) -> AnonymousMember | None:
        try:
            item = AnonymousMemberItem.get(*keys.anonymous_by_header(header_id))
        except DoesNotExist:
            return None
        return AnonymousMember(int(item.anonymous_id), item.header_id, item.nickname)

    def get_many(self, anonymous_ids: set[int]) -> dict[int, AnonymousMember]:
        """Anonymous members by numeric id, in one batch."""
        items = AnonymousMemberItem.batch_get([keys.anonymous_member(i) for i in anonymous_ids])
        return {int(i.anonymous_id): AnonymousMember(int(i.anonymous_id), i.header_id, i.nickname) for i in items}

    def find_or_create(self, header_id: str, now: datetime) -> AnonymousMember:
        """The anonymous member of this header id, created on first sight with nickname ``익명의 댑댑이 N``.

        Two items in one transaction: by header id (:data:`ANONYMOUS_HEADER_TAKEN` when a concurrent first sight
        created it: that one is returned) and by numeric id (:data:`ANONYMOUS_ID_TAKEN`)."""
        found = self.find(header_id)
        if found is not None:
            return found
        new_id = self._ids.next_id("anonymous_member")
        nickname = f"{ANONYMOUS_NICKNAME_PREFIX}{self._rng.randrange(100000)}"
        by_header = AnonymousMemberItem(
            *keys.anonymous_by_header(header_id),
            anonymous_id=new_id,
            header_id=header_id,
            nickname=nickname,
            created_at=now,
        )
        by_id = AnonymousMemberItem(
            *keys.anonymous_member(new_id), anonymous_id=new_id, header_id=header_id, nickname=nickname, created_at=now
        )

        def build(write: Writes) -> None:
            write.save(by_header, condition=TableModel.pk.does_not_exist(), reason=ANONYMOUS_HEADER_TAKEN)
            write.save(by_id, condition=TableModel.pk.does_not_exist(), reason=ANONYMOUS_ID_TAKEN)

        try:
            commit(build)
        except ConditionFailed as failed:
            raced = self.find(header_id) if ANONYMOUS_HEADER_TAKEN in failed else None
            if raced is None:
                raise
            return raced
        return AnonymousMember(new_id, header_id, nickname)
