"""The search part: the article search domain (``devdevdev.search``) and the indexer that feeds it from the table's
stream."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_opensearchservice as opensearch
from constructs import Construct
from devdevdev.stages import Stage

from infra.parts.data import Data
from infra.parts.functions import Runtime
from infra.parts.ids import Part

SEARCH_INDEX = "articles"
READ_ACTIONS = ("es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost")
WRITE_ACTIONS = (*READ_ACTIONS, "es:ESHttpPut", "es:ESHttpDelete")


class Search(Part):
    """The OpenSearch 2.x domain (whose managed service bundles the nori Korean analyzer). Only signed (IAM) requests
    of this stack's functions reach it: it has no resource policy. The article indexer, on the table's stream, is
    fed only article items (an event filter on the key)."""

    def __init__(self, scope: Construct, construct_id: str, *, config: Stage, data: Data, runtime: Runtime) -> None:
        super().__init__(scope, construct_id)
        self.domain = opensearch.Domain(
            self,
            "Search",
            version=opensearch.EngineVersion.OPENSEARCH_2_19,
            capacity=opensearch.CapacityConfig(
                data_nodes=config.search_data_nodes,
                data_node_instance_type=config.search_instance_type,
                multi_az_with_standby_enabled=False,
            ),
            ebs=opensearch.EbsOptions(volume_size=config.search_volume_gb),
            zone_awareness=opensearch.ZoneAwarenessConfig(enabled=config.search_data_nodes > 1),
            encryption_at_rest=opensearch.EncryptionAtRestOptions(enabled=True),
            node_to_node_encryption=True,
            enforce_https=True,
            tls_security_policy=opensearch.TLSSecurityPolicy.TLS_1_2,
            removal_policy=cdk.RemovalPolicy.RETAIN if config.deletion_protection else cdk.RemovalPolicy.DESTROY,
        )
        self.indexer = indexer = runtime.function(
            self, "ArticleIndexerFunction", code="functions/articles", handler="indexer.lambda_handler", timeout=60
        )
        self._grant(indexer, WRITE_ACTIONS)
        indexer.add_event_source(
            sources.DynamoEventSource(
                data.table,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=100,
                max_batching_window=cdk.Duration.seconds(1),
                retry_attempts=5,
                bisect_batch_on_error=True,
                report_batch_item_failures=True,
                filters=[lambda_.FilterCriteria.filter({"dynamodb": {"Keys": {"SK": {"S": ["ARTICLE"]}}}})],
            )
        )

    def grant_read(self, function: lambda_.Function) -> None:
        """Search the article index (GET, HEAD, POST on it only); the function learns the endpoint and index."""
        self._grant(function, READ_ACTIONS)

    def _grant(self, function: lambda_.Function, actions: tuple[str, ...]) -> None:
        index_arns = [f"{self.domain.domain_arn}/{SEARCH_INDEX}", f"{self.domain.domain_arn}/{SEARCH_INDEX}/*"]
        function.add_to_role_policy(iam.PolicyStatement(actions=list(actions), resources=index_arns))
        function.add_environment("OPENSEARCH_URL", f"https://{self.domain.domain_endpoint}")
        function.add_environment("SEARCH_INDEX", SEARCH_INDEX)
