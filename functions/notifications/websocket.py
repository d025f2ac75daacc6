"""The WebSocket API's routes: the live channel in AWS.

- ``$connect``: the access token comes as the ``token`` query parameter (browsers cannot set headers on a
  WebSocket), and the notification types the client is shown as ``types`` (as on the lists); a member's connection
  is stored with a TTL, and the unread greeting is queued. Anything else is
  refused with the contract's JSON error and status, and no connection is made.
- ``$disconnect``: the connection is forgotten.
- ``$default``: messages from the client are not used; they are acknowledged and ignored.
"""

from __future__ import annotations

from typing import Any

from devdevdev.api.envelope import JSON, failure, to_json
from devdevdev.api.inputs import check_text
from devdevdev.domain.errors import ApiError, Errors, error_name
from devdevdev.logs import logger, observed
from devdevdev.runtime import get_runtime
from devdevdev.services.notifications import live
from devdevdev.services.notifications.filters import parse_types
from devdevdev.settings import LOCAL_STAGES


def _result(status: int, body: dict[str, Any] | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"statusCode": status}
    if body is not None:
        result.update({"headers": {"Content-Type": JSON}, "body": to_json(body)})
    return result


def management_endpoint(context: dict[str, Any], local: bool) -> str:
    """Where the management API of this connection's API is: ``https://{domain}/{stage}`` (plain HTTP on the local
    gateway)."""
    scheme = "http" if local else "https"
    return f"{scheme}://{context['domainName']}/{context['stage']}"


def _request_id(event: dict[str, Any], _context: Any) -> str | None:
    return (event.get("requestContext") or {}).get("requestId")


@observed("websocket", correlation_id=_request_id)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """One route of the WebSocket API; its line (``websocket route``) names the route, the connection, the member
    and the status it answered, and carries API Gateway's request id as its correlation id."""
    request_context = event.get("requestContext") or {}
    route = request_context.get("routeKey")
    connection_id = str(request_context.get("connectionId") or "")  # always set by API Gateway
    seen: dict[str, Any] = {}
    result = _route(event, request_context, route, connection_id, seen)
    logger.info(
        "websocket route",
        extra={"route": route, "connection_id": connection_id, "status": result["statusCode"], **seen},
    )
    return result


def _route(
    event: dict[str, Any], request_context: dict[str, Any], route: Any, connection_id: str, seen: dict[str, Any]
) -> dict[str, Any]:
    runtime = get_runtime()
    try:
        if route == "$connect":
            query = event.get("queryStringParameters") or {}
            token = check_text((query.get("token") or "").strip(), "token")
            if not token:
                raise Errors.ANONYMOUS_NOT_ALLOWED.error()
            types = parse_types(query.get("types"))
            claims = runtime.tokens.verify(token)
            member_id = runtime.members.member_id_for_login(claims.social_type, claims.email)
            if member_id is None:
                raise Errors.MEMBER_NOT_FOUND.error()
            seen["member_id"] = member_id
            endpoint = management_endpoint(request_context, runtime.settings.stage in LOCAL_STAGES)
            live.open_websocket(runtime, member_id, connection_id, endpoint, types)
        elif route == "$disconnect":
            live.close_connection(runtime, connection_id)
        return _result(200)
    except ApiError as error:
        seen["error"] = error_name(error.spec)
        return _result(error.status, failure(error.message, error.spec.code))
    except Exception as error:  # noqa: BLE001 (nothing escapes: API Gateway would answer a bare 500)
        logger.exception("websocket route failed", extra={"route": route, "error": type(error).__name__})
        seen["error"] = "TEMPORARY_FAILURE"
        failed = Errors.TEMPORARY_FAILURE.error()
        return _result(failed.status, failure(failed.message, failed.spec.code))
