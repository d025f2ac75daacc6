"""Every price the cost bench applies, in one place: AWS list prices in Asia Pacific (Seoul), ap-northeast-2, in US
dollars, on-demand, without free tiers, savings plans or volume tiers beyond the first.

This machine has no network: the figures are the public list prices as last known (the pages below, read in 2025),
written down on 2026-12-06. They are not fetched; check each against its page before quoting a bill. Where Seoul's
price was not known for certain, the note says so and the nearest known figure is used.
"""

from __future__ import annotations

from dataclasses import dataclass

REGION = "ap-northeast-2"
STATED_ON = "2026-12-06"
HOURS_PER_MONTH = 730  # AWS's own convention for monthly figures


@dataclass(frozen=True)
class Price:
    usd: float
    unit: str
    source: str
    note: str = ""


# -- per request ------------------------------------------------------------------------------------------------------

HTTP_API_REQUEST = Price(
    1.00 / 1e6,
    "per HTTP API request (first 300 million a month; metered per 512 KB)",
    "https://aws.amazon.com/api-gateway/pricing/",
    "$1.00 per million is the US East list price; Seoul's is listed close to it but was not known for certain",
)
LAMBDA_REQUEST = Price(0.20 / 1e6, "per Lambda invocation", "https://aws.amazon.com/lambda/pricing/")
LAMBDA_GB_SECOND_ARM = Price(
    0.0000133334,
    "per GB-second of duration, arm64 (first 7.5 billion GB-s a month), billed per 1 ms",
    "https://aws.amazon.com/lambda/pricing/",
)
DYNAMODB_WRITE_UNIT = Price(
    0.6778 / 1e6,
    "per on-demand write request unit (1 KB; each index copy is one more)",
    "https://aws.amazon.com/dynamodb/pricing/on-demand/",
    "half of Seoul's earlier $1.3556, after the on-demand price cut of November 2024",
)
DYNAMODB_READ_UNIT = Price(
    0.1355 / 1e6,
    "per on-demand read request unit (4 KB strongly consistent, or two eventually consistent)",
    "https://aws.amazon.com/dynamodb/pricing/on-demand/",
    "half of Seoul's earlier $0.271, after the on-demand price cut of November 2024",
)
SQS_REQUEST = Price(0.40 / 1e6, "per standard-queue request (64 KB chunk)", "https://aws.amazon.com/sqs/pricing/")
STEP_FUNCTIONS_TRANSITION = Price(
    0.025 / 1e3,
    "per Standard workflow state transition",
    "https://aws.amazon.com/step-functions/pricing/",
    "the US East list price; Seoul's was not known for certain",
)
PIPES_EVENT = Price(
    0.40 / 1e6,
    "per EventBridge Pipes request (events that pass the filter; 64 KB chunks)",
    "https://aws.amazon.com/eventbridge/pricing/",
)

# -- per hour or month (always on) ------------------------------------------------------------------------------------

OPENSEARCH_INSTANCE_HOUR = {
    "t3.small.search": Price(0.044, "per instance-hour", "https://aws.amazon.com/opensearch-service/pricing/"),
    "m7g.large.search": Price(0.167, "per instance-hour", "https://aws.amazon.com/opensearch-service/pricing/"),
}
OPENSEARCH_GP3_GB_MONTH = Price(
    0.146, "per GB-month of gp3 storage on a domain", "https://aws.amazon.com/opensearch-service/pricing/"
)

# The original stack (a Spring Boot server on EC2, MySQL on RDS, Redis on ElastiCache), always on. Its instance sizes
# are not published; these are the smallest that fit a JVM server, a small MySQL and a session/cache Redis.
ORIGINAL_STACK = {
    "EC2 t3.medium (2 vCPU, 4 GB; the Spring Boot server)": Price(
        0.052, "per hour", "https://aws.amazon.com/ec2/pricing/on-demand/"
    ),
    "EBS gp3 30 GB (its disk)": Price(0.0912 * 30 / HOURS_PER_MONTH, "per hour", "https://aws.amazon.com/ebs/pricing/"),
    "RDS for MySQL db.t3.micro, single-AZ": Price(0.026, "per hour", "https://aws.amazon.com/rds/mysql/pricing/"),
    "RDS gp2 20 GB": Price(0.131 * 20 / HOURS_PER_MONTH, "per hour", "https://aws.amazon.com/rds/mysql/pricing/"),
    "ElastiCache for Redis cache.t3.micro": Price(
        0.025, "per hour", "https://aws.amazon.com/elasticache/pricing/", "Seoul's figure was not known for certain"
    ),
}


def original_stack_monthly() -> float:
    """The original stack's monthly bill at any traffic (it is always on)."""
    return sum(price.usd for price in ORIGINAL_STACK.values()) * HOURS_PER_MONTH


def opensearch_monthly(instance_type: str, nodes: int, volume_gb: int) -> float:
    """A search domain's fixed monthly cost: its data nodes and their gp3 volumes."""
    hourly = OPENSEARCH_INSTANCE_HOUR[instance_type].usd * nodes * HOURS_PER_MONTH
    return hourly + OPENSEARCH_GP3_GB_MONTH.usd * volume_gb * nodes


def table() -> list[tuple[str, Price]]:
    """Every price, for the bench's printout and its JSON result."""
    rows: list[tuple[str, Price]] = [
        ("HTTP API request", HTTP_API_REQUEST),
        ("Lambda request", LAMBDA_REQUEST),
        ("Lambda GB-second (arm64)", LAMBDA_GB_SECOND_ARM),
        ("DynamoDB write request unit", DYNAMODB_WRITE_UNIT),
        ("DynamoDB read request unit", DYNAMODB_READ_UNIT),
        ("SQS request", SQS_REQUEST),
        ("Step Functions state transition", STEP_FUNCTIONS_TRANSITION),
        ("EventBridge Pipes event", PIPES_EVENT),
        *((f"OpenSearch {name}", price) for name, price in OPENSEARCH_INSTANCE_HOUR.items()),
        ("OpenSearch gp3 GB-month", OPENSEARCH_GP3_GB_MONTH),
        *((f"original: {name}", price) for name, price in ORIGINAL_STACK.items()),
    ]
    return rows
