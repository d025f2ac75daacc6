"""The OpenSearch adapter's requests, checked against OpenSearch's published API specification.

No OpenSearch node can be had here (no Debian or npm package of the server), so the engine suite cannot run on one.
What can be checked without one is what the adapter sends: its index mapping, the bulk action lines and the search
body of every kind of page. The official JavaScript client (``@opensearch-project/opensearch``, pinned in
package.json) ships TypeScript types generated from the OpenSearch API specification; each recorded body is written
into a TypeScript file as a value of the specification's request type and type-checked with ``tsc``. An unknown
field, a misspelt enum value (an operator, a field type) or a wrong shape fails the check. Only the requests are
recorded (the stand-in client answers empty results); what OpenSearch answers is not checked here.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from devdevdev.search.opensearch import OpenSearchSearch
from devdevdev.search.port import ArticleDocument, ArticleSort, SearchAfter

ROOT = Path(__file__).resolve().parents[2]
TSC = ROOT / "node_modules" / ".bin" / "tsc"
TYPES = "@opensearch-project/opensearch/api"
IMPORTS = f"""import type {{ Search_RequestBody }} from '{TYPES}/_core/search';
import type {{ Indices_Create_RequestBody }} from '{TYPES}/indices/create';
import type {{ OperationContainer }} from '{TYPES}/_types/_core.bulk';
"""


class RecordingClient:
    """Stands in for ``opensearchpy.OpenSearch``: records each request body, answers an empty index."""

    def __init__(self) -> None:
        self.created: list[dict[str, Any]] = []
        self.bulks: list[list[dict[str, Any]]] = []
        self.searches: list[dict[str, Any]] = []
        self.indices = self

    def exists(self, index: str) -> bool:
        return False

    def create(self, index: str, body: dict[str, Any]) -> dict[str, Any]:
        self.created.append(body)
        return {"acknowledged": True}

    def bulk(self, body: list[dict[str, Any]], index: str, refresh: str) -> dict[str, Any]:
        self.bulks.append(body)
        return {"items": []}

    def search(self, index: str, body: dict[str, Any]) -> dict[str, Any]:
        self.searches.append(body)
        return {"hits": {"hits": [], "total": {"value": 0}}}


def recorded_requests() -> RecordingClient:
    """Every kind of request the adapter makes: the index, writes, and a page of each sort with and without a keyword,
    a company and a cursor."""
    engine = OpenSearchSearch("http://opensearch.invalid:9200", "articles")
    client = RecordingClient()
    engine._client = client  # type: ignore[assignment]  # the requests go to the recorder
    document = ArticleDocument(
        id=1,
        elastic_id="e1",
        company_id=1,
        title="스프링 부트",
        contents="내용",
        reg_date="2026-01-01",
        view_total_count=1,
        recommend_total_count=2,
        comment_total_count=3,
        popular_score=4,
    )
    engine.index([document])
    engine.delete(["e1"])
    for sort in ArticleSort:
        for keyword in (None, "스프링 AND 부트"):
            for company_id in (None, 1):
                for after in (None, SearchAfter(value=12.5, reg_date="2026-01-01", id=7)):
                    engine.search(keyword=keyword, company_id=company_id, sort=sort, after=after, size=10)
    return client


def typescript(client: RecordingClient) -> str:
    """The recorded bodies as typed TypeScript constants."""
    lines = [IMPORTS]
    for n, body in enumerate(client.created):
        lines.append(f"export const index{n}: Indices_Create_RequestBody = {json.dumps(body, ensure_ascii=False)};")
    actions = [line for bulk in client.bulks for line in bulk if _is_action(line)]
    for n, action in enumerate(actions):
        lines.append(f"export const action{n}: OperationContainer = {json.dumps(action)};")
    for n, body in enumerate(client.searches):
        lines.append(f"export const search{n}: Search_RequestBody = {json.dumps(body, ensure_ascii=False)};")
    return "\n".join(lines) + "\n"


def _is_action(line: dict[str, Any]) -> bool:
    """A bulk action line (``{"index": {"_id": ...}}``), not a document."""
    (value,) = line.values() if len(line) == 1 else (None,)
    return isinstance(value, dict) and "_id" in value


def type_check(source: str, directory: Path) -> subprocess.CompletedProcess[str]:
    """``tsc`` on ``source`` (in the repository, so the client's types resolve from node_modules)."""
    assert TSC.exists(), "TypeScript is missing: make test installs it (package.json)"
    checked = directory / "requests.ts"
    checked.write_text(source, encoding="utf-8")
    return subprocess.run(
        [
            str(TSC),
            "--noEmit",
            "--strict",
            "--skipLibCheck",  # the client's own sources need Node's types; only our values are checked
            "--moduleResolution",
            "node",
            "--module",
            "commonjs",
            "--target",
            "es2020",
            "--typeRoots",
            str(ROOT / "node_modules" / "@types"),
            "--baseUrl",
            str(ROOT / "node_modules"),
            str(checked),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def recorded() -> RecordingClient:
    return recorded_requests()


def test_every_kind_of_request_was_recorded(recorded):
    assert len(recorded.created) == 1
    assert [len(bulk) for bulk in recorded.bulks] == [2, 1]  # index: action + document; delete: action
    assert len(recorded.searches) == len(ArticleSort) * 8


def test_the_adapters_requests_match_the_opensearch_api_specification(recorded, tmp_path):
    result = type_check(typescript(recorded), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_check_refuses_requests_the_specification_does_not_allow(recorded, tmp_path):
    # The same bodies with one mistake each: the check must name every one.
    wrong = RecordingClient()
    wrong.created = [json.loads(json.dumps(recorded.created[0]).replace('"long"', '"longg"', 1))]
    search = json.loads(json.dumps(recorded.searches[-1]))
    search["track_total_hitz"] = True
    operator = json.loads(json.dumps(recorded.searches[-1]).replace('"AND"', '"ALL"'))
    wrong.searches = [search, operator]
    wrong.bulks = [[{"indexx": {"_id": "e1"}}]]
    result = type_check(typescript(wrong), tmp_path)
    output = result.stdout
    assert result.returncode != 0
    assert "'\"longg\"' is not assignable" in output, output
    assert "'\"track_total_hitz\"' does not exist" in output, output
    assert "'\"ALL\"' is not assignable" in output, output
    assert "'\"indexx\"' does not exist" in output, output
