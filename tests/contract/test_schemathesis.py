"""Schemathesis against the local gateway on a real port, from the committed ``docs/openapi.json``: no 5xx, and every
response matches the documented schema, status codes and content type.

The operations share one seeded stage (``tests/contract/conftest.py``); each runs as a member of its own, so that one
operation's writes (an exit, a nickname change) do not change what the next one can do. Examples are capped so the
whole module stays within a couple of minutes on two cores.
"""

from __future__ import annotations

import uuid

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.errors import InvalidSchema
from schemathesis.core.result import Err, Ok
from schemathesis.schemas import APIOperation

from infra import routes
from infra.apidoc.openapi import TEST_TOKEN_PATH
from scripts.openapi import DOCS
from tests.conftest import new_member

MAX_EXAMPLES = 30
schema = schemathesis.openapi.from_path(DOCS / "openapi.json")
# Not fuzzed, each for a reason (and each covered elsewhere):
# - the live channel streams Server-Sent Events for 5 minutes (tests/integration/test_live_channel.py);
# - the Kakao login callback calls Kakao's servers with the code it gets (tests/integration/test_oauth.py, with a
#   fake Kakao).
NOT_FUZZED = {
    f"GET {routes.BASE}/notifications",
    f"GET {routes.BASE}/login/oauth2/code/kakao",
}
EXERCISED: set[str] = set()
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


def _operation(result: Ok[APIOperation] | Err[InvalidSchema]) -> APIOperation:
    if isinstance(result, Err):
        raise result.err()
    return result.ok()


def test_only_the_listed_operations_are_left_out():
    documented = {f"{op.method.upper()} {op.path}" for op in map(_operation, schema.get_all_operations())}
    assert documented >= NOT_FUZZED
    assert documented - NOT_FUZZED == {r.route_key for r in routes.ROUTES} - NOT_FUZZED


@pytest.fixture
def member(stage) -> dict[str, str]:
    """The bearer headers of a new member."""
    _, headers = new_member(stage.runtime, f"st{uuid.uuid4().hex[:10]}")
    return headers


def test_the_test_token_endpoint_answers_as_documented(stage):
    response = httpx.get(stage.url + TEST_TOKEN_PATH)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["accessToken"]


@schema.exclude(
    path_regex="|".join(f"^{key.split(' ', 1)[1]}$" for key in NOT_FUZZED).replace("{", r"\{").replace("}", r"\}")
).parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_the_api_keeps_its_documented_contract(case, stage, member):
    EXERCISED.add(case.operation.label)
    case.call_and_validate(base_url=stage.url, headers=member, checks=CHECKS)


def test_every_operation_but_the_listed_ones_was_exercised():
    # Runs after the parametrized test (pytest keeps file order): nothing was skipped on the way.
    assert {r.route_key for r in routes.ROUTES} - NOT_FUZZED == EXERCISED
