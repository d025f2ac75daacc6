"""Stage settings (local, test, dev, prod) in one place.

The CDK app reads these to configure API Gateway (CORS), the resources' sizes and the functions' environment; the
functions read the same values back through :mod:`devdevdev.settings`. Tests import them too, so the three never
drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LOCAL_ORIGINS = ("http://127.0.0.1:3000", "http://localhost:3000")
HSTS_MAX_AGE_SECONDS = 365 * 24 * 3600  # the AWS stages answer on HTTPS only (API Gateway has no plain HTTP)


@dataclass(frozen=True)
class Stage:
    """Everything that differs between deployments of the same code."""

    name: str
    cors_allowed_origins: tuple[str, ...] = LOCAL_ORIGINS
    cookie_domain: str | None = None  # None: host-only cookies
    cookie_secure: bool = False
    cookie_same_site: str = "Lax"
    test_tokens_enabled: bool = False
    auto_approve_picks: bool = False
    rate_limit_per_minute: int = 120
    hsts_max_age_seconds: int = 0  # 0: no Strict-Transport-Security (plain HTTP on the local stack)
    frontend_url: str = "http://localhost:3000/"
    deletion_protection: bool = False
    tags: dict[str, str] = field(default_factory=dict)
    # The deployed resources' sizes (read only by the CDK app).
    log_retention_days: int = 30
    search_data_nodes: int = 1  # two or more also spread the domain over two availability zones
    search_instance_type: str = "t3.small.search"
    search_volume_gb: int = 10
    # Operations (read only by the CDK app): who the alarms e-mail (None: subscribe by hand, README "Deploy"), the
    # functions' log level, and the share of invocations that log at DEBUG anyway (Powertools' sampling).
    alarm_email: str | None = None
    log_level: str = "INFO"
    log_sample_rate: float = 0.0


STAGES: dict[str, Stage] = {
    "local": Stage(name="local", test_tokens_enabled=True, auto_approve_picks=True),
    # The automated tests: like local, with a limit high enough that only the rate-limit tests reach it.
    "test": Stage(name="test", test_tokens_enabled=True, auto_approve_picks=True, rate_limit_per_minute=100_000),
    "dev": Stage(
        name="dev",
        cors_allowed_origins=("https://dev.devdevdev.co.kr", *LOCAL_ORIGINS),
        cookie_domain="devdevdev.co.kr",
        cookie_secure=True,
        cookie_same_site="None",
        test_tokens_enabled=True,
        frontend_url="https://dev.devdevdev.co.kr/",
        hsts_max_age_seconds=HSTS_MAX_AGE_SECONDS,
        log_level="DEBUG",
    ),
    "prod": Stage(
        name="prod",
        cors_allowed_origins=("https://www.devdevdev.co.kr", "https://devdevdev.co.kr"),
        cookie_domain="devdevdev.co.kr",
        cookie_secure=True,
        cookie_same_site="None",
        test_tokens_enabled=False,
        frontend_url="https://www.devdevdev.co.kr/",
        hsts_max_age_seconds=HSTS_MAX_AGE_SECONDS,
        deletion_protection=True,
        log_retention_days=365,
        search_data_nodes=2,
        search_instance_type="m7g.large.search",
        search_volume_gb=50,
        log_sample_rate=0.01,  # INFO, and one invocation in a hundred at DEBUG: never DEBUG throughout
    ),
}

# Request headers the web client and the crawler send; API Gateway's CORS configuration allows exactly these.
CORS_ALLOWED_HEADERS = ("authorization", "anonymous-member-id", "content-type", "service-name", "api-key", "timezone")
CORS_ALLOWED_METHODS = ("GET", "POST", "PATCH", "DELETE")
CORS_MAX_AGE_SECONDS = 3600
# Response headers a page on another origin may read besides the CORS-safelisted ones.
CORS_EXPOSED_HEADERS = ("retry-after", "x-request-id")  # how long a 429 asks to wait; the id to quote


def stage(name: str) -> Stage:
    """Return the stage called ``name``; an unknown name is a configuration error."""
    try:
        return STAGES[name]
    except KeyError:
        raise ValueError(f"unknown stage {name!r}; expected one of {sorted(STAGES)}") from None
