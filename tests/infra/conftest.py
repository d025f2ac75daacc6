"""The stack synthesized offline, once per stage, without the layer's bundling (``tests/infra/test_layer.py`` and
``test_synth.py`` build the real layer) and without cdk-nag (``test_nag.py`` runs it on an app of its own)."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template
from devdevdev.stages import stage

from infra.app import build_app
from infra.stack import ApiStack

NO_BUNDLING: dict[str, list[str]] = {"aws:cdk:bundling-stacks": []}


def synthesized(stage_name: str, *, nag: bool = False) -> tuple[ApiStack, Template]:
    _, stack = build_app(stage(stage_name), nag=nag, app=cdk.App(context=NO_BUNDLING))
    return stack, Template.from_stack(stack)


@pytest.fixture(scope="session")
def prod() -> tuple[ApiStack, Template]:
    return synthesized("prod")


@pytest.fixture(scope="session")
def dev() -> tuple[ApiStack, Template]:
    return synthesized("dev")


@pytest.fixture(scope="session")
def template(prod) -> Template:
    return prod[1]
