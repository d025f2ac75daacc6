"""Secrets Manager as the deployed stack uses it (moto's server): the JWT key from ``JWT_SECRET_ARN`` and the
crawlers' keys from ``CRAWLER_KEYS_ARN``, next to the keys registered in the table."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest

from tests.conftest import BASE, build_runtime, fail, make_client

pytestmark = pytest.mark.integration

BODY = {"companyId": 1, "techArticles": [{"id": 1}]}
JWT_KEY = "Devdevdev" * 9 + "Secret9"  # 88 alphanumerics, as the stack generates (base64 of 66 bytes)


@pytest.fixture
def secrets(s3_endpoint, monkeypatch):
    """Secrets Manager on moto's server (which serves it besides S3 and SQS), for boto3's default client."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", s3_endpoint)
    client = boto3.client("secretsmanager", endpoint_url=s3_endpoint, region_name="ap-northeast-2")

    def create(value: str) -> str:
        return client.create_secret(Name=f"test/{uuid.uuid4().hex}", SecretString=value)["ARN"]

    return create


@pytest.fixture
def stage_with_secrets(settings_env, secrets):
    """A seeded stage whose functions read the JWT key and the crawlers' keys from Secrets Manager."""
    from devdevdev.runtime import use_runtime

    from infra.local.seed import seed

    keys = {
        "secret-crawler": {"apiKey": "key-from-the-secret-0001"},
        "signing-crawler": {"apiKey": "another-key-from-secret", "signingSecret": "signing-secret-0001"},
    }
    env = {**settings_env, "JWT_SECRET_ARN": secrets(JWT_KEY), "CRAWLER_KEYS_ARN": secrets(json.dumps(keys))}
    runtime = build_runtime(env)
    seed(runtime)
    yield runtime
    use_runtime(None)


def publish(client, headers, body=None):
    data = json.dumps(body or BODY).encode()
    return client.post(f"{BASE}/notifications/SUBSCRIPTION", headers=headers, content=data)


def test_the_jwt_key_comes_from_its_secret(stage_with_secrets):
    # Given a stage configured with JWT_SECRET_ARN only
    assert stage_with_secrets.settings.jwt_secret == JWT_KEY
    # Then its tokens are signed with that key and verify
    client = make_client(stage_with_secrets)
    issued = client.get(f"{BASE}/token/test/user").json()["data"]["accessToken"]
    mine = client.get(f"{BASE}/notifications/unread-count", headers={"authorization": f"Bearer {issued}"})
    assert (mine.status_code, mine.json()) == (200, {"resultType": "SUCCESS", "data": 0})


def test_a_crawler_in_the_secret_publishes_and_the_table_still_counts(stage_with_secrets):
    client = make_client(stage_with_secrets)
    # A crawler known only to the secret
    ok = publish(client, {"service-name": "secret-crawler", "api-key": "key-from-the-secret-0001"})
    assert (ok.status_code, ok.json()) == (200, {"resultType": "SUCCESS"})
    wrong = publish(client, {"service-name": "secret-crawler", "api-key": "key-from-the-secret-0002"})
    assert (wrong.status_code, wrong.json()) == (403, fail("접근할 수 없는 권한 입니다.", 403))
    # The demo crawler registered in the table (make service-key) is still accepted
    table = publish(client, {"service-name": "devdevdev-crawler", "api-key": "local-crawler-key"}, {**BODY})
    assert table.status_code == 200
    unknown = publish(client, {"service-name": "nobody", "api-key": "key-from-the-secret-0001"})
    assert (unknown.status_code, unknown.json()) == (404, fail("지원하는 서비스가 아닙니다.", 404))


def test_a_crawler_in_the_secret_can_sign(stage_with_secrets):
    from devdevdev.services.service_auth import sign

    client = make_client(stage_with_secrets)
    data = json.dumps({"companyId": 1, "techArticles": [{"id": 2}]}).encode()
    timestamp = str(int(stage_with_secrets.clock.now().timestamp()))
    headers = {
        "service-name": "signing-crawler",
        "timestamp": timestamp,
        "signature": sign("signing-secret-0001", timestamp, data),
    }
    response = client.post(f"{BASE}/notifications/SUBSCRIPTION", headers=headers, content=data)
    assert (response.status_code, response.json()) == (200, {"resultType": "SUCCESS"})


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ({"crawler": {"apiKey": "short"}}, "service 'crawler' is malformed (apiKey)"),
        ({"crawler": {"apiKey": "long-enough-api-key", "extra": 1}}, "service 'crawler' is malformed (extra)"),
        (["crawler"], "must be a JSON object"),
    ],
)
def test_a_malformed_crawler_keys_secret_names_its_mistake(value, named):
    from devdevdev.store.services import CrawlerKeysError, parse_crawler_keys

    with pytest.raises(CrawlerKeysError) as raised:
        parse_crawler_keys(value)
    assert named in str(raised.value)
