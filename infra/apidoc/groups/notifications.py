"""The notifications group's routes: the live channel, the crawler's notification intake, reading, the
page, the popup and the unread count."""

from __future__ import annotations

from infra.apidoc.model import INT, Doc, F, P, enum

# Not in the contract: the notification types a client renders (docs/decisions.md, "Reply notifications by opt-in").
NOTIFICATION_TYPES = P(
    "types",
    "계약서에 없는 파라미터: 클라이언트가 보여줄 알림 타입, 쉼표로 구분하거나 반복 / SUBSCRIPTION, COMMENT_AND_REPLY. "
    "없으면 SUBSCRIPTION만 (답글 알림을 모르는 클라이언트도 깨지지 않도록). 알 수 없는 값은 400",
    optional=True,
    schema={
        "type": "string",
        "pattern": "^(SUBSCRIPTION|COMMENT_AND_REPLY)(,(SUBSCRIPTION|COMMENT_AND_REPLY))*$",
        "examples": ["SUBSCRIPTION,COMMENT_AND_REPLY"],
    },
)
TYPES_NOTE = (
    "\n- (계약서에 없는 규칙) `types` 로 받을 알림 타입을 고른다. 없으면 SUBSCRIPTION 만: 답글 알림(COMMENT_AND_REPLY)은 "
    "`types=SUBSCRIPTION,COMMENT_AND_REPLY` 처럼 요청한 클라이언트에게만 간다."
)
# What a COMMENT_AND_REPLY item adds (only with types=...COMMENT_AND_REPLY).
REPLY_ITEM_FIELDS = (
    F("data.content[].message", "String", "답글 알림 메시지 (COMMENT_AND_REPLY 항목만)", optional=True),
    F(
        "data.content[].pickId",
        "Number",
        "답글이 달린 픽픽픽 ID (COMMENT_AND_REPLY 항목만)",
        optional=True,
        nullable=True,
    ),
    F("data.content[].commentId", "Number", "답글 ID (COMMENT_AND_REPLY 항목만)", optional=True),
    F(
        "data.content[].parentCommentId",
        "Number",
        "답글이 답한 회원의 댓글 ID (COMMENT_AND_REPLY 항목만)",
        optional=True,
    ),
    F("data.content[].originParentCommentId", "Number", "최상위 댓글 ID (COMMENT_AND_REPLY 항목만)", optional=True),
)

DOCS: dict[str, Doc] = {
    "GET /notifications": Doc(
        auth="required",
        summary="실시간 알림 수신 API",
        description='- 회원이 알림을 실시간으로 수신한다.\n- 알림 처리 방식은 Server-Sent Events를 사용한다.\n  - 5분의 타임아웃, 30초 마다 heartbeat 를 전송한다.\n- 기술블로그 알림 시나리오\n  - SSE 구독 상태인 경우\n      1. SSE 구독\n      2. 읽지 않은 알림이 있는 경우\n        1. "읽지 않은 알림이 %d개 있어요!" 전송\n        2. 새로운 글 발행\n        3. "%s에서 새로운 기슬블로그 %d개가 올라왔어요!" 전송\n      3. 읽지 않은 알림이 없는 경우\n        1. 새로운 글 발행\n        2. "%s에서 새로운 기슬블로그 %d개가 올라왔어요!" 전송\n  - SSE 구독 상태가 아닌 경우\n      1. 새로운 글 발행\n      2. SSE 구독\n        1. "읽지 않은 알림이 %d개 있어요!" 전송'
        + TYPES_NOTE
        + " 인사 메시지의 개수도 그 타입들만 센다.",
        headers=(P("Accept", "text/event-stream", optional=True),),
        query=(NOTIFICATION_TYPES,),
        success_kind="event-stream",
        response=(
            F("data", "Object", "알림 (이벤트 하나의 data: 줄)"),
            F("data.message", "String", "알림 메시지"),
            F("data.createdAt", "String", "알림 발생 일시 / yyyy-MM-dd'T'HH:mm:ss"),
        ),
        errors=(
            "ANONYMOUS_NOT_ALLOWED",
            "MEMBER_NOT_FOUND",
            "INVALID_MEMBER",
        ),
    ),
    "POST /notifications/{channel}": Doc(
        summary="알림 생성 API",
        description="- 알림을 생성한다.\n  - service-name, api-key 가 일치 하지 않으면 호출 할 수 없다.",
        headers=(
            P("service-name", "서비스 이름"),
            P("api-key", "api key"),
        ),
        path=(
            P(
                "channel",
                "알림 채널 / SUBSCRIPTION, COMMENT_AND_REPLY",
                schema=enum("SUBSCRIPTION", "COMMENT_AND_REPLY"),
            ),
        ),
        body=(
            F("companyId", "Number", "회사 아이디"),
            F("techArticles", "Array", "기술블로그 배열"),
            F("techArticles[].id", "Number", "기술블로그 아이디"),
        ),
        response=(F("resultType", "String", "응답 결과 / SUCCESS, FAIL"),),
        errors=(
            "INVALID_INPUT",
            "SERVICE_FORBIDDEN",
            "SERVICE_NOT_SUPPORTED",
            "NOTIFICATION_COMPANY_ID_REQUIRED",
        ),
    ),
    "PATCH /notifications/read-all": Doc(
        summary="모든 알림 읽기 API",
        description="- 회원이 자신에게 온 모든 알림을 읽기 처리한다.\n- 회원이 읽을 알림이 하나도 없어도 예외가 발생하지 않고 성공한다."
        + TYPES_NOTE
        + " 모두 읽기는 그 클라이언트가 보여주는 타입의 알림만 읽음 처리한다.",
        auth="required",
        query=(NOTIFICATION_TYPES,),
        response=(F("resultType", "String", "응답 결과"),),
        errors=(
            "ANONYMOUS_NOT_ALLOWED",
            "MEMBER_NOT_FOUND",
        ),
    ),
    "PATCH /notifications/{notificationId}/read": Doc(
        summary="단건 알림 읽기 API",
        description="- 회원이 자신에게 온 단건 알림을 읽기 처리한다.",
        auth="required",
        path=(P("notificationId", "알림 아이디", schema=INT),),
        response=(
            F("resultType", "String", "응답 결과"),
            F("data", "Object", "응답 데이터"),
            F("data.id", "Number", "알림 아이디"),
            F("data.isRead", "Boolean", "알림 읽음 여부"),
        ),
        errors=(
            "ANONYMOUS_NOT_ALLOWED",
            "MEMBER_NOT_FOUND",
            "NOTIFICATION_NOT_FOUND",
        ),
    ),
    "GET /notifications/page": Doc(
        summary="알림 페이지 조회 API",
        description="- 회원은 알림 페이지에서 자신에게 온 알림을 무한스크롤링으로 조회할 수 있다.\n- (추후 추가) 알림 유형에 따라 필터링하여 조회할 수 있다."
        + TYPES_NOTE
        + " `totalElements` 는 그 타입들의 읽지 않은 알림 수다. 픽픽픽 댓글의 답글 알림은 techArticle 이 null 이다.",
        auth="required",
        query=(
            P("notificationId", "마지막 알림 ID (커서)", schema=INT),
            P("size", "페이지 크기", schema=INT),
            NOTIFICATION_TYPES,
        ),
        response=(
            F("resultType", "String", "응답 결과"),
            F("data", "Object", "응답 데이터"),
            F("data.content", "Array", "알림 목록"),
            F("data.content[].notificationId", "Number", "알림 ID"),
            F("data.content[].type", "String", "알림 타입 / SUBSCRIPTION, COMMENT_AND_REPLY"),
            F("data.content[].createdAt", "String", "알림 생성 일시"),
            F("data.content[].isRead", "Boolean", "회원의 알림 읽음 여부"),
            F(
                "data.content[].techArticle",
                "Object",
                "기술블로그 정보 (types 에 COMMENT_AND_REPLY 가 없으면 항상 객체)",
                nullable=True,
            ),
            F("data.content[].techArticle.id", "Number", "기술블로그 ID"),
            F("data.content[].techArticle.elasticId", "String", "엘라스틱서치 ID"),
            F("data.content[].techArticle.thumbnailUrl", "String", "썸네일 URL"),
            F("data.content[].techArticle.isLogoImage", "Boolean", "로고 이미지 여부"),
            F("data.content[].techArticle.techArticleUrl", "String", "기술블로그 URL"),
            F("data.content[].techArticle.title", "String", "기술블로그 제목"),
            F("data.content[].techArticle.contents", "String", "기술블로그 내용"),
            F("data.content[].techArticle.regDate", "String", "작성일"),
            F("data.content[].techArticle.author", "String", "작성자"),
            F("data.content[].techArticle.company", "Object", "기업 정보"),
            F("data.content[].techArticle.company.id", "Number", "기업 ID"),
            F("data.content[].techArticle.company.name", "String", "기업명"),
            F("data.content[].techArticle.company.careerUrl", "String", "기업 채용공고 URL"),
            F("data.content[].techArticle.company.officialImageUrl", "String", "기업 채용공고 URL"),
            F("data.content[].techArticle.viewTotalCount", "Number", "조회 수"),
            F("data.content[].techArticle.recommendTotalCount", "Number", "추천 수"),
            F("data.content[].techArticle.commentTotalCount", "Number", "댓글 수"),
            F("data.content[].techArticle.popularScore", "Number", "인기 점수"),
            F("data.content[].techArticle.isBookmarked", "Boolean", "북마크 여부"),
            F("data.content[].techArticle.score", "Null", "정확도 점수(null)"),
            *REPLY_ITEM_FIELDS,
            F(
                "data.content[].techArticleId",
                "Number",
                "답글이 달린 기술블로그 ID (COMMENT_AND_REPLY 항목만)",
                optional=True,
                nullable=True,
            ),
            F("data.pageable", "Object", "페이지 정보"),
            F("data.pageable.pageNumber", "Number", "페이지 번호"),
            F("data.pageable.pageSize", "Number", "페이지 크기"),
            F("data.pageable.sort", "Object", "정렬 정보"),
            F("data.pageable.sort.empty", "Boolean", "정렬 정보 - 비어있는지"),
            F("data.pageable.sort.sorted", "Boolean", "정렬 정보 - 정렬됨"),
            F("data.pageable.sort.unsorted", "Boolean", "정렬 정보 - 정렬되지 않음"),
            F("data.pageable.offset", "Number", "데이터 시작 위치"),
            F("data.pageable.paged", "Boolean", "페이징 적용 여부"),
            F("data.pageable.unpaged", "Boolean", "페이징 미적용 여부"),
            F("data.totalElements", "Number", "전체 요소 수"),
            F("data.first", "Boolean", "첫 페이지 여부"),
            F("data.last", "Boolean", "마지막 페이지 여부"),
            F("data.size", "Number", "요청한 페이지 크기"),
            F("data.number", "Number", "현재 페이지 번호"),
            F("data.sort", "Object", "정렬 정보"),
            F("data.sort.empty", "Boolean", "정렬 정보 - 비어있는지"),
            F("data.sort.sorted", "Boolean", "정렬 정보 - 정렬됨"),
            F("data.sort.unsorted", "Boolean", "정렬 정보 - 정렬되지 않음"),
            F("data.numberOfElements", "Number", "현재 페이지 요소 수"),
            F("data.empty", "Boolean", "비어있는 페이지인지 여부"),
        ),
        errors=(
            "ANONYMOUS_NOT_ALLOWED",
            "MEMBER_NOT_FOUND",
        ),
    ),
    "GET /notifications/popup": Doc(
        summary="알림 팝업 조회 API",
        description="- 회원이 알림 팝업 리스트를 조회한다."
        + TYPES_NOTE
        + " `totalElements` 는 그 타입들의 읽지 않은 알림 수다. 답글 알림의 title 은 메시지, companyName 은 null 이다.",
        auth="required",
        query=(P("size", "페이지 크기", schema=INT), NOTIFICATION_TYPES),
        response=(
            F("resultType", "String", "응답 결과"),
            F("data", "Object", "응답 데이터"),
            F("data.content", "Array", "알림 팝업 리스트"),
            F("data.content[].id", "Number", "알림 ID"),
            F("data.content[].type", "String", "알림 타입 / SUBSCRIPTION, COMMENT_AND_REPLY"),
            F("data.content[].title", "String", "알림 제목"),
            F("data.content[].isRead", "Boolean", "회원의 읽음 여부"),
            F("data.content[].createdAt", "String", "알림 생성 일시"),
            F(
                "data.content[].companyName",
                "String",
                "기업 이름 (types 에 COMMENT_AND_REPLY 가 없으면 항상 문자열)",
                nullable=True,
            ),
            F(
                "data.content[].techArticleId",
                "Number",
                "기술블로그 id (types 에 COMMENT_AND_REPLY 가 없으면 항상 숫자)",
                nullable=True,
            ),
            *REPLY_ITEM_FIELDS,
            F("data.pageable", "Object", "페이지 정보"),
            F("data.pageable.pageNumber", "Number", "페이지 번호"),
            F("data.pageable.pageSize", "Number", "페이지 크기"),
            F("data.pageable.sort", "Object", "정렬 정보"),
            F("data.pageable.sort.empty", "Boolean", "정렬 여부 - 비어있는지"),
            F("data.pageable.sort.sorted", "Boolean", "정렬 여부 - 정렬됨"),
            F("data.pageable.sort.unsorted", "Boolean", "정렬 여부 - 정렬되지 않음"),
            F("data.pageable.offset", "Number", "데이터 시작 위치"),
            F("data.pageable.paged", "Boolean", "페이징 적용 여부"),
            F("data.pageable.unpaged", "Boolean", "페이징 미적용 여부"),
            F("data.totalElements", "Number", "회원이 읽지 않은 알림 총 개수"),
            F("data.first", "Boolean", "첫 페이지 여부"),
            F("data.last", "Boolean", "마지막 페이지 여부"),
            F("data.size", "Number", "페이지 크기"),
            F("data.number", "Number", "현재 페이지 번호"),
            F("data.sort", "Object", "정렬 정보"),
            F("data.sort.empty", "Boolean", "정렬 정보 - 비어있는지"),
            F("data.sort.sorted", "Boolean", "정렬 정보 - 정렬됨"),
            F("data.sort.unsorted", "Boolean", "정렬 정보 - 정렬되지 않음"),
            F("data.numberOfElements", "Number", "현재 페이지 요소 수"),
            F("data.empty", "Boolean", "비어있는 페이지인지 여부"),
        ),
        errors=(
            "ANONYMOUS_NOT_ALLOWED",
            "MEMBER_NOT_FOUND",
        ),
    ),
    "GET /notifications/unread-count": Doc(
        summary="알림 개수 조회 API",
        description="- 회원이 읽지 않은 알림의 총 개수를 조회한다." + TYPES_NOTE + " 개수도 그 타입들만 센다.",
        auth="required",
        query=(NOTIFICATION_TYPES,),
        response=(
            F("resultType", "String", "응답 결과"),
            F("data", "Number", "응답 데이터(읽지 않은 알림 개수)"),
        ),
        errors=(
            "ANONYMOUS_NOT_ALLOWED",
            "MEMBER_NOT_FOUND",
        ),
    ),
}
