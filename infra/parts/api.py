"""The API part: the HTTP API whose routes come from the route table (``infra/routes.py``), and one function per
group (``functions/<group>/handler.py``), each granted only what its group uses (:data:`GROUP_ACCESS`, wired in
:meth:`Api.grant`)."""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct
from devdevdev.stages import (
    CORS_ALLOWED_HEADERS,
    CORS_ALLOWED_METHODS,
    CORS_EXPOSED_HEADERS,
    CORS_MAX_AGE_SECONDS,
    Stage,
)

from infra import routes
from infra.parts.functions import Runtime, retention
from infra.parts.ids import Part
from infra.parts.images import Images
from infra.parts.notifications import Notifications
from infra.parts.search import Search
from infra.parts.secrets import Secrets

GROUP_TIMEOUT_SECONDS = 10


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
class Reachable:
    """The other parts a group may be granted."""

    images: Images
    search: Search
    notifications: Notifications
    secrets: Secrets


class Api(Part):
    """The HTTP API (CORS from the stage, JSON access logs in a log group of their own) and the group functions."""

    def __init__(
        self, scope: Construct, construct_id: str, *, config: Stage, runtime: Runtime, reachable: Reachable
    ) -> None:
        super().__init__(scope, construct_id)
        self.functions: dict[str, lambda_.Function] = {}
        for group in sorted(routes.GROUPS):
            function = runtime.function(
                self,
                f"{group.capitalize()}Function",
                code=f"functions/{group}",
                handler="handler.lambda_handler",
                timeout=GROUP_TIMEOUT_SECONDS,
            )
            grant(function, GROUP_ACCESS[group], reachable)
            self.functions[group] = function
        self.http_api = api = apigw.HttpApi(
            self,
            "HttpApi",
            cors_preflight=apigw.CorsPreflightOptions(
                allow_origins=list(config.cors_allowed_origins),
                allow_credentials=True,
                allow_headers=list(CORS_ALLOWED_HEADERS),
                allow_methods=[apigw.CorsHttpMethod(m) for m in CORS_ALLOWED_METHODS],
                expose_headers=list(CORS_EXPOSED_HEADERS),
                max_age=cdk.Duration.seconds(CORS_MAX_AGE_SECONDS),
            ),
        )
        access_logs = logs.LogGroup(self, "HttpApiAccessLogs", retention=retention(config.log_retention_days))
        stage = api.default_stage.node.default_child  # type: ignore[union-attr]
        stage.access_log_settings = apigw.CfnStage.AccessLogSettingsProperty(  # type: ignore[union-attr]
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


def grant(function: lambda_.Function, access: Access, reachable: Reachable) -> None:
    """Everything a group's function may use besides the table and the JWT key, in one place."""
    if access.images:
        reachable.images.grant_uploads(function)
    if access.search_read:
        reachable.search.grant_read(function)
    if access.queue:
        reachable.notifications.grant_send(function)
    secrets = reachable.secrets
    if access.oauth:
        secrets.oauth_client.grant_read(function)
        function.add_environment("OAUTH_CLIENT_SECRET_ARN", secrets.oauth_client.secret_arn)
    if access.crawler_keys:
        secrets.crawler_keys.grant_read(function)
        function.add_environment("CRAWLER_KEYS_ARN", secrets.crawler_keys.secret_arn)
