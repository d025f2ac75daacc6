"""The envelope and the Slice JSON (docs/rules.md#conv-envelope, #conv-slice)."""

import json

from devdevdev.api.envelope import failure, success, success_list, to_json
from devdevdev.domain.slices import slice_page


def test_success_without_data_is_only_the_result_type():
    assert success() == {"resultType": "SUCCESS"}


def test_lists_go_in_datas():
    assert success_list([1, 2]) == {"resultType": "SUCCESS", "datas": [1, 2]}


def test_korean_is_written_as_utf8_not_escapes():
    body = to_json(failure("회원을 찾을 수 없습니다.", 404))
    assert "회원을 찾을 수 없습니다." in body
    assert "\\u" not in body


def test_slice_has_the_contracts_keys_in_order():
    page = slice_page([{"id": 1}], size=10, has_next=False, sorted_by_id=True)
    assert list(page) == ["content", "pageable", "size", "number", "sort", "first", "last", "numberOfElements", "empty"]
    assert page["pageable"] == {
        "pageNumber": 0,
        "pageSize": 10,
        "sort": {"empty": False, "sorted": True, "unsorted": False},
        "offset": 0,
        "paged": True,
        "unpaged": False,
    }
    assert (page["first"], page["last"], page["numberOfElements"], page["empty"]) == (True, True, 1, False)


def test_comment_slice_carries_both_totals_after_pageable():
    page = slice_page([], size=5, has_next=False, total_elements=6, total_origin_parent_comments=5)
    assert list(page)[:4] == ["content", "pageable", "totalElements", "totalOriginParentComments"]
    assert page["sort"] == {"empty": True, "sorted": False, "unsorted": True}
    assert page["empty"] is True


def test_last_is_exactly_not_has_next():
    assert slice_page([1, 2], size=2, has_next=True)["last"] is False
    assert slice_page([1, 2], size=2, has_next=False)["last"] is True


def test_decimals_serialize_as_numbers():
    from decimal import Decimal

    assert json.loads(to_json({"a": Decimal("3"), "b": Decimal("1.5")})) == {"a": 3, "b": 1.5}
