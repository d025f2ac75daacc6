"""Function group ``mypage``: the member's own lists, exit survey, exit, nickname. Each route reads its request into
typed values; the services take only those."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from devdevdev.api.app import create_resolver, handle, ok, scope
from devdevdev.api.cookies import CookieJar
from devdevdev.domain.errors import ApiError, Errors, bad_request
from devdevdev.domain.parsing import cursor_id, page_size, parse_int
from devdevdev.domain.text import is_blank
from devdevdev.services import mypage

app = create_resolver()
MY_PICKS_PAGE_SIZE = 10
MY_BOOKMARKS_PAGE_SIZE = 10
MY_COMPANIES_PAGE_SIZE = 8
MY_COMMENTS_PAGE_SIZE = 6


@app.get("/mypage/picks")
def my_picks() -> Response:
    from devdevdev.services import picks

    current = scope(app)
    request = current.request
    size = page_size(request.query.get("size"), default=MY_PICKS_PAGE_SIZE)
    cursor = cursor_id(request.query.get("pickId"), "pickId")
    member = current.caller.member
    return ok(picks.my_picks(current.runtime, member.id, member.pick_total_count, cursor, size))


@app.get("/mypage/comments")
def my_comments() -> Response:
    from devdevdev.services import comments

    current = scope(app)
    request = current.request
    comment_filter = (
        request.query_enum("commentFilter", comments.CommentFilter, default=comments.CommentFilter.ALL)
        or comments.CommentFilter.ALL
    )
    size = page_size(request.query.get("size"), default=MY_COMMENTS_PAGE_SIZE)
    pick_cursor = cursor_id(request.query.get("pickCommentId"), "pickCommentId")
    tech_cursor = cursor_id(request.query.get("techCommentId"), "techCommentId")
    member = current.caller.member
    return ok(
        comments.my_comments(
            current.runtime,
            member,
            comment_filter,
            pick_cursor,
            tech_cursor,
            size,
            request.zone,
        )
    )


@app.get("/mypage/bookmarks")
def my_bookmarks() -> Response:
    from devdevdev.services import articles
    from devdevdev.store.articles import BookmarkSort

    current = scope(app)
    request = current.request
    sort = request.query_enum("bookmarkSort", BookmarkSort, default=BookmarkSort.BOOKMARKED) or BookmarkSort.BOOKMARKED
    size = page_size(request.query.get("size"), default=MY_BOOKMARKS_PAGE_SIZE)
    cursor = cursor_id(request.query.get("techArticleId"), "techArticleId")
    return ok(articles.my_bookmarks(current.runtime, current.caller.member_id, sort, cursor, size))


@app.get("/mypage/subscriptions/companies")
def my_companies() -> Response:
    from devdevdev.services import companies

    current = scope(app)
    request = current.request
    size = page_size(request.query.get("size"), default=MY_COMPANIES_PAGE_SIZE)
    cursor = cursor_id(request.query.get("companyId"), "companyId")
    member = current.caller.member
    return ok(companies.my_companies(current.runtime, member.id, member.subscription_total_count, cursor, size))


@app.get("/mypage/exit-survey")
def exit_survey() -> Response:
    current = scope(app)
    return ok(mypage.exit_survey(current.runtime, current.caller.member))


def _chosen_option(raw: dict[str, Any]) -> mypage.ChosenOption:
    """One chosen option; a value that does not parse keeps its 400 for the service to raise in its turn."""
    option_id: int | ApiError
    try:
        parsed = parse_int(raw.get("id"), "id", minimum=1)
        option_id = parsed if parsed is not None else Errors.ID_REQUIRED.error()
    except ApiError as error:
        option_id = error
    message = raw.get("message")
    if message is not None and not isinstance(message, str):
        message = Errors.EXIT_SURVEY_MESSAGE_LENGTH.error()
    return mypage.ChosenOption(id=option_id, message=message)


def _exit_survey_answer(body: dict[str, Any]) -> mypage.ExitSurveyAnswer:
    question_id = parse_int(body.get("questionId"), "questionId", minimum=1)
    if question_id is None:
        raise Errors.ID_REQUIRED.error()
    raw_options = body.get("memberExitSurveyQuestionOptions")
    if raw_options is None:
        raise bad_request("memberExitSurveyQuestionOptions 값이 필요합니다.")
    if not isinstance(raw_options, list) or not all(isinstance(o, dict) for o in raw_options):
        raise bad_request("memberExitSurveyQuestionOptions 값은 객체 배열이어야 합니다.")
    if not raw_options:
        raise bad_request("하나 이상의 답변을 선택해주세요.")
    return mypage.ExitSurveyAnswer(question_id, tuple(_chosen_option(raw) for raw in raw_options))


@app.post("/mypage/exit-survey")
def answer_exit_survey() -> Response:
    current = scope(app)
    body = current.request.json_body()
    member = current.caller.member
    mypage.answer_exit_survey(current.runtime, member, _exit_survey_answer(body))
    return ok()


@app.delete("/mypage/profile")
def exit_member() -> Response:
    current = scope(app)
    mypage.exit_member(current.runtime, current.caller.member)
    jar = CookieJar(current.runtime.settings, current.runtime.clock.now())
    return ok(cookies=jar.exited())


@app.get("/mypage/nickname/random")
def random_nickname() -> Response:
    current = scope(app)
    current.caller.member  # only live members  # noqa: B018
    return ok(mypage.random_nickname(current.runtime))


@app.get("/mypage/nickname/changeable")
def nickname_changeable() -> Response:
    current = scope(app)
    return ok(mypage.nickname_changeable(current.runtime, current.caller.member))


def _nickname_change(body: dict[str, Any]) -> mypage.NicknameChange:
    nickname = body.get("nickname")
    if nickname is not None and not isinstance(nickname, str):
        raise bad_request("nickname 값은 문자열이어야 합니다.")
    if nickname is None or is_blank(nickname):
        raise Errors.NICKNAME_REQUIRED.error()
    return mypage.NicknameChange(nickname)


@app.patch("/mypage/nickname")
def change_nickname() -> Response:
    current = scope(app)
    body = current.request.json_body()
    member = current.caller.member
    return ok(mypage.change_nickname(current.runtime, member, _nickname_change(body)))


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(app, event, context)
