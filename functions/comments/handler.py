"""Function group ``comments``: comments, replies, recommends and best comments on picks and tech articles; blames."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import Response
from devdevdev.api.app import create_resolver, handle, ok, ok_list, scope
from devdevdev.api.request import path_id
from devdevdev.domain.errors import Errors, bad_request
from devdevdev.domain.parsing import cursor_id, page_size, parse_int
from devdevdev.domain.text import is_blank
from devdevdev.services import comments
from devdevdev.services.comments import PICK, TECH, CommentEdit, CommentQuery, Kind, NewComment, NewReply
from devdevdev.store.comments import CommentSort
from devdevdev.store.picks import OPTION_TYPES

if TYPE_CHECKING:
    from devdevdev.services.blames import BlameInput

app = create_resolver()
COMMENTS_PAGE_SIZE = 5


class PickCommentSort(Enum):
    """The orders of pick comments (tech comments also have OLDEST)."""

    LATEST = CommentSort.LATEST
    MOST_LIKED = CommentSort.MOST_LIKED
    MOST_COMMENTED = CommentSort.MOST_COMMENTED


# Input ------------------------------------------------------------------------------------------------------------


def _contents(kind: Kind, body: dict[str, Any]) -> str:
    """``contents``: text with something other than blanks (else the kind's required message), 1000 characters at
    most (else ``댓글은 1글자 이상 1000글자 이하여야 합니다.``)."""
    contents = body.get("contents")
    if contents is None or (isinstance(contents, str) and is_blank(contents)):
        raise kind.contents_required.error()
    if not isinstance(contents, str):
        raise bad_request("contents 값은 문자열이어야 합니다.")
    if len(contents) > comments.CONTENTS_MAX:
        raise Errors.COMMENT_LENGTH.error()
    return contents


def _new_pick_comment(body: dict[str, Any]) -> NewComment:
    """A pick comment's body: ``contents``, then ``isPickVotePublic`` (required, a boolean)."""
    contents = _contents(PICK, body)
    public = body.get("isPickVotePublic")
    if public is None:
        raise Errors.PICK_VOTE_PUBLIC_REQUIRED.error()
    if not isinstance(public, bool):
        raise bad_request("isPickVotePublic 값은 true 또는 false여야 합니다.")
    return NewComment(contents, is_pick_vote_public=public)


def _option_types(raw: str | None) -> tuple[str, ...]:
    """``pickOptionTypes``: repeated or comma-separated ``firstPickOption``/``secondPickOption``; empty → none."""
    if raw is None:
        return ()
    values = tuple(v.strip() for v in raw.split(",") if v.strip())
    unknown = [v for v in values if v not in OPTION_TYPES]
    if unknown:
        raise bad_request(f"pickOptionTypes 값이 올바르지 않습니다. 가능한 값: {', '.join(OPTION_TYPES)}")
    return values


# Lists ------------------------------------------------------------------------------------------------------------


def _list(kind: Kind, raw_post_id: str) -> Response:
    current = scope(app)
    request = current.request
    post_id = path_id(raw_post_id, "pickId" if kind is PICK else "techArticleId")
    size = page_size(request.query.get("size"), default=COMMENTS_PAGE_SIZE)
    cursor = cursor_id(request.query.get(kind.id_field), kind.id_field)
    sort: CommentSort
    option_types: tuple[str, ...] = ()
    if kind is PICK:
        picked = request.query_enum("pickCommentSort", PickCommentSort, default=PickCommentSort.LATEST)
        assert picked is not None
        sort = picked.value
        # The real parameter is pickOptionTypes; the contract's table calls it pickOptionType: both are read.
        raw_types = ",".join(
            v for v in (request.query.get("pickOptionTypes"), request.query.get("pickOptionType")) if v
        )
        option_types = _option_types(raw_types or None)
    else:
        chosen = request.query_enum("techCommentSort", CommentSort, default=CommentSort.LATEST)
        assert chosen is not None
        sort = chosen
    query = CommentQuery(sort, cursor, size, option_types)
    actor = current.caller.actor()
    return ok(comments.list_comments(current.runtime, kind, actor, post_id, query, request.zone))


def _best(kind: Kind, raw_post_id: str) -> Response:
    current = scope(app)
    post_id = path_id(raw_post_id, "pickId" if kind is PICK else "techArticleId")
    size = comments.best_size(parse_int(current.request.query.get("size"), "size"))
    actor = current.caller.actor()
    return ok_list(comments.best_comments(current.runtime, kind, actor, post_id, size, current.request.zone))


@app.get("/picks/<pickId>/comments")
def list_pick_comments(pickId: str) -> Response:
    return _list(PICK, pickId)


@app.get("/picks/<pickId>/comments/best")
def best_pick_comments(pickId: str) -> Response:
    return _best(PICK, pickId)


@app.get("/articles/<techArticleId>/comments")
def list_tech_comments(techArticleId: str) -> Response:
    return _list(TECH, techArticleId)


@app.get("/articles/<techArticleId>/comments/best")
def best_tech_comments(techArticleId: str) -> Response:
    return _best(TECH, techArticleId)


# Writes -----------------------------------------------------------------------------------------------------------


@app.post("/picks/<pickId>/comments")
def write_pick_comment(pickId: str) -> Response:
    current = scope(app)
    pick_id = path_id(pickId, "pickId")
    body = current.request.json_body()
    actor = current.caller.actor()
    return ok(comments.write_pick_comment(current.runtime, actor, pick_id, _new_pick_comment(body)))


@app.post("/articles/<techArticleId>/comments")
def write_tech_comment(techArticleId: str) -> Response:
    current = scope(app)
    article_id = path_id(techArticleId, "techArticleId")
    body = current.request.json_body()
    actor = current.caller.actor()
    return ok(comments.write_tech_comment(current.runtime, actor, article_id, NewComment(_contents(TECH, body))))


def _recommend(kind: Kind, post_id: int, comment_id: int) -> Response:
    current = scope(app)
    member_id = current.caller.require_member_id()
    return ok(comments.recommend(current.runtime, kind, member_id, post_id, comment_id))


# Registered before the reply routes: ``.../{id}/recommends`` must not be read as a reply to comment "recommends".
@app.post("/picks/<pickId>/comments/<pickCommentId>/recommends")
def recommend_pick_comment(pickId: str, pickCommentId: str) -> Response:
    return _recommend(PICK, path_id(pickId, "pickId"), path_id(pickCommentId, "pickCommentId"))


@app.post("/articles/<techArticleId>/comments/<techCommentId>/recommends")
def recommend_tech_comment(techArticleId: str, techCommentId: str) -> Response:
    return _recommend(TECH, path_id(techArticleId, "techArticleId"), path_id(techCommentId, "techCommentId"))


def _reply(kind: Kind, post_id: int, origin_id: int, parent_id: int) -> Response:
    current = scope(app)
    body = current.request.json_body()
    actor = current.caller.actor()
    reply = NewReply(origin_id, parent_id, _contents(kind, body))
    return ok(comments.write_reply(current.runtime, kind, actor, post_id, reply))


@app.post("/picks/<pickId>/comments/<pickOriginParentCommentId>/<pickParentCommentId>")
def reply_pick_comment(pickId: str, pickOriginParentCommentId: str, pickParentCommentId: str) -> Response:
    post_id = path_id(pickId, "pickId")
    origin_id = path_id(pickOriginParentCommentId, "pickOriginParentCommentId")
    return _reply(PICK, post_id, origin_id, path_id(pickParentCommentId, "pickParentCommentId"))


@app.post("/articles/<techArticleId>/comments/<originParentTechCommentId>/<parentTechCommentId>")
def reply_tech_comment(techArticleId: str, originParentTechCommentId: str, parentTechCommentId: str) -> Response:
    post_id = path_id(techArticleId, "techArticleId")
    origin_id = path_id(originParentTechCommentId, "originParentTechCommentId")
    return _reply(TECH, post_id, origin_id, path_id(parentTechCommentId, "parentTechCommentId"))


def _modify(kind: Kind, post_id: int, comment_id: int) -> Response:
    current = scope(app)
    body = current.request.json_body()
    actor = current.caller.actor()
    edit = CommentEdit(_contents(kind, body))
    return ok(comments.modify(current.runtime, kind, actor, post_id, comment_id, edit))


def _delete(kind: Kind, post_id: int, comment_id: int) -> Response:
    current = scope(app)
    caller = current.caller
    actor = caller.actor()
    return ok(comments.delete(current.runtime, kind, actor, caller.is_admin, post_id, comment_id))


@app.patch("/picks/<pickId>/comments/<pickCommentId>")
def modify_pick_comment(pickId: str, pickCommentId: str) -> Response:
    return _modify(PICK, path_id(pickId, "pickId"), path_id(pickCommentId, "pickCommentId"))


@app.delete("/picks/<pickId>/comments/<pickCommentId>")
def delete_pick_comment(pickId: str, pickCommentId: str) -> Response:
    return _delete(PICK, path_id(pickId, "pickId"), path_id(pickCommentId, "pickCommentId"))


@app.patch("/articles/<techArticleId>/comments/<techCommentId>")
def modify_tech_comment(techArticleId: str, techCommentId: str) -> Response:
    return _modify(TECH, path_id(techArticleId, "techArticleId"), path_id(techCommentId, "techCommentId"))


@app.delete("/articles/<techArticleId>/comments/<techCommentId>")
def delete_tech_comment(techArticleId: str, techCommentId: str) -> Response:
    return _delete(TECH, path_id(techArticleId, "techArticleId"), path_id(techCommentId, "techCommentId"))


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
def blame(blamePathType: str) -> Response:
    from devdevdev.services import blames

    current = scope(app)
    member_id = current.caller.member_id
    request = _blame_input(unquote(blamePathType), current.request.json_body())
    return ok(blames.blame(current.runtime, member_id, request))


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(app, event, context)
