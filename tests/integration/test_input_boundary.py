"""The input boundary (issue 17, findings 1, 3 and 6) replayed through HTTP on the local gateway.

- A lone UTF-16 surrogate sent as a JSON escape (``"\\ud800"``), or NUL, in any string of a request is a 400 that
  names where it was; nothing is saved, and every page answers 200 afterwards.
- A value stored before the boundary existed (written here straight into the table) renders with U+FFFD.
- ``+-1``, ``--1``, ``²`` as a query parameter, a path id or a JSON id are 400s naming the parameter; JSON nested
  5,000 deep is a 400 before it is parsed; a body above the cap is a 400.
- Titles, comments and nicknames made only of invisible characters are blank, with the blank value's message.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from infra.local import services
from tests.conftest import BASE, bearer, fail, tokens

pytestmark = pytest.mark.integration

JSON_TYPE = {"Content-Type": "application/json"}
ANON = {"Anonymous-Member-Id": "GA1.1.276672604.1715872960"}
SURROGATE_MESSAGE = "{}에 사용할 수 없는 문자(짝 없는 서로게이트, NUL)가 있습니다."
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u3164\u115f\u1160\uffa0\u2800\u00ad\u202e \u3000\t"
USER_NICKNAME = "댑댑이_User"

# Every page that shows a pick, a pick option, a comment or a member's nickname (seeded pick 1 and article 1).
PAGES = (
    "/picks",
    "/picks/1",
    "/picks/1/comments",
    "/picks/1/comments/best",
    "/articles/1/comments",
    "/articles/1/comments/best",
    "/mypage/picks",
    "/mypage/comments",
)


@pytest.fixture
def user(client) -> str:
    return tokens(client)["accessToken"]


def send(client, method: str, path: str, text: str, token: str):
    return client.request(method, f"{BASE}{path}", content=text.encode("utf-8"), headers={**JSON_TYPE, **bearer(token)})


def pick_text(title: str = "제목", first: str = "첫째", second: str = "둘째", first_id: str = "", second_id: str = ""):
    """A pick create/modify body as JSON text, so that its strings may hold raw escapes."""
    return (
        f'{{"pickTitle": "{title}", "pickOptions": {{'
        f'"firstPickOption": {{{first_id}"pickOptionTitle": "{first}", "pickOptionContent": "내용", '
        f'"pickOptionImageIds": []}}, '
        f'"secondPickOption": {{{second_id}"pickOptionTitle": "{second}", "pickOptionContent": null, '
        f'"pickOptionImageIds": []}}}}}}'
    )


def assert_pages_answer(client, token: str) -> list[dict]:
    """Every page answers 200 with a JSON envelope in UTF-8; their bodies."""
    bodies = []
    for page in PAGES:
        response = client.get(f"{BASE}{page}", headers={**bearer(token), **ANON})
        assert response.status_code == 200, (page, response.text)
        response.content.decode("utf-8")  # strict: valid UTF-8
        body = response.json()
        assert body["resultType"] == "SUCCESS", page
        bodies.append(body)
    return bodies


def comment(client, token: str, path: str, contents: str = "멀쩡한 댓글") -> int:
    response = client.post(
        f"{BASE}{path}", headers=bearer(token), json={"contents": contents, "isPickVotePublic": False}
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    return data.get("pickCommentId") or data["techCommentId"]


# Finding 1: strings the API could not send back ------------------------------------------------------------------


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\ude00\\ud83d", "\\u0000"])
def test_a_lone_surrogate_or_nul_in_any_write_is_400_and_nothing_breaks(client, seeded, user, escape):
    pick_comment = comment(client, user, "/picks/1/comments")
    tech_comment = comment(client, user, "/articles/1/comments")
    pick_id = send(client, "POST", "/picks", pick_text(), user).json()["data"]["pickId"]
    detail = client.get(f"{BASE}/picks/{pick_id}", headers=bearer(user)).json()["data"]["pickOptions"]
    ids = (
        f'"pickOptionId": {detail["firstPickOption"]["id"]}, ',
        f'"pickOptionId": {detail["secondPickOption"]["id"]}, ',
    )
    bad = f"hi {escape} there"
    shown = f"hi {chr(0xFFFD) * escape.count(chr(92))} there"  # each refused code point, replaced in the message
    writes = [
        ("POST", "/picks/1/comments", f'{{"contents": "{bad}", "isPickVotePublic": false}}', "contents"),
        ("POST", f"/picks/1/comments/{pick_comment}/{pick_comment}", f'{{"contents": "{bad}"}}', "contents"),
        ("PATCH", f"/picks/1/comments/{pick_comment}", f'{{"contents": "{bad}"}}', "contents"),
        ("POST", "/articles/1/comments", f'{{"contents": "{bad}"}}', "contents"),
        ("POST", f"/articles/1/comments/{tech_comment}/{tech_comment}", f'{{"contents": "{bad}"}}', "contents"),
        ("PATCH", f"/articles/1/comments/{tech_comment}", f'{{"contents": "{bad}"}}', "contents"),
        ("POST", "/picks", pick_text(title=bad), "pickTitle"),
        ("POST", "/picks", pick_text(second=bad), "pickOptions.secondPickOption.pickOptionTitle"),
        (
            "PATCH",
            f"/picks/{pick_id}",
            pick_text(first=bad, first_id=ids[0], second_id=ids[1]),
            "pickOptions.firstPickOption.pickOptionTitle",
        ),
        ("PATCH", "/mypage/nickname", f'{{"nickname": "{bad}"}}', "nickname"),
        ("POST", "/blames/PICK", f'{{"pickId": 1, "blameTypeId": 7, "customReason": "{bad}"}}', "customReason"),
        ("PATCH", "/mypage/nickname", f'{{"{bad}": "새 닉네임"}}', shown),
    ]
    for method, path, text, where in writes:
        response = send(client, method, path, text, user)
        assert (response.status_code, response.json()) == (400, fail(SURROGATE_MESSAGE.format(where), 400)), (
            method,
            path,
        )
    # Nothing was saved: the nickname is unchanged and may still be changed, the comments are the ones written.
    member = seeded.members.find_by_login("KAKAO", "test_user@devdevdev.com")
    assert member.nickname == USER_NICKNAME
    changeable = client.get(f"{BASE}/mypage/nickname/changeable", headers=bearer(user)).json()
    assert changeable == {"resultType": "SUCCESS", "data": True}
    bodies = assert_pages_answer(client, user)
    assert "there" not in json.dumps(bodies, ensure_ascii=False)


def test_a_surrogate_pair_escape_is_a_character_and_round_trips(client, user):
    response = send(
        client, "POST", "/picks/1/comments", '{"contents": "웃음 \\ud83d\\ude00", "isPickVotePublic": false}', user
    )
    assert response.status_code == 200, response.text
    comments = client.get(f"{BASE}/picks/1/comments", headers=bearer(user)).json()["data"]["content"]
    assert comments[0]["contents"] == "웃음 😀"


def test_query_and_header_strings_are_checked_on_every_route(client, user):
    response = client.get(f"{BASE}/articles?keyword=a%00b")
    assert (response.status_code, response.json()) == (400, fail(SURROGATE_MESSAGE.format("query keyword"), 400))
    # A surrogate's UTF-8 form is not UTF-8: the gateway decodes it to U+FFFD, which is valid text (not a number).
    response = client.get(f"{BASE}/picks?size=%ED%A0%80")
    assert (response.status_code, response.json()) == (400, fail("size 값이 올바른 숫자가 아닙니다.", 400))
    response = client.get(f"{BASE}/picks/%00")
    assert (response.status_code, response.json()) == (400, fail(SURROGATE_MESSAGE.format("path"), 400))
    assert_pages_answer(client, user)


def test_a_body_that_is_not_utf8_is_400(client, user):
    response = client.post(
        f"{BASE}/picks/1/comments",
        content=b'{"contents": "\xff\xfe"}',
        headers={"Content-Type": "application/octet-stream", **bearer(user)},
    )
    assert (response.status_code, response.json()) == (400, fail(SURROGATE_MESSAGE.format("body"), 400))


def _put(runtime, key: tuple[str, str], expression: str, values: dict, names: dict | None = None) -> None:
    """Write straight into the table (no API, no check): what an item from before the boundary may hold."""
    client = services.dynamodb_client(runtime.settings.dynamodb_endpoint or "")
    client.update_item(
        TableName=runtime.settings.table_name,
        Key={"PK": {"S": key[0]}, "SK": {"S": key[1]}},
        UpdateExpression=expression,
        ExpressionAttributeValues={k: {"S": v} for k, v in values.items()},
        **({"ExpressionAttributeNames": names} if names else {}),
    )


def test_a_stored_lone_surrogate_renders_as_a_replacement_character(client, seeded, user):
    from devdevdev.store import keys

    pick_comment = comment(client, user, "/picks/1/comments")
    reply = comment(client, user, f"/picks/1/comments/{pick_comment}/{pick_comment}", "멀쩡한 답글")
    tech_comment = comment(client, user, "/articles/1/comments")
    member = seeded.members.find_by_login("KAKAO", "test_user@devdevdev.com")
    bad = "hi \ud800 there"
    _put(seeded, keys.pick(1), "SET title = :t, firstPickOption.title = :t", {":t": bad})
    _put(seeded, keys.comment(keys.PICK_COMMENTS, 1, pick_comment), "SET contents = :t", {":t": bad})
    _put(seeded, keys.comment(keys.PICK_COMMENTS, 1, reply), "SET contents = :t", {":t": bad})
    _put(seeded, keys.comment(keys.TECH_COMMENTS, 1, tech_comment), "SET contents = :t", {":t": bad})
    _put(seeded, keys.member(member.id), "SET nickname = :t", {":t": bad})
    assert seeded.members.find_by_login("KAKAO", "test_user@devdevdev.com").nickname == bad  # really stored

    bodies = assert_pages_answer(client, user)
    rendered = "hi \ufffd there"
    picks, pick, pick_comments, _, tech_comments, _, my_picks, my_comments = bodies
    first = next(p for p in picks["data"]["content"] if p["id"] == 1)
    assert first["title"] == rendered
    assert first["pickOptions"][0]["title"] == rendered
    assert pick["data"]["pickTitle"] == rendered
    assert pick["data"]["nickname"] == rendered
    assert pick["data"]["pickOptions"]["firstPickOption"]["title"] == rendered
    thread = next(c for c in pick_comments["data"]["content"] if c["pickCommentId"] == pick_comment)
    assert (thread["contents"], thread["author"], thread["replies"][0]["contents"]) == (rendered, rendered, rendered)
    assert thread["votedPickOptionTitle"] is None
    tech = next(c for c in tech_comments["data"]["content"] if c["techCommentId"] == tech_comment)
    assert (tech["contents"], tech["author"]) == (rendered, rendered)
    assert rendered in json.dumps(my_picks, ensure_ascii=False)
    assert rendered in json.dumps(my_comments, ensure_ascii=False)


# Finding 3: numbers that are not numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["+-1", "--1", "²", "１", "1_0", "0x1", "1.5", "99999999999999999999"])
def test_a_number_that_is_not_one_is_400_naming_the_parameter(client, user, value):
    cases = [
        ("GET", f"/picks?size={quote(value)}", None, "size"),
        ("GET", f"/picks?pickId={quote(value)}", None, "pickId"),
        ("GET", f"/picks/{quote(value)}", None, "pickId"),
        ("GET", f"/articles?companyId={quote(value)}", None, "companyId"),
        ("GET", f"/articles/{quote(value)}", None, "techArticleId"),
        ("PATCH", f"/notifications/{quote(value)}/read", None, "notificationId"),
        ("POST", "/picks/vote", f'{{"pickId": 1, "pickOptionId": "{value}"}}', "pickOptionId"),
        ("POST", "/picks/vote", f'{{"pickId": "{value}", "pickOptionId": 1}}', "pickId"),
        ("POST", "/subscriptions", f'{{"companyId": "{value}"}}', "companyId"),
        ("POST", "/blames/PICK", f'{{"pickId": 1, "blameTypeId": "{value}"}}', "blameTypeId"),
    ]
    for method, path, text, name in cases:
        if text is None:
            response = client.request(method, f"{BASE}{path}", headers=bearer(user))
        else:
            response = send(client, method, path, text, user)
        assert (response.status_code, response.json()) == (400, fail(f"{name} 값이 올바른 숫자가 아닙니다.", 400)), path
    assert_pages_answer(client, user)


VIEW_FIELDS = ("viewTotalCount", "popularScore")  # what each detail read changes (it counts a view)


def _views(body: dict) -> tuple[dict, int | None]:
    """The body without the fields a view changes, and its view count (None where it has none)."""
    data = body["data"]
    if not isinstance(data, dict) or "viewTotalCount" not in data:
        return body, None
    return {**body, "data": {k: v for k, v in data.items() if k not in VIEW_FIELDS}}, data["viewTotalCount"]


def test_a_percent_encoded_id_in_the_path_is_the_id_in_every_group(client, user):
    # API Gateway decodes the path parameters it hands over: /picks/%31 is /picks/1 on every route with an id
    for plain, encoded in [
        ("/picks/1", "/picks/%31"),
        ("/articles/1", "/articles/%31"),
        ("/picks/1/comments", "/picks/%31/comments"),
        ("/articles/1/comments", "/articles/%31/comments"),
    ]:
        expected = client.get(f"{BASE}{plain}", headers=bearer(user))
        response = client.get(f"{BASE}{encoded}", headers=bearer(user))
        assert (expected.status_code, response.status_code) == (200, 200), (plain, expected.text, response.text)
        (expected_body, views_before), (body, views) = _views(expected.json()), _views(response.json())
        assert body == expected_body, encoded
        assert views == (None if views_before is None else views_before + 1), encoded
    response = client.patch(f"{BASE}/notifications/%31%78/read", headers=bearer(user))  # "1x"
    assert (response.status_code, response.json()) == (
        400,
        fail("notificationId 값이 올바른 숫자가 아닙니다.", 400),
    )


def test_numbers_in_range_with_spaces_around_are_taken(client, user):
    response = client.get(f"{BASE}/picks?size=%201%09", headers=bearer(user))
    assert response.status_code == 200, response.text
    assert len(response.json()["data"]["content"]) == 1
    response = client.get(f"{BASE}/picks?size=-1")
    assert (response.status_code, response.json()) == (400, fail("size 값은 1 이상이어야 합니다.", 400))
    response = client.get(f"{BASE}/articles?score=nan&techArticleSort=HIGHEST_SCORE")
    assert (response.status_code, response.json()) == (400, fail("score 값이 올바른 숫자가 아닙니다.", 400))


def test_json_nested_five_thousand_deep_is_400_before_parsing(client, user):
    deep = '{"contents": "x", "isPickVotePublic": false, "extra": ' + "[" * 5000 + "]" * 5000 + "}"
    response = send(client, "POST", "/picks/1/comments", deep, user)
    expected = fail("요청 본문의 JSON은 32단계까지만 중첩할 수 있습니다.", 400)
    assert (response.status_code, response.json()) == (400, expected)
    objects = '{"a":' * 5000 + "1" + "}" * 5000
    response = send(client, "PATCH", "/mypage/nickname", objects, user)
    assert (response.status_code, response.json()) == (400, expected)
    # 32 levels in all (the body's own object is the first) is within the bound; brackets in strings do not count.
    within = '{"contents": "[[[[{{{{", "isPickVotePublic": false, "extra": ' + "[" * 31 + "]" * 31 + "}"
    response = send(client, "POST", "/picks/1/comments", within, user)
    assert response.status_code == 200, response.text
    beyond = '{"contents": "x", "isPickVotePublic": false, "extra": ' + "[" * 32 + "]" * 32 + "}"
    response = send(client, "POST", "/picks/1/comments", beyond, user)
    assert (response.status_code, response.json()) == (400, expected)
    assert_pages_answer(client, user)


def test_a_json_body_above_the_cap_is_400(client, user):
    text = json.dumps({"contents": "가" * 10, "pad": "a" * (4 * 1024 * 1024)})
    response = send(client, "POST", "/picks/1/comments", text, user)
    assert (response.status_code, response.json()) == (
        400,
        fail("요청 본문의 JSON은 4194304바이트를 넘을 수 없습니다.", 400),
    )


def test_nan_and_infinity_are_not_json(client, user):
    response = send(client, "POST", "/picks/vote", '{"pickId": NaN, "pickOptionId": Infinity}', user)
    assert (response.status_code, response.json()) == (400, fail("요청 본문이 올바른 JSON이 아닙니다.", 400))


# Finding 6: invisible is blank -------------------------------------------------------------------------------------


def test_invisible_text_is_blank_everywhere(client, seeded, user):
    pick_comment = comment(client, user, "/picks/1/comments")
    tech_comment = comment(client, user, "/articles/1/comments")
    cases = [
        ("POST", "/picks/1/comments", {"contents": INVISIBLE, "isPickVotePublic": False}, "내용을 작성해주세요."),
        ("POST", f"/picks/1/comments/{pick_comment}/{pick_comment}", {"contents": INVISIBLE}, "내용을 작성해주세요."),
        ("PATCH", f"/picks/1/comments/{pick_comment}", {"contents": INVISIBLE}, "내용을 작성해주세요."),
        ("POST", "/articles/1/comments", {"contents": INVISIBLE}, "댓글 내용을 작성해주세요."),
        (
            "POST",
            f"/articles/1/comments/{tech_comment}/{tech_comment}",
            {"contents": INVISIBLE},
            "댓글 내용을 작성해주세요.",
        ),
        ("PATCH", f"/articles/1/comments/{tech_comment}", {"contents": INVISIBLE}, "댓글 내용을 작성해주세요."),
        ("POST", "/picks", json.loads(pick_text(title="x")) | {"pickTitle": INVISIBLE}, "제목을 작성해주세요."),
        ("PATCH", "/mypage/nickname", {"nickname": INVISIBLE}, "닉네임은 필수입니다."),
    ]
    body = json.loads(pick_text())
    body["pickOptions"]["firstPickOption"]["pickOptionTitle"] = "\u200b\u200b"
    cases.append(("POST", "/picks", body, "선택지 제목을 작성해주세요."))
    for method, path, payload, message in cases:
        response = client.request(method, f"{BASE}{path}", headers=bearer(user), json=payload)
        assert (response.status_code, response.json()) == (400, fail(message, 400)), (method, path)
    assert seeded.members.find_by_login("KAKAO", "test_user@devdevdev.com").nickname == USER_NICKNAME
    # Visible text among invisible characters is text, kept as sent.
    response = client.patch(f"{BASE}/mypage/nickname", headers=bearer(user), json={"nickname": "\u200b댑\u200d"})
    assert response.status_code == 200, response.text
    assert seeded.members.find_by_login("KAKAO", "test_user@devdevdev.com").nickname == "\u200b댑\u200d"
