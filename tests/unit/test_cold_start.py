"""Cold starts: each Lambda entry point, imported in a fresh interpreter with the environment it gets in AWS, loads
only what its routes need (docs/decisions.md, "Cold starts"); and a small run of ``bench/cold_start.py``."""

from __future__ import annotations

import json
import math

import pytest

from bench import cold_start
from bench.cold_start import FUNCTIONS, forbidden_loaded, lambda_env

# Never at any function's import: a validation library, vectors, the providers and engines of one route each, the
# JWT library (loaded by the first bearer token), and boto3's sessions (the table's client is botocore's).
EVERYWHERE = ("pydantic", "pydantic_core", "numpy", "openai", "opensearchpy", "tantivy", "jwt", "cryptography")
NOT_HTTP = ("aws_lambda_powertools.event_handler", "devdevdev.api.app", "python_multipart")
STORES = {name: f"devdevdev.store.{name}" for name in ("articles", "comments", "notifications", "picks", "pick_images")}
# What each function must not load at import, besides EVERYWHERE.
FORBIDDEN = {
    "auth": ("boto3", *STORES.values()),
    "picks": ("boto3", STORES["articles"], STORES["notifications"]),
    "picks.embed": ("boto3", *NOT_HTTP, STORES["articles"], STORES["notifications"], STORES["pick_images"]),
    "articles": ("boto3", STORES["comments"], STORES["notifications"], STORES["picks"], STORES["pick_images"]),
    # The stream's records are turned into items with boto3's deserializer.
    "articles.indexer": (*NOT_HTTP, "pynamodb", *STORES.values()),
    "comments": ("boto3", STORES["pick_images"]),
    "mypage": ("boto3",),
    "notifications": ("boto3", STORES["comments"], STORES["picks"], STORES["pick_images"]),
    "notifications.worker": ("boto3", *NOT_HTTP, STORES["comments"], STORES["picks"], STORES["pick_images"]),
    "notifications.websocket": ("boto3", *NOT_HTTP, STORES["comments"], STORES["picks"], STORES["pick_images"]),
}


def test_every_function_of_the_stack_is_checked():
    assert {f.name for f in FUNCTIONS} == set(FORBIDDEN)
    handlers = {(f.module.split(".")[1], f.module.split(".")[2]) for f in FUNCTIONS}
    # infra/stack.py's handlers: each group's handler.py, and the live channel's, the embed step's and the indexer's
    assert handlers == {
        *((group, "handler") for group in ("auth", "picks", "articles", "comments", "mypage", "notifications")),
        ("picks", "embed"),
        ("articles", "indexer"),
        ("notifications", "worker"),
        ("notifications", "websocket"),
    }


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.name)
def test_a_function_imports_only_what_its_routes_use(function):
    forbidden = EVERYWHERE + FORBIDDEN[function.name]
    assert forbidden_loaded(function.module, forbidden, lambda_env(function)) == []


def test_the_runtime_builds_nothing_at_import():
    assert forbidden_loaded("devdevdev.runtime", ("pynamodb", "botocore", "devdevdev.store", "devdevdev.auth")) == []


def test_the_check_sees_a_module_that_is_loaded():
    assert forbidden_loaded("functions.picks.handler", ("numpy", "aws_lambda_powertools.event_handler")) == [
        "aws_lambda_powertools.event_handler"
    ]
    assert forbidden_loaded("devdevdev.embeddings.similarity", ("numpy",)) == ["numpy"]


def test_a_small_run_of_the_benchmark(tmp_path, monkeypatch):
    monkeypatch.setattr(cold_start, "results_dir", lambda: tmp_path)
    picks = next(f for f in FUNCTIONS if f.name == "picks")
    cold_start.run(functions=(picks,), rounds=1)
    written = json.loads((tmp_path / "cold_start.json").read_text())
    assert written["rounds"] == 1 and written["goal"] == cold_start.GOAL
    assert list(written["functions"]) == ["picks"]
    row = written["functions"]["picks"]
    assert row["module"] == "functions.picks.handler"
    assert math.isclose(row["ratio"], row["median_seconds"] / written["baseline_seconds"])
    assert written["baseline_seconds"] > 0 and row["median_seconds"] > 0
