"""Server-to-server clients (the crawler): their api-keys, stored only as SHA-256 hashes.

A deployed stack can also hold them in Secrets Manager (the ``CrawlerKeys`` secret, ``CRAWLER_KEYS_ARN``): a JSON
object ``{"<service-name>": {"apiKey": "...", "signingSecret": "...", "requireSignature": false}}``. A name in the
secret wins over the same name in the table, so an operator can rotate a key with ``put-secret-value`` alone.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError

from devdevdev.store import keys
from devdevdev.store.errors import is_condition_failure
from devdevdev.store.models import ServiceItem, SignedRequestItem


@dataclass(frozen=True)
class Service:
    name: str
    api_key_hash: str
    signing_secret: str | None
    require_signature: bool


def api_key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


# One entry of the crawler keys secret: its keys (the JSON name, or the Python one), and the shortest key or secret.
_SECRET_FIELDS = {"apiKey": "api_key", "signingSecret": "signing_secret", "requireSignature": "require_signature"}
SECRET_MIN_LENGTH = 16
_TRUE, _FALSE = frozenset(("1", "on", "t", "true", "y", "yes")), frozenset(("0", "off", "f", "false", "n", "no"))


def _secret_entry(entry: Any) -> tuple[dict[str, Any], list[str]]:
    """An entry's values by field, and the names (as written) of what is missing, unknown or malformed."""
    if not isinstance(entry, Mapping):
        return {}, [""]
    by_python = {python: json_name for json_name, python in _SECRET_FIELDS.items()}
    values: dict[str, Any] = {}
    unknown: list[str] = []
    for name, value in entry.items():
        field = _SECRET_FIELDS.get(name) or (name if name in by_python else None)
        if field is None:
            unknown.append(str(name))
        else:
            values[field] = (name, value)
    bad: list[str] = []
    parsed: dict[str, Any] = {"signing_secret": None, "require_signature": False}
    for field, json_name in by_python.items():
        if field not in values:
            if field == "api_key":
                bad.append(json_name)
            continue
        name, value = values[field]
        if field == "require_signature":
            flag = _flag(value)
            if flag is None:
                bad.append(name)
            parsed[field] = flag
        elif value is None and field == "signing_secret":
            parsed[field] = None
        elif isinstance(value, str) and len(value) >= SECRET_MIN_LENGTH:
            parsed[field] = value
        else:
            bad.append(name)
    return parsed, bad + unknown


def _flag(value: Any) -> bool | None:
    """A JSON boolean, or its usual spellings (1/0, "true"/"false", "yes"/"no", "on"/"off"); None otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    return None


class CrawlerKeysError(ValueError):
    """The crawler keys secret is not the documented JSON (an operator's mistake, reported by name)."""


def parse_crawler_keys(value: Mapping[str, Any]) -> dict[str, Service]:
    """The services of the crawler keys secret, validated; a malformed entry names itself in the error."""
    if not isinstance(value, Mapping):
        raise CrawlerKeysError("the crawler keys secret must be a JSON object of service names")
    services = {}
    for name, entry in value.items():
        parsed, bad = _secret_entry(entry)
        if bad:
            fields = ", ".join(field or "entry" for field in bad)
            raise CrawlerKeysError(f"crawler keys secret: service {name!r} is malformed ({fields})")
        services[name] = Service(
            name, api_key_hash(parsed["api_key"]), parsed["signing_secret"], parsed["require_signature"]
        )
    return services


class ServiceRepository:
    """Registers services and checks their keys in constant time.

    ``secret_services`` (optional) returns the services of the crawler keys secret; it is called on every lookup
    and is expected to cache (Powertools' secret provider keeps the value for 5 minutes).
    """

    def __init__(self, secret_services: Callable[[], Mapping[str, Service]] | None = None) -> None:
        self._secret_services = secret_services

    def put(
        self, name: str, api_key: str, *, signing_secret: str | None = None, require_signature: bool = False
    ) -> None:
        """Create or replace a service's key (the key itself is not stored)."""
        ServiceItem(
            *keys.service(name),
            name=name,
            api_key_hash=api_key_hash(api_key),
            signing_secret=signing_secret,
            require_signature=require_signature,
        ).save()

    def get(self, name: str) -> Service | None:
        if self._secret_services is not None:
            from_secret = self._secret_services().get(name)
            if from_secret is not None:
                return from_secret
        try:
            item = ServiceItem.get(*keys.service(name))
        except DoesNotExist:
            return None
        return Service(item.name, item.api_key_hash, item.signing_secret, bool(item.require_signature))

    @staticmethod
    def key_matches(service: Service, api_key: str) -> bool:
        """Whether ``api_key`` is the service's key, compared in constant time."""
        return hmac.compare_digest(service.api_key_hash, api_key_hash(api_key))

    @staticmethod
    def first_use_of_signature(name: str, signature: str, expires_at: datetime) -> bool:
        """Remember a signed request (until ``expires_at``); False when it was already served: a replay."""
        try:
            SignedRequestItem(*keys.signed_request(name, signature), expires_at=expires_at).save(
                condition=SignedRequestItem.pk.does_not_exist()
            )
        except PutError as error:
            if is_condition_failure(error):
                return False
            raise
        return True
