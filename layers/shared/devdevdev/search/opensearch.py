"""The article search engine on OpenSearch (Amazon OpenSearch Service in AWS, or any OpenSearch at a plain URL).

The legacy API's behaviour (docs/rules.md#articles-list): the keyword goes to ``query_string`` with default operator
AND, over ``title^2`` and ``contents`` analysed by nori; a keyword the syntax cannot parse is :class:`InvalidQuery`.
Lists page with ``sort`` + ``search_after`` on (sort value, ``reg_date``, ``id``), reading one hit more than the page
to know ``has_next`` exactly, and ``track_total_hits`` for the exact ``total``.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, fields
from datetime import UTC, date, datetime
from typing import Any

from opensearchpy import AWSV4SignerAuth, NotFoundError, OpenSearch, RequestError, RequestsHttpConnection

from devdevdev.search.port import ArticleDocument, ArticleSort, InvalidQuery, SearchAfter, SearchHit, SearchPage

TITLE_BOOST = 2
SORT_FIELD = {
    ArticleSort.POPULAR: "popular_score",
    ArticleSort.MOST_VIEWED: "view_total_count",
    ArticleSort.MOST_COMMENTED: "comment_total_count",
}
INDEX_BODY: dict[str, Any] = {
    # A few thousand articles fit one shard, and one shard scores with index-wide term statistics, so equal texts get
    # equal scores wherever they were routed.
    "settings": {"index": {"number_of_shards": 1}},
    "mappings": {
        # Unknown fields are kept in _source but not indexed, so a newer document shape never fails a write.
        "dynamic": False,
        "properties": {
            "id": {"type": "long"},
            "elastic_id": {"type": "keyword"},
            "company_id": {"type": "long"},
            # nori: the Korean morphological analyser (bundled with Amazon OpenSearch Service).
            "title": {"type": "text", "analyzer": "nori"},
            "contents": {"type": "text", "analyzer": "nori"},
            "reg_date": {"type": "date", "format": "yyyy-MM-dd"},
            "view_total_count": {"type": "long"},
            "recommend_total_count": {"type": "long"},
            "comment_total_count": {"type": "long"},
            "popular_score": {"type": "long"},
        },
    },
}
# Error types OpenSearch gives a query_string it cannot parse (nested in a search_phase_execution_exception).
PARSE_ERRORS = ("query_shard_exception", "parse_exception", "query_parsing_exception", "Failed to parse query")


def _epoch_millis(reg_date: str) -> int:
    """A ``yyyy-MM-dd`` date as OpenSearch sorts it (UTC midnight in epoch milliseconds)."""
    return int(datetime.combine(date.fromisoformat(reg_date), datetime.min.time(), UTC).timestamp() * 1000)


def _document(source: dict[str, Any]) -> ArticleDocument:
    """The stored document, ignoring fields this version does not know."""
    return ArticleDocument(**{f.name: source[f.name] for f in fields(ArticleDocument) if f.name in source})


def _is_parse_error(error: RequestError) -> bool:
    return any(marker in str(error.info) for marker in PARSE_ERRORS)


class OpenSearchSearch:
    """:class:`~devdevdev.search.port.SearchEngine` on an OpenSearch index.

    ``region`` given: requests are signed with SigV4 for ``service`` (``es`` for OpenSearch Service, ``aoss`` for
    Serverless) with boto3's credentials; otherwise plain requests (a local OpenSearch). The client is built, and the
    index created if missing, on first use."""

    def __init__(self, url: str, index_name: str, region: str | None = None, *, service: str = "es") -> None:
        self.url = url
        self.index_name = index_name
        self.region = region
        self.service = service
        self._client: OpenSearch | None = None
        self._ready = False
        self._lock = threading.Lock()

    @property
    def client(self) -> OpenSearch:
        """The OpenSearch client (built once)."""
        with self._lock:
            if self._client is None:
                auth = None
                if self.region:
                    import boto3  # only the signed (AWS) path needs it

                    auth = AWSV4SignerAuth(boto3.Session().get_credentials(), self.region, self.service)
                self._client = OpenSearch(
                    hosts=[self.url],
                    http_auth=auth,
                    connection_class=RequestsHttpConnection,
                    timeout=10,
                )
            return self._client

    def ensure_index(self) -> None:
        """Create the index with its mapping unless it exists."""
        if self.client.indices.exists(index=self.index_name):
            return
        try:
            self.client.indices.create(index=self.index_name, body=INDEX_BODY)
        except RequestError as error:
            if "resource_already_exists_exception" not in str(error.info):  # another instance won the race
                raise

    def delete_index(self) -> None:
        """Drop the index (tests and resets)."""
        self.client.indices.delete(index=self.index_name, ignore_unavailable=True)
        self._ready = False

    def _use(self) -> OpenSearch:
        if not self._ready:
            self.ensure_index()
            self._ready = True
        return self.client

    def _bulk(self, actions: list[dict[str, Any]]) -> None:
        if not actions:
            return
        # wait_for: the writes are visible to the next search when the call returns.
        response = self._use().bulk(body=actions, index=self.index_name, refresh="wait_for")
        failed = [item for item in response["items"] for result in item.values() if "error" in result]
        if failed:
            raise RuntimeError(f"OpenSearch bulk request failed for {len(failed)} item(s): {failed[:3]}")

    def index(self, documents: list[ArticleDocument]) -> None:
        """Add or replace documents (the document ``_id`` is the ``elastic_id``)."""
        actions: list[dict[str, Any]] = []
        for document in documents:
            actions.append({"index": {"_id": document.elastic_id}})
            actions.append(asdict(document))
        self._bulk(actions)

    def delete(self, elastic_ids: list[str]) -> None:
        """Remove documents; unknown ids are ignored (a bulk delete of a missing id is ``not_found``, no error)."""
        self._bulk([{"delete": {"_id": elastic_id}} for elastic_id in elastic_ids])

    def get(self, elastic_id: str) -> ArticleDocument | None:
        """One document by its id, or None."""
        try:
            found = self._use().get(index=self.index_name, id=elastic_id)
        except NotFoundError:
            return None
        return _document(found["_source"])

    def search(
        self,
        *,
        keyword: str | None,
        company_id: int | None,
        sort: ArticleSort,
        after: SearchAfter | None,
        size: int,
    ) -> SearchPage:
        """One page in the port's order (``search_after`` on the sort values, one hit read ahead)."""
        if keyword is not None and not keyword.strip():
            keyword = None
        by_score = keyword is not None and sort is ArticleSort.HIGHEST_SCORE
        sort_field = SORT_FIELD.get(sort)

        must: list[dict[str, Any]] = [{"match_all": {}}]
        if keyword is not None:
            must = [
                {
                    "query_string": {
                        "query": keyword,
                        "fields": [f"title^{TITLE_BOOST}", "contents"],
                        "default_operator": "AND",
                    }
                }
            ]
        query: dict[str, Any] = {"bool": {"must": must}}
        if company_id is not None:
            query["bool"]["filter"] = [{"term": {"company_id": company_id}}]

        order: list[dict[str, Any]] = [{"reg_date": {"order": "desc"}}, {"id": {"order": "desc"}}]
        if by_score:
            order.insert(0, {"_score": {"order": "desc"}})
        elif sort_field is not None:
            order.insert(0, {sort_field: {"order": "desc"}})
        body: dict[str, Any] = {
            "query": query,
            "sort": order,
            "size": max(size, 0) + 1,
            "track_total_hits": True,
            "track_scores": keyword is not None,  # a field sort leaves _score out unless asked
            "_source": ["id"],
        }
        if after is not None:
            position: list[Any] = [_epoch_millis(after.reg_date), after.id]
            if by_score or sort_field is not None:
                position.insert(0, after.value)
            body["search_after"] = position

        try:
            response = self._use().search(index=self.index_name, body=body)
        except RequestError as error:
            if keyword is not None and _is_parse_error(error):
                raise InvalidQuery(f"cannot parse query: {keyword!r}") from error
            raise
        found = response["hits"]["hits"]
        hits = [
            SearchHit(
                id=int(hit["_source"]["id"]),
                elastic_id=hit["_id"],
                score=float(hit["_score"]) if keyword is not None and hit.get("_score") is not None else None,
            )
            for hit in found[: max(size, 0)]
        ]
        return SearchPage(hits=hits, total=int(response["hits"]["total"]["value"]), has_next=len(found) > len(hits))
