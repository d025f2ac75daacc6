"""Notifications, the publications that announced articles, live connections and the SSE inbox.

Keys are in :mod:`devdevdev.store.keys`. Notification ids are global and increasing, so a member's notifications are
listed newest first by sort key alone. Every subscriber's notification of one published article has the same id
(the publication's), which makes the fan-out idempotent: a retried delivery finds the keys already written.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, UpdateError
from pynamodb.expressions.condition import Condition

from devdevdev.store import keys
from devdevdev.store.errors import is_condition_failure
from devdevdev.store.models import (
    ConnectionItem,
    LiveMessageItem,
    NotificationItem,
    PublicationItem,
)

SUBSCRIPTION, COMMENT_AND_REPLY = "SUBSCRIPTION", "COMMENT_AND_REPLY"
TYPES = (SUBSCRIPTION, COMMENT_AND_REPLY)
DOCUMENTED_TYPES = frozenset({SUBSCRIPTION})  # what a client that asks for no types is shown (docs/decisions.md)
FILTERED_PAGE = 100  # items read per request when a list leaves some types out (a few read units)
BATCH_GET_SIZE = 100  # DynamoDB's BatchGetItem limit
BATCH_WRITE_SIZE = 25  # DynamoDB's BatchWriteItem limit
WRITE_THREADS = 8
READ_ALL_PAGE = 1000


@dataclass(frozen=True)
class Notification:
    id: int
    member_id: int
    type: str
    message: str
    created_at: datetime
    is_read: bool = False
    company_id: int | None = None
    tech_article_id: int | None = None
    pick_id: int | None = None
    comment_id: int | None = None
    parent_comment_id: int | None = None
    origin_comment_id: int | None = None


@dataclass(frozen=True)
class Connection:
    id: str
    member_id: int
    transport: str  # "websocket" | "sse"
    endpoint: str | None = None
    types: frozenset[str] = DOCUMENTED_TYPES  # the notification types its client is shown


@dataclass
class Delivery:
    """What :meth:`NotificationRepository.add_missing` wrote: the members who got at least one new notification."""

    written: int = 0
    members: set[int] = field(default_factory=set)


def _number(value: float | None) -> int | None:
    return None if value is None else int(value)


def _notification(item: NotificationItem) -> Notification:
    return Notification(
        id=int(item.notification_id),
        member_id=int(item.member_id),
        type=item.type,
        message=item.message,
        created_at=item.created_at,
        is_read=bool(item.is_read),
        company_id=_number(item.company_id),
        tech_article_id=_number(item.tech_article_id),
        pick_id=_number(item.pick_id),
        comment_id=_number(item.comment_id),
        parent_comment_id=_number(item.parent_comment_id),
        origin_comment_id=_number(item.origin_comment_id),
    )


def notification_item(notification: Notification) -> NotificationItem:
    """The item of a notification (also written inside other transactions, e.g. with the reply that causes it)."""
    item = NotificationItem(
        *keys.notification(notification.member_id, notification.id),
        notification_id=notification.id,
        member_id=notification.member_id,
        type=notification.type,
        message=notification.message,
        is_read=notification.is_read,
        created_at=notification.created_at,
        company_id=notification.company_id,
        tech_article_id=notification.tech_article_id,
        pick_id=notification.pick_id,
        comment_id=notification.comment_id,
        parent_comment_id=notification.parent_comment_id,
        origin_comment_id=notification.origin_comment_id,
    )
    if not notification.is_read:
        item.gsi1pk, item.gsi1sk = keys.unread_notifications(notification.member_id), notification.id
    return item


def _type_filter(types: Collection[str]) -> Condition | None:
    """The filter a query of a member's notifications needs to keep only ``types`` (None when every type is kept)."""
    if set(TYPES) <= set(types):
        return None
    return NotificationItem.type.is_in(*sorted(types))


def _chunks(items: Sequence, size: int) -> list[Sequence]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class NotificationRepository:
    # Publications -------------------------------------------------------------------------------------------------

    def claim_publication(self, company_id: int, article_id: int, notification_id: int, now: datetime) -> bool:
        """Record that an article of a company is announced with ``notification_id``; False if it already was."""
        item = PublicationItem(
            *keys.publication(company_id, article_id), notification_id=notification_id, published_at=now
        )
        try:
            item.save(condition=PublicationItem.pk.does_not_exist())
        except PutError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def release_publication(self, company_id: int, article_id: int, notification_id: int) -> None:
        """Undo a claim this request made (its announcement could not be queued), so that a retry announces it."""
        try:
            PublicationItem(*keys.publication(company_id, article_id)).delete(
                condition=PublicationItem.notification_id == notification_id
            )
        except DeleteError as error:
            if not is_condition_failure(error):  # a claim that is not this request's own stays
                raise

    # Notifications ------------------------------------------------------------------------------------------------

    def add_missing(self, notifications: Sequence[Notification]) -> Delivery:
        """Write the notifications that do not exist yet: BatchGets of their keys, then batched puts, 8 batches at a
        time. Safe to repeat: a retried delivery writes nothing twice and never makes a read notification unread."""
        delivery = Delivery()
        if not notifications:
            return delivery
        with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
            existing: set[tuple[int, int]] = set()
            for found in pool.map(_existing, _chunks(notifications, BATCH_GET_SIZE)):
                existing |= found
            missing = [n for n in notifications if (n.member_id, n.id) not in existing]
            list(pool.map(_put_all, _chunks(missing, BATCH_WRITE_SIZE)))
        delivery.written = len(missing)
        delivery.members = {n.member_id for n in missing}
        return delivery

    def get(self, member_id: int, notification_id: int) -> Notification | None:
        try:
            item = NotificationItem.get(*keys.notification(member_id, notification_id), consistent_read=True)
        except DoesNotExist:
            return None
        return _notification(item)

    def page(
        self, member_id: int, cursor_id: int | None, size: int, types: Collection[str] = TYPES
    ) -> tuple[list[Notification], bool]:
        """The member's notifications of ``types`` with ids below ``cursor_id``, newest first: (``size`` of them,
        whether more). Leaving a type out is a filter on the same Query: the items skipped are read (about twenty
        notifications per read unit), and each request reads ``FILTERED_PAGE`` items, so a few skipped cost one
        request, not one each."""
        if cursor_id is not None and cursor_id <= 1:
            return [], False
        if cursor_id is None:
            condition = NotificationItem.sk.startswith(keys.NOTIFICATION_PREFIX)
        else:
            low, high = keys.notification(member_id, 0)[1], keys.notification(member_id, cursor_id - 1)[1]
            condition = NotificationItem.sk.between(low, high)
        type_filter = _type_filter(types)
        items = list(
            NotificationItem.query(
                keys.member_partition(member_id),
                range_key_condition=condition,
                filter_condition=type_filter,
                scan_index_forward=False,
                limit=size + 1,
                page_size=size + 1 if type_filter is None else max(size + 1, FILTERED_PAGE),
            )
        )
        return [_notification(i) for i in items[:size]], len(items) > size

    def unread_count(self, member_id: int, types: Collection[str] = TYPES) -> int:
        """How many of the member's notifications of ``types`` are unread (a COUNT Query of the unread index)."""
        return NotificationItem.count(
            keys.unread_notifications(member_id), filter_condition=_type_filter(types), index_name="GSI1"
        )

    def mark_read(self, member_id: int, notification_id: int) -> bool:
        """Mark one of the member's notifications read (idempotent); False when the member has no such one."""
        item = NotificationItem(*keys.notification(member_id, notification_id))
        try:
            item.update(
                actions=[
                    NotificationItem.is_read.set(True),
                    NotificationItem.gsi1pk.remove(),
                    NotificationItem.gsi1sk.remove(),
                ],
                condition=NotificationItem.pk.exists(),
            )
        except UpdateError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def mark_all_read(self, member_id: int, types: Collection[str] = TYPES) -> int:
        """Mark every unread notification of ``types`` read; how many there were. The unread index is read 1,000 at a
        time and its items are rewritten read in batches of 25, 8 batches at a time: thousands take a few requests,
        not one update each."""
        done = 0
        unread = NotificationItem.query(
            keys.unread_notifications(member_id),
            filter_condition=_type_filter(types),
            index_name="GSI1",
            page_size=READ_ALL_PAGE,
        )
        with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
            batch: list[NotificationItem] = []
            for item in unread:  # the query goes on from its last key: items rewritten meanwhile left the index
                batch.append(item)
                if len(batch) == READ_ALL_PAGE:
                    list(pool.map(_rewrite_read, _chunks(batch, BATCH_WRITE_SIZE)))
                    done, batch = done + len(batch), []
            list(pool.map(_rewrite_read, _chunks(batch, BATCH_WRITE_SIZE)))
        return done + len(batch)

    # Live connections ---------------------------------------------------------------------------------------------

    def connect(self, connection: Connection, now: datetime, ttl: timedelta) -> None:
        ConnectionItem(
            *keys.connection(connection.id),
            connection_id=connection.id,
            member_id=connection.member_id,
            transport=connection.transport,
            endpoint=connection.endpoint,
            types=set(connection.types),
            connected_at=now,
            expires_at=now + ttl,
            gsi1pk=keys.CONNECTED,
            gsi1sk=connection.member_id,
        ).save()

    def disconnect(self, connection_id: str) -> None:
        ConnectionItem(*keys.connection(connection_id)).delete()

    def find_connection(self, connection_id: str) -> Connection | None:
        try:
            return _connection(ConnectionItem.get(*keys.connection(connection_id)))
        except DoesNotExist:
            return None

    def connections(self, member_ids: Iterable[int], now: datetime) -> list[Connection]:
        """The live connections of these members: one Query of the CONNECTED index over the range of their ids
        (the subscribers of a fan-out page are contiguous in member-id order), expired ones left out."""
        wanted = set(member_ids)
        if not wanted:
            return []
        return [
            _connection(item)
            for item in ConnectionItem.query(
                keys.CONNECTED, ConnectionItem.gsi1sk.between(min(wanted), max(wanted)), index_name="GSI1"
            )
            if int(item.member_id) in wanted and (item.expires_at is None or item.expires_at > now)
        ]

    def queue_live(self, connection_id: str, sequence: int, payload: str, expires_at: datetime) -> None:
        LiveMessageItem(*keys.live_message(connection_id, sequence), payload=payload, expires_at=expires_at).save()

    def take_live(self, connection_id: str) -> list[str]:
        """The messages waiting for an SSE connection, oldest first, removed as they are taken."""
        items = list(LiveMessageItem.query(keys.live_inbox(connection_id), consistent_read=True))
        if items:
            with LiveMessageItem.batch_write() as batch:
                for item in items:
                    batch.delete(item)
        return [i.payload for i in items]


def _connection(item: ConnectionItem) -> Connection:
    types = frozenset(item.types) if item.types else DOCUMENTED_TYPES
    return Connection(item.connection_id, int(item.member_id), item.transport, item.endpoint, types)


def _existing(chunk: Sequence[Notification]) -> set[tuple[int, int]]:
    return {
        (int(item.member_id), int(item.notification_id))
        for item in NotificationItem.batch_get(
            [keys.notification(n.member_id, n.id) for n in chunk], attributes_to_get=["memberId", "id"]
        )
    }


def _put_all(chunk: Sequence[Notification]) -> None:
    with NotificationItem.batch_write() as batch:
        for notification in chunk:
            batch.save(notification_item(notification))


def _rewrite_read(chunk: Sequence[NotificationItem]) -> None:
    with NotificationItem.batch_write() as batch:
        for item in chunk:
            item.is_read = True
            item.gsi1pk = None
            item.gsi1sk = None
            batch.save(item)
