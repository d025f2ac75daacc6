"""The live channel on a real port: Server-Sent Events and the WebSocket API of the local gateway, fed by the worker
following the queue in the background (as ``make run`` runs it)."""

from __future__ import annotations

import json
import queue
import threading
import time

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.conftest import BASE, bearer, fail, new_member, start_live_server

pytestmark = pytest.mark.integration

CRAWLER = {"service-name": "devdevdev-crawler", "api-key": "local-crawler-key"}
PUBLISHED = "우아한형제들에서 새로운 기슬블로그 3개가 올라왔어요!"


def _api(live) -> httpx.Client:
    return httpx.Client(base_url=live.url + BASE, timeout=10)


def _third_article(api: httpx.Client) -> int:
    body = {
        "techArticles": [
            {
                "companyId": 1,
                "title": "세 번째 글",
                "contents": "내용",
                "author": "크롤러",
                "regDate": "2024-05-01",
                "techArticleUrl": "https://blog.example.com/posts/third",
            }
        ]
    }
    response = api.post("/articles", headers=CRAWLER, json=body)
    assert response.status_code == 200, response.text
    return response.json()["data"]["techArticles"][0]["id"]


def _publish(api: httpx.Client, article_ids) -> None:
    body = {"companyId": 1, "techArticles": [{"id": i} for i in article_ids]}
    response = api.post("/notifications/SUBSCRIPTION", headers=CRAWLER, json=body)
    assert response.json() == {"resultType": "SUCCESS"}


class EventReader:
    """Reads an SSE response in a thread: every event (its lines joined) lands in ``events``."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.events: queue.Queue[str] = queue.Queue()
        self.status: int | None = None
        self.content_type: str | None = None
        self.ended = threading.Event()
        self._opened = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(url, headers), daemon=True)
        self._thread.start()
        assert self._opened.wait(10), "the stream did not open"

    def _read(self, url: str, headers: dict[str, str]) -> None:
        try:
            with httpx.stream("GET", url, headers=headers, timeout=httpx.Timeout(10, read=40)) as response:
                self.status, self.content_type = response.status_code, response.headers.get("content-type")
                self._opened.set()
                lines: list[str] = []
                for line in response.iter_lines():
                    if line:
                        lines.append(line)
                    elif lines:
                        self.events.put("\n".join(lines))
                        lines = []
        except httpx.HTTPError:  # the test's server stopped while the stream was open
            pass
        finally:
            self._opened.set()
            self.ended.set()

    def next(self, seconds: float) -> str:
        return self.events.get(timeout=seconds)

    def next_data(self, seconds: float) -> dict:
        """The next unnamed event's data (named events such as heartbeats are skipped)."""
        deadline = time.monotonic() + seconds
        while True:
            event = self.next(max(deadline - time.monotonic(), 0.01))
            if event.startswith("data: "):
                return json.loads(event.removeprefix("data: "))


def _subscribed_member(live, name: str) -> tuple[int, dict[str, str]]:
    member_id, headers = new_member(live.runtime, name)
    with _api(live) as api:
        assert api.post("/subscriptions", headers=headers, json={"companyId": 1}).status_code == 200
    return member_id, headers


def test_the_issue_scenario_on_the_sse_stream(live):
    # A member subscribes to a company and opens the SSE stream
    _, member = _subscribed_member(live, "reader")
    stream = EventReader(f"{live.url}{BASE}/notifications", member)
    assert (stream.status, stream.content_type) == (200, "text/event-stream;charset=UTF-8")
    with _api(live) as api:
        third = _third_article(api)
        # the crawler publishes 3 articles of that company
        started = time.monotonic()
        _publish(api, (1, 2, third))
        # the stream receives the message within a second
        data = stream.next_data(1.0)
        assert time.monotonic() - started < 1.0
        assert data["message"] == PUBLISHED
        assert list(data) == ["message", "createdAt"]
        # unread-count is 3, read-all makes it 0
        assert api.get("/notifications/unread-count", headers=member).json() == {"resultType": "SUCCESS", "data": 3}
        assert api.patch("/notifications/read-all", headers=member).json() == {"resultType": "SUCCESS"}
        assert api.get("/notifications/unread-count", headers=member).json() == {"resultType": "SUCCESS", "data": 0}
        # Publishing the same articles again adds nothing, and sends nothing
        _publish(api, (1, 2, third))
        time.sleep(1.0)
        assert api.get("/notifications/unread-count", headers=member).json()["data"] == 0
        assert all(not e.startswith("data: ") for e in list(stream.events.queue))


def test_a_stream_opened_with_unread_notifications_greets_first(live):
    _, member = _subscribed_member(live, "greeted")
    with _api(live) as api:
        _publish(api, (1, 2))
        deadline = time.monotonic() + 5
        while api.get("/notifications/unread-count", headers=member).json()["data"] != 2:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    stream = EventReader(f"{live.url}{BASE}/notifications", member)
    assert stream.next_data(2)["message"] == "읽지 않은 알림이 2개 있어요!"


def test_the_stream_beats_and_ends_after_its_timeout_and_forgets_its_connection(live):
    live.runtime.settings.sse_heartbeat_seconds = 0.5
    live.runtime.settings.sse_timeout_seconds = 1.5
    member_id, member = _subscribed_member(live, "beaten")
    stream = EventReader(f"{live.url}{BASE}/notifications", member)
    assert live.runtime.notifications.connections([member_id], live.runtime.clock.now())
    heartbeat = stream.next(2)
    name, data = heartbeat.split("\n")
    assert name == "event: heartbeat"
    assert json.loads(data.removeprefix("data: ")).startswith("20")
    assert stream.ended.wait(5)
    deadline = time.monotonic() + 3
    while live.runtime.notifications.connections([member_id], live.runtime.clock.now()):
        assert time.monotonic() < deadline, "the closed stream's connection was not removed"
        time.sleep(0.05)


def test_the_stream_answers_json_errors_to_guests_and_bad_tokens(live):
    response = httpx.get(f"{live.url}{BASE}/notifications", timeout=5)
    assert (response.status_code, response.json()) == (405, fail("익명 회원은 사용할 수 없는 기능 입니다.", 405))
    response = httpx.get(f"{live.url}{BASE}/notifications", headers=bearer("not-a-token"), timeout=5)
    assert (response.status_code, response.json()["resultType"]) == (401, "FAIL")


def test_a_publish_served_by_one_gateway_reaches_a_stream_held_by_another(live):
    # Two gateways on the same table and queue, as two Lambda instances: nothing is shared in memory
    other, thread, other_url = start_live_server(live.runtime)
    try:
        _, member = _subscribed_member(live, "elsewhere")
        stream = EventReader(f"{other_url}{BASE}/notifications", member)
        with _api(live) as api:
            third = _third_article(api)
            _publish(api, (1, 2, third))
        assert stream.next_data(2)["message"] == PUBLISHED
    finally:
        other.should_exit = True
        thread.join(timeout=10)


def test_several_streams_of_one_member_all_receive(live):
    _, member = _subscribed_member(live, "twice")
    streams = [EventReader(f"{live.url}{BASE}/notifications", member) for _ in range(2)]
    with _api(live) as api:
        third = _third_article(api)
        _publish(api, (1, 2, third))
    assert [s.next_data(2)["message"] for s in streams] == [PUBLISHED, PUBLISHED]


# WebSocket ----------------------------------------------------------------------------------------------------------


def _ws_url(live, token: str | None) -> str:
    base = live.url.replace("http://", "ws://") + "/ws"
    return f"{base}?token={token}" if token else base


def _token(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def test_a_websocket_greets_then_carries_the_publish_message(live):
    member_id, member = _subscribed_member(live, "socket")
    with _api(live) as api:
        _publish(api, (1,))
        deadline = time.monotonic() + 5
        while api.get("/notifications/unread-count", headers=member).json()["data"] != 1:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        with connect(_ws_url(live, _token(member)), open_timeout=5) as socket:
            greeting = json.loads(socket.recv(timeout=5))
            assert greeting["message"] == "읽지 않은 알림이 1개 있어요!"
            connections = live.runtime.notifications.connections([member_id], live.runtime.clock.now())
            assert [c.transport for c in connections] == ["websocket"]
            third = _third_article(api)
            _publish(api, (2, third))
            message = json.loads(socket.recv(timeout=3))
            assert message["message"] == "우아한형제들에서 새로운 기슬블로그 2개가 올라왔어요!"
    # $disconnect forgets the connection
    deadline = time.monotonic() + 3
    while live.runtime.notifications.connections([member_id], live.runtime.clock.now()):
        assert time.monotonic() < deadline, "the closed socket's connection was not removed"
        time.sleep(0.05)


def test_a_websocket_without_a_valid_member_token_is_refused(live):
    with pytest.raises(InvalidStatus) as refused:
        connect(_ws_url(live, None), open_timeout=5)
    assert refused.value.response.status_code == 405
    assert json.loads(refused.value.response.body) == fail("익명 회원은 사용할 수 없는 기능 입니다.", 405)
    with pytest.raises(InvalidStatus) as refused:
        connect(_ws_url(live, "garbage"), open_timeout=5)
    assert refused.value.response.status_code == 401


def test_a_gone_websocket_connection_is_pruned_when_a_push_finds_it(live):
    from devdevdev.services.notifications import live as live_channel
    from devdevdev.store.notifications import Connection

    runtime = live.runtime
    member_id, _ = _subscribed_member(live, "ghost")
    from datetime import timedelta

    ghost = Connection("ghost-connection", member_id, "websocket", f"{live.url}/ws")
    runtime.notifications.connect(ghost, runtime.clock.now(), timedelta(hours=1))
    assert live_channel.push(runtime, [member_id], "안녕하세요") == 0
    assert runtime.notifications.find_connection("ghost-connection") is None


def _reply_to_a_comment_of(api: httpx.Client, author: dict[str, str], replier: dict[str, str]) -> None:
    comment = api.post("/articles/1/comments", headers=author, json={"contents": "질문"}).json()["data"]
    origin = comment["techCommentId"]
    reply = api.post(f"/articles/1/comments/{origin}/{origin}", headers=replier, json={"contents": "답"})
    assert reply.status_code == 200, reply.text


def test_reply_messages_reach_only_the_streams_and_sockets_that_ask_for_reply_notifications(live):
    # A member holds an old client's stream (no types), a new client's stream and a new client's socket
    _, member = _subscribed_member(live, "replied")
    _, replier = new_member(live.runtime, "replier")
    old = EventReader(f"{live.url}{BASE}/notifications", member)
    new = EventReader(f"{live.url}{BASE}/notifications?types=SUBSCRIPTION,COMMENT_AND_REPLY", member)
    url = _ws_url(live, _token(member)) + "&types=COMMENT_AND_REPLY"
    with _api(live) as api, connect(url, open_timeout=5) as socket:
        time.sleep(1.5)  # the socket's greeting (nothing unread: none) is sent a second after it opened
        # When someone replies to the member's comment
        _reply_to_a_comment_of(api, member, replier)
        # Then the new client's stream and socket get the reply message, the old client's stream nothing
        assert new.next_data(3)["message"] == "회원님의 댓글에 새로운 답글이 달렸어요!"
        first = json.loads(socket.recv(timeout=3))["message"]
        if first == "읽지 않은 알림이 1개 있어요!":
            # the queued greeting ran after the reply landed (a loaded machine), so it counts the reply
            first = json.loads(socket.recv(timeout=3))["message"]
        assert first == "회원님의 댓글에 새로운 답글이 달렸어요!"
        time.sleep(0.5)
        assert all(not e.startswith("data: ") for e in list(old.events.queue))
        # and a publish reaches the old client's stream (the socket asked for replies only: it gets nothing)
        _publish(api, (1,))
        assert old.next_data(3)["message"] == "우아한형제들에서 새로운 기슬블로그 1개가 올라왔어요!"
        assert new.next_data(3)["message"] == "우아한형제들에서 새로운 기슬블로그 1개가 올라왔어요!"
    # A stream opened now is greeted with the unread count of the types it asked for
    assert (
        EventReader(f"{live.url}{BASE}/notifications", member).next_data(3)["message"] == "읽지 않은 알림이 1개 있어요!"
    )
    both = EventReader(f"{live.url}{BASE}/notifications?types=SUBSCRIPTION,COMMENT_AND_REPLY", member)
    assert both.next_data(3)["message"] == "읽지 않은 알림이 2개 있어요!"


def test_a_websocket_asking_for_unknown_types_is_refused(live):
    _, member = _subscribed_member(live, "typo")
    with pytest.raises(InvalidStatus) as refused:
        connect(_ws_url(live, _token(member)) + "&types=REPLY", open_timeout=5)
    assert refused.value.response.status_code == 400
    assert json.loads(refused.value.response.body)["message"] == (
        "types 값이 올바르지 않습니다. 가능한 값: SUBSCRIPTION, COMMENT_AND_REPLY"
    )
