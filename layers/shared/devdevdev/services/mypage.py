"""My page: the exit survey, leaving, and nickname changes (docs/rules.md#mypage-random-nickname,
#mypage-nickname-change, #mypage-exit-survey, #mypage-exit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from devdevdev.domain.errors import ApiError, Errors, bad_request
from devdevdev.store.members import Member
from devdevdev.store.surveys import Survey

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime

NICKNAME_PLACEHOLDER = "#nickName"
MESSAGE_MIN, MESSAGE_MAX = 10, 500
NICKNAME_MAX = 20

T = TypeVar("T")


@dataclass(frozen=True)
class ChosenOption:
    """One option of an exit-survey answer as sent: its id and its custom message (None: none). A value that did not
    parse holds the 400 it earned instead, raised when this option's turn comes: a request's failures are reported
    in the order they are checked (the question against the survey first, then the options one by one)."""

    id: int | ApiError
    message: str | None | ApiError


@dataclass(frozen=True)
class ExitSurveyAnswer:
    """``POST /mypage/exit-survey``: one question of the current survey and the options chosen for it (at least
    one)."""

    question_id: int
    options: tuple[ChosenOption, ...]


@dataclass(frozen=True)
class NicknameChange:
    """``PATCH /mypage/nickname``: the new nickname as sent (not blank)."""

    nickname: str


def _parsed(value: T | ApiError) -> T:
    """The parsed value, or raise the 400 it earned (see :class:`ChosenOption`)."""
    if isinstance(value, ApiError):
        raise value
    return value


def _survey(runtime: Runtime) -> Survey:
    """The current survey; with none configured, an empty one (nothing to answer, nothing blocks an exit)."""
    return runtime.surveys.current() or Survey(version_id=0, questions=())


def exit_survey(runtime: Runtime, member: Member) -> dict[str, Any]:
    """``GET /mypage/exit-survey``: questions by sortOrder descending, ``#nickName`` replaced by the nickname."""
    survey = _survey(runtime)
    questions = sorted(survey.questions, key=lambda q: q.sort_order, reverse=True)
    return {
        "surveyVersionId": survey.version_id or None,
        "surveyQuestions": [
            {
                "id": q.id,
                "title": q.title.replace(NICKNAME_PLACEHOLDER, member.nickname),
                "content": q.content,
                "sortOrder": q.sort_order,
                "surveyQuestionOptions": [
                    {"id": o.id, "title": o.title, "content": o.content, "sortOrder": o.sort_order} for o in q.options
                ],
            }
            for q in questions
        ],
    }


def answer_exit_survey(runtime: Runtime, member: Member, answer: ExitSurveyAnswer) -> None:
    """``POST /mypage/exit-survey``: one question's chosen options, each with an optional custom message.

    Unlike upstream, options that do not belong to the question and repeated options are refused (400)."""
    survey = _survey(runtime)
    question = survey.question(answer.question_id)
    if question is None:
        raise bad_request(f"현재 탈퇴 설문조사에 없는 질문입니다: {answer.question_id}")
    allowed = {o.id for o in question.options}
    answers: list[dict[str, Any]] = []
    for option in answer.options:
        option_id = _parsed(option.id)
        if option_id not in allowed:
            raise bad_request(f"이 질문에 없는 답변입니다: {option_id}")
        if any(a["id"] == option_id for a in answers):
            raise bad_request(f"같은 답변을 두 번 보낼 수 없습니다: {option_id}")
        message = _parsed(option.message)
        if message is not None and not _message_fits(message):
            raise Errors.EXIT_SURVEY_MESSAGE_LENGTH.error()
        answers.append({"id": option_id, "message": message})
    answer_id = runtime.ids.next_id("survey_answer")
    runtime.surveys.add_answer(member.id, survey.version_id, question.id, answer_id, answers, runtime.clock.now())


def _message_fits(message: str) -> bool:
    """A custom message is 10 to 500 characters (surrounding blanks do not count toward the minimum)."""
    return len(message.strip()) >= MESSAGE_MIN and len(message) <= MESSAGE_MAX


def exit_member(runtime: Runtime, member: Member) -> None:
    """``DELETE /mypage/profile``: only after every question of the current survey has an answer (else 400).

    The member is soft-deleted; their picks, comments and votes stay."""
    survey = _survey(runtime)
    answered = runtime.surveys.answered_questions(member.id, survey.version_id) if survey.questions else set()
    if any(q.id not in answered for q in survey.questions):
        raise Errors.EXIT_SURVEY_INCOMPLETE.error()
    if not runtime.members.exit(member, runtime.clock.now()):
        raise Errors.MEMBER_NOT_FOUND.error()
    runtime.live_logins.forget(member.social_type, member.email)  # this instance refuses the member's tokens at once


def random_nickname(runtime: Runtime) -> str:
    """``GET /mypage/nickname/random``: ``<부사> <형용사> <명사>``; 404 when a word type has no words."""
    nickname = runtime.dictionary.random_nickname()
    if nickname is None:
        raise Errors.NICKNAME_WORDS_MISSING.error()
    return nickname


def _interval(runtime: Runtime) -> timedelta:
    return timedelta(minutes=runtime.settings.nickname_change_interval_minutes)


def nickname_changeable(runtime: Runtime, member: Member) -> bool:
    """``GET /mypage/nickname/changeable``: never changed, or changed at least the interval (24 h) ago."""
    changed = member.nickname_updated_at
    return changed is None or changed <= runtime.clock.now() - _interval(runtime)


def change_nickname(runtime: Runtime, member: Member, change: NicknameChange) -> str:
    """``PATCH /mypage/nickname``: 1–20 characters, once per interval (the message says 24 hours whatever the
    setting, as upstream's)."""
    nickname = change.nickname
    if len(nickname) > NICKNAME_MAX:
        raise Errors.NICKNAME_LENGTH.error()
    now = runtime.clock.now()
    if not runtime.members.change_nickname(member.id, nickname, now, now - _interval(runtime)):
        raise Errors.NICKNAME_CHANGE_TOO_SOON.error()
    return nickname
