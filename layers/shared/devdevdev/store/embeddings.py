"""Pick embeddings, the requests waiting for them, and the version of the similar-pick candidates.

An embedding is its own item in the pick's partition (``PICK#<id>`` / ``EMBEDDING``), not an attribute of the
pick: a 6 KB vector on the pick item would make every view and vote cost seven write units, and the four list
indexes (projection ALL) would copy it. While the pick is APPROVAL the embedding sits in GSI1 ``PICK_EMBEDDINGS`` by
pick id, so "the latest 1,000 APPROVAL picks with an embedding" is one Query. Every write that changes that set
bumps ``PICK_EMBEDDINGS`` / ``VERSION`` in the same transaction, which is what a warm instance's cached candidate
matrix checks with one GetItem.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.update import Action

from devdevdev.store import keys
from devdevdev.store.errors import is_condition_failure
from devdevdev.store.models import CounterItem, EmbeddingRequestItem, PickEmbeddingItem, PickItem
from devdevdev.store.transactions import Writes, commit

if TYPE_CHECKING:  # numpy loads only in the functions that compare or store vectors, not on every cold start
    import numpy as np

CANDIDATES_PAGE_SIZE = 250  # 250 OpenAI vectors (6 KB each) fill about 1.5 MB: two DynamoDB pages
MAX_REQUESTS_PER_COMMIT = 90  # a transaction holds at most 100 operations

# What a failed condition means (``ConditionFailed.reasons``).
EMBEDDING_CHANGED = "embedding-changed"  # the pick's embedding appeared or went since it was read
EMBEDDED_PICK_CHANGED = "embedded-pick-changed"  # the pick's title or status is not the one embedded


def title_hash(title: str) -> str:
    """The fingerprint of a title an embedding was made from (first 16 hex digits of its SHA-256)."""
    return hashlib.sha256(title.encode("utf-8")).hexdigest()[:16]


def to_bytes(vector: np.ndarray) -> bytes:
    """A vector as little-endian float32 bytes."""
    import numpy as np

    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(raw: bytes) -> np.ndarray:
    """The vector stored by :func:`to_bytes`."""
    import numpy as np

    return np.frombuffer(raw, dtype="<f4")


@dataclass(frozen=True)
class PickEmbedding:
    pick_id: int
    model: str
    vector: np.ndarray
    title_hash: str


@dataclass(frozen=True)
class EmbeddingRequest:
    pick_id: int
    revision: int
    title_hash: str
    requested_at: datetime
    error: str | None = None
    cause: str | None = None
    failed_at: datetime | None = None
    failures: int = 0


def _request(item: EmbeddingRequestItem) -> EmbeddingRequest:
    return EmbeddingRequest(
        pick_id=int(item.pick_id),
        revision=int(item.revision),
        title_hash=item.title_hash,
        requested_at=item.requested_at,
        error=item.error,
        cause=item.cause,
        failed_at=item.failed_at,
        failures=int(item.failures or 0),
    )


def request_item(pick_id: int, revision: int, title: str, now: datetime) -> EmbeddingRequestItem:
    """The marker that asks for the embedding of ``title`` (its INSERT starts the pipeline)."""
    return EmbeddingRequestItem(
        *keys.embedding_request(pick_id, revision),
        pick_id=pick_id,
        revision=revision,
        title_hash=title_hash(title),
        requested_at=now,
        gsi1pk=keys.EMBEDDING_REQUESTS,
        gsi1sk=pick_id,
    )


def relist(write: Writes, pick_id: int, listed: bool, embedded: bool) -> None:
    """Within a pick's status change: put its embedding in the candidates (``listed``) or take it out, and bump the
    version. ``embedded`` is what the caller read; the condition fails with :data:`EMBEDDING_CHANGED` (re-read and
    retry) if that changed."""
    if not embedded:
        write.condition_check(
            PickEmbeddingItem,
            *keys.pick_embedding(pick_id),
            condition=PickEmbeddingItem.pk.does_not_exist(),
            reason=EMBEDDING_CHANGED,
        )
        return
    actions: list[Action] = (
        [PickEmbeddingItem.gsi1pk.set(keys.PICK_EMBEDDINGS), PickEmbeddingItem.gsi1sk.set(pick_id)]
        if listed
        else [PickEmbeddingItem.gsi1pk.remove(), PickEmbeddingItem.gsi1sk.remove()]
    )
    write.update(
        PickEmbeddingItem(*keys.pick_embedding(pick_id)),
        actions=actions,
        condition=PickEmbeddingItem.pk.exists(),
        reason=EMBEDDING_CHANGED,
    )
    write.update(CounterItem(*keys.embeddings_version()), actions=[CounterItem.value.add(1)])


class PickEmbeddingRepository:
    """Reads and writes of embeddings and embedding requests."""

    def get(self, pick_id: int) -> PickEmbedding | None:
        """A pick's stored embedding, or None."""
        try:
            item = PickEmbeddingItem.get(*keys.pick_embedding(pick_id))
        except DoesNotExist:
            return None
        return PickEmbedding(int(item.pick_id), item.model, from_bytes(item.vector), item.title_hash)

    def exists(self, pick_id: int) -> bool:
        """Whether the pick has an embedding (read consistently: a status change decides on it)."""
        try:
            PickEmbeddingItem.get(*keys.pick_embedding(pick_id), consistent_read=True, attributes_to_get=["PK"])
        except DoesNotExist:
            return False
        return True

    def models_of(self, pick_ids: Iterable[int]) -> dict[int, str]:
        """The model of each of these picks' embeddings (picks without one are absent), in one BatchGet."""
        wanted = [keys.pick_embedding(i) for i in set(pick_ids)]
        if not wanted:
            return {}
        return {
            int(i.pick_id): i.model for i in PickEmbeddingItem.batch_get(wanted, attributes_to_get=["pickId", "model"])
        }

    def version(self) -> int:
        """The candidates' version: it changes whenever an embedding is stored, listed or unlisted."""
        try:
            return int(CounterItem.get(*keys.embeddings_version(), consistent_read=True).value)
        except DoesNotExist:
            return 0

    def candidates(self, limit: int) -> list[tuple[int, str, bytes]]:
        """The latest ``limit`` embeddings of APPROVAL picks: (pick id, model, float32 bytes), newest first."""
        items = PickEmbeddingItem.query(
            keys.PICK_EMBEDDINGS,
            index_name="GSI1",
            scan_index_forward=False,
            limit=limit,
            page_size=min(limit, CANDIDATES_PAGE_SIZE),
        )
        return [(int(i.pick_id), i.model, i.vector) for i in items]

    def requests_of(self, pick_id: int) -> list[EmbeddingRequest]:
        """The pick's embedding requests, oldest first."""
        items = EmbeddingRequestItem.query(
            keys.pick_partition(pick_id),
            range_key_condition=EmbeddingRequestItem.sk.startswith(keys.EMBEDDING_REQUEST_PREFIX),
        )
        return [_request(i) for i in items]

    def waiting(self) -> Iterator[EmbeddingRequest]:
        """Every embedding request not yet done (waiting, or failed), newest pick first: one paged Query."""
        for item in EmbeddingRequestItem.query(keys.EMBEDDING_REQUESTS, index_name="GSI1", scan_index_forward=False):
            yield _request(item)

    def store(
        self,
        pick_id: int,
        *,
        title: str,
        status: str,
        listed: bool,
        model: str,
        vector: np.ndarray,
        done: Iterable[EmbeddingRequest],
        now: datetime,
    ) -> None:
        """Store the embedding of ``title`` and delete the requests it answers, if the pick still has that title and
        status (else ``ConditionFailed`` :data:`EMBEDDED_PICK_CHANGED`: re-read the pick). ``listed``: a candidate
        (APPROVAL)."""
        raw = to_bytes(vector)
        item = PickEmbeddingItem(
            *keys.pick_embedding(pick_id),
            pick_id=pick_id,
            vector=raw,
            dimensions=len(raw) // 4,
            model=model,
            title_hash=title_hash(title),
            embedded_at=now,
        )
        if listed:
            item.gsi1pk, item.gsi1sk = keys.PICK_EMBEDDINGS, pick_id
        answered = list(done)[:MAX_REQUESTS_PER_COMMIT]

        def build(write: Writes) -> None:
            write.condition_check(
                PickItem,
                *keys.pick(pick_id),
                condition=(PickItem.title == title) & (PickItem.content_status == status),
                reason=EMBEDDED_PICK_CHANGED,
            )
            write.save(item)
            write.update(CounterItem(*keys.embeddings_version()), actions=[CounterItem.value.add(1)])
            for request in answered:
                write.delete(EmbeddingRequestItem(*keys.embedding_request(pick_id, request.revision)))

        commit(build)

    def record_failure(self, pick_id: int, error: str, cause: str, now: datetime) -> int:
        """Write the failure on each of the pick's waiting requests (an update: it does not start the pipeline
        again); how many there were. A pick with none (deleted, or already embedded) records nothing."""
        recorded = 0
        for request in self.requests_of(pick_id):
            try:
                EmbeddingRequestItem(*keys.embedding_request(pick_id, request.revision)).update(
                    actions=[
                        EmbeddingRequestItem.error.set(error[:200]),
                        EmbeddingRequestItem.cause.set(cause[:2000]),
                        EmbeddingRequestItem.failed_at.set(now),
                        EmbeddingRequestItem.failures.add(1),
                    ],
                    condition=EmbeddingRequestItem.pk.exists(),
                )
            except UpdateError as failure:
                if not is_condition_failure(failure):
                    raise
                continue  # answered or deleted meanwhile
            recorded += 1
        return recorded

    def candidates_changed(self) -> None:
        """After a pick's partition is deleted: the candidates changed (its embedding went with it)."""
        CounterItem(*keys.embeddings_version()).update(actions=[CounterItem.value.add(1)])
