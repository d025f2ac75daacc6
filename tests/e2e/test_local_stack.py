"""`make run`'s program as a user runs it: real processes, real HTTP, Ctrl-C, restart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from infra.local.services import free_port

ROOT = Path(__file__).resolve().parents[2]
BASE = "/devdevdev/api/v1"


def endpoints_file(data_dir: Path) -> Path:
    """Where the stack started on ``data_dir`` says where its services are (not the repository's .local/)."""
    return data_dir.parent / "endpoints.json"


def start(port: int, data_dir: Path) -> subprocess.Popen:
    env = dict(
        os.environ,
        PORT=str(port),
        LOCAL_DATA_DIR=str(data_dir),
        LOCAL_ENDPOINTS_FILE=str(endpoints_file(data_dir)),
        PYTHONPATH=f"{ROOT / 'layers/shared'}:{ROOT}",
    )
    env.pop("STAGE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local.run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the local stack exited early:\n{process.stdout.read() if process.stdout else ''}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{BASE}/token/test/user", timeout=1)
            return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    process.kill()
    pytest.fail("the local stack did not answer within 90 s")


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    return output


def processes_mentioning(text: str) -> list[str]:
    """The command lines in the process table that contain ``text`` (DynamoDB Local's runs ``-dbPath <its dir>``)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # the process ended meanwhile
            continue
        if text in command:
            found.append(command)
    return found


def test_the_process_check_sees_a_running_process(tmp_path):
    """The "left running" check can fail: it finds a process by a path on its command line."""
    marker = str(tmp_path / "ddb")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", marker])
    try:
        assert len(processes_mentioning(marker)) == 1
    finally:
        sleeper.kill()
        sleeper.wait()
    assert processes_mentioning(marker) == []


def call(port: int, method: str, path: str, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{BASE}{path}", method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_run_serves_the_demo_refuses_a_busy_port_stops_cleanly_and_keeps_data(tmp_path):
    port = free_port()
    first = start(port, tmp_path / "ddb")
    try:
        status, body = call(port, "GET", "/token/test/user")
        assert status == 200 and set(body["data"]) == {"accessToken", "refreshToken"}
        refresh = body["data"]["refreshToken"]
        assert call(port, "POST", "/logout", {"Authorization": f"Bearer {body['data']['accessToken']}"})[0] == 200

        second = subprocess.run(
            [sys.executable, "-m", "infra.local.run"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            env=dict(os.environ, PORT=str(port), PYTHONPATH=f"{ROOT / 'layers/shared'}:{ROOT}"),
        )
        assert second.returncode == 1
        assert f"Port {port} on 127.0.0.1 is busy" in second.stderr
    finally:
        output = stop(first)
    assert "devdevdev local stack stopped." in output
    assert "Could not connect" not in output, output  # the pumps stop before the services they follow
    assert first.returncode == 0
    assert processes_mentioning(str(tmp_path / "ddb")) == [], "DynamoDB Local left running"

    restarted = start(port, tmp_path / "ddb")
    try:
        # The logout of the first run is remembered: its refresh token stays revoked.
        status, body = call(port, "POST", "/token/refresh", {"Cookie": f"DEVDEVDEV_REFRESH_TOKEN={refresh}"})
        assert (status, body["message"]) == (401, "유효하지 않은 리프레시 토큰 입니다.")
    finally:
        stop(restarted)


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_a_new_user_creates_a_pick_with_images_and_people_vote(tmp_path):
    """Issue 3's "done when", as a user of `make run` would try it."""
    import httpx

    port = free_port()
    stack = start(port, tmp_path / "ddb")
    try:
        api = httpx.Client(base_url=f"http://127.0.0.1:{port}{BASE}", timeout=15)
        member = {"Authorization": f"Bearer {api.get('/token/test/user').json()['data']['accessToken']}"}
        visitor = {"Anonymous-Member-Id": "GA1.1.276672604.1715872960"}
        # A member uploads two images and creates a pick with them
        images = []
        for name, file_name in (("firstPickOptionImage", "svelte.png"), ("secondPickOptionImage", "react.png")):
            response = api.post(
                "/picks/image",
                params={"name": name},
                files={"pickOptionImages": (file_name, PNG, "image/png")},
                headers=member,
            )
            assert response.status_code == 200, response.text
            images.append(response.json()["data"]["pickOptionImages"][0])
        assert httpx.get(images[0]["imageUrl"]).content == PNG  # the browser can show it
        body = {
            "pickTitle": "Svelte VS React",
            "pickOptions": {
                "firstPickOption": {
                    "pickOptionTitle": "Svelte",
                    "pickOptionImageIds": [images[0]["pickOptionImageId"]],
                },
                "secondPickOption": {
                    "pickOptionTitle": "React",
                    "pickOptionImageIds": [images[1]["pickOptionImageId"]],
                },
            },
        }
        pick_id = api.post("/picks", json=body, headers=member).json()["data"]["pickId"]
        # It appears in all four sorts
        for sort in ("LATEST", "POPULAR", "MOST_VIEWED", "MOST_COMMENTED"):
            listed = api.get("/picks", params={"pickSort": sort, "size": 100}, headers=visitor).json()["data"][
                "content"
            ]
            assert pick_id in [item["id"] for item in listed], sort
        detail = api.get(f"/picks/{pick_id}", headers=visitor).json()["data"]["pickOptions"]
        first, second = detail["firstPickOption"]["id"], detail["secondPickOption"]["id"]
        assert detail["firstPickOption"]["pickDetailOptionImages"][0]["imageUrl"] == images[0]["imageUrl"]
        # A visitor and the member vote; the member switches
        assert (
            api.post("/picks/vote", json={"pickId": str(pick_id), "pickOptionId": first}, headers=visitor).status_code
            == 200
        )
        assert (
            api.post("/picks/vote", json={"pickId": str(pick_id), "pickOptionId": first}, headers=member).status_code
            == 200
        )
        result = api.post("/picks/vote", json={"pickId": str(pick_id), "pickOptionId": second}, headers=member).json()
        assert [(o["voteTotalCount"], o["percent"], o["isPicked"]) for o in result["data"]["votePickOptions"]] == [
            (1, 50, False),
            (1, 50, True),
        ]
        # Deleting the pick removes it everywhere, images included
        assert api.delete(f"/picks/{pick_id}", headers=member).json() == {"resultType": "SUCCESS"}
        assert api.get(f"/picks/{pick_id}", headers=visitor).status_code == 404
        assert pick_id not in [
            item["id"] for item in api.get("/picks", params={"size": 100}, headers=visitor).json()["data"]["content"]
        ]
        assert [httpx.get(image["imageUrl"]).status_code for image in images] == [404, 404]
    finally:
        stop(stack)


def test_import_loads_a_json_lines_file_that_search_then_finds(tmp_path):
    """`make import FILE=...` against the running local stack, then a keyword search over what it loaded."""
    import httpx

    lines = [
        {
            "companyId": 2,
            "title": f"그래프 데이터베이스 도입기 {n}",
            "contents": "노드와 관계로 추천 시스템을 만든 이야기입니다.",
            "author": "카카오 개발자",
            "regDate": f"2025-03-0{n}",
            "techArticleUrl": f"https://tech.kakao.com/posts/graph-{n}",
            "thumbnailUrl": None,
        }
        for n in range(1, 4)
    ]
    source = tmp_path / "articles.jsonl"
    source.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", encoding="utf-8")
    port = free_port()
    stack = start(port, tmp_path / "ddb")
    try:
        env = dict(os.environ, LOCAL_ENDPOINTS_FILE=str(endpoints_file(tmp_path / "ddb")))  # finds the stack there
        env.pop("API", None)
        for _ in range(2):  # twice: the endpoint upserts by URL
            done = subprocess.run(
                [sys.executable, "scripts/import_articles.py", str(source)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            assert (done.returncode, done.stdout.strip()) == (0, f"imported 3 article(s) into http://127.0.0.1:{port}")
        found = httpx.get(f"http://127.0.0.1:{port}{BASE}/articles", params={"keyword": "그래프 데이터베이스"}).json()[
            "data"
        ]
        assert found["totalElements"] == 3
        assert [item["title"] for item in found["content"]][0].startswith("그래프 데이터베이스 도입기")
    finally:
        stop(stack)


def test_a_new_user_discusses_a_pick_and_an_article(tmp_path):
    """Issue 5's "done when", as a user of `make run` would try it: a thread with a reply to a reply, a modified
    reply, an author-deleted and an admin-deleted comment, recommends, best comments, a blame, my comments."""
    import httpx

    port = free_port()
    stack = start(port, tmp_path / "ddb")
    try:
        api = httpx.Client(base_url=f"http://127.0.0.1:{port}{BASE}", timeout=15)
        member = {"Authorization": f"Bearer {api.get('/token/test/user').json()['data']['accessToken']}"}
        admin = {"Authorization": f"Bearer {api.get('/token/test/admin').json()['data']['accessToken']}"}
        visitor = {"Anonymous-Member-Id": "GA1.1.999.1715872960"}
        # The demo data already holds a thread on pick 1 and on article 1
        demo = api.get("/picks/1/comments", headers=visitor).json()["data"]
        assert demo["totalElements"] == 4 and demo["totalOriginParentComments"] == 1
        assert [c["isDeleted"] for c in demo["content"]] == [True, False]

        for posts, kind in (("picks/2", "pick"), ("articles/2", "tech")):
            id_field = f"{kind}CommentId"
            body = {"contents": "첫 댓글", **({"isPickVotePublic": False} if kind == "pick" else {})}
            origin = api.post(f"/{posts}/comments", json=body, headers=member).json()["data"][id_field]
            reply = api.post(f"/{posts}/comments/{origin}/{origin}", json={"contents": "답글"}, headers=visitor)
            reply_id = reply.json()["data"][id_field]
            nested = api.post(f"/{posts}/comments/{origin}/{reply_id}", json={"contents": "답글의 답글"}, headers=admin)
            nested_id = nested.json()["data"][id_field]
            assert (
                api.patch(f"/{posts}/comments/{reply_id}", json={"contents": "고친 답글"}, headers=visitor).status_code
                == 200
            )
            own = api.post(f"/{posts}/comments", json={**body, "contents": "지울 댓글"}, headers=member).json()["data"][
                id_field
            ]
            policy = api.post(f"/{posts}/comments", json={**body, "contents": "정책 위반"}, headers=visitor).json()[
                "data"
            ][id_field]
            assert api.delete(f"/{posts}/comments/{own}", headers=member).status_code == 200
            assert api.delete(f"/{posts}/comments/{policy}", headers=admin).status_code == 200
            recommended = api.post(f"/{posts}/comments/{origin}/recommends", headers=admin).json()["data"]
            assert recommended == {"isRecommended": True, "recommendTotalCount": 1}
            page = api.get(f"/{posts}/comments", params={"size": 10}, headers=visitor).json()["data"]
            assert (page["totalElements"], page["totalOriginParentComments"], page["last"]) == (5, 1, True)
            items = {c[id_field]: c for c in page["content"]}
            assert [c[id_field] for c in page["content"]] == [policy, own, origin]
            assert items[own]["contents"] == "댓글 작성자에 의해 삭제된 댓글입니다."
            assert items[policy]["contents"] == "커뮤니티 정책을 위반하여 삭제된 댓글입니다."
            replies = items[origin]["replies"]
            assert [(r[id_field], r["contents"], r["isModified"]) for r in replies] == [
                (reply_id, "고친 답글", True),
                (nested_id, "답글의 답글", False),
            ]
            assert items[origin]["replyTotalCount"] == 2
            best = api.get(f"/{posts}/comments/best", headers=visitor).json()["datas"]
            assert [c[id_field] for c in best] == [origin]
            blame_body = (
                {"pickId": 2, "pickCommentId": origin, "blameTypeId": 1}
                if kind == "pick"
                else {"techArticleId": 2, "techArticleCommentId": origin, "blameTypeId": 1}
            )
            path = "/blames/PICK" if kind == "pick" else "/blames/TECH_ARTICLE"
            assert api.post(path, json=blame_body, headers=admin).status_code == 200
            assert api.post(path, json=blame_body, headers=admin).json() == {
                "resultType": "FAIL",
                "message": "이미 신고 했습니다.",
                "errorCode": 400,
            }
        mine = api.get("/mypage/comments", headers=member).json()["data"]
        # the demo's two comments of the test user plus the two live ones written here
        assert mine["totalElements"] == 4
        assert [c["commentContents"] for c in mine["content"]] == [
            "첫 댓글",
            "첫 댓글",
            "정산 배치 글 잘 읽었습니다!",
            "탭이 근본이죠!",
        ]
    finally:
        stop(stack)


def test_a_member_hears_of_new_articles_on_the_stream_and_the_socket(tmp_path):
    """Issue 6 as a new user tries it: a crawler key made with `make service-key`, a subscription, the SSE stream and
    a WebSocket open, three articles published, the message within a second, unread 3, read-all 0, and publishing the
    same articles again adds nothing."""
    import httpx
    from websockets.sync.client import connect

    from tests.integration.test_live_channel import EventReader

    port = free_port()
    endpoints = tmp_path / "endpoints.json"
    os.environ["LOCAL_ENDPOINTS_FILE"] = str(endpoints)
    try:
        stack = start(port, tmp_path / "ddb")
    finally:
        del os.environ["LOCAL_ENDPOINTS_FILE"]
    try:
        # The crawler's operator makes a key; it is printed once
        made = subprocess.run(
            [sys.executable, "scripts/service_key.py", "news-crawler"],
            cwd=ROOT,
            env=dict(os.environ, LOCAL_ENDPOINTS_FILE=str(endpoints), PYTHONPATH=f"{ROOT / 'layers/shared'}:{ROOT}"),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert made.returncode == 0, made.stderr
        printed = dict(line.split(":", 1) for line in made.stdout.splitlines())
        crawler = {"service-name": printed["service-name"].strip(), "api-key": printed["api-key"].strip()}
        api = httpx.Client(base_url=f"http://127.0.0.1:{port}{BASE}", timeout=10)
        member = {"Authorization": f"Bearer {api.get('/token/test/user').json()['data']['accessToken']}"}
        assert api.post("/subscriptions", headers=member, json={"companyId": 4}).status_code == 200
        # (the demo threads already replied to this member: start from nothing unread)
        assert api.patch("/notifications/read-all", headers=member).json() == {"resultType": "SUCCESS"}
        stream = EventReader(f"http://127.0.0.1:{port}{BASE}/notifications", member)
        assert stream.status == 200
        token = member["Authorization"].removeprefix("Bearer ")
        with connect(f"ws://127.0.0.1:{port}/ws?token={token}", open_timeout=5) as socket:
            new = api.post(
                "/articles",
                headers=crawler,
                json={
                    "techArticles": [
                        {
                            "companyId": 4,
                            "title": "토스의 새 글",
                            "contents": "내용",
                            "author": "토스 개발자",
                            "regDate": "2025-04-01",
                            "techArticleUrl": "https://toss.tech/posts/new",
                        }
                    ]
                },
            ).json()["data"]["techArticles"][0]["id"]
            body = {"companyId": 4, "techArticles": [{"id": 7}, {"id": 8}, {"id": new}]}
            started = time.monotonic()
            assert api.post("/notifications/SUBSCRIPTION", headers=crawler, json=body).json() == {
                "resultType": "SUCCESS"
            }
            assert stream.next_data(1.0)["message"] == "토스에서 새로운 기슬블로그 3개가 올라왔어요!"
            assert time.monotonic() - started < 1.0
            assert json.loads(socket.recv(timeout=2))["message"] == "토스에서 새로운 기슬블로그 3개가 올라왔어요!"
        assert api.get("/notifications/unread-count", headers=member).json() == {"resultType": "SUCCESS", "data": 3}
        popup = api.get("/notifications/popup?size=3", headers=member).json()["data"]
        assert [i["techArticleId"] for i in popup["content"]] == [new, 8, 7]
        assert api.patch("/notifications/read-all", headers=member).json() == {"resultType": "SUCCESS"}
        assert api.get("/notifications/unread-count", headers=member).json()["data"] == 0
        assert api.post("/notifications/SUBSCRIPTION", headers=crawler, json=body).status_code == 200
        time.sleep(1.5)
        assert api.get("/notifications/unread-count", headers=member).json()["data"] == 0
        page = api.get("/notifications/page", headers=member).json()["data"]["content"]
        assert [i["techArticle"]["id"] for i in page if i["type"] == "SUBSCRIPTION"] == [new, 8, 7]
    finally:
        stop(stack)


def test_a_new_user_finds_similar_picks_and_the_backfill_has_nothing_to_do(tmp_path):
    """Issue 9's "done when" on `make run`: four picks on one topic and one unrelated; the similar picks of one of
    the four are the other three; `make backfill-embeddings` finds nothing missing."""
    import httpx

    from tests.integration.test_similar_picks import JAVA_KOTLIN, UNRELATED, pick_body

    port = free_port()
    endpoints = tmp_path / "endpoints.json"
    os.environ["LOCAL_ENDPOINTS_FILE"] = str(endpoints)
    try:
        stack = start(port, tmp_path / "ddb")
    finally:
        del os.environ["LOCAL_ENDPOINTS_FILE"]
    try:
        api = httpx.Client(base_url=f"http://127.0.0.1:{port}{BASE}", timeout=15)
        member = {"Authorization": f"Bearer {api.get('/token/test/user').json()['data']['accessToken']}"}
        topic = [api.post("/picks", json=pick_body(t), headers=member).json()["data"]["pickId"] for t in JAVA_KOTLIN]
        unrelated = api.post("/picks", json=pick_body(UNRELATED), headers=member).json()["data"]["pickId"]
        response = api.get(f"/picks/{topic[0]}/similarties")
        assert response.status_code == 200, response.text
        ids = [item["id"] for item in response.json()["datas"]]
        assert set(ids) == set(topic[1:]) and unrelated not in ids
        done = subprocess.run(
            [sys.executable, "scripts/backfill_embeddings.py", "--dry-run"],
            cwd=ROOT,
            env=dict(os.environ, LOCAL_ENDPOINTS_FILE=str(endpoints), PYTHONPATH=f"{ROOT / 'layers/shared'}:{ROOT}"),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("0 pick(s) to embed with offline-ngram-v1")
    finally:
        stop(stack)
