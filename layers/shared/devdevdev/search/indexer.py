"""Keeps the search engine in step with the table: fed by the table's change stream (a Lambda on the DynamoDB
stream in AWS; a local pump over DynamoDB Local's stream on the local stack), so searches and sorts see an article's
new text and counters.

This module only reads articles out of stream records and indexes them; what else follows an article's change is
the article service's (:mod:`devdevdev.services.article_stream`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from devdevdev.search.port import ArticleDocument, SearchEngine

_deserializer = TypeDeserializer()


def _plain(image: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in image.items()}


def _is_article(image: dict[str, Any]) -> bool:
    return str(image.get("PK", "")).startswith("ARTICLE#") and image.get("SK") == "ARTICLE"


def document_of(item: dict[str, Any]) -> ArticleDocument:
    """The engine's document for an article item (plain Python values, as stored)."""
    return ArticleDocument(
        id=int(item["id"]),
        elastic_id=str(item["elasticId"]),
        company_id=int(item["companyId"]),
        title=str(item.get("title") or ""),
        contents=str(item.get("contents") or ""),
        reg_date=str(item["regDate"]),
        view_total_count=int(item.get("viewTotalCount") or 0),
        recommend_total_count=int(item.get("recommendTotalCount") or 0),
        comment_total_count=int(item.get("commentTotalCount") or 0),
        popular_score=int(item.get("popularScore") or 0),
    )


@dataclass(frozen=True)
class ArticleChange:
    """What one stream record did to an article: its document before (None for a new article) and after (None when
    it was deleted)."""

    elastic_id: str
    before: ArticleDocument | None
    after: ArticleDocument | None


def article_changes(records: Iterable[dict[str, Any]]) -> list[ArticleChange]:
    """The changes to articles these stream records carry, in order (records of other items are skipped)."""
    changes = []
    for record in records:
        change = record.get("dynamodb", {})
        new = _plain(change["NewImage"]) if "NewImage" in change else None
        old = _plain(change["OldImage"]) if "OldImage" in change else None
        image = new or old
        if image is None or not _is_article(image):
            continue
        before = document_of(old) if old is not None else None
        after = document_of(new) if new is not None else None
        changes.append(ArticleChange(str(image["elasticId"]), before, after))
    return changes


def index_changes(engine: SearchEngine, changes: Sequence[ArticleChange]) -> int:
    """Index, re-index or delete the changed articles. Later changes win (a batch may hold several versions of one
    article). Returns how many articles changed."""
    latest: dict[str, ArticleDocument | None] = {}
    for change in changes:
        latest[change.elastic_id] = change.after
    documents = [d for d in latest.values() if d is not None]
    removed = [elastic_id for elastic_id, d in latest.items() if d is None]
    if documents:
        engine.index(documents)
    if removed:
        engine.delete(removed)
    return len(latest)


def index_all(engine: SearchEngine, images: Iterable[dict[str, Any]], batch_size: int = 500) -> int:
    """Index these article items (DynamoDB-typed images, as the stream carries them) in batches: a backfill (a new
    engine, a new index, the local stack's start). Returns how many were indexed."""
    batch: list[ArticleDocument] = []
    count = 0
    for image in images:
        batch.append(document_of(_plain(image)))
        if len(batch) >= batch_size:
            engine.index(batch)
            count, batch = count + len(batch), []
    if batch:
        engine.index(batch)
        count += len(batch)
    return count
