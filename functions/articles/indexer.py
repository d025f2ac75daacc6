"""The article indexer: a Lambda on the table's DynamoDB stream (in AWS), keeping the search engine fresh."""

from __future__ import annotations

from typing import Any

from devdevdev.logs import logger, observed
from devdevdev.runtime import get_runtime
from devdevdev.services.article_stream import apply_stream_records


@observed("indexer")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    records = event.get("Records") or []
    changed = apply_stream_records(get_runtime(), records)
    logger.info("indexed stream records", extra={"records": len(records), "articles": changed})
    return {"batchItemFailures": []}
