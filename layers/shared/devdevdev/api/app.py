"""The resolver every function group uses, and the one place errors become responses.

A function group's ``handler.py`` does::

    app = create_resolver()
    @app.get("/things/<thingId>")
    def thing(thingId: str): ...
    def lambda_handler(event, context): return handle(app, event, context)

:func:`handle` runs what upstream ran as servlet filters before any route: the rate limit, the bearer token (a
present but invalid token is refused on every path that reads it), and the 401 of authenticated-only paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.shared.cookies import Cookie
from pynamodb.exceptions import PynamoDBException

from devdevdev.api import security
from devdevdev.api.envelope import JSON, failure, success, success_list, to_json
from devdevdev.api.identity import Caller, bearer_token
from devdevdev.api.request import HttpRequest
from devdevdev.domain.errors import ApiError, Errors, too_many_requests
from devdevdev.logs import logger
from devdevdev.runtime import Runtime, get_runtime
from devdevdev.settings import Settings
from devdevdev.store.errors import THROTTLED
from devdevdev.store.ratelimit import seconds_to_window_end
from devdevdev.store.transactions import Contended

# On every answer (with Cache-Control: no-store and, on the AWS stages, Strict-Transport-Security).
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",  # a JSON body is never sniffed into HTML or script
    "Referrer-Policy": "no-referrer",  # nothing the API answers needs to tell anyone where it came from
    "Cache-Control": "no-store",
}


@dataclass
class RequestScope:
    """What a route sees of its request: the parsed request, the caller, the runtime."""

    request: HttpRequest
    caller: Caller
    runtime: Runtime


def json_response(
    body: dict[str, Any], status: int = 200, cookies: Sequence[Cookie] = (), headers: dict[str, str] | None = None
) -> Response:
    """A JSON response in the contract's content type, with any cookies as separate ``Set-Cookie``s."""
    return Response(status_code=status, content_type=JSON, body=to_json(body), cookies=list(cookies), headers=headers)


def ok(data: Any = None, cookies: Sequence[Cookie] = ()) -> Response:
    """``{"resultType":"SUCCESS"[,"data":...]}``."""
    return json_response(success(data), cookies=cookies)


def ok_list(datas: Sequence[Any]) -> Response:
    """``{"resultType":"SUCCESS","datas":[...]}``."""
    return json_response(success_list(datas))


def error_response(error: ApiError) -> Response:
    return json_response(failure(error.message, error.spec.code), error.status, error.cookies, error.headers)


def create_resolver() -> APIGatewayHttpResolver:
    """A resolver with the contract's serializer, base path and error mapping."""
    app = APIGatewayHttpResolver(serializer=to_json, strip_prefixes=[security.BASE_PATH])

    @app.exception_handler(ApiError)
    def _api_error(error: ApiError) -> Response:
        return error_response(error)

    @app.exception_handler(PynamoDBException)
    def _storage_error(error: PynamoDBException) -> Response:
        if error.cause_response_code in THROTTLED:
            logger.warning("dynamodb throttled", extra={"code": error.cause_response_code})
        else:
            logger.exception("storage failure")
        return error_response(Errors.TEMPORARY_FAILURE.error())

    @app.exception_handler(Contended)
    def _contended(_: Contended) -> Response:
        return error_response(Errors.TEMPORARY_FAILURE.error())  # a transaction that kept conflicting

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response:
        logger.exception("unhandled error")
        return error_response(Errors.UNEXPECTED.error())

    @app.not_found
    def _not_found(_: Exception) -> Response:
        return error_response(Errors.ROUTE_NOT_FOUND.error())

    return app


def scope(app: APIGatewayHttpResolver) -> RequestScope:
    """The current request's scope (set by :func:`handle`)."""
    return app.context["scope"]


def handle(app: APIGatewayHttpResolver, event: dict[str, Any], context: Any, runtime: Runtime | None = None) -> dict:
    """Filters, then the route. Never lets an exception out: every failure is a contract response. Every response,
    success or failure, leaves with the security headers."""
    runtime = runtime or get_runtime()
    return with_security_headers(_filter_and_route(app, event, context, runtime), runtime.settings)


def _filter_and_route(app: APIGatewayHttpResolver, event: dict[str, Any], context: Any, runtime: Runtime) -> dict:
    request = HttpRequest(event)
    try:
        request.check_strings()  # a header, cookie, query or path parameter that is not valid text: 400
        now = runtime.clock.epoch_seconds()
        # The client is the source IP API Gateway saw with the browser's anonymous id (the _ga cookie); the IP alone
        # has a ceiling over all its clients, so a fresh cookie does not open a fresh budget.
        if not runtime.rate_limiter.hit(request.source_ip, request.cookies.get("_ga"), now):
            raise too_many_requests(seconds_to_window_end(now))
        claims = None
        if not security.skips_jwt(request.path):
            token = bearer_token(request)
            if token is not None:
                claims = runtime.tokens.verify(token)
        if claims is None and security.requires_authentication(request.path):
            raise Errors.INVALID_MEMBER.error()
        request.zone  # an unknown Timezone is a 400 before anything runs  # noqa: B018
    except ApiError as error:
        return _render(error_response(error))
    except PynamoDBException:
        logger.exception("storage failure in filters")
        return _render(error_response(Errors.TEMPORARY_FAILURE.error()))
    app.append_context(scope=RequestScope(request, Caller(claims, request, runtime), runtime))
    try:
        return app.resolve(event, context)
    finally:
        app.clear_context()


def with_security_headers(result: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Add the headers every answer carries to a payload-v2 result (see docs/decisions.md, "Limits a client cannot
    reset, and the headers of every answer"). No answer of the API may be stored by a browser or a cache: each can
    depend on who asks (a bearer token, a refresh cookie, the anonymous member id), so ``no-store`` is on every one,
    replacing any other ``Cache-Control``."""
    headers = {name: value for name, value in (result.get("headers") or {}).items() if name.lower() != "cache-control"}
    headers.update(SECURITY_HEADERS)
    if settings.hsts_max_age_seconds:
        headers["Strict-Transport-Security"] = f"max-age={settings.hsts_max_age_seconds}; includeSubDomains"
    result["headers"] = headers
    return result


def _render(response: Response) -> dict:
    """Turn a Response into the payload-v2 result outside of routing (filter failures)."""
    result: dict[str, Any] = {
        "statusCode": response.status_code,
        "headers": {
            name: value if isinstance(value, str) else ", ".join(value) for name, value in response.headers.items()
        },
        "body": response.body,
        "isBase64Encoded": False,
    }
    if response.cookies:
        result["cookies"] = [str(c) for c in response.cookies]
    return result
