"""Server-to-server clients (the crawler): their api-keys, stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

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


class ServiceRepository:
    """Registers services and checks their keys in constant time."""

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
