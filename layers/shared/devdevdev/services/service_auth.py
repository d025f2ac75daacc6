"""Server-to-server callers (the crawler): ``service-name`` + ``api-key`` headers checked against stored hashes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from devdevdev.api.errors import Errors
from devdevdev.store.services import Service, ServiceRepository

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime


def authenticate(runtime: Runtime, service_name: str | None, api_key: str | None) -> Service:
    """The calling service. Unknown or missing name → 404 ``지원하는 서비스가 아닙니다.``; a wrong or missing key →
    403 ``접근할 수 없는 권한 입니다.`` (the key is compared with its stored hash in constant time)."""
    service = runtime.services.get(service_name.strip()) if service_name and service_name.strip() else None
    if service is None:
        raise Errors.SERVICE_NOT_SUPPORTED.error()
    if not api_key or not ServiceRepository.key_matches(service, api_key.strip()):
        raise Errors.SERVICE_FORBIDDEN.error()
    return service
