"""The data part: the single DynamoDB table (``devdevdev.store``), and what a function may do to it."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct
from devdevdev.stages import Stage
from devdevdev.store.schema import INDEXES, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE

from infra.parts.ids import Part

# What the functions do to the table: items by key, in batches and transactions, and Queries of the table and its
# indexes. No table-wide reads (the code has none) and no table management.
ITEM_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:Query",
)
_TYPES = {"S": dynamodb.AttributeType.STRING, "N": dynamodb.AttributeType.NUMBER}


class Data(Part):
    """The single table: on-demand, point-in-time recovery, a stream of new and old images, the TTL attribute, the
    indexes of the shared key schema (with their projections), and deletion protection where the stage asks for it.
    """

    def __init__(self, scope: Construct, construct_id: str, *, config: Stage) -> None:
        super().__init__(scope, construct_id)
        self.table = dynamodb.TableV2(
            self,
            "Table",
            partition_key=dynamodb.Attribute(name=PARTITION_KEY, type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name=SORT_KEY, type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            dynamo_stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            time_to_live_attribute=TTL_ATTRIBUTE,
            deletion_protection=config.deletion_protection,
            removal_policy=cdk.RemovalPolicy.RETAIN if config.deletion_protection else cdk.RemovalPolicy.DESTROY,
            global_secondary_indexes=[
                dynamodb.GlobalSecondaryIndexPropsV2(
                    index_name=index.name,
                    partition_key=dynamodb.Attribute(name=index.partition_key, type=dynamodb.AttributeType.STRING),
                    sort_key=dynamodb.Attribute(name=index.sort_key, type=_TYPES[index.sort_key_type]),
                    projection_type=dynamodb.ProjectionType(index.projection),
                    non_key_attributes=list(index.attributes) or None,
                )
                for index in INDEXES
            ],
        )

    def grant_items(self, grantee: iam.IGrantable) -> None:
        """Item actions on the table, and Query on each of its indexes, named one by one."""
        policy = grantee.grant_principal
        statements = [
            iam.PolicyStatement(actions=list(ITEM_ACTIONS), resources=[self.table.table_arn]),
            iam.PolicyStatement(
                actions=["dynamodb:Query"],
                resources=[f"{self.table.table_arn}/index/{index.name}" for index in INDEXES],
            ),
        ]
        for statement in statements:
            policy.add_to_principal_policy(statement)

    @property
    def stream_arn(self) -> str:
        """The table's stream (new and old images), which the indexer and the embedding pipe read."""
        arn = self.table.table_stream_arn
        if arn is None:
            raise ValueError("the table has no stream")
        return arn

    def grant_stream_read(self, grantee: iam.IGrantable) -> None:
        """Read the table's stream (the embedding pipe; the indexer's event source grants its own)."""
        self.table.grant_stream_read(grantee)
