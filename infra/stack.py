"""The whole system as one CDK stack, composed of parts that mirror the code groups (:mod:`infra.parts`).

- an HTTP API whose routes come from the route table, one function per group (``functions/<group>/handler.py``);
- the WebSocket API (stage ``live``), its function, and the notification queue, dead-letter queue and worker;
- the single DynamoDB table, its stream feeding the article indexer (OpenSearch) and the embedding pipeline;
- the pick image bucket (private, encrypted, presigned-POST CORS, expiry of unattached uploads) behind CloudFront;
- the secrets (JWT, OAuth client secret, OpenAI key, crawler keys) in Secrets Manager;
- one shared layer (``infra/layer.py``), Python 3.13 on arm64 everywhere, X-Ray tracing and Powertools on every
  function;
- the alarms (to one SNS topic) and the stage's dashboard (``docs/operations.md``).

Every function has its own role: its log group, and only the actions and resources its part grants
(:data:`infra.parts.api.GROUP_ACCESS` for the API's groups). Sizes and switches come from the stage
(:mod:`devdevdev.stages`).
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from constructs import Construct
from devdevdev.stages import Stage

from infra.parts.api import Api, Reachable
from infra.parts.data import Data
from infra.parts.embeddings import Embeddings
from infra.parts.functions import Runtime
from infra.parts.ids import keep_flat_logical_ids
from infra.parts.images import Images
from infra.parts.monitoring import Monitoring, Watched
from infra.parts.notifications import Notifications
from infra.parts.search import Search
from infra.parts.secrets import Secrets


class ApiStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, config: Stage, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.config = config
        self.data = Data(self, "Data", config=config)
        self.secrets = Secrets(self, "Secrets")
        self.runtime = Runtime(self, "Runtime", config=config, data=self.data, secrets=self.secrets)
        self.images = Images(self, "Images", config=config)
        self.search = Search(self, "ArticleSearch", config=config, data=self.data, runtime=self.runtime)
        self.notifications = Notifications(self, "Notifications", runtime=self.runtime)
        self.api = Api(
            self,
            "Api",
            config=config,
            runtime=self.runtime,
            reachable=Reachable(
                images=self.images, search=self.search, notifications=self.notifications, secrets=self.secrets
            ),
        )
        self.embeddings = Embeddings(
            self, "Embeddings", config=config, data=self.data, secrets=self.secrets, runtime=self.runtime
        )
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            config=config,
            watched=Watched(
                api=self.api,
                runtime=self.runtime,
                data=self.data,
                search=self.search,
                notifications=self.notifications,
                embeddings=self.embeddings,
            ),
        )
        cdk.CfnOutput(self, "ApiUrl", value=self.api.http_api.api_endpoint, description="The web client's API base URL")
        cdk.CfnOutput(self, "WebSocketUrl", value=self.notifications.url, description="The live notification channel")
        cdk.CfnOutput(self, "ImagesUrl", value=self.images.public_url)
        cdk.CfnOutput(self, "AlarmTopicArn", value=self.monitoring.topic.topic_arn, description="Subscribe to alarms")
        cdk.CfnOutput(
            self,
            "DashboardUrl",
            value=f"https://console.aws.amazon.com/cloudwatch/home#dashboards:name={self.monitoring.dashboard.dashboard_name}",
        )
        for name, secret in self.secrets.by_name().items():
            cdk.CfnOutput(self, f"{name.title().replace('_', '')}SecretArn", value=secret.secret_arn)
        keep_flat_logical_ids(self)
