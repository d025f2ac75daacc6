"""What follows a change to an article item on the table's change stream (docs/rules.md#articles): the search
engine indexes its new version, and a new comment count goes into the article's bookmarks, the order of the
bookmark list ``MOST_COMMENTED``.

Kept apart from :mod:`devdevdev.services.articles` so the indexer function loads no repository at import (the
runtime builds the article repository on first use)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from devdevdev.search.indexer import ArticleChange, article_changes, index_all, index_changes

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime


def _new_comment_counts(changes: Sequence[ArticleChange]) -> dict[int, int]:
    """The articles whose comment count changed, with their latest count."""
    counts: dict[int, int] = {}
    for change in changes:
        before, after = change.before, change.after
        if before is not None and after is not None and before.comment_total_count != after.comment_total_count:
            counts[after.id] = after.comment_total_count
    return counts


def apply_stream_records(runtime: Runtime, records: Iterable[dict[str, Any]]) -> int:
    """Index, re-index or delete the articles these stream records touch, then refresh their bookmarks' comment
    counts. Returns how many articles changed."""
    changes = article_changes(records)
    changed = index_changes(runtime.search, changes)
    for article_id, count in _new_comment_counts(changes).items():
        runtime.articles.refresh_bookmark_counts(article_id, count)
    return changed


def reindex_all(runtime: Runtime, batch_size: int = 500) -> int:
    """Index every article from the table (a new engine, a new index, the local stack's start); how many."""
    return index_all(runtime.search, runtime.articles.all_images(page_size=batch_size), batch_size)
