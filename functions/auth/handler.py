"""Function group ``auth``: token refresh, test tokens, logout, OAuth2 login (Kakao-compatible)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from devdevdev.api import cookies
from devdevdev.api.app import create_resolver, error_response, handle, logger, ok, scope
from devdevdev.api.cookies import CookieJar
from devdevdev.api.security import BASE_PATH
from devdevdev.auth.oauth import OAuthProvider, StateSigner
from devdevdev.domain.errors import Errors
from devdevdev.services import auth as tokens
from devdevdev.services import login
from devdevdev.settings import Settings

app = create_resolver()
CALLBACK_PATH = "/login/oauth2/code/kakao"


def _jar() -> CookieJar:
    runtime = scope(app).runtime
    return CookieJar(runtime.settings, runtime.clock.now())


@app.post("/token/refresh")
def refresh_token() -> Response:
    current = scope(app)
    presented = cookies.refresh_token(current.request)
    jar = _jar()
    try:
        pair = tokens.refresh(current.runtime, presented)
    except tokens.RefreshRefused as refused:
        refused.cookies = jar.refused_tokens(current.request.cookies)
        raise
    return ok(cookies=jar.tokens(pair.access_token, pair.refresh_token))


def _test_tokens(email: str) -> Response:
    runtime = scope(app).runtime
    if not runtime.settings.test_tokens_enabled:
        return error_response(Errors.ROUTE_NOT_FOUND.error())
    pair = tokens.test_tokens(runtime, email)
    return ok({"accessToken": pair.access_token, "refreshToken": pair.refresh_token})


@app.get("/token/test/user")
def test_user_token() -> Response:
    return _test_tokens(tokens.TEST_USER_EMAIL)


@app.get("/token/test/admin")
def test_admin_token() -> Response:
    return _test_tokens(tokens.TEST_ADMIN_EMAIL)


@app.post("/logout")
def logout() -> Response:
    current = scope(app)
    tokens.logout(current.runtime, current.caller.member_id)
    return ok(cookies=_jar().logged_out())


def _redirect_uri() -> str:
    current = scope(app)
    configured = current.runtime.settings.oauth_redirect_uri
    if configured:
        return configured
    host = current.request.header("host") or "localhost"
    proto = current.request.header("x-forwarded-proto") or "https"
    return f"{proto}://{host}{BASE_PATH}{CALLBACK_PATH}"


def _oauth() -> tuple[OAuthProvider, StateSigner]:
    runtime = scope(app).runtime
    return _provider(runtime.settings), StateSigner(runtime.settings.jwt_key, runtime.clock)


_providers: dict[int, OAuthProvider] = {}


def _provider(settings: Settings) -> OAuthProvider:
    """One provider client (and its connection pool) per settings object, reused across warm invocations."""
    key = id(settings)
    if key not in _providers:
        _providers[key] = OAuthProvider(settings)
    return _providers[key]


@app.get("/oauth2/authorization/kakao")
def authorize() -> Response:
    provider, signer = _oauth()
    return Response(status_code=302, headers={"Location": login.start(provider, signer, _redirect_uri())})


@app.get(CALLBACK_PATH)
def callback() -> Response:
    current = scope(app)
    provider, signer = _oauth()
    query = current.request.query
    received = login.OAuthCallback(code=query.get("code"), state=query.get("state"), error=query.get("error"))
    jar = _jar()
    try:
        result = login.complete(current.runtime, provider, signer, received, _redirect_uri())
    except login.LoginFailed as failed:
        failed.cookies = [jar.login_status(False)]
        raise
    logger.info("social login succeeded")
    return Response(
        status_code=302,
        headers={"Location": current.runtime.settings.frontend_url},
        cookies=jar.logged_in(result.tokens, result.member, result.is_new),
    )


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(app, event, context)
