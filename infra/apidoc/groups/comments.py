"""The comments group's routes: pick comments, tech-article comments and blames.

Pick comments and tech-article comments are one family of seven routes (list, write, best, recommend, reply, modify,
delete) with the same shapes: ``comment_docs`` writes them from a ``CommentFamily`` holding only what differs (the
post's noun, paths and ids, the fields a pick comment adds, and the contract's rules and errors of each route).
"""

from __future__ import annotations

from dataclasses import dataclass

from infra.apidoc.model import INT, Doc, F, Field, P, Param, enum


@dataclass(frozen=True)
class Rules:
    """What the contract says of one route of a family: its rules (the description) and its errors."""

    description: str
    errors: tuple[str, ...]


@dataclass(frozen=True)
class CommentFamily:
    """What differs between the pick and the tech-article comment routes."""

    noun: str  # the post, as the contract's descriptions name it: 픽픽픽, 기술블로그
    collection: str  # the posts' path: /picks
    post_id: str  # the post's path parameter: pickId
    prefix: str  # of the comment id and the reply's parent ids: pick → pickCommentId, pickParentCommentId
    reply_path: tuple[str, str]  # the reply route's origin parent and parent comment path parameters
    list_query: tuple[Param, ...]  # the list's query after the cursor: size, sort, filters
    total_elements: str  # the list's data.totalElements
    edited: str  # what the modify and delete summaries name: 댓글/답글, 댓글
    reply_id: str  # the reply route's data.<comment id>
    write: Rules
    best: str  # the best comments' description (their errors are the list's)
    recommend: Rules
    reply: Rules
    modify: Rules
    delete: Rules
    write_body: tuple[Field, ...] = ()  # what a comment's body adds to its contents
    post_author_flag: str = ""  # the field telling a comment or reply of the post's author
    vote_fields: tuple[Field, ...] = ()  # the fields a comment adds after maskedEmail, relative to the comment
    best_parent_author_note: str = ""  # appended to the best replies' parent author description
    list_item: tuple[Field, ...] = ()  # the list's comment (under data.content[]) when not laid out as the best one

    @property
    def comments(self) -> str:
        return f"{self.collection}/{{{self.post_id}}}/comments"

    @property
    def comment_id(self) -> str:
        return f"{self.prefix}CommentId"


def _under(at: str, fields: tuple[Field, ...]) -> tuple[Field, ...]:
    """``fields`` with their paths under ``at``."""
    return tuple(F(f"{at}.{f.path}", f.type, f.description, optional=f.optional, nullable=f.nullable) for f in fields)


def _comment(family: CommentFamily, at: str, parent_author_note: str = "") -> tuple[Field, ...]:
    """A comment with its replies, at ``at`` (``datas[]``)."""
    n, p, cid, flag = family.noun, family.prefix, family.comment_id, family.post_author_flag
    reply = f"{at}.replies[]"
    return (
        F(f"{at}.{cid}", "Number", f"{n} 댓글 아이디"),
        F(f"{at}.createdAt", "String", f"{n} 댓글 작성일시"),
        F(f"{at}.memberId", "Number", f"{n} 댓글 작성자 아이디"),
        F(f"{at}.author", "String", f"{n} 댓글 작성자 닉네임"),
        *([F(f"{at}.{flag}", "Boolean", f"댓글 작성자가 {n} 작성자인지 여부")] if flag else []),
        F(f"{at}.isCommentAuthor", "Boolean", "로그인한 회원이 댓글 작성자인지 여부"),
        F(f"{at}.isRecommended", "Boolean", "로그인한 회원이 댓글 추천 여부"),
        F(f"{at}.maskedEmail", "String", f"{n} 댓글 작성자 이메일"),
        *_under(at, family.vote_fields),
        F(f"{at}.contents", "String", f"{n} 댓글 내용"),
        F(f"{at}.replyTotalCount", "Number", f"{n} 댓글의 답글 총 갯수"),
        F(f"{at}.recommendTotalCount", "Number", f"{n} 댓글 좋아요 총 갯수"),
        F(f"{at}.isDeleted", "Boolean", f"{n} 댓글 삭제 여부"),
        F(f"{at}.isModified", "Boolean", f"{n} 댓글 수정 여부"),
        F(f"{at}.replies", "Array", f"{n} 답글 배열"),
        F(f"{reply}.{cid}", "Number", f"{n} 답글 아이디"),
        F(f"{reply}.memberId", "Number", f"{n} 답글 작성자 아이디"),
        F(f"{reply}.{p}ParentCommentId", "Number", f"{n} 답글의 부모 댓글 아이디"),
        F(f"{reply}.{p}OriginParentCommentId", "Number", f"{n} 답글의 최상위 부모 댓글 아이디"),
        F(f"{reply}.createdAt", "String", f"{n} 답글 작성일시"),
        *([F(f"{reply}.{flag}", "Boolean", f"답글 작성자가 {n} 작성자인지 여부")] if flag else []),
        F(f"{reply}.isCommentAuthor", "Boolean", "로그인한 회원이 답글 작성자인지 여부"),
        F(f"{reply}.isRecommended", "Boolean", "로그인한 회원이 답글 추천 여부"),
        F(f"{reply}.author", "String", f"{n} 답글 작성자 닉네임"),
        F(f"{reply}.maskedEmail", "String", f"{n} 답글 작성자 이메일"),
        F(f"{reply}.contents", "String", f"{n} 답글 내용"),
        F(f"{reply}.recommendTotalCount", "Number", f"{n} 답글 좋아요 총 갯수"),
        F(f"{reply}.isDeleted", "Boolean", f"{n} 답글 삭제 여부"),
        F(f"{reply}.isModified", "Boolean", f"{n} 답글 수정 여부"),
        F(f"{reply}.{p}ParentCommentMemberId", "Number", f"{n} 부모 댓글 작성자 아이디"),
        F(f"{reply}.{p}ParentCommentAuthor", "String", f"{n} 부모 댓글 작성자 닉네임{parent_author_note}"),
    )


def comment_docs(family: CommentFamily) -> dict[str, Doc]:
    """The seven comment routes of a family, keyed as the route table's routes."""
    n, cid, base = family.noun, family.comment_id, family.comments
    post = P(family.post_id, f"{n} 아이디", schema=INT)
    contents = F("contents", "String", f"{n} 댓글 내용(최소 1자 이상 최대 1,000자 이하)")
    written = (
        F("resultType", "String", "응답 결과"),
        F("data", "Object", "응답 데이터"),
        F(f"data.{cid}", "Number", f"{n} 댓글 아이디"),
    )
    item = _under("data.content[]", family.list_item) if family.list_item else _comment(family, "data.content[]")
    origin, parent = family.reply_path
    return {
        f"GET {base}": Doc(
            summary=f"{n} 댓글/답글 조회 API",
            description=f"- {n} 댓글/답글을 조회한다.",
            auth="optional",
            anonymous=True,
            path=(post,),
            query=(P(cid, f"{n} 댓글 아이디", optional=True, schema=INT), *family.list_query),
            response=(
                F("resultType", "String", "응답 결과"),
                F("data", "Object", "응답 데이터"),
                F("data.content", "Array", f"{n} 댓글/답글 메인 배열"),
                *item,
                F("data.pageable", "Object", f"{n} 메인 페이지네이션 정보"),
                F("data.pageable.pageNumber", "Number", "페이지 번호"),
                F("data.pageable.pageSize", "Number", "페이지 사이즈"),
                F("data.pageable.sort", "Object", "정렬 정보"),
                F("data.pageable.sort.empty", "Boolean", "정렬 정보가 비어있는지 여부"),
                F("data.pageable.sort.sorted", "Boolean", "정렬 여부"),
                F("data.pageable.sort.unsorted", "Boolean", "비정렬 여부"),
                F("data.pageable.offset", "Number", "페이지 오프셋 (페이지 크기 * 페이지 번호)"),
                F("data.pageable.paged", "Boolean", "페이지 정보 포함 여부"),
                F("data.pageable.unpaged", "Boolean", "페이지 정보 비포함 여부"),
                F("data.totalElements", "Number", family.total_elements),
                F("data.totalOriginParentComments", "Number", "삭제 되지 않은 최상위 댓글 수"),
                F("data.first", "Boolean", "현재 페이지가 첫 페이지 여부"),
                F("data.last", "Boolean", "현재 페이지가 마지막 페이지 여부"),
                F("data.size", "Number", "페이지 크기"),
                F("data.number", "Number", "현재 페이지"),
                F("data.sort", "Object", "정렬 정보"),
                F("data.sort.empty", "Boolean", "정렬 정보가 비어있는지 여부"),
                F("data.sort.sorted", "Boolean", "정렬 상태 여부"),
                F("data.sort.unsorted", "Boolean", "비정렬 상태 여부"),
                F("data.numberOfElements", "Number", "현재 페이지 데이터 수"),
                F("data.empty", "Boolean", "현재 빈 페이지 여부"),
            ),
            errors=("ANONYMOUS_MEMBER_ID_INVALID",),
        ),
        f"POST {base}": Doc(
            summary=f"{n} 댓글 작성 API",
            description=family.write.description,
            auth="optional",
            anonymous=True,
            path=(post,),
            body=(contents, *family.write_body),
            response=written,
            errors=family.write.errors,
        ),
        f"GET {base}/best": Doc(
            summary=f"{n} 베스트 댓글/답글 조회 API",
            description=family.best,
            auth="optional",
            anonymous=True,
            path=(post,),
            query=(P("size", "조회되는 데이터 수(min=3, max=10)", optional=True, schema=INT),),
            response=(
                F("resultType", "String", "응답 결과"),
                F("datas", "Array", "응답 데이터"),
                *_comment(family, "datas[]", family.best_parent_author_note),
            ),
            errors=("ANONYMOUS_MEMBER_ID_INVALID",),
        ),
        f"POST {base}/{{{cid}}}/recommends": Doc(
            summary=f"{n} 댓글/답글 추천 API",
            description=family.recommend.description,
            auth="required",
            path=(post, P(cid, f"{n} 댓글/답글 아이디", schema=INT)),
            response=(
                F("resultType", "String", "응답 결과"),
                F("data", "Object", "응답 데이터", optional=True),
                F("data.isRecommended", "Boolean", f"로그인한 회원의 {n} 댓글/답글 추천 여부", optional=True),
                F("data.recommendTotalCount", "Number", f"{n} 댓글/답글 추천 총 갯수", optional=True),
            ),
            errors=family.recommend.errors,
        ),
        f"POST {base}/{{{origin}}}/{{{parent}}}": Doc(
            summary=f"{n} 답글 작성 API",
            description=family.reply.description,
            auth="optional",
            anonymous=True,
            path=(
                post,
                P(origin, f"{n} 최상단 댓글 아이디", schema=INT),
                P(parent, f"{n} 답글 대상의 댓글 아이디", schema=INT),
            ),
            body=(contents,),
            response=(*written[:2], F(f"data.{cid}", "Number", family.reply_id)),
            errors=family.reply.errors,
        ),
        f"PATCH {base}/{{{cid}}}": Doc(
            summary=f"{n} {family.edited} 수정 API",
            description=family.modify.description,
            auth="optional",
            anonymous=True,
            path=(post, P(cid, f"{n} 댓글 아이디", schema=INT)),
            body=(contents,),
            response=written,
            errors=family.modify.errors,
        ),
        f"DELETE {base}/{{{cid}}}": Doc(
            summary=f"{n} {family.edited} 삭제 API",
            description=family.delete.description,
            auth="optional",
            anonymous=True,
            path=(post, P(cid, f"{n} 댓글 아이디", schema=INT)),
            response=written,
            errors=family.delete.errors,
        ),
    }


PICK = CommentFamily(
    noun="픽픽픽",
    collection="/picks",
    post_id="pickId",
    prefix="pick",
    reply_path=("pickOriginParentCommentId", "pickParentCommentId"),
    list_query=(
        P("size", "조회되는 데이터 수", optional=True, schema=INT),
        P(
            "pickCommentSort",
            "픽픽픽 댓글 정렬 조건 / LATEST(최신순), MOST_LIKED(좋아요순), MOST_COMMENTED(답글 많은순)",
            optional=True,
            schema=enum("LATEST", "MOST_LIKED", "MOST_COMMENTED"),
        ),
        P(
            "pickOptionType",
            "픽픽픽 댓글 필터링 옵션 타입(체크박스) / firstPickOption(첫 번째 픽 옵션), secondPickOption(두 번째 픽 옵션)",
            optional=True,
            schema=enum("firstPickOption", "secondPickOption"),
        ),
        P(
            "pickOptionTypes",
            "계약서 표의 pickOptionType의 실제 이름: 반복하거나 쉼표로 구분 (firstPickOption, secondPickOption)",
            optional=True,
            schema={
                "type": "string",
                "pattern": "^(firstPickOption|secondPickOption)(,(firstPickOption|secondPickOption))*$",
            },
        ),
    ),
    total_elements="전체 댓글(답글 포함) 수",
    edited="댓글/답글",
    reply_id="픽픽픽 답글 아이디",
    write=Rules(
        "- 픽픽픽 댓글을 작성한다.\n- 회원만 픽픽픽 댓글을 작성 할 수 있다.",
        (
            "CONTENTS_REQUIRED",
            "PICK_VOTE_PUBLIC_REQUIRED",
            "PICK_NOT_FOUND",
            "PICK_NOT_APPROVED_FOR_COMMENT",
            "PICK_VOTE_NOT_FOUND",
            "ANONYMOUS_NOT_ALLOWED",
            "MEMBER_NOT_FOUND",
            "COMMENT_LENGTH",
            "ANONYMOUS_MEMBER_ID_INVALID",
        ),
    ),
    best="- 픽픽픽 베스트 댓글/답글을 조회한다.\n  - 추천 수가 1개 미만이면 베스트 댓글에 포함되지 않는다.\n  - 댓글이 존재하지 않으면, 빈 배열을 응답할 수 있다.\n- 최소 3개 최대 10개 까지만 조회가 가능하다.\n- 삭제 상태의 최초 댓글은 베스트 댓글에 포함되지 않는다.\n  - 답글은 삭제 상태여도 포함된다.",
    recommend=Rules(
        "- 픽픽픽 댓글/답글을 추천한다.\n- 회원만 픽픽픽 댓글을 추천 할 수 있다.\n- 이미 추천한 경우 추천이 취소 된다.",
        (
            "PICK_COMMENT_NOT_FOUND",
            "PICK_NOT_APPROVED_FOR_COMMENT",
            "PICK_COMMENT_DELETED_NO_ACTION",
            "ANONYMOUS_NOT_ALLOWED",
            "MEMBER_NOT_FOUND",
        ),
    ),
    reply=Rules(
        "- 픽픽픽 답글을 작성한다.\n- 회원만 픽픽픽 답글을 작성 할 수 있다.\n- 픽픽픽 댓글이 삭제 상태 이면 답글을 작성 할 수 없다.\n- 최초 댓글에 대한 답글을 작성할 경우 pickCommentOriginParentId 값과 pickParentCommentId 값이 동일하다.",
        (
            "CONTENTS_REQUIRED",
            "PICK_COMMENT_NOT_FOUND",
            "PICK_COMMENT_DELETED_NO_REPLY",
            "PICK_NOT_APPROVED_FOR_REPLY",
            "ANONYMOUS_NOT_ALLOWED",
            "MEMBER_NOT_FOUND",
            "COMMENT_LENGTH",
            "ANONYMOUS_MEMBER_ID_INVALID",
        ),
    ),
    modify=Rules(
        "- 픽픽픽 댓글/답글을 수정한다.\n- 회원 본인이 작성한 픽픽픽 댓글/답글을 수정 할 수 있다.\n- 픽픽픽 공개 여부는 수정 할 수 없다.\n- 삭제된 댓글/답글을 수정 할 수 없다.",
        (
            "CONTENTS_REQUIRED",
            "PICK_COMMENT_NOT_FOUND",
            "PICK_NOT_APPROVED_FOR_COMMENT",
            "ANONYMOUS_NOT_ALLOWED",
            "MEMBER_NOT_FOUND",
            "COMMENT_LENGTH",
            "ANONYMOUS_MEMBER_ID_INVALID",
        ),
    ),
    delete=Rules(
        "- 픽픽픽 댓글/답글을 삭제한다.\n- 회원 본인이 작성한 픽픽픽 댓글/답글만 삭제 할 수 있다.\n- 삭제된 댓글/답글을 삭제 할 수 없다.\n- 어드민 권한을 가진 회원은 모든 댓글/답글을 삭제할 수 있다.",
        (
            "PICK_COMMENT_NOT_FOUND",
            "PICK_NOT_APPROVED_FOR_COMMENT",
            "ANONYMOUS_NOT_ALLOWED",
            "MEMBER_NOT_FOUND",
            "ANONYMOUS_MEMBER_ID_INVALID",
        ),
    ),
    write_body=(F("isPickVotePublic", "Boolean", "픽픽픽 공개 여부"),),
    post_author_flag="isCommentOfPickAuthor",
    vote_fields=(
        F(
            "votedPickOption",
            "String",
            "픽픽픽 투표 선택 타입 / firstPickOption(첫 번째 픽 옵션), secondPickOption(두 번째 픽 옵션)",
        ),
        F("votedPickOptionTitle", "String", "픽픽픽 투표 선택 타입 제목 / String | null"),
    ),
    best_parent_author_note=" / 기술블로그",  # sic: the contract's table
)

TECH = CommentFamily(
    noun="기술블로그",
    collection="/articles",
    post_id="techArticleId",
    prefix="tech",
    reply_path=("originParentTechCommentId", "parentTechCommentId"),
    list_query=(
        P("size", "조회 데이터 수", optional=True, schema=INT),
        P(
            "techCommentSort",
            "기술블로그 댓글 정렬 조건 / OLDEST(등록순), LATEST(최신순), MOST_LIKED(좋아요순), MOST_COMMENTED(답글 많은순)",
            optional=True,
            schema=enum("OLDEST", "LATEST", "MOST_LIKED", "MOST_COMMENTED"),
        ),
    ),
    total_elements="전체 댓글 수",
    edited="댓글",
    reply_id="기술블로그 댓글 아이디",
    write=Rules(
        "- 회원은 기술블로그에 댓글을 작성할 수 있다.\n- 익명회원은 댓글을 작성할 수 없다.",
        (
            "TECH_COMMENT_CONTENTS_REQUIRED",
            "MEMBER_NOT_FOUND",
            "ANONYMOUS_NOT_ALLOWED",
            "ARTICLE_NOT_FOUND",
            "GUEST_NOT_ALLOWED",
            "COMMENT_LENGTH",
            "ANONYMOUS_MEMBER_ID_INVALID",
        ),
    ),
    best="- 기술블로그 베스트 댓글/답글을 조회한다.\n  - 댓글이 존재하지 않으면, 빈 배열을 응답할 수 있다.\n- 최소 3개 최대 10개 까지만 조회가 가능하다.\n- 삭제 상태의 최초 댓글은 베스트 댓글에 포함되지 않는다.\n  - 답글은 삭제 상태여도 포함된다.",
    recommend=Rules(
        "- 회원은 기술블로그 댓글/답글을 추천할 수 있다.\n- 이미 추천한 경우 추천이 취소된다.",
        (
            "ARTICLE_NOT_FOUND",
            "ANONYMOUS_NOT_ALLOWED",
            "MEMBER_NOT_FOUND",
            "TECH_COMMENT_NOT_FOUND",
            "TECH_COMMENT_DELETED_NO_RECOMMEND",
        ),
    ),
    reply=Rules(
        "- 회원은 기술블로그에 댓글에 답글을 작성할 수 있다.\n- 익명회원은 답글을 작성할 수 없다.\n- 삭제된 댓글에는 답글을 작성할 수 없다.\n- 최초 댓글에 대한 답글을 작성할 경우 techCommentOriginParentId 값과 techParentCommentId 값이 동일하다.",
        (
            "TECH_COMMENT_CONTENTS_REQUIRED",
            "MEMBER_NOT_FOUND",
            "ANONYMOUS_NOT_ALLOWED",
            "ARTICLE_NOT_FOUND",
            "TECH_COMMENT_DELETED_NO_REPLY",
            "COMMENT_LENGTH",
            "ANONYMOUS_MEMBER_ID_INVALID",
        ),
    ),
    modify=Rules(
        "- 기술블로그 댓글을 수정한다.\n- 회원 본인이 작성한 기술블로그 댓글을 수정할 수 있다.\n- 삭제된 댓글을 수정할 수 없다.",
        (
            "CONTENTS_REQUIRED",
            "ARTICLE_NOT_FOUND",
            "ANONYMOUS_NOT_ALLOWED",
            "MEMBER_NOT_FOUND",
            "TECH_COMMENT_NOT_FOUND",
            "TECH_COMMENT_CONTENTS_REQUIRED",
            "COMMENT_LENGTH",
            "ANONYMOUS_MEMBER_ID_INVALID",
        ),
    ),
    delete=Rules(
        "- 기술블로그 댓글을 삭제한다.\n- 회원 본인이 작성한 기술블로그 댓글을 삭제할 수 있다.\n- 어드민 권한을 가진 회원은 모든 댓글을 삭제할 수 있다.",
        (
            "ARTICLE_NOT_FOUND",
            "ANONYMOUS_NOT_ALLOWED",
            "MEMBER_NOT_FOUND",
            "TECH_COMMENT_NOT_FOUND",
            "ANONYMOUS_MEMBER_ID_INVALID",
        ),
    ),
    best_parent_author_note=" / 기술 블로그 구독",  # sic: the contract's table
    # The contract's list of tech comments orders and words its fields its own way ("편집 여부" for isModified).
    list_item=(
        F("techCommentId", "Number", "기술블로그 댓글 아이디"),
        F("createdAt", "String", "기술블로그 댓글 작성일시"),
        F("memberId", "Number", "기술블로그 댓글 작성자 아이디"),
        F("author", "String", "기술블로그 댓글 작성자 닉네임"),
        F("maskedEmail", "String", "기술블로그 댓글 작성자 이메일"),
        F("contents", "String", "기술블로그 댓글 내용"),
        F("isCommentAuthor", "Boolean", "회원의 기술블로그 댓글 작성자 여부"),
        F("replyTotalCount", "Number", "기술블로그 댓글의 답글 총 갯수"),
        F("recommendTotalCount", "Number", "기술블로그 댓글 좋아요 총 갯수"),
        F("isDeleted", "Boolean", "기술블로그 댓글 삭제 여부"),
        F("isModified", "Boolean", "기술블로그 댓글 편집 여부"),
        F("isRecommended", "Boolean", "기술블로그 댓글 좋아요 여부"),
        F("replies", "Array", "기술블로그 답글 배열"),
        F("replies[].techCommentId", "Number", "기술블로그 답글 아이디"),
        F("replies[].memberId", "Number", "기술블로그 답글 작성자 아이디"),
        F("replies[].techParentCommentId", "Number", "기술블로그 답글의 부모 댓글 아이디"),
        F("replies[].techOriginParentCommentId", "Number", "기술블로그 답글의 최상위 부모 댓글 아이디"),
        F("replies[].createdAt", "String", "기술블로그 답글 작성일시"),
        F("replies[].techParentCommentMemberId", "Number", "기술블로그 답글의 부모 댓글 작성자 아이디"),
        F("replies[].techParentCommentAuthor", "String", "기술블로그 답글의 부모 댓글 작성자 닉네임"),
        F("replies[].author", "String", "기술블로그 답글 작성자 닉네임"),
        F("replies[].isCommentAuthor", "Boolean", "회원의 기술블로그 답글 작성자 여부"),
        F("replies[].maskedEmail", "String", "기술블로그 답글 작성자 이메일"),
        F("replies[].contents", "String", "기술블로그 답글 내용"),
        F("replies[].recommendTotalCount", "Number", "기술블로그 답글 좋아요 총 갯수"),
        F("replies[].isDeleted", "Boolean", "기술블로그 댓글 삭제 여부"),
        F("replies[].isModified", "Boolean", "기술블로그 댓글 편집 여부"),
        F("replies[].isRecommended", "Boolean", "기술블로그 댓글 좋아요 여부"),
    ),
)

DOCS: dict[str, Doc] = {
    **comment_docs(PICK),
    **comment_docs(TECH),
    "GET /blames": Doc(
        summary="신고 사유 목록 조회 API",
        description="- 회원이 신고 사유를 조회한다.\n- 익명 사용자는 이용할 수 없다.",
        auth="required",
        response=(
            F("resultType", "String", "응답 결과"),
            F("datas", "Array", "응답 데이터"),
            F("datas[].id", "Number", "신고 종류 아이디"),
            F("datas[].reason", "String", "신고 사유"),
            F("datas[].sortOrder", "Number", "정렬 순서"),
        ),
        errors=("INVALID_MEMBER",),
    ),
    "POST /blames/{blamePathType}": Doc(
        summary="신고 API",
        description="- 회원이 신고 사유를 이용해서 신고하고 싶은 댑댑댑 서비스에 신고 한다.\n  - 신고 가능한 댑댑댑 서비스\n  - 픽픽픽, 픽픽픽 댓글, 기술블로그 댓글\n- 익명 사용자는 이용할 수 없다.",
        auth="required",
        path=(
            P(
                "blamePathType",
                "댑댑댑 신고 경로 타입 / PICK(픽픽픽), TECH_ARTICLE(기술 블로그)",
                schema=enum("PICK", "TECH_ARTICLE"),
            ),
        ),
        response=(
            F("resultType", "String", "응답 결과"),
            F("data.blameId", "Number", "신고 아이디"),
        ),
        errors=(
            "ANONYMOUS_NOT_ALLOWED",
            "MEMBER_NOT_FOUND",
            "BLAME_TYPE_NOT_FOUND",
            "BLAME_TYPE_ID_REQUIRED",
            "ALREADY_BLAMED",
            "BLAME_PATH_INVALID",
            "PICK_NOT_FOUND",
            "PICK_COMMENT_NOT_FOUND",
            "PICK_NOT_APPROVED_FOR_COMMENT",
            "PICK_BAD_ACCESS",
            "PICK_COMMENT_DELETED_NO_ACTION",
            "TECH_COMMENT_NOT_FOUND",
            "PICK_ID_REQUIRED",
            "TECH_COMMENT_DELETED_NO_BLAME",
        ),
    ),
}
