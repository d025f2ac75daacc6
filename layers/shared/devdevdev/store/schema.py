"""The table's key schema: the single definition the CDK stack, the local stack and the tests all build from."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

PARTITION_KEY = "PK"
SORT_KEY = "SK"
TTL_ATTRIBUTE = "expiresAt"

KEYS_ONLY, INCLUDE = "KEYS_ONLY", "INCLUDE"


@dataclass(frozen=True)
class IndexSpec:
    """A global secondary index: string partition key, numeric sort key (ordered lists, ties broken by id), and what
    it projects besides the keys (``INCLUDE`` the ``attributes``, or ``KEYS_ONLY``).

    No index projects a counter: a view, a vote or a recommend then rewrites no index copy (only a change of an
    index's sort key does). A list reads the keys from its index and the items in one BatchGet
    (:func:`devdevdev.store.pages.query_page`)."""

    name: str
    partition_key: str
    sort_key: str
    sort_key_type: str = "N"
    projection: str = KEYS_ONLY
    attributes: tuple[str, ...] = ()

    def projection_request(self) -> dict[str, Any]:
        if self.projection == INCLUDE:
            return {"ProjectionType": INCLUDE, "NonKeyAttributes": list(self.attributes)}
        return {"ProjectionType": self.projection}


# GSI1 is read whole by the lists that are not joined with a BatchGet: companies (what the list renders), the
# similar-pick candidates (their vectors) and the embedding requests waiting. The unread notifications and the live
# connections are read by their keys only (the rest by BatchGet), which keeps the list within CloudFormation's 20
# non-key attributes per index. None of these attributes moves with a view, a vote, a comment or a recommend.
GSI1_ATTRIBUTES = (
    # companies
    "id",
    "name",
    "officialUrl",
    "officialImageUrl",
    "careerUrl",
    "industry",
    "description",
    "techArticleTotalCount",
    # pick embeddings and embedding requests
    "pickId",
    "model",
    "vector",
    "revision",
    "titleHash",
    "requestedAt",
    "error",
    "cause",
    "failedAt",
    "failures",
    # comments: the pick-option filter of the comment lists
    "votedPickOption",
)
# The comment lists' filters (pick option; the best comments leave deleted ones out) run in the index.
COMMENT_FILTER_ATTRIBUTES = ("votedPickOption", "deletedAt")

# Each list order of the API is one of these indexes (see keys.py for which list uses which).
INDEXES: tuple[IndexSpec, ...] = (
    IndexSpec("GSI1", "GSI1PK", "GSI1SK", projection=INCLUDE, attributes=GSI1_ATTRIBUTES),
    IndexSpec("GSI2", "GSI2PK", "GSI2SK", projection=INCLUDE, attributes=COMMENT_FILTER_ATTRIBUTES),
    IndexSpec("GSI3", "GSI3PK", "GSI3SK", projection=INCLUDE, attributes=COMMENT_FILTER_ATTRIBUTES),
    IndexSpec("GSI4", "GSI4PK", "GSI4SK"),
    IndexSpec("GSI5", "GSI5PK", "GSI5SK"),
)


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
        "Projection": index.projection_request(),
    }


def ensure_table(client: Any, table_name: str) -> bool:
    """Create the table if it is missing, or bring its indexes to this schema (add the missing ones, delete and
    create again those whose projection changed); wait until it is usable.

    Returns True when the table was created. ``client`` is a boto3 DynamoDB client.
    """
    try:
        description = client.describe_table(TableName=table_name)["Table"]
    except client.exceptions.ResourceNotFoundException:
        client.create_table(**create_table_request(table_name))
        client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})
        _enable_ttl(client, table_name)
        return True
    existing = {index["IndexName"]: index for index in description.get("GlobalSecondaryIndexes", [])}
    for index in INDEXES:
        current = existing.get(index.name)
        if current is not None and _same_projection(current.get("Projection", {}), index):
            continue
        if current is not None:
            # A projection cannot change in place: the index is deleted and created again (the items stay; the
            # new index is backfilled from them).
            client.update_table(
                TableName=table_name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": index.name}}]
            )
            _wait_deleted(client, table_name, index.name)
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


def _same_projection(projection: dict[str, Any], index: IndexSpec) -> bool:
    return projection.get("ProjectionType") == index.projection and sorted(
        projection.get("NonKeyAttributes") or []
    ) == sorted(index.attributes)


def _wait_deleted(client: Any, table_name: str, index_name: str) -> None:
    for _ in range(300):
        table = client.describe_table(TableName=table_name)["Table"]
        if index_name not in {i["IndexName"] for i in table.get("GlobalSecondaryIndexes", [])}:
            return
        time.sleep(0.1)
    raise TimeoutError(f"index {index_name} of {table_name} was not deleted")


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
