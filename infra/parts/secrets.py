"""The secrets part: what the functions read at cold start, in Secrets Manager."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.parts.ids import Part


class Secrets(Part):
    """The JWT key is generated (88 alphanumerics: valid base64 of 66 bytes); the others are set by the operator
    after the first deploy (README, "Deploy"). Each function reads only the ones its part grants."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.jwt = secretsmanager.Secret(
            self,
            "JwtSecret",
            description="devdevdev: the HS256 key of access and refresh tokens (base64)",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                exclude_punctuation=True, include_space=False, password_length=88
            ),
        )
        self.oauth_client = secretsmanager.Secret(
            self, "OAuthClientSecret", description="devdevdev: Kakao's OAuth client secret (set it after deploy)"
        )
        self.openai = secretsmanager.Secret(
            self,
            "OpenAiApiKey",
            description="devdevdev: the OpenAI API key for pick embeddings (set it after deploy)",
        )
        self.crawler_keys = secretsmanager.Secret(
            self,
            "CrawlerKeys",
            description='devdevdev: crawlers\' keys, {"<service-name>": {"apiKey": ..., "signingSecret": ...}}',
            secret_string_value=cdk.SecretValue.unsafe_plain_text("{}"),  # no crawler until the operator adds one
        )

    def by_name(self) -> dict[str, secretsmanager.Secret]:
        """Every secret by its short name (the stack's outputs: ``<Name>SecretArn``)."""
        return {
            "jwt": self.jwt,
            "oauth_client": self.oauth_client,
            "openai": self.openai,
            "crawler_keys": self.crawler_keys,
        }
