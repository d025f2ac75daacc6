"""The table's key schema: the single definition the CDK stack, the local stack and the tests all build from."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

PARTITION_KEY = "PK"
SORT_KEY = "SK"
TTL_ATTRIBUTE = "expiresAt"


@dataclass(frozen=True)
class IndexSpec:
    """A global secondary index: string partition key, numeric sort key (ordered lists, ties broken by id)."""

    name: str
    partition_key: str
    sort_key: str
    sort_key_type: str = "N"


# Each list order of the API is one of these indexes (see keys.py for which list uses which).
INDEXES: tuple[IndexSpec, ...] = tuple(IndexSpec(f"GSI{n}", f"GSI{n}PK", f"GSI{n}SK") for n in range(1, 6))


def create_table_request(table_name: str) -> dict[str, Any]:
    """The ``CreateTable`` request: on-demand billing, new-and-old-image stream, all indexes."""
    attributes = {PARTITION_KEY: "S", SORT_KEY: "S"}
    for index in INDEXES:
        attributes[index.partition_key] = "S"
        attributes[index.sort_key] = index.sort_key_type
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for n, t in attributes.items()],
        "KeySchema": [
            {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [_index_request(index) for index in INDEXES],
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    }


def _index_request(index: IndexSpec) -> dict[str, Any]:
    return {
        "IndexName": index.name,
        "KeySchema": [
            {"AttributeName": index.partition_key, "KeyType": "HASH"},
            {"AttributeName": index.sort_key, "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
    }


def ensure_table(client: Any, table_name: str) -> bool:
    """Create the table if it is missing, or add the indexes a newer schema has; wait until it is usable.

    Returns True when the table was created. ``client`` is a boto3 DynamoDB client.
    """
    try:
        description = client.describe_table(TableName=table_name)["Table"]
    except client.exceptions.ResourceNotFoundException:
        client.create_table(**create_table_request(table_name))
        client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})
        _enable_ttl(client, table_name)
        return True
    existing = {index["IndexName"] for index in description.get("GlobalSecondaryIndexes", [])}
    for index in INDEXES:
        if index.name in existing:
            continue
        client.update_table(
            TableName=table_name,
            AttributeDefinitions=[
                {"AttributeName": index.partition_key, "AttributeType": "S"},
                {"AttributeName": index.sort_key, "AttributeType": index.sort_key_type},
            ],
            GlobalSecondaryIndexUpdates=[{"Create": _index_request(index)}],
        )
        _wait_active(client, table_name)
    return False


def _enable_ttl(client: Any, table_name: str) -> None:
    client.update_time_to_live(
        TableName=table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
    )


def _wait_active(client: Any, table_name: str) -> None:
    for _ in range(300):
        table = client.describe_table(TableName=table_name)["Table"]
        indexes = table.get("GlobalSecondaryIndexes", [])
        if table["TableStatus"] == "ACTIVE" and all(i.get("IndexStatus") == "ACTIVE" for i in indexes):
            return
        time.sleep(0.1)
    raise TimeoutError(f"table {table_name} did not become active")
