"""The input boundary's parts, without the stack: the number parser, the text and JSON checks of HttpRequest, the
blank rule, and the response encoder on strings that cannot be encoded."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from devdevdev.api import inputs
from devdevdev.api.app import _render, error_response
from devdevdev.api.envelope import failure, to_json
from devdevdev.api.live import payload, sse_event
from devdevdev.api.request import HttpRequest
from devdevdev.domain.errors import ApiError, Errors
from devdevdev.domain.parsing import cursor_id, page_size, parse_decimal, parse_int
from devdevdev.domain.text import is_blank


def refused(call) -> tuple[int, str]:
    with pytest.raises(ApiError) as raised:
        call()
    return raised.value.status, raised.value.message


NOT_A_NUMBER = "n 값이 올바른 숫자가 아닙니다."


# The number parser --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1", 1), ("007", 7), (" 42\t", 42), ("-3", -3), ("9223372036854775807", 2**63 - 1), (5, 5), (5.0, 5)],
)
def test_integers_it_takes(raw, value):
    assert parse_int(raw, "n") == value


@pytest.mark.parametrize(
    "raw",
    [
        "+-1", "--1", "+1", "-", "²", "１", "١", "1_000", "0x1", "1e3", "1.0", "1 2", "1\n", "\u00a01", "\u30001",
        "9223372036854775808", "-9223372036854775809", "99999999999999999999", True, 1.5, float("nan"),
        float("inf"), 2**63, [], {},
    ],
)  # fmt: skip
def test_everything_else_is_a_400_naming_the_parameter(raw):
    assert refused(lambda: parse_int(raw, "n")) == (400, NOT_A_NUMBER)


def test_absent_or_empty_is_the_default_and_the_minimum_is_checked():
    assert parse_int(None, "n", default=3) == 3
    assert parse_int(" ", "n", default=3) == 3
    assert refused(lambda: parse_int("0", "n", minimum=1)) == (400, "n 값은 1 이상이어야 합니다.")
    assert page_size("1000", default=10, maximum=100) == 100
    assert refused(lambda: page_size("+-1", default=10)) == (400, "size 값이 올바른 숫자가 아닙니다.")
    assert cursor_id("9223372036854775807", "pickId") is None  # Long.MAX_VALUE: the first page
    assert refused(lambda: cursor_id("²", "pickId")) == (400, "pickId 값이 올바른 숫자가 아닙니다.")


@pytest.mark.parametrize(("raw", "value"), [("1.5", 1.5), ("-2", -2.0), (".5", 0.5), ("1e3", 1000.0), ("", None)])
def test_decimals_it_takes(raw, value):
    assert parse_decimal(raw, "score") == value


@pytest.mark.parametrize("raw", ["nan", "inf", "-Infinity", "1e400", "１.５", "1_0", "0x1", "1.2.3", "1" * 41])
def test_decimals_it_refuses(raw):
    assert refused(lambda: parse_decimal(raw, "score")) == (400, "score 값이 올바른 숫자가 아닙니다.")


# Text in every part of a request ----------------------------------------------------------------------------------


def event(**parts) -> dict:
    base = {"rawPath": "/devdevdev/api/v1/picks", "requestContext": {"http": {"method": "POST", "sourceIp": "1.2.3.4"}}}
    return base | parts


def invalid(where: str) -> tuple[int, str]:
    return 400, Errors.INVALID_CHARACTERS.message.format(where=where)


@pytest.mark.parametrize(
    ("parts", "where"),
    [
        ({"headers": {"Timezone": "Asia/\ud800"}}, "header timezone"),
        ({"headers": {"Anonymous-Member-Id": "GA1\x00"}}, "header anonymous-member-id"),
        ({"headers": {"service-name": "\udc00"}}, "header service-name"),
        ({"cookies": ["_ga=GA1.\ud800"]}, "cookie _ga"),
        ({"headers": {"cookie": "DEVDEVDEV_REFRESH_TOKEN=\x00"}}, "header cookie"),  # the header is checked first
        ({"queryStringParameters": {"keyword": "a\ud800"}}, "query keyword"),
        ({"queryStringParameters": {"\ud800": "1"}}, "query \ufffd"),
        ({"pathParameters": {"pickId": "1\x00"}}, "path pickId"),
        ({"rawPath": "/devdevdev/api/v1/picks/\ud800"}, "path"),
    ],
)
def test_headers_cookies_query_and_path_must_be_valid_text(parts, where):
    assert refused(lambda: HttpRequest(event(**parts)).check_strings()) == invalid(where)


def test_valid_text_of_every_kind_passes():
    request = HttpRequest(
        event(
            headers={"Timezone": "Asia/Seoul", "X-Note": "한글 😀 \u200b \u202e \ufffe"},
            cookies=["_ga=GA1.1.2.3"],
            queryStringParameters={"keyword": "é\u0301 \U0001f600"},
            pathParameters={"pickId": "1"},
        )
    )
    request.check_strings()  # no exception
    assert request.query["keyword"] == "é\u0301 \U0001f600"


def body_of(text: str, **extra) -> dict:
    return HttpRequest(event(body=text, **extra)).json_body()


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"contents": "hi \\ud800 there"}', "contents"),
        ('{"contents": "\\u0000"}', "contents"),
        ('{"a": {"b": [1, "x", "\\udfff"]}}', "a.b[2]"),
        ('{"a": [{"\\ud800": 1}]}', "a[0].\ufffd"),
        ('{"a": "\\ude00\\ud83d"}', "a"),  # a low then a high surrogate: two lone ones
    ],
)
def test_every_string_of_the_body_at_any_depth_must_be_valid_text(text, where):
    assert refused(lambda: body_of(text)) == invalid(where)


def test_a_pair_of_surrogate_escapes_is_one_character():
    assert body_of('{"a": "\\ud83d\\ude00"}') == {"a": "😀"}


def test_a_body_string_holding_a_surrogate_or_bytes_that_are_not_utf8_are_400():
    assert refused(lambda: body_of('{"a": "\ud800"}')) == invalid("body")
    raw = {"isBase64Encoded": True}
    assert refused(lambda: body_of("eyJhIjogIv8ifQ==", **raw)) == invalid("body")  # {"a": "\xff"}
    assert body_of("77u/eyJhIjogMX0=", **raw) == {"a": 1}  # a UTF-8 byte-order mark is allowed, as before


def test_json_depth_is_bounded_before_parsing():
    too_deep = (400, "요청 본문의 JSON은 32단계까지만 중첩할 수 있습니다.")
    assert body_of('{"a":' + "[" * 30 + "1" + "]" * 30 + "}")  # 31 levels
    assert body_of('{"a":' + "[" * 31 + "]" * 31 + "}")  # 32 levels
    assert refused(lambda: body_of('{"a":' + "[" * 32 + "]" * 32 + "}")) == too_deep
    assert refused(lambda: body_of("[" * 100_000)) == too_deep
    assert refused(lambda: body_of('{"a":' * 5000 + "1" + "}" * 5000)) == too_deep
    assert body_of('{"a": "' + "[" * 100 + '", "b": "\\"[[[["}') == {"a": "[" * 100, "b": '"[[[['}


def test_the_depth_count_is_linear_on_hostile_text():
    for text in ('"' + '\\"' * 500_000, "[]" * 500_000, '"\\' * 300_000, "[" * 33 + '"' + "a" * 1_000_000):
        started = time.perf_counter()
        inputs.json_too_deep(text)
        assert time.perf_counter() - started < 1.0


def test_json_size_is_bounded_and_nan_is_not_json():
    big = '{"a": "' + "x" * inputs.JSON_MAX_BYTES + '"}'
    assert refused(lambda: body_of(big)) == (400, "요청 본문의 JSON은 4194304바이트를 넘을 수 없습니다.")
    for text in ('{"a": NaN}', '{"a": Infinity}', '{"a": -Infinity}'):
        assert refused(lambda text=text: body_of(text)) == (400, "요청 본문이 올바른 JSON이 아닙니다.")


# The blank rule ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "", " ", "\t\n", "\u3000", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u3164", "\u115f", "\u1160",
        "\uffa0", "\u2800", "\u00ad", "\u200e\u200f", "\u202a\u202e\u2066\u2069", "\u180e", "\ufe0f", "\U000e0020",
        "\x00\x01\x7f\x85", " \u200b\u3164 \u2800 ",
    ],
)  # fmt: skip
def test_invisible_only_is_blank(text):
    assert is_blank(text)


@pytest.mark.parametrize("text", ["a", "\u200b가\u200b", "😀", "\u3131", "\u0301", ".", "\ufffd", "0"])
def test_anything_visible_is_not_blank(text):
    assert not is_blank(text)


# The encoder ------------------------------------------------------------------------------------------------------


def test_the_encoder_writes_a_lone_surrogate_as_a_replacement_character():
    body = to_json({"contents": "hi \ud800 there", "\udfff": ["\ud83d\ude00", "😀"]})
    body.encode("utf-8")  # never raises
    assert json.loads(body) == {"contents": "hi \ufffd there", "\ufffd": ["\ufffd\ufffd", "😀"]}
    assert to_json({"a": "한글 \x00 😀"}) == '{"a":"한글 \\u0000 😀"}'  # valid text is untouched


def test_error_bodies_and_live_messages_are_encodable():
    rendered = _render(error_response(ApiError(Errors.INVALID_INPUT.error().spec, "bad \ud800")))
    assert json.loads(rendered["body"].encode("utf-8")) == failure("bad \ufffd", 400)
    live = sse_event(payload("새 글 \ud800", datetime(2026, 1, 1, tzinfo=UTC)))
    assert live.encode("utf-8") == 'data: {"message":"새 글 \ufffd","createdAt":"2026-01-01T09:00:00"}\n\n'.encode()


# The reference documents them ---------------------------------------------------------------------------------------


def test_the_reference_documents_the_boundary_errors_where_they_apply():
    from infra.apidoc.openapi import documented, errors_of

    entries = documented()
    nickname = errors_of(entries["PATCH /devdevdev/api/v1/mypage/nickname"])
    picks = errors_of(entries["GET /devdevdev/api/v1/picks"])
    assert {"INVALID_CHARACTERS", "JSON_TOO_DEEP", "JSON_TOO_LARGE"} <= set(nickname)
    assert {"NOT_A_NUMBER", "NUMBER_TOO_SMALL"}.isdisjoint(nickname)
    assert {"INVALID_CHARACTERS", "NOT_A_NUMBER", "NUMBER_TOO_SMALL"} <= set(picks)
    assert {"JSON_TOO_DEEP", "JSON_TOO_LARGE"}.isdisjoint(picks)
