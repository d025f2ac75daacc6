"""The whole system as one CDK stack.

- an HTTP API whose routes come from the route table, one function per group (``functions/<group>/handler.py``);
- the WebSocket API (stage ``live``), its function, and the notification queue, dead-letter queue and worker;
- the single DynamoDB table, its stream feeding the article indexer (OpenSearch);
- the pick image bucket (private, encrypted, presigned-POST CORS, expiry of unattached uploads) behind CloudFront;
- the secrets (JWT, OAuth client secret, OpenAI key, crawler keys) in Secrets Manager;
- one shared layer (``infra/layer.py``), Python 3.13 on arm64 everywhere.

Every function has its own role: its log group, and only the actions and resources its group uses
(:data:`GROUP_ACCESS`). Sizes and switches come from the stage (:mod:`devdevdev.stages`).
"""

from __future__ import annotations

import json
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
from aws_cdk import aws_logs as logs
from aws_cdk import aws_opensearchservice as opensearch
from aws_cdk import aws_pipes as pipes
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct
from devdevdev.embeddings import pipeline as embedding_pipeline
from devdevdev.stages import (
    CORS_ALLOWED_HEADERS,
    CORS_ALLOWED_METHODS,
    CORS_EXPOSED_HEADERS,
    CORS_MAX_AGE_SECONDS,
    Stage,
)
from devdevdev.storage.images import ATTACHED_TAG
from devdevdev.store.schema import INDEXES, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE

from infra import layer as shared_layer
from infra import routes, sizing

RUNTIME = lambda_.Runtime.PYTHON_3_13  # the layer's wheels are built for this version (infra/layer.py)
ARCHITECTURE = lambda_.Architecture.ARM_64
SEARCH_INDEX = "articles"
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


@dataclass(frozen=True)
class Access:
    """What a function group may touch besides the table (which every group reads and writes)."""

    images: bool = False  # the pick image bucket: put, read, tag, delete objects
    search_read: bool = False  # GET/HEAD/POST on the article index
    queue: bool = False  # send notification jobs
    oauth: bool = False  # the OAuth client secret
    crawler_keys: bool = False  # the crawlers' keys (server-to-server calls)


GROUP_ACCESS: dict[str, Access] = {
    "auth": Access(oauth=True),
    "picks": Access(images=True),
    "articles": Access(search_read=True, crawler_keys=True),  # POST /articles is the crawler's
    "comments": Access(queue=True),  # a reply's live message
    "mypage": Access(),
    "notifications": Access(queue=True, crawler_keys=True),  # POST /notifications/{channel} is the crawler's
}


@dataclass(frozen=True)
class Secrets:
    jwt: secretsmanager.Secret
    oauth_client: secretsmanager.Secret
    openai: secretsmanager.Secret
    crawler_keys: secretsmanager.Secret


class ApiStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, config: Stage, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.config = config
        self.table = self._table()
        self.secrets = self._secrets()
        self.layer = lambda_.LayerVersion(
            self,
            "SharedLayer",
            description="devdevdev: the shared package and the pinned runtime dependencies",
            code=lambda_.Code.from_asset(
                str(shared_layer.SOURCE),
                bundling=shared_layer.bundling(),
                asset_hash_type=cdk.AssetHashType.CUSTOM,
                asset_hash=shared_layer.fingerprint(),
            ),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
        )
        self.bucket, self.cdn = self._images()
        cdn = self.cdn
        self.search = self._search()
        self.queue = self._notification_queue()
        self.functions = {
            group: self._group_function(group, GROUP_ACCESS[group], cdn) for group in sorted(routes.GROUPS)
        }
        self.http_api = self._http_api()
        self.indexer = self._indexer()
        self.websocket_function, self.worker, websocket_url = self._live_channel()
        self.embed, self.embed_failure, self.state_machine = self._embeddings()
        cdk.CfnOutput(self, "ApiUrl", value=self.http_api.api_endpoint, description="The web client's API base URL")
        cdk.CfnOutput(self, "WebSocketUrl", value=websocket_url, description="The live notification channel")
        cdk.CfnOutput(self, "ImagesUrl", value=f"https://{cdn.distribution_domain_name}")
        for name, secret in vars(self.secrets).items():
            cdk.CfnOutput(self, f"{name.title().replace('_', '')}SecretArn", value=secret.secret_arn)

    # -- functions ------------------------------------------------------------------------------------------------

    def function(
        self, name: str, *, code: str, handler: str, timeout: int, environment: dict[str, str] | None = None
    ) -> lambda_.Function:
        """A function on the shared layer, with a role of its own that may only write its own log group."""
        log_group = logs.LogGroup(
            self,
            f"{name}Logs",
            retention=_retention(self.config.log_retention_days),
            removal_policy=cdk.RemovalPolicy.RETAIN if self.config.deletion_protection else cdk.RemovalPolicy.DESTROY,
        )
        role = iam.Role(
            self, f"{name}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=f"{name}"
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[log_group.log_group_arn]
            )
        )
        created = lambda_.Function(
            self,
            name,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=handler,
            code=lambda_.Code.from_asset(code, exclude=["__pycache__", "*.pyc"]),
            layers=[self.layer],
            memory_size=sizing.memory_mb(name),
            timeout=cdk.Duration.seconds(timeout),
            role=role,
            log_group=log_group,
            environment={
                "STAGE": self.config.name,
                "TABLE_NAME": self.table.table_name,
                "JWT_SECRET_ARN": self.secrets.jwt.secret_arn,
                "POWERTOOLS_SERVICE_NAME": f"devdevdev-{name}",
                **(environment or {}),
            },
        )
        self._use_table(created)
        self.secrets.jwt.grant_read(created)
        return created

    def _use_table(self, function: lambda_.Function) -> None:
        """Item actions on the table, and Query on each of its indexes, named one by one."""
        function.add_to_role_policy(iam.PolicyStatement(actions=list(ITEM_ACTIONS), resources=[self.table.table_arn]))
        function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["dynamodb:Query"],
                resources=[f"{self.table.table_arn}/index/{index.name}" for index in INDEXES],
            )
        )

    def _group_function(self, group: str, access: Access, cdn: cloudfront.Distribution) -> lambda_.Function:
        function = self.function(
            f"{group.capitalize()}Function", code=f"functions/{group}", handler="handler.lambda_handler", timeout=10
        )
        if access.images:
            self.bucket.grant_put(function)
            self.bucket.grant_read(function)
            self.bucket.grant_delete(function)
            function.add_to_role_policy(
                iam.PolicyStatement(actions=["s3:PutObjectTagging"], resources=[self.bucket.arn_for_objects("*")])
            )
            function.add_environment("IMAGES_BUCKET", self.bucket.bucket_name)
            function.add_environment("IMAGES_PUBLIC_URL", f"https://{cdn.distribution_domain_name}")
        if access.search_read:
            function.add_to_role_policy(
                iam.PolicyStatement(
                    actions=["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost"], resources=self._index_arns()
                )
            )
            self._use_search(function)
        if access.queue:
            self.queue.grant_send_messages(function)
            function.add_environment("NOTIFICATION_QUEUE_URL", self.queue.queue_url)
        if access.oauth:
            self.secrets.oauth_client.grant_read(function)
            function.add_environment("OAUTH_CLIENT_SECRET_ARN", self.secrets.oauth_client.secret_arn)
        if access.crawler_keys:
            self.secrets.crawler_keys.grant_read(function)
            function.add_environment("CRAWLER_KEYS_ARN", self.secrets.crawler_keys.secret_arn)
        return function

    # -- APIs -----------------------------------------------------------------------------------------------------

    def _http_api(self) -> apigw.HttpApi:
        """The REST API: every route of the route table, integrated with its group's function. Access logs are JSON
        lines in a log group of their own."""
        api = apigw.HttpApi(
            self,
            "HttpApi",
            cors_preflight=apigw.CorsPreflightOptions(
                allow_origins=list(self.config.cors_allowed_origins),
                allow_credentials=True,
                allow_headers=list(CORS_ALLOWED_HEADERS),
                allow_methods=[apigw.CorsHttpMethod(m) for m in CORS_ALLOWED_METHODS],
                expose_headers=list(CORS_EXPOSED_HEADERS),
                max_age=cdk.Duration.seconds(CORS_MAX_AGE_SECONDS),
            ),
        )
        access_logs = logs.LogGroup(self, "HttpApiAccessLogs", retention=_retention(self.config.log_retention_days))
        stage = api.default_stage.node.default_child
        stage.access_log_settings = apigw.CfnStage.AccessLogSettingsProperty(
            destination_arn=access_logs.log_group_arn,
            format=(
                '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","time":"$context.requestTime",'
                '"routeKey":"$context.routeKey","status":"$context.status","latency":"$context.responseLatency",'
                '"integrationError":"$context.integrationErrorMessage"}'
            ),
        )
        integration_of = {
            group: integrations.HttpLambdaIntegration(f"{group.capitalize()}Integration", function)
            for group, function in self.functions.items()
        }
        for route in routes.ROUTES:
            api.add_routes(
                path=route.path, methods=[apigw.HttpMethod(route.method)], integration=integration_of[route.group]
            )
        return api

    def _live_channel(self) -> tuple[lambda_.Function, lambda_.Function, str]:
        """The WebSocket API ($connect, $disconnect, $default), the queue's worker, which pushes to its connections,
        and the URL the web client connects to."""
        queue_env = {"NOTIFICATION_QUEUE_URL": self.queue.queue_url}
        sockets = self.function(
            "WebSocketFunction",
            code="functions/notifications",
            handler="websocket.lambda_handler",
            timeout=10,
            environment=queue_env,
        )
        worker = self.function(
            "NotificationWorkerFunction",
            code="functions/notifications",
            handler="worker.lambda_handler",
            timeout=120,
            environment=queue_env,
        )
        self.queue.grant_send_messages(sockets)  # the greeting is a delayed job
        self.queue.grant_send_messages(worker)  # fan-out pages are jobs of their own
        worker.add_event_source(
            sources.SqsEventSource(
                self.queue, batch_size=10, max_batching_window=cdk.Duration.seconds(0), report_batch_item_failures=True
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
        self.websocket_api = api
        self.websocket_stage = live_stage = apigw.WebSocketStage(
            self,
            "WebSocketStage",
            web_socket_api=api,
            stage_name="live",
            auto_deploy=True,
            throttle=apigw.ThrottleSettings(rate_limit=500, burst_limit=1000),
        )
        api.grant_manage_connections(worker)
        return sockets, worker, live_stage.url

    # -- embeddings -----------------------------------------------------------------------------------------------

    def _embeddings(self) -> tuple[lambda_.Function, lambda_.Function, sfn.StateMachine]:
        """Pick embeddings: the table's stream → an EventBridge Pipe (only embedding requests pass its filter) → a
        Step Functions state machine: the embed task with retries and backoff on throttling and timeouts, and a catch
        that records the failure. The policy is ``devdevdev.embeddings.pipeline``'s, which the local stack plays too.
        """
        policy = embedding_pipeline
        embed = self.function(
            "EmbedFunction",
            code="functions/picks",
            handler="embed.lambda_handler",
            timeout=policy.TASK_TIMEOUT_SECONDS - 5,
            environment={"EMBEDDING_PROVIDER": "openai", "OPENAI_API_KEY_ARN": self.secrets.openai.secret_arn},
        )
        self.secrets.openai.grant_read(embed)
        failure = self.function(
            "EmbedFailureFunction", code="functions/picks", handler="embed.failure_handler", timeout=10
        )
        wrap = sfn.Pass(self, "Records", parameters={"records.$": "$"})  # the Pipe delivers an array of records
        task = tasks.LambdaInvoke(
            self,
            "Embed",
            lambda_function=embed,
            payload_response_only=True,
            retry_on_service_exceptions=False,  # the policy below names Lambda's own errors too
            task_timeout=sfn.Timeout.duration(cdk.Duration.seconds(policy.TASK_TIMEOUT_SECONDS)),
        )
        task.add_retry(
            errors=list(policy.RETRY_ERRORS),
            interval=cdk.Duration.seconds(policy.RETRY_INTERVAL_SECONDS),
            backoff_rate=policy.RETRY_BACKOFF_RATE,
            max_attempts=policy.RETRY_MAX_ATTEMPTS,
        )
        record = tasks.LambdaInvoke(self, "RecordFailure", lambda_function=failure, payload_response_only=True)
        task.add_catch(record, errors=["States.ALL"], result_path="$.error")
        logs_group = logs.LogGroup(
            self, "EmbeddingStateMachineLogs", retention=_retention(self.config.log_retention_days)
        )
        machine = sfn.StateMachine(
            self,
            "EmbeddingStateMachine",
            definition_body=sfn.DefinitionBody.from_chainable(wrap.next(task)),
            state_machine_type=sfn.StateMachineType.STANDARD,
            timeout=cdk.Duration.minutes(10),
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=logs_group, level=sfn.LogLevel.ALL, include_execution_data=False),
        )
        pipe_role = iam.Role(self, "EmbeddingPipeRole", assumed_by=iam.ServicePrincipal("pipes.amazonaws.com"))
        self.table.grant_stream_read(pipe_role)
        machine.grant_start_execution(pipe_role)
        pipe = pipes.CfnPipe(
            self,
            "EmbeddingPipe",
            description="Pick embedding requests from the table's stream to the embedding state machine",
            role_arn=pipe_role.role_arn,
            source=self.table.table_stream_arn,
            source_parameters=pipes.CfnPipe.PipeSourceParametersProperty(
                dynamo_db_stream_parameters=pipes.CfnPipe.PipeSourceDynamoDBStreamParametersProperty(
                    starting_position="LATEST", batch_size=1, maximum_retry_attempts=10
                ),
                filter_criteria=pipes.CfnPipe.FilterCriteriaProperty(
                    filters=[pipes.CfnPipe.FilterProperty(pattern=json.dumps(policy.STREAM_FILTER))]
                ),
            ),
            target=machine.state_machine_arn,
            target_parameters=pipes.CfnPipe.PipeTargetParametersProperty(
                step_function_state_machine_parameters=pipes.CfnPipe.PipeTargetStateMachineParametersProperty(
                    invocation_type="FIRE_AND_FORGET"  # standard workflows; the execution does the retrying
                )
            ),
        )
        pipe.node.add_dependency(pipe_role)
        return embed, failure, machine

    # -- data -----------------------------------------------------------------------------------------------------

    def _table(self) -> dynamodb.TableV2:
        """The single table: on-demand, point-in-time recovery, a stream of new and old images, the TTL attribute,
        the indexes of the shared key schema (with their projections), and deletion protection where the stage asks for it."""
        return dynamodb.TableV2(
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
            deletion_protection=self.config.deletion_protection,
            removal_policy=cdk.RemovalPolicy.RETAIN if self.config.deletion_protection else cdk.RemovalPolicy.DESTROY,
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

    def _secrets(self) -> Secrets:
        """The secrets the functions read at cold start. The JWT key is generated (88 alphanumerics: valid base64 of
        66 bytes); the others are set by the operator after the first deploy (README, "Deploy")."""
        return Secrets(
            jwt=secretsmanager.Secret(
                self,
                "JwtSecret",
                description="devdevdev: the HS256 key of access and refresh tokens (base64)",
                generate_secret_string=secretsmanager.SecretStringGenerator(
                    exclude_punctuation=True, include_space=False, password_length=88
                ),
            ),
            oauth_client=secretsmanager.Secret(
                self, "OAuthClientSecret", description="devdevdev: Kakao's OAuth client secret (set it after deploy)"
            ),
            openai=secretsmanager.Secret(
                self,
                "OpenAiApiKey",
                description="devdevdev: the OpenAI API key for pick embeddings (set it after deploy)",
            ),
            crawler_keys=secretsmanager.Secret(
                self,
                "CrawlerKeys",
                description='devdevdev: crawlers\' keys, {"<service-name>": {"apiKey": ..., "signingSecret": ...}}',
                secret_string_value=cdk.SecretValue.unsafe_plain_text("{}"),  # no crawler until the operator adds one
            ),
        )

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

    # -- search ---------------------------------------------------------------------------------------------------

    def _search(self) -> opensearch.Domain:
        """The article search domain (OpenSearch 2.x, whose managed service bundles the nori Korean analyzer). Only
        signed (IAM) requests of this stack's functions reach it: it has no resource policy."""
        config = self.config
        return opensearch.Domain(
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

    def _index_arns(self) -> list[str]:
        return [f"{self.search.domain_arn}/{SEARCH_INDEX}", f"{self.search.domain_arn}/{SEARCH_INDEX}/*"]

    def _use_search(self, function: lambda_.Function) -> None:
        function.add_environment("OPENSEARCH_URL", f"https://{self.search.domain_endpoint}")
        function.add_environment("SEARCH_INDEX", SEARCH_INDEX)

    def _indexer(self) -> lambda_.Function:
        """The article indexer on the table's stream, fed only article items (an event filter on the key)."""
        indexer = self.function(
            "ArticleIndexerFunction", code="functions/articles", handler="indexer.lambda_handler", timeout=60
        )
        indexer.add_to_role_policy(
            iam.PolicyStatement(
                actions=["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete"],
                resources=self._index_arns(),
            )
        )
        self._use_search(indexer)
        indexer.add_event_source(
            sources.DynamoEventSource(
                self.table,
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

    # -- images ---------------------------------------------------------------------------------------------------

    def _images(self) -> tuple[s3.Bucket, cloudfront.Distribution]:
        """The pick image bucket: private, encrypted, browser uploads by presigned POST from the stage's origins,
        unattached uploads expired by tag, server access logs in a bucket of their own; served through CloudFront
        (origin access control)."""
        retain = cdk.RemovalPolicy.RETAIN  # images and their logs outlive a stack, whatever the stage
        access_logs = s3.Bucket(
            self,
            "ImagesAccessLogs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            lifecycle_rules=[s3.LifecycleRule(id="ExpireLogs", expiration=cdk.Duration.days(90))],
            removal_policy=retain,
        )
        bucket = s3.Bucket(
            self,
            "ImagesBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="images/",
            cors=[
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods.POST],
                    allowed_origins=list(self.config.cors_allowed_origins),
                    allowed_headers=["*"],
                    max_age=CORS_MAX_AGE_SECONDS,
                )
            ],
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireUnattachedUploads", tag_filters={ATTACHED_TAG: "false"}, expiration=cdk.Duration.days(2)
                ),
                s3.LifecycleRule(
                    id="AbortIncompleteUploads", abort_incomplete_multipart_upload_after=cdk.Duration.days(1)
                ),
            ],
            removal_policy=retain,
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
        return bucket, cdn


_RETENTION_NAMES = {7: "ONE_WEEK", 14: "TWO_WEEKS", 30: "ONE_MONTH", 90: "THREE_MONTHS", 365: "ONE_YEAR"}


def _retention(days: int) -> logs.RetentionDays:
    """The stage's log retention as CloudWatch's enumeration, which has only certain values."""
    if days not in _RETENTION_NAMES:
        raise ValueError(f"log retention of {days} days is not one of {sorted(_RETENTION_NAMES)}")
    return logs.RetentionDays[_RETENTION_NAMES[days]]
