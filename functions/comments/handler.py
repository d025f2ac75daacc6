"""Function group ``comments``: comments, replies, recommends and best comments on picks and tech articles; blames."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import Response
from devdevdev.api.app import create_resolver, handle, ok, ok_list, scope
from devdevdev.domain.errors import Errors, bad_request
from devdevdev.domain.parsing import cursor_id, page_size, parse_int
from devdevdev.services import comments
from devdevdev.services.comments import PICK, TECH, Kind
from devdevdev.store.comments import CommentSort

if TYPE_CHECKING:
    from devdevdev.services.blames import BlameInput

app = create_resolver()
COMMENTS_PAGE_SIZE = 5


class PickCommentSort(Enum):
    """The orders of pick comments (tech comments also have OLDEST)."""

    LATEST = CommentSort.LATEST
    MOST_LIKED = CommentSort.MOST_LIKED
    MOST_COMMENTED = CommentSort.MOST_COMMENTED


def _kind_and_post(kind: Kind) -> int:
    return scope(app).request.path_int("pickId" if kind is PICK else "techArticleId")


# Lists ------------------------------------------------------------------------------------------------------------


def _list(kind: Kind) -> Response:
    current = scope(app)
    request = current.request
    post_id = _kind_and_post(kind)
    size = page_size(request.query.get("size"), default=COMMENTS_PAGE_SIZE)
    cursor = cursor_id(request.query.get(kind.id_field), kind.id_field)
    if kind is PICK:
        picked = request.query_enum("pickCommentSort", PickCommentSort, default=PickCommentSort.LATEST)
        sort = picked.value  # type: ignore[union-attr]
        # The real parameter is pickOptionTypes; the contract's table calls it pickOptionType: both are read.
        raw_types = ",".join(
            v for v in (request.query.get("pickOptionTypes"), request.query.get("pickOptionType")) if v
        )
        option_types = comments.parse_option_types(raw_types or None)
    else:
        sort = request.query_enum("techCommentSort", CommentSort, default=CommentSort.LATEST)
        option_types = []
    actor = current.caller.actor()
    return ok(
        comments.list_comments(
            current.runtime,
            kind,
            actor,
            post_id,
            sort,
            cursor,
            size,
            request.zone,
            option_types,  # type: ignore[arg-type]
        )
    )


def _best(kind: Kind) -> Response:
    current = scope(app)
    post_id = _kind_and_post(kind)
    size = comments.best_size(parse_int(current.request.query.get("size"), "size"))
    actor = current.caller.actor()
    return ok_list(comments.best_comments(current.runtime, kind, actor, post_id, size, current.request.zone))


@app.get("/picks/<pickId>/comments")
def list_pick_comments(pickId: str) -> Response:  # noqa: N803 (the contract's parameter names)
    return _list(PICK)


@app.get("/picks/<pickId>/comments/best")
def best_pick_comments(pickId: str) -> Response:  # noqa: N803
    return _best(PICK)


@app.get("/articles/<techArticleId>/comments")
def list_tech_comments(techArticleId: str) -> Response:  # noqa: N803
    return _list(TECH)


@app.get("/articles/<techArticleId>/comments/best")
def best_tech_comments(techArticleId: str) -> Response:  # noqa: N803
    return _best(TECH)


# Writes -----------------------------------------------------------------------------------------------------------


@app.post("/picks/<pickId>/comments")
def write_pick_comment(pickId: str) -> Response:  # noqa: N803
    current = scope(app)
    pick_id = _kind_and_post(PICK)
    body = current.request.json_body()
    return ok(comments.write_pick_comment(current.runtime, current.caller.actor(), pick_id, body))


@app.post("/articles/<techArticleId>/comments")
def write_tech_comment(techArticleId: str) -> Response:  # noqa: N803
    current = scope(app)
    article_id = _kind_and_post(TECH)
    body = current.request.json_body()
    return ok(comments.write_tech_comment(current.runtime, current.caller.actor(), article_id, body))


def _recommend(kind: Kind, comment_param: str) -> Response:
    current = scope(app)
    post_id = _kind_and_post(kind)
    comment_id = current.request.path_int(comment_param)
    member_id = current.caller.require_member_id()
    return ok(comments.recommend(current.runtime, kind, member_id, post_id, comment_id))


# Registered before the reply routes: ``.../{id}/recommends`` must not be read as a reply to comment "recommends".
@app.post("/picks/<pickId>/comments/<pickCommentId>/recommends")
def recommend_pick_comment(pickId: str, pickCommentId: str) -> Response:  # noqa: N803
    return _recommend(PICK, "pickCommentId")


@app.post("/articles/<techArticleId>/comments/<techCommentId>/recommends")
def recommend_tech_comment(techArticleId: str, techCommentId: str) -> Response:  # noqa: N803
    return _recommend(TECH, "techCommentId")


def _reply(kind: Kind, origin_param: str, parent_param: str) -> Response:
    current = scope(app)
    request = current.request
    post_id = _kind_and_post(kind)
    origin_id, parent_id = request.path_int(origin_param), request.path_int(parent_param)
    body = request.json_body()
    actor = current.caller.actor()
    return ok(comments.write_reply(current.runtime, kind, actor, post_id, origin_id, parent_id, body))


@app.post("/picks/<pickId>/comments/<pickOriginParentCommentId>/<pickParentCommentId>")
def reply_pick_comment(pickId: str, pickOriginParentCommentId: str, pickParentCommentId: str) -> Response:  # noqa: N803
    return _reply(PICK, "pickOriginParentCommentId", "pickParentCommentId")


@app.post("/articles/<techArticleId>/comments/<originParentTechCommentId>/<parentTechCommentId>")
def reply_tech_comment(techArticleId: str, originParentTechCommentId: str, parentTechCommentId: str) -> Response:  # noqa: N803
    return _reply(TECH, "originParentTechCommentId", "parentTechCommentId")


def _modify(kind: Kind, comment_param: str) -> Response:
    current = scope(app)
    post_id = _kind_and_post(kind)
    comment_id = current.request.path_int(comment_param)
    body = current.request.json_body()
    return ok(comments.modify(current.runtime, kind, current.caller.actor(), post_id, comment_id, body))


def _delete(kind: Kind, comment_param: str) -> Response:
    current = scope(app)
    post_id = _kind_and_post(kind)
    comment_id = current.request.path_int(comment_param)
    caller = current.caller
    actor = caller.actor()
    return ok(comments.delete(current.runtime, kind, actor, caller.is_admin, post_id, comment_id))


@app.patch("/picks/<pickId>/comments/<pickCommentId>")
def modify_pick_comment(pickId: str, pickCommentId: str) -> Response:  # noqa: N803
    return _modify(PICK, "pickCommentId")


@app.delete("/picks/<pickId>/comments/<pickCommentId>")
def delete_pick_comment(pickId: str, pickCommentId: str) -> Response:  # noqa: N803
    return _delete(PICK, "pickCommentId")


@app.patch("/articles/<techArticleId>/comments/<techCommentId>")
def modify_tech_comment(techArticleId: str, techCommentId: str) -> Response:  # noqa: N803
    return _modify(TECH, "techCommentId")


@app.delete("/articles/<techArticleId>/comments/<techCommentId>")
def delete_tech_comment(techArticleId: str, techCommentId: str) -> Response:  # noqa: N803
    return _delete(TECH, "techCommentId")


# Blames -----------------------------------------------------------------------------------------------------------


@app.get("/blames")
def blame_types() -> Response:
    from devdevdev.services import blames

    current = scope(app)
    current.caller.member_id  # an exited member is refused (404) like everywhere  # noqa: B018
    return ok_list(blames.blame_types(current.runtime))


def _blame_input(path_type: str, body: dict[str, Any]) -> BlameInput:
    """A blame request's checks, in the contract's order: path, ids, reason id, custom reason, target."""
    from devdevdev.services import blames
    from devdevdev.store.blames import BlameTarget

    if path_type not in blames.PATH_TYPES:
        raise Errors.BLAME_PATH_INVALID.error()
    ids = {
        name: parse_int(body.get(name), name, minimum=1)
        for name in ("pickId", "pickCommentId", "techArticleId", "techArticleCommentId", "blameTypeId")
    }
    blame_type_id = ids["blameTypeId"]
    if blame_type_id is None:
        raise Errors.BLAME_TYPE_ID_REQUIRED.error()
    custom = body.get("customReason")
    if custom is not None and not isinstance(custom, str):
        raise bad_request("customReason 값은 문자열이어야 합니다.")
    pick_id, pick_comment_id = ids["pickId"], ids["pickCommentId"]
    article_id, tech_comment_id = ids["techArticleId"], ids["techArticleCommentId"]
    if path_type == "PICK":
        if article_id is not None or tech_comment_id is not None:
            raise Errors.PICK_BAD_ACCESS.error()
        if pick_id is None:
            raise Errors.PICK_ID_REQUIRED.error()
        target = (
            BlameTarget.pick(pick_id) if pick_comment_id is None else BlameTarget.pick_comment(pick_id, pick_comment_id)
        )
    else:
        if pick_id is not None or pick_comment_id is not None:
            raise bad_request("기술블로그 신고에는 pickId, pickCommentId를 보낼 수 없습니다.")
        if article_id is None or tech_comment_id is None:
            raise bad_request("기술블로그 댓글 신고에는 techArticleId와 techArticleCommentId가 필요합니다.")
        target = BlameTarget.tech_comment(article_id, tech_comment_id)
    return blames.BlameInput(target, blame_type_id, custom)


@app.post("/blames/<blamePathType>")
def blame(blamePathType: str) -> Response:  # noqa: N803
    from devdevdev.services import blames

    current = scope(app)
    member_id = current.caller.member_id
    request = _blame_input(unquote(blamePathType), current.request.json_body())
    return ok(blames.blame(current.runtime, member_id, request))


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(app, event, context)
