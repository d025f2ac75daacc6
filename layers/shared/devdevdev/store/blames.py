"""Blames (신고): the reasons, and one blame per member and target.

The blame item is keyed by its member and target, so "one blame per member and target" is the item key; it is
written in one transaction with the target's blame count (and the target's own conditions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from devdevdev.store import keys
from devdevdev.store.models import BlameItem, BlameTypeItem
from devdevdev.store.transactions import commit


@dataclass(frozen=True)
class BlameType:
    id: int
    reason: str
    sort_order: int


@dataclass(frozen=True)
class BlameTarget:
    """What is blamed: ``key`` names it in the blame's sort key; ``count`` adds +1 to its blame count (with its
    conditions) inside the blame's transaction."""

    key: str
    pick_id: int | None = None
    pick_comment_id: int | None = None
    tech_article_id: int | None = None
    tech_comment_id: int | None = None


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
        count: Callable[[TransactWrite], None],
    ) -> None:
        """Store the blame and count it on its target, all or nothing.

        Raises ``ConditionFailed``: 0 when this member already blamed the target, others from ``count``."""
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

        def build(write: TransactWrite) -> None:
            write.save(item, condition=BlameItem.pk.does_not_exist())
            count(write)

        commit(build)
