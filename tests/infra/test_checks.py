"""The synthesized template passes cfn-lint and cdk-nag's AwsSolutions checks (every accepted finding has its
reason in infra/nag.py)."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_sqs as sqs
from cfnlint.api import ManualArgs, lint
from devdevdev.stages import stage

from infra.app import build_app
from tests.infra.conftest import NO_BUNDLING, synthesized


def with_nag(stage_name: str):
    """An app with the AwsSolutions checks, not yet synthesized."""
    return build_app(stage(stage_name), nag=True, app=cdk.App(context=NO_BUNDLING))


# cfn-lint rules this project does not apply, with why.
CFN_LINT_IGNORED = {
    "W3005": "CDK makes every function depend on its role's policy and role; the second dependency is redundant "
    "with the GetAtt of the role, and harmless.",
}


@pytest.mark.parametrize("stage_name", ["dev", "prod"])
def test_cfn_lint_finds_nothing(stage_name):
    _, template = synthesized(stage_name)
    config = ManualArgs(regions=["ap-northeast-2", "us-east-1"], ignore_checks=list(CFN_LINT_IGNORED))
    matches = lint(json.dumps(template.to_json()), config=config)
    assert [f"{m.rule.id} {m.message}" for m in matches] == []


@pytest.mark.parametrize("stage_name", ["dev", "prod"])
def test_cdk_nag_aws_solutions_passes_with_the_acknowledged_findings(stage_name):
    app, _ = with_nag(stage_name)
    app.synth()  # raises on any finding that is not acknowledged


def test_cdk_nag_fails_the_synth_on_a_new_finding():
    app, stack = with_nag("dev")
    sqs.Queue(stack, "UnencryptedQueueWithoutDeadLetters", encryption=sqs.QueueEncryption.UNENCRYPTED)
    with pytest.raises(RuntimeError, match=r"ValidationFailed(.|\n)*AwsSolutions-SQS2(.|\n)*AwsSolutions-SQS4"):
        app.synth()


def test_every_acknowledgment_has_a_reason():
    _, stack = with_nag("dev")
    acknowledged = {
        rule: reason
        for construct in stack.node.find_all()
        for entry in construct.node.metadata
        if entry.type == cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY
        for rule, reason in entry.data.items()
    }
    assert "AwsSolutions::AwsSolutions-APIG4" in acknowledged
    for rule, reason in acknowledged.items():
        assert len(reason) >= 40, rule
