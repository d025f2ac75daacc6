"""The local API gateway: real HTTP in, API Gateway HTTP API payload-v2 events out, the groups' real handlers.

It behaves as API Gateway does for what the handlers can see: one request per function instance at a time (a pool
of instances per group, so concurrent requests really run concurrently), the CORS settings of the stage (preflights
answered here without auth, CORS headers on every response, errors included), cookies in ``cookies``, base64 bodies
for binary and multipart content, every ``Set-Cookie`` written back. The event's ``sourceIp`` is the TCP peer, as
API Gateway's is; ``X-Forwarded-For`` is believed only from a peer named in ``TRUSTED_PROXIES`` (a reverse proxy in
front of the local stack), and then only its right-most address that is not itself a trusted proxy.

It also plays the two live transports:

- ``GET /notifications`` is streamed as real Server-Sent Events: the handler answers the first events and names the
  connection it registered; the gateway keeps the response open, forwards the messages put in that connection's
  inbox, sends a heartbeat every 30 s and ends the stream after 5 minutes.
- ``/ws`` is a WebSocket API: ``$connect``, ``$disconnect`` and ``$default`` events go to
  ``functions/notifications/websocket.py``, and ``/ws/@connections/{id}`` is its management API (``POST`` sends,
  ``DELETE`` closes, an unknown connection is a 410 ``GoneException``), which the push code reaches with boto3 as it
  reaches API Gateway's.
"""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import ipaddress
import queue
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from devdevdev.api.app import REQUEST_ID_HEADER
from devdevdev.api.envelope import failure, to_json
from devdevdev.domain.errors import Errors
from devdevdev.stages import CORS_ALLOWED_HEADERS, CORS_ALLOWED_METHODS, CORS_EXPOSED_HEADERS, CORS_MAX_AGE_SECONDS
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route as StarletteRoute
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from infra import routes
from infra.local.docs import docs_routes

ROOT = Path(__file__).resolve().parents[2]
TEXT_TYPES = (
    "text/",
    "application/json",
    "application/xml",
    "application/x-www-form-urlencoded",
    "application/javascript",
)
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
# Lambda refuses synchronous invocations whose payload (the event, with a base64 body) exceeds 6 MB.
LAMBDA_PAYLOAD_LIMIT = 6 * 1024 * 1024
LIVE_CONNECTION_HEADER = "x-live-connection"
SSE_POLL_SECONDS = 0.2
WEBSOCKET_STAGE = "ws"
# Where the gateway serves the image bucket (``make run`` points IMAGES_PUBLIC_URL here), as CloudFront does in AWS.
IMAGES_PATH = "images"
IMAGE_CACHE_CONTROL = "public, max-age=31536000, immutable"
# How uvicorn serves the gateway (``make run``, and the tests' live server): no ``Server: uvicorn`` banner (the Date
# header stays: HTTP wants it from a server with a clock, and API Gateway sends one), and no proxy-header rewriting:
# by default uvicorn replaces the peer with X-Forwarded-For whenever the peer is 127.0.0.1, which is every local
# client. The gateway decides itself whom to believe (``TRUSTED_PROXIES``).
UVICORN_OPTIONS: dict[str, Any] = {"server_header": False, "date_header": True, "proxy_headers": False}
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def reads_the_stream(route: routes.Route) -> bool:
    """Whether a route answers from what the table's stream feeds: the article lists (the search index) and the
    similar picks (the embeddings)."""
    if route.method != "GET":
        return False
    return route.group == "articles" or route.path.endswith("/similarties")


class LambdaContext:
    """The parts of the Lambda context object that handlers and Powertools read."""

    def __init__(self, group: str) -> None:
        self.function_name = f"devdevdev-{group}"
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:local:000000000000:function:{self.function_name}"
        self.memory_limit_in_mb = 512
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


class InstancePool:
    """Warm "instances" of one group's handler module; each serves one request at a time, as Lambda does."""

    def __init__(self, group: str, max_instances: int = 64) -> None:
        self.group = group
        self._path = ROOT / "functions" / group / "handler.py"
        self._idle: queue.LifoQueue[Handler] = queue.LifoQueue()
        self._created = 0
        self._max = max_instances
        self._lock = threading.Lock()

    def _load(self) -> Handler:
        self._created += 1
        name = (
            f"functions.{self.group}.handler"
            if self._created == 1
            else f"functions.{self.group}.handler_{self._created}"
        )
        spec = importlib.util.spec_from_file_location(name, self._path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.lambda_handler

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        handler: Handler | None
        try:
            handler = self._idle.get_nowait()
        except queue.Empty:
            with self._lock:
                handler = self._load() if self._created < self._max else None
            if handler is None:
                handler = self._idle.get(timeout=30)
        try:
            return handler(event, LambdaContext(self.group))
        finally:
            self._idle.put(handler)


def trusted_networks(proxies: Sequence[str]) -> tuple[Network, ...]:
    """``TRUSTED_PROXIES`` (addresses or networks) as networks."""
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)


def _trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def source_ip(peer: str, forwarded_for: str, trusted: Sequence[Network]) -> str:
    """The client's address as API Gateway reports it: the TCP peer. Only when the peer is a trusted proxy, the
    right-most address of ``X-Forwarded-For`` that is not a trusted proxy (what the first trusted proxy saw; anything
    left of it was written by the client). A malformed address there, or none, leaves the peer."""
    if not _trusted(peer, trusted):
        return peer
    for hop in reversed(forwarded_for.split(",")):
        if _trusted(hop.strip(), trusted):
            continue
        try:
            return str(ipaddress.ip_address(hop.strip()))
        except ValueError:
            return peer
    return peer


def build_event(
    request: Request,
    body: bytes,
    route: routes.Route,
    path_parameters: dict[str, str],
    trusted: Sequence[Network] = (),
    request_id: str | None = None,
) -> dict[str, Any]:
    """The payload-v2 event API Gateway would send for this request (``request_id``: its ``requestId``, a new one
    by default)."""
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        if name == "cookie":
            continue
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    peer = request.client.host if request.client else "127.0.0.1"
    headers.setdefault("x-forwarded-proto", request.url.scheme)
    # As API Gateway: what the client sent, then the address the gateway saw.
    forwarded_for = headers.get("x-forwarded-for", "")
    headers["x-forwarded-for"] = f"{forwarded_for}, {peer}" if forwarded_for else peer
    cookies = [c.strip() for c in request.headers.get("cookie", "").split(";") if c.strip()]
    query: dict[str, str] = {}
    for name, value in parse_qsl(request.url.query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    content_type = request.headers.get("content-type", "")
    is_text = not body or content_type.startswith(TEXT_TYPES)
    now = time.time()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": request.url.path,
        "rawQueryString": request.url.query,
        "headers": headers,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": request.headers.get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": request.method,
                "path": request.url.path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip(peer, forwarded_for, trusted),
                "userAgent": request.headers.get("user-agent", ""),
            },
            "requestId": request_id or str(uuid.uuid4()),
            "routeKey": route.route_key,
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": not is_text,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if path_parameters:
        event["pathParameters"] = path_parameters
    if body:
        event["body"] = body.decode("utf-8", errors="replace") if is_text else base64.b64encode(body).decode()
    return event


def to_response(result: dict[str, Any]) -> Response:
    """Write a handler's payload-v2 result back as HTTP."""
    body = result.get("body") or ""
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
    response = Response(content=raw, status_code=int(result.get("statusCode", 200)))
    for name, value in (result.get("headers") or {}).items():
        response.headers[name] = str(value)
    for name, values in (result.get("multiValueHeaders") or {}).items():
        for value in values:
            response.headers.append(name, str(value))
    for cookie in result.get("cookies") or []:
        response.headers.append("set-cookie", cookie)
    return response


def with_request_id(response: Response, request_id: str) -> Response:
    """An answer of the gateway's own, with the request's id (the header the handlers set on theirs)."""
    response.headers[REQUEST_ID_HEADER.lower()] = request_id
    return response


def too_large(content_type: str) -> Response:
    """A body Lambda could not take. Uploads get the contract's size message; in AWS the web client sends large
    images by presigned POST instead (see docs/decisions.md)."""
    if content_type.startswith("multipart/"):
        error = Errors.UPLOAD_TOO_LARGE
        body = to_json(failure(error.message, error.code))
        return Response(body, status_code=error.status, media_type="application/json;charset=UTF-8")
    body = to_json(failure("요청 본문이 너무 큽니다.", 413))
    return Response(body, status_code=413, media_type="application/json;charset=UTF-8")


class Gateway:
    """The ASGI application."""

    def __init__(
        self,
        allowed_origins: tuple[str, ...],
        stream_pump: Any = None,
        trusted_proxies: Sequence[str] = (),
        images: Any = None,
    ) -> None:
        self.images = images
        self.allowed_origins = set(allowed_origins)
        self.trusted = trusted_networks(trusted_proxies)
        self.stream_pump = stream_pump
        self.pools = {group: InstancePool(group) for group in {r.group for r in routes.ROUTES}}
        self.sockets: dict[str, WebSocket] = {}
        self.app = Starlette(
            routes=[
                *docs_routes(),
                WebSocketRoute(f"/{WEBSOCKET_STAGE}", self.websocket),
                StarletteRoute(f"/{IMAGES_PATH}/{{key:path}}", self.image, methods=["GET", "HEAD"]),
                StarletteRoute(
                    f"/{WEBSOCKET_STAGE}/@connections/{{connection_id}}", self.manage, methods=["POST", "DELETE", "GET"]
                ),
                StarletteRoute(
                    "/{path:path}", self.dispatch, methods=["GET", "POST", "PATCH", "DELETE", "PUT", "OPTIONS", "HEAD"]
                ),
            ],
            # Starlette's path parameters never match a newline, so a path holding "%0A" fell through to Starlette's
            # text/plain 404; API Gateway routes it like any other path (and the handler answers 400).
            exception_handlers={404: self._unrouted},
        )

    async def _unrouted(self, request: Request, _: Exception) -> Response:
        return await self.dispatch(request)

    def _cors(self, request: Request, response: Response, preflight: bool = False) -> Response:
        origin = request.headers.get("origin")
        if origin and origin in self.allowed_origins:
            response.headers["access-control-allow-origin"] = origin
            response.headers["access-control-allow-credentials"] = "true"
            response.headers.append("vary", "Origin")
            if preflight:
                response.headers["access-control-allow-methods"] = ",".join(CORS_ALLOWED_METHODS)
                response.headers["access-control-allow-headers"] = ",".join(CORS_ALLOWED_HEADERS)
                response.headers["access-control-max-age"] = str(CORS_MAX_AGE_SECONDS)
            else:
                response.headers["access-control-expose-headers"] = ",".join(CORS_EXPOSED_HEADERS)
        return response

    async def dispatch(self, request: Request) -> Response:
        if request.method == "OPTIONS" and request.headers.get("access-control-request-method"):
            return self._cors(request, Response(status_code=204), preflight=True)
        # One id per request, as API Gateway makes: the event's requestId, which the handler returns as X-Request-Id
        # (and names on its log line); the answers the gateway makes itself carry it too.
        request_id = str(uuid.uuid4())
        found = routes.match(request.method, request.url.path)
        if found is None:
            error = Errors.ROUTE_NOT_FOUND
            message = to_json(failure(error.message, error.code))
            unrouted = Response(message, status_code=error.status, media_type="application/json;charset=UTF-8")
            return self._cors(request, with_request_id(unrouted, request_id))
        route, path_parameters = found
        body = await request.body()
        if len(body) * 4 // 3 > LAMBDA_PAYLOAD_LIMIT:
            return self._cors(request, with_request_id(too_large(request.headers.get("content-type", "")), request_id))
        if self.stream_pump is not None and reads_the_stream(route):
            # In AWS the indexer and the embedding pipeline trail the table by about a second; locally these routes
            # read after the stream is applied, so a write is visible to the very next list (or similar picks).
            try:
                await run_in_threadpool(self.stream_pump.drain)
            except Exception as error:  # noqa: BLE001 (a late index is better than a failed request)
                print(f"stream pump: {error}")
        event = build_event(request, body, route, path_parameters, self.trusted, request_id)
        result = await run_in_threadpool(self.pools[route.group].invoke, event)
        headers = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
        connection_id = headers.pop(LIVE_CONNECTION_HEADER, None)
        if connection_id and int(result.get("statusCode", 200)) == 200:
            result["headers"] = headers
            return self._cors(request, self._stream(result, str(connection_id)))
        return self._cors(request, to_response(result))

    async def image(self, request: Request) -> Response:
        """``GET /images/{key}``: an object of the image bucket, as CloudFront serves it in AWS. Not an API route: a
        missing object (or no bucket configured) is a bare 404, as a CDN answers."""
        if self.images is None:
            return Response(status_code=404)
        found = await run_in_threadpool(self.images.read, request.path_params["key"])
        if found is None:
            return Response(status_code=404)
        # keys are unique (a UUID in each): an image never changes under its URL
        headers = {"cache-control": IMAGE_CACHE_CONTROL}
        return Response(found.body, media_type=found.content_type, headers=headers)

    # Server-Sent Events -----------------------------------------------------------------------------------------

    def _stream(self, result: dict[str, Any], connection_id: str) -> StreamingResponse:
        from devdevdev.api import live
        from devdevdev.runtime import get_runtime
        from devdevdev.services.notifications import live as notifications

        runtime = get_runtime()
        settings = runtime.settings

        async def events():
            try:
                if result.get("body"):
                    yield result["body"]
                started = time.monotonic()
                beat = started + settings.sse_heartbeat_seconds
                while (now := time.monotonic()) < started + settings.sse_timeout_seconds:
                    for data in await run_in_threadpool(notifications.take_live, runtime, connection_id):
                        yield live.sse_event(data)
                    if now >= beat:
                        yield live.heartbeat_event(runtime.clock.now())
                        beat = now + settings.sse_heartbeat_seconds
                    await asyncio.sleep(SSE_POLL_SECONDS)
            finally:
                notifications.close_connection(runtime, connection_id)

        headers = {k: v for k, v in result["headers"].items() if k != "content-type"}
        headers["x-accel-buffering"] = "no"
        return StreamingResponse(events(), media_type="text/event-stream;charset=UTF-8", headers=headers)

    # The WebSocket API ------------------------------------------------------------------------------------------

    def _websocket_event(self, socket: WebSocket, route_key: str, connection_id: str, body: str | None = None):
        event: dict[str, Any] = {
            "requestContext": {
                "routeKey": route_key,
                "eventType": {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route_key, "MESSAGE"),
                "connectionId": connection_id,
                "domainName": socket.headers.get("host", "127.0.0.1"),
                "stage": WEBSOCKET_STAGE,
                "apiId": "local",
                "requestId": str(uuid.uuid4()),
                "connectedAt": int(time.time() * 1000),
            },
            "isBase64Encoded": False,
        }
        if route_key == "$connect":
            event["headers"] = dict(socket.headers)
            event["queryStringParameters"] = dict(socket.query_params)
        if body is not None:
            event["body"] = body
        return event

    async def _invoke_websocket(self, event: dict[str, Any]) -> dict[str, Any]:
        from functions.notifications.websocket import lambda_handler

        return await run_in_threadpool(lambda_handler, event, LambdaContext("notifications-websocket"))

    async def websocket(self, socket: WebSocket) -> None:
        connection_id = base64.urlsafe_b64encode(uuid.uuid4().bytes[:12]).decode()
        result = await self._invoke_websocket(self._websocket_event(socket, "$connect", connection_id))
        status = int(result.get("statusCode", 500))
        if status != 200:
            body = result.get("body") or ""
            await socket.send_denial_response(
                Response(body, status_code=status, media_type="application/json;charset=UTF-8")
            )
            return
        await socket.accept()
        self.sockets[connection_id] = socket
        try:
            while True:
                message = await socket.receive_text()
                await self._invoke_websocket(self._websocket_event(socket, "$default", connection_id, message))
        except WebSocketDisconnect:
            pass
        finally:
            self.sockets.pop(connection_id, None)
            await self._invoke_websocket(self._websocket_event(socket, "$disconnect", connection_id))

    async def manage(self, request: Request) -> Response:
        """The management API of the WebSocket API (what ``PostToConnection`` and ``DeleteConnection`` call)."""
        socket = self.sockets.get(request.path_params["connection_id"])
        if socket is None:
            return Response('{"message":"Gone"}', status_code=410, headers={"x-amzn-ErrorType": "GoneException"})
        if request.method == "POST":
            await socket.send_text((await request.body()).decode("utf-8"))
        elif request.method == "DELETE":
            await socket.close()
        return Response(status_code=200)


def create_app(
    allowed_origins: tuple[str, ...],
    stream_pump: Any = None,
    trusted_proxies: Sequence[str] = (),
    images: Any = None,
) -> Starlette:
    """The gateway for a stage's allowed CORS origins; ``stream_pump`` (``infra.local.streams``) feeds the indexer;
    ``trusted_proxies`` are the peers whose ``X-Forwarded-For`` names the client (``TRUSTED_PROXIES``); ``images``
    (``infra.local.bucket.ImageReader``) is the bucket ``GET /images/{key}`` serves."""
    return Gateway(allowed_origins, stream_pump, trusted_proxies, images).app
