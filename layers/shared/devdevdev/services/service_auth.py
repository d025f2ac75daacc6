"""Server-to-server callers (the crawler).

Two ways to prove who is calling:

- ``service-name`` + ``api-key`` headers: the key is compared in constant time with its stored SHA-256 hash.
- a signed request, so that no key travels: ``service-name``, ``timestamp`` (epoch seconds) and ``signature`` =
  hex HMAC-SHA256 of ``timestamp`` followed by the raw body, keyed with the service's signing secret. A timestamp
  more than 5 minutes from the server's clock is refused, and so is a signature already served (replay). A service
  can be set to accept only signed requests.

Failed authentications (an unknown service, a wrong key, a bad, stale or replayed signature) are counted per service
name and per source IP in one-minute windows: past ``CRAWLER_AUTH_FAILURES_PER_MINUTE`` of either, every attempt of
that name or IP is the contract's 429 until the window ends, the right key included. Guessing keys costs a minute per
few tries, and a service under attack is refused for the rest of that minute only.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from devdevdev.domain.errors import ApiError, Errors, too_many_requests
from devdevdev.store.ratelimit import seconds_to_window_end
from devdevdev.store.services import Service, ServiceRepository

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime

SIGNATURE_WINDOW = timedelta(minutes=5)
TIMESTAMP = re.compile(r"[0-9]{1,12}")  # epoch seconds, ASCII digits only


@dataclass(frozen=True)
class CrawlerCredentials:
    """What a server-to-server request says of who sends it, as it was sent (the edge reads, this module judges).

    ``read_body`` returns the raw body, which a signature covers: it is read only once the signature is about to be
    checked (a body that cannot be read counts as a failed attempt there, like any other refusal)."""

    service_name: str | None
    source_ip: str
    api_key: str | None = None
    signature: str | None = None
    timestamp: str | None = None
    read_body: Callable[[], bytes] = bytes


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``signature`` header of a request: hex HMAC-SHA256 of the timestamp followed by the raw body."""
    return hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + body, hashlib.sha256).hexdigest()


def authenticate(runtime: Runtime, credentials: CrawlerCredentials) -> Service:
    """The calling service: signed when the credentials carry a signature, else by their api-key. A service name
    or source IP with too many failed attempts in this minute → 429, whatever the credentials."""
    subjects = _failure_subjects(credentials)
    now = runtime.clock.epoch_seconds()
    failures = runtime.crawler_auth_failures
    if failures.blocked(subjects, now):
        raise too_many_requests(seconds_to_window_end(now))
    try:
        return _authenticate(runtime, credentials)
    except ApiError:
        if failures.record(subjects, now):
            raise too_many_requests(seconds_to_window_end(now)) from None
        raise


def _failure_subjects(credentials: CrawlerCredentials) -> list[str]:
    """What failed attempts count against: the source IP, and the service name (hashed: it is whatever was sent)."""
    subjects = [f"IP#{credentials.source_ip}"]
    name = (credentials.service_name or "").strip()
    if name:
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        subjects.append(f"SERVICE#{digest}")
    return subjects


def _authenticate(runtime: Runtime, credentials: CrawlerCredentials) -> Service:
    signature = (credentials.signature or "").strip()
    if not signature:
        return _by_api_key(runtime, credentials.service_name, credentials.api_key)
    service = _service(runtime, credentials.service_name)
    timestamp = (credentials.timestamp or "").strip()
    if not service.signing_secret or not TIMESTAMP.fullmatch(timestamp):
        raise Errors.SERVICE_FORBIDDEN.error()
    now = runtime.clock.now()
    if abs(now.timestamp() - int(timestamp)) > SIGNATURE_WINDOW.total_seconds():
        raise Errors.SIGNATURE_STALE.error()
    expected = sign(service.signing_secret, timestamp, credentials.read_body())
    if not hmac.compare_digest(expected, signature.lower()):
        raise Errors.SERVICE_FORBIDDEN.error()
    if not runtime.services.first_use_of_signature(service.name, expected, now + 2 * SIGNATURE_WINDOW):
        raise Errors.SIGNATURE_REPLAYED.error()
    return service


def _by_api_key(runtime: Runtime, service_name: str | None, api_key: str | None) -> Service:
    """The calling service by name and api-key. Unknown or missing name → 404 ``지원하는 서비스가 아닙니다.``; a wrong
    or missing key → 403 ``접근할 수 없는 권한 입니다.``."""
    service = _service(runtime, service_name)
    if service.require_signature or not api_key or not ServiceRepository.key_matches(service, api_key.strip()):
        raise (Errors.SIGNATURE_REQUIRED if service.require_signature else Errors.SERVICE_FORBIDDEN).error()
    return service


def _service(runtime: Runtime, service_name: str | None) -> Service:
    service = runtime.services.get(service_name.strip()) if service_name and service_name.strip() else None
    if service is None:
        raise Errors.SERVICE_NOT_SUPPORTED.error()
    return service
