"""Notifications, the publications that announced articles, live connections and the SSE inbox.

Keys are in :mod:`devdevdev.store.keys`. Notification ids are global and increasing, so a member's notifications are
listed newest first by sort key alone. Every subscriber's notification of one published article has the same id
(the publication's), which makes the fan-out idempotent: a retried delivery finds the keys already written.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
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
    UnreadCountItem,
)
from devdevdev.store.schema import PARTITION_KEY, SORT_KEY
from devdevdev.store.transactions import ConditionFailed, Contended, Writes, commit

SUBSCRIPTION, COMMENT_AND_REPLY = "SUBSCRIPTION", "COMMENT_AND_REPLY"
TYPES = (SUBSCRIPTION, COMMENT_AND_REPLY)
WEBSOCKET, SSE = "websocket", "sse"  # a live connection's transport
# Why a conditioned write of a notification transaction fails (``reason=`` on the write; ``ConditionFailed.reasons``)
NOTIFICATION_EXISTS = "notification-exists"  # the notification was already written (a retried delivery)
NOTIFICATION_READ = "notification-read"  # the notification was read meanwhile (by a concurrent request)
DOCUMENTED_TYPES = frozenset({SUBSCRIPTION})  # what a client that asks for no types is shown (docs/decisions.md)
FILTERED_PAGE = 100  # items read per request when a list leaves some types out (a few read units)
BATCH_GET_SIZE = 100  # DynamoDB's BatchGetItem limit
TRANSACTION_SIZE = 100  # DynamoDB's TransactWriteItems limit
WRITE_THREADS = 8
READ_ALL_PAGE = 1000
COMPLETE_ATTEMPTS = 8
READ_ALL_LANES = 8  # read-all's transactions at once, each on a count item of its own
_COUNT_FIELDS = {SUBSCRIPTION: "subscription", COMMENT_AND_REPLY: "comment_and_reply"}  # UnreadCountItem's, by type


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
    transport: str  # WEBSOCKET | SSE
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
        """Write the notifications that do not exist yet, each with its member's unread count in the same transaction.

        A transaction puts up to 99 notifications (each on the condition that it does not exist yet) and adds them
        to their members' counters: with the three articles of a publication, 25 members per transaction. Transactions
        run 8 at a time; those that share a member's counter run one after the other. Safe to repeat: a put refused
        by its condition is left out (the notification is there, and was counted when it was written) and the rest
        is written again, so a retried delivery writes and counts nothing twice and never makes a read notification
        unread."""
        delivery = Delivery()
        by_member: dict[int, list[Notification]] = {}
        for notification in notifications:
            by_member.setdefault(notification.member_id, []).append(notification)
        parts = [
            list(chunk)
            for member_notifications in by_member.values()
            for chunk in _chunks(member_notifications, TRANSACTION_SIZE - 1)
        ]
        with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
            for written in pool.map(_write_chain, _chains(_pack(parts))):
                delivery.written += len(written)
                delivery.members |= {n.member_id for n in written}
        return delivery

    def page(
        self, member_id: int, cursor_id: int | None, size: int, types: Collection[str] = TYPES
    ) -> tuple[list[Notification], bool]:
        """The member's notifications of ``types`` with ids below ``cursor_id``, newest first: (``size`` of them,
        whether more). Leaving a type out is a filter on the same Query: the items skipped are read (about twenty
        notifications per read unit), and each request reads ``FILTERED_PAGE`` items, so a few skipped cost one
        request, not one each."""
        if cursor_id is not None and cursor_id <= 1:
            return [], False
        condition: Condition
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
        """How many of the member's notifications of ``types`` are unread: one consistent Query of its counter item
        and read-all's lanes (at most 9 items of a few bytes: one read unit).

        A member whose counter is not ``complete`` (its notifications may predate the counter) is counted once from
        its notifications; see :meth:`_complete_count`."""
        items = list(
            UnreadCountItem.query(
                keys.member_partition(member_id),
                UnreadCountItem.sk.startswith(keys.UNREAD_COUNT),
                consistent_read=True,
            )
        )
        main = next((item for item in items if item.sk == keys.UNREAD_COUNT), None)
        if main is None or not main.complete:  # read-all's lanes are written only once it is complete
            counts = self._complete_count(member_id)
        else:
            counts = sum((_counts(item) for item in items), Counter())
        return sum(counts[t] for t in types)

    def _complete_count(self, member_id: int) -> Counter[str]:
        """Set the counter to the member's unread notifications counted in its partition (once per member); the counts.

        The counter is read first, then the unread notifications are counted (a consistent Query of the member's
        notifications, only their types returned), then the counts are written on the condition that the counter did
        not change meanwhile: every transaction that creates or reads a notification changes it, so the counts
        written are those of one moment, and what happens afterwards adds to them. When it did change, this starts
        again after a pause; should writes keep coming for every attempt, the last count is answered without being
        stored (what the count over the unread index answered before the counter) and a later request completes it."""
        key = keys.unread_count(member_id)
        counted: Counter[str] = Counter()
        for attempt in range(COMPLETE_ATTEMPTS):
            try:
                before = UnreadCountItem.get(*key, consistent_read=True)
            except DoesNotExist:
                before = None
            if before is not None and before.complete:
                return _counts(before)
            counted = Counter(
                item.type
                for item in NotificationItem.query(
                    keys.member_partition(member_id),
                    NotificationItem.sk.startswith(keys.NOTIFICATION_PREFIX),
                    filter_condition=NotificationItem.gsi1pk.exists(),
                    attributes_to_get=["type"],
                    consistent_read=True,
                )
            )
            if before is None:
                unchanged = UnreadCountItem.pk.does_not_exist()
            elif before.changes is None:
                unchanged = UnreadCountItem.changes.does_not_exist() & UnreadCountItem.complete.does_not_exist()
            else:
                unchanged = (UnreadCountItem.changes == before.changes) & UnreadCountItem.complete.does_not_exist()
            try:
                UnreadCountItem(*key).update(
                    actions=[
                        *(getattr(UnreadCountItem, _COUNT_FIELDS[t]).set(counted[t]) for t in TYPES),
                        UnreadCountItem.complete.set(True),
                    ],
                    condition=unchanged,
                )
            except UpdateError as error:
                if is_condition_failure(error) or error.cause_response_code == "TransactionConflictException":
                    time.sleep(random.uniform(0, min(0.5, 0.02 * 2**attempt)))
                    continue
                raise
            return counted
        return counted

    def mark_read(self, member_id: int, notification_id: int) -> bool:
        """Mark one of the member's notifications read and uncount it, in one transaction (idempotent: a notification
        already read, or read by a concurrent request, is uncounted once); False when the member has no such one."""
        try:
            item = NotificationItem.get(
                *keys.notification(member_id, notification_id),
                consistent_read=True,
                attributes_to_get=["type", "GSI1PK"],
            )
        except DoesNotExist:
            return False
        if item.gsi1pk is not None:
            with suppress(ConditionFailed):  # read meanwhile by a concurrent request, which uncounted it
                commit(lambda write: _read_in(write, member_id, [(notification_id, item.type)]))
        return True

    def mark_all_read(self, member_id: int, types: Collection[str] = TYPES) -> int:
        """Mark every unread notification of ``types`` read; how many there were.

        The unread index is read 1,000 keys at a time (only its keys: it may project nothing else), their types are
        read from the table (BatchGets), and those of ``types`` are marked read 99 to a transaction that also takes
        them off the member's count. A notification read meanwhile (its condition fails) is left out and the rest
        written again, so each one is uncounted once however read-one and read-all race. The transactions run in 8
        lanes at once, each taking its counts off an item of its own (``UNREAD#<lane>``, summed into the count), as
        transactions on one item would cancel each other."""
        self.unread_count(member_id)  # completes the counter first: read-all's lanes add to a complete count
        done = 0
        unread = NotificationItem.query(
            keys.unread_notifications(member_id),
            index_name="GSI1",
            page_size=READ_ALL_PAGE,
            attributes_to_get=[PARTITION_KEY, SORT_KEY],
        )
        page: list[tuple[str, str]] = []
        for item in unread:  # the query goes on from its last key: items rewritten meanwhile left the index
            page.append((item.pk, item.sk))
            if len(page) == READ_ALL_PAGE:
                done, page = done + _read_page(member_id, page, types), []
        return done + _read_page(member_id, page, types)

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
        (the subscribers of a fan-out page are contiguous in member-id order; only the index's keys are read), then a
        BatchGet of those of these members; expired ones left out."""
        wanted = set(member_ids)
        if not wanted:
            return []
        found = [
            (item.pk, item.sk)
            for item in ConnectionItem.query(
                keys.CONNECTED,
                ConnectionItem.gsi1sk.between(min(wanted), max(wanted)),
                index_name="GSI1",
                attributes_to_get=[PARTITION_KEY, SORT_KEY, "GSI1SK"],
            )
            if int(item.gsi1sk) in wanted
        ]
        connections = []
        for chunk in _chunks(found, BATCH_GET_SIZE):
            for item in ConnectionItem.batch_get(chunk):
                if item.expires_at is None or item.expires_at > now:
                    connections.append(_connection(item))
        return sorted(connections, key=lambda c: (c.member_id, c.id))

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


def _counts(item: UnreadCountItem) -> Counter[str]:
    return Counter({t: int(getattr(item, field) or 0) for t, field in _COUNT_FIELDS.items()})


def _count_update(write: Writes, member_id: int, deltas: Counter[str], lane: int | None = None) -> None:
    """Add ``deltas`` (by type) to the member's unread counter (or one of read-all's lanes), in ``write``."""
    write.update(
        UnreadCountItem(*keys.unread_count(member_id, lane)),
        actions=[
            *(getattr(UnreadCountItem, _COUNT_FIELDS[t]).add(d) for t, d in sorted(deltas.items()) if d),
            UnreadCountItem.changes.add(1),
        ],
    )


def add_notification(write: Writes, notification: Notification) -> None:
    """Add a new notification and its count to a write transaction (e.g. the reply that causes it): the put, on the
    condition that the notification does not exist yet (:data:`NOTIFICATION_EXISTS` when it does), and the counter's
    update."""
    write.save(
        notification_item(notification), condition=NotificationItem.pk.does_not_exist(), reason=NOTIFICATION_EXISTS
    )
    if not notification.is_read:
        _count_update(write, notification.member_id, Counter({notification.type: 1}))


def _pack(parts: list[list[Notification]]) -> list[list[list[Notification]]]:
    """Parts (a member's notifications, at most 99) packed in order into transactions of at most 100 operations
    (each part is its puts and one counter update)."""
    transactions: list[list[list[Notification]]] = []
    size = TRANSACTION_SIZE
    for part in parts:
        if size + len(part) + 1 > TRANSACTION_SIZE:
            transactions.append([])
            size = 0
        transactions[-1].append(part)
        size += len(part) + 1
    return transactions


def _chains(transactions: list[list[list[Notification]]]) -> list[list[list[list[Notification]]]]:
    """Transactions grouped so that those sharing a member's counter (only neighbours can) run one after the other:
    concurrent transactions on one item would cancel each other."""
    chains: list[list[list[list[Notification]]]] = []
    last_members: set[int] = set()
    for transaction_parts in transactions:
        members = {part[0].member_id for part in transaction_parts}
        if chains and members & last_members:
            chains[-1].append(transaction_parts)
        else:
            chains.append([transaction_parts])
        last_members = members
    return chains


def _write_chain(chain: list[list[list[Notification]]]) -> list[Notification]:
    return [n for transaction_parts in chain for n in _write_new(transaction_parts)]


def _write_new(parts: list[list[Notification]]) -> list[Notification]:
    """One transaction of these parts (puts on the condition the notification is new, and the counts); the
    notifications written. When some already exist (a retried delivery, or two deliveries of one job at once), a
    consistent BatchGet finds them and the transaction runs again without them."""
    pending = [n for part in parts for n in part]
    for _ in range(COMPLETE_ATTEMPTS):
        if not pending:
            return []

        def build(write: Writes, pending: list[Notification] = pending) -> None:
            for notification in pending:
                write.save(
                    notification_item(notification),
                    condition=NotificationItem.pk.does_not_exist(),
                    reason=NOTIFICATION_EXISTS,
                )
            per_member: dict[int, Counter[str]] = {}
            for notification in pending:
                if not notification.is_read:
                    per_member.setdefault(notification.member_id, Counter())[notification.type] += 1
            for member_id, deltas in per_member.items():
                _count_update(write, member_id, deltas)

        try:
            commit(build)
        except ConditionFailed:
            found = _existing(pending)
            pending = [n for n in pending if (n.member_id, n.id) not in found]
            continue
        return pending
    raise Contended()


def _existing(chunk: Sequence[Notification]) -> set[tuple[int, int]]:
    """The (member, id) of these notifications that exist (consistent BatchGets of their keys)."""
    found: set[tuple[int, int]] = set()
    for part in _chunks(chunk, BATCH_GET_SIZE):
        found |= {
            (int(item.member_id), int(item.notification_id))
            for item in NotificationItem.batch_get(
                [keys.notification(n.member_id, n.id) for n in part],
                consistent_read=True,
                attributes_to_get=["memberId", "id"],
            )
        }
    return found


def _read_in(write: Writes, member_id: int, notifications: Sequence[tuple[int, str]], lane: int | None = None) -> None:
    """Mark these (id, type) of the member's notifications read, each on the condition that it is still unread
    (:data:`NOTIFICATION_READ` when it is not), and take them off its counter, in ``write``."""
    for notification_id, _ in notifications:
        write.update(
            NotificationItem(*keys.notification(member_id, notification_id)),
            actions=[
                NotificationItem.is_read.set(True),
                NotificationItem.gsi1pk.remove(),
                NotificationItem.gsi1sk.remove(),
            ],
            condition=NotificationItem.gsi1pk.exists(),
            reason=NOTIFICATION_READ,
        )
    deltas: Counter[str] = Counter()
    for _, notification_type in notifications:
        deltas[notification_type] -= 1
    _count_update(write, member_id, deltas, lane)


def _unread(member_id: int, notification_ids: Sequence[int]) -> set[int]:
    """Which of these notifications of the member are still unread (consistent BatchGets of their keys)."""
    unread: set[int] = set()
    for chunk in _chunks(notification_ids, BATCH_GET_SIZE):
        unread |= {
            int(item.notification_id)
            for item in NotificationItem.batch_get(
                [keys.notification(member_id, notification_id) for notification_id in chunk],
                consistent_read=True,
                attributes_to_get=["id", "GSI1PK"],
            )
            if item.gsi1pk is not None
        }
    return unread


def _types(page: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The type of each of these notifications (by key), read from the table: eventually consistent BatchGets, then
    a consistent one for any a replica did not have yet."""
    types: dict[tuple[str, str], str] = {}
    for consistent in (False, True):
        missing = [key for key in page if key not in types]
        for chunk in _chunks(missing, BATCH_GET_SIZE):
            for item in NotificationItem.batch_get(
                chunk, consistent_read=consistent, attributes_to_get=[PARTITION_KEY, SORT_KEY, "type"]
            ):
                types[(item.pk, item.sk)] = item.type
        if len(types) == len(page):
            break
    return types


def _read_page(member_id: int, page: Sequence[tuple[str, str]], types: Collection[str]) -> int:
    """Mark read the notifications of ``types`` among these unread keys, 99 to a transaction with the count's
    update, in ``READ_ALL_LANES`` lanes; how many this marked (those read meanwhile by another request are left
    out)."""
    if not page:
        return 0
    known = _types(page)
    wanted = [(int(sk.split("#", 1)[1]), known[(pk, sk)]) for pk, sk in page if known.get((pk, sk)) in types]
    chunks = _chunks(wanted, TRANSACTION_SIZE - 1)
    lanes = [(lane, chunks[lane::READ_ALL_LANES]) for lane in range(min(READ_ALL_LANES, len(chunks)))]
    with ThreadPoolExecutor(max_workers=READ_ALL_LANES) as pool:
        return sum(pool.map(lambda lane: _read_lane(member_id, *lane), lanes))


def _read_lane(member_id: int, lane: int, chunks: Sequence[Sequence[tuple[int, str]]]) -> int:
    """Mark these chunks read, one transaction each. A transaction whose condition fails (some of its notifications
    were read meanwhile: their reader uncounted them) is written again without those, however many times readers
    get ahead of it: each failure leaves out at least one, so a chunk of 99 is done in at most 100 transactions. Only
    a failure that leaves none out (which no reader explains) counts against ``COMPLETE_ATTEMPTS``."""
    done = 0
    for chunk in chunks:
        pending = list(chunk)
        unexplained = 0
        while pending:

            def build(write: Writes, pending: list[tuple[int, str]] = pending) -> None:
                _read_in(write, member_id, pending, lane)

            try:
                commit(build)
            except ConditionFailed:
                unread = _unread(member_id, [notification_id for notification_id, _ in pending])
                still = [n for n in pending if n[0] in unread]
                if len(still) == len(pending):
                    unexplained += 1
                    if unexplained == COMPLETE_ATTEMPTS:
                        raise Contended() from None
                pending = still
                continue
            done += len(pending)
            break
    return done
