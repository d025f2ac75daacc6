"""The CDK app: ``cdk synth`` / ``cdk deploy`` (stage from ``-c stage=dev|prod``).

It wires the table from the shared key schema, one function per group of the route table behind an HTTP API with
the stage's CORS, the image bucket and its CDN, OpenSearch and the article indexer, and the notification queue
(with its dead-letter queue and worker) and WebSocket API. The rest of the system (a layer with the pinned
dependencies, Step Functions, secrets, cdk-nag) grows in issue 8.
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_opensearchservice as opensearch
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from devdevdev.stages import CORS_ALLOWED_HEADERS, CORS_ALLOWED_METHODS, CORS_MAX_AGE_SECONDS, Stage, stage
from devdevdev.storage.images import ATTACHED_TAG
from devdevdev.store.schema import INDEXES, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE

from infra import routes


@dataclass(frozen=True)
class _Images:
    bucket: s3.Bucket
    cdn: cloudfront.Distribution


_TYPES = {"S": dynamodb.AttributeType.STRING, "N": dynamodb.AttributeType.NUMBER}


class ApiStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, config: Stage, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        table = dynamodb.TableV2(
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
            global_secondary_indexes=[
                dynamodb.GlobalSecondaryIndexPropsV2(
                    index_name=index.name,
                    partition_key=dynamodb.Attribute(name=index.partition_key, type=dynamodb.AttributeType.STRING),
                    sort_key=dynamodb.Attribute(name=index.sort_key, type=_TYPES[index.sort_key_type]),
                )
                for index in INDEXES
            ],
        )
        images = self._images(config)
        search = self._search(config)
        layer = lambda_.LayerVersion(
            self,
            "SharedLayer",
            code=lambda_.Code.from_asset("layers/shared"),
            compatible_runtimes=[lambda_.Runtime.PYTHON_3_12],
        )
        api = apigw.HttpApi(
            self,
            "HttpApi",
            cors_preflight=apigw.CorsPreflightOptions(
                allow_origins=list(config.cors_allowed_origins),
                allow_credentials=True,
                allow_headers=list(CORS_ALLOWED_HEADERS),
                allow_methods=[apigw.CorsHttpMethod(m) for m in CORS_ALLOWED_METHODS],
                max_age=cdk.Duration.seconds(CORS_MAX_AGE_SECONDS),
            ),
        )
        notifications = self._notification_queue()
        functions: dict[str, lambda_.Function] = {}
        for group in sorted({r.group for r in routes.ROUTES}):
            function = lambda_.Function(
                self,
                f"{group.capitalize()}Function",
                runtime=lambda_.Runtime.PYTHON_3_12,
                architecture=lambda_.Architecture.ARM_64,
                handler="handler.lambda_handler",
                code=lambda_.Code.from_asset(f"functions/{group}"),
                layers=[layer],
                memory_size=512,
                timeout=cdk.Duration.seconds(10),
                environment={"STAGE": config.name, "TABLE_NAME": table.table_name},
            )
            table.grant_read_write_data(function)
            if group == "picks":
                images.bucket.grant_put(function)
                images.bucket.grant_read(function)
                images.bucket.grant_delete(function)
                function.add_environment("IMAGES_BUCKET", images.bucket.bucket_name)
                function.add_environment("IMAGES_PUBLIC_URL", f"https://{images.cdn.distribution_domain_name}")
                function.add_to_role_policy(
                    iam.PolicyStatement(actions=["s3:PutObjectTagging"], resources=[images.bucket.arn_for_objects("*")])
                )
            if group in ("notifications", "comments"):  # publishes and reply live messages are queued
                notifications.grant_send_messages(function)
                function.add_environment("NOTIFICATION_QUEUE_URL", notifications.queue_url)
            if group in ("articles", "mypage"):
                function.add_environment("OPENSEARCH_URL", f"https://{search.domain_endpoint}")
                function.add_environment("SEARCH_INDEX", "articles")
                search.grant_read_write(function)
            functions[group] = function
        self._indexer(config, table, layer, search)
        websocket_url = self._live_channel(config, table, layer, notifications)
        for route in routes.ROUTES:
            api.add_routes(
                path=route.path,
                methods=[apigw.HttpMethod(route.method)],
                integration=integrations.HttpLambdaIntegration(
                    f"{route.method}{route.path}".replace("/", "-"), functions[route.group]
                ),
            )
        cdk.CfnOutput(self, "ApiUrl", value=api.api_endpoint)
        cdk.CfnOutput(self, "WebSocketUrl", value=websocket_url)
        cdk.CfnOutput(self, "ImagesUrl", value=f"https://{images.cdn.distribution_domain_name}")

    def _notification_queue(self) -> sqs.Queue:
        """The fan-out jobs, with a dead-letter queue after 5 failed receives (kept 14 days for inspection)."""
        dead_letters = sqs.Queue(
            self,
            "NotificationDeadLetters",
            retention_period=cdk.Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        return sqs.Queue(
            self,
            "NotificationQueue",
            visibility_timeout=cdk.Duration.seconds(6 * 120),  # six times the worker's timeout, as AWS advises
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            dead_letter_queue=sqs.DeadLetterQueue(queue=dead_letters, max_receive_count=5),
        )

    def _live_channel(
        self, config: Stage, table: dynamodb.TableV2, layer: lambda_.LayerVersion, queue: sqs.Queue
    ) -> str:
        """The WebSocket API ($connect, $disconnect, $default) and the queue's worker, which pushes to its
        connections; the URL the web client connects to."""
        environment = {"STAGE": config.name, "TABLE_NAME": table.table_name, "NOTIFICATION_QUEUE_URL": queue.queue_url}

        def function(name: str, handler: str, timeout: int) -> lambda_.Function:
            created = lambda_.Function(
                self,
                name,
                runtime=lambda_.Runtime.PYTHON_3_12,
                architecture=lambda_.Architecture.ARM_64,
                handler=handler,
                code=lambda_.Code.from_asset("functions/notifications"),
                layers=[layer],
                memory_size=512,
                timeout=cdk.Duration.seconds(timeout),
                environment=environment,
            )
            table.grant_read_write_data(created)
            queue.grant_send_messages(created)
            return created

        sockets = function("WebSocketFunction", "websocket.lambda_handler", 10)
        worker = function("NotificationWorkerFunction", "worker.lambda_handler", 120)
        worker.add_event_source(
            sources.SqsEventSource(
                queue, batch_size=10, max_batching_window=cdk.Duration.seconds(0), report_batch_item_failures=True
            )
        )
        integration = integrations.WebSocketLambdaIntegration
        api = apigw.WebSocketApi(
            self,
            "WebSocketApi",
            connect_route_options=apigw.WebSocketRouteOptions(integration=integration("ConnectIntegration", sockets)),
            disconnect_route_options=apigw.WebSocketRouteOptions(
                integration=integration("DisconnectIntegration", sockets)
            ),
            default_route_options=apigw.WebSocketRouteOptions(integration=integration("DefaultIntegration", sockets)),
        )
        live_stage = apigw.WebSocketStage(
            self, "WebSocketStage", web_socket_api=api, stage_name="live", auto_deploy=True
        )
        api.grant_manage_connections(worker)
        return live_stage.url

    def _search(self, config: Stage) -> opensearch.Domain:
        """The article search domain (OpenSearch 2.x, whose managed service bundles the nori Korean analyzer)."""
        return opensearch.Domain(
            self,
            "Search",
            version=opensearch.EngineVersion.OPENSEARCH_2_9,
            capacity=opensearch.CapacityConfig(
                data_nodes=2 if config.deletion_protection else 1,
                data_node_instance_type="t3.small.search",
                multi_az_with_standby_enabled=False,
            ),
            ebs=opensearch.EbsOptions(volume_size=10),
            zone_awareness=opensearch.ZoneAwarenessConfig(enabled=config.deletion_protection),
            encryption_at_rest=opensearch.EncryptionAtRestOptions(enabled=True),
            node_to_node_encryption=True,
            enforce_https=True,
            removal_policy=cdk.RemovalPolicy.RETAIN if config.deletion_protection else cdk.RemovalPolicy.DESTROY,
        )

    def _indexer(
        self, config: Stage, table: dynamodb.TableV2, layer: lambda_.LayerVersion, search: opensearch.Domain
    ) -> lambda_.Function:
        """The article indexer on the table's stream, fed only article items (an event filter on the key)."""
        indexer = lambda_.Function(
            self,
            "ArticleIndexerFunction",
            runtime=lambda_.Runtime.PYTHON_3_12,
            architecture=lambda_.Architecture.ARM_64,
            handler="indexer.lambda_handler",
            code=lambda_.Code.from_asset("functions/articles"),
            layers=[layer],
            memory_size=512,
            timeout=cdk.Duration.seconds(60),
            environment={
                "STAGE": config.name,
                "TABLE_NAME": table.table_name,
                "OPENSEARCH_URL": f"https://{search.domain_endpoint}",
                "SEARCH_INDEX": "articles",
            },
        )
        search.grant_read_write(indexer)
        table.grant_stream_read(indexer)
        table.grant_read_write_data(indexer)  # bookmarks' copy of an article's comment count
        indexer.add_event_source(
            sources.DynamoEventSource(
                table,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=100,
                max_batching_window=cdk.Duration.seconds(1),
                retry_attempts=5,
                bisect_batch_on_error=True,
                report_batch_item_failures=True,
                filters=[lambda_.FilterCriteria.filter({"dynamodb": {"Keys": {"SK": {"S": ["ARTICLE"]}}}})],
            )
        )
        return indexer

    def _images(self, config: Stage) -> _Images:
        """The pick image bucket: private, encrypted, browser uploads by presigned POST from the stage's origins,
        unattached uploads expired by tag; served through CloudFront (origin access control)."""
        bucket = s3.Bucket(
            self,
            "ImagesBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            cors=[
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods.POST],
                    allowed_origins=list(config.cors_allowed_origins),
                    allowed_headers=["*"],
                    max_age=CORS_MAX_AGE_SECONDS,
                )
            ],
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireUnattachedUploads",
                    tag_filters={ATTACHED_TAG: "false"},
                    expiration=cdk.Duration.days(2),
                ),
                s3.LifecycleRule(
                    id="AbortIncompleteUploads", abort_incomplete_multipart_upload_after=cdk.Duration.days(1)
                ),
            ],
            removal_policy=cdk.RemovalPolicy.RETAIN if config.deletion_protection else cdk.RemovalPolicy.DESTROY,
            auto_delete_objects=not config.deletion_protection,
        )
        cdn = cloudfront.Distribution(
            self,
            "ImagesCdn",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
            ),
        )
        return _Images(bucket, cdn)


def main() -> None:
    app = cdk.App()
    config = stage(app.node.try_get_context("stage") or "dev")
    ApiStack(app, f"devdevdev-{config.name}", config)
    app.synth()


if __name__ == "__main__":
    main()
