"""The CDK stack, synthesized offline: every route of the route table reaches its group's function."""

import aws_cdk as cdk
from aws_cdk.assertions import Match, Template
from devdevdev.stages import stage

from infra import routes
from infra.app import ApiStack


def template() -> Template:
    app = cdk.App()
    return Template.from_stack(ApiStack(app, "test", stage("prod")))


def _http_api_id(synthesized: Template) -> str:
    (api_id,) = [
        name
        for name, api in synthesized.find_resources("AWS::ApiGatewayV2::Api").items()
        if api["Properties"]["ProtocolType"] == "HTTP"
    ]
    return api_id


def test_every_route_of_the_table_is_on_the_http_api():
    synthesized = template()
    http_api = _http_api_id(synthesized)
    keys = {
        r["Properties"]["RouteKey"]
        for r in synthesized.find_resources("AWS::ApiGatewayV2::Route").values()
        if r["Properties"]["ApiId"] == {"Ref": http_api}
    }
    assert keys == {route.route_key for route in routes.ROUTES}


def test_the_live_channel_has_its_websocket_routes_queue_dead_letters_and_worker():
    synthesized = template()
    websocket_keys = {
        r["Properties"]["RouteKey"]
        for r in synthesized.find_resources("AWS::ApiGatewayV2::Route").values()
        if r["Properties"]["ApiId"] != {"Ref": _http_api_id(synthesized)}
    }
    assert websocket_keys == {"$connect", "$disconnect", "$default"}
    synthesized.has_resource_properties(
        "AWS::SQS::Queue",
        {"RedrivePolicy": Match.object_like({"maxReceiveCount": 5}), "VisibilityTimeout": 720},
    )
    synthesized.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {"BatchSize": 10, "FunctionResponseTypes": ["ReportBatchItemFailures"]},
    )
    synthesized.has_resource_properties("AWS::Lambda::Function", {"Handler": "worker.lambda_handler"})
    synthesized.has_resource_properties("AWS::Lambda::Function", {"Handler": "websocket.lambda_handler"})
    synthesized.has_output("WebSocketUrl", {})
    policies = synthesized.find_resources("AWS::IAM::Policy")
    manage = [
        p
        for p in policies.values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s["Action"] == "execute-api:ManageConnections"
    ]
    assert len(manage) == 1  # only the worker pushes to connections


def test_table_is_on_demand_with_stream_ttl_and_protection_in_prod():
    template().has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
            "TimeToLiveSpecification": {"AttributeName": "expiresAt", "Enabled": True},
            "Replicas": Match.array_with([Match.object_like({"DeletionProtectionEnabled": True})]),
        },
    )


def test_cors_comes_from_the_stage():
    template().has_resource_properties(
        "AWS::ApiGatewayV2::Api",
        {
            "CorsConfiguration": Match.object_like(
                {"AllowOrigins": list(stage("prod").cors_allowed_origins), "AllowCredentials": True}
            )
        },
    )


def test_image_bucket_is_private_encrypted_and_expires_unattached_uploads():
    synthesized = template()
    synthesized.has_resource_properties(
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
        },
    )
    synthesized.resource_count_is("AWS::CloudFront::Distribution", 1)


def test_article_indexer_reads_only_article_items_from_the_stream():
    synthesized = template()
    synthesized.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "StartingPosition": "TRIM_HORIZON",
            "FilterCriteria": {"Filters": [{"Pattern": '{"dynamodb":{"Keys":{"SK":{"S":["ARTICLE"]}}}}'}]},
        },
    )
    synthesized.has_resource_properties(
        "AWS::OpenSearchService::Domain",
        {"EncryptionAtRestOptions": {"Enabled": True}, "NodeToNodeEncryptionOptions": {"Enabled": True}},
    )
