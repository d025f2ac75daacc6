"""Notifications through the local gateway (docs/rules.md#notifications): the crawler's publish (api-key and signed),
the
queued fan-out run by the real worker code on moto's SQS, the lists, read state, and reply notifications."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import BASE, NOW, SLICE_WITH_TOTAL_KEYS, bearer, fail, new_member, run_jobs, tokens

pytestmark = pytest.mark.integration

CRAWLER = {"service-name": "devdevdev-crawler", "api-key": "local-crawler-key"}
UNREAD_EMPTY = {"resultType": "SUCCESS", "data": 0}
REPLIES = "?types=SUBSCRIPTION,COMMENT_AND_REPLY"  # the opt-in of a client that renders reply notifications


def publish(client, company_id=1, article_ids=(1, 2), headers=None, channel="SUBSCRIPTION"):
    body = {"companyId": company_id, "techArticles": [{"id": i} for i in article_ids]}
    return client.post(f"{BASE}/notifications/{channel}", headers=CRAWLER if headers is None else headers, json=body)


def subscribe(client, headers, company_id=1):
    response = client.post(f"{BASE}/subscriptions", headers=headers, json={"companyId": company_id})
    assert response.status_code == 200, response.text


def unread(client, headers, query: str = "") -> int:
    response = client.get(f"{BASE}/notifications/unread-count{query}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


@pytest.fixture
def user(client) -> dict[str, str]:
    return bearer(tokens(client)["accessToken"])


# Publish and fan-out ------------------------------------------------------------------------------------------------


def test_publish_answers_at_once_and_the_worker_notifies_each_subscriber_per_article(client, seeded, user):
    # Given a subscriber of 우아한형제들 and a member who subscribes to 카카오 only
    subscribe(client, user)
    other_id, other = new_member(seeded, "other")
    subscribe(client, other, company_id=2)
    # When the crawler announces articles 1 and 2 of 우아한형제들
    response = publish(client)
    # Then it answers SUCCESS before any notification exists (the fan-out is queued)
    assert (response.status_code, response.json()) == (200, {"resultType": "SUCCESS"})
    assert unread(client, user) == 0
    # and once the worker ran, the subscriber has one notification per article; the other member none
    assert run_jobs(seeded) == 1
    assert unread(client, user) == 2
    assert unread(client, other) == 0
    page = client.get(f"{BASE}/notifications/page", headers=user).json()["data"]
    assert [(n["type"], n["techArticle"]["id"], n["isRead"]) for n in page["content"]] == [
        ("SUBSCRIPTION", 2, False),
        ("SUBSCRIPTION", 1, False),
    ]


def test_publishing_the_same_articles_again_adds_nothing(client, seeded, user):
    subscribe(client, user)
    assert publish(client).status_code == 200
    run_jobs(seeded)
    # When the crawler announces the same articles twice more (once with a new one among them)
    assert publish(client).status_code == 200
    assert run_jobs(seeded) == 0  # nothing new: nothing queued
    new_article = client.post(
        f"{BASE}/articles",
        headers=CRAWLER,
        json={
            "techArticles": [
                {
                    "companyId": 1,
                    "title": "새 글",
                    "contents": "내용",
                    "author": "크롤러",
                    "regDate": "2024-05-01",
                    "techArticleUrl": "https://blog.example.com/posts/new",
                }
            ]
        },
    ).json()["data"]["techArticles"][0]["id"]
    assert publish(client, article_ids=(1, 2, new_article)).status_code == 200
    run_jobs(seeded)
    # Then only the new article adds a notification
    assert unread(client, user) == 3
    page = client.get(f"{BASE}/notifications/page", headers=user).json()["data"]
    assert [n["techArticle"]["id"] for n in page["content"]] == [new_article, 2, 1]


def test_concurrent_identical_publishes_notify_once(client, seeded, user):
    subscribe(client, user)
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda _: publish(client).status_code, range(6)))
    assert statuses == [200] * 6
    # Each article is claimed by exactly one request (two requests may share the two articles between them)
    assert run_jobs(seeded) in (1, 2)
    assert unread(client, user) == 2
    page = client.get(f"{BASE}/notifications/page", headers=user).json()["data"]["content"]
    assert sorted(n["techArticle"]["id"] for n in page) == [1, 2]


def test_a_retried_delivery_writes_nothing_twice_and_keeps_read_state(client, seeded, user):
    from devdevdev.jobs import ArticlePublished
    from devdevdev.services.notifications import fanout

    subscribe(client, user)
    member_ids = [new_member(seeded, f"sub{i}")[0] for i in range(3)]
    for member_id in member_ids:
        seeded.subscriptions.subscribe(member_id, 1, seeded.ids.next_id("subscription"), NOW)
    job = ArticlePublished(company_id=1, company_name="우아한형제들", articles=((1, 501), (2, 502)), published_at=NOW)
    # Given a delivery that crashed after writing only some notifications
    user_id = seeded.members.find_by_login("KAKAO", "test_user@devdevdev.com").id
    partial = [n for n in _notifications_of(job, [user_id, member_ids[0]])]
    seeded.notifications.add_missing(partial[:3])
    # and the member read one of them meanwhile
    assert client.patch(f"{BASE}/notifications/501/read", headers=user).status_code == 200
    # When the job is run again, twice
    fanout.run_job(seeded, job)
    fanout.run_job(seeded, job)
    # Then every subscriber has exactly one notification per article, and the read one is still read
    page = client.get(f"{BASE}/notifications/page", headers=user).json()["data"]
    assert [(n["notificationId"], n["isRead"]) for n in page["content"]] == [(502, False), (501, True)]
    for member_id in member_ids:
        items, _ = seeded.notifications.page(member_id, None, 10)
        assert [n.id for n in items] == [502, 501]


def _notifications_of(job, member_ids):
    from devdevdev.store.notifications import SUBSCRIPTION, Notification

    return [
        Notification(
            id=n,
            member_id=m,
            type=SUBSCRIPTION,
            message="우아한형제들에서 새로운 글이 올라왔어요!",
            created_at=NOW,
            company_id=1,
            tech_article_id=a,
        )
        for m in member_ids
        for a, n in job.articles
    ]


def test_a_delivery_reports_what_it_wrote_its_lag_and_what_went_out_live(seeded, monkeypatch):
    from datetime import timedelta

    from devdevdev import metrics
    from devdevdev.jobs import ArticlePublished
    from devdevdev.services.notifications import fanout
    from devdevdev.store.notifications import Connection

    recorded: list[tuple[str, float]] = []
    monkeypatch.setattr(metrics, "count", lambda name, value=1, **_: recorded.append((name, value)))
    monkeypatch.setattr(metrics, "milliseconds", lambda name, value, **_: recorded.append((name, value)))
    members = [new_member(seeded, f"metered{i}")[0] for i in range(3)]
    now = seeded.clock.now()
    seeded.notifications.connect(Connection("metered-stream", members[0], "sse"), now, timedelta(minutes=5))
    job = ArticlePublished(1, "우아한형제들", ((1, 901), (2, 902)), published_at=now - timedelta(seconds=2))
    assert fanout.deliver(seeded, job, members) == 6
    assert [name for name, _ in recorded] == ["NotificationsWritten", "FanOutLag", "NotificationsDeliveredLive"]
    assert recorded[0] == ("NotificationsWritten", 6) and recorded[2] == ("NotificationsDeliveredLive", 1)
    assert 2000 <= recorded[1][1] < 60_000
    # A retried delivery writes nothing, so it reports nothing
    recorded.clear()
    assert fanout.deliver(seeded, job, members) == 0
    assert recorded == []


def test_a_large_company_fans_out_in_queued_pages(client, seeded, monkeypatch):
    from devdevdev.services.notifications import fanout

    monkeypatch.setattr(fanout, "DELIVERY_PAGE", 4)
    members = [new_member(seeded, f"fan{i}")[0] for i in range(10)]
    for member_id in members:
        seeded.subscriptions.subscribe(member_id, 2, seeded.ids.next_id("subscription"), NOW)
    assert publish(client, company_id=2, article_ids=(3, 4)).status_code == 200
    # One publish job; its first page is delivered in place, the other two pages become jobs of their own
    assert run_jobs(seeded) == 3
    for member_id in members:
        assert seeded.notifications.unread_count(member_id) == 2


def test_stored_message_and_popup_follow_the_contract(client, seeded, user):
    subscribe(client, user)
    publish(client, article_ids=(1,))
    run_jobs(seeded)
    stored, _ = seeded.notifications.page(seeded.members.find_by_login("KAKAO", "test_user@devdevdev.com").id, None, 1)
    assert stored[0].message == "우아한형제들에서 새로운 글이 올라왔어요!"
    response = client.get(f"{BASE}/notifications/popup", headers=user)
    assert response.status_code == 200
    data = response.json()["data"]
    (item,) = data["content"]
    assert list(item) == ["id", "type", "title", "createdAt", "isRead", "companyName", "techArticleId"]
    assert (item["type"], item["title"], item["isRead"], item["companyName"], item["techArticleId"]) == (
        "SUBSCRIPTION",
        "스프링 배치로 대용량 정산 처리하기",
        False,
        "우아한형제들",
        1,
    )
    assert (data["totalElements"], data["size"], data["last"], data["first"]) == (1, 5, True, True)


# Publish: who may call, and what -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "status", "message"),
    [
        ({}, 404, "지원하는 서비스가 아닙니다."),
        ({"service-name": "nobody", "api-key": "local-crawler-key"}, 404, "지원하는 서비스가 아닙니다."),
        ({"service-name": "devdevdev-crawler"}, 403, "접근할 수 없는 권한 입니다."),
        ({"service-name": "devdevdev-crawler", "api-key": "wrong"}, 403, "접근할 수 없는 권한 입니다."),
    ],
)
def test_publish_needs_a_known_service_and_its_key(client, headers, status, message):
    response = publish(client, headers=headers)
    assert (response.status_code, response.json()) == (status, fail(message, status))


def test_publish_validates_channel_and_body_with_the_contract_messages(client):
    url = f"{BASE}/notifications/SUBSCRIPTION"
    cases = [
        (client.post(f"{BASE}/notifications/NEWS", headers=CRAWLER, json={}), 400, "올바른 입력 값이 아닙니다."),
        (client.post(url, headers=CRAWLER, json={"techArticles": [{"id": 1}]}), 400, "회사 아이디는 필수 입니다."),
        (client.post(url, headers=CRAWLER, json={"companyId": 1}), 400, "기술 블로그는 필수 입니다."),
        (
            client.post(url, headers=CRAWLER, json={"companyId": 1, "techArticles": []}),
            400,
            "기술 블로그는 필수 입니다.",
        ),
        (client.post(url, headers=CRAWLER, json={"companyId": "x", "techArticles": [{"id": 1}]}), 400, None),
        (client.post(url, headers=CRAWLER, json={"companyId": 1, "techArticles": [{"id": "a"}]}), 400, None),
        (client.post(url, headers=CRAWLER, json={"companyId": 1, "techArticles": {"id": 1}}), 400, None),
        (client.post(url, headers=CRAWLER, content=b"not json"), 400, "요청 본문이 올바른 JSON이 아닙니다."),
        (publish(client, company_id=999), 404, "존재하지 않는 기업 입니다."),
        (publish(client, article_ids=(1, 3)), 404, "존재하지 않는 기술블로그입니다."),  # 3 is 카카오's
        (publish(client, article_ids=(999,)), 404, "존재하지 않는 기술블로그입니다."),
    ]
    for response, status, message in cases:
        body = response.json()
        assert (response.status_code, body["resultType"], body["errorCode"]) == (status, "FAIL", status), body
        if message is not None:
            assert body["message"] == message


def test_comment_and_reply_channel_is_accepted_and_creates_nothing(client, seeded, user):
    subscribe(client, user)
    response = publish(client, channel="COMMENT_AND_REPLY")
    assert (response.status_code, response.json()) == (200, {"resultType": "SUCCESS"})
    assert run_jobs(seeded) == 0
    assert unread(client, user) == 0


# Signed requests --------------------------------------------------------------------------------------------------


def _signed(seeded, body: bytes, *, at: int | None = None, secret="s3cret", name="signed-crawler"):
    from devdevdev.services.service_auth import sign

    timestamp = str(int(time.time()) if at is None else at)
    return {
        "service-name": name,
        "timestamp": timestamp,
        "signature": sign(secret, timestamp, body),
        "Content-Type": "application/json",
    }


@pytest.fixture
def signed_service(seeded):
    seeded.services.put("signed-crawler", "unused-key", signing_secret="s3cret", require_signature=True)
    return seeded


def test_a_signed_publish_is_accepted_once(client, signed_service, user):
    subscribe(client, user)
    body = json.dumps({"companyId": 1, "techArticles": [{"id": 1}]}).encode()
    headers = _signed(signed_service, body)
    url = f"{BASE}/notifications/SUBSCRIPTION"
    assert client.post(url, headers=headers, content=body).json() == {"resultType": "SUCCESS"}
    run_jobs(signed_service)
    assert unread(client, user) == 1
    # The same signed request again is a replay
    replay = client.post(url, headers=headers, content=body)
    assert (replay.status_code, replay.json()) == (403, fail("이미 처리된 서명 요청입니다.", 403))


def test_signed_requests_that_are_stale_tampered_or_unsigned_are_refused(client, signed_service):
    url = f"{BASE}/notifications/SUBSCRIPTION"
    body = json.dumps({"companyId": 1, "techArticles": [{"id": 1}]}).encode()
    stale = client.post(url, headers=_signed(signed_service, body, at=int(time.time()) - 301), content=body)
    assert (stale.status_code, stale.json()["message"]) == (
        403,
        "요청 시각(timestamp)이 서버 시각과 5분 넘게 차이 납니다.",
    )
    tampered = client.post(url, headers=_signed(signed_service, body), content=body.replace(b"1}", b"2}"))
    assert (tampered.status_code, tampered.json()) == (403, fail("접근할 수 없는 권한 입니다.", 403))
    wrong_secret = client.post(url, headers=_signed(signed_service, body, secret="guess"), content=body)
    assert wrong_secret.status_code == 403
    by_key = publish(client, headers={"service-name": "signed-crawler", "api-key": "unused-key"})
    assert (by_key.status_code, by_key.json()["message"]) == (
        403,
        "이 서비스는 서명된 요청(timestamp, signature)만 받습니다.",
    )
    bad_timestamp = {**_signed(signed_service, body), "timestamp": "yesterday"}
    assert client.post(url, headers=bad_timestamp, content=body).status_code == 403


def test_a_service_without_a_secret_cannot_sign(client, seeded):
    body = json.dumps({"companyId": 1, "techArticles": [{"id": 1}]}).encode()
    headers = _signed(seeded, body, name="devdevdev-crawler")
    response = client.post(f"{BASE}/notifications/SUBSCRIPTION", headers=headers, content=body)
    assert (response.status_code, response.json()) == (403, fail("접근할 수 없는 권한 입니다.", 403))


# Lists and read state -----------------------------------------------------------------------------------------------


def _published(client, seeded, user, article_ids=(1, 2)):
    subscribe(client, user)
    assert publish(client, article_ids=article_ids).status_code == 200
    run_jobs(seeded)


def test_page_items_carry_the_article_and_the_unread_total(client, seeded, user):
    _published(client, seeded, user)
    response = client.get(f"{BASE}/notifications/page?size=1", headers=user)
    assert response.status_code == 200
    data = response.json()["data"]
    assert list(data) == SLICE_WITH_TOTAL_KEYS
    (item,) = data["content"]
    assert list(item) == ["notificationId", "type", "createdAt", "isRead", "techArticle"]
    assert item["techArticle"]["id"] == 2
    assert (item["techArticle"]["isBookmarked"], item["techArticle"]["score"]) == (False, None)
    assert item["techArticle"]["company"]["name"] == "우아한형제들"
    assert (data["totalElements"], data["last"], data["size"]) == (2, False, 1)
    rest = client.get(f"{BASE}/notifications/page?size=1&notificationId={item['notificationId']}", headers=user).json()[
        "data"
    ]
    assert ([n["techArticle"]["id"] for n in rest["content"]], rest["last"]) == ([1], True)
    first = client.get(f"{BASE}/notifications/page?notificationId=9223372036854775807", headers=user).json()
    assert [n["techArticle"]["id"] for n in first["data"]["content"]] == [2, 1]


def test_created_at_is_iso_in_the_requested_zone(clocked):
    client, runtime, _ = clocked
    user = bearer(tokens(client)["accessToken"])
    subscribe(client, user)
    publish(client, article_ids=(1,))
    run_jobs(runtime)
    seoul = client.get(f"{BASE}/notifications/page", headers=user).json()["data"]["content"][0]["createdAt"]
    utc = client.get(f"{BASE}/notifications/popup", headers={**user, "Timezone": "UTC"}).json()["data"]
    assert (seoul, utc["content"][0]["createdAt"]) == ("2026-01-01T21:00:00", "2026-01-01T12:00:00")


def test_read_one_is_idempotent_and_only_for_ones_own(client, seeded, user):
    _published(client, seeded, user)
    notification_id = client.get(f"{BASE}/notifications/page", headers=user).json()["data"]["content"][0][
        "notificationId"
    ]
    for _ in range(2):
        response = client.patch(f"{BASE}/notifications/{notification_id}/read", headers=user)
        assert (response.status_code, response.json()) == (
            200,
            {"resultType": "SUCCESS", "data": {"id": notification_id, "isRead": True}},
        )
    assert unread(client, user) == 1
    _, stranger = new_member(seeded, "stranger")
    response = client.patch(f"{BASE}/notifications/{notification_id}/read", headers=stranger)
    assert (response.status_code, response.json()) == (404, fail("존재하지 않는 알림입니다.", 404))
    missing = client.patch(f"{BASE}/notifications/424242/read", headers=user)
    assert (missing.status_code, missing.json()) == (404, fail("존재하지 않는 알림입니다.", 404))
    bad = client.patch(f"{BASE}/notifications/abc/read", headers=user)
    assert (bad.status_code, bad.json()["resultType"]) == (400, "FAIL")


def test_read_all_clears_thousands_of_unread(client, seeded, user):
    from devdevdev.store.models import NotificationItem
    from devdevdev.store.notifications import SUBSCRIPTION, Notification, notification_item

    member_id = seeded.members.find_by_login("KAKAO", "test_user@devdevdev.com").id
    # written straight in batches, as before the unread counter (a fan-out gives a member a few at a time): the
    # first count completes the counter from them
    with NotificationItem.batch_write() as batch:
        for n in range(1, 2501):
            message = "우아한형제들에서 새로운 글이 올라왔어요!"
            batch.save(notification_item(Notification(n, member_id, SUBSCRIPTION, message, NOW, tech_article_id=1)))
    assert unread(client, user) == 2500
    response = client.patch(f"{BASE}/notifications/read-all", headers=user)
    assert (response.status_code, response.json()) == (200, {"resultType": "SUCCESS"})
    assert client.get(f"{BASE}/notifications/unread-count", headers=user).json() == UNREAD_EMPTY
    page = client.get(f"{BASE}/notifications/page?size=3", headers=user).json()["data"]
    assert [n["isRead"] for n in page["content"]] == [True] * 3
    # Nothing to read is a success too
    assert client.patch(f"{BASE}/notifications/read-all", headers=user).json() == {"resultType": "SUCCESS"}


def test_guests_and_exited_members_get_the_contract_errors(client, seeded):
    for method, path in (
        ("GET", "/notifications"),
        ("GET", "/notifications/page"),
        ("GET", "/notifications/popup"),
        ("GET", "/notifications/unread-count"),
        ("PATCH", "/notifications/1/read"),
        ("PATCH", "/notifications/read-all"),
    ):
        response = client.request(method, f"{BASE}{path}")
        assert (response.status_code, response.json()) == (405, fail("익명 회원은 사용할 수 없는 기능 입니다.", 405))
    member_id, headers = new_member(seeded, "leaver")
    survey = {"questionId": 1, "memberExitSurveyQuestionOptions": [{"id": 1, "message": None}]}
    assert client.post(f"{BASE}/mypage/exit-survey", headers=headers, json=survey).status_code == 200
    assert client.delete(f"{BASE}/mypage/profile", headers=headers).status_code == 200
    response = client.get(f"{BASE}/notifications/unread-count", headers=headers)
    assert (response.status_code, response.json()) == (404, fail("회원을 찾을 수 없습니다.", 404))


def test_a_one_shot_stream_without_live_sse_greets_and_says_when_to_retry(client, seeded, user):
    _published(client, seeded, user)
    seeded.settings.live_sse_enabled = False
    response = client.get(f"{BASE}/notifications", headers=user)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    head, event, _ = response.text.split("\n\n")
    assert head == "retry: 30000"
    data = json.loads(event.removeprefix("data: "))
    assert data["message"] == "읽지 않은 알림이 2개 있어요!"


# Replies ----------------------------------------------------------------------------------------------------------


def test_a_reply_notifies_the_author_of_the_comment_it_answers(client, seeded, user):
    author_id, author = new_member(seeded, "author")
    comment = client.post(f"{BASE}/articles/1/comments", headers=author, json={"contents": "좋은 글이네요"}).json()[
        "data"
    ]["techCommentId"]
    # When the test user replies to it, and the author replies to their own comment
    reply = client.post(
        f"{BASE}/articles/1/comments/{comment}/{comment}", headers=user, json={"contents": "동의합니다"}
    ).json()["data"]["techCommentId"]
    client.post(f"{BASE}/articles/1/comments/{comment}/{reply}", headers=author, json={"contents": "감사합니다"})
    # Then the author has one COMMENT_AND_REPLY notification, and the user one for the author's answer (shown to a
    # client that asks for reply notifications)
    assert unread(client, author, REPLIES) == 1
    item = client.get(f"{BASE}/notifications/page{REPLIES}", headers=author).json()["data"]["content"][0]
    assert item["type"] == "COMMENT_AND_REPLY"
    assert item["techArticle"]["id"] == 1
    assert {
        k: item[k] for k in ("pickId", "techArticleId", "commentId", "parentCommentId", "originParentCommentId")
    } == {
        "pickId": None,
        "techArticleId": 1,
        "commentId": reply,
        "parentCommentId": comment,
        "originParentCommentId": comment,
    }
    assert item["message"] == "회원님의 댓글에 새로운 답글이 달렸어요!"
    assert unread(client, user, REPLIES) == 1
    popup = client.get(f"{BASE}/notifications/popup{REPLIES}", headers=user).json()["data"]["content"][0]
    assert (popup["type"], popup["title"], popup["companyName"]) == (
        "COMMENT_AND_REPLY",
        "회원님의 댓글에 새로운 답글이 달렸어요!",
        None,
    )


def test_a_reply_on_a_pick_notifies_but_not_oneself_nor_guests(client, seeded, user):
    author_id, author = new_member(seeded, "picker")
    origin = client.post(
        f"{BASE}/picks/1/comments", headers=author, json={"contents": "탭이죠", "isPickVotePublic": False}
    ).json()["data"]["pickCommentId"]
    client.post(f"{BASE}/picks/1/comments/{origin}/{origin}", headers=author, json={"contents": "제 답글"})
    assert unread(client, author, REPLIES) == 0
    guest = {"Anonymous-Member-Id": "GA1.1.guest.1"}
    client.post(f"{BASE}/picks/1/comments/{origin}/{origin}", headers=guest, json={"contents": "손님 답글"})
    assert unread(client, author, REPLIES) == 1
    item = client.get(f"{BASE}/notifications/page{REPLIES}", headers=author).json()["data"]["content"][0]
    assert (item["pickId"], item["techArticle"], item["parentCommentId"]) == (1, None, origin)
    # A guest's comment gets no notification (there is no member to tell)
    guest_comment = client.post(
        f"{BASE}/picks/1/comments", headers=guest, json={"contents": "손님", "isPickVotePublic": False}
    ).json()["data"]["pickCommentId"]
    before = seeded.ids.next_id("notification")
    client.post(f"{BASE}/picks/1/comments/{guest_comment}/{guest_comment}", headers=user, json={"contents": "네"})
    assert seeded.ids.next_id("notification") == before + 1


def _reply_to(client, seeded, author, name="replier") -> int:
    """A reply by a new member to a new comment of ``author`` on article 1: the author's reply notification's id."""
    _, replier = new_member(seeded, name)
    comment = client.post(f"{BASE}/articles/1/comments", headers=author, json={"contents": "질문"}).json()["data"][
        "techCommentId"
    ]
    reply = client.post(f"{BASE}/articles/1/comments/{comment}/{comment}", headers=replier, json={"contents": "답"})
    assert reply.status_code == 200, reply.text
    return seeded.ids.next_id("notification") - 1


def test_reply_notifications_reach_only_clients_that_ask_for_them(client, seeded, user):
    # Given a member with two subscription notifications and, newer, one reply notification
    _published(client, seeded, user)
    _reply_to(client, seeded, user)
    # A client that asks for no types (every released web client) is shown the subscription ones only
    page = client.get(f"{BASE}/notifications/page", headers=user).json()["data"]
    assert [(n["type"], n["techArticle"]["id"]) for n in page["content"]] == [("SUBSCRIPTION", 2), ("SUBSCRIPTION", 1)]
    assert (page["totalElements"], page["last"]) == (2, True)
    popup = client.get(f"{BASE}/notifications/popup", headers=user).json()["data"]
    assert [(n["type"], n["companyName"]) for n in popup["content"]] == [("SUBSCRIPTION", "우아한형제들")] * 2
    assert popup["totalElements"] == 2
    assert unread(client, user) == 2
    # and so is one that asks for SUBSCRIPTION only
    assert unread(client, user, "?types=SUBSCRIPTION") == 2
    # A client that asks for both gets the reply first (newest), and counts it
    both = client.get(f"{BASE}/notifications/page{REPLIES}", headers=user).json()["data"]
    assert [n["type"] for n in both["content"]] == ["COMMENT_AND_REPLY", "SUBSCRIPTION", "SUBSCRIPTION"]
    assert both["totalElements"] == 3
    assert unread(client, user, REPLIES) == 3
    # repeated keys mean the same as a comma-separated list; one type alone lists only that type
    repeated = "?types=COMMENT_AND_REPLY&types=SUBSCRIPTION"
    assert unread(client, user, repeated) == 3
    replies = client.get(f"{BASE}/notifications/popup?types=COMMENT_AND_REPLY", headers=user).json()["data"]
    assert ([n["type"] for n in replies["content"]], replies["totalElements"]) == (["COMMENT_AND_REPLY"], 1)


def test_a_filtered_page_pages_past_many_hidden_notifications(client, seeded, user):
    from devdevdev.store.notifications import COMMENT_AND_REPLY, SUBSCRIPTION, Notification

    member_id = seeded.members.find_by_login("KAKAO", "test_user@devdevdev.com").id
    # ids 1..3 subscription, 4..253 replies, 254 subscription: the first page of an old client skips 250 replies
    kinds = [SUBSCRIPTION] * 3 + [COMMENT_AND_REPLY] * 250 + [SUBSCRIPTION]
    seeded.notifications.add_missing(
        [Notification(n, member_id, kind, "알림", NOW, tech_article_id=1) for n, kind in enumerate(kinds, start=1)]
    )
    first = client.get(f"{BASE}/notifications/page?size=2", headers=user).json()["data"]
    assert ([n["notificationId"] for n in first["content"]], first["last"]) == ([254, 3], False)
    rest = client.get(f"{BASE}/notifications/page?size=2&notificationId=3", headers=user).json()["data"]
    assert ([n["notificationId"] for n in rest["content"]], rest["last"]) == ([2, 1], True)
    assert (first["totalElements"], unread(client, user, REPLIES)) == (4, 254)


def test_read_all_marks_read_what_the_client_is_shown_and_read_one_any_type(client, seeded, user):
    _published(client, seeded, user)
    reply_id = _reply_to(client, seeded, user)
    # read-all without the opt-in marks the subscription notifications read and leaves the reply unread
    assert client.patch(f"{BASE}/notifications/read-all", headers=user).json() == {"resultType": "SUCCESS"}
    assert (unread(client, user), unread(client, user, REPLIES)) == (0, 1)
    both = client.get(f"{BASE}/notifications/page{REPLIES}", headers=user).json()["data"]["content"]
    assert [(n["type"], n["isRead"]) for n in both] == [
        ("COMMENT_AND_REPLY", False),
        ("SUBSCRIPTION", True),
        ("SUBSCRIPTION", True),
    ]
    # read-one reads a notification of any type: the client named it
    response = client.patch(f"{BASE}/notifications/{reply_id}/read", headers=user)
    assert response.json() == {"resultType": "SUCCESS", "data": {"id": reply_id, "isRead": True}}
    assert unread(client, user, REPLIES) == 0
    # read-all with the opt-in marks reply notifications read too
    _reply_to(client, seeded, user, name="again")
    assert unread(client, user, REPLIES) == 1
    assert client.patch(f"{BASE}/notifications/read-all{REPLIES}", headers=user).json() == {"resultType": "SUCCESS"}
    assert unread(client, user, REPLIES) == 0


@pytest.mark.parametrize(
    "query",
    ["types=", "types=NEWS", "types=subscription", "types=SUBSCRIPTION,", "types=SUBSCRIPTION,,COMMENT_AND_REPLY"],
)
def test_unknown_notification_types_are_a_400_on_every_route_that_takes_them(client, user, query):
    message = "types 값이 올바르지 않습니다. 가능한 값: SUBSCRIPTION, COMMENT_AND_REPLY"
    for method, path in (
        ("GET", "/notifications"),
        ("GET", "/notifications/page"),
        ("GET", "/notifications/popup"),
        ("GET", "/notifications/unread-count"),
        ("PATCH", "/notifications/read-all"),
    ):
        response = client.request(method, f"{BASE}{path}?{query}", headers=user)
        assert (response.status_code, response.json()) == (400, fail(message, 400)), (method, path)


# Tools --------------------------------------------------------------------------------------------------------------


def test_the_key_command_prints_a_key_once_and_it_publishes(client, seeded, settings_env, user):
    import hashlib
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, **settings_env, "PYTHONPATH": f"{root / 'layers/shared'}:{root}"}
    done = subprocess.run(
        [sys.executable, "scripts/service_key.py", "news-crawler", "--signed"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    printed = {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in done.stdout.splitlines())}
    assert set(printed) == {"service-name", "api-key", "signing secret"}
    assert "Shown once" in done.stderr
    stored = seeded.services.get("news-crawler")
    assert stored.api_key_hash == hashlib.sha256(printed["api-key"].encode()).hexdigest()
    assert (stored.signing_secret, stored.require_signature) == (printed["signing secret"], False)
    subscribe(client, user)
    response = publish(client, headers={"service-name": "news-crawler", "api-key": printed["api-key"]})
    assert response.json() == {"resultType": "SUCCESS"}


def test_the_fan_out_benchmark_runs_and_counts_one_write_per_notification_and_one_count_per_member():
    from bench.notifications import run

    result = run(subscribers=120, article_count=2)
    assert (result["notifications"], result["connected"], result["live_messages"]) == (240, 2, 2)
    assert (result["item_writes_per_notification"], result["counter_writes_per_notification"]) == (1.0, 0.5)
    assert result["writes_by_kind"] == {"PUBLISHED": 2, "NOTIFICATION": 240, "UNREAD": 120, "LIVE": 2}
    # in transactions (2 units an item): the notification, its unread-index entry, half a counter update
    assert result["write_units_per_notification"]["GSI1"] == 2.0
    assert 3.0 <= result["write_units_per_notification"]["table"] < 3.05  # + the claims and live messages
    assert result["requests"]["TransactWriteItems"] == 4  # 33 members (2 puts and a count each) a transaction


# Failures -----------------------------------------------------------------------------------------------------------


def test_a_publish_the_queue_refuses_is_a_503_and_a_retry_announces_it(client, seeded, user):
    from botocore.exceptions import EndpointConnectionError

    subscribe(client, user)

    class DownQueue:
        def send(self, job, delay_seconds=0):
            raise EndpointConnectionError(endpoint_url="http://sqs.invalid")

    working = seeded.jobs
    seeded.__dict__["jobs"] = DownQueue()
    response = publish(client)
    assert (response.status_code, response.json()) == (500, fail("일시적으로 오류가 발생했습니다.", 503))
    seeded.__dict__["jobs"] = working
    # The claims were released: the crawler's retry announces the articles
    assert publish(client).json() == {"resultType": "SUCCESS"}
    assert run_jobs(seeded) == 1
    assert unread(client, user) == 2


def test_a_job_that_keeps_failing_ends_in_the_dead_letter_queue(seeded):
    import boto3

    from infra.local.queues import MAX_RECEIVES, QueuePump

    settings = seeded.settings
    pump = QueuePump(settings.sqs_endpoint, settings.notification_queue_url, settings.region)
    sqs = boto3.client("sqs", endpoint_url=settings.sqs_endpoint, region_name=settings.region)
    sqs.send_message(QueueUrl=settings.notification_queue_url, MessageBody=json.dumps({"kind": "nonsense"}))
    dead_letters = settings.notification_queue_url + "-dlq"
    received = 0
    deadline = time.monotonic() + 30
    while True:
        found = sqs.receive_message(QueueUrl=dead_letters, WaitTimeSeconds=0).get("Messages", [])
        if found:
            break
        assert time.monotonic() < deadline, "the failing job never reached the dead-letter queue"
        received += pump.receive_once(wait_seconds=1)
    assert received == MAX_RECEIVES
    assert json.loads(found[0]["Body"]) == {"kind": "nonsense"}
