"""Which search engine a process uses: OpenSearch when a URL is configured, else the embedded engine."""

from __future__ import annotations

import threading

from devdevdev.search.port import SearchEngine

_embedded: dict[str, SearchEngine] = {}
_embedded_lock = threading.Lock()


def create_search_engine(url: str | None, index_name: str, region: str | None) -> SearchEngine:
    """An :class:`~devdevdev.search.opensearch.OpenSearchSearch` on ``url`` (signed for ``region`` when given), or
    without a URL the process-wide in-memory :class:`~devdevdev.search.embedded.EmbeddedSearch` of ``index_name``:
    one per name, so every handler instance of the local gateway searches what the others indexed.

    The engines are imported here, not at module level: tantivy is only installed for the local stack, and
    opensearch-py loads only in functions that search."""
    if url:
        from devdevdev.search.opensearch import OpenSearchSearch

        return OpenSearchSearch(url=url, index_name=index_name, region=region)
    with _embedded_lock:
        engine = _embedded.get(index_name)
        if engine is None:
            from devdevdev.search.embedded import EmbeddedSearch

            engine = _embedded[index_name] = EmbeddedSearch()
        return engine
