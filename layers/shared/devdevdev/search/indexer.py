"""Keeps the search engine in step with the table: fed by the table's change stream (a Lambda on the DynamoDB
stream in AWS; a local pump over DynamoDB Local's stream on the local stack), so searches and sorts see an article's
new text and counters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer

from devdevdev.search.port import ArticleDocument

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime

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


def apply_stream_records(runtime: Runtime, records: Iterable[dict[str, Any]]) -> int:
    """Index, re-index or delete the articles these stream records touch; refresh bookmarks' comment counts.

    Later records win (a batch may hold several versions of one article). Returns how many articles changed."""
    latest: dict[str, ArticleDocument | None] = {}
    comment_counts: dict[int, int] = {}
    for record in records:
        change = record.get("dynamodb", {})
        new = _plain(change["NewImage"]) if "NewImage" in change else None
        old = _plain(change["OldImage"]) if "OldImage" in change else None
        image = new or old
        if image is None or not _is_article(image):
            continue
        if new is None:
            latest[str(image["elasticId"])] = None
            continue
        document = document_of(new)
        latest[document.elastic_id] = document
        if old is not None and int(old.get("commentTotalCount") or 0) != document.comment_total_count:
            comment_counts[document.id] = document.comment_total_count
    documents = [d for d in latest.values() if d is not None]
    removed = [elastic_id for elastic_id, d in latest.items() if d is None]
    if documents:
        runtime.search.index(documents)
    if removed:
        runtime.search.delete(removed)
    for article_id, count in comment_counts.items():
        runtime.articles.refresh_bookmark_counts(article_id, count)
    return len(latest)


def reindex_all(runtime: Runtime, batch_size: int = 500) -> int:
    """Index every article from the table (a backfill: a new engine, a new index, the local stack's start)."""
    batch: list[ArticleDocument] = []
    count = 0
    for item in runtime.articles.all_items(page_size=batch_size):
        batch.append(document_of(_plain(item.serialize())))
        if len(batch) >= batch_size:
            runtime.search.index(batch)
            count, batch = count + len(batch), []
    if batch:
        runtime.search.index(batch)
        count += len(batch)
    return count
