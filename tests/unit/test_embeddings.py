"""The embedding providers, the cosine ranking, the candidate cache and the pipeline's filter and retry policy,
without any service: the OpenAI provider talks to a mock transport, never to the network."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import numpy as np
import pytest
from devdevdev.embeddings import (
    EmbeddingFailed,
    EmbeddingProvider,
    EmbeddingThrottled,
    EmbeddingTimeout,
    EmbeddingUnavailable,
    create_provider,
)
from devdevdev.embeddings.offline import DIMENSIONS, MODEL, OfflineEmbeddings, normalise
from devdevdev.embeddings.pipeline import (
    RETRY_ERRORS,
    RETRY_MAX_ATTEMPTS,
    STREAM_FILTER,
    matches,
    retry_delays,
    run_execution,
    selected,
)
from devdevdev.embeddings.similarity import CandidateCache, Candidates, rank
from devdevdev.settings import Settings
from devdevdev.store.embeddings import from_bytes, title_hash, to_bytes

# The offline provider ---------------------------------------------------------------------------------------------


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_offline_vectors_are_unit_float32_and_deterministic():
    provider = OfflineEmbeddings()
    [first, again] = provider.embed(["쏘영님 일본 진짜 부럽다", "쏘영님 일본 진짜 부럽다"])
    assert first.dtype == np.float32 and first.shape == (DIMENSIONS,)
    assert abs(float(np.linalg.norm(first)) - 1) < 1e-6
    assert np.array_equal(first, again)
    assert provider.model == MODEL


def test_offline_similar_korean_titles_are_close_and_unrelated_ones_are_not():
    provider = OfflineEmbeddings()
    target, variant, spelled, unrelated = provider.embed(
        [
            "쏘영님 일본 진짜 부럽다",
            "소영님 일본 부럽다.",
            "쏘영쏘 일본 진짜 대박 짱 부럽다!!!",
            "탭 vs 스페이스, 들여쓰기는 무엇으로?",
        ]
    )
    assert cosine(target, variant) > 0.5
    assert cosine(target, spelled) > 0.5
    assert cosine(target, unrelated) < 0.15


def test_offline_particles_and_punctuation_barely_matter():
    provider = OfflineEmbeddings()
    bare, with_particles = provider.embed(["Kotlin Java 백엔드", "Kotlin과 Java, 백엔드에서!"])
    assert cosine(bare, with_particles) > 0.6
    assert normalise("Svelte VS React!!") == ["svelte", "react"]  # "vs" joins every poll's sides


def test_offline_titles_of_symbols_only_still_get_a_vector():
    [vector] = OfflineEmbeddings().embed(["!!!"])
    assert float(np.linalg.norm(vector)) == pytest.approx(1)


def test_vectors_are_stored_as_float32_bytes():
    vector = np.asarray([0.5, -1.25, 3.0], dtype=np.float32)
    assert to_bytes(vector) == vector.astype("<f4").tobytes() and len(to_bytes(vector)) == 12
    assert np.array_equal(from_bytes(to_bytes(vector)), vector)
    assert title_hash("제목") == title_hash("제목") != title_hash("제목 ")


# The OpenAI provider, on a mock transport -------------------------------------------------------------------------


def openai_provider(handler) -> EmbeddingProvider:
    import openai
    from devdevdev.embeddings.openai import OpenAIEmbeddings

    client = openai.OpenAI(
        api_key="sk-test", max_retries=0, http_client=httpx2.Client(transport=httpx2.MockTransport(handler))
    )
    return OpenAIEmbeddings("sk-test", "text-embedding-3-small", 5.0, client=client)


def test_openai_sends_the_titles_and_returns_their_vectors_in_order():
    seen: dict[str, Any] = {}

    def handler(request):
        seen["url"], seen["body"] = str(request.url), json.loads(request.content)
        data = [
            {"object": "embedding", "index": 1, "embedding": [0.0, 1.0]},
            {"object": "embedding", "index": 0, "embedding": [1.0, 0.0]},
        ]
        usage = {"prompt_tokens": 4, "total_tokens": 4}
        payload = {"object": "list", "data": data, "model": "text-embedding-3-small", "usage": usage}
        return httpx2.Response(200, json=payload)

    first, second = openai_provider(handler).embed(["첫 제목", "둘째 제목"])
    assert seen["url"].endswith("/embeddings")
    assert seen["body"]["model"] == "text-embedding-3-small" and seen["body"]["input"] == ["첫 제목", "둘째 제목"]
    assert first.tolist() == [1.0, 0.0] and second.tolist() == [0.0, 1.0] and first.dtype == np.float32


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (lambda request: httpx2.Response(429, json={"error": {"message": "Rate limit reached"}}), EmbeddingThrottled),
        (lambda request: (_ for _ in ()).throw(httpx2.ReadTimeout("slow", request=request)), EmbeddingTimeout),
        (lambda request: (_ for _ in ()).throw(httpx2.ConnectError("refused", request=request)), EmbeddingUnavailable),
        (lambda request: httpx2.Response(500, json={"error": {"message": "oops"}}), EmbeddingUnavailable),
        (lambda request: httpx2.Response(401, json={"error": {"message": "bad key"}}), EmbeddingFailed),
    ],
)
def test_openai_errors_become_the_ports(answer, expected):
    with pytest.raises(expected):
        openai_provider(answer).embed(["제목"])


def test_the_settings_choose_the_provider():
    offline = Settings.from_env({"STAGE": "test"})
    assert offline.embedding_provider == "offline" and offline.embedding_model == "text-embedding-3-small"
    assert isinstance(create_provider(offline), OfflineEmbeddings)
    with_key = Settings.from_env({"STAGE": "test", "EMBEDDING_PROVIDER": "openai", "OPENAI_API_KEY": "sk-x"})
    provider = create_provider(with_key)
    assert provider.model == "text-embedding-3-small"
    assert "sk-x" not in repr(with_key)
    with pytest.raises(ValueError, match="OPENAI_API_KEY"):
        create_provider(Settings.from_env({"STAGE": "test", "EMBEDDING_PROVIDER": "openai"}))
    with pytest.raises(ValueError):
        Settings.from_env({"STAGE": "test", "EMBEDDING_PROVIDER": "bert"})


# Cosine ranking and the candidate cache ---------------------------------------------------------------------------


def test_rank_is_cosine_best_first_without_the_target_and_ties_by_newer_id():
    ids = np.asarray([1, 2, 3, 4, 5], dtype=np.int64)
    rows = np.asarray([[1, 0], [3, 4], [0, 1], [1, 1], [2, 2]], dtype=np.float32)  # 4 and 5 point the same way
    unit = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    ranked = rank(ids, unit, np.asarray([1.0, 1.0], dtype=np.float32), exclude=3, k=3)
    assert [i for i, _ in ranked] == [5, 4, 2]
    assert ranked[0][1] == pytest.approx(1.0) and ranked[2][1] == pytest.approx(7 / (5 * 2**0.5))
    assert [i for i, _ in rank(ids, unit, np.asarray([1.0, 0.0]), exclude=None, k=10)][:1] == [1]
    assert rank(ids[:0], unit[:0], np.asarray([1.0, 0.0]), exclude=None, k=3) == []
    assert rank(ids, unit, np.zeros(2), exclude=None, k=3) == []  # no direction: nothing is similar


def test_candidates_compare_only_vectors_of_the_same_model_and_length():
    rows = [
        (1, "a", to_bytes(np.asarray([1, 0], dtype=np.float32))),
        (2, "a", to_bytes(np.asarray([0, 1], dtype=np.float32))),
        (3, "b", to_bytes(np.asarray([1, 0, 0], dtype=np.float32))),
        (4, "a", to_bytes(np.asarray([1, 0, 0], dtype=np.float32))),  # a different length: left out
    ]
    candidates = Candidates.build(7, rows)
    assert candidates.size == 3
    assert candidates.most_similar("a", np.asarray([1.0, 0.1]), exclude=99, k=3)[0][0] == 1
    assert candidates.most_similar("b", np.asarray([1.0, 0.0, 0.0]), exclude=3, k=3) == []
    assert candidates.most_similar("c", np.asarray([1.0]), exclude=1, k=3) == []


def test_the_cache_loads_once_per_version():
    loads = []

    def load():
        loads.append(1)
        return [(1, "a", to_bytes(np.asarray([1, 0], dtype=np.float32)))]

    cache = CandidateCache()
    first = cache.get(1, load)
    assert cache.get(1, load) is first and len(loads) == 1
    assert cache.get(2, load) is not first and len(loads) == 2 and cache.rebuilds == 2


# The pipeline: the Pipe's filter and the state machine's retries --------------------------------------------------


def record(event_name: str, sk: str, pk: str = "PICK#7") -> dict:
    return {"eventName": event_name, "dynamodb": {"Keys": {"PK": {"S": pk}, "SK": {"S": sk}}}}


def test_the_filter_passes_only_new_embedding_requests():
    assert matches(STREAM_FILTER, record("INSERT", "EMBEDDING_REQUEST#0000000000"))
    assert not matches(STREAM_FILTER, record("MODIFY", "EMBEDDING_REQUEST#0000000000"))  # a recorded failure
    assert not matches(STREAM_FILTER, record("REMOVE", "EMBEDDING_REQUEST#0000000000"))  # answered
    assert not matches(STREAM_FILTER, record("MODIFY", "PICK"))  # a vote, a view, a comment
    assert not matches(STREAM_FILTER, record("INSERT", "EMBEDDING"))  # the embedding itself
    assert not matches(STREAM_FILTER, record("INSERT", "VOTE#M1"))
    assert not matches(STREAM_FILTER, {"eventName": "INSERT"})
    assert len(selected([record("INSERT", "EMBEDDING_REQUEST#1"), record("MODIFY", "PICK")])) == 1


def test_the_filter_matcher_knows_exists_and_refuses_what_it_does_not_know():
    assert matches({"a": [{"exists": False}]}, {"b": 1}) and not matches({"a": [{"exists": False}]}, {"a": 1})
    with pytest.raises(ValueError):
        matches({"a": [{"anything-but": ["x"]}]}, {"a": "y"})


def test_the_retry_policy_waits_longer_each_time():
    assert retry_delays() == [2, 4, 8, 16, 32] and len(retry_delays()) == RETRY_MAX_ATTEMPTS
    assert {"EmbeddingThrottled", "EmbeddingTimeout", "Lambda.TooManyRequestsException", "States.Timeout"} <= set(
        RETRY_ERRORS
    )


def test_an_execution_retries_throttling_then_succeeds():
    waits: list[float] = []
    calls: list[dict[str, Any]] = []

    def task(event, context):
        calls.append(event)
        if len(calls) < 3:
            raise EmbeddingThrottled("429")
        return {"embedded": [7]}

    output = run_execution({"pickId": 7}, task, lambda e, c: pytest.fail("not a failure"), sleep=waits.append)
    assert output == {"embedded": [7]} and waits == [2, 4]


def test_an_execution_that_keeps_failing_is_caught_with_its_error():
    waits: list[float] = []

    def task(event, context):
        raise EmbeddingTimeout("read timed out")

    output = run_execution({"pickId": 7}, task, lambda event, context: event, sleep=waits.append)
    assert waits == retry_delays()
    assert output["pickId"] == 7 and output["error"]["Error"] == "EmbeddingTimeout"
    assert json.loads(output["error"]["Cause"]) == {"errorMessage": "read timed out", "errorType": "EmbeddingTimeout"}


def test_an_error_not_worth_retrying_is_caught_at_once():
    waits: list[float] = []

    def task(event, context):
        raise EmbeddingFailed("401 bad key")

    output = run_execution({"pickId": 7}, task, lambda event, context: event, sleep=waits.append)
    assert waits == [] and output["error"]["Error"] == "EmbeddingFailed"
