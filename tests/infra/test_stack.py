"""The CDK stack, synthesized offline: what a reviewer of the template must find, and nothing wider."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Match, Template
from devdevdev.embeddings import pipeline
from devdevdev.stages import stage
from devdevdev.store.schema import INDEXES

from bench import cost
from infra import routes, sizing
from infra.parts.api import GROUP_ACCESS
from infra.parts.data import ITEM_ACTIONS

# Actions AWS only grants on "*" (no resource-level permission): the embedding state machine's tracing and logging.
STAR_ONLY_ACTIONS = frozenset(
    {
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
    }
)


def resources(template: Template, kind: str) -> dict[str, Any]:
    return dict(template.find_resources(kind))


def _http_api_id(template: Template) -> str:
    (api_id,) = [
        name for name, api in resources(template, "AWS::ApiGatewayV2::Api").items()
        if api["Properties"]["ProtocolType"] == "HTTP"
    ]  # fmt: skip
    return api_id


def _function_of(template: Template, group: str) -> str:
    """The logical id of the group's function: the one with its code directory and ``handler.lambda_handler``."""
    (name,) = [
        name
        for name, function in resources(template, "AWS::Lambda::Function").items()
        if function["Properties"]["Handler"] == "handler.lambda_handler"
        and function["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
        == f"devdevdev-{group.capitalize()}Function"
    ]
    return name


def _policy_statements(template: Template, function: str) -> list[dict]:
    role = resources(template, "AWS::Lambda::Function")[function]["Properties"]["Role"]["Fn::GetAtt"][0]
    return [
        statement
        for policy in resources(template, "AWS::IAM::Policy").values()
        if {"Ref": role} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def _actions(statement: dict) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


def _mentions(statements: list[dict], logical_id: str) -> bool:
    return logical_id in json.dumps([s["Resource"] for s in statements])


def _logical_id(template: Template, kind: str, **properties) -> str:
    (name,) = [
        name
        for name, resource in resources(template, kind).items()
        if all(resource["Properties"].get(k) == v for k, v in properties.items())
    ]
    return name


# Routes -------------------------------------------------------------------------------------------------------------


def test_every_route_of_the_table_reaches_its_groups_function(template):
    http_api = _http_api_id(template)
    integrations = resources(template, "AWS::ApiGatewayV2::Integration")
    permissions = resources(template, "AWS::Lambda::Permission")
    seen = set()
    for route in resources(template, "AWS::ApiGatewayV2::Route").values():
        properties = route["Properties"]
        if properties["ApiId"] != {"Ref": http_api}:
            continue
        key = properties["RouteKey"]
        (expected,) = [r for r in routes.ROUTES if r.route_key == key]
        integration_id = properties["Target"]["Fn::Join"][1][1]["Ref"]
        uri = integrations[integration_id]["Properties"]["IntegrationUri"]
        function = _function_of(template, expected.group)
        assert uri == {"Fn::GetAtt": [function, "Arn"]}, key
        assert any(
            p["Properties"]["FunctionName"] == {"Fn::GetAtt": [function, "Arn"]}
            and p["Properties"]["Principal"] == "apigateway.amazonaws.com"
            for p in permissions.values()
        ), f"API Gateway may not invoke {function}"
        seen.add(key)
    assert seen == {route.route_key for route in routes.ROUTES}


def test_every_function_is_python_3_12_or_later_on_arm64_with_the_shared_layer(template):
    (layer,) = resources(template, "AWS::Lambda::LayerVersion")
    functions = resources(template, "AWS::Lambda::Function")
    # the groups, the indexer, the WebSocket function, the worker, the embed function and its failure recorder
    assert len(functions) == len(routes.GROUPS) + 5
    for name, function in functions.items():
        properties = function["Properties"]
        major, minor = properties["Runtime"].removeprefix("python").split(".")
        assert (int(major), int(minor)) >= (3, 12), name
        assert properties["Architectures"] == ["arm64"], name
        assert properties["Layers"] == [{"Ref": layer}], name
        assert "JWT_SECRET_ARN" in properties["Environment"]["Variables"], name


# Least privilege ----------------------------------------------------------------------------------------------------


def test_no_policy_has_a_wildcard_action_or_a_star_resource(template):
    for name, policy in resources(template, "AWS::IAM::Policy").items():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            for action in _actions(statement):
                service, _, verb = action.partition(":")
                assert verb and verb != "*" and service != "*", f"{name}: {action}"
                assert action != "dynamodb:Scan", f"{name}: the code never scans"
            listed = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            if "*" in listed:
                assert set(_actions(statement)) <= STAR_ONLY_ACTIONS, f"{name}: {statement}"


def test_functions_reach_the_table_by_name_and_its_indexes_one_by_one(template):
    table = _logical_id(template, "AWS::DynamoDB::GlobalTable", BillingMode="PAY_PER_REQUEST")
    for function in resources(template, "AWS::Lambda::Function"):
        statements = _policy_statements(template, function)
        items = [s for s in statements if set(_actions(s)) == set(ITEM_ACTIONS)]
        assert items and items[0]["Resource"] == {"Fn::GetAtt": [table, "Arn"]}, function
        (query,) = [s for s in statements if _actions(s) == ["dynamodb:Query"]]
        assert [r["Fn::Join"][1][1] for r in query["Resource"]] == [f"/index/{i.name}" for i in INDEXES]


def test_each_group_reaches_only_what_it_uses(template):
    secrets = {
        key: _logical_id(template, "AWS::SecretsManager::Secret", Description=description)
        for key, description in {
            "oauth": "devdevdev: Kakao's OAuth client secret (set it after deploy)",
            "crawler_keys": 'devdevdev: crawlers\' keys, {"<service-name>": {"apiKey": ..., "signingSecret": ...}}',
        }.items()
    }
    images = [
        name for name, b in resources(template, "AWS::S3::Bucket").items() if "CorsConfiguration" in b["Properties"]
    ]
    (search,) = resources(template, "AWS::OpenSearchService::Domain")
    (queue,) = [
        name for name, q in resources(template, "AWS::SQS::Queue").items() if "RedrivePolicy" in q["Properties"]
    ]
    assert len(images) == 1  # the image bucket (its access-log bucket has no CORS)
    for group, access in GROUP_ACCESS.items():
        statements = _policy_statements(template, _function_of(template, group))
        assert _mentions(statements, images[0]) == access.images, group
        assert _mentions(statements, search) == access.search_read, group
        assert _mentions(statements, queue) == access.queue, group
        assert _mentions(statements, secrets["oauth"]) == access.oauth, group
        assert _mentions(statements, secrets["crawler_keys"]) == access.crawler_keys, group
        if access.search_read:
            es = [a for s in statements for a in _actions(s) if a.startswith("es:")]
            assert sorted(es) == ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost"], "the API only reads the index"


def test_functions_write_only_their_own_log_group(template):
    for function, properties in resources(template, "AWS::Lambda::Function").items():
        log_group = properties["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        (logs,) = [s for s in _policy_statements(template, function) if any(a.startswith("logs:") for a in _actions(s))]
        assert logs["Resource"] == {"Fn::GetAtt": [log_group, "Arn"]}
    for role in resources(template, "AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"]  # no AWSLambdaBasicExecutionRole: it logs anywhere


# Resources ----------------------------------------------------------------------------------------------------------


def test_the_live_channel_has_its_websocket_routes_queue_dead_letters_and_worker(template):
    websocket_keys = {
        r["Properties"]["RouteKey"]
        for r in resources(template, "AWS::ApiGatewayV2::Route").values()
        if r["Properties"]["ApiId"] != {"Ref": _http_api_id(template)}
    }
    assert websocket_keys == {"$connect", "$disconnect", "$default"}
    template.has_resource_properties("AWS::ApiGatewayV2::Stage", {"StageName": "live", "AutoDeploy": True})
    template.has_resource_properties(
        "AWS::SQS::Queue",
        {"RedrivePolicy": Match.object_like({"maxReceiveCount": 5}), "VisibilityTimeout": 720},
    )
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {"BatchSize": 10, "FunctionResponseTypes": ["ReportBatchItemFailures"]},
    )
    template.has_resource_properties("AWS::Lambda::Function", {"Handler": "worker.lambda_handler"})
    template.has_resource_properties("AWS::Lambda::Function", {"Handler": "websocket.lambda_handler"})
    manage = [
        p
        for p in resources(template, "AWS::IAM::Policy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s["Action"] == "execute-api:ManageConnections"
    ]
    assert len(manage) == 1  # only the worker pushes to connections


def test_outputs_name_the_api_and_websocket_urls_and_the_secrets(template):
    outputs = template.to_json()["Outputs"]
    assert {"ApiUrl", "WebSocketUrl", "ImagesUrl"} <= set(outputs)
    assert {"JwtSecretArn", "OauthClientSecretArn", "OpenaiSecretArn", "CrawlerKeysSecretArn"} <= set(outputs)


def test_secrets_are_in_secrets_manager_and_the_jwt_key_is_generated(template):
    secrets = resources(template, "AWS::SecretsManager::Secret")
    assert len(secrets) == 4
    template.has_resource_properties(
        "AWS::SecretsManager::Secret",
        {"GenerateSecretString": {"ExcludePunctuation": True, "IncludeSpace": False, "PasswordLength": 88}},
    )
    # No secret value is written into the template but the crawler keys' empty object
    assert [s["Properties"]["SecretString"] for s in secrets.values() if "SecretString" in s["Properties"]] == ["{}"]


def test_table_is_on_demand_with_stream_ttl_and_protection_in_prod(template, dev):
    expected = {
        "BillingMode": "PAY_PER_REQUEST",
        "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
        "TimeToLiveSpecification": {"AttributeName": "expiresAt", "Enabled": True},
    }
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            **expected,
            "Replicas": Match.array_with(
                [
                    Match.object_like(
                        {
                            "DeletionProtectionEnabled": True,
                            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                        }
                    )
                ]
            ),
        },
    )
    dev[1].has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {**expected, "Replicas": Match.array_with([Match.object_like({"DeletionProtectionEnabled": False})])},
    )


def test_each_function_gets_the_memory_the_cost_bench_chose(prod, dev):
    for stack, synthesized in (prod, dev):
        functions = resources(synthesized, "AWS::Lambda::Function")
        expected = {}
        for name, memory in sizing.FUNCTION_MEMORY_MB.items():
            function = stack.runtime.functions[name]
            expected[stack.get_logical_id(function.node.default_child)] = memory
        # every function of the stack is sized in infra/sizing.py, and gets that size
        assert {logical_id: f["Properties"]["MemorySize"] for logical_id, f in functions.items()} == expected


def test_the_cost_bench_prices_the_functions_and_the_stream_filter_the_stack_has(template):
    assert set(cost.GROUP_FUNCTION) == set(routes.GROUPS)
    assert {*cost.GROUP_FUNCTION.values(), cost.INDEXER, cost.WORKER, cost.EMBED} <= set(sizing.FUNCTION_MEMORY_MB)
    pattern = json.dumps(cost.INDEXER_FILTER, separators=(",", ":"))
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping", {"FilterCriteria": {"Filters": [{"Pattern": pattern}]}}
    )


def test_the_tables_indexes_carry_the_schemas_projections(template):
    (table,) = template.find_resources("AWS::DynamoDB::GlobalTable").values()
    indexes = {i["IndexName"]: i for i in table["Properties"]["GlobalSecondaryIndexes"]}
    assert list(indexes) == [i.name for i in INDEXES]
    for index in INDEXES:
        assert indexes[index.name]["Projection"] == index.projection_request(), index.name


def test_sizes_come_from_the_stage_config(template, dev):
    for stage_name, synthesized in (("prod", template), ("dev", dev[1])):
        config = stage(stage_name)
        synthesized.has_resource_properties(
            "AWS::OpenSearchService::Domain",
            {
                "ClusterConfig": Match.object_like(
                    {
                        "InstanceCount": config.search_data_nodes,
                        "InstanceType": config.search_instance_type,
                        "ZoneAwarenessEnabled": config.search_data_nodes > 1,
                    }
                ),
                "EBSOptions": Match.object_like({"VolumeSize": config.search_volume_gb}),
            },
        )
        synthesized.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": config.log_retention_days})


def test_cors_comes_from_the_stage(template):
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Api",
        {
            "CorsConfiguration": Match.object_like(
                {
                    "AllowOrigins": list(stage("prod").cors_allowed_origins),
                    "AllowCredentials": True,
                    "ExposeHeaders": ["retry-after", "x-request-id"],  # how long a 429 asks to wait; the id to quote
                }
            )
        },
    )


def test_http_api_writes_access_logs(template):
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "AccessLogSettings": Match.object_like({"Format": Match.string_like_regexp("routeKey")}),
        },
    )


def test_image_bucket_is_private_encrypted_and_expires_unattached_uploads(template):
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "BucketEncryption": Match.object_like({"ServerSideEncryptionConfiguration": Match.any_value()}),
            "LifecycleConfiguration": {
                "Rules": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Status": "Enabled",
                                "ExpirationInDays": 2,
                                "TagFilters": [{"Key": "devdevdev-attached", "Value": "false"}],
                            }
                        )
                    ]
                )
            },
            "CorsConfiguration": {
                "CorsRules": [
                    Match.object_like(
                        {"AllowedMethods": ["POST"], "AllowedOrigins": list(stage("prod").cors_allowed_origins)}
                    )
                ]
            },
            "LoggingConfiguration": Match.object_like({"LogFilePrefix": "images/"}),
        },
    )
    template.resource_count_is("AWS::CloudFront::Distribution", 1)


def test_article_indexer_reads_only_article_items_from_the_stream(template):
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "StartingPosition": "TRIM_HORIZON",
            "FilterCriteria": {"Filters": [{"Pattern": '{"dynamodb":{"Keys":{"SK":{"S":["ARTICLE"]}}}}'}]},
        },
    )
    template.has_resource_properties(
        "AWS::OpenSearchService::Domain",
        {
            "EncryptionAtRestOptions": {"Enabled": True},
            "NodeToNodeEncryptionOptions": {"Enabled": True},
            "DomainEndpointOptions": Match.object_like({"EnforceHTTPS": True}),
        },
    )


# Embeddings ---------------------------------------------------------------------------------------------------------


def _handler(template: Template, handler: str) -> str:
    (name,) = [
        name
        for name, function in resources(template, "AWS::Lambda::Function").items()
        if function["Properties"]["Handler"] == handler
    ]
    return name


def _definition(machine: dict) -> dict:
    """The state machine's definition, with each reference replaced by the logical id it names."""
    parts = machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    text = "".join(p if isinstance(p, str) else (p.get("Fn::GetAtt") or [p.get("Ref")])[0] for p in parts)
    return json.loads(text)


def test_the_state_machine_embeds_with_retries_and_records_failures(template):
    (machine,) = resources(template, "AWS::StepFunctions::StateMachine").values()
    definition = _definition(machine)
    embed, failure = _handler(template, "embed.lambda_handler"), _handler(template, "embed.failure_handler")
    assert definition["StartAt"] == "Records"
    # the Pipe's records, and the execution id the steps' logs carry as their correlation id
    parameters = {"records.$": "$", "execution.$": "$$.Execution.Id"}
    assert definition["States"]["Records"] == {"Type": "Pass", "Parameters": parameters, "Next": "Embed"}
    task = definition["States"]["Embed"]
    assert (task["Type"], task["Resource"], task["End"]) == ("Task", embed, True)  # the function's ARN
    assert task["TimeoutSeconds"] == pipeline.TASK_TIMEOUT_SECONDS
    assert task["Retry"] == [
        {
            "ErrorEquals": list(pipeline.RETRY_ERRORS),
            "IntervalSeconds": pipeline.RETRY_INTERVAL_SECONDS,
            "MaxAttempts": pipeline.RETRY_MAX_ATTEMPTS,
            "BackoffRate": pipeline.RETRY_BACKOFF_RATE,
        }
    ]
    assert {"EmbeddingThrottled", "EmbeddingTimeout", "States.Timeout"} <= set(pipeline.RETRY_ERRORS)
    assert task["Catch"] == [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "RecordFailure"}]
    record = definition["States"]["RecordFailure"]
    assert (record["Type"], record["Resource"], record["End"]) == ("Task", failure, True)
    assert "Lambda.ServiceException" in record["Retry"][0]["ErrorEquals"]  # recording retries Lambda's own errors
    assert machine["Properties"]["TracingConfiguration"] == {"Enabled": True}
    assert machine["Properties"]["LoggingConfiguration"]["Level"] == "ALL"


def test_the_pipe_feeds_only_embedding_requests_from_the_stream_to_the_state_machine(template):
    (pipe,) = resources(template, "AWS::Pipes::Pipe").values()
    properties = pipe["Properties"]
    (table,) = resources(template, "AWS::DynamoDB::GlobalTable")
    (machine,) = resources(template, "AWS::StepFunctions::StateMachine")
    assert properties["Source"] == {"Fn::GetAtt": [table, "StreamArn"]}
    assert properties["Target"] == {"Ref": machine}
    assert properties["SourceParameters"]["FilterCriteria"] == {
        "Filters": [{"Pattern": json.dumps(pipeline.STREAM_FILTER)}]
    }
    assert properties["TargetParameters"]["StepFunctionStateMachineParameters"] == {"InvocationType": "FIRE_AND_FORGET"}
    role = properties["RoleArn"]["Fn::GetAtt"][0]
    statements = [
        s
        for p in resources(template, "AWS::IAM::Policy").values()
        if {"Ref": role} in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    assert {a for s in statements for a in _actions(s)} == {
        "dynamodb:ListStreams",
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "states:StartExecution",
    }


def test_only_the_embed_function_reads_the_openai_key(template):
    key = _logical_id(
        template,
        "AWS::SecretsManager::Secret",
        Description="devdevdev: the OpenAI API key for pick embeddings (set it after deploy)",
    )
    embed = _handler(template, "embed.lambda_handler")
    readers = [
        f for f in resources(template, "AWS::Lambda::Function") if _mentions(_policy_statements(template, f), key)
    ]
    assert readers == [embed]
    variables = resources(template, "AWS::Lambda::Function")[embed]["Properties"]["Environment"]["Variables"]
    assert variables["EMBEDDING_PROVIDER"] == "openai"
    assert variables["OPENAI_API_KEY_ARN"] == {"Ref": key}
    timeout = resources(template, "AWS::Lambda::Function")[embed]["Properties"]["Timeout"]
    assert timeout < pipeline.TASK_TIMEOUT_SECONDS
