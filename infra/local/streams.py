"""The local stack's stand-in for what follows the DynamoDB stream in AWS: reads DynamoDB Local's stream of the table
and hands the records to the same indexer code (``devdevdev.services.article_stream``) and to the embedding pipeline
(``infra.local.pipes``, the Pipe and the state machine).

``drain()`` reads everything written so far; the gateway calls it before the article lists and the similar picks
(so a write is visible to the next read, as the tests expect), and ``make run`` also runs it every half second in
the background.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import boto3

from infra.local.services import LOCAL_CREDENTIALS


def followers(runtime: Any, sleep: Callable[[float], None] | None = None) -> Callable[[list[dict[str, Any]]], None]:
    """What the table's stream feeds, as one ``apply``: the article indexer, then the embedding pipeline."""
    from devdevdev.services.article_stream import apply_stream_records

    from infra.local.pipes import EmbeddingPipe

    pipe = EmbeddingPipe() if sleep is None else EmbeddingPipe(sleep=sleep)

    def apply(records: list[dict[str, Any]]) -> None:
        apply_stream_records(runtime, records)
        pipe.apply(records)

    return apply


class StreamPump:
    """Follows every shard of a table's stream from its oldest record."""

    def __init__(self, endpoint: str, table_name: str, region: str, apply: Callable[[list[dict[str, Any]]], Any]):
        session = boto3.session.Session(
            aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=region,
        )
        self._dynamodb = session.client("dynamodb", endpoint_url=endpoint)
        self._streams = session.client("dynamodbstreams", endpoint_url=endpoint)
        self._table = table_name
        self._apply = apply
        self._iterators: dict[str, str | None] = {}  # shard id → next iterator (None: the shard is closed and read)
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def drain(self) -> int:
        """Apply every record written since the last drain; how many records there were."""
        with self._lock:
            arn = self._dynamodb.describe_table(TableName=self._table)["Table"].get("LatestStreamArn")
            if not arn:
                return 0
            shards = self._streams.describe_stream(StreamArn=arn)["StreamDescription"].get("Shards", [])
            total = 0
            for shard in shards:  # parents come before their children, so records stay in order
                shard_id = shard["ShardId"]
                if shard_id not in self._iterators:
                    self._iterators[shard_id] = self._streams.get_shard_iterator(
                        StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                    )["ShardIterator"]
                total += self._read(shard_id)
            return total

    def _read(self, shard_id: str) -> int:
        count = 0
        while self._iterators.get(shard_id):
            response = self._streams.get_records(ShardIterator=self._iterators[shard_id], Limit=1000)
            records = response.get("Records", [])
            if records:
                self._apply(records)
                count += len(records)
            self._iterators[shard_id] = response.get("NextShardIterator")
            if not records:
                break  # caught up with an open shard
        return count

    def run_in_background(self, interval_seconds: float = 0.5) -> threading.Thread:
        """Drain every ``interval_seconds`` until :meth:`stop`."""

        def loop() -> None:
            while not self._stop.wait(interval_seconds):
                try:
                    self.drain()
                except Exception as error:  # noqa: BLE001 (keep following the stream; report and go on)
                    print(f"stream pump: {error}")

        thread = threading.Thread(target=loop, name="stream-pump", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()
