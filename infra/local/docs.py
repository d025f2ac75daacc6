"""The API reference on the local gateway: Swagger UI at ``/docs`` and the generated files under ``/docs/``.

Swagger UI is the npm package ``swagger-ui-dist`` (package.json, installed by ``make run``), served from
node_modules: no CDN. The OpenAPI document's server is ``/``, so "Try it out" calls the gateway serving the page.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SWAGGER_UI = ROOT / "node_modules" / "swagger-ui-dist"
# The generated files the page links to, with their media types.
FILES = {
    "openapi.json": "application/json;charset=UTF-8",
    "postman_collection.json": "application/json;charset=UTF-8",
    "postman_environment.local.json": "application/json;charset=UTF-8",
    "errors.md": "text/markdown;charset=UTF-8",
}
PAGE = """<!doctype html>
<html lang="ko">
<head>
  <meta charset="utf-8">
  <title>devdevdev API</title>
  <link rel="stylesheet" href="/docs/static/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/static/favicon-32x32.png">
</head>
<body>
  <p style="font-family: sans-serif; margin: 8px 20px">
    <a href="/docs/postman_collection.json" download>Postman 컬렉션</a> ·
    <a href="/docs/postman_environment.local.json" download>Postman 환경 (로컬)</a> ·
    <a href="/docs/errors.md">에러 카탈로그</a>
  </p>
  <div id="swagger-ui"></div>
  <script src="/docs/static/swagger-ui-bundle.js"></script>
  <script src="/docs/static/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: "/docs/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: true,
      tryItOutEnabled: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout",
    });
  </script>
</body>
</html>
"""
MISSING = "swagger-ui-dist is not installed: run `make run` (or `npm ci`) in the repository.\n"


async def page(request: Request) -> Response:
    if not (SWAGGER_UI / "swagger-ui-bundle.js").is_file():
        return Response(MISSING, status_code=503, media_type="text/plain;charset=UTF-8")
    return HTMLResponse(PAGE)


async def generated_file(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in FILES:
        return Response("not found\n", status_code=404, media_type="text/plain;charset=UTF-8")
    return FileResponse(DOCS / name, media_type=FILES[name])


def docs_routes() -> list[BaseRoute]:
    """The routes to put before the gateway's catch-all."""
    return [
        Route("/docs", page, methods=["GET"]),
        Route("/docs/", page, methods=["GET"]),
        Mount("/docs/static", app=StaticFiles(directory=SWAGGER_UI, check_dir=False), name="swagger-ui"),
        Route("/docs/{name}", generated_file, methods=["GET"]),
    ]
