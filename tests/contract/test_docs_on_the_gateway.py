"""The local gateway serves the API reference (Swagger UI from swagger-ui-dist, no CDN) and the Postman collection's
first folder succeeds against a live stage with the demo data, the way Postman runs it."""

from __future__ import annotations

import json

import httpx
import pytest
from devdevdev.api.security import skips_jwt

from infra.apidoc.openapi import TEST_TOKEN_PATH
from scripts.openapi import DOCS


def test_docs_page_is_swagger_ui_from_the_gateway_itself(stage):
    # When the page is opened
    page = httpx.get(f"{stage.url}/docs")
    # Then it is Swagger UI, its assets are the gateway's own, and it reads the gateway's document
    assert page.status_code == 200
    assert "SwaggerUIBundle" in page.text and 'url: "/docs/openapi.json"' in page.text
    assert "http://" not in page.text and "https://" not in page.text  # nothing from a CDN
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        response = httpx.get(f"{stage.url}/docs/static/{asset}")
        assert response.status_code == 200, asset
        assert len(response.content) > 1000, asset


@pytest.mark.parametrize(
    "name", ["openapi.json", "postman_collection.json", "postman_environment.local.json", "errors.md"]
)
def test_the_generated_files_are_served_as_committed(stage, name):
    response = httpx.get(f"{stage.url}/docs/{name}")
    assert response.status_code == 200
    assert response.content == (DOCS / name).read_bytes()
    assert response.headers["content-type"].endswith("charset=UTF-8")


def test_an_unknown_docs_file_is_a_404(stage):
    assert httpx.get(f"{stage.url}/docs/secrets.env").status_code == 404


def test_try_it_out_with_the_documented_bearer_token_works(stage):
    # Given the document's server ("/") resolved against the gateway that served it, as Swagger UI does
    document = httpx.get(f"{stage.url}/docs/openapi.json").json()
    base = httpx.URL(f"{stage.url}/docs/openapi.json").join(document["servers"][0]["url"])
    # When a token is taken from the documented test-token endpoint and sent as the bearer scheme says
    token = httpx.get(str(base.join(TEST_TOKEN_PATH.lstrip("/")))).json()["data"]["accessToken"]
    response = httpx.get(str(base.join("devdevdev/api/v1/mypage/picks")), headers={"Authorization": f"Bearer {token}"})
    # Then the member-only route answers
    assert response.status_code == 200, response.text
    assert response.json()["resultType"] == "SUCCESS"


def _url(request: dict, base_url: str) -> tuple[str, dict[str, str]]:
    url = request["url"]
    values = {v["key"]: v["value"] for v in url.get("variable", [])}
    path = "/".join(values[s[1:]] if s.startswith(":") else s for s in url["path"])
    query = {q["key"]: q["value"] for q in url.get("query", []) if not q.get("disabled")}
    return f"{base_url}/{path}", query


def test_the_postman_collections_first_folder_succeeds_on_the_demo_data(stage):
    collection = json.loads((DOCS / "postman_collection.json").read_text(encoding="utf-8"))
    environment = json.loads((DOCS / "postman_environment.local.json").read_text(encoding="utf-8"))
    assert {v["key"]: v["value"] for v in environment["values"]}["baseUrl"] == "http://127.0.0.1:8080"
    base_url = stage.url  # the environment's baseUrl, on this test's port
    folder = collection["item"][0]
    assert folder["item"], "the first folder is empty"
    for item in folder["item"]:
        request = item["request"]
        url, query = _url(request, base_url)
        headers = {h["key"]: h["value"] for h in request["header"] if not h.get("disabled")}
        # The collection's pre-request step: a fresh test token as the Authorization header, except on the paths
        # that do not read it.
        if not skips_jwt(httpx.URL(url).path):
            token = httpx.get(base_url + TEST_TOKEN_PATH).json()["data"]["accessToken"]
            headers["Authorization"] = f"Bearer {token}"
        body = request.get("body", {}).get("raw")
        response = httpx.request(request["method"], url, params=query, headers=headers, content=body)
        assert response.status_code == 200, f"{item['name']}: {response.text}"
        assert response.json()["resultType"] == "SUCCESS", item["name"]
