"""The shared layer and the one way the stack makes a function (:class:`Runtime`).

Every function is Python 3.13 on arm64 with the shared layer, has a role of its own that may write only its own log
group, reads and writes the table (:meth:`Data.grant_items <infra.parts.data.Data.grant_items>`) and reads the JWT
key. What else a function may touch is granted by the part that owns the resource.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct
from devdevdev.stages import Stage

from infra import layer as shared_layer
from infra import sizing
from infra.parts.data import Data
from infra.parts.ids import Part
from infra.parts.secrets import Secrets

RUNTIME = lambda_.Runtime.PYTHON_3_13  # the layer's wheels are built for this version (infra/layer.py)
ARCHITECTURE = lambda_.Architecture.ARM_64

_RETENTION_NAMES = {7: "ONE_WEEK", 14: "TWO_WEEKS", 30: "ONE_MONTH", 90: "THREE_MONTHS", 365: "ONE_YEAR"}


def retention(days: int) -> logs.RetentionDays:
    """The stage's log retention as CloudWatch's enumeration, which has only certain values."""
    if days not in _RETENTION_NAMES:
        raise ValueError(f"log retention of {days} days is not one of {sorted(_RETENTION_NAMES)}")
    return logs.RetentionDays[_RETENTION_NAMES[days]]


class Runtime(Part):
    """The shared layer, and :meth:`function`, which every part uses to make its functions (listed in
    :attr:`functions`, by construct id)."""

    def __init__(self, scope: Construct, construct_id: str, *, config: Stage, data: Data, secrets: Secrets) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        self.data = data
        self.secrets = secrets
        self.functions: dict[str, lambda_.Function] = {}
        self.timeouts: dict[str, int] = {}  # seconds, by function
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

    def function(
        self,
        scope: Construct,
        name: str,
        *,
        code: str,
        handler: str,
        timeout: int,
        environment: dict[str, str] | None = None,
    ) -> lambda_.Function:
        """A function (construct id ``name``, in ``scope``) on the shared layer, with a role of its own that may only
        write its own log group (kept for the stage's retention), use the table and read the JWT key; X-Ray active
        tracing, and Powertools configured for the stage (service name, metric namespace, log level and sampling)."""
        config = self.config
        log_group = logs.LogGroup(
            scope,
            f"{name}Logs",
            retention=retention(config.log_retention_days),
            removal_policy=cdk.RemovalPolicy.RETAIN if config.deletion_protection else cdk.RemovalPolicy.DESTROY,
        )
        role = iam.Role(
            scope, f"{name}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=f"{name}"
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[log_group.log_group_arn]
            )
        )
        created = lambda_.Function(
            scope,
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
            tracing=lambda_.Tracing.ACTIVE,
            environment={
                "STAGE": config.name,
                "TABLE_NAME": self.data.table.table_name,
                "JWT_SECRET_ARN": self.secrets.jwt.secret_arn,
                "POWERTOOLS_SERVICE_NAME": f"devdevdev-{name}",
                "POWERTOOLS_METRICS_NAMESPACE": f"devdevdev-{config.name}",
                "POWERTOOLS_LOG_LEVEL": config.log_level,
                "POWERTOOLS_LOGGER_SAMPLE_RATE": str(config.log_sample_rate),
                "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",  # a response may carry tokens or members' data
                **(environment or {}),
            },
        )
        self.data.grant_items(created)
        self.secrets.jwt.grant_read(created)
        self.functions[name] = created
        self.timeouts[name] = timeout
        return created
