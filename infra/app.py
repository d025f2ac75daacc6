"""The CDK app: ``cdk synth`` / ``cdk deploy`` (stage from ``-c stage=dev|prod``).

This first version wires the foundation: the table from the shared key schema, one function per group of the route
table behind an HTTP API with the stage's CORS. The full system (layer with pinned dependencies, WebSocket API,
OpenSearch, queues, Step Functions, secrets, cdk-nag) grows in issue 8.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from constructs import Construct
from devdevdev.stages import CORS_ALLOWED_HEADERS, CORS_ALLOWED_METHODS, CORS_MAX_AGE_SECONDS, Stage, stage
from devdevdev.store.schema import INDEXES, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE

from infra import routes

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
            functions[group] = function
        for route in routes.ROUTES:
            api.add_routes(
                path=route.path,
                methods=[apigw.HttpMethod(route.method)],
                integration=integrations.HttpLambdaIntegration(
                    f"{route.method}{route.path}".replace("/", "-"), functions[route.group]
                ),
            )
        cdk.CfnOutput(self, "ApiUrl", value=api.api_endpoint)


def main() -> None:
    app = cdk.App()
    config = stage(app.node.try_get_context("stage") or "dev")
    ApiStack(app, f"devdevdev-{config.name}", config)
    app.synth()


if __name__ == "__main__":
    main()
