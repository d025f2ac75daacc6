"""The resolver every function group uses, and the one place errors become responses.

A function group's ``handler.py`` does::

    app = create_resolver()
    @app.get("/things/<thingId>")
    def thing(thingId: str): ...
    def lambda_handler(event, context): return handle(app, event, context)

:func:`handle` runs what upstream ran as servlet filters before any route: the rate limit, the bearer token (a
present but invalid token is refused on every path that reads it), and the 401 of authenticated-only paths.

It is also where a request is observed (docs/decisions.md, "Logs, metrics and traces"): every answer carries
``X-Request-Id`` (API Gateway's ``requestContext.requestId``, which every log line of the request carries as
``correlation_id``), a 5xx the route did not answer on purpose names it in its message, and each request leaves ONE
JSON log line (route, group, member or anonymous id, status, error name or exception type, duration, cold start)
and its metrics (requests and errors per route group, 4xx by error name, rate-limited requests, votes and comments
written, search latency), written once at its end. Nothing a client sends as a secret (a token, a cookie, an
api-key, an email) is ever logged.
"""

from __future__ import annotations

import time
import uuid
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.shared.cookies import Cookie
from pynamodb.exceptions import PynamoDBException

from devdevdev import metrics, tracing
from devdevdev.api import security
from devdevdev.api.envelope import JSON, failure, success, success_list, to_json
from devdevdev.api.identity import Caller, bearer_token
from devdevdev.api.request import HttpRequest
from devdevdev.domain.errors import ApiError, Errors, ErrorSpec, error_name, too_many_requests
from devdevdev.logs import correlated, logger
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
# The id of the request (API Gateway's requestContext.requestId) on every answer; a user can quote it to support.
REQUEST_ID_HEADER = "X-Request-Id"

# The function group serving a resource (as infra/routes.py groups the routes; a unit test holds them equal): the
# resource's first segment, except the comment routes under a pick or an article, which the comments group serves.
GROUP_OF_SEGMENT = {
    "token": "auth",
    "logout": "auth",
    "oauth2": "auth",
    "login": "auth",
    "picks": "picks",
    "articles": "articles",
    "keywords": "articles",
    "subscriptions": "articles",
    "blames": "comments",
    "mypage": "mypage",
    "notifications": "notifications",
}
# Business metrics counted from a route's successful answer (method and resource path below the base path), so no
# service has to know about metrics.
SUCCESS_METRICS = {
    "POST /picks/vote": "VotesCast",
    "POST /picks/{pickId}/comments": "CommentsWritten",
    "POST /picks/{pickId}/comments/{pickOriginParentCommentId}/{pickParentCommentId}": "CommentsWritten",
    "POST /articles/{techArticleId}/comments": "CommentsWritten",
    "POST /articles/{techArticleId}/comments/{originParentTechCommentId}/{parentTechCommentId}": "CommentsWritten",
}
# Routes whose duration is a latency metric of its own: the article list is the search engine's query.
LATENCY_METRICS = {"GET /articles": "SearchLatency"}


@dataclass
class Outcome:
    """How a request ended, for its log line and metrics: who asked, the catalogue error it answered, or the
    exception that made it a 5xx."""

    request_id: str
    caller: Caller | None = None
    error: ErrorSpec | None = None
    exception: BaseException | None = None

    def failed(self, error: ApiError) -> ApiError:
        self.error = error.spec
        return error

    def crashed(self, exception: BaseException, error: ApiError) -> ApiError:
        """An unexpected failure: its 5xx names the request id (the contract's message, then the id)."""
        self.exception = exception
        self.error = error.spec
        error.message = f"{error.message} (요청 ID: {self.request_id})"
        return error


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

    def outcome() -> Outcome:
        found = app.context.get("outcome")
        return found if found is not None else Outcome(request_id="-")

    @app.exception_handler(ApiError)
    def _api_error(error: ApiError) -> Response:
        return error_response(outcome().failed(error))

    @app.exception_handler(PynamoDBException)
    def _storage_error(error: PynamoDBException) -> Response:
        # logged once, on the request's line (handle)
        return error_response(outcome().crashed(error, Errors.TEMPORARY_FAILURE.error()))

    @app.exception_handler(Contended)
    def _contended(error: Contended) -> Response:
        # a transaction that kept conflicting: logged on the request's line, the id in the message
        return error_response(outcome().crashed(error, Errors.TEMPORARY_FAILURE.error()))

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response:
        return error_response(outcome().crashed(error, Errors.UNEXPECTED.error()))

    @app.not_found
    def _not_found(_: Exception) -> Response:
        return error_response(outcome().failed(Errors.ROUTE_NOT_FOUND.error()))

    return app


def scope(app: APIGatewayHttpResolver) -> RequestScope:
    """The current request's scope (set by :func:`handle`)."""
    return app.context["scope"]


def handle(app: APIGatewayHttpResolver, event: dict[str, Any], context: Any, runtime: Runtime | None = None) -> dict:
    """Filters, then the route. Never lets an exception out: every failure is a contract response. Every response,
    success or failure, leaves with the security headers and the request id; the request leaves one log line and
    its metrics."""
    started = time.perf_counter()
    runtime = runtime or get_runtime()
    request_id = _request_id(event, context)
    cold_start = app not in _warm
    _warm.add(app)
    outcome = Outcome(request_id)
    lambda_request_id = getattr(context, "aws_request_id", None)  # Lambda's REPORT line (duration, memory) names it
    keys = {"correlation_id": request_id, "cold_start": cold_start, "function_request_id": lambda_request_id}
    with metrics.invocation(), correlated(**keys):

        @tracing.capture_lambda_handler
        def lambda_handler(event: dict[str, Any], context: Any) -> dict:
            answered = _filter_and_route(app, event, context, runtime, outcome)
            tracing.annotate(route=route_of(event), status=int(answered.get("statusCode", 200)))
            return answered

        result = with_security_headers(lambda_handler(event, context), runtime.settings)
        result["headers"][REQUEST_ID_HEADER] = request_id
        _observe(event, result, outcome, time.perf_counter() - started)
    return result


# The resolvers that have answered a request: the first request of a function instance is its cold start.
_warm: weakref.WeakSet[APIGatewayHttpResolver] = weakref.WeakSet()


def _request_id(event: dict[str, Any], context: Any) -> str:
    """API Gateway's id of the request (else Lambda's, else a new one: a direct call)."""
    found = (event.get("requestContext") or {}).get("requestId") or getattr(context, "aws_request_id", None)
    return str(found or uuid.uuid4())


def _filter_and_route(
    app: APIGatewayHttpResolver, event: dict[str, Any], context: Any, runtime: Runtime, outcome: Outcome
) -> dict:
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
        return _render(error_response(outcome.failed(error)))
    except PynamoDBException as error:
        return _render(error_response(outcome.crashed(error, Errors.TEMPORARY_FAILURE.error())))
    outcome.caller = Caller(claims, request, runtime)
    app.append_context(scope=RequestScope(request, outcome.caller, runtime), outcome=outcome)
    try:
        return app.resolve(event, context)
    finally:
        app.clear_context()


def route_of(event: dict[str, Any]) -> str:
    """The route as ``METHOD /resource/{param}`` below the base path (API Gateway's routeKey: never an id)."""
    method, _, resource = str(event.get("routeKey") or "").partition(" ")
    if not resource:  # no route key: a direct call; the method and "?" rather than the raw path and its ids
        method = str(((event.get("requestContext") or {}).get("http") or {}).get("method") or "?")
        return f"{method} ?"
    return f"{method} {security.relative_path(resource)}"


def route_group(route: str) -> str:
    """The function group serving ``route`` (``METHOD /resource``)."""
    segments = route.partition(" ")[2].strip("/").split("/")
    if segments[0] in ("picks", "articles") and "comments" in segments[1:]:
        return "comments"
    return GROUP_OF_SEGMENT.get(segments[0], "other")


def _who(outcome: Outcome, event: dict[str, Any]) -> dict[str, Any]:
    """The member id the route resolved, else the anonymous member id the browser sent: never a token, an email, a
    cookie or a key."""
    resolved = vars(outcome.caller) if outcome.caller is not None else {}  # what the route resolved (cached properties)
    if "member_id" in resolved:
        return {"member_id": resolved["member_id"]}
    if resolved.get("member") is not None:
        return {"member_id": resolved["member"].id}
    anonymous = next((v for k, v in (event.get("headers") or {}).items() if k.lower() == "anonymous-member-id"), None)
    return {"anonymous_id": str(anonymous).strip()[:64]} if anonymous else {}


def _observe(event: dict[str, Any], result: dict[str, Any], outcome: Outcome, seconds: float) -> None:
    """The request's log line and metrics."""
    status = int(result.get("statusCode", 200))
    route = route_of(event)
    group = route_group(route)
    milliseconds = round(seconds * 1000, 1)
    line: dict[str, Any] = {"route": route, "group": group, "status": status, "duration_ms": milliseconds}
    line.update(_who(outcome, event))
    metrics.count("RequestCount", group=group)
    if status >= 500:
        metrics.count("Errors", group=group)
    elif status >= 400:
        line["error"] = error_name(outcome.error) if outcome.error is not None else f"HTTP_{status}"
        metrics.count("ClientErrors", error=line["error"])
        if status == 429:
            metrics.count("RateLimited", group=group)
    elif status < 400:
        if route in SUCCESS_METRICS:
            metrics.count(SUCCESS_METRICS[route])
        if route in LATENCY_METRICS:
            metrics.milliseconds(LATENCY_METRICS[route], milliseconds)
    if outcome.exception is not None:  # the line's exception_name and exception (the traceback), by Powertools
        code = getattr(outcome.exception, "cause_response_code", None)
        if code in THROTTLED:
            line["code"] = code
            logger.warning("request", extra=line, exc_info=outcome.exception)
        else:
            logger.error("request", extra=line, exc_info=outcome.exception)
    elif status >= 500:
        if outcome.error is not None:
            line["error"] = error_name(outcome.error)
        logger.error("request", extra=line)
    else:
        logger.info("request", extra=line)


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
