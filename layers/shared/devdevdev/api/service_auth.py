"""The HTTP edge of server-to-server authentication (the crawler): its headers and body read into
:class:`devdevdev.services.service_auth.CrawlerCredentials`, judged by :mod:`devdevdev.services.service_auth`.

Headers: ``service-name`` with ``api-key``, or ``service-name``, ``timestamp`` and ``signature`` (over the timestamp
followed by the raw body) for a signed request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from devdevdev.api.request import HttpRequest
from devdevdev.services import service_auth
from devdevdev.services.service_auth import CrawlerCredentials
from devdevdev.store.services import Service

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime


def credentials(request: HttpRequest) -> CrawlerCredentials:
    """What the request says of who sends it; its body is read when the signature is checked."""
    return CrawlerCredentials(
        service_name=request.header("service-name"),
        source_ip=request.source_ip,
        api_key=request.header("api-key"),
        signature=request.header("signature"),
        timestamp=request.header("timestamp"),
        read_body=lambda: request.body_bytes,
    )


def authenticate_request(runtime: Runtime, request: HttpRequest) -> Service:
    """The calling service of a request (see :func:`devdevdev.services.service_auth.authenticate`)."""
    return service_auth.authenticate(runtime, credentials(request))
