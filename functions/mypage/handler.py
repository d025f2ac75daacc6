"""Function group ``mypage``: the member's own lists, exit survey, exit, nickname."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from devdevdev.api.app import create_resolver, handle, ok, scope
from devdevdev.api.request import cursor_id, page_size
from devdevdev.services import picks

app = create_resolver()
MY_PICKS_PAGE_SIZE = 10


@app.get("/mypage/picks")
def my_picks() -> Response:
    current = scope(app)
    request = current.request
    size = page_size(request.query.get("size"), default=MY_PICKS_PAGE_SIZE)
    cursor = cursor_id(request.query.get("pickId"), "pickId")
    member = current.caller.member
    return ok(picks.my_picks(current.runtime, member.id, member.pick_total_count, cursor, size))


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(app, event, context)
