"""GET /picks/{pickId}/similarties (나도 고민 했는데 픽픽픽) and the embedding pipeline behind it, on the local stack:
DynamoDB Local's stream → the Pipe's filter → the state machine's retries → functions/picks/embed.py, with the
offline provider (or a failing one put in its place)."""

from __future__ import annotations

import pytest

from tests.conftest import BASE, bearer, fail, tokens

pytestmark = pytest.mark.integration

JAVA_KOTLIN = [
    "Java vs Kotlin 백엔드 언어 선택",
    "백엔드 언어로 Kotlin을 쓸까 Java를 쓸까",
    "Kotlin과 Java 중 백엔드에 좋은 언어는?",
    "Java와 Kotlin, 백엔드 개발 언어 고민",
]
UNRELATED = "점심 메뉴 짜장면 vs 짬뽕"
ANON = {"Anonymous-Member-Id": "GA1.1.276672604.1715872960"}


def pick_body(title: str) -> dict:
    return {
        "pickTitle": title,
        "pickOptions": {
            "firstPickOption": {"pickOptionTitle": "첫째", "pickOptionContent": None, "pickOptionImageIds": []},
            "secondPickOption": {"pickOptionTitle": "둘째", "pickOptionContent": None, "pickOptionImageIds": []},
        },
    }


def create(client, token: str, title: str) -> int:
    response = client.post(f"{BASE}/picks", headers=bearer(token), json=pick_body(title))
    assert response.status_code == 200, response.text
    return response.json()["data"]["pickId"]


def similar(client, pick_id, headers=None):
    return client.get(f"{BASE}/picks/{pick_id}/similarties", headers=headers or {})


class CountingProvider:
    """The offline provider, counting the titles it is asked to embed."""

    def __init__(self) -> None:
        from devdevdev.embeddings.offline import OfflineEmbeddings

        self._offline = OfflineEmbeddings()
        self.model = self._offline.model
        self.titles: list[str] = []

    def embed(self, texts):
        self.titles += list(texts)
        return self._offline.embed(texts)


class ThrottledProvider:
    """A provider that is always throttled, as OpenAI's 429."""

    model = "offline-ngram-v1"

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts):
        from devdevdev.embeddings import EmbeddingThrottled

        self.calls += 1
        raise EmbeddingThrottled("429 Too Many Requests")


@pytest.fixture
def user(client) -> str:
    return tokens(client)["accessToken"]


def test_the_similar_picks_of_one_of_four_on_a_topic_are_the_other_three(client, user):
    # Given four picks about one topic and one unrelated pick, created as a user creates them
    topic = [create(client, user, title) for title in JAVA_KOTLIN]
    unrelated = create(client, user, UNRELATED)
    # When anyone asks for the picks similar to the first
    response = similar(client, topic[0], ANON)
    # Then the answer is the other three, most similar first, in the contract's shape
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["resultType", "datas"] and body["resultType"] == "SUCCESS"
    datas = body["datas"]
    assert {d["id"] for d in datas} == set(topic[1:])
    assert unrelated not in {d["id"] for d in datas}
    for item in datas:
        assert list(item) == ["id", "title", "voteTotalCount", "commentTotalCount", "similarity"]
        assert isinstance(item["similarity"], float) and 0 < item["similarity"] <= 1
    assert [d["similarity"] for d in datas] == sorted((d["similarity"] for d in datas), reverse=True)
    assert datas[0] | {"similarity": 0} == {
        "id": datas[0]["id"],
        "title": JAVA_KOTLIN[topic.index(datas[0]["id"])],
        "voteTotalCount": 0,
        "commentTotalCount": 0,
        "similarity": 0,
    }
    # And the unrelated pick's similar picks are not the topic's best matches for it: it is no one's twin
    assert similar(client, unrelated).status_code == 200


def test_members_and_guests_without_a_header_may_ask(client, user):
    pick_id = create(client, user, JAVA_KOTLIN[0])
    assert similar(client, pick_id, bearer(user)).status_code == 200
    assert similar(client, pick_id).status_code == 200


def test_counters_are_current_and_votes_do_not_start_the_pipeline(client, seeded, user):
    counting = CountingProvider()
    seeded.embedding_provider = counting
    first, second = create(client, user, JAVA_KOTLIN[0]), create(client, user, JAVA_KOTLIN[1])
    assert similar(client, first).status_code == 200
    assert set(JAVA_KOTLIN[:2]) <= set(counting.titles)  # with the demo picks, embedded on the first drain
    embedded = len(counting.titles)
    # When people view and vote on the second pick
    detail = client.get(f"{BASE}/picks/{second}", headers=bearer(user)).json()["data"]
    option = detail["pickOptions"]["firstPickOption"]["id"]
    voted = client.post(f"{BASE}/picks/vote", headers=ANON, json={"pickId": second, "pickOptionId": option})
    assert voted.status_code == 200
    # Then its similar entry shows the new vote, and nothing was embedded again
    datas = similar(client, first).json()["datas"]
    assert {d["id"]: d["voteTotalCount"] for d in datas}[second] == 1
    assert len(counting.titles) == embedded


def test_a_new_title_is_embedded_again(client, user):
    topic = [create(client, user, title) for title in JAVA_KOTLIN]
    lunch = create(client, user, UNRELATED)
    other_lunch = create(client, user, "오늘 점심 메뉴는 짜장면? 짬뽕?")
    assert similar(client, lunch).json()["datas"][0]["id"] == other_lunch
    # When the author retitles the fourth Java pick as a lunch question
    detail = client.get(f"{BASE}/picks/{topic[3]}", headers=bearer(user)).json()["data"]["pickOptions"]
    body = pick_body("점심 메뉴로 짬뽕 vs 짜장면 골라주세요")
    for option_type in ("firstPickOption", "secondPickOption"):
        body["pickOptions"][option_type]["pickOptionId"] = detail[option_type]["id"]
    assert client.patch(f"{BASE}/picks/{topic[3]}", headers=bearer(user), json=body).status_code == 200
    # Then it is among the lunch picks, and no longer among the Java ones
    assert topic[3] in {d["id"] for d in similar(client, lunch).json()["datas"][:2]}
    assert topic[3] not in {d["id"] for d in similar(client, topic[0]).json()["datas"]}


def test_errors_are_the_contracts(client, user):
    admin = tokens(client, "admin")["accessToken"]
    # A pick that does not exist
    response = similar(client, 999)
    assert (response.status_code, response.json()) == (404, fail("픽픽픽 게시글이 없습니다.", 404))
    # A pick that is not APPROVAL
    rejected = create(client, user, JAVA_KOTLIN[0])
    status = client.patch(f"{BASE}/picks/{rejected}/status", headers=bearer(admin), json={"contentStatus": "REJECT"})
    assert status.status_code == 200
    response = similar(client, rejected)
    assert (response.status_code, response.json()) == (
        400,
        fail("픽픽픽 게시글 상태가 승인 상태가 아닙니다. 관리자에게 문의하세요.", 400),
    )
    # A pick id that is not a number: the same 400 as the other pick routes
    for bad in ("abc", "0", "-1", "1.5"):
        response = similar(client, bad)
        assert response.status_code == 400, bad
        assert response.json() == client.get(f"{BASE}/picks/{bad}", headers=ANON).json()


def test_a_rejected_or_deleted_pick_leaves_the_candidates(client, user):
    admin = tokens(client, "admin")["accessToken"]
    topic = [create(client, user, title) for title in JAVA_KOTLIN]
    assert {d["id"] for d in similar(client, topic[0]).json()["datas"]} == set(topic[1:])
    client.patch(f"{BASE}/picks/{topic[1]}/status", headers=bearer(admin), json={"contentStatus": "REJECT"})
    assert client.delete(f"{BASE}/picks/{topic[2]}", headers=bearer(user)).status_code == 200
    ids = [d["id"] for d in similar(client, topic[0]).json()["datas"]]
    assert topic[3] in ids and topic[1] not in ids and topic[2] not in ids
    # Approved again, it is a candidate again
    client.patch(f"{BASE}/picks/{topic[1]}/status", headers=bearer(admin), json={"contentStatus": "APPROVAL"})
    assert topic[1] in {d["id"] for d in similar(client, topic[0]).json()["datas"]}


def test_the_cached_candidates_are_rebuilt_only_when_an_embedding_changes(client, seeded, user):
    topic = [create(client, user, title) for title in JAVA_KOTLIN[:3]]
    similar(client, topic[0])
    rebuilds = seeded.candidate_cache.rebuilds
    similar(client, topic[1])
    similar(client, topic[2])
    assert seeded.candidate_cache.rebuilds == rebuilds
    create(client, user, JAVA_KOTLIN[3])
    assert len(similar(client, topic[0]).json()["datas"]) == 3
    assert seeded.candidate_cache.rebuilds == rebuilds + 1


def test_a_failed_embedding_answers_503_and_the_backfill_repairs_it(client, seeded, user):
    from devdevdev.embeddings.offline import OfflineEmbeddings
    from devdevdev.embeddings.pipeline import RETRY_MAX_ATTEMPTS
    from devdevdev.services.similar_picks import backfill

    topic = [create(client, user, title) for title in JAVA_KOTLIN[:3]]
    assert similar(client, topic[0]).status_code == 200
    # Given OpenAI throttling every call while a new pick is created
    throttled = ThrottledProvider()
    seeded.embedding_provider = throttled
    failed = create(client, user, JAVA_KOTLIN[3])
    # When its similar picks are asked for (the pipeline has run: first try, every retry, then the catch)
    response = similar(client, failed)
    # Then the answer is the contract's 503, and the failure is recorded on the pick's request
    assert (response.status_code, response.json()) == (500, fail("일시적으로 오류가 발생했습니다.", 503))
    assert throttled.calls == 1 + RETRY_MAX_ATTEMPTS
    [request] = seeded.embeddings.requests_of(failed)
    assert request.error == "EmbeddingThrottled" and request.failures == 1 and "429" in request.cause
    # And the other picks do not see it
    assert failed not in {d["id"] for d in similar(client, topic[0]).json()["datas"]}
    # When the operator runs the backfill once OpenAI answers again
    seeded.embedding_provider = OfflineEmbeddings()
    report = backfill(seeded, seeded.embedding_provider)
    assert report.summary.embedded == [failed] and not report.failed
    # Then the pick answers, and is among the others' similar picks
    assert {d["id"] for d in similar(client, failed).json()["datas"]} == set(topic)
    assert failed in {d["id"] for d in similar(client, topic[0]).json()["datas"]}
    assert seeded.embeddings.requests_of(failed) == []
    # And a second backfill finds nothing to do
    assert backfill(seeded, seeded.embedding_provider).found == []


# The embed steps as Step Functions calls them ---------------------------------------------------------------------


def test_the_embed_steps_skip_a_deleted_pick_and_never_raise_for_it(client, seeded, user):
    from functions.picks.embed import failure_handler, lambda_handler

    pick_id = create(client, user, JAVA_KOTLIN[0])
    assert similar(client, pick_id).status_code == 200  # embedded through the stream
    assert lambda_handler({"pickId": pick_id}, None) == {
        "pickIds": [pick_id],
        "embedded": [],
        "unchanged": [pick_id],
        "missing": [],
    }
    assert client.delete(f"{BASE}/picks/{pick_id}", headers=bearer(user)).status_code == 200
    assert lambda_handler({"pickId": pick_id}, None)["missing"] == [pick_id]
    record = {"eventName": "INSERT", "dynamodb": {"Keys": {"PK": {"S": f"PICK#{pick_id}"}, "SK": {"S": "X"}}}}
    failed = failure_handler({"records": [record], "error": {"Error": "EmbeddingTimeout", "Cause": "{}"}}, None)
    assert failed == {"pickIds": [pick_id], "error": "EmbeddingTimeout", "recorded": {str(pick_id): 0}}


def test_the_backfill_command_embeds_picks_older_than_the_pipeline(client, seeded, settings_env, user):
    import os
    import subprocess
    import sys
    from pathlib import Path

    from devdevdev.store import keys
    from devdevdev.store.models import PickEmbeddingItem

    topic = [create(client, user, title) for title in JAVA_KOTLIN]
    assert similar(client, topic[0]).status_code == 200
    # Given a pick whose embedding is gone (as picks made before the pipeline existed)
    PickEmbeddingItem(*keys.pick_embedding(topic[1])).delete()
    assert similar(client, topic[1]).status_code == 500
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, **settings_env, "PYTHONPATH": f"{root / 'layers/shared'}:{root}"}

    def backfill(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "scripts/backfill_embeddings.py", *args],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    listed = backfill("--dry-run")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() == f"1 pick(s) to embed with offline-ngram-v1: [{topic[1]}]"
    done = backfill()
    assert done.returncode == 0, done.stderr
    assert "embedded 1 with offline-ngram-v1" in done.stdout
    assert {d["id"] for d in similar(client, topic[1]).json()["datas"]} == {topic[0], topic[2], topic[3]}


def test_the_similar_picks_benchmark_runs_and_a_warm_instance_reads_no_candidates():
    from bench.similar_picks import run

    result = run(candidate_counts=(8, 20), repeats=3, openai_sized=False)
    assert [c["candidates"] for c in result["cases"]] == [8, 20]
    for case in result["cases"]:
        assert case["cold"]["requests_per_call"]["Query"] == 1.0
        assert "Query" not in case["warm"]["requests_per_call"] and "Scan" not in case["warm"]["requests_per_call"]
        assert case["warm"]["requests_per_call"]["BatchGetItem"] == 1.0


def test_only_a_new_title_passes_the_pipes_filter_on_the_real_stream(client, seeded, user):
    from devdevdev.embeddings.pipeline import selected

    from infra.local.streams import StreamPump

    settings = seeded.settings
    seen: list[dict] = []
    recorder = StreamPump(settings.dynamodb_endpoint, settings.table_name, settings.region, seen.extend)

    def passed_since_last_look() -> list[tuple[str, str, str]]:
        seen.clear()
        recorder.drain()
        return [
            (r["eventName"], r["dynamodb"]["Keys"]["PK"]["S"], r["dynamodb"]["Keys"]["SK"]["S"]) for r in selected(seen)
        ]

    recorder.drain()
    # Creating a pick passes one record: its embedding request
    pick_id = create(client, user, JAVA_KOTLIN[0])
    assert passed_since_last_look() == [("INSERT", f"PICK#{pick_id}", "EMBEDDING_REQUEST#0000000000")]
    # Embedding it (the stored vector, the answered request) passes nothing
    assert similar(client, pick_id).status_code == 200
    assert passed_since_last_look() == []
    assert any(r["dynamodb"]["Keys"]["SK"]["S"] == "EMBEDDING" for r in seen)
    # Views, votes and comments change the pick item and pass nothing
    detail = client.get(f"{BASE}/picks/{pick_id}", headers=bearer(user)).json()["data"]
    option = detail["pickOptions"]["firstPickOption"]["id"]
    assert (
        client.post(f"{BASE}/picks/vote", headers=ANON, json={"pickId": pick_id, "pickOptionId": option}).status_code
        == 200
    )
    comment = {"contents": "고민되네요", "isPickVotePublic": False}
    assert client.post(f"{BASE}/picks/{pick_id}/comments", headers=bearer(user), json=comment).status_code == 200
    assert passed_since_last_look() == []
    assert any(r["dynamodb"]["Keys"]["SK"]["S"] == "PICK" and r["eventName"] == "MODIFY" for r in seen)
    # A new title passes one record again
    options = detail["pickOptions"]
    body = pick_body(JAVA_KOTLIN[1])
    for option_type in ("firstPickOption", "secondPickOption"):
        body["pickOptions"][option_type]["pickOptionId"] = options[option_type]["id"]
    assert client.patch(f"{BASE}/picks/{pick_id}", headers=bearer(user), json=body).status_code == 200
    assert passed_since_last_look() == [("INSERT", f"PICK#{pick_id}", "EMBEDDING_REQUEST#0000000001")]
    # The same title again passes nothing
    assert client.patch(f"{BASE}/picks/{pick_id}", headers=bearer(user), json=body).status_code == 200
    assert passed_since_last_look() == []
