"""The CDK app: ``make synth`` / ``cdk deploy`` (stage from ``-c stage=dev|prod``).

The stack is :class:`infra.stack.ApiStack`; ``-c alarm_email=<address>`` subscribes an address to its alarms.
Synthesis runs cdk-nag's AwsSolutions checks: a finding fails the synth unless it is acknowledged, with its reason, in
:mod:`infra.nag`.
"""

from __future__ import annotations

import dataclasses

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks
from devdevdev.stages import Stage, stage

from infra.nag import acknowledge_findings
from infra.stack import ApiStack

# CDK behaviours this app relies on (set before any construct exists, so tests and `cdk synth` agree).
FEATURE_FLAGS = {
    "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,  # a bucket policy, not the legacy log-delivery ACL
}


def build_app(config: Stage, *, nag: bool = True, app: cdk.App | None = None) -> tuple[cdk.App, ApiStack]:
    """The app with the stage's stack; ``nag`` adds the AwsSolutions checks (which fail synthesis on a finding)."""
    app = app or cdk.App()
    for flag, value in FEATURE_FLAGS.items():
        app.node.set_context(flag, value)
    stack = ApiStack(app, f"devdevdev-{config.name}", config, description=f"devdevdev backend ({config.name})")
    cdk.Tags.of(stack).add("project", "devdevdev")
    cdk.Tags.of(stack).add("stage", config.name)
    for key, tag in config.tags.items():
        cdk.Tags.of(stack).add(key, tag)
    if nag:
        acknowledge_findings(stack)
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app, stack


def main() -> None:
    app = cdk.App()
    config = stage(app.node.try_get_context("stage") or "dev")
    alarm_email = app.node.try_get_context("alarm_email")  # cdk deploy -c alarm_email=... overrides the stage's
    if alarm_email:
        config = dataclasses.replace(config, alarm_email=alarm_email)
    build_app(config, app=app)
    app.synth()


if __name__ == "__main__":
    main()
