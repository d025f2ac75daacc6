"""The local gateway serves the API reference (Swagger UI from swagger-ui-dist, no CDN), and the Postman collection
runs under Newman (Postman's runner, its JavaScript pre-request script included) against a live stage: the first
folder succeeds on the demo data, and the whole collection runs without a failure."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest
from devdevdev.api.security import skips_jwt

from infra.apidoc.openapi import TEST_TOKEN_PATH
from scripts.openapi import DOCS, ROOT
from tests.conftest import build_runtime, seed_stage, served, stage_env


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


NEWMAN = ROOT / "node_modules" / ".bin" / "newman"  # Postman's runner, from package.json


def newman(base_url: str, tmp_path: Path, folders: list[dict]) -> tuple[subprocess.CompletedProcess, dict]:
    """Run the committed collection, reduced to ``folders`` (its events and variables, its JavaScript pre-request
    script included, as they are), with the committed local environment (its baseUrl pointed at ``base_url``) under
    Newman: (the run, Newman's JSON report)."""
    collection = json.loads((DOCS / "postman_collection.json").read_text(encoding="utf-8"))
    reduced = tmp_path / "collection.json"
    reduced.write_text(json.dumps({**collection, "item": folders}, ensure_ascii=False), encoding="utf-8")
    report = tmp_path / "newman.json"
    run = subprocess.run(
        [
            str(NEWMAN),
            "run",
            str(reduced),
            "--environment",
            str(DOCS / "postman_environment.local.json"),
            "--env-var",
            f"baseUrl={base_url}",
            "--ignore-redirects",  # the OAuth login redirects to the provider, outside this machine
            "--timeout-request",
            "30000",
            "--reporters",
            "cli,json",
            "--reporter-json-export",
            str(report),
            "--color",
            "off",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert report.is_file(), run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(report.read_text(encoding="utf-8"))["run"]
    # The report repeats an item's execution for the pre-request script's own request: one per item, its last
    by_item: dict[str, dict] = {}
    for execution in result["executions"]:
        by_item.pop(execution["cursor"]["ref"], None)
        by_item[execution["cursor"]["ref"]] = execution
    result["executions"] = list(by_item.values())
    return run, result


def _body(execution: dict) -> bytes:
    return bytes(execution["response"]["stream"]["data"])


def _route(item: dict) -> str:
    return f"{item['request']['method']} /" + "/".join(item["request"]["url"]["path"])


def _path(execution: dict) -> str:
    return "/" + "/".join(execution["request"]["url"]["path"])


def test_the_postman_collections_first_folder_succeeds_on_the_demo_data(stage, tmp_path):
    collection = json.loads((DOCS / "postman_collection.json").read_text(encoding="utf-8"))
    environment = json.loads((DOCS / "postman_environment.local.json").read_text(encoding="utf-8"))
    assert {v["key"]: v["value"] for v in environment["values"]}["baseUrl"] == "http://127.0.0.1:8080"
    folder = collection["item"][0]
    assert folder["item"], "the first folder is empty"
    # The environment's baseUrl, on this test's port
    run, report = newman(stage.url, tmp_path, [folder])
    assert run.returncode == 0 and report["failures"] == [], run.stdout[-3000:]
    executions = report["executions"]
    assert [e["item"]["name"] for e in executions] == [item["name"] for item in folder["item"]]
    for execution in executions:
        name = execution["item"]["name"]
        assert execution["response"]["code"] == 200, f"{name}: {_body(execution)[:500]!r}"
        assert json.loads(_body(execution))["resultType"] == "SUCCESS", name
        # The collection's pre-request script sent a fresh test token, except on the paths that do not read it
        headers = {h["key"].lower(): h["value"] for h in execution["request"]["header"]}
        if skips_jwt(_path(execution)):
            assert "authorization" not in headers, name
        else:
            assert headers["authorization"].startswith("Bearer ey"), name


@pytest.fixture
def fresh_stage(dynamodb_endpoint: str, s3_endpoint: str):
    """A stage of its own: the whole collection writes, votes, deletes and leaves."""
    from devdevdev.runtime import use_runtime

    runtime = build_runtime(stage_env(dynamodb_endpoint, s3_endpoint))
    seed_stage(runtime)
    with served(runtime) as server:
        yield server
    use_runtime(None)


STREAMS = {"GET /devdevdev/api/v1/notifications"}  # Server-Sent Events: open until the client leaves


def test_newman_runs_the_whole_collection_without_a_failure_or_a_server_error(fresh_stage, tmp_path):
    collection = json.loads((DOCS / "postman_collection.json").read_text(encoding="utf-8"))
    folders = [
        {**folder, "item": [item for item in folder["item"] if _route(item) not in STREAMS]}
        for folder in collection["item"]
    ]
    left_out = sum(len(folder["item"]) for folder in collection["item"]) - sum(len(f["item"]) for f in folders)
    assert left_out == 1  # the stream route of the notifications folder, and nothing else
    run, report = newman(fresh_stage.url, tmp_path, folders)
    assert run.returncode == 0 and report["failures"] == [], run.stdout[-3000:]
    assert len(report["executions"]) == sum(len(folder["item"]) for folder in folders)
    for execution in report["executions"]:
        name, response = execution["item"]["name"], execution["response"]
        if response["code"] >= 500:  # only the contract's documented 500: the envelope's 503 (similar picks)
            assert json.loads(_body(execution))["errorCode"] == 503, f"{name}: {_body(execution)[:500]!r}"
