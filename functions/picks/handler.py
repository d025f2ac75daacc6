"""Function group ``picks``: lists, detail, create, modify, delete, votes, moderation, images and similar picks."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from devdevdev.api.app import create_resolver, handle, ok, ok_list, scope
from devdevdev.domain.errors import Errors
from devdevdev.domain.parsing import cursor_id, page_size
from devdevdev.services import picks
from devdevdev.store.picks import PickSort

app = create_resolver()
PICKS_PAGE_SIZE = 10


def _member_id() -> int:
    """The member calling; guests get 403 ``비회원은 현재 해당 기능을 이용할 수 없습니다.``."""
    return scope(app).caller.require_member_id(Errors.GUEST_NOT_ALLOWED)


@app.get("/picks")
def list_picks() -> Response:
    current = scope(app)
    request = current.request
    sort = request.query_enum("pickSort", PickSort, default=PickSort.LATEST)
    size = page_size(request.query.get("size"), default=PICKS_PAGE_SIZE)
    cursor = cursor_id(request.query.get("pickId"), "pickId")
    return ok(picks.list_picks(current.runtime, current.caller.actor(), sort, cursor, size))  # type: ignore[arg-type]


@app.post("/picks")
def create_pick() -> Response:
    current = scope(app)
    member_id = _member_id()
    return ok(picks.create_pick(current.runtime, member_id, current.request.json_body()))


@app.post("/picks/vote")
def vote() -> Response:
    current = scope(app)
    body = current.request.json_body()
    return ok(picks.vote(current.runtime, current.caller.actor(), body))


@app.post("/picks/image")
def upload_images() -> Response:
    from devdevdev.api.multipart import parse_multipart
    from devdevdev.services import pick_images

    current = scope(app)
    member_id = _member_id()
    request = current.request
    parts = parse_multipart(request.header("content-type"), request.body_bytes)
    name = request.query.get("name")
    if name is None:
        name = next(
            (p.data.decode("utf-8", errors="replace") for p in parts if p.name == "name" and p.file_name is None), None
        )
    return ok(pick_images.upload(current.runtime, member_id, name, parts, len(request.body_bytes)))


@app.post("/picks/image/upload-url")
def presign_image_upload() -> Response:
    from devdevdev.services import pick_images

    current = scope(app)
    member_id = _member_id()
    return ok(pick_images.presign(current.runtime, member_id, current.request.json_body()))


@app.delete("/picks/image/<pickOptionImageId>")
def delete_image(pickOptionImageId: str) -> Response:  # noqa: N803 (the contract's parameter name)
    from devdevdev.services import pick_images

    current = scope(app)
    member_id = _member_id()
    pick_images.delete_image(current.runtime, member_id, current.request.path_int("pickOptionImageId"))
    return ok()


@app.get("/picks/<pickId>")
def pick_detail(pickId: str) -> Response:  # noqa: N803
    current = scope(app)
    pick_id = current.request.path_int("pickId")
    return ok(picks.pick_detail(current.runtime, current.caller.actor(), pick_id, current.request.zone))


@app.patch("/picks/<pickId>")
def modify_pick(pickId: str) -> Response:  # noqa: N803
    current = scope(app)
    pick_id = current.request.path_int("pickId")
    member_id = _member_id()
    return ok(picks.modify_pick(current.runtime, member_id, pick_id, current.request.json_body()))


@app.delete("/picks/<pickId>")
def delete_pick(pickId: str) -> Response:  # noqa: N803
    current = scope(app)
    pick_id = current.request.path_int("pickId")
    picks.delete_pick(current.runtime, _member_id(), pick_id)
    return ok()


@app.patch("/picks/<pickId>/status")
def moderate_pick(pickId: str) -> Response:  # noqa: N803
    """Not in the contract: admins approve or reject picks (the contract creates them READY)."""
    current = scope(app)
    pick_id = current.request.path_int("pickId")
    if not current.caller.is_member:
        raise Errors.INVALID_MEMBER.error()
    current.caller.member_id  # an exited admin is refused like any exited member  # noqa: B018
    if not current.caller.is_admin:
        raise Errors.ACCESS_DENIED.error()
    return ok(picks.moderate(current.runtime, pick_id, current.request.json_body()))


@app.get("/picks/<pickId>/similarties")
def similar(pickId: str) -> Response:  # noqa: N803
    """나도 고민 했는데 픽픽픽: members and guests alike."""
    from devdevdev.services import similar_picks

    current = scope(app)
    return ok_list(similar_picks.similar_picks(current.runtime, current.request.path_int("pickId")))


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(app, event, context)
