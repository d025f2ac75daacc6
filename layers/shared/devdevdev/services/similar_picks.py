"""나도 고민 했는데 픽픽픽 (similar picks, docs/rules.md#picks-similar) and the embeddings behind it.

``similar_picks`` answers the endpoint from the stored embeddings; ``embed_picks`` and ``record_failure`` are what
the embed Lambda and its failure handler run (the Step Functions pipeline, ``devdevdev.embeddings.pipeline``);
``backfill`` re-embeds what is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from devdevdev.domain.errors import Errors
from devdevdev.embeddings import EmbeddingError, EmbeddingProvider
from devdevdev.store.embeddings import EmbeddingRequest, title_hash
from devdevdev.store.picks import APPROVAL, DELETING, Pick, PickSort
from devdevdev.store.transactions import ConditionFailed

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime

log = logging.getLogger(__name__)

SIMILAR_PICKS = 3
CANDIDATE_LIMIT = 1000
STORE_ATTEMPTS = 5


# The endpoint -----------------------------------------------------------------------------------------------------


def similar_picks(runtime: Runtime, pick_id: int) -> list[dict[str, Any]]:
    """``GET /picks/{pickId}/similarties``: the 3 APPROVAL picks whose titles are most similar to this one's, among
    the latest 1,000 with an embedding. 404 missing, 400 not APPROVAL, the 503-coded 500 when the pick has no
    embedding yet (it is made asynchronously)."""
    pick = runtime.picks.get(pick_id)
    if pick is None or pick.status == DELETING:
        raise Errors.PICK_NOT_FOUND.error()
    if pick.status != APPROVAL:
        raise Errors.PICK_NOT_APPROVED.error()
    embedding = runtime.embeddings.get(pick_id)
    if embedding is None:
        raise Errors.TEMPORARY_FAILURE.error()
    repository = runtime.embeddings
    candidates = runtime.candidate_cache.get(repository.version(), lambda: repository.candidates(CANDIDATE_LIMIT))
    # The cache may be a moment behind a moderation or a deletion: the top picks are read fresh (their counters
    # must be), and a pick no longer APPROVAL gives its place to the next one.
    wanted = SIMILAR_PICKS * 3
    while True:
        ranked = candidates.most_similar(embedding.model, embedding.vector, exclude=pick_id, k=wanted)
        found = runtime.picks.get_many(i for i, _ in ranked)
        listed = [(found[i], score) for i, score in ranked if i in found and found[i].status == APPROVAL]
        if len(listed) >= SIMILAR_PICKS or len(ranked) < wanted:
            return [_similar_item(p, score) for p, score in listed[:SIMILAR_PICKS]]
        wanted *= 4


def _similar_item(pick: Pick, similarity: float) -> dict[str, Any]:
    return {
        "id": pick.id,
        "title": pick.title,
        "voteTotalCount": pick.vote_total_count,
        "commentTotalCount": pick.comment_total_count,
        "similarity": similarity,
    }


# The pipeline -----------------------------------------------------------------------------------------------------


@dataclass
class EmbedSummary:
    """What one run of the embed step did, by pick id."""

    embedded: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)  # the stored embedding is already of the current title
    missing: list[int] = field(default_factory=list)  # deleted (or being deleted): nothing to embed

    def as_dict(self) -> dict[str, list[int]]:
        return {"embedded": self.embedded, "unchanged": self.unchanged, "missing": self.missing}


def embed_picks(runtime: Runtime, provider: EmbeddingProvider, pick_ids: Iterable[int]) -> EmbedSummary:
    """Embed the current title of each pick and store it with the pick, answering its waiting requests.

    A pick whose stored embedding is already of its current title (and model) costs no provider call, so a
    repeated or late delivery is a cheap no-op. The provider's errors propagate (the state machine retries
    ``EmbeddingThrottled`` and ``EmbeddingTimeout``)."""
    summary = EmbedSummary()
    pending = sorted(set(pick_ids))
    for _ in range(STORE_ATTEMPTS):
        if not pending:
            break
        picks = runtime.picks.get_many(pending)
        to_embed: list[tuple[Pick, list[EmbeddingRequest]]] = []
        for pick_id in pending:
            pick = picks.get(pick_id)
            if pick is None or pick.status == DELETING:
                summary.missing.append(pick_id)
                continue
            stored = runtime.embeddings.get(pick_id)
            requests = runtime.embeddings.requests_of(pick_id)
            current = stored and stored.model == provider.model and stored.title_hash == title_hash(pick.title)
            if current and not requests:
                summary.unchanged.append(pick_id)
                continue
            to_embed.append((pick, requests))
        vectors = provider.embed([p.title for p, _ in to_embed]) if to_embed else []
        retry: list[int] = []
        for (pick, requests), vector in zip(to_embed, vectors, strict=True):
            try:
                runtime.embeddings.store(
                    pick.id,
                    title=pick.title,
                    status=pick.status,
                    listed=pick.status == APPROVAL,
                    model=provider.model,
                    vector=vector,
                    done=requests,
                    now=runtime.clock.now(),
                )
            except ConditionFailed:
                retry.append(pick.id)  # retitled, moderated or deleted meanwhile: read it again
                continue
            summary.embedded.append(pick.id)
        pending = retry
    if pending:
        log.warning("picks kept changing while being embedded; their newer requests will embed them: %s", pending)
    return summary


def record_failure(runtime: Runtime, pick_ids: Iterable[int], error: str, cause: str) -> dict[int, int]:
    """Record an execution's final failure on the picks' waiting requests (for the operator and the backfill);
    the number of requests marked per pick. A deleted pick has none and is skipped."""
    now = runtime.clock.now()
    return {pick_id: runtime.embeddings.record_failure(pick_id, error, cause, now) for pick_id in sorted(set(pick_ids))}


def picks_to_backfill(runtime: Runtime, model: str) -> list[int]:
    """The picks the backfill embeds: every waiting or failed request, and every APPROVAL pick without an embedding
    of ``model`` (picks older than the pipeline, or embedded by another provider). Queries only."""
    wanted = {request.pick_id for request in runtime.embeddings.waiting()}
    cursor: int | None = None
    while True:
        page, has_next, _ = runtime.picks.page(PickSort.LATEST, cursor, 100)
        models = runtime.embeddings.models_of(p.id for p in page)
        wanted.update(p.id for p in page if models.get(p.id) != model)
        if not has_next or not page:
            break
        cursor = page[-1].id
    return sorted(wanted)


@dataclass
class BackfillReport:
    """What a backfill did."""

    found: list[int] = field(default_factory=list)
    summary: EmbedSummary = field(default_factory=EmbedSummary)
    failed: dict[int, str] = field(default_factory=dict)  # pick id → the provider's error


def backfill(runtime: Runtime, provider: EmbeddingProvider, batch_size: int = 20) -> BackfillReport:
    """Embed every pick :func:`picks_to_backfill` finds, ``batch_size`` titles per provider call. A batch the
    provider refuses is recorded as failed (on the picks' requests too) and the others go on."""
    report = BackfillReport(found=picks_to_backfill(runtime, provider.model))
    for start in range(0, len(report.found), batch_size):
        batch = report.found[start : start + batch_size]
        try:
            done = embed_picks(runtime, provider, batch)
        except EmbeddingError as error:
            name = type(error).__name__
            record_failure(runtime, batch, name, str(error))
            report.failed.update(dict.fromkeys(batch, name))
            continue
        report.summary.embedded += done.embedded
        report.summary.unchanged += done.unchanged
        report.summary.missing += done.missing
    return report
