"""cdk-nag's AwsSolutions findings this stack accepts, each on the construct it concerns and with its reason.

cdk-nag 3 fails the synthesis on any finding not acknowledged here (``Validations.of(...).acknowledge``). Each
acknowledgment names one finding; a new finding (a new resource, a wider permission) fails ``make synth`` and the
infra tests until it is fixed or argued for here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import aws_cdk as cdk
from aws_cdk import aws_apigatewayv2 as apigw
from constructs import IConstruct

if TYPE_CHECKING:
    from infra.stack import ApiStack

REASONS: dict[str, str] = {
    "AwsSolutions-L1": (
        "Python 3.13 on purpose: the shared layer is built from binary wheels for Lambda's arm64, and numpy has none "
        "for 3.14 on our package index yet. Move with infra/layer.py's PYTHON_VERSION when it has."
    ),
    "AwsSolutions-SMG4": (
        "Rotation is an operator's step, not a schedule: the JWT key signs every session (rotating it signs "
        "everyone out), and the OAuth, OpenAI and crawler keys are issued by others and set with "
        "put-secret-value (README, Deploy)."
    ),
    "AwsSolutions-APIG4": (
        "Authorization is the contract's and lives in the functions: they verify the JWT (or the crawler's "
        "key/signature) and answer with the contract's 401/403 envelopes; many routes are public (lists, details) "
        "and accept anonymous members."
    ),
    "AwsSolutions-APIG1": (
        "WebSocket access logging needs the account-wide API Gateway CloudWatch role, which this stack does not "
        "own; the $connect/$disconnect function logs every connection instead."
    ),
    "AwsSolutions-CFR1": "The images are public content of a public community: no country is excluded.",
    "AwsSolutions-CFR2": (
        "The distribution serves only immutable images by key (GET, cached); a WAF's cost buys nothing for it. "
        "Uploads never pass through CloudFront."
    ),
    "AwsSolutions-CFR3": (
        "Standard logs need an ACL-enabled bucket; the image bucket's server access logs already record every "
        "object read that misses the cache."
    ),
    "AwsSolutions-CFR4": (
        "The distribution uses CloudFront's default certificate, with which the viewer TLS policy cannot be set; "
        "a custom domain with its certificate (TLSv1.2_2021) is a deploy-time choice."
    ),
    "AwsSolutions-OS1": (
        "The domain is reached only by this stack's Lambda functions, which run outside a VPC to avoid NAT costs; "
        "access is by IAM-signed requests only (no resource policy, identity policies scoped to the index)."
    ),
    "AwsSolutions-OS3": "Access is by IAM identity (SigV4), not by IP address: Lambda's addresses are not fixed.",
    "AwsSolutions-OS4": (
        "At most two data nodes hold one small article index; dedicated masters would triple the cost for no "
        "stability gain at this size."
    ),
    "AwsSolutions-OS5": (
        "The domain has no access policy, so no anonymous or unsigned request is allowed: only principals of this "
        "account whose identity policy grants es:ESHttp* on the index (the articles function and the indexer)."
    ),
    "AwsSolutions-OS7": "Zone awareness follows the stage: two data nodes (prod) are spread over two zones, dev has one.",
    "AwsSolutions-OS9[LogExport::SEARCH_SLOW_LOGS]": (
        "Slow logs are a diagnosis tool to switch on when needed; searches are timed in the articles function's logs."
    ),
    "AwsSolutions-OS9[LogExport::INDEX_SLOW_LOGS]": (
        "Slow logs are a diagnosis tool to switch on when needed; indexing is timed in the indexer's logs."
    ),
    "AwsSolutions-IAM5[Resource::<{bucket}.Arn>/*]": (
        "Object-level actions on the image bucket's own objects (keys are generated per upload)."
    ),
    "AwsSolutions-IAM5[Action::s3:Abort*]": "CDK's grant for uploads: abort multipart uploads of this bucket only.",
    "AwsSolutions-IAM5[Action::s3:DeleteObject*]": "Deleting a pick deletes its images: this bucket only.",
    "AwsSolutions-IAM5[Action::s3:GetBucket*]": "CDK's read grant: this bucket's location and settings only.",
    "AwsSolutions-IAM5[Action::s3:GetObject*]": "Reading uploaded images to check them: this bucket only.",
    "AwsSolutions-IAM5[Action::s3:List*]": "CDK's read grant: listing this bucket only.",
    "AwsSolutions-IAM5[Resource::<{search}.Arn>/articles/*]": (
        "Requests under the article index only (_search, _doc, _bulk): no other index or domain API."
    ),
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<{websocket}>/*/*/@connections/*]": (
        "PostToConnection and DeleteConnection on this WebSocket API's connections, whose ids are only known "
        "at run time."
    ),
    "AwsSolutions-IAM5[Resource::<{embed}.Arn>:*]": (
        "Step Functions may invoke the embed function's versions and aliases (CDK's grant for LambdaInvoke): "
        "this function only."
    ),
    "AwsSolutions-IAM5[Resource::<{embed_failure}.Arn>:*]": (
        "Step Functions may invoke the failure recorder's versions and aliases (CDK's grant for LambdaInvoke): "
        "this function only."
    ),
    "AwsSolutions-IAM5[Resource::*]": (
        "X-Ray tracing (PutTraceSegments, PutTelemetryRecords, GetSampling*) and Step Functions' log delivery "
        "(logs:*LogDelivery*, PutResourcePolicy, Describe*) support no resource-level permission: AWS requires *."
    ),
    "AwsSolutions-SNS2": (
        "The alarm topic carries only alarm names and states, no member data; CloudWatch cannot publish to a topic "
        "encrypted with the AWS-managed SNS key, and a customer-managed key for this would cost more than it protects."
    ),
}


def acknowledge_findings(stack: ApiStack) -> None:
    """Record every accepted finding on its construct."""
    names = {
        name: stack.resolve(construct.node.default_child.logical_id)  # type: ignore[union-attr]
        for name, construct in {
            "bucket": stack.images.bucket,
            "search": stack.search.domain,
            "websocket": stack.notifications.websocket_api,
            "embed": stack.embeddings.embed,
            "embed_failure": stack.embeddings.failure,
        }.items()
    }
    for construct in stack.node.find_all():
        if isinstance(construct, apigw.CfnRoute):
            _acknowledge(construct, "AwsSolutions-APIG4", REASONS["AwsSolutions-APIG4"])
        if isinstance(construct, cdk.aws_lambda.CfnFunction):
            _acknowledge(construct, "AwsSolutions-L1", REASONS["AwsSolutions-L1"])
    for secret in stack.secrets.by_name().values():
        _acknowledge(secret, "AwsSolutions-SMG4", REASONS["AwsSolutions-SMG4"])
    for rule in ("AwsSolutions-CFR1", "AwsSolutions-CFR2", "AwsSolutions-CFR3", "AwsSolutions-CFR4"):
        _acknowledge(stack.images.cdn, rule, REASONS[rule])
    for rule, reason in REASONS.items():
        if rule.startswith("AwsSolutions-OS"):
            _acknowledge(stack.search.domain, rule, reason)
    _acknowledge(stack.notifications.websocket_stage, "AwsSolutions-APIG1", REASONS["AwsSolutions-APIG1"])
    picks_policy = _default_policy(stack.api.functions["picks"])
    for rule, reason in REASONS.items():
        if "s3:" in rule or "{bucket}" in rule:
            _acknowledge(picks_policy, rule.format(**names), reason)
    search_rule = "AwsSolutions-IAM5[Resource::<{search}.Arn>/articles/*]"
    for function in (stack.api.functions["articles"], stack.search.indexer):
        _acknowledge(_default_policy(function), search_rule.format(**names), REASONS[search_rule])
    websocket_rule = next(rule for rule in REASONS if "{websocket}" in rule)
    _acknowledge(
        _default_policy(stack.notifications.worker),
        websocket_rule.format(**names),
        REASONS[websocket_rule],
    )

    for function in stack.runtime.functions.values():  # active tracing: X-Ray's actions on *
        _acknowledge(
            _default_policy(function),
            "AwsSolutions-IAM5[Resource::*]",
            REASONS["AwsSolutions-IAM5[Resource::*]"],
        )
    _acknowledge(stack.monitoring.topic, "AwsSolutions-SNS2", REASONS["AwsSolutions-SNS2"])

    machine_policy = stack.embeddings.state_machine.role.node.find_child("DefaultPolicy")
    for rule in (
        "AwsSolutions-IAM5[Resource::<{embed}.Arn>:*]",
        "AwsSolutions-IAM5[Resource::<{embed_failure}.Arn>:*]",
        "AwsSolutions-IAM5[Resource::*]",
    ):
        _acknowledge(machine_policy, rule.format(**names), REASONS[rule])


def _default_policy(function: cdk.aws_lambda.Function) -> IConstruct:
    """The policy CDK's grants write to: the function's own role's."""
    if function.role is None:
        raise ValueError(f"{function.node.path} has no role")
    return function.role.node.find_child("DefaultPolicy")


def _acknowledge(construct: IConstruct, rule: str, reason: str) -> None:
    cdk.Validations.of(construct).acknowledge(cdk.Acknowledgment(id=f"AwsSolutions::{rule}", reason=reason))
