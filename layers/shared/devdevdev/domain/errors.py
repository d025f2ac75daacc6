"""The error catalogue: every contract message (exact Korean text) with its HTTP status.

Raise :class:`ApiError` with one of the :class:`Errors` entries; the resolver renders it once as
``{"resultType": "FAIL", "message": ..., "errorCode": ...}``. ``errorCode`` is the HTTP status except for the
external-system error (HTTP 500, errorCode 503), as upstream does (docs/rules.md#conv-errors).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorSpec:
    """One catalogue entry."""

    status: int
    message: str
    error_code: int | None = None  # None: the HTTP status

    @property
    def code(self) -> int:
        """The ``errorCode`` written in the body."""
        return self.status if self.error_code is None else self.error_code

    def error(self, **fields: object) -> ApiError:
        """An exception for this entry; ``fields`` fill ``{placeholders}`` in the message."""
        return ApiError(self, self.message.format(**fields) if fields else self.message)


class ApiError(Exception):
    """A failure that the API answers with a contract message."""

    def __init__(
        self,
        spec: ErrorSpec,
        message: str | None = None,
        *,
        cookies: list | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message or spec.message)
        self.spec = spec
        self.message = message or spec.message
        self.cookies = cookies or []  # Set-Cookie to send with the failure (e.g. LOGIN_STATUS=inactive)
        self.headers = headers or {}  # other response headers (e.g. a 429's Retry-After)

    @property
    def status(self) -> int:
        return self.spec.status


def too_many_requests(retry_after_seconds: int) -> ApiError:
    """The contract's 429, with ``Retry-After``: whole seconds until the window that refused the request ends."""
    return ApiError(Errors.TOO_MANY_REQUESTS, headers={"Retry-After": str(max(1, retry_after_seconds))})


def bad_request(message: str) -> ApiError:
    """A 400 with a message of our own, for bad input the contract has no message for."""
    return ApiError(ErrorSpec(400, message), message)


class Errors:
    """Every message of the contract, by name."""

    # Auth, tokens, cookies
    JWT_BAD_SIGNATURE = ErrorSpec(401, "잘못된 서명을 가진 JWT 입니다.")
    JWT_EXPIRED = ErrorSpec(401, "만료된 JWT 입니다.")
    JWT_UNSUPPORTED = ErrorSpec(401, "지원하지 않는 JWT 입니다.")
    INVALID_REFRESH_TOKEN = ErrorSpec(401, "유효하지 않은 리프레시 토큰 입니다.")
    INVALID_MEMBER = ErrorSpec(401, "유효하지 않은 회원 입니다.")
    ACCESS_DENIED = ErrorSpec(403, "해당 자원에 접근 권한이 없습니다.")
    SOCIAL_LOGIN_FAILED = ErrorSpec(503, "소셜 로그인에 실패하였습니다. 관리자에게 문의 주세요.")
    COOKIE_MISSING = ErrorSpec(400, "쿠키가 존재하지 않습니다.")
    COOKIE_VALUE_MISSING = ErrorSpec(400, "이름과 일치하는 쿠키의 값이 없습니다.")
    TOO_MANY_REQUESTS = ErrorSpec(429, "너무 많은 요청을 했습니다. 잠시 후 다시 시도해 주세요.")

    # Members
    MEMBER_NOT_FOUND = ErrorSpec(404, "회원을 찾을 수 없습니다.")
    EXIT_SURVEY_INCOMPLETE = ErrorSpec(400, "탈퇴 설문조사를 완료하지 않은 회원입니다.")
    NICKNAME_CHANGE_TOO_SOON = ErrorSpec(400, "닉네임은 24시간에 한 번만 변경할 수 있습니다.")
    NICKNAME_LENGTH = ErrorSpec(400, "닉네임 길이는 1부터 20 사이여야 합니다.")
    NICKNAME_REQUIRED = ErrorSpec(400, "닉네임은 필수입니다.")
    NICKNAME_WORDS_MISSING = ErrorSpec(404, "랜덤 닉네임 생성을 위한 단어가 없습니다.")
    ANONYMOUS_NOT_ALLOWED = ErrorSpec(405, "익명 회원은 사용할 수 없는 기능 입니다.")
    GUEST_NOT_ALLOWED = ErrorSpec(403, "비회원은 현재 해당 기능을 이용할 수 없습니다.")
    ANONYMOUS_MEMBER_ID_INVALID = ErrorSpec(400, "익명 회원 아이디를 확인해주세요.")
    EXIT_SURVEY_MESSAGE_LENGTH = ErrorSpec(400, "10 이상 500 이하의 글자를 입력해주세요.")
    ID_REQUIRED = ErrorSpec(400, "아이디는 필수 입니다.")

    # Picks
    PICK_NOT_FOUND = ErrorSpec(404, "픽픽픽 게시글이 없습니다.")
    PICK_NOT_FOUND_FOR_MODIFY = ErrorSpec(404, "수정할 수 있는 픽픽픽 게시글이 없습니다.")
    PICK_NOT_AUTHOR = ErrorSpec(403, "회원 본인이 작성한 게시글만 수정할 수 있습니다.")
    PICK_NOT_APPROVED = ErrorSpec(400, "픽픽픽 게시글 상태가 승인 상태가 아닙니다. 관리자에게 문의하세요.")
    PICK_NOT_APPROVED_FOR_COMMENT = ErrorSpec(400, "승인 상태가 아닌 픽픽픽에는 댓글을 {action}할 수 없습니다.")
    PICK_NOT_APPROVED_FOR_REPLY = ErrorSpec(400, "승인 상태가 아닌 픽픽픽에는 답글을 작성할 수 없습니다.")
    PICK_COMMENT_NOT_FOUND = ErrorSpec(404, "픽픽픽 댓글이 없습니다.")
    PICK_COMMENT_DELETED_NO_REPLY = ErrorSpec(400, "삭제된 픽픽픽 댓글에는 답글을 작성할 수 없습니다.")
    PICK_COMMENT_DELETED_NO_ACTION = ErrorSpec(400, "삭제된 픽픽픽 댓글에는 {action}할 수 없습니다.")
    PICK_VOTE_NOT_FOUND = ErrorSpec(404, "투표한 픽픽픽 선택지가 존재하지 않습니다.")
    PICK_VOTE_SAME_OPTION = ErrorSpec(400, "동일한 픽픽픽 선택지에 투표할 수 없습니다.")
    PICK_OPTION_IMAGE_NOT_FOUND = ErrorSpec(404, "픽픽픽 선택지 이미지가 존재하지 않습니다.")
    PICK_OPTION_IMAGE_NOT_FOUND_ON_DELETE = ErrorSpec(400, "픽픽픽 선택지 이미지가 존재하지 않습니다.")
    PICK_IMAGE_TOO_MANY = ErrorSpec(400, "이미지 파일은 최대 3개 까지 업로드 할 수 있습니다.")
    PICK_IMAGE_BAD_NAME = ErrorSpec(400, "픽픽픽 이미지에 알맞지 않은 형식의 이름 입니다.")
    PICK_IMAGE_BAD_TYPE = ErrorSpec(
        400, "{content_type}는 지원하지 않은 파일 형식 입니다. 현재 [image/jpeg, image/png] 파일 형식만 지원합니다."
    )
    TITLE_REQUIRED = ErrorSpec(400, "제목을 작성해주세요.")
    OPTION_TITLE_REQUIRED = ErrorSpec(400, "선택지 제목을 작성해주세요.")
    PICK_TITLE_REQUIRED = ErrorSpec(400, "픽픽픽 제목을 작성해주세요.")
    PICK_OPTIONS_REQUIRED = ErrorSpec(400, "픽픽픽 선택지가 없습니다.")
    PICK_OPTION_TITLE_REQUIRED = ErrorSpec(400, "픽픽픽 선택지 제목을 작성해주세요.")
    PICK_ID_REQUIRED = ErrorSpec(400, "픽픽픽 아이디는 필수 입니다.")
    PICK_OPTION_ID_REQUIRED = ErrorSpec(400, "픽픽픽 선택지 아이디는 필수 입니다.")
    TITLE_TOO_LONG = ErrorSpec(400, "제목은 빈 값이거나 150자를 초과 할 수 없습니다.")
    PICK_CONTENT_TOO_LONG = ErrorSpec(400, "픽픽픽 내용은 최대 30000자 입니다.")
    CONTENTS_REQUIRED = ErrorSpec(400, "내용을 작성해주세요.")
    PICK_VOTE_PUBLIC_REQUIRED = ErrorSpec(400, "픽픽픽 공개 여부는 필수 값 입니다.")
    COMMENT_LENGTH = ErrorSpec(400, "댓글은 1글자 이상 1000글자 이하여야 합니다.")
    PICK_BAD_ACCESS = ErrorSpec(405, "잘못된 형식의 픽픽픽 서비스 접근 입니다.")

    # Tech articles and their comments
    ARTICLE_NOT_FOUND = ErrorSpec(404, "존재하지 않는 기술블로그입니다.")
    TECH_COMMENT_NOT_FOUND = ErrorSpec(404, "존재하지 않는 기술블로그 댓글입니다.")
    TECH_COMMENT_DELETED_NO_REPLY = ErrorSpec(400, "삭제된 기술블로그 댓글에는 답글을 작성할 수 없습니다.")
    TECH_COMMENT_DELETED_NO_RECOMMEND = ErrorSpec(400, "삭제된 기술블로그 댓글은 추천할 수 없습니다.")
    TECH_COMMENT_DELETED_NO_BLAME = ErrorSpec(400, "삭제된 기술블로그 댓글에는 신고할 수 없습니다.")
    TECH_COMMENT_CONTENTS_REQUIRED = ErrorSpec(400, "댓글 내용을 작성해주세요.")
    KEYWORD_SPECIAL_CHARACTERS = ErrorSpec(400, "검색어에 특수문자는 포함할 수 없어요")
    SCORE_CURSOR_REQUIRED = ErrorSpec(400, "정확도순 페이지네이션을 위한 커서의 score를 입력해주세요.")

    # Companies and subscriptions
    COMPANY_NOT_FOUND = ErrorSpec(404, "존재하지 않는 기업 입니다.")
    SUBSCRIPTION_NOT_FOUND = ErrorSpec(404, "구독 이력이 없습니다.")
    ALREADY_SUBSCRIBED = ErrorSpec(400, "이미 구독하고 있는 기업입니다.")
    COMPANY_ID_REQUIRED = ErrorSpec(400, "기업 아이디는 필수 입니다.")

    # Notifications
    NOTIFICATION_NOT_FOUND = ErrorSpec(404, "존재하지 않는 알림입니다.")
    SERVICE_NOT_SUPPORTED = ErrorSpec(404, "지원하는 서비스가 아닙니다.")
    SERVICE_FORBIDDEN = ErrorSpec(403, "접근할 수 없는 권한 입니다.")
    # Not in the contract: signed crawler requests (docs/decisions.md).
    SIGNATURE_STALE = ErrorSpec(403, "요청 시각(timestamp)이 서버 시각과 5분 넘게 차이 납니다.")
    SIGNATURE_REPLAYED = ErrorSpec(403, "이미 처리된 서명 요청입니다.")
    SIGNATURE_REQUIRED = ErrorSpec(403, "이 서비스는 서명된 요청(timestamp, signature)만 받습니다.")
    NOTIFICATION_COMPANY_ID_REQUIRED = ErrorSpec(400, "회사 아이디는 필수 입니다.")
    NOTIFICATION_ARTICLES_REQUIRED = ErrorSpec(400, "기술 블로그는 필수 입니다.")
    INVALID_INPUT = ErrorSpec(400, "올바른 입력 값이 아닙니다.")

    # Blames
    BLAME_TYPE_NOT_FOUND = ErrorSpec(404, "존재하지 않는 신고 종류 입니다.")
    BLAME_PATH_INVALID = ErrorSpec(400, "유효하지 않은 신고 경로입니다.")
    ALREADY_BLAMED = ErrorSpec(400, "이미 신고 했습니다.")
    BLAME_TYPE_ID_REQUIRED = ErrorSpec(400, "신고 사유 종류 아이디는 필수 입니다.")

    # System
    TEMPORARY_FAILURE = ErrorSpec(500, "일시적으로 오류가 발생했습니다.", error_code=503)
    UPLOAD_TOO_LARGE = ErrorSpec(400, "업로드 가능한 파일 용량(10MB)을 초과했습니다.")
    # Not in the contract: the Timezone request header names a zone the IANA database does not know.
    UNKNOWN_TIMEZONE = ErrorSpec(400, "지원하지 않는 Timezone 입니다: {zone}")
    # Not in the contract: the input boundary (docs/decisions.md). A string that is not valid text (a lone UTF-16
    # surrogate, NUL) anywhere in a request; a JSON body nested too deep or too large; a number that is not one.
    INVALID_CHARACTERS = ErrorSpec(400, "{where}에 사용할 수 없는 문자(짝 없는 서로게이트, NUL)가 있습니다.")
    JSON_TOO_DEEP = ErrorSpec(400, "요청 본문의 JSON은 {depth}단계까지만 중첩할 수 있습니다.")
    JSON_TOO_LARGE = ErrorSpec(400, "요청 본문의 JSON은 {limit}바이트를 넘을 수 없습니다.")
    NOT_A_NUMBER = ErrorSpec(400, "{name} 값이 올바른 숫자가 아닙니다.")
    NUMBER_TOO_SMALL = ErrorSpec(400, "{name} 값은 {minimum} 이상이어야 합니다.")
    # Not the contract's: a route that does not exist, and a method a path does not take.
    ROUTE_NOT_FOUND = ErrorSpec(404, "요청한 API를 찾을 수 없습니다.")
    UNEXPECTED = ErrorSpec(500, "일시적으로 오류가 발생했습니다.")


def catalogue() -> dict[str, ErrorSpec]:
    """Every named entry, for the error-catalogue page and its tests."""
    return {name: value for name, value in vars(Errors).items() if isinstance(value, ErrorSpec)}


def error_name(spec: ErrorSpec) -> str:
    """The catalogue's name of an error (``INVALID_MEMBER``), as log lines and metrics name it; ``BAD_REQUEST`` for
    a 400 of our own wording."""
    if not _ERROR_NAMES:
        _ERROR_NAMES.update({id(value): name for name, value in catalogue().items()})
    return _ERROR_NAMES.get(id(spec), "BAD_REQUEST" if spec.status == 400 else f"HTTP_{spec.status}")


_ERROR_NAMES: dict[int, str] = {}
