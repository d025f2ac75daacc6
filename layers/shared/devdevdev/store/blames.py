"""Blames (신고): the reasons, and one blame per member and target.

The blame item is keyed by its member and target, so "one blame per member and target" is the item key; it is
written in one transaction with the target's blame count (and the target's own conditions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from devdevdev.store import keys
from devdevdev.store.models import BlameItem, BlameTypeItem
from devdevdev.store.transactions import Writes, commit

ALREADY_BLAMED = "already-blamed"  # the member already blamed this target (``ConditionFailed.reasons``)


@dataclass(frozen=True)
class BlameType:
    id: int
    reason: str
    sort_order: int


@dataclass(frozen=True)
class BlameTarget:
    """What is blamed: a pick, a pick comment or a tech comment; ``key`` names it in the blame's sort key."""

    key: str
    pick_id: int | None = None
    pick_comment_id: int | None = None
    tech_article_id: int | None = None
    tech_comment_id: int | None = None

    @classmethod
    def pick(cls, pick_id: int) -> BlameTarget:
        return cls(f"PICK#{pick_id}", pick_id=pick_id)

    @classmethod
    def pick_comment(cls, pick_id: int, comment_id: int) -> BlameTarget:
        return cls(f"PICK_COMMENT#{pick_id}#{comment_id}", pick_id=pick_id, pick_comment_id=comment_id)

    @classmethod
    def tech_comment(cls, article_id: int, comment_id: int) -> BlameTarget:
        return cls(f"TECH_COMMENT#{article_id}#{comment_id}", tech_article_id=article_id, tech_comment_id=comment_id)


class BlameRepository:
    def types(self) -> list[BlameType]:
        """Every blame reason, by sortOrder then id (one Query)."""
        return [
            BlameType(int(i.blame_type_id), i.reason, int(i.sort_order)) for i in BlameTypeItem.query(keys.BLAME_TYPES)
        ]

    def type_of(self, blame_type_id: int) -> BlameType | None:
        return next((t for t in self.types() if t.id == blame_type_id), None)

    def exists(self, member_id: int, target: BlameTarget) -> bool:
        try:
            BlameItem.get(*keys.blame(member_id, target.key), consistent_read=True, attributes_to_get=["PK"])
        except DoesNotExist:
            return False
        return True

    def add(
        self,
        blame_id: int,
        member_id: int,
        target: BlameTarget,
        blame_type_id: int,
        custom_reason: str | None,
        now: datetime,
        count: Callable[[Writes], None],
    ) -> None:
        """Store the blame and count it on its target, all or nothing.

        Raises ``ConditionFailed``: :data:`ALREADY_BLAMED` when this member already blamed the target, or the
        reasons of ``count``'s writes (the target changed)."""
        item = BlameItem(
            *keys.blame(member_id, target.key),
            blame_id=blame_id,
            member_id=member_id,
            blame_type_id=blame_type_id,
            pick_id=target.pick_id,
            pick_comment_id=target.pick_comment_id,
            tech_article_id=target.tech_article_id,
            tech_comment_id=target.tech_comment_id,
            custom_reason=custom_reason,
            created_at=now,
        )

        def build(write: Writes) -> None:
            write.save(item, condition=BlameItem.pk.does_not_exist(), reason=ALREADY_BLAMED)
            count(write)

        commit(build)
