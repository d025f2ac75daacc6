"""Uploaded pick option images: who uploaded them, where they are in S3, and whether a pick uses them.

An unattached image has an expiry (the table's TTL) and sits in GSI1 ``UNATTACHED_IMAGES`` by that expiry, so the
local stack can sweep expired uploads with one Query (in AWS the TTL and the bucket's lifecycle rule do it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DeleteError, DoesNotExist

from devdevdev.store import keys
from devdevdev.store.errors import is_condition_failure
from devdevdev.store.models import PickImageItem
from devdevdev.store.pages import fill

FIRST_IMAGE, SECOND_IMAGE = "firstPickOptionImage", "secondPickOptionImage"
IMAGE_NAMES = (FIRST_IMAGE, SECOND_IMAGE)


@dataclass(frozen=True)
class PickImage:
    id: int
    member_id: int
    name: str
    key: str
    url: str
    content_type: str
    verified: bool
    pick_id: int | None
    expires_at: datetime | None

    def usable_by(self, member_id: int, pick_id: int | None, now: datetime) -> bool:
        """Whether ``member_id`` may attach it to ``pick_id``: their own upload, unused (or already on this pick),
        not expired."""
        if self.member_id != member_id:
            return False
        if self.pick_id is not None:
            return pick_id is not None and self.pick_id == pick_id
        return self.expires_at is None or self.expires_at > now


def _image(item: PickImageItem) -> PickImage:
    return PickImage(
        id=int(item.image_id),
        member_id=int(item.member_id),
        name=item.name,
        key=item.image_key,
        url=item.image_url,
        content_type=item.content_type,
        verified=bool(item.verified),
        pick_id=None if item.pick_id is None else int(item.pick_id),
        expires_at=item.expires_at,
    )


class PickImageRepository:
    """Image records (the bytes are in S3, see :mod:`devdevdev.storage.images`)."""

    def add(
        self,
        *,
        image_id: int,
        member_id: int,
        name: str,
        key: str,
        url: str,
        content_type: str,
        size: int | None,
        verified: bool,
        now: datetime,
        expires_at: datetime,
    ) -> PickImage:
        """Record an upload, unattached, expiring at ``expires_at``."""
        item = PickImageItem(
            *keys.image(image_id),
            image_id=image_id,
            member_id=member_id,
            name=name,
            image_key=key,
            image_url=url,
            content_type=content_type,
            size=size,
            verified=verified,
            created_at=now,
            expires_at=expires_at,
            gsi1pk=keys.UNATTACHED_IMAGES,
            gsi1sk=int(expires_at.timestamp()),
        )
        item.save(condition=PickImageItem.pk.does_not_exist())
        return _image(item)

    def get(self, image_id: int) -> PickImage | None:
        try:
            return _image(PickImageItem.get(*keys.image(image_id), consistent_read=True))
        except DoesNotExist:
            return None

    def get_many(self, image_ids: Iterable[int]) -> dict[int, PickImage]:
        """Images by id in one BatchGet (missing ids are simply absent)."""
        wanted = [keys.image(i) for i in set(image_ids)]
        return {int(item.image_id): _image(item) for item in PickImageItem.batch_get(wanted, consistent_read=True)}

    def mark_verified(self, image_id: int, size: int) -> None:
        PickImageItem(*keys.image(image_id)).update(
            actions=[PickImageItem.verified.set(True), PickImageItem.size.set(size)],
            condition=PickImageItem.pk.exists(),
        )

    def delete_unattached(self, image: PickImage) -> bool:
        """Delete an image record that no pick uses; False when a pick attached it meanwhile."""
        try:
            PickImageItem(*keys.image(image.id)).delete(condition=PickImageItem.pick_id.does_not_exist())
        except DeleteError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def delete(self, image_ids: Iterable[int]) -> None:
        """Delete image records (their objects are deleted first, by the caller)."""
        with PickImageItem.batch_write() as batch:
            for image_id in image_ids:
                batch.delete(PickImageItem(*keys.image(image_id)))

    def expired(self, now: datetime, limit: int = 500) -> list[PickImage]:
        """Unattached images whose expiry has passed, oldest first."""
        hits = PickImageItem.query(
            keys.UNATTACHED_IMAGES,
            range_key_condition=PickImageItem.gsi1sk <= int(now.timestamp()),
            index_name="GSI1",
            limit=limit,
        )
        items, _ = fill(PickImageItem, [(hit.pk, hit.sk) for hit in hits])  # GSI1 does not project the image
        return [_image(item) for item in items]
