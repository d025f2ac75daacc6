"""One validated settings object, built once per cold start from the environment (a dataclass parsed by hand: no
validation library on any function's cold start).

Nothing else in the code base reads ``os.environ``: handlers call :func:`get_settings`, services receive what they
need as arguments. Stage defaults come from :mod:`devdevdev.stages`; environment variables override them.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import MISSING, Field, dataclass, field, fields, replace
from functools import lru_cache
from typing import Any, ClassVar

from devdevdev.stages import stage as stage_named

# A development-only secret (base64, as upstream's jwt.secret). Refused outside the local and test stages.
LOCAL_JWT_SECRET = base64.b64encode(b"devdevdev-local-jwt-secret-not-for-production!!").decode()
LOCAL_STAGES = ("local", "test")
PRODUCTION_STAGE = "prod"
EMBEDDING_PROVIDERS = ("offline", "openai")
SAME_SITE_VALUES = ("Lax", "Strict", "None")


def _bounded(default: Any, *, gt: float | None = None, ge: float | None = None, le: float | None = None) -> Any:
    """A field with bounds, checked when the settings are built."""
    return field(default=default, metadata={"gt": gt, "ge": ge, "le": le})


def _secret(default: Any = MISSING) -> Any:
    """A field kept out of ``repr`` (and so out of logs and error messages)."""
    return field(default=default, repr=False)


@dataclass(kw_only=True)
class Settings:
    """Runtime configuration of every function group.

    A plain dataclass (no validation library on the cold start): values given as strings (the environment's) are
    parsed by the field's type, then every bound and rule is checked; a refusal names the field, never its value.
    """

    stage: str = "local"
    region: str = "ap-northeast-2"
    table_name: str = "devdevdev"
    dynamodb_endpoint: str | None = None
    s3_endpoint: str | None = None
    images_bucket: str = "devdevdev-images"
    images_public_url: str | None = None  # a CDN in front of the bucket; default: the bucket's (or local S3's) URL
    unattached_image_ttl_hours: int = _bounded(24, gt=0)
    # What POST /picks/image accepts in one request: Lambda's 6 MB request payload, less base64's third.
    inline_upload_max_bytes: int = _bounded(4 * 1024 * 1024, gt=0)

    jwt_secret: str = _secret()
    access_token_ttl_seconds: int = _bounded(1800, gt=0)
    refresh_token_ttl_seconds: int = _bounded(604800, gt=0)
    # How long after a rotation the token rotated from still answers the same successor (docs/decisions.md).
    refresh_token_reuse_interval_seconds: int = _bounded(30, ge=0, le=60)
    # How long a warm instance trusts that a token's member is still live before reading its login again (0: every
    # request reads it). An exited member's access token is refused within this (docs/decisions.md).
    member_recheck_seconds: int = _bounded(60, ge=0)
    test_tokens_enabled: bool = False

    cors_allowed_origins: tuple[str, ...] = ()
    cookie_domain: str | None = None
    cookie_secure: bool = False
    cookie_same_site: str = "Lax"

    rate_limit_per_minute: int = _bounded(120, gt=0)  # per client: source IP + anonymous id (the _ga cookie)
    rate_limit_per_ip_per_minute: int | None = _bounded(None, gt=0)  # all clients of one IP; default 10 × the above
    rate_limit_block: int = _bounded(10, gt=0)  # hits one table write reserves for an instance (≤ a tenth of a limit)
    crawler_auth_failures_per_minute: int = _bounded(10, gt=0)  # per service name and per source IP
    hsts_max_age_seconds: int = _bounded(0, ge=0)  # 0: no Strict-Transport-Security header
    trusted_proxies: tuple[str, ...] = ()  # the local gateway: peers whose X-Forwarded-For it believes

    crawler_keys_arn: str | None = None  # Secrets Manager: the crawlers' keys (store/services.py), besides the table

    oauth_client_id: str = ""
    oauth_client_secret: str = _secret("")
    oauth_authorize_url: str = "https://kauth.kakao.com/oauth/authorize"
    oauth_token_url: str = "https://kauth.kakao.com/oauth/token"
    oauth_user_info_url: str = "https://kapi.kakao.com/v2/user/me"
    oauth_scopes: str = "profile_image profile_nickname account_email"
    oauth_redirect_uri: str | None = None  # default: derived from the request's host
    oauth_timeout_seconds: float = 5.0
    frontend_url: str = "http://localhost:3000/"

    opensearch_url: str | None = None  # None: the embedded search engine (local stack, tests)
    search_index: str | None = None  # default: the table's name

    # Notifications: the fan-out queue (SQS; moto's locally), and the live channel.
    notification_queue_url: str | None = None
    sqs_endpoint: str | None = None  # default: AWS (the local stack points it at moto's server)
    live_sse_enabled: bool = False  # the local gateway streams GET /notifications; in AWS the live channel is WebSocket
    sse_timeout_seconds: float = _bounded(300.0, gt=0)
    sse_heartbeat_seconds: float = _bounded(30.0, gt=0, le=30)
    sse_retry_millis: int = _bounded(
        30_000, gt=0
    )  # what a one-shot stream tells EventSource to wait before reconnecting
    websocket_ttl_seconds: int = _bounded(2 * 3600 + 600, gt=0)  # API Gateway closes a WebSocket after 2 hours

    # Pick embeddings (similar picks): OpenAI in AWS, the offline provider on the local stack and in tests.
    embedding_provider: str = "offline"  # one of EMBEDDING_PROVIDERS
    embedding_model: str = "text-embedding-3-small"
    openai_api_key: str = _secret("")
    openai_timeout_seconds: float = _bounded(10.0, gt=0)

    nickname_change_interval_minutes: int = _bounded(1440, ge=0)
    auto_approve_picks: bool = False

    # The fields by name (``dataclasses.Field``: ``.default``, ``.metadata``), under pydantic's name for them.
    model_fields: ClassVar[dict[str, Field[Any]]]

    def __post_init__(self) -> None:
        errors: list[str] = []
        for spec in fields(self):
            try:
                setattr(self, spec.name, _parse(spec, getattr(self, spec.name)))
            except ValueError as error:
                errors.append(f"{spec.name}\n  {error}")
        if errors:
            raise ValueError(f"{len(errors)} validation error(s) for Settings\n" + "\n".join(errors))
        self._check_rules()

    def _check_rules(self) -> None:
        """The rules across fields: the secret's form, the cookie policy, the proxies, and production's refusals."""
        try:
            key = base64.b64decode(self.jwt_secret, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("JWT_SECRET must be base64") from None
        if len(key) < 32:
            raise ValueError("JWT_SECRET must decode to at least 32 bytes (HS256)")
        if self.cookie_same_site not in SAME_SITE_VALUES:
            raise ValueError("COOKIE_SAME_SITE must be Lax, Strict or None")
        if self.embedding_provider not in EMBEDDING_PROVIDERS:
            raise ValueError(f"EMBEDDING_PROVIDER must be one of {', '.join(EMBEDDING_PROVIDERS)}")
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(f"TRUSTED_PROXIES: {proxy!r} is not an IP address or network") from None
        # Prod never runs with the test-token endpoints on, and no deployed stage with the development key.
        if self.stage == PRODUCTION_STAGE and self.test_tokens_enabled:
            raise ValueError("TEST_TOKENS_ENABLED must be false in the prod stage (it opens GET /token/test/*)")
        if self.stage not in LOCAL_STAGES and key == base64.b64decode(LOCAL_JWT_SECRET):
            raise ValueError(
                "JWT_SECRET (or the secret of JWT_SECRET_ARN) is the development key, refused outside the local "
                "and test stages"
            )

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> Settings:
        """A copy with ``update`` applied, checked again (pydantic's name, kept for callers)."""
        return replace(self, **(update or {}))

    @property
    def ip_rate_limit_per_minute(self) -> int:
        """The per-IP ceiling: the setting, or ten times the per-client limit (an office behind one NAT)."""
        return self.rate_limit_per_ip_per_minute or 10 * self.rate_limit_per_minute

    @property
    def jwt_key(self) -> bytes:
        """The HMAC key: the secret, base64-decoded (as upstream's ``Keys.hmacShaKeyFor``)."""
        return base64.b64decode(self.jwt_secret)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build the settings from ``env`` (default ``os.environ``): stage defaults first, then overrides."""
        env = os.environ if env is None else env
        stage = stage_named(env.get("STAGE", "local"))
        values: dict[str, object] = {
            "stage": stage.name,
            "cors_allowed_origins": stage.cors_allowed_origins,
            "cookie_domain": stage.cookie_domain,
            "cookie_secure": stage.cookie_secure,
            "cookie_same_site": stage.cookie_same_site,
            "test_tokens_enabled": stage.test_tokens_enabled,
            "auto_approve_picks": stage.auto_approve_picks,
            "rate_limit_per_minute": stage.rate_limit_per_minute,
            "hsts_max_age_seconds": stage.hsts_max_age_seconds,
            "frontend_url": stage.frontend_url,
            "live_sse_enabled": stage.name in LOCAL_STAGES,
        }
        plain = {
            "AWS_REGION": "region",
            "TABLE_NAME": "table_name",
            "DYNAMODB_ENDPOINT": "dynamodb_endpoint",
            "S3_ENDPOINT": "s3_endpoint",
            "IMAGES_BUCKET": "images_bucket",
            "IMAGES_PUBLIC_URL": "images_public_url",
            "UNATTACHED_IMAGE_TTL_HOURS": "unattached_image_ttl_hours",
            "INLINE_UPLOAD_MAX_BYTES": "inline_upload_max_bytes",
            "JWT_SECRET": "jwt_secret",
            "ACCESS_TOKEN_TTL_SECONDS": "access_token_ttl_seconds",
            "REFRESH_TOKEN_TTL_SECONDS": "refresh_token_ttl_seconds",
            "REFRESH_TOKEN_REUSE_INTERVAL_SECONDS": "refresh_token_reuse_interval_seconds",
            "TEST_TOKENS_ENABLED": "test_tokens_enabled",
            "COOKIE_DOMAIN": "cookie_domain",
            "COOKIE_SECURE": "cookie_secure",
            "COOKIE_SAME_SITE": "cookie_same_site",
            "RATE_LIMIT_PER_MINUTE": "rate_limit_per_minute",
            "RATE_LIMIT_PER_IP_PER_MINUTE": "rate_limit_per_ip_per_minute",
            "RATE_LIMIT_BLOCK": "rate_limit_block",
            "MEMBER_RECHECK_SECONDS": "member_recheck_seconds",
            "CRAWLER_AUTH_FAILURES_PER_MINUTE": "crawler_auth_failures_per_minute",
            "HSTS_MAX_AGE_SECONDS": "hsts_max_age_seconds",
            "OAUTH_CLIENT_ID": "oauth_client_id",
            "OAUTH_CLIENT_SECRET": "oauth_client_secret",
            "OAUTH_AUTHORIZE_URL": "oauth_authorize_url",
            "OAUTH_TOKEN_URL": "oauth_token_url",
            "OAUTH_USER_INFO_URL": "oauth_user_info_url",
            "OAUTH_SCOPES": "oauth_scopes",
            "OAUTH_REDIRECT_URI": "oauth_redirect_uri",
            "FRONTEND_URL": "frontend_url",
            "NICKNAME_CHANGE_INTERVAL_MINUTES": "nickname_change_interval_minutes",
            "OPENSEARCH_URL": "opensearch_url",
            "SEARCH_INDEX": "search_index",
            "AUTO_APPROVE_PICKS": "auto_approve_picks",
            "NOTIFICATION_QUEUE_URL": "notification_queue_url",
            "SQS_ENDPOINT": "sqs_endpoint",
            "LIVE_SSE_ENABLED": "live_sse_enabled",
            "SSE_TIMEOUT_SECONDS": "sse_timeout_seconds",
            "SSE_HEARTBEAT_SECONDS": "sse_heartbeat_seconds",
            "CRAWLER_KEYS_ARN": "crawler_keys_arn",
            "EMBEDDING_PROVIDER": "embedding_provider",
            "EMBEDDING_MODEL": "embedding_model",
            "OPENAI_API_KEY": "openai_api_key",
            "OPENAI_TIMEOUT_SECONDS": "openai_timeout_seconds",
        }
        for name, field_name in plain.items():
            if env.get(name, "") != "":
                values[field_name] = env[name]
        if env.get("CORS_ALLOWED_ORIGINS"):
            values["cors_allowed_origins"] = tuple(
                o.strip() for o in env["CORS_ALLOWED_ORIGINS"].split(",") if o.strip()
            )
        if env.get("TRUSTED_PROXIES"):
            values["trusted_proxies"] = tuple(p.strip() for p in env["TRUSTED_PROXIES"].split(",") if p.strip())
        for secret_env, field_name in (
            ("JWT_SECRET_ARN", "jwt_secret"),
            ("OAUTH_CLIENT_SECRET_ARN", "oauth_client_secret"),
            ("OPENAI_API_KEY_ARN", "openai_api_key"),
        ):
            if env.get(secret_env) and field_name not in values:
                values[field_name] = _secret_value(env[secret_env])
        if "jwt_secret" not in values:
            if stage.name not in LOCAL_STAGES:
                raise ValueError("JWT_SECRET or JWT_SECRET_ARN is required outside the local and test stages")
            values["jwt_secret"] = LOCAL_JWT_SECRET
        return cls(**values)  # type: ignore[arg-type]


SECRET_MAX_AGE_SECONDS = 300


def _secret_value(arn: str) -> str:
    """Read a secret from Secrets Manager (once per cold start, through Powertools' cached provider)."""
    from aws_lambda_powertools.utilities.parameters import get_secret

    return str(get_secret(arn, max_age=SECRET_MAX_AGE_SECONDS))


def secret_json(arn: str) -> Any:
    """A JSON secret from Secrets Manager, cached for 5 minutes per warm instance (so a rotation reaches every
    instance within 5 minutes, without a deploy)."""
    from aws_lambda_powertools.utilities.parameters import get_secret

    return get_secret(arn, transform="json", max_age=SECRET_MAX_AGE_SECONDS)


Settings.model_fields = {spec.name: spec for spec in fields(Settings)}
_TRUE = frozenset(("1", "on", "t", "true", "y", "yes"))
_FALSE = frozenset(("0", "off", "f", "false", "n", "no"))
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _parse(spec: Field[Any], value: Any) -> Any:
    """``value`` as the field's type (strings as the environment gives them), within the field's bounds."""
    kind = str(spec.type)
    if value is None:
        if kind.endswith("| None"):
            return None
        raise ValueError("Input should not be None")
    if kind.startswith("int"):
        value = _as_int(value)
    elif kind.startswith("float"):
        value = _as_float(value)
    elif kind == "bool":
        value = _as_bool(value)
    elif kind.startswith("str") and not isinstance(value, str):
        raise ValueError("Input should be a valid string")
    elif kind.startswith("tuple"):
        value = tuple(value)
    bounds = spec.metadata
    if bounds.get("gt") is not None and not value > bounds["gt"]:
        raise ValueError(f"Input should be greater than {bounds['gt']}")
    if bounds.get("ge") is not None and not value >= bounds["ge"]:
        raise ValueError(f"Input should be greater than or equal to {bounds['ge']}")
    if bounds.get("le") is not None and not value <= bounds["le"]:
        raise ValueError(f"Input should be less than or equal to {bounds['le']}")
    return value


def _as_int(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    raise ValueError("Input should be a valid integer")


def _as_float(value: Any) -> float:
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        return float(value.strip())
    raise ValueError("Input should be a valid number")


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError("Input should be a valid boolean (true/false, 1/0, yes/no, on/off)")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, built on first use."""
    return Settings.from_env()
