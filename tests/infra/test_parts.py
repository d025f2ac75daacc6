"""The stack's parts (infra/parts) group resources without renaming them: a resource keeps the logical id it had in
the flat stack, so a deploy of the composed stack replaces nothing."""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from infra.parts.ids import make_unique_id
from tests.infra.test_stack import resources

# The logical ids of the resources a replacement would lose or move (data, URLs, names, stream positions), as the flat
# stack had them before the parts.
KEPT = {
    "AWS::DynamoDB::GlobalTable": {"TableCD117FA1"},
    "AWS::S3::Bucket": {"ImagesAccessLogs91649A46", "ImagesBucket1E86AFB2"},
    "AWS::OpenSearchService::Domain": {"Search14E54FC3"},
    "AWS::SQS::Queue": {"NotificationDeadLettersA1DA2840", "NotificationQueue36610CC1"},
    "AWS::SecretsManager::Secret": {
        "CrawlerKeys19958187",
        "JwtSecretB8834B39",
        "OAuthClientSecret10CAC3E7",
        "OpenAiApiKeyAB1C389B",
    },
    "AWS::ApiGatewayV2::Api": {"HttpApiF5A9A8A7", "WebSocketApi34BCF99B"},
    "AWS::ApiGatewayV2::Stage": {"HttpApiDefaultStage3EEB07D6", "WebSocketStageC46B7E43"},
    "AWS::CloudFront::Distribution": {"ImagesCdnBC2AA66B"},
    "AWS::StepFunctions::StateMachine": {"EmbeddingStateMachineC66E062F"},
    "AWS::Pipes::Pipe": {"EmbeddingPipe"},
    "AWS::Lambda::EventSourceMapping": {
        "ArticleIndexerFunctionDynamoDBEventSourcedevdevdevprodTable5243551E96748DD3",
        "NotificationWorkerFunctionSqsEventSourcedevdevdevprodNotificationQueueEB3E9CB322446F5E",
    },
    "AWS::Logs::LogGroup": {
        "ArticleIndexerFunctionLogsB208F2A8",
        "ArticlesFunctionLogs3B779BB1",
        "AuthFunctionLogs58268913",
        "CommentsFunctionLogs6B5BBCA6",
        "EmbedFailureFunctionLogs4E03DD32",
        "EmbedFunctionLogsA96641EC",
        "EmbeddingStateMachineLogs4E7AE7AE",
        "HttpApiAccessLogs4B419BF6",
        "MypageFunctionLogs4FFB07E5",
        "NotificationWorkerFunctionLogs299B843F",
        "NotificationsFunctionLogs92ED8A7F",
        "PicksFunctionLogs16164FD2",
        "WebSocketFunctionLogsF55325D9",
    },
}


def test_stateful_resources_keep_the_logical_ids_of_the_flat_stack(template):
    for kind, expected in KEPT.items():
        assert set(resources(template, kind)) == expected, kind


def test_the_functions_keep_their_flat_logical_ids(prod):
    stack, _ = prod
    for name, function in stack.runtime.functions.items():
        kept = stack.resolve(function.node.default_child.logical_id)
        assert kept == make_unique_id([name, "Resource"]), name


def test_make_unique_id_is_cdks_scheme():
    app = cdk.App()
    stack = cdk.Stack(app, "devdevdev-test")
    inner = Construct(Construct(stack, "Outer"), "Resource")
    deep = Construct(Construct(inner, "Default"), "Outer-Thing")
    for construct in (inner, deep):
        path = [scope.node.id for scope in construct.node.scopes[1:]]
        assert make_unique_id(path) == cdk.Names.unique_id(construct)
    assert make_unique_id(["Table"]) == "Table"
