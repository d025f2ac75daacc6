"""The notification queue's typed jobs (devdevdev.jobs): one encoder and decoder, the message bodies the queue has
always carried, and what the worker refuses."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from devdevdev.jobs import (
    ArticlePublished,
    Greeting,
    LiveMessage,
    MalformedJob,
    SubscriptionFanOut,
    decode,
    encode,
)

AT = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
PUBLISHED = ArticlePublished(company_id=1, company_name="우아한형제들", articles=((1, 501), (2, 502)), published_at=AT)
PUBLICATION_BODY = {
    "companyId": 1,
    "companyName": "우아한형제들",
    "articles": [[1, 501], [2, 502]],
    "publishedAt": "2026-01-02T03:04:05.678000+00:00",
}


@pytest.mark.parametrize(
    ("job", "body"),
    [
        (PUBLISHED, {"kind": "publish", **PUBLICATION_BODY}),
        (SubscriptionFanOut(PUBLISHED, (7, 8)), {"kind": "deliver", **PUBLICATION_BODY, "memberIds": [7, 8]}),
        (
            LiveMessage((7,), "회원님의 댓글에 새로운 답글이 달렸어요!", "COMMENT_AND_REPLY"),
            {
                "kind": "live",
                "memberIds": [7],
                "message": "회원님의 댓글에 새로운 답글이 달렸어요!",
                "type": "COMMENT_AND_REPLY",
            },
        ),
        (Greeting("abc"), {"kind": "greet", "connectionId": "abc"}),
    ],
)
def test_each_job_has_the_body_the_queue_always_carried_and_comes_back_equal(job, body):
    assert json.loads(encode(job)) == body
    assert decode(encode(job)) == job
    assert decode(json.dumps(body)) == job  # a body queued by the previous version


def test_a_live_job_without_a_type_is_a_reply_message():
    assert decode('{"kind": "live", "memberIds": [3], "message": "m"}') == LiveMessage((3,), "m", "COMMENT_AND_REPLY")


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        '{"kind": "nonsense"}',
        "{}",
        '{"kind": "greet"}',
        '{"kind": "greet", "connectionId": 5}',
        '{"kind": "live", "memberIds": [true], "message": "m"}',
        '{"kind": "live", "memberIds": "7", "message": "m"}',
        '{"kind": "live", "memberIds": [7], "message": "m", "type": 1}',
        '{"kind": "publish", "companyId": "1", "companyName": "c", "articles": [], "publishedAt": "2026-01-01"}',
        '{"kind": "publish", "companyId": 1, "companyName": "c", "articles": [[1]], "publishedAt": "2026-01-01"}',
        '{"kind": "publish", "companyId": 1, "companyName": "c", "articles": [[1, "2"]], "publishedAt": "2026-01-01"}',
        '{"kind": "publish", "companyId": 1, "companyName": "c", "articles": [], "publishedAt": "yesterday"}',
        '{"kind": "deliver", "companyId": 1, "companyName": "c", "articles": [], "publishedAt": "2026-01-01"}',
    ],
)
def test_a_body_that_is_no_job_is_refused(body):
    with pytest.raises(MalformedJob):
        decode(body)
