"""Arbitrary Unicode into every string field of every write endpoint, then every page that shows it (Hypothesis).

Lone surrogates (sent as JSON escapes, as a browser's ``JSON.stringify`` would), non-characters, zero-width and
format characters, bidirectional marks, 4-byte emoji and sequences, combining marks, control characters and NUL go
into pick titles, option titles and contents (create and modify), pick and tech-article comments, replies and their
modifications, nicknames, blame reasons, exit-survey messages and the crawler's articles. Then:

- every response is a 2xx or a 4xx, never a 5xx, and its body is the envelope (``SUCCESS``, or ``FAIL`` with a
  message and an errorCode);
- a value that is not valid text (a lone surrogate, NUL) is a 400 naming the field; a value made only of invisible
  characters gets the blank value's message; anything else is accepted and reads back exactly as it was sent.

One seeded stage serves the whole module (examples are independent: each writes its own items).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any, NamedTuple

import pytest
from devdevdev.domain.errors import Errors
from devdevdev.domain.text import is_blank, is_valid_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from infra.local import services
from tests.conftest import BASE, build_runtime, make_client, new_member, stage_env

pytestmark = pytest.mark.integration

EXAMPLES = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
CRAWLER = {"service-name": "devdevdev-crawler", "api-key": "local-crawler-key"}

# The interesting code points, on top of Hypothesis' own choice of any code point (surrogates included).
SPECIAL = [
    "\ud800", "\udbff", "\udc00", "\udfff",  # lone surrogates
    "\ufffe", "\uffff", "\ufdd0", "\U0001fffe", "\U0010ffff",  # non-characters
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e",  # zero-width and format
    "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069",  # bidirectional
    "😀", "👍🏽", "👨‍👩‍👧", "🇰🇷", "\U00020000",  # 4-byte and sequences
    "\u0301", "\u0308", "\u20dd", "\ufe0f",  # combining and variation
    "\x00", "\x01", "\x1f", "\x7f", "\x85",  # controls and NUL
    "\u3164", "\u115f", "\u1160", "\uffa0", "\u2800", "\u3000",  # Hangul fillers, braille blank, ideographic space
    "가", "a", "1", " ", "\n", "\t", '"', "\\", "<", "&", "%", "'", "/",
]  # fmt: skip
PIECES = st.one_of(st.sampled_from(SPECIAL), st.characters(codec=None, exclude_categories=[]))
TEXT = st.one_of(
    st.lists(st.sampled_from(SPECIAL), min_size=1, max_size=12).map("".join),
    st.text(st.characters(codec=None, exclude_categories=[]), min_size=1, max_size=24),
    st.lists(PIECES, min_size=1, max_size=16).map("".join),
)
INVALID = Errors.INVALID_CHARACTERS.message


class Stage(NamedTuple):
    client: TestClient
    runtime: Any
    user: dict[str, str]  # bearer headers of a member that writes comments and picks


@pytest.fixture(scope="module")
def stage(dynamodb_endpoint: str, s3_endpoint: str) -> Iterator[Stage]:
    from devdevdev.runtime import use_runtime

    from infra.local.seed import seed

    env = stage_env(dynamodb_endpoint, s3_endpoint) | {"AUTO_APPROVE_PICKS": "true", "RATE_LIMIT_PER_MINUTE": "100000"}
    runtime = build_runtime(env)
    seed(runtime)
    _, user = new_member(runtime, f"fuzz{uuid.uuid4().hex[:8]}")
    yield Stage(make_client(runtime), runtime, user)
    use_runtime(None)
    services.dynamodb_client(runtime.settings.dynamodb_endpoint or "").delete_table(
        TableName=runtime.settings.table_name
    )


# Sending and checking ---------------------------------------------------------------------------------------------


def as_received(text: str) -> str:
    """The string the API parses from ``text`` sent as JSON (an adjacent high and low surrogate become one)."""
    return json.loads(json.dumps(text))


def envelope(response) -> dict:
    """The response's body, checked: never a 5xx, always the envelope, valid UTF-8."""
    assert response.status_code < 500, response.text
    body = json.loads(response.content.decode("utf-8"))
    if response.status_code < 300:
        assert body["resultType"] == "SUCCESS", body
    else:
        assert 400 <= response.status_code < 500
        assert list(body) == ["resultType", "message", "errorCode"], body
        assert body["resultType"] == "FAIL"
        assert isinstance(body["message"], str) and body["message"]
        assert body["errorCode"] == response.status_code
    return body


def send(stage: Stage, method: str, path: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    """``body`` as JSON with ASCII escapes (a lone surrogate travels as ``\\udXXX``)."""
    response = stage.client.request(
        method,
        f"{BASE}{path}",
        content=json.dumps(body).encode("ascii"),
        headers={"Content-Type": "application/json", **(headers or stage.user)},
    )
    return response.status_code, envelope(response)


def get(stage: Stage, path: str, headers: dict | None = None) -> dict:
    response = stage.client.get(f"{BASE}{path}", headers=headers or stage.user)
    assert response.status_code == 200, (path, response.text)
    return envelope(response)


def expect(status: int, body: dict, sent: str, where: str, blank_message: str | None) -> bool:
    """The outcome the boundary promises for ``sent`` in field ``where``; True when the value was accepted."""
    value = as_received(sent)
    if not is_valid_text(value):
        assert (status, body["message"]) == (400, INVALID.format(where=where)), body
        return False
    if blank_message is not None and is_blank(value):
        assert (status, body["message"]) == (400, blank_message), body
        return False
    return status == 200


def latest_comment(stage: Stage, headers: dict) -> dict:
    return get(stage, "/mypage/comments?size=1", headers)["data"]["content"][0]


def pages(stage: Stage, *paths: str, headers: dict | None = None) -> None:
    """The pages that show what an example wrote answer 200 with the envelope."""
    for path in paths:
        get(stage, path, headers)


def pick_body(title="제목", first="첫째", second="둘째", content="내용", ids=(None, None)) -> dict:
    def option(title_, content_, option_id):
        found = {"pickOptionTitle": title_, "pickOptionContent": content_, "pickOptionImageIds": []}
        return found if option_id is None else {"pickOptionId": option_id, **found}

    return {
        "pickTitle": title,
        "pickOptions": {
            "firstPickOption": option(first, content, ids[0]),
            "secondPickOption": option(second, None, ids[1]),
        },
    }


PICK_FIELDS = {
    "pickTitle": ("pickTitle", "title", Errors.TITLE_REQUIRED, Errors.PICK_TITLE_REQUIRED),
    "first": (
        "pickOptions.firstPickOption.pickOptionTitle",
        "first",
        Errors.OPTION_TITLE_REQUIRED,
        Errors.PICK_OPTION_TITLE_REQUIRED,
    ),
    "content": ("pickOptions.firstPickOption.pickOptionContent", "content", None, None),
}


def check_pick(stage: Stage, pick_id: int, field: str, value: str) -> None:
    detail = get(stage, f"/picks/{pick_id}")["data"]
    first = detail["pickOptions"]["firstPickOption"]
    shown = {"pickTitle": detail["pickTitle"], "first": first["title"], "content": first["content"]}[field]
    assert shown == (None if field == "content" and is_blank(value) else value)
    mine = get(stage, "/mypage/picks?size=1")["data"]["content"][0]
    assert mine["id"] == pick_id
    assert (mine["title"], mine["pickOptions"][0]["title"]) == (detail["pickTitle"], first["title"])
    pages(stage, "/picks?size=5")


# Picks ------------------------------------------------------------------------------------------------------------


@EXAMPLES
@given(text=TEXT, field=st.sampled_from(sorted(PICK_FIELDS)))
def test_pick_create(stage, text, field):
    where, argument, required, _ = PICK_FIELDS[field]
    status, body = send(stage, "POST", "/picks", pick_body(**{argument: text}))
    if expect(status, body, text, where, required.message if required else None):
        check_pick(stage, body["data"]["pickId"], field, as_received(text))


@EXAMPLES
@given(text=TEXT, field=st.sampled_from(sorted(PICK_FIELDS)))
def test_pick_modify(stage, text, field):
    status, body = send(stage, "POST", "/picks", pick_body())
    assert status == 200
    pick_id = body["data"]["pickId"]
    options = get(stage, f"/picks/{pick_id}")["data"]["pickOptions"]
    ids = (options["firstPickOption"]["id"], options["secondPickOption"]["id"])
    where, argument, _, required = PICK_FIELDS[field]
    status, body = send(stage, "PATCH", f"/picks/{pick_id}", pick_body(ids=ids, **{argument: text}))
    if expect(status, body, text, where, required.message if required else None):
        check_pick(stage, pick_id, field, as_received(text))


# Comments and replies ---------------------------------------------------------------------------------------------

KINDS = {
    "pick": ("/picks/1/comments", "pickCommentId", Errors.CONTENTS_REQUIRED.message, {"isPickVotePublic": False}),
    "tech": ("/articles/1/comments", "techCommentId", Errors.TECH_COMMENT_CONTENTS_REQUIRED.message, {}),
}
BLANK_REPLY = {"pick": Errors.CONTENTS_REQUIRED.message, "tech": Errors.TECH_COMMENT_CONTENTS_REQUIRED.message}


def write_comment(stage: Stage, kind: str, path_suffix: str = "", contents: str = "멀쩡한 댓글") -> int:
    path, id_field, _, extra = KINDS[kind]
    status, body = send(stage, "POST", path + path_suffix, {"contents": contents, **extra})
    assert status == 200, body
    return body["data"][id_field]


@EXAMPLES
@given(text=TEXT, kind=st.sampled_from(sorted(KINDS)), action=st.sampled_from(["write", "reply", "modify"]))
def test_comments_replies_and_their_changes(stage, text, kind, action):
    path, id_field, blank, extra = KINDS[kind]
    if action == "write":
        status, body = send(stage, "POST", path, {"contents": text, **extra})
    else:
        origin = write_comment(stage, kind)
        if action == "reply":
            status, body = send(stage, "POST", f"{path}/{origin}/{origin}", {"contents": text})
        else:
            status, body = send(stage, "PATCH", f"{path}/{origin}", {"contents": text})
    if expect(status, body, text, "contents", blank):
        shown = latest_comment(stage, stage.user)
        assert shown["commentContents"] == as_received(text)
        thread = get(stage, path)["data"]["content"]
        assert as_received(text) in [c["contents"] for c in thread] + [
            r["contents"] for c in thread for r in c["replies"]
        ]
    pages(stage, path + "/best", "/mypage/comments")


# Members: nickname, blame reasons, exit survey -------------------------------------------------------------------


def fresh_member(stage: Stage) -> dict[str, str]:
    return new_member(stage.runtime, f"m{uuid.uuid4().hex[:10]}")[1]


@EXAMPLES
@given(text=TEXT)
def test_nickname_change(stage, text):
    member = fresh_member(stage)
    status, body = send(stage, "PATCH", "/mypage/nickname", {"nickname": text}, member)
    value = as_received(text)
    if not is_valid_text(value) or is_blank(value):
        expect(status, body, text, "nickname", Errors.NICKNAME_REQUIRED.message)
    elif len(value) > 20:
        assert (status, body["message"]) == (400, Errors.NICKNAME_LENGTH.message)
    else:
        assert status == 200, body
        assert body["data"] == value
        # The nickname shows on the member's comments and picks.
        write = send(stage, "POST", "/picks/2/comments", {"contents": "닉네임 확인", "isPickVotePublic": False}, member)
        assert write[0] == 200
        thread = get(stage, "/picks/2/comments", member)["data"]["content"]
        assert thread[0]["author"] == value
    changeable = get(stage, "/mypage/nickname/changeable", member)["data"]
    assert changeable is (status != 200)  # a refused change is not saved and does not start the 24 hours
    pages(stage, "/picks/2", "/picks/2/comments/best", "/mypage/comments", headers=member)


@EXAMPLES
@given(text=TEXT)
def test_blame_reason(stage, text):
    member = fresh_member(stage)
    status, body = send(stage, "POST", "/blames/PICK", {"pickId": 3, "blameTypeId": 6, "customReason": text}, member)
    if is_valid_text(as_received(text)):  # at most 24 characters: within the reason's 100
        assert status == 200, body
        assert list(body["data"]) == ["blameId"]
    else:
        expect(status, body, text, "customReason", None)
    pages(stage, "/picks/3", "/picks/3/comments")


@EXAMPLES
@given(text=TEXT)
def test_exit_survey_message(stage, text):
    member = fresh_member(stage)
    answer = {"questionId": 1, "memberExitSurveyQuestionOptions": [{"id": 3, "message": text}]}
    status, body = send(stage, "POST", "/mypage/exit-survey", answer, member)
    value = as_received(text)
    where = "memberExitSurveyQuestionOptions[0].message"
    if is_valid_text(value):
        fits = len(value.strip()) >= 10 and len(value) <= 500
        expected = (200, None) if fits else (400, Errors.EXIT_SURVEY_MESSAGE_LENGTH.message)
        assert (status, body.get("message")) == expected, body
    else:
        expect(status, body, text, where, None)
    get(stage, "/mypage/exit-survey", member)


# The crawler ------------------------------------------------------------------------------------------------------


@EXAMPLES
@given(text=TEXT, field=st.sampled_from(["title", "contents", "author"]))
def test_crawler_articles(stage, text, field):
    article = {
        "companyId": 1,
        "title": "제목",
        "contents": "본문",
        "author": "작성자",
        "regDate": "2026-01-01",
        "techArticleUrl": f"https://fuzz.example.com/{uuid.uuid4().hex}",
        field: text,
    }
    status, body = send(stage, "POST", "/articles", {"techArticles": [article]}, CRAWLER)
    value = as_received(text)
    if not is_valid_text(value):
        expect(status, body, text, f"techArticles[0].{field}", None)
    elif is_blank(value) and field == "title":
        assert (status, body["message"]) == (400, "techArticles[0].title 값이 필요합니다."), body
    else:
        assert status == 200, body
        article_id = body["data"]["techArticles"][0]["id"]
        shown = get(stage, f"/articles/{article_id}")["data"]
        expected = None if is_blank(value) else value.strip()
        assert shown[field] == (expected or "" if field == "contents" else expected)
    get(stage, "/articles")


# Reads with arbitrary text in the query -----------------------------------------------------------------------------


@EXAMPLES
@given(text=TEXT)
def test_search_and_auto_complete(stage, text):
    # A URL carries UTF-8: a lone surrogate cannot be sent, the client's replacement character stands for it.
    query = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    for path, name in (("/articles", "keyword"), ("/keywords/auto-complete", "prefix")):
        response = stage.client.get(f"{BASE}{path}", params={name: query}, headers=stage.user)
        body = envelope(response)
        if "\x00" in query:
            assert (response.status_code, body["message"]) == (400, INVALID.format(where=f"query {name}"))
