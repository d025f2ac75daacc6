"""Function group ``picks``: lists, detail, create, modify, delete, votes, moderation, images and similar picks.

Each route parses its request into the typed values the services take (:class:`~devdevdev.services.picks.NewPick`,
:class:`~devdevdev.services.picks.VoteInput`, :class:`~devdevdev.services.pick_images.ImageUpload`, ...), checking
it in the contract's order: the first problem found is the one reported.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from devdevdev.api.app import create_resolver, handle, ok, ok_list, scope
from devdevdev.api.request import path_id
from devdevdev.domain.errors import Errors, ErrorSpec, bad_request
from devdevdev.domain.parsing import cursor_id, page_size, parse_int
from devdevdev.domain.text import is_blank
from devdevdev.services import picks
from devdevdev.services.picks import (
    CONTENT_MAX,
    CREATE,
    IMAGES_PER_OPTION_MAX,
    MODERATION_STATUSES,
    MODIFY,
    TITLE_MAX,
    NewPick,
    PickMessages,
    PickOptionInput,
    VoteInput,
)
from devdevdev.store.picks import OPTION_TYPES, PickSort

app = create_resolver()
PICKS_PAGE_SIZE = 10


def _member_id() -> int:
    """The member calling; guests get 403 ``비회원은 현재 해당 기능을 이용할 수 없습니다.``."""
    return scope(app).caller.require_member_id(Errors.GUEST_NOT_ALLOWED)


# Request bodies ---------------------------------------------------------------------------------------------------


def _text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request(f"{name} 값은 문자열이어야 합니다.")
    return value


def _image_ids(value: Any, name: str) -> tuple[int, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise bad_request(f"{name} 값은 숫자 배열이어야 합니다.")
    parsed = [parse_int(v, name, minimum=1) for v in value]
    ids = [i for i in parsed if i is not None]
    if len(ids) != len(parsed):
        raise bad_request(f"{name} 값은 숫자 배열이어야 합니다.")
    if len(set(ids)) != len(ids):
        raise bad_request(f"{name}에 같은 이미지가 두 번 있습니다.")
    if len(ids) > IMAGES_PER_OPTION_MAX:
        raise Errors.PICK_IMAGE_TOO_MANY.error()
    return tuple(ids)


def _title(value: Any, name: str, required: ErrorSpec) -> str:
    title = _text(value, name)
    if title is None or is_blank(title):
        raise required.error()
    if len(title) > TITLE_MAX:
        raise Errors.TITLE_TOO_LONG.error()
    return title


def parse_pick(body: dict[str, Any], messages: PickMessages) -> NewPick:
    """The title and both options of a create or modify body, validated with the contract's messages."""
    title = _title(body.get("pickTitle"), "pickTitle", messages.title_required)
    raw_options = body.get("pickOptions")
    if not isinstance(raw_options, dict) or not raw_options:
        raise Errors.PICK_OPTIONS_REQUIRED.error()
    unknown = sorted(set(raw_options) - set(OPTION_TYPES))
    if unknown:
        raise bad_request(f"pickOptions에는 firstPickOption, secondPickOption만 올 수 있습니다: {', '.join(unknown)}")
    parsed = []
    for option_type in OPTION_TYPES:
        raw = raw_options.get(option_type)
        if not isinstance(raw, dict):
            raise Errors.PICK_OPTIONS_REQUIRED.error()
        option_id = None
        if messages.option_id_required:
            option_id = parse_int(raw.get("pickOptionId"), "pickOptionId", minimum=1)
            if option_id is None:
                raise Errors.PICK_OPTION_ID_REQUIRED.error()
        option_title = _title(raw.get("pickOptionTitle"), "pickOptionTitle", messages.option_title_required)
        content = _text(raw.get("pickOptionContent"), "pickOptionContent")
        if content is not None and len(content) > CONTENT_MAX:
            raise Errors.PICK_CONTENT_TOO_LONG.error()
        images = _image_ids(raw.get("pickOptionImageIds"), "pickOptionImageIds")
        blank = content is None or is_blank(content)
        parsed.append(PickOptionInput(option_type, option_id, option_title, None if blank else content, images))
    first, second = parsed
    if set(first.image_ids) & set(second.image_ids):
        raise bad_request("같은 이미지를 두 선택지에 모두 첨부할 수 없습니다.")
    return NewPick(title, (first, second))


def _vote_input(body: dict[str, Any]) -> VoteInput:
    pick_id = parse_int(body.get("pickId"), "pickId", minimum=1)
    if pick_id is None:
        raise Errors.PICK_ID_REQUIRED.error()
    option_id = parse_int(body.get("pickOptionId"), "pickOptionId", minimum=1)
    if option_id is None:
        raise Errors.PICK_OPTION_ID_REQUIRED.error()
    return VoteInput(pick_id, option_id)


def _moderation_status(body: dict[str, Any]) -> str:
    status = _text(body.get("contentStatus"), "contentStatus")
    if status not in MODERATION_STATUSES:
        raise bad_request(f"contentStatus 값이 올바르지 않습니다. 가능한 값: {', '.join(MODERATION_STATUSES)}")
    return status


# Routes -----------------------------------------------------------------------------------------------------------


@app.get("/picks")
def list_picks() -> Response:
    current = scope(app)
    request = current.request
    sort = request.query_enum("pickSort", PickSort) or PickSort.LATEST
    size = page_size(request.query.get("size"), default=PICKS_PAGE_SIZE)
    cursor = cursor_id(request.query.get("pickId"), "pickId")
    return ok(picks.list_picks(current.runtime, current.caller.actor(), sort, cursor, size))


@app.post("/picks")
def create_pick() -> Response:
    current = scope(app)
    member_id = _member_id()
    new = parse_pick(current.request.json_body(), CREATE)
    return ok(picks.create_pick(current.runtime, member_id, new))


@app.post("/picks/vote")
def vote() -> Response:
    current = scope(app)
    request = _vote_input(current.request.json_body())
    return ok(picks.vote(current.runtime, current.caller.actor(), request))


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
    files = tuple(
        pick_images.UploadedFile(p.file_name, p.content_type, bytes(p.data))
        for p in parts
        if p.name == pick_images.UPLOAD_FIELD and p.file_name is not None
    )
    upload = pick_images.ImageUpload(name, files, len(request.body_bytes))
    return ok(pick_images.upload(current.runtime, member_id, upload))


@app.post("/picks/image/upload-url")
def presign_image_upload() -> Response:
    from devdevdev.services import pick_images

    current = scope(app)
    member_id = _member_id()
    body = current.request.json_body()
    name = pick_images.image_name(body.get("name"))
    content_type = pick_images.image_type(body.get("contentType"))
    size = parse_int(body.get("size"), "size", minimum=1)
    if size is None:
        raise bad_request("size 값이 필요합니다.")
    pick_images.check_size(size)
    file_name = body.get("fileName")
    if not isinstance(file_name, str) or is_blank(file_name):
        raise bad_request("fileName 값이 필요합니다.")
    request = pick_images.PresignInput(name, content_type, size, file_name)
    return ok(pick_images.presign(current.runtime, member_id, request))


@app.delete("/picks/image/<pickOptionImageId>")
def delete_image(pickOptionImageId: str) -> Response:
    from devdevdev.services import pick_images

    current = scope(app)
    member_id = _member_id()
    pick_images.delete_image(current.runtime, member_id, path_id(pickOptionImageId, "pickOptionImageId"))
    return ok()


@app.get("/picks/<pickId>")
def pick_detail(pickId: str) -> Response:
    current = scope(app)
    pick_id = path_id(pickId, "pickId")
    return ok(picks.pick_detail(current.runtime, current.caller.actor(), pick_id, current.request.zone))


@app.patch("/picks/<pickId>")
def modify_pick(pickId: str) -> Response:
    current = scope(app)
    pick_id = path_id(pickId, "pickId")
    member_id = _member_id()
    new = parse_pick(current.request.json_body(), MODIFY)
    return ok(picks.modify_pick(current.runtime, member_id, pick_id, new))


@app.delete("/picks/<pickId>")
def delete_pick(pickId: str) -> Response:
    current = scope(app)
    pick_id = path_id(pickId, "pickId")
    picks.delete_pick(current.runtime, _member_id(), pick_id)
    return ok()


@app.patch("/picks/<pickId>/status")
def moderate_pick(pickId: str) -> Response:
    """Not in the contract: admins approve or reject picks (the contract creates them READY)."""
    current = scope(app)
    pick_id = path_id(pickId, "pickId")
    if not current.caller.is_member:
        raise Errors.INVALID_MEMBER.error()
    current.caller.member_id  # an exited admin is refused like any exited member  # noqa: B018
    if not current.caller.is_admin:
        raise Errors.ACCESS_DENIED.error()
    status = _moderation_status(current.request.json_body())
    return ok(picks.moderate(current.runtime, pick_id, status))


@app.get("/picks/<pickId>/similarties")
def similar(pickId: str) -> Response:
    """나도 고민 했는데 픽픽픽: members and guests alike."""
    from devdevdev.services import similar_picks

    current = scope(app)
    return ok_list(similar_picks.similar_picks(current.runtime, path_id(pickId, "pickId")))


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(app, event, context)
