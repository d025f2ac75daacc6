"""The embeddings pipeline part (``devdevdev.embeddings``, ``functions/picks/embed.py``): the table's stream → an
EventBridge Pipe (only embedding requests pass its filter) → a Step Functions state machine: the embed task with
retries and backoff on throttling and timeouts, and a catch that records the failure. The policy is
``devdevdev.embeddings.pipeline``'s, which the local stack plays too."""

from __future__ import annotations

import json

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_pipes as pipes
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct
from devdevdev.embeddings import pipeline as policy
from devdevdev.stages import Stage

from infra.parts.data import Data
from infra.parts.functions import Runtime, retention
from infra.parts.ids import Part
from infra.parts.secrets import Secrets


class Embeddings(Part):
    """The embed function (the only reader of the OpenAI key), its failure recorder, the state machine and the pipe."""

    def __init__(
        self, scope: Construct, construct_id: str, *, config: Stage, data: Data, secrets: Secrets, runtime: Runtime
    ) -> None:
        super().__init__(scope, construct_id)
        self.embed = embed = runtime.function(
            self,
            "EmbedFunction",
            code="functions/picks",
            handler="embed.lambda_handler",
            timeout=policy.TASK_TIMEOUT_SECONDS - 5,
            environment={"EMBEDDING_PROVIDER": "openai", "OPENAI_API_KEY_ARN": secrets.openai.secret_arn},
        )
        secrets.openai.grant_read(embed)
        self.failure = failure = runtime.function(
            self, "EmbedFailureFunction", code="functions/picks", handler="embed.failure_handler", timeout=10
        )
        # The Pipe delivers an array of records; the execution id goes with them, for the steps' logs.
        wrap = sfn.Pass(self, "Records", parameters={"records.$": "$", "execution.$": "$$.Execution.Id"})
        task = tasks.LambdaInvoke(
            self,
            "Embed",
            lambda_function=embed,
            payload_response_only=True,
            retry_on_service_exceptions=False,  # the policy below names Lambda's own errors too
            task_timeout=sfn.Timeout.duration(cdk.Duration.seconds(policy.TASK_TIMEOUT_SECONDS)),
        )
        task.add_retry(
            errors=list(policy.RETRY_ERRORS),
            interval=cdk.Duration.seconds(policy.RETRY_INTERVAL_SECONDS),
            backoff_rate=policy.RETRY_BACKOFF_RATE,
            max_attempts=policy.RETRY_MAX_ATTEMPTS,
        )
        record = tasks.LambdaInvoke(self, "RecordFailure", lambda_function=failure, payload_response_only=True)
        task.add_catch(record, errors=["States.ALL"], result_path="$.error")
        logs_group = logs.LogGroup(self, "EmbeddingStateMachineLogs", retention=retention(config.log_retention_days))
        self.state_machine = machine = sfn.StateMachine(
            self,
            "EmbeddingStateMachine",
            definition_body=sfn.DefinitionBody.from_chainable(wrap.next(task)),
            state_machine_type=sfn.StateMachineType.STANDARD,
            timeout=cdk.Duration.minutes(10),
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=logs_group, level=sfn.LogLevel.ALL, include_execution_data=False),
        )
        pipe_role = iam.Role(self, "EmbeddingPipeRole", assumed_by=iam.ServicePrincipal("pipes.amazonaws.com"))
        data.grant_stream_read(pipe_role)
        machine.grant_start_execution(pipe_role)
        pipe = pipes.CfnPipe(
            self,
            "EmbeddingPipe",
            description="Pick embedding requests from the table's stream to the embedding state machine",
            role_arn=pipe_role.role_arn,
            source=data.stream_arn,
            source_parameters=pipes.CfnPipe.PipeSourceParametersProperty(
                dynamo_db_stream_parameters=pipes.CfnPipe.PipeSourceDynamoDBStreamParametersProperty(
                    starting_position="LATEST", batch_size=1, maximum_retry_attempts=10
                ),
                filter_criteria=pipes.CfnPipe.FilterCriteriaProperty(
                    filters=[pipes.CfnPipe.FilterProperty(pattern=json.dumps(policy.STREAM_FILTER))]
                ),
            ),
            target=machine.state_machine_arn,
            target_parameters=pipes.CfnPipe.PipeTargetParametersProperty(
                step_function_state_machine_parameters=pipes.CfnPipe.PipeTargetStateMachineParametersProperty(
                    invocation_type="FIRE_AND_FORGET"  # standard workflows; the execution does the retrying
                )
            ),
        )
        pipe.node.add_dependency(pipe_role)
